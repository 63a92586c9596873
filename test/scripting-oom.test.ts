/**
 * OOM rules of scripts and functions (Redis 7.0): a script with flags (EVAL with a shebang,
 * EVALSHA of one, FCALL) is denyoom unless it declares allow-oom or no-writes; a script without
 * a shebang runs, and its first denyoom redis.call/pcall is refused while it has not written if
 * the node was out of memory when its command started. Over TCP, with a manual clock.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../src/commands/functions.js';
import { loadScriptingEngine } from '../src/commands/scripting.js';
import { MEMORY_BASELINE } from '../src/engine/eviction.js';
import { ioredis, type RawClient, raw, startSim } from './helpers.js';

const OOM_MSG = "OOM command not allowed when used memory > 'maxmemory'.";
const OOM = `-${OOM_MSG}\r\n`;
const ALLOW_OOM = "-OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'\r\n";
const sha1 = (s: string) => createHash('sha1').update(s, 'latin1').digest('hex');
/** The error a script raising `msg` from its line 1 replies. */
const scriptError = (msg: string, body: string) => `-${msg} script: ${sha1(body)}, on @user_script:1.\r\n`;

beforeAll(async () => {
  // Preloaded so the first script runs at once (and is counted in commandstats like the others).
  await loadScriptingEngine();
  await loadFunctions();
});

