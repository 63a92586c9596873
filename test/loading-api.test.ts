/**
 * The plain in-process API: sim.call() gives what a client library gives (compared with
 * ioredis's answers for the same commands), UTF-8 both ways, RedisReplyError with Redis's code,
 * callBuffer, waitForBlocked with options and a timeout, sim.reset() and SIM RESET.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReplyError, RedisSim } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});
async function start(): Promise<RedisSim> {
  const sim = await RedisSim.start({ clock: { mode: 'manual', start: 1_700_000_000_000 } });
  cleanups.push(() => sim.stop());
  return sim;
}
function client(sim: RedisSim): Redis {
  const r = new Redis(sim.port, { maxRetriesPerRequest: 0 });
  cleanups.push(() => r.disconnect());
  return r;
}

describe('sim.call()', () => {
  it('returns what ioredis returns for the same commands', async () => {
    // One node answers ioredis over the wire, another the same commands in-process.
    const r = client(await start());
    const sim = await start();
    const cmds: (string | number)[][] = [
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['GET', 'missing'],
      ['INCR', 'n'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LRANGE', 'l', 0, -1],
      ['HSET', 'h', 'f1', 'x', 'f2', 'y'],
      ['HGETALL', 'h'],
      ['ZADD', 'z', 1, 'm1', 2.5, 'm2'],
      ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      ['TYPE', 'z'],
      ['EVAL', 'return {1, "two", {3}, false}', 0],
      ['PING'],
    ];
    for (const args of cmds) {
      const [name, ...rest] = args as [string, ...(string | number)[]];
      const viaSocket = await r.call(name, ...rest);
      expect(sim.call(name, ...rest), args.join(' ')).toEqual(viaSocket);
    }
  });

  it('UTF-8 in and out, Buffers with callBuffer, binary-safe Buffer arguments', async () => {
    const sim = await start();
    expect(sim.call('SET', 'k', 'héllo ✓')).toBe('OK');
    expect(sim.call('GET', 'k')).toBe('héllo ✓');
    expect(sim.call('STRLEN', 'k')).toBe(Buffer.byteLength('héllo ✓'));
    expect(sim.callBuffer('GET', 'k')).toEqual(Buffer.from('héllo ✓'));
    const bin = Buffer.from([0, 255, 128, 10]);
    sim.call('SET', Buffer.from('bin'), bin);
    expect(sim.callBuffer('GET', 'bin')).toEqual(bin);
    const r = client(sim);
    expect(await r.get('k')).toBe('héllo ✓');
    expect(await r.getBuffer('bin')).toEqual(bin);
    await r.set('from-client', 'ünï ✓');
    expect(sim.call('GET', 'from-client')).toBe('ünï ✓');
  });

  it('error replies are thrown as RedisReplyError with the Redis error code; in EXEC they sit in place', async () => {
    const sim = await start();
    sim.call('SET', 's', 'x');
    let err: unknown;
    try {
      sim.call('LPUSH', 's', 'a');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RedisReplyError);
    expect(err).toBeInstanceOf(Error);
    expect((err as RedisReplyError).code).toBe('WRONGTYPE');
    expect((err as Error).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(() => sim.call('NOSUCH')).toThrow(expect.objectContaining({ code: 'ERR' }));
    expect(() => sim.call('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0')).toThrow(
      expect.objectContaining({ code: 'NOSCRIPT' }),
    );
    sim.call('MULTI');
    sim.call('INCR', 's');
    sim.call('SET', 't', '1');
    const res = sim.call('EXEC') as unknown[];
    expect(res[0]).toBeInstanceOf(RedisReplyError);
    expect((res[0] as RedisReplyError).message).toBe('ERR value is not an integer or out of range');
    expect(res[1]).toBe('OK');
    expect(() => sim.call('GET', null as unknown as string)).toThrow('sim.call(): arguments must be strings, numbers or Buffers; got null');
  });
});

describe('waitForBlocked', () => {
  it('waits for n clients, on a key of a db, with a timeout; the positional form still works', async () => {
    const sim = await start();
    const a = client(sim);
    const b = client(sim);
    await a.select(2);
    const pa = a.blpop('q', 0);
    const pb = b.blpop('other', 0);
    await sim.waitForBlocked(1, { key: 'q', db: 2 });
    await sim.waitForBlocked(1, 'other'); // old form: key of db 0
    await sim.waitForBlocked(2, { timeout: 5000 });
    await expect(sim.waitForBlocked(1, { key: 'q', timeout: 50 })).rejects.toThrow(
      "waitForBlocked: 0 of 1 clients blocked on 'q' after 50 ms",
    );
    await expect(sim.waitForBlocked(3, { timeout: 50 })).rejects.toThrow('waitForBlocked: 2 of 3 clients blocked after 50 ms');
    sim.call('RPUSH', 'other', 'x');
    expect(await pb).toEqual(['other', 'x']);
    sim.call('SELECT', '2');
    sim.call('RPUSH', 'q', 'y');
    expect(await pa).toEqual(['q', 'y']);
  });
});

describe('reset', () => {
  it('sim.reset(): data, scripts, functions, config, clients and the clock back to the start', async () => {
    const sim = await start();
    const r = client(sim);
    await r.set('k', 'v');
    const sha = (await r.script('LOAD', 'return 1')) as string;
    await r.function('LOAD', '#!lua name=lib\nredis.register_function("f", function() return 1 end)');
    await r.config('SET', 'maxmemory', '10mb');
    const t0 = sim.clock.now();
    expect(sim.clock.advance(5000)).toBe(t0 + 5000);
    const closed = new Promise((res) => r.once('close', res));
    sim.reset();
    await closed;
    expect(sim.call('DBSIZE')).toBe(0);
    expect(sim.call('SCRIPT', 'EXISTS', sha)).toEqual([0]);
    expect(sim.call('FUNCTION', 'LIST')).toEqual([]);
    expect(sim.call('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', '0']);
    expect(sim.clock.now()).toBe(t0);
    expect(sim.clock.mode).toBe('manual');
  });

  it('SIM RESET over the wire: the caller stays connected, other clients are closed', async () => {
    const sim = await start();
    const caller = client(sim);
    const other = client(sim);
    await caller.set('k', 'v');
    await other.ping();
    await caller.call('SIM', 'CLOCK', 'ADVANCE', '1000');
    const closed = new Promise((res) => other.once('close', res));
    expect(await caller.call('SIM', 'RESET')).toBe('OK');
    await closed;
    expect(await caller.dbsize()).toBe(0);
    expect(await caller.call('SIM', 'CLOCK', 'GET')).toBe(1_700_000_000_000);
  });

  it('removes every fault and stops and empties the journal (in-process and SIM RESET)', async () => {
    const sim = await start();
    for (const viaWire of [false, true]) {
      // Connected (and past ioredis's ready check) before the node pauses.
      const caller = client(sim);
      await caller.ping();
      sim.faults.pause();
      sim.faults.latency(100);
      sim.faults.partition({ name: 'nobody' });
      sim.faults.commands.add({ error: 'LOADING' }, { command: 'get' });
      sim.journal.start();
      sim.call('SET', 'k', 'v');
      expect(sim.journal.size).toBeGreaterThan(0);
      if (viaWire) {
        expect(await caller.call('SIM', 'RESET')).toBe('OK');
        // With the faults gone, the caller's own commands run at once and GET is not failed.
        expect(await caller.get('k')).toBe(null);
      } else sim.reset();
      caller.disconnect();
      expect(sim.faults.paused).toBe(false);
      expect(sim.faults.latencies).toEqual([]);
      expect(sim.faults.partitions).toEqual([]);
      expect(sim.faults.commands.list).toEqual([]);
      expect(sim.journal.enabled).toBe(false);
      expect(sim.journal.size).toBe(0);
      const r = client(sim);
      await r.set('k', 'v2');
      expect(await r.get('k')).toBe('v2');
      r.disconnect();
    }
  });
});
