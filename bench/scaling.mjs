// Cost per operation against collection size (issue 17): for lists, hashes, sets, sorted sets and
// streams, the in-process cost (no network, so the engine's own growth shows) of one typical
// operation on a key holding 1k, 10k, 100k and 1M elements. Redis's complexity for each is O(1) or
// O(log n) (ZADD), so the µs per op should stay flat (or grow by a small factor for ZADD) from 1k
// to 1M; the last column is the 1M / 1k ratio.
//
// Times are CPU time of the process (process.cpuUsage), not wall time: other processes on a shared
// machine do not inflate them. Run: `npm run build && node bench/scaling.mjs` (or via `npm run bench`);
// BENCH_MS_SCALING is the CPU ms per cell (default 300).
import { RedisSim } from '../dist/index.js';
import { rng } from './lib.mjs';

const MS = Number(process.env.BENCH_MS_SCALING ?? 300);
const SIZES = [1_000, 10_000, 100_000, 1_000_000];

/** Each family: how to fill a key with n elements, and one operation (size-preserving) to time. */
const FAMILIES = [
  {
    name: 'list: LPUSH + RPOP',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('RPUSH', 'k', ...range(from, to, (i) => `e${i}`))),
    op: (sim) => {
      sim.command('LPUSH', 'k', 'x');
      sim.command('RPOP', 'k');
    },
  },
  {
    name: 'list: LINDEX middle (O(n) in Redis, O(1) in the deque)',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('RPUSH', 'k', ...range(from, to, (i) => `e${i}`))),
    op: (sim, n) => sim.command('LINDEX', 'k', String(n >> 1)),
  },
  {
    name: 'hash: HSET existing field + HGET',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('HSET', 'k', ...range(from, to, (i) => [`f${i}`, 'v']).flat())),
    op: (sim, n, rand) => {
      const f = `f${Math.floor(rand() * n)}`;
      sim.command('HSET', 'k', f, 'w');
      sim.command('HGET', 'k', f);
    },
  },
  {
    name: 'set: SADD + SREM + SISMEMBER',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('SADD', 'k', ...range(from, to, (i) => `m${i}`))),
    op: (sim, n, rand) => {
      sim.command('SADD', 'k', 'extra');
      sim.command('SREM', 'k', 'extra');
      sim.command('SISMEMBER', 'k', `m${Math.floor(rand() * n)}`);
    },
  },
  {
    name: 'zset: ZADD score update (O(log n))',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('ZADD', 'k', ...range(from, to, (i) => [String(i), `m${i}`]).flat())),
    op: (sim, n, rand) => sim.command('ZADD', 'k', String(Math.floor(rand() * n)), `m${Math.floor(rand() * n)}`),
  },
  {
    name: 'zset: ZRANK (O(log n))',
    fill: (sim, n) => fillChunks(n, (from, to) => sim.call('ZADD', 'k', ...range(from, to, (i) => [String(i), `m${i}`]).flat())),
    op: (sim, n, rand) => sim.command('ZRANK', 'k', `m${Math.floor(rand() * n)}`),
  },
  {
    name: 'stream: XADD * + XRANGE COUNT 1',
    fill: (sim, n) =>
      fillChunks(n, (from, to) => {
        for (let i = from; i < to; i++) sim.call('XADD', 'k', `${i + 1}-0`, 'f', 'v');
      }),
    op: (sim, n, rand) => {
      sim.command('XADD', 'k', '*', 'f', 'v');
      sim.command('XRANGE', 'k', `${1 + Math.floor(rand() * n)}`, '+', 'COUNT', '1');
    },
  },
];

function range(from, to, f) {
  const out = [];
  for (let i = from; i < to; i++) out.push(f(i));
  return out;
}

function fillChunks(n, put) {
  for (let from = 0; from < n; from += 1000) put(from, Math.min(n, from + 1000));
}

/** CPU µs of this process (user + system): steadier than wall time on a shared machine. */
function cpuNow() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU µs per call of `fn`, run in batches of 100 for `ms` of CPU time (after a short warm-up). */
function usPerOp(fn, ms = MS) {
  const warm = cpuNow() + (ms * 1000) / 4;
  while (cpuNow() < warm) for (let i = 0; i < 100; i++) fn();
  let n = 0;
  const t0 = cpuNow();
  const end = t0 + ms * 1000;
  let t = t0;
  while (t < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    t = cpuNow();
  }
  return (t - t0) / n;
}

export async function run() {
  const rows = [];
  for (const fam of FAMILIES) {
    const cells = [];
    for (const n of SIZES) {
      if (fam.skipAbove !== undefined && n > fam.skipAbove) {
        cells.push(Number.NaN);
        continue;
      }
      const sim = await RedisSim.start({ port: 0, clock: 'manual' });
      try {
        fam.fill(sim, n);
        const rand = rng(n);
        cells.push(usPerOp(() => fam.op(sim, n, rand)));
      } finally {
        await sim.stop();
      }
    }
    rows.push({ name: fam.name, cells });
  }
  return rows;
}

/** The table as lines (markdown or aligned text). */
export function scalingLines(rows, markdown = false) {
  const label = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const head = ['operation (µs per op, in process)', ...SIZES.map(label), '1M / 1k'];
  const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const body = rows.map((r) => {
    const first = r.cells[0];
    const last = r.cells[r.cells.length - 1];
    return [r.name, ...r.cells.map(fmt), Number.isFinite(last) ? `${(last / first).toFixed(2)}x` : 'n/a'];
  });
  if (markdown) {
    return [`| ${head.join(' | ')} |`, `|---|${SIZES.map(() => '---:').join('|')}|---:|`, ...body.map((b) => `| ${b.join(' | ')} |`)];
  }
  const w = Math.max(...body.map((b) => b[0].length), head[0].length);
  return [head, ...body].map((b) => b.map((c, i) => (i === 0 ? c.padEnd(w) : c.padStart(9))).join(' '));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of scalingLines(await run())) console.log(line);
}