/** A node with key `a`, then maxmemory 1 under noeviction: out of memory for good. */
async function outOfMemory(): Promise<{ c: RawClient; sim: Awaited<ReturnType<typeof startSim>> }> {
  const sim = await startSim();
  const c = await raw(sim);
  expect(await c.call('SET', 'a', '1')).toBe('+OK\r\n');
  expect(await c.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
  return { c, sim };
}

/** "name:calls=..,rejected_calls=..,failed_calls=.." of INFO commandstats, without timings. */
async function cmdstat(c: RawClient, name: string): Promise<string | undefined> {
  const line = (await c.call('INFO', 'commandstats')).split('\r\n').find((l) => l.startsWith(`cmdstat_${name}:`));
  return line?.replace(/usec=\d+,usec_per_call=[\d.]+,/, '').slice('cmdstat_'.length);
}

describe('a script without a shebang (compat mode)', () => {
  it('runs; its first denyoom call is refused: redis.call raises the OOM error, redis.pcall returns it', async () => {
    const { c } = await outOfMemory();
    const call = "return redis.call('set','x','1')";
    expect(await c.call('EVAL', call, '0')).toBe(scriptError(OOM_MSG, call));
    expect(await c.call('EVAL', "return redis.pcall('set','x','1')", '0')).toBe(OOM);
    expect(await c.call('EVAL', "local r = redis.pcall('lpush','l','1') return r.err", '0')).toBe(`$${OOM_MSG.length}\r\n${OOM_MSG}\r\n`);
    expect(await c.call('EXISTS', 'x', 'l')).toBe(':0\r\n');
  });

  it('lets non-denyoom commands run (GET, EXISTS, DEL)', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('EVAL', "return {redis.call('get','a'), redis.call('exists','a'), redis.call('del','nokey')}", '0')).toBe(
      '*3\r\n$1\r\n1\r\n:1\r\n:0\r\n',
    );
  });

  it('once a write command ran (even DEL of a missing key), later denyoom calls run: it cannot stop in the middle', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('EVAL', "redis.call('del','nokey') return redis.call('set','x','1')", '0')).toBe('+OK\r\n');
    expect(await c.call('EVAL', "redis.call('expire','a','100') return redis.call('lpush','l','v')", '0')).toBe(':1\r\n');
    // A read does not count, and neither does a refused call.
    const body = "redis.call('get','a') redis.pcall('set','y','1') return redis.call('set','y','1')";
    expect(await c.call('EVAL', body, '0')).toBe(scriptError(OOM_MSG, body));
    expect(await c.call('MGET', 'x', 'y')).toBe('*2\r\n$1\r\n1\r\n$-1\r\n');
  });

  it('the OOM state is the one when the script started: a script started under the limit writes past it', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory', String(MEMORY_BASELINE + 300));
    const fill = "for i = 1, 3 do redis.call('set', 'k' .. i, string.rep('x', 200)) end return redis.call('dbsize')";
    expect(await r.eval(fill, 0)).toBe(3);
    expect(sim.node.eviction.used()).toBeGreaterThan(MEMORY_BASELINE + 300);
    // The next script starts out of memory: its first SET is refused (noeviction).
    await expect(r.eval("return redis.call('set','k4','v')", 0)).rejects.toThrow(OOM_MSG);
    await expect(r.eval("return redis.pcall('get','k1')", 0)).resolves.toHaveLength(200);
    // Deleting inside the script is a write: the SET after it runs.
    expect(await r.eval("redis.call('del','k1','k2','k3') return redis.call('set','k4','v')", 0)).toBe('OK');
    expect(await r.eval("return redis.call('set','k5','v')", 0)).toBe('OK');
  });

  it('without a limit nothing is refused, whatever the state noted earlier', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('EVAL', "return redis.pcall('set','x','1')", '0')).toBe(OOM);
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '0')).toBe('+OK\r\n');
    expect(await c.call('EVAL', "return redis.call('set','x','1')", '0')).toBe('+OK\r\n');
    expect(await c.call('EVAL', '#!lua\nreturn redis.call("set","y","1")', '0')).toBe('+OK\r\n');
  });

  it('RESP3 callers get the same error; the error table of pcall is the same', async () => {
    const { c } = await outOfMemory();
    await c.call('HELLO', '3');
    const call = "return redis.call('set','x','1')";
    expect(await c.call('EVAL', call, '0')).toBe(scriptError(OOM_MSG, call));
    expect(await c.call('EVAL', "return redis.pcall('set','x','1')", '0')).toBe(OOM);
    expect(await c.call('EVAL', "return redis.pcall('set','x','1').err", '0')).toBe(`$${OOM_MSG.length}\r\n${OOM_MSG}\r\n`);
  });

  it('counts a refused call in errorstats and in its command rejected_calls, and the script as failed', async () => {
    const { c } = await outOfMemory();
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('EVAL', "return redis.call('set','x','1')", '0');
    await c.call('EVAL', "return redis.pcall('set','x','1')", '0');
    await c.call('EVAL', "local r = redis.pcall('set','x','1') return 1", '0');
    expect(await c.call('INFO', 'errorstats')).toContain('errorstat_OOM:count=3\r\n');
    expect(await cmdstat(c, 'set')).toBe('set:calls=0,rejected_calls=3,failed_calls=0');
    expect(await cmdstat(c, 'eval')).toBe('eval:calls=3,rejected_calls=0,failed_calls=2');
  });
});

