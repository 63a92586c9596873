// Stream benchmark (issue 6): XADD throughput on a stream of 1k and of 1M entries (plain `*` appends,
// and appends with `MAXLEN ~ n` that keep the size put), plus XRANGE of 10 entries from a random ID
// (the O(log n) lookup), against a redis-sim process (dist/cli.js: run `npm run build` first) and a
// real redis-server on free ports, driven the same way: 4 ioredis connections, 32-command pipelines,
// BENCH_MS per workload. Per-op cost should not grow with the stream: compare the 1k and 1M rows.
import { Redis } from 'ioredis';
import { compareBySize, pipelinedRate, printTable } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 1500);
const SIZES = [1_000, 1_000_000];
const CLIENTS = 4;
const PIPELINE = 32;

/** Fills `key` with entries 1-0 .. n-0 (explicit IDs: later `*` IDs, from the real clock, follow them). */
async function populate(r, key, n) {
  await r.del(key);
  const batch = 2000;
  for (let from = 0; from < n; from += batch) {
    const p = r.pipeline();
    for (let i = from; i < Math.min(n, from + batch); i++) p.xadd(key, `${i + 1}-0`, 'field', 'value-xxxxxxxx');
    await p.exec();
  }
}

/** Runs `fill(pipeline, rand)` batches on every client for `ms`; returns ops per second. */
/** The shared pipelined driver with this file's fill signature. */
function measure(clients, fill, ms = MS) {
  return pipelinedRate(clients, { ms, pipeline: PIPELINE }, (p, ctx) => {
    fill(p, ctx.rand);
  });
}

async function workloads(port, n) {
  const clients = Array.from({ length: CLIENTS }, () => new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false }));
  try {
    await populate(clients[0], 's', n);
    const trimmed = String(n);
    // Warm-up (not counted): lets V8 compile the sim's hot paths before the first measurement.
    await measure(clients, (p) => p.xadd('s', 'MAXLEN', '~', trimmed, '*', 'field', 'value-xxxxxxxx'), 300);
    const xaddTrim = await measure(clients, (p) => p.xadd('s', 'MAXLEN', '~', trimmed, '*', 'field', 'value-xxxxxxxx'));
    const range = await measure(clients, (p, rand) => p.xrange('s', `${Math.floor(rand() * n)}`, '+', 'COUNT', 10));
    const xadd = await measure(clients, (p) => p.xadd('s', '*', 'field', 'value-xxxxxxxx'));
    await clients[0].del('s');
    return { xadd, xaddTrim, range };
  } finally {
    for (const c of clients) c.disconnect();
  }
}

export function run() {
  return compareBySize(SIZES, workloads, (label) => [
    [`XADD *, ${label} entries`, 'xadd'],
    [`XADD MAXLEN ~ ${label} *, ${label} entries`, 'xaddTrim'],
    [`XRANGE <random> + COUNT 10, ${label} entries`, 'range'],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('streams: redis-sim beside redis-server', await run());
}
