/**
 * Redis 7 functions over TCP: FUNCTION LOAD / FCALL / FCALL_RO, library replacement, DUMP and
 * RESTORE round trips and restore policies, and errors raised inside functions.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

const LIB = `#!lua name=locks
local function release(keys, args)
  if redis.call("get", keys[1]) == args[1] then return redis.call("del", keys[1]) end
  return 0
end
redis.register_function("release", release)
redis.register_function{function_name = "peek", callback = function(keys) return redis.call("get", keys[1]) end, flags = {"no-writes"}}
`;

describe('functions', () => {
  it('loads a library and calls its functions', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.call('FUNCTION', 'LOAD', LIB)).toBe('locks');
    await r.set('lock', 't');
    expect(await r.call('FCALL_RO', 'peek', '1', 'lock')).toBe('t');
    expect(await r.call('FCALL', 'release', '1', 'lock', 'x')).toBe(0);
    expect(await r.call('FCALL', 'release', '1', 'lock', 't')).toBe(1);
    await expect(r.call('FCALL_RO', 'release', '1', 'lock', 't')).rejects.toThrow(
      'ERR Can not execute a script with write flag using *_ro command.',
    );
    await expect(r.call('FUNCTION', 'LOAD', LIB)).rejects.toThrow("ERR Library 'locks' already exists");
    expect(await r.call('FUNCTION', 'LOAD', 'REPLACE', LIB.replace('return 0', 'return -1'))).toBe('locks');
    expect(await r.call('FCALL', 'release', '1', 'lock', 'x')).toBe(-1);
  });

  it('errors inside a function name the function and @user_function', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('FUNCTION', 'LOAD', '#!lua name=bad\nredis.register_function("boom", function()\n  error("no")\nend)');
    expect(await c.call('FCALL', 'boom', '0')).toBe('-ERR user_function:3: no script: boom, on @user_function:3.\r\n');
    expect(await c.call('FCALL', 'missing', '0')).toBe('-ERR Function not found\r\n');
  });

  it('DUMP and RESTORE with FLUSH, APPEND and REPLACE policies', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.call('FUNCTION', 'LOAD', LIB);
    const dump = (await r.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(dump[0]).toBe(0xf5);
    await expect(r.call('FUNCTION', 'RESTORE', dump)).rejects.toThrow('already exists');
    expect(await r.call('FUNCTION', 'RESTORE', dump, 'REPLACE')).toBe('OK');
    expect(await r.call('FUNCTION', 'FLUSH')).toBe('OK');
    expect(await r.call('FUNCTION', 'LIST')).toEqual([]);
    expect(await r.call('FUNCTION', 'RESTORE', dump)).toBe('OK');
    await r.set('k', 'v');
    expect(await r.call('FCALL', 'peek', '1', 'k')).toBe('v');
    await r.call('FUNCTION', 'LOAD', '#!lua name=other\nredis.register_function("o", function() return 1 end)');
    expect(await r.call('FUNCTION', 'RESTORE', dump, 'FLUSH')).toBe('OK');
    await expect(r.call('FCALL', 'o', '0')).rejects.toThrow('ERR Function not found');
    const corrupt = Buffer.from(dump);
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] as number) ^ 0xff;
    await expect(r.call('FUNCTION', 'RESTORE', corrupt)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
  });

  it('library code that loops forever is stopped after 500 ms', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('FUNCTION', 'LOAD', '#!lua name=inf\nwhile true do end')).toBe(
      '-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n',
    );
    expect(await c.call('FUNCTION', 'LIST')).toBe('*0\r\n');
  });

  it('FUNCTION STATS counts libraries and functions', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.call('FUNCTION', 'LOAD', LIB);
    expect(await r.call('FUNCTION', 'STATS')).toEqual([
      'running_script',
      null,
      'engines',
      ['LUA', ['libraries_count', 1, 'functions_count', 2]],
    ]);
    expect(await r.call('FUNCTION', 'DELETE', 'locks')).toBe('OK');
    await expect(r.call('FUNCTION', 'DELETE', 'locks')).rejects.toThrow('ERR Library not found');
  });
});
