// Soak test (issue 16): 1M mixed commands over churning connections, blocked clients that hang
// up, subscribers that come and go, against an in-process redis-sim. Prints RSS and heap at the
// start, the middle, the end and after FLUSHALL (with a GC when run with --expose-gc), so a leak
// shows as memory that does not come back.
//
//   npm run build && node --expose-gc bench/soak.mjs [commands=1000000]
import net from 'node:net';
import { parseReply, RedisSim } from '../dist/index.js';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const WORKERS = 8;
const PIPELINE = 200;
const KEYS = 5000;

const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
function report(label) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(16)} rss ${mb(m.rss).padStart(9)}  heapUsed ${mb(m.heapUsed).padStart(9)}  external ${mb(m.external).padStart(9)}`,
  );
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

const rnd = (n) => Math.floor(Math.random() * n);
const key = (p) => `${p}:${rnd(KEYS)}`;
const COMMANDS = [
  () => ['SET', key('s'), 'v'.repeat(rnd(200))],
  () => ['GET', key('s')],
  () => ['INCR', key('n')],
  () => ['LPUSH', key('l'), 'x'],
  () => ['RPOP', key('l')],
  () => ['HSET', key('h'), `f${rnd(20)}`, 'v'],
  () => ['HGETALL', key('h')],
  () => ['SADD', key('z'), `m${rnd(50)}`],
  () => ['ZADD', key('zz'), String(rnd(1000)), `m${rnd(50)}`],
  () => ['ZRANGE', key('zz'), '0', '10'],
  () => ['XADD', key('x'), 'MAXLEN', '~', '50', '*', 'f', 'v'],
  () => ['PUBLISH', `ch${rnd(10)}`, 'hello'],
  () => ['EXPIRE', key('s'), '30'],
  () => ['DEL', key('s')],
];

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Sends `n` commands in one pipeline on a fresh connection, reads every reply, hangs up. */
async function session(port, n) {
  const s = await connect(port);
  let buf = '';
  let got = 0;
  const done = new Promise((resolve) => {
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let pos = 0;
      for (let r = parseReply(buf, pos); r; r = parseReply(buf, pos)) {
        pos = r[1];
        got++;
      }
      buf = buf.slice(pos);
      if (got === n) resolve();
    });
  });
  let out = '';
  for (let i = 0; i < n; i++) out += encode(COMMANDS[rnd(COMMANDS.length)]());
  s.write(out);
  await done;
  if (Math.random() < 0.5) s.destroy();
  else s.end();
}

/** A client that blocks and hangs up while blocked. */
async function blockedHangUp(sim, port) {
  const s = await connect(port);
  const k = `bq:${rnd(100)}`;
  s.write(encode(['BLPOP', k, '0']));
  await sim.waitForBlocked(1, k);
  s.destroy();
}

/** A subscriber that takes a few messages and leaves. */
async function subscriberVisit(port) {
  const s = await connect(port);
  s.on('data', () => {});
  s.write(encode(['SUBSCRIBE', `ch${rnd(10)}`, `ch${rnd(10)}`]) + encode(['PSUBSCRIBE', 'ch*']));
  await new Promise((r) => setTimeout(r, 5));
  if (Math.random() < 0.5) s.write(encode(['UNSUBSCRIBE']));
  s.destroy();
}

const sim = await RedisSim.start({ port: 0, clock: 'system' });
report('start');
const t0 = Date.now();
let sent = 0;
let middle = false;
async function worker() {
  while (sent < TOTAL) {
    sent += PIPELINE;
    await session(sim.port, PIPELINE);
    if (Math.random() < 0.05) await blockedHangUp(sim, sim.port);
    if (Math.random() < 0.05) await subscriberVisit(sim.port);
    if (!middle && sent >= TOTAL / 2) {
      middle = true;
      report('middle');
    }
  }
}
await Promise.all(Array.from({ length: WORKERS }, worker));
const secs = (Date.now() - t0) / 1000;
report('end');
console.log(
  `${sent} commands in ${secs.toFixed(1)} s (${Math.round(sent / secs)}/s); clients now ${sim.node.clients.size}, blocked ${sim.node.blocking.count}, keys ${sim.call('DBSIZE')}`,
);
sim.flushAll();
await new Promise((r) => setTimeout(r, 100));
report('after FLUSHALL');
console.log(`clients ${sim.node.clients.size}, blocked ${sim.node.blocking.count}, pattern subscriptions ${sim.call('PUBSUB', 'NUMPAT')}`);
await sim.stop();
