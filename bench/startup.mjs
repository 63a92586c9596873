// CLI start to first PONG: spawns `node dist/cli.js --port 0 --port-file <tmp>` and, as soon as
// the port file appears, connects and sends PING; the time from spawn to +PONG, median of 10
// runs (target <= 120 ms), beside redis-server started and PINGed the same way, and Node's own
// floor (spawn of `node -e` until its first output). On a loaded machine wall times move with the
// load, so the CPU time the process has used when it answers (utime + stime from /proc) is given
// too: that is the steadier figure. The starts measured follow one that wrote the code cache
// (scripts/cli-launcher.mjs). Run `npm run build` first (dist/cli.js is one bundled file).
// Usage: node bench/startup.mjs [runs]   (`npm run bench` runs it as the `startup` suite)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMicros, haveRealRedis } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RUNS = Number(process.argv[2] ?? 10);

function ping(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      if (d.toString() === '+PONG\r\n') {
        s.destroy();
        resolve();
      }
    });
    s.on('error', reject);
  });
}

/** Spawns a server, waits for its port file, PINGs it; resolves to { wall, cpu } in ms at the PONG. */
async function once(cmd, args, portFile) {
  const t0 = performance.now();
  const proc = spawn(cmd, args, { stdio: 'ignore' });
  try {
    let port = 0;
    while (!port) {
      if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8')) || 0;
      if (!port) await new Promise((r) => setImmediate(r));
    }
    await ping(port);
    const wall = performance.now() - t0;
    return { wall, cpu: cpuMicros(proc.pid) / 1000 };
  } finally {
    proc.kill('SIGKILL');
    rmSync(portFile, { force: true });
  }
}

/** Node's floor: spawn of `node -e` printing one line (and staying alive) until that line arrives. */
async function nodeFloor() {
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['-e', 'console.log(1); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise((r) => proc.stdout.once('data', r));
    return { wall: performance.now() - t0, cpu: cpuMicros(proc.pid) / 1000 };
  } finally {
    proc.kill('SIGKILL');
  }
}

/**
 * One start that lives long enough (2 s) to write dist/cli.js's V8 code cache, as any start after
 * a build or an install does: the measured starts are the ones that follow it.
 */
async function warmCache(dir) {
  const pf = join(dir, 'warm');
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--port-file', pf], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2000));
  proc.kill('SIGKILL');
  rmSync(pf, { force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs each of redis-sim, Node's floor and (when installed) redis-server `runs` times, interleaved. */
export async function startupMs(runs = RUNS) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-sim-startup-'));
  const sim = [];
  const floor = [];
  const real = [];
  const redis = haveRealRedis();
  try {
    await warmCache(dir);
    for (let i = 0; i < runs; i++) {
      const pf = join(dir, `port${i}`);
      sim.push(await once(process.execPath, [CLI, '--port', '0', '--port-file', pf], pf));
      floor.push(await nodeFloor());
      if (redis) {
        // redis-server has no port file: a fixed free port is asked for, and its log says when.
        real.push(await realOnce(dir, i));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sum = (xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), walls: xs.map((x) => x.wall) });
  return { sim: sum(sim), floor: sum(floor), real: real.length ? sum(real) : undefined };
}

async function realOnce(dir, i) {
  const { freePort } = await import('./lib.mjs');
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', `r${i}.rdb`],
    {
      stdio: 'ignore',
    },
  );
  try {
    for (;;) {
      try {
        await ping(port);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    return { wall: performance.now() - t0, cpu: cpuMicros(proc.pid) / 1000 };
  } finally {
    proc.kill('SIGKILL');
  }
}

/** Rows for bench/run.mjs: { name, sim, real, ratio }. */
export async function run() {
  const r = await startupMs();
  const na = Number.NaN;
  return [
    {
      name: `CLI start to first PONG, wall ms (median of ${RUNS}; target <= 120)`,
      sim: r.sim.wall,
      real: r.real?.wall ?? na,
      ratio: r.real ? r.real.wall / r.sim.wall : na,
    },
    {
      name: 'CLI start to first PONG, CPU ms used by then',
      sim: r.sim.cpu,
      real: r.real?.cpu ?? na,
      ratio: r.real ? r.real.cpu / r.sim.cpu : na,
    },
    { name: "Node's floor: `node -e` to its first output, wall ms", sim: r.floor.wall, real: na, ratio: na },
    { name: "Node's floor: `node -e` to its first output, CPU ms", sim: r.floor.cpu, real: na, ratio: na },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await startupMs();
  const f = (x) => x.toFixed(1);
  console.log(
    `redis-sim CLI start to first PONG: median ${f(r.sim.wall)} ms wall, ${f(r.sim.cpu)} ms CPU (${r.sim.walls.map((t) => t.toFixed(0)).join(' ')}); target <= 120 ms`,
  );
  console.log(`node -e floor (spawn to first output): median ${f(r.floor.wall)} ms wall, ${f(r.floor.cpu)} ms CPU`);
  if (r.real) console.log(`redis-server start to first PONG: median ${f(r.real.wall)} ms wall, ${f(r.real.cpu)} ms CPU`);
}
