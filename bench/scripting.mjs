// Scripting benchmark (issue 5). Run: `npm run build && node bench/scripting.mjs`.
//
// EVALSHA of the lock-release script and of a ~20-line script (a token bucket with HMGET/HSET/
// PEXPIRE and some arithmetic), over TCP with ioredis (4 connections, 32-command pipelines), on
// redis-sim (dist/cli.js in its own process) beside a real redis-server spawned on a free port.
// Plus the in-process EVALSHA rate of the engine itself (../dist/index.js, no network).
// Each measurement lasts BENCH_MS (default 1500 ms). Exports run() → rows {name, sim, real, ratio}.
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadScriptingEngine } from '../dist/commands/scripting.js';
import { RedisSim } from '../dist/index.js';
import { haveRealRedis, pipelinedRate, printTable, startRealRedis, startSimProcess } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 1500);
const CLIENTS = 4;
const PIPELINE = 32;

export const RELEASE = 'if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end';
export const BUCKET = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local data = redis.call("HMGET", key, "tokens", "ts")
local tokens = tonumber(data[1])
local ts = tonumber(data[2])
if tokens == nil then
  tokens = capacity
  ts = now
end
local elapsed = math.max(0, now - ts)
tokens = math.min(capacity, tokens + elapsed * rate / 1000)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call("HSET", key, "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", key, 60000)
return {allowed, tostring(tokens)}
`;

/** The shared pipelined driver with this file's fill signature. */
function measure(clients, fill, ms = MS) {
  return pipelinedRate(clients, { ms, pipeline: PIPELINE }, (p, ctx) => {
    fill(p, ctx.client, ctx.seq);
  });
}

async function overTcp(port) {
  const clients = Array.from({ length: CLIENTS }, () => new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false }));
  try {
    const r = clients[0];
    await r.flushall();
    const rel = await r.script('LOAD', RELEASE);
    const bucket = await r.script('LOAD', BUCKET);
    const release = (p, ci, i) => p.evalsha(rel, 1, `lock:${ci}`, i % 2 === 0 ? 'other' : 'token');
    const limiter = (p, ci, i) => p.evalsha(bucket, 1, `bucket:${ci}:${i % 64}`, '10', '20', String(1_000_000 + i));
    await measure(clients, release, 300); // warm-up (JIT, script cache)
    await measure(clients, limiter, 300);
    return { release: await measure(clients, release), limiter: await measure(clients, limiter) };
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/** EVALSHA through the in-process API: the engine's own speed, no network. */
async function inProcess() {
  await loadScriptingEngine();
  const sim = await RedisSim.start({ port: 0, clock: 'manual' });
  try {
    const sha = sim.call('SCRIPT', 'LOAD', BUCKET);
    let n = 0;
    const t0 = performance.now();
    const end = t0 + MS;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) sim.command('EVALSHA', sha, '1', `b${i & 63}`, '10', '20', String(1_000_000 + n + i));
      n += 1000;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await sim.stop();
  }
}

export async function run() {
  const rows = [];
  const sim = await startSimProcess();
  const real = haveRealRedis() ? await startRealRedis() : undefined;
  try {
    const s = await overTcp(sim.port);
    const r = real ? await overTcp(real.port) : undefined;
    const row = (name, a, b) => ({
      name,
      sim: Math.round(a),
      real: b === undefined ? null : Math.round(b),
      ratio: b ? +(a / b).toFixed(2) : null,
    });
    rows.push(row('EVALSHA lock release (TCP)', s.release, r?.release));
    rows.push(row('EVALSHA 20-line token bucket (TCP)', s.limiter, r?.limiter));
    rows.push(row('EVALSHA 20-line token bucket (in process)', await inProcess(), undefined));
  } finally {
    await sim.stop();
    await real?.stop();
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run();
  printTable('Scripting (EVALSHA)', rows);
}
