/**
 * EVAL/EVALSHA/SCRIPT over TCP: lazy engine loading, the lock and rate-limiter scripts on the
 * virtual clock, atomicity, blocking commands inside scripts, error shapes and runaway scripts.
 */
import { describe, expect, it } from 'vitest';
import { loadScriptingEngine, scriptingModule } from '../src/commands/scripting.js';
import { LAZY_SCRIPTING } from '../src/index.js';
import { ioredis, raw, startSim } from './helpers.js';

const RELEASE = 'if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end';
const EXTEND = 'if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("pexpire",KEYS[1],ARGV[2]) else return 0 end';
const TOKEN_BUCKET = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])      -- tokens per second
local capacity = tonumber(ARGV[2])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call("HMGET", key, "tokens", "ts")
local tokens = tonumber(data[1]) or capacity
local ts = tonumber(data[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call("HSET", key, "tokens", tokens, "ts", now)
redis.call("PEXPIRE", key, 60000)
return {allowed, tostring(tokens)}
`;

describe('scripting engine loading', () => {
  it('the CLI (lazy) loads the Lua engine on the first script, not at start', async () => {
    const sim = await startSim({ [LAZY_SCRIPTING]: true });
    expect(scriptingModule()).toBeUndefined();
    const r = ioredis(sim);
    // Pipelined: the first EVAL waits for the engine, later commands keep their order.
    const [a, b, c, d] = await Promise.all([
      r.eval('return redis.call("nosuch")', 0).catch((e: Error) => e.message),
      r.eval('return 1', 0),
      r.set('k', 'v'),
      r.eval('return redis.call("get", "k")', 0),
    ]);
    expect([a, b, c, d]).toEqual([expect.stringMatching(/^ERR Unknown Redis command called from script/), 1, 'OK', 'v']);
    expect(scriptingModule()).toBeDefined();
    // The EVAL that waited for the engine counts as any other: its error makes it a failed call.
    const stats = await r.info('commandstats');
    expect(stats).toMatch(/cmdstat_eval:calls=3,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
  });

  it('in-process calls need no preloading: RedisSim.start loads the engine (functions too)', async () => {
    const sim = await startSim();
    expect(sim.call('EVAL', 'return {1, "x"}', '0')).toEqual([1, 'x']);
    expect(sim.call('FUNCTION', 'LOAD', '#!lua name=l\nredis.register_function("f", function() return 2 end)')).toBe('l');
    expect(sim.call('FCALL', 'f', '0')).toBe(2);
    await loadScriptingEngine(); // still exported, and a no-op once loaded
  });
});

describe('lock scripts', () => {
  it('releases a lock only with the right token (redlock release script)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('lock', 'token1', 'PX', 5000);
    expect(await r.eval(RELEASE, 1, 'lock', 'other')).toBe(0);
    expect(await r.get('lock')).toBe('token1');
    expect(await r.eval(RELEASE, 1, 'lock', 'token1')).toBe(1);
    expect(await r.exists('lock')).toBe(0);
    expect(await r.eval(RELEASE, 1, 'lock', 'token1')).toBe(0);
  });

  it('extends a lock with PEXPIRE on the virtual clock', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('lock', 't', 'PX', 1000);
    sim.clock.advance(900);
    expect(await r.eval(EXTEND, 1, 'lock', 't', '1000')).toBe(1);
    expect(await r.pttl('lock')).toBe(1000);
    sim.clock.advance(1000); // the deadline millisecond: still there
    expect(await r.get('lock')).toBe('t');
    sim.clock.advance(1);
    expect(await r.get('lock')).toBeNull();
    expect(await r.eval(EXTEND, 1, 'lock', 't', '1000')).toBe(0);
  });

  it('EVALSHA with the NOSCRIPT fallback (ioredis defineCommand)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    r.defineCommand('release', { numberOfKeys: 1, lua: RELEASE });
    await r.set('l', 'x');
    const rel = r as unknown as { release: (k: string, v: string) => Promise<number> };
    expect(await rel.release('l', 'x')).toBe(1);
    await r.set('l', 'y');
    expect(await rel.release('l', 'y')).toBe(1);
    expect(await r.script('EXISTS', '01bd1b5ed4d5e5e8cdd7d6b3d3e5aa2a0d6f4c3f')).toEqual([0]);
  });
});

describe('rate limiter', () => {
  it('a token bucket refills as the virtual clock moves', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const take = async () => ((await r.eval(TOKEN_BUCKET, 1, 'bucket', '1', '2')) as [number, string])[0];
    expect([await take(), await take(), await take()]).toEqual([1, 1, 0]);
    sim.clock.advance(999);
    expect(await take()).toBe(0);
    sim.clock.advance(1);
    expect(await take()).toBe(1);
    expect(await take()).toBe(0);
    sim.clock.advance(60_000);
    expect(await r.exists('bucket')).toBe(1); // the deadline millisecond
    sim.clock.advance(1);
    expect(await r.exists('bucket')).toBe(0);
  });
});

describe('script semantics', () => {
  it('TIME inside a script reads the node clock', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const now = sim.clock.now();
    const [s, us] = (await r.eval('return redis.call("TIME")', 0)) as [string, string];
    expect(Number(s)).toBe(Math.floor(now / 1000));
    expect(Number(us)).toBe(Math.floor((now % 1000) * 1000));
  });

  it('runs atomically: blocked clients are served after the script', async () => {
    const sim = await startSim();
    const waiter = ioredis(sim);
    const r = ioredis(sim);
    const popped = waiter.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    const inside = await r.eval('redis.call("rpush", KEYS[1], "a") return redis.call("llen", KEYS[1])', 1, 'q');
    expect(inside).toBe(1);
    expect(await popped).toEqual(['q', 'a']);
    expect(await r.llen('q')).toBe(0);
  });

  it('blocking commands never block a script (refused as in Redis 7)', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('EVAL', 'return redis.call("blpop", "none", 0)', '0')).toMatch(
      /^-ERR This Redis command is not allowed from script script: /,
    );
    expect(await c.call('EVAL', 'return redis.call("xread", "BLOCK", "0", "STREAMS", "s", "$")', '0')).toMatch(
      /^-ERR xread command is not allowed with BLOCK option from scripts script: /,
    );
    expect(await c.call('EVAL', 'return redis.call("xread", "STREAMS", "s", "0")', '0')).toBe('$-1\r\n');
  });

  it('scripts use the caller database; SELECT inside a script does not leak', async () => {
    const sim = await startSim();
    const r = ioredis(sim, { db: 3 });
    await r.eval('redis.call("set", "k", "v") redis.call("select", 5) redis.call("set", "k", "five")', 0);
    expect(await r.get('k')).toBe('v');
    await r.select(5);
    expect(await r.get('k')).toBe('five');
  });

  it('EVAL inside MULTI/EXEC', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.eval('return 1', 0);
    const res = await r
      .multi()
      .eval('return redis.call("incr", KEYS[1])', 1, 'n')
      .eval('return redis.call("incr", KEYS[1])', 1, 'n')
      .exec();
    expect(res).toEqual([
      [null, 1],
      [null, 2],
    ]);
  });

  it('error replies keep Redis 7.0 shapes through ioredis', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.eval('return redis.call("nope")', 0)).rejects.toThrow(
      'ERR Unknown Redis command called from script script: 8a08f4b52efaa2014867874031e0f420f142f6b5, on @user_script:1.',
    );
    await expect(r.eval('return redis.error_reply("MYERR custom")', 0)).rejects.toThrow(/^MYERR custom$/);
    await expect(r.evalsha('0000000000000000000000000000000000000000', 0)).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
  });

  it('noscript commands and writes from read-only scripts are refused', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('EVAL', 'return redis.call("multi")', '0')).toMatch(/^-ERR This Redis command is not allowed from script script: /);
    expect(await c.call('EVAL_RO', 'return redis.call("set", "a", "1")', '0')).toMatch(
      /^-ERR Write commands are not allowed from read-only scripts\. script: /,
    );
    expect(await c.call('EVAL_RO', 'return redis.call("get", "a")', '0')).toBe('$-1\r\n');
  });

  it('redis.log writes to the node log', async () => {
    const lines: string[] = [];
    const sim = await startSim({ log: (level, msg) => lines.push(`${level}:${msg}`) });
    const r = ioredis(sim);
    await r.eval('redis.log(redis.LOG_WARNING, "hello", "world", 3)', 0);
    expect(lines).toContain('warning:hello world 3');
  });

  it('SCRIPT LOAD, EXISTS, FLUSH and KILL', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('SCRIPT', 'LOAD', 'return 1')).toBe('$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n');
    expect(await c.call('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'x')).toBe('*2\r\n:1\r\n:0\r\n');
    expect(await c.call('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0')).toBe(':1\r\n');
    expect(await c.call('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.\r\n');
    expect(await c.call('SCRIPT', 'FLUSH')).toBe('+OK\r\n');
    expect(await c.call('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0')).toBe(
      '-NOSCRIPT No matching script. Please use EVAL.\r\n',
    );
  });
});

describe('math.random', () => {
  it('follows Redis rand.c sequence, shared by EVAL and functions, kept by SCRIPT FLUSH', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    // The values a fresh redis-server 7.0 gives.
    expect(await r.eval('return math.random(1000)', 0)).toBe(397);
    await r.script('FLUSH');
    expect(await r.eval('return math.random(1000)', 0)).toBe(841);
    await r.call('FUNCTION', 'LOAD', '#!lua name=r\nredis.register_function("r", function() return math.random(1000) end)');
    expect(await r.call('FCALL', 'r', '0')).toBe(354);
  });
});

describe('runaway scripts', () => {
  // A script on a connection runs in slices past busy-reply-threshold (test/slow-script-real.test.ts);
  // inside MULTI/EXEC it cannot give the event loop back, so the threshold stops it.
  it('stops a script in MULTI/EXEC after busy-reply-threshold, even under pcall, and keeps serving', async () => {
    const sim = await startSim({ config: { 'busy-reply-threshold': '50' } });
    const c = await raw(sim);
    const inExec = async (script: string): Promise<string> => {
      const out = await c.pipeline([['MULTI'], ['EVAL', script, '0'], ['EXEC']]);
      return out[2] as string;
    };
    expect(await inExec('local n = 0 while true do n = n + 1 end')).toMatch(
      /^\*1\r\n-ERR Script stopped after running longer than busy-reply-threshold \(50 ms\)/,
    );
    expect(await inExec('pcall(function() while true do end end) return "escaped"')).toMatch(
      /^\*1\r\n-ERR Script stopped after running longer than busy-reply-threshold/,
    );
    const recursive = await c.call('EVAL', 'local function f() return f() + 1 end return f()', '0');
    expect(recursive).toMatch(/^-ERR .*stack overflow/);
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });
});
