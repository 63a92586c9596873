// Shared benchmark helpers: start a real redis-server and a redis-sim process on free loopback ports,
// and drive them with the same raw-socket load generator, so the two are measured the same way.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort, spawnRedisServer, waitForPort } from '../compat/redis-server-process.mjs';

export { freePort };

/** Whether `taskset` can pin processes (Linux with util-linux and at least 2 cores). */
const canPin = os.cpus().length >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error && process.env.BENCH_NO_PIN !== '1';

/**
 * [command, args] for spawn: servers run on core 0 and load generators on core 1 when taskset is
 * available, so both servers compete for the same core on equal terms and the client never steals it.
 */
export function pinned(role, cmd, args) {
  if (!canPin) return [cmd, args];
  return ['taskset', ['-c', role === 'server' ? '0' : '1', cmd, ...args]];
}

// The benchmark process itself (the load generator of the ioredis-driven suites) runs on core 1.
if (canPin) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

/** A one-paragraph description of the machine and the pinning, for results files. */
export function machineDescription() {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const pin = canPin ? 'both servers pinned to core 0 and the load generator to core 1 (taskset)' : 'no pinning (taskset unavailable)';
  return `${cpus.length} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}; ${pin}; load average at the start ${load}.`;
}

/** CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Resident set size of a process in bytes, from /proc/<pid>/statm. */
export function rssBytes(pid) {
  const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return pages * 4096;
}

/** True when a real redis-server binary is available. */
export function haveRealRedis() {
  const r = spawnSync(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--version']);
  return !r.error && r.status === 0;
}

/**
 * Starts a real redis-server on a free port (compat/redis-server-process.mjs's, as the compat suite
 * runs it), then pins all its threads to the servers' core; returns { port, pid, stop }.
 */
export async function startRealRedis() {
  const server = await spawnRedisServer({ startTimeoutMs: 10000 });
  if (canPin) spawnSync('taskset', ['-a', '-p', '-c', '0', String(server.pid)], { stdio: 'ignore' });
  return { port: server.port, pid: server.pid, stop: server.stop };
}

/** Starts redis-sim (dist/cli.js) in its own process on a free port; returns { port, stop }. */
export async function startSimProcess(extraArgs = []) {
  const port = await freePort();
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const nodeArgs = process.env.BENCH_SIM_NODE_ARGS ? process.env.BENCH_SIM_NODE_ARGS.split(' ') : [];
  const child = spawn(
    ...pinned('server', process.execPath, [...nodeArgs, cli, '--port', String(port), '--loglevel', 'warning', ...extraArgs]),
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(port, 10000);
  return { port, pid: child.pid, stop: () => stopChild(child) };
}

/** Starts bench/bare-node-server.mjs (the floor of Node's own cost) on a free port; returns { port, pid, stop }. */
export async function startBareNode() {
  const port = await freePort();
  const file = fileURLToPath(new URL('./bare-node-server.mjs', import.meta.url));
  const child = spawn(...pinned('server', process.execPath, [file, String(port)]), { stdio: 'ignore' });
  await waitForPort(port, 10000);
  return { port, pid: child.pid, stop: () => stopChild(child) };
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

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Prints rows of repeated measurements ({ name, reps: [{ sim: {rps, cpuPerReq}, real: {...} }] }):
 * per rep the requests/s ratio and both servers' CPU µs per request, then the medians.
 */
export function printRepTable(title, rows) {
  console.log(`\n${title}`);
  for (const line of repTableLines(rows)) console.log(line);
}

/** The lines of printRepTable (also used for RESULTS.md). */
export function repTableLines(rows, markdown = false) {
  const out = [];
  const withBare = rows.some((row) => row.reps.some((p) => p.bare !== undefined));
  if (markdown) {
    out.push(
      `| workload | rep | sim req/s | redis req/s | req/s ratio | sim CPU µs/req | redis CPU µs/req | CPU ratio (redis/sim) |${withBare ? ' bare Node µs/req | bare CPU ratio (redis/bare) |' : ''}`,
    );
    out.push(`|---|---|---:|---:|---:|---:|---:|---:|${withBare ? '---:|---:|' : ''}`);
  } else
    out.push(
      `${'workload'.padEnd(22)} rep     sim req/s   redis req/s  ratio  sim µs/req  redis µs/req  CPU ratio${withBare ? '  bare µs/req  bare ratio' : ''}`,
    );
  const line = (name, rep, s, r, b) => {
    const cells = [
      name,
      rep,
      Math.round(s.rps).toLocaleString('en-US'),
      Math.round(r.rps).toLocaleString('en-US'),
      `${(s.rps / r.rps).toFixed(2)}x`,
      s.cpuPerReq.toFixed(2),
      r.cpuPerReq.toFixed(2),
      `${(r.cpuPerReq / s.cpuPerReq).toFixed(2)}x`,
    ];
    if (withBare) cells.push(b ? b.cpuPerReq.toFixed(2) : 'n/a', b ? `${(r.cpuPerReq / b.cpuPerReq).toFixed(2)}x` : 'n/a');
    if (markdown) return `| ${cells.join(' | ')} |`;
    const w = [22, 6, 12, 12, 6, 11, 13, 10, 12, 11];
    return cells.map((c, i) => (i < 2 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join(' ');
  };
  for (const row of rows) {
    row.reps.forEach((p, i) => {
      out.push(line(row.name, String(i + 1), p.sim, p.real, p.bare));
    });
    const med = (side, k) => median(row.reps.map((p) => p[side][k]));
    const ms = { rps: med('sim', 'rps'), cpuPerReq: med('sim', 'cpuPerReq') };
    const mr = { rps: med('real', 'rps'), cpuPerReq: med('real', 'cpuPerReq') };
    const mb = withBare && row.reps.every((p) => p.bare) ? { rps: med('bare', 'rps'), cpuPerReq: med('bare', 'cpuPerReq') } : undefined;
    out.push(line(markdown ? `**${row.name}**` : row.name, 'median', ms, mr, mb));
  }
  return out;
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

/**
 * The per-size comparison the data-structure benchmarks share: for each size n, `workloads(port, n)`
 * runs on a redis-sim process and on a real redis-server (when installed: otherwise its figures are
 * NaN) and returns rates by workload key; `rowsFor(label)` names the rows of one size ("1k", "1M")
 * as [row name, workload key] pairs. Returns the rows for printTable / bench/run.mjs.
 */
export async function compareBySize(sizes, workloads, rowsFor) {
  const real = haveRealRedis() ? await startRealRedis() : undefined;
  const sim = await startSimProcess();
  const rows = [];
  try {
    for (const n of sizes) {
      const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
      const s = await workloads(sim.port, n);
      const r = real ? await workloads(real.port, n) : {};
      for (const [name, key] of rowsFor(label)) {
        const sv = s[key];
        const rv = r[key] ?? Number.NaN;
        rows.push({ name, sim: sv, real: rv, ratio: sv / rv });
      }
    }
  } finally {
    await sim.stop();
    await real?.stop();
  }
  return rows;
}
