/**
 * DEBUG over TCP (enabled with enable-debug-command, as in Redis 7.0): SLEEP on the virtual clock,
 * SET-ACTIVE-EXPIRE, OBJECT, DIGEST/DIGEST-VALUE, PROTOCOL's RESP3 types, RELOAD.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

const debugOn = { config: { 'enable-debug-command': 'yes' } };
const ZEROS = '0'.repeat(40);

describe('DEBUG access', () => {
  it('is refused by default, as in Redis 7.0', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('DEBUG', 'SLEEP', '0')).toBe(
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n',
    );
  });

  it('"local" allows loopback clients', async () => {
    const sim = await startSim({ config: { 'enable-debug-command': 'local' } });
    const c = await raw(sim);
    expect(await c.call('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
  });
});

describe('DEBUG SLEEP', () => {
  it('advances a manual clock: TIME moves and deadlines inside the sleep fire', async () => {
    const sim = await startSim({ ...debugOn, clock: { mode: 'manual', start: 1_700_000_000_000 } });
    const r = ioredis(sim);
    await r.set('k', 'v', 'PX', 1500);
    expect(await r.call('DEBUG', 'SLEEP', '2.5')).toBe('OK');
    expect(sim.clock.now()).toBe(1_700_000_002_500);
    expect(await r.time()).toEqual(['1700000002', '500000']);
    expect(await r.exists('k')).toBe(0);
  });

  it('with a system clock the server really blocks for that long', async () => {
    const sim = await startSim({ ...debugOn, clock: 'system' });
    const r = ioredis(sim);
    await r.ping();
    const t0 = performance.now();
    expect(await r.call('DEBUG', 'SLEEP', '0.05')).toBe('OK');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it('a non-number sleeps 0 (atof), extra arguments are an unknown subcommand', async () => {
    const sim = await startSim(debugOn);
    const c = await raw(sim);
    const before = sim.clock.now();
    expect(await c.call('DEBUG', 'SLEEP', 'x')).toBe('+OK\r\n');
    expect(sim.clock.now()).toBe(before);
    expect(await c.call('DEBUG', 'SLEEP', '1', 'x')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n",
    );
  });
});

describe('DEBUG SET-ACTIVE-EXPIRE', () => {
  it('0 leaves expired keys in place until touched; 1 removes the due ones at once', async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('a', '1', 'PX', 100);
    await r.set('b', '1', 'PX', 100);
    sim.clock.advance(200);
    expect(await r.dbsize()).toBe(2);
    expect(await r.get('a')).toBeNull();
    expect(await r.dbsize()).toBe(1);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    expect(await r.dbsize()).toBe(0);
  });
});

describe('DEBUG OBJECT', () => {
  it("Redis's line: encoding, refcount, serialized length, LRU idle on the node clock", async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    await r.set('n', '42');
    await r.set('s', 'hello');
    sim.clock.advance(7_000);
    expect(await r.call('DEBUG', 'OBJECT', 'n')).toMatch(
      /^Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:7$/,
    );
    expect(await r.call('DEBUG', 'OBJECT', 's')).toMatch(/ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:7$/);
    await r.rpush('l', 'a', 'b');
    expect(await r.call('DEBUG', 'OBJECT', 'l')).toMatch(
      / encoding:quicklist .* ql_nodes:1 ql_avg_node:2\.00 ql_listpack_max:-2 ql_compressed:0 /,
    );
    await expect(r.call('DEBUG', 'OBJECT', 'nope')).rejects.toThrow('ERR no such key');
  });
});

describe('DEBUG DIGEST and DIGEST-VALUE', () => {
  it('an empty dataset digests to zeros; equal data digests equal whatever the order', async () => {
    const a = await startSim(debugOn);
    const b = await startSim(debugOn);
    const ra = ioredis(a);
    const rb = ioredis(b);
    expect(await ra.call('DEBUG', 'DIGEST')).toBe(ZEROS);
    await ra.sadd('s', 'x', 'y', 'z');
    await ra.hset('h', 'f', '1', 'g', '2');
    await ra.set('k', 'v');
    await rb.set('k', 'v');
    await rb.hset('h', 'g', '2', 'f', '1');
    await rb.sadd('s', 'z', 'y', 'x');
    const da = await ra.call('DEBUG', 'DIGEST');
    expect(da).toMatch(/^[0-9a-f]{40}$/);
    expect(da).not.toBe(ZEROS);
    expect(await rb.call('DEBUG', 'DIGEST')).toBe(da);
  });

  it('list order, a TTL and the database change the digest', async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    await r.rpush('l', 'a', 'b');
    await r.rpush('m', 'b', 'a');
    const [dl, dm, missing] = (await r.call('DEBUG', 'DIGEST-VALUE', 'l', 'm', 'nope')) as string[];
    expect(dl).not.toBe(dm);
    expect(missing).toBe(ZEROS);
    const before = await r.call('DEBUG', 'DIGEST');
    await r.pexpire('l', 100_000);
    expect(await r.call('DEBUG', 'DIGEST')).not.toBe(before);
    await r.persist('l');
    expect(await r.call('DEBUG', 'DIGEST')).toBe(before);
    await r.move('m', 1);
    expect(await r.call('DEBUG', 'DIGEST')).not.toBe(before);
  });

  it('matches the digest real Redis 7.0.15 computes for the same data', async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    await r.set('a', '1');
    // Captured from redis-server 7.0.15: SET a 1; DEBUG DIGEST / DEBUG DIGEST-VALUE a.
    expect(await r.call('DEBUG', 'DIGEST')).toBe('943d800368fb9c0e951138f1bc0e313ac769d91f');
    expect(await r.call('DEBUG', 'DIGEST-VALUE', 'a')).toEqual(['b4fc66738120fba0b5aa500ab5c2bf89cea1c5da']);
  });
});

describe('DEBUG PROTOCOL', () => {
  it('attrib and push in RESP3, byte for byte as Redis', async () => {
    const sim = await startSim(debugOn);
    const c = await raw(sim);
    await c.call('HELLO', '3');
    c.write('*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$6\r\nattrib\r\n*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$4\r\npush\r\n');
    const want =
      '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n' +
      '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n';
    await expect.poll(() => c.pending()).toBe(want);
  });

  it('in RESP2: attributes dropped, push refused, map flattened with integer booleans', async () => {
    const sim = await startSim(debugOn);
    const c = await raw(sim);
    expect(await c.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('$39\r\nSome real reply following the attribute\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'push')).toBe('-ERR RESP2 is not supported by this command\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'map')).toBe('*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'bignum')).toBe('$37\r\n1234567999999999999999999999999999999\r\n');
  });
});

describe('DEBUG RELOAD HELP', () => {
  it('RELOAD keeps the dataset; bad options are refused', async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    await r.set('k', 'v');
    const d = await r.call('DEBUG', 'DIGEST');
    expect(await r.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await r.call('DEBUG', 'DIGEST')).toBe(d);
    await expect(r.call('DEBUG', 'RELOAD', 'FAST')).rejects.toThrow(
      'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
    );
  });

  it('HELP is the 7.0 text; JMAP is unknown in 7.0', async () => {
    const sim = await startSim(debugOn);
    const r = ioredis(sim);
    const help = (await r.call('DEBUG', 'HELP')) as string[];
    expect(help[0]).toBe('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(106);
    await expect(r.call('DEBUG', 'JMAP')).rejects.toThrow(
      "ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG HELP.",
    );
  });
});
