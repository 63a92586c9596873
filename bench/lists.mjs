// List benchmark (issue 3). Run: `npm run build && node bench/lists.mjs` (or via `npm run bench`).
//
// 1. In process (../dist/index.js, no network): LPUSH+RPOP pairs on a 1M-element list vs a
//    10-element list. The deque keeps both ends O(1), so the two should be within ~10%.
// 2. Over TCP, redis-sim (dist/cli.js in its own process) beside a real redis-server it spawns on a
//    free loopback port, driven the same way (ioredis, 4 connections, 32-command pipelines):
//    LPUSH, RPOP (from the 1M-element list, refilled after), LPUSH+RPOP pairs on 10 and 1M elements, and
//    BRPOP-served throughput (4 consumers blocked in BRPOP, one producer pipelining LPUSH).
// Each measurement lasts BENCH_MS (default 1500 ms); loops are bounded by time.
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisSim } from '../dist/index.js';
import { haveRealRedis, pipelinedRate, printTable, startRealRedis, startSimProcess } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 1500);
const CLIENTS = 4;
const PIPELINE = 32;
const BIG = 1_000_000;

/** In-process ops/s of `fn` called in batches for `ms`. */
function timeLoop(fn, ms = MS) {
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** LPUSH+RPOP pairs on a 10-element and a 1M-element list, in process. */
async function inProcess() {
  const sim = await RedisSim.start({ port: 0, clock: 'manual' });
  try {
    const chunk = Array.from({ length: 10_000 }, (_, i) => `e${i}`);
    for (let i = 0; i < BIG / chunk.length; i++) sim.call('RPUSH', 'big', ...chunk);
    sim.call('RPUSH', 'small', ...chunk.slice(0, 10));
    const pair = (key) => () => {
      sim.command('LPUSH', key, 'x');
      sim.command('RPOP', key);
    };
    timeLoop(pair('small'), 300); // warm-up
    timeLoop(pair('big'), 300);
    // Alternate short rounds and keep the best of each, so JIT and GC noise hit both alike.
    let small = 0;
    let big = 0;
    for (let round = 0; round < 3; round++) {
      small = Math.max(small, timeLoop(pair('small'), MS / 3));
      big = Math.max(big, timeLoop(pair('big'), MS / 3));
    }
    return { small, big };
  } finally {
    await sim.stop();
  }
}

/** Runs `fill(pipeline)` PIPELINE times per batch on every client for `ms`; each call is one op. Returns ops/s. */
/** The shared pipelined driver with this file's fill signature. */
function measure(clients, fill, ms = MS) {
  return pipelinedRate(clients, { ms, pipeline: PIPELINE }, (p) => {
    fill(p);
  });
}

/** BRPOP-served throughput: consumers loop on BRPOP, a producer pipelines LPUSH. */
async function brpopServed(port, ms = MS) {
  const mk = () => new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false });
  const consumers = Array.from({ length: CLIENTS }, mk);
  const producer = mk();
  let served = 0;
  let stop = false;
  const loops = consumers.map(async (r) => {
    while (!stop) {
      const v = await r.brpop('bq', 0);
      if (v && v[1] !== 'stop') served++;
    }
  });
  const t0 = process.hrtime.bigint();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const p = producer.pipeline();
    for (let k = 0; k < PIPELINE; k++) p.lpush('bq', 'job');
    await p.exec();
    // Let the consumers keep up instead of piling the list up (which would measure RPOP).
    while ((await producer.llen('bq')) > PIPELINE * 4 && Date.now() < end) await new Promise((r) => setImmediate(r));
  }
  while ((await producer.llen('bq')) > 0) await new Promise((r) => setImmediate(r));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = served / secs;
  stop = true;
  await producer.rpush('bq', ...consumers.map(() => 'stop'));
  await Promise.all(loops);
  for (const r of [...consumers, producer]) r.disconnect();
  return rate;
}

async function overTcp(port) {
  const clients = Array.from({ length: CLIENTS }, () => new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false }));
  const r = clients[0];
  try {
    await r.flushall();
    const chunk = Array.from({ length: 10_000 }, (_, i) => `e${i}`);
    let p = r.pipeline();
    for (let i = 0; i < BIG / chunk.length; i++) {
      p.rpush('big', ...chunk);
      if (i % 10 === 9) {
        await p.exec();
        p = r.pipeline();
      }
    }
    await p.exec();
    await r.rpush('small', ...chunk.slice(0, 10));
    await measure(clients, (q) => q.lpush('w', 'x').rpop('w'), 300); // warm-up
    const out = {};
    out.lpush = await measure(clients, (q) => q.lpush('l', 'x'));
    out.rpop = await measure(clients, (q) => q.rpop('big'));
    // Refill what RPOP took, in chunks (a spread of hundreds of thousands of arguments overflows the stack).
    for (let missing = BIG - (await r.llen('big')); missing > 0; missing -= 10_000) {
      await r.rpush('big', ...Array.from({ length: Math.min(missing, 10_000) }, () => 'x'));
    }
    out.small = await measure(clients, (q) => q.lpush('small', 'x').rpop('small'));
    out.big = await measure(clients, (q) => q.lpush('big', 'x').rpop('big'));
    out.brpop = await brpopServed(port);
    return out;
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/** Returns rows { name, sim, real, ratio } (ratio = sim / real). */
export async function run() {
  const local = await inProcess();
  const simProc = await startSimProcess(['--clock', 'manual']);
  const realProc = haveRealRedis() ? await startRealRedis() : undefined;
  try {
    const sim = await overTcp(simProc.port);
    const real = realProc ? await overTcp(realProc.port) : {};
    const row = (name, key) => ({ name, sim: sim[key], real: real[key] ?? Number.NaN, ratio: sim[key] / (real[key] ?? Number.NaN) });
    return [
      { name: 'in-process LPUSH+RPOP, 10 elements', sim: local.small, real: Number.NaN, ratio: Number.NaN },
      { name: 'in-process LPUSH+RPOP, 1M elements', sim: local.big, real: Number.NaN, ratio: Number.NaN },
      { name: 'in-process 1M / 10 throughput (target >= 0.9)', sim: local.big / local.small, real: Number.NaN, ratio: Number.NaN },
      row('LPUSH', 'lpush'),
      row('RPOP (from a 1M-element list)', 'rpop'),
      row('LPUSH+RPOP pairs, 10-element list', 'small'),
      row('LPUSH+RPOP pairs, 1M-element list', 'big'),
      row('BRPOP served (4 consumers, 1 producer)', 'brpop'),
    ];
  } finally {
    await simProc.stop();
    await realProc?.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable('lists: redis-sim beside redis-server', await run());
  process.exit(0);
}
