// Shared benchmark helpers: start a real redis-server and a redis-sim process on free loopback ports,
// and drive them with the same raw-socket load generator, so the two are measured the same way.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True when a real redis-server binary is available. */
export function haveRealRedis() {
  const r = spawnSync(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--version']);
  return !r.error && r.status === 0;
}

/** Starts a real redis-server on a free port; returns { port, stop }. */
export async function startRealRedis() {
  const port = await freePort();
  const child = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  await waitForPort(port);
  return { port, stop: () => stopChild(child) };
}

/** Starts redis-sim (dist/cli.js) in its own process on a free port; returns { port, stop }. */
export async function startSimProcess(extraArgs = []) {
  const port = await freePort();
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--port', String(port), '--loglevel', 'warning', ...extraArgs], { stdio: 'ignore' });
  await waitForPort(port);
  return { port, stop: () => stopChild(child) };
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Encodes a command as RESP. */
export function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`;
  return s;
}

/** Counts complete replies in a stream of simple replies (+, -, :, $len) without parsing values. */
class ReplyCounter {
  constructor() {
    this.pendingBulk = -1;
    this.rest = '';
  }
  feed(chunk) {
    const s = this.rest + chunk;
    let n = 0;
    let pos = 0;
    for (;;) {
      if (this.pendingBulk >= 0) {
        if (s.length - pos < this.pendingBulk + 2) break;
        pos += this.pendingBulk + 2;
        this.pendingBulk = -1;
        n++;
        continue;
      }
      const nl = s.indexOf('\r\n', pos);
      if (nl < 0) break;
      const t = s[pos];
      if (t === '$') {
        const len = Number(s.slice(pos + 1, nl));
        pos = nl + 2;
        if (len < 0) n++;
        else this.pendingBulk = len;
      } else {
        pos = nl + 2;
        n++;
      }
    }
    this.rest = s.slice(pos);
    return n;
  }
}

/**
 * Drives `clients` connections for `ms`, each sending `pipeline` commands from `makeCommand(i)` at a
 * time and waiting for their replies. Returns operations per second.
 */
export async function load({ port, clients = 50, pipeline = 1, ms = 2000, makeCommand }) {
  let done = 0;
  let stop = false;
  let seq = 0;
  const conns = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.on('error', reject);
        }),
    ),
  );
  const timer = setTimeout(() => {
    stop = true;
  }, ms);
  const t0 = process.hrtime.bigint();
  await Promise.all(
    conns.map(
      (s) =>
        new Promise((resolve) => {
          s.setNoDelay(true);
          const counter = new ReplyCounter();
          let outstanding = 0;
          const send = () => {
            let buf = '';
            for (let i = 0; i < pipeline; i++) buf += makeCommand(seq++);
            outstanding = pipeline;
            s.write(buf);
          };
          s.on('data', (d) => {
            const n = counter.feed(d.toString('latin1'));
            outstanding -= n;
            done += n;
            if (outstanding <= 0) {
              if (stop) resolve();
              else send();
            }
          });
          send();
        }),
    ),
  );
  clearTimeout(timer);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const s of conns) s.destroy();
  return done / secs;
}

/** Runs `fn(port)` against real Redis and redis-sim and returns a row { name, sim, real, ratio }. */
export async function compare(name, servers, fn) {
  const real = servers.real ? await fn(servers.real.port) : Number.NaN;
  const sim = await fn(servers.sim.port);
  return { name, sim, real, ratio: sim / real };
}

/** Prints rows as an aligned table. */
export function printTable(title, rows, unit = 'ops/s') {
  console.log(`\n${title}`);
  const fmt = (n) => (!Number.isFinite(n) ? 'n/a' : n < 100 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US'));
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`${'workload'.padEnd(w)}  ${`redis-sim ${unit}`.padStart(18)}  ${`redis ${unit}`.padStart(16)}  ratio`);
  for (const r of rows) {
    const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a';
    console.log(`${r.name.padEnd(w)}  ${fmt(r.sim).padStart(18)}  ${fmt(r.real).padStart(16)}  ${ratio}`);
  }
}

/** A small deterministic PRNG, so both servers see the same command stream. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Drives ioredis `clients` with `pipeline`-command pipelines for `ms` and returns operations per
 * second. `fill(p, ctx)` queues one command on pipeline `p` (ctx: { client, seq, rand }, rand seeded
 * per client) and returns how many operations it counts (nothing counts as one).
 */
export async function pipelinedRate(clients, { ms, pipeline }, fill) {
  let ops = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + ms;
  await Promise.all(
    clients.map(async (r, client) => {
      const ctx = { client, seq: 0, rand: rng(client + 1) };
      while (Date.now() < end) {
        const p = r.pipeline();
        let counted = 0;
        for (let k = 0; k < pipeline; k++) {
          const n = fill(p, ctx);
          ctx.seq++;
          counted += typeof n === 'number' ? n : 1;
        }
        await p.exec();
        ops += counted;
      }
    }),
  );
  return ops / (Number(process.hrtime.bigint() - t0) / 1e9);
}
