// Memory per key (issue 17): 1M small string keys (`key:<n>` → a 10-byte value) written with MSET into
// a redis-sim process and a real redis-server; reports RSS per key (from /proc/<pid>/statm), INFO's
// used_memory per key (redis-sim: V8 heap used + external), and used_memory after FLUSHALL against
// the value before loading (redis-sim's heap should come back near its start).
//
// Run: `npm run build && node bench/memory.mjs` (or via `npm run bench`). BENCH_KEYS (default 1000000).
import net from 'node:net';
import { encode, haveRealRedis, rssBytes, startRealRedis, startSimProcess } from './lib.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);

/** One connection that sends a payload and waits for `replies` replies (counted by line ends of simple replies). */
async function connect(port) {
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  let buf = '';
  let waiter;
  s.on('data', (d) => {
    buf += d.toString('latin1');
    waiter?.();
  });
  return {
    /** Sends `payload` and resolves with the raw reply text once `done(text)` holds. */
    ask(payload, done) {
      buf = '';
      return new Promise((resolve) => {
        waiter = () => {
          if (done(buf)) {
            waiter = undefined;
            resolve(buf);
          }
        };
        s.write(payload);
      });
    },
    close: () => s.destroy(),
  };
}

const oneLine = (t) => t.endsWith('\r\n');
const bulkDone = (t) => {
  const nl = t.indexOf('\r\n');
  return nl > 0 && t.length >= nl + 2 + Number(t.slice(1, nl)) + 2;
};

async function usedMemory(c) {
  const info = await c.ask(encode(['INFO', 'memory']), bulkDone);
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function measure(server) {
  const c = await connect(server.port);
  try {
    await c.ask(encode(['FLUSHALL']), oneLine);
    const rss0 = rssBytes(server.pid);
    const used0 = await usedMemory(c);
    const value = 'v'.repeat(10);
    for (let from = 0; from < KEYS; from += 1000) {
      const args = ['MSET'];
      for (let i = from; i < Math.min(KEYS, from + 1000); i++) args.push(`key:${i}`, value);
      await c.ask(encode(args), oneLine);
    }
    // Give a collector a moment to settle before reading sizes.
    await new Promise((r) => setTimeout(r, 500));
    const rss1 = rssBytes(server.pid);
    const used1 = await usedMemory(c);
    await c.ask(encode(['FLUSHALL']), oneLine);
    await new Promise((r) => setTimeout(r, 1000));
    // A few commands so a lazily scheduled collection gets to run.
    for (let i = 0; i < 5; i++) await c.ask(encode(['PING']), oneLine);
    const used2 = await usedMemory(c);
    const rss2 = rssBytes(server.pid);
    return { rssPerKey: (rss1 - rss0) / KEYS, usedPerKey: (used1 - used0) / KEYS, used0, used1, used2, rss0, rss1, rss2 };
  } finally {
    c.close();
  }
}

export async function run() {
  const real = haveRealRedis() ? await startRealRedis() : undefined;
  const sim = await startSimProcess();
  const rows = [];
  try {
    const s = await measure(sim);
    const r = real ? await measure(real) : undefined;
    const mb = (n) => n / 2 ** 20;
    rows.push({
      name: `RSS bytes per key, ${KEYS.toLocaleString('en-US')} small string keys`,
      sim: s.rssPerKey,
      real: r?.rssPerKey ?? Number.NaN,
    });
    rows.push({ name: 'used_memory bytes per key', sim: s.usedPerKey, real: r?.usedPerKey ?? Number.NaN });
    rows.push({ name: 'used_memory MB before loading', sim: mb(s.used0), real: r ? mb(r.used0) : Number.NaN });
    rows.push({ name: 'used_memory MB after FLUSHALL', sim: mb(s.used2), real: r ? mb(r.used2) : Number.NaN });
    rows.push({ name: 'RSS MB after FLUSHALL', sim: mb(s.rss2), real: r ? mb(r.rss2) : Number.NaN });
    // Lower is better for sizes: the ratio is redis / redis-sim, so above 1 means smaller than Redis.
    for (const row of rows) row.ratio = row.real / row.sim;
  } finally {
    await sim.stop();
    await real?.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import('./lib.mjs');
  printTable('memory: redis-sim beside redis-server (ratio = redis / redis-sim)', await run(), 'value');
}
