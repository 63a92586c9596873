// The request path measured by server CPU time (issue 17): redis-benchmark drives redis-sim and a real
// redis-server in the same run, interleaved rep by rep, and each server's CPU time (utime + stime from
// /proc/<pid>/stat) is divided by the requests it served. CPU µs per request is much steadier than
// requests/s on a shared machine (other processes steal wall time, not CPU time). Both servers are
// pinned to the same core and redis-benchmark to another one when `taskset` exists (bench/lib.mjs).
//
// A third server, bench/bare-node-server.mjs (a bare Node RESP server that batches one write per
// read), is measured beside them: it is the floor of what Node's socket layer costs per request, so
// the gap between it and redis-sim is redis-sim's own path.
//
// Run: `npm run build && node bench/cpu.mjs` (or via `npm run bench`). BENCH_REPS (default 3),
// BENCH_N (requests per pipelined run, default 400000; a quarter of that unpipelined),
// BENCH_CPU_TESTS (default set,get,incr,lpush,lpop), BENCH_CPU_PIPELINES (default 16,1),
// BENCH_BARE=0 to leave the bare Node server out.
import { spawnSync } from 'node:child_process';
import { cpuMicros, haveRealRedis, pinned, printRepTable, startBareNode, startRealRedis, startSimProcess } from './lib.mjs';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const N = Number(process.env.BENCH_N ?? 400_000);
const TESTS = (process.env.BENCH_CPU_TESTS ?? 'set,get,incr,lpush,lpop').split(',');
const PIPELINES = (process.env.BENCH_CPU_PIPELINES ?? '16,1').split(',').map(Number);
const BARE = process.env.BENCH_BARE !== '0';

/** redis-benchmark's tests, each with the pipeline depths measured. */
const WORKLOADS = PIPELINES.map((pipeline) => ({ tests: TESTS, pipeline, clients: 50 }));

/** Runs one redis-benchmark test against `server`; returns { rps, cpuPerReq (µs) }. */
function bench(server, test, pipeline, clients, n) {
  const before = cpuMicros(server.pid);
  const r = spawnSync(
    ...pinned('benchmark', 'redis-benchmark', [
      '-p',
      String(server.port),
      '-c',
      String(clients),
      '-P',
      String(pipeline),
      '-n',
      String(n),
      '-r',
      '10000',
      '-t',
      test,
      '--csv',
    ]),
    { encoding: 'utf8' },
  );
  const after = cpuMicros(server.pid);
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  // --csv: a header line, then "TEST","rps",...
  const line = r.stdout
    .trim()
    .split('\n')
    .find((l) => !l.startsWith('"test"'));
  const rps = Number(JSON.parse(`[${line}]`)[1]);
  return { rps, cpuPerReq: (after - before) / n };
}

export async function run() {
  if (!haveRealRedis() || spawnSync('redis-benchmark', ['--version']).status !== 0) {
    console.log('cpu: redis-server or redis-benchmark missing, skipped');
    return [];
  }
  const real = await startRealRedis();
  const sim = await startSimProcess();
  const bare = BARE ? await startBareNode() : undefined;
  const rows = [];
  try {
    // Warm-up: V8 compiles the hot paths before the first measured rep.
    for (const t of TESTS) {
      bench(sim, t, 16, 50, 100_000);
      if (bare) bench(bare, t, 16, 50, 100_000);
    }
    for (const w of WORKLOADS) {
      const n = w.pipeline === 1 ? Math.round(N / 4) : N;
      for (const test of w.tests) {
        const row = { name: `${test.toUpperCase()} -c ${w.clients} -P ${w.pipeline}`, reps: [] };
        for (let rep = 0; rep < REPS; rep++) {
          const s = bench(sim, test, w.pipeline, w.clients, n);
          const r = bench(real, test, w.pipeline, w.clients, n);
          const b = bare ? bench(bare, test, w.pipeline, w.clients, n) : undefined;
          row.reps.push({ sim: s, real: r, bare: b });
        }
        rows.push(row);
      }
    }
  } finally {
    await sim.stop();
    await real.stop();
    await bare?.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printRepTable('redis-benchmark: CPU per request, redis-sim beside redis-server', await run());
}
