// Generates src/engine/command-meta.json: the key specs (COMMAND INFO) and docs (COMMAND DOCS) of every
// command of a real redis-server, as RESP3 trees ({m: map pairs}, {s: set items}, {t: status}, arrays,
// strings, numbers). Usage: npm run build && node scripts/gen-command-meta.mjs <port> > src/engine/command-meta.json
import net from 'node:net';
import { parseReply, RespMap, RespSet, RespStatus } from '../dist/protocol/reply-parser.js';

const port = Number(process.argv[2] ?? 6402);
function session(cmds) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(cmds.map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
    });
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const out = [];
      let pos = 0;
      for (;;) {
        const r = parseReply(buf, pos);
        if (!r) break;
        out.push(r[0]);
        pos = r[1];
      }
      if (out.length === cmds.length) {
        s.destroy();
        resolve(out);
      }
    });
  });
}
const enc = (v) => {
  if (v instanceof RespMap) return { m: v.entries.map(([k, x]) => [enc(k), enc(x)]) };
  if (v instanceof RespSet) return { s: v.items.map(enc) };
  if (v instanceof RespStatus) return { t: v.value };
  if (Array.isArray(v)) return v.map(enc);
  if (typeof v === 'bigint') return Number(v);
  return v;
};
const [, info, docs] = await session([['HELLO', '3'], ['COMMAND'], ['COMMAND', 'DOCS']]);
const meta = {};
const addInfo = (e) => {
  meta[e[0]] = { keySpecs: enc(e[8]) };
  for (const sub of e[9] instanceof RespSet ? e[9].items : e[9]) addInfo(sub);
};
for (const e of info) addInfo(e);
const addDocs = (name, d) => {
  meta[name] ??= {};
  const entries = d.entries.filter(([k]) => k !== 'subcommands');
  meta[name].docs = enc(new RespMap(entries));
  const subs = d.entries.find(([k]) => k === 'subcommands');
  if (subs) for (const [sn, sd] of subs[1].entries) addDocs(sn, sd);
};
for (const [name, d] of docs.entries) addDocs(name, d);
process.stdout.write(JSON.stringify(meta));
