// Cost per operation against collection size (issue 17): for lists, hashes, sets, sorted sets and
// streams, one typical operation on a key holding 1k, 10k, 100k and 1M elements, run on a redis-sim
// process and on a real redis-server the same way, so each server's growth from 1k to 1M shows in
// one table: redis-sim's should be no steeper than Redis's (flat for O(1) operations, a small factor
// for O(log n) ones, where cache misses grow with the size in both).
//
// The measure is the server process's CPU time per operation (utime + stime from /proc, as
// bench/cpu.mjs), driven over TCP by the raw-socket load generator (4 connections, 60 commands per
// pipeline, BENCH_MS_SCALING wall ms per cell after a third of that as warm-up): other processes on
// a shared machine do not inflate it, and both servers pay the same per-command network cost.
// Run: `npm run build && node bench/scaling.mjs` (or via `npm run bench`).
import { Redis } from 'ioredis';
import { cpuMicros, encode, haveRealRedis, load, rng, startRealRedis, startSimProcess } from './lib.mjs';

const MS = Number(process.env.BENCH_MS_SCALING ?? 1500);
const SIZES = (process.env.BENCH_SCALING_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const CLIENTS = 4;
const PIPELINE = 60;

const members = (from, to, f) => {
  const out = [];
  for (let i = from; i < to; i++) out.push(...f(i));
  return out;
};

/** Each family: how to fill key `k` with n elements, and one (size-preserving) operation as commands. */
const FAMILIES = [
  {
    name: 'list: LPUSH + RPOP',
    fill: (push, from, to) => push(['RPUSH', 'k', ...members(from, to, (i) => [`e${i}`])]),
    op: () => [
      ['LPUSH', 'k', 'x'],
      ['RPOP', 'k'],
    ],
  },
  {
    name: 'list: LINDEX middle (O(n) in Redis, O(1) in the deque)',
    fill: (push, from, to) => push(['RPUSH', 'k', ...members(from, to, (i) => [`e${i}`])]),
    op: (n) => [['LINDEX', 'k', String(n >> 1)]],
  },
  {
    name: 'hash: HSET existing field + HGET',
    fill: (push, from, to) => push(['HSET', 'k', ...members(from, to, (i) => [`f${i}`, 'v'])]),
    op: (n, rand) => {
      const f = `f${Math.floor(rand() * n)}`;
      return [
        ['HSET', 'k', f, 'w'],
        ['HGET', 'k', f],
      ];
    },
  },
  {
    name: 'set: SADD + SREM + SISMEMBER',
    fill: (push, from, to) => push(['SADD', 'k', ...members(from, to, (i) => [`m${i}`])]),
    op: (n, rand) => [
      ['SADD', 'k', 'extra'],
      ['SREM', 'k', 'extra'],
      ['SISMEMBER', 'k', `m${Math.floor(rand() * n)}`],
    ],
  },
  {
    name: 'zset: ZADD score update (O(log n))',
    fill: (push, from, to) => push(['ZADD', 'k', ...members(from, to, (i) => [String(i), `m${i}`])]),
    op: (n, rand) => [['ZADD', 'k', String(Math.floor(rand() * n)), `m${Math.floor(rand() * n)}`]],
  },
  {
    name: 'zset: ZRANK (O(log n))',
    fill: (push, from, to) => push(['ZADD', 'k', ...members(from, to, (i) => [String(i), `m${i}`])]),
    op: (n, rand) => [['ZRANK', 'k', `m${Math.floor(rand() * n)}`]],
  },
  {
    name: 'stream: XADD * + XRANGE COUNT 1',
    fill: (push, from, to) => {
      for (let i = from; i < to; i++) push(['XADD', 'k', `${i + 1}-0`, 'f', 'v']);
    },
    op: (n, rand) => [
      ['XADD', 'k', '*', 'f', 'v'],
      ['XRANGE', 'k', `${1 + Math.floor(rand() * n)}`, '+', 'COUNT', '1'],
    ],
  },
];

/** Fills `k` with n elements through ioredis pipelines of 20 commands. */
async function fill(r, fam, n) {
  await r.flushall();
  let p = r.pipeline();
  let queued = 0;
  const push = (args) => {
    p.call(...args);
    queued++;
  };
  for (let from = 0; from < n; from += 1000) {
    fam.fill(push, from, Math.min(n, from + 1000));
    if (queued >= 20) {
      await p.exec();
      p = r.pipeline();
      queued = 0;
    }
  }
  if (queued) await p.exec();
}

/** Server CPU µs per operation of `fam` on a key of n elements. */
async function perOp(server, fam, n) {
  const rand = rng(n);
  let queue = [];
  let sent = 0;
  let perOpCommands = 1;
  const makeCommand = () => {
    if (queue.length === 0) {
      queue = fam.op(n, rand).reverse();
      perOpCommands = queue.length;
    }
    sent++;
    return encode(queue.pop());
  };
  await load({ port: server.port, clients: CLIENTS, pipeline: PIPELINE, ms: Math.max(200, MS / 3), makeCommand });
  sent = 0;
  const c0 = cpuMicros(server.pid);
  await load({ port: server.port, clients: CLIENTS, pipeline: PIPELINE, ms: MS, makeCommand });
  return (cpuMicros(server.pid) - c0) / (sent / perOpCommands);
}

async function measureAll(server) {
  const r = new Redis({ port: server.port, host: '127.0.0.1', enableAutoPipelining: false });
  try {
    const out = [];
    for (const fam of FAMILIES) {
      const cells = [];
      for (const n of SIZES) {
        await fill(r, fam, n);
        cells.push(await perOp(server, fam, n));
      }
      out.push(cells);
    }
    await r.flushall();
    return out;
  } finally {
    r.disconnect();
  }
}

/** Rows { name, sim: [µs per size], real: [µs per size] } (real: NaN without a redis-server). */
export async function run() {
  const sim = await startSimProcess();
  let simCells;
  try {
    simCells = await measureAll(sim);
  } finally {
    await sim.stop();
  }
  let realCells = FAMILIES.map(() => SIZES.map(() => Number.NaN));
  if (haveRealRedis()) {
    const real = await startRealRedis();
    try {
      realCells = await measureAll(real);
    } finally {
      await real.stop();
    }
  }
  return FAMILIES.map((fam, i) => ({ name: fam.name, sim: simCells[i], real: realCells[i] }));
}

/** The table as lines (markdown or aligned text): two rows per operation, one per server. */
export function scalingLines(rows, markdown = false) {
  const label = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const head = ['operation (server CPU µs per op)', 'server', ...SIZES.map(label), `${label(SIZES.at(-1))} / ${label(SIZES[0])}`];
  const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const growth = (cells) => {
    const g = cells.at(-1) / cells[0];
    return Number.isFinite(g) ? `${g.toFixed(2)}x` : 'n/a';
  };
  const body = [];
  for (const r of rows) {
    body.push([r.name, 'redis-sim', ...r.sim.map(fmt), growth(r.sim)]);
    body.push(['', 'redis-server', ...r.real.map(fmt), growth(r.real)]);
  }
  if (markdown) {
    return [`| ${head.join(' | ')} |`, `|---|---|${SIZES.map(() => '---:').join('|')}|---:|`, ...body.map((b) => `| ${b.join(' | ')} |`)];
  }
  const w = Math.max(...body.map((b) => b[0].length), head[0].length);
  return [head, ...body].map((b) => b.map((c, i) => (i === 0 ? c.padEnd(w) : i === 1 ? c.padEnd(12) : c.padStart(9))).join(' '));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of scalingLines(await run())) console.log(line);
}