describe('a script with a shebang', () => {
  it('is refused up front when out of memory, as a denyoom command', async () => {
    const { c } = await outOfMemory();
    await c.call('CONFIG', 'RESETSTAT');
    expect(await c.call('EVAL', '#!lua\nreturn 1', '0')).toBe(OOM);
    expect(await c.call('EVAL', '#!lua flags=allow-stale,no-cluster\nreturn 1', '0')).toBe(OOM);
    expect(await c.call('EVAL_RO', '#!lua\nreturn 1', '0')).toBe(OOM);
    expect(await cmdstat(c, 'eval')).toBe('eval:calls=0,rejected_calls=2,failed_calls=0');
    expect(await cmdstat(c, 'eval_ro')).toBe('eval_ro:calls=0,rejected_calls=1,failed_calls=0');
    expect(await c.call('INFO', 'errorstats')).toContain('errorstat_OOM:count=3\r\n');
  });

  it('runs with allow-oom (any command) or no-writes (reads only)', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('EVAL', "#!lua flags=allow-oom\nredis.call('set','b','2') return redis.call('lpush','l','x')", '0')).toBe(':1\r\n');
    expect(await c.call('EVAL', "#!lua flags=no-writes\nreturn redis.call('get','b')", '0')).toBe('$1\r\n2\r\n');
    expect(await c.call('EVAL', "#!lua flags=no-writes\nreturn redis.pcall('set','b','3')", '0')).toBe(
      '-ERR Write commands are not allowed from read-only scripts.\r\n',
    );
    expect(await c.call('EVAL_RO', "#!lua flags=no-writes\nreturn redis.call('get','a')", '0')).toBe('$1\r\n1\r\n');
  });

  it('EVAL_RO of a script without no-writes: OOM first, then the write-flag error', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('EVAL_RO', '#!lua flags=allow-oom\nreturn 1', '0')).toBe(
      '-ERR Can not execute a script with write flag using *_ro command.\r\n',
    );
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '0')).toBe('+OK\r\n');
    expect(await c.call('EVAL_RO', '#!lua\nreturn 1', '0')).toBe('-ERR Can not execute a script with write flag using *_ro command.\r\n');
  });

  it('EVALSHA takes the flags of the cached script; an unknown SHA or a bad shebang keeps the command flags', async () => {
    const { c } = await outOfMemory();
    const body = "#!lua\nreturn redis.call('get','a')";
    expect(await c.call('SCRIPT', 'LOAD', body)).toBe(`$40\r\n${sha1(body)}\r\n`);
    expect(await c.call('EVALSHA', sha1(body), '0')).toBe(OOM);
    expect(await c.call('EVALSHA', sha1(body).toUpperCase(), '0')).toBe(OOM);
    expect(await c.call('EVALSHA_RO', sha1(body), '0')).toBe(OOM);
    expect(await c.call('EVALSHA', 'f'.repeat(40), '0')).toBe('-NOSCRIPT No matching script. Please use EVAL.\r\n');
    expect(await c.call('EVAL', '#!lua flags=bogus\nreturn 1', '0')).toBe('-ERR Unexpected flag in script shebang: bogus\r\n');
    const allow = "#!lua flags=allow-oom\nreturn redis.call('set','c','1')";
    expect(await c.call('SCRIPT', 'LOAD', allow)).toBe(`$40\r\n${sha1(allow)}\r\n`);
    expect(await c.call('EVALSHA', sha1(allow), '0')).toBe('+OK\r\n');
    // SCRIPT FLUSH forgets the flags with the script.
    expect(await c.call('SCRIPT', 'FLUSH')).toBe('+OK\r\n');
    expect(await c.call('EVALSHA', sha1(body), '0')).toBe('-NOSCRIPT No matching script. Please use EVAL.\r\n');
  });
});

describe('functions', () => {
  const LIB = `#!lua name=ooms
redis.register_function('plain', function(k, a) return redis.call('set', k[1], 'v') end)
redis.register_function{function_name='ro', callback=function(k, a) return redis.call('get', k[1]) end, flags={'no-writes'}}
redis.register_function{function_name='oom', callback=function(k, a) return redis.call('set', k[1], 'v') end, flags={'allow-oom'}}`;

  it('FCALL / FCALL_RO are denyoom unless the function declares allow-oom or no-writes', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.function('LOAD', LIB);
    await r.set('a', '1');
    await r.config('SET', 'maxmemory', '1');
    await expect(r.fcall('plain', 1, 'x')).rejects.toThrow(OOM_MSG);
    await expect(r.fcall_ro('plain', 1, 'x')).rejects.toThrow(OOM_MSG);
    expect(await r.fcall('ro', 1, 'a')).toBe('1');
    expect(await r.fcall_ro('ro', 1, 'a')).toBe('1');
    expect(await r.fcall('oom', 1, 'y')).toBe('OK');
    await expect(r.fcall_ro('oom', 1, 'y')).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    await expect(r.fcall('nosuch', 0)).rejects.toThrow('ERR Function not found');
    // FUNCTION LOAD is denyoom itself.
    await expect(r.function('LOAD', 'REPLACE', LIB)).rejects.toThrow(OOM_MSG);
    expect(await r.mget('x', 'y')).toEqual([null, 'v']);
    const stats = await r.info('commandstats');
    expect(stats).toMatch(/cmdstat_fcall:calls=3,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=1/);
    expect(stats).toMatch(/cmdstat_fcall_ro:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=1/);
  });
});

