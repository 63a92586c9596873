// Sorted-set benchmark (issue 6): ZADD (score updates), ZRANGEBYSCORE (10-member windows) and ZPOPMIN
// (each with a refilling ZADD, so the size stays put) on a 1k-member and a 1M-member zset, against a
// redis-sim process (dist/cli.js: run `npm run build` first) and a real redis-server on free ports,
// driven the same way: 4 ioredis connections, 32-command pipelines, BENCH_MS per workload.
// Per-op cost should grow at most logarithmically: compare the 1k and 1M rows of each server.
import { Redis } from 'ioredis';
import { compareBySize, pipelinedRate, printTable } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 1500);
const SIZES = [1_000, 1_000_000];
const CLIENTS = 4;
const PIPELINE = 32;

async function populate(r, key, n) {
  await r.del(key);
  const batch = 1000;
  let p = r.pipeline();
  let queued = 0;
  for (let from = 0; from < n; from += batch) {
    const args = [];
    for (let i = from; i < Math.min(n, from + batch); i++) args.push(i, `m${i}`);
    p.zadd(key, ...args);
    if (++queued === 20) {
      await p.exec();
      p = r.pipeline();
      queued = 0;
    }
  }
  if (queued) await p.exec();
}

/** Runs `fill(pipeline, rand, id)` batches on every client for `ms`; returns counted ops per second. */
/** The shared pipelined driver with this file's fill signature. */
function measure(clients, fill, ms = MS) {
  return pipelinedRate(clients, { ms, pipeline: PIPELINE }, (p, ctx) => fill(p, ctx.rand, `${ctx.client}:${ctx.seq}`));
}

async function workloads(port, n) {
  const clients = Array.from({ length: CLIENTS }, () => new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false }));
  try {
    await populate(clients[0], 'z', n);
    // Warm-up (not counted): lets V8 compile the sim's hot paths before the first measurement.
    await measure(
      clients,
      (p, rand) => {
        p.zadd('z', Math.floor(rand() * n), `m${Math.floor(rand() * n)}`);
        p.zrangebyscore('z', Math.floor(rand() * n), '+inf', 'LIMIT', 0, 10);
        return 1;
      },
      Math.max(300, MS / 2),
    );
    const zadd = await measure(clients, (p, rand) => {
      p.zadd('z', Math.floor(rand() * n), `m${Math.floor(rand() * n)}`);
      return 1;
    });
    const range = await measure(clients, (p, rand) => {
      const min = Math.floor(rand() * n);
      p.zrangebyscore('z', min, '+inf', 'LIMIT', 0, 10);
      return 1;
    });
    const pop = await measure(clients, (p, rand, id) => {
      p.zpopmin('z');
      p.zadd('z', Math.floor(rand() * n), `r${id}`);
      return 1;
    });
    await clients[0].del('z');
    return { zadd, range, pop };
  } finally {
    for (const c of clients) c.disconnect();
  }
}

export function run() {
  return compareBySize(SIZES, workloads, (label) => [
    [`ZADD score update, ${label} members`, 'zadd'],
    [`ZRANGEBYSCORE LIMIT 0 10, ${label} members`, 'range'],
    [`ZPOPMIN (+ refill ZADD), ${label} members`, 'pop'],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('sorted sets: redis-sim beside redis-server', await run());
}