describe('MULTI / EXEC', () => {
  it('a queued denyoom script makes EXEC refused once out of memory', async () => {
    const sim = await startSim();
    const [a, admin] = [await raw(sim), await raw(sim)];
    expect(await a.call('MULTI')).toBe('+OK\r\n');
    expect(await a.call('EVAL', '#!lua\nreturn 1', '0')).toBe('+QUEUED\r\n');
    expect(await a.call('GET', 'k')).toBe('+QUEUED\r\n');
    expect(await admin.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
    expect(await a.call('EXEC')).toBe(`-EXECABORT Transaction discarded because of: ${OOM_MSG}\r\n`);
  });

  it('flags are taken at queue time: EVALSHA of a script loaded in the same transaction is refused as it starts', async () => {
    const sim = await startSim();
    const [a, admin] = [await raw(sim), await raw(sim)];
    const body = '#!lua\nreturn 1';
    expect(await a.call('MULTI')).toBe('+OK\r\n');
    expect(await a.call('SCRIPT', 'LOAD', body)).toBe('+QUEUED\r\n');
    expect(await a.call('EVALSHA', sha1(body), '0')).toBe('+QUEUED\r\n');
    expect(await a.call('EVAL', "return redis.call('set','k','v')", '0')).toBe('+QUEUED\r\n');
    expect(await a.call('EVAL', "#!lua flags=allow-oom\nreturn redis.call('set','k','v')", '0')).toBe('+QUEUED\r\n');
    expect(await admin.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
    // EXEC notes the OOM state for its scripts: the legacy script's SET is refused, allow-oom's runs.
    const legacy = "return redis.call('set','k','v')";
    expect(await a.call('EXEC')).toBe(`*4\r\n$40\r\n${sha1(body)}\r\n${ALLOW_OOM}${scriptError(OOM_MSG, legacy)}+OK\r\n`);
  });

  it('inside MULTI every script is refused when out of memory, allow-oom or not', async () => {
    const { c } = await outOfMemory();
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('EVAL', '#!lua flags=allow-oom\nreturn 1', '0')).toBe(OOM);
    expect(await c.call('EVAL', 'return 1', '0')).toBe(OOM);
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
  });
});

describe('eviction before a script', () => {
  it('runs before the script, not inside it: keys an allow-oom script wrote go before the next command', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.config('SET', 'maxmemory', '1');
    const fill = "#!lua flags=allow-oom\nredis.call('set','k1','v') redis.call('rpush','k2','v') return redis.call('dbsize')";
    expect(await r.eval(fill, 0)).toBe(2);
    expect(await r.eval("return redis.call('dbsize')", 0)).toBe(0);
    expect(await r.info('stats')).toContain('evicted_keys:2\r\n');
    // Nothing left to evict: still out of memory, so the first SET of a legacy script is refused.
    await expect(r.eval("return redis.call('set','k3','v')", 0)).rejects.toThrow(OOM_MSG);
  });

  it('a script started after eviction made room is not out of memory', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.config('SET', 'maxmemory', String(MEMORY_BASELINE + 300));
    await r.eval("#!lua flags=allow-oom\nfor i = 1, 3 do redis.call('set', 'k' .. i, string.rep('x', 100)) end return 1", 0);
    // The next command evicts the oldest keys until the estimate fits: the script then writes freely.
    expect(await r.eval("redis.call('get','nokey') return redis.call('set','k4',string.rep('y', 100))", 0)).toBe('OK');
    // (Read in-process: any further command would evict again first.) LRU ties go to the first key met.
    expect([...sim.node.db(0).allKeys()]).toEqual(['k3', 'k4']);
  });
});
