/**
 * DEBUG subcommands Redis's own test suite relies on, against a redis-server started with
 * enable-debug-command yes: OBJECT's address across INCR (Redis modifies an unshared int in
 * place; shared integers 0..9999 are fixed objects), SET-DISABLE-DENY-SCRIPTS (scripts may call
 * noscript commands) and QUICKLIST-PACKED-THRESHOLD (large elements get plain quicklist nodes:
 * DEBUG OBJECT's ql_* fields, the serialized length and DUMP show it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, runOn } from './harness.js';
import { type RealRedis, startRealRedis } from './real-redis.js';

/** DEBUG OBJECT without what differs by process: the address and the LRU clock. */
const stable = (raw: string) => raw.replace(/at:0x[0-9a-f]+ /, '').replace(/ lru:\d+ lru_seconds_idle:\d+/, '');

describe.runIf(haveRealRedis)('compat: DEBUG (enable-debug-command yes)', () => {
  let real: RealRedis | undefined;
  let sim: RedisSim | undefined;
  beforeAll(async () => {
    real = await startRealRedis(['--enable-debug-command', 'yes']);
    sim = await RedisSim.start({ port: 0, clock: 'system', config: { 'enable-debug-command': 'yes' } });
  });
  afterAll(async () => {
    await real?.stop();
    await sim?.stop();
  });
  const ports = () => {
    if (!real || !sim) throw new Error('no targets');
    return [real.port, sim.port] as const;
  };

  /** Runs `cmds` on both servers (RESP2 and RESP3) and compares the replies after `norm`. */
  const same = async (cmds: string[][], norm: (raw: string) => string = (r) => r) => {
    const [rp, sp] = ports();
    for (const resp of [2, 3] as const) {
      const [r, s] = await Promise.all([runOn(rp, cmds, resp), runOn(sp, cmds, resp)]);
      expect(s.map(norm)).toEqual(r.map(norm));
    }
  };

  it('DEBUG OBJECT keeps its address when INCR modifies an unshared integer in place', async () => {
    /** For each step: the refcount and whether the address is the one of the step before. */
    const transcript = async (port: number): Promise<string[]> => {
      const c = await RawClient.connect(port);
      try {
        await c.call('FLUSHALL');
        const out: string[] = [];
        let prev = '';
        const look = async (key: string) => {
          const line = await c.call('DEBUG', 'OBJECT', key);
          const at = /at:(0x[0-9a-f]+)/.exec(line)?.[1] ?? '';
          out.push(`${/refcount:\d+/.exec(line)?.[0]} ${at === prev ? 'same' : 'moved'}`);
          prev = at;
        };
        const steps: string[][] = [
          ['SET', 'foo', '20000'],
          ['INCR', 'foo'],
          ['INCR', 'foo'],
          ['INCRBY', 'foo', '-5'],
          ['DECR', 'foo'],
          ['SET', 'foo', '9998'],
          ['INCR', 'foo'],
          ['INCR', 'foo'],
          ['INCR', 'foo'],
          ['SET', 'foo', '-1'],
          ['INCR', 'foo'],
          ['INCR', 'foo'],
          ['DECRBY', 'foo', '5'],
          ['DECR', 'foo'],
          ['INCRBYFLOAT', 'foo', '1'],
          ['SET', 'foo', 'abc'],
          ['SET', 'foo', '5'],
          ['INCR', 'foo'],
          ['DECR', 'foo'],
        ];
        for (const st of steps) {
          await c.call(...st);
          await look('foo');
        }
        return out;
      } finally {
        c.close();
      }
    };
    const [rp, sp] = ports();
    expect(await transcript(sp)).toEqual(await transcript(rp));
  });

  it('SET-DISABLE-DENY-SCRIPTS lets scripts call noscript commands', async () => {
    await same([
      ['EVAL', 'return redis.call("client", "id") ~= nil', '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '1'],
      ['EVAL', 'return type(redis.call("client", "id"))', '0'],
      ['EVAL', 'return redis.pcall("debug", "set-active-expire", "1")', '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', 'x'],
      ['EVAL', 'return redis.call("client", "id")', '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '2'],
      ['EVAL', 'return type(redis.call("client", "id"))', '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '0'],
      ['EVAL', 'return redis.call("client", "id")', '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '1', '2'],
    ]);
  });

  it('QUICKLIST-PACKED-THRESHOLD puts large elements in plain nodes', async () => {
    const big = 'a'.repeat(200);
    const random = Array.from({ length: 300 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
    await same(
      [
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '-1'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4294967296'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4293918721'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4293918720'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100'],
        ['RPUSH', 'l', big, 'b', 'c', random, '12345', big],
        ['LRANGE', 'l', '0', '-1'],
        ['DEBUG', 'OBJECT', 'l'],
        ['DUMP', 'l'],
        ['RPUSH', 'k', ...Array.from({ length: 20 }, (_, i) => `e${i}`)],
        ['DEBUG', 'OBJECT', 'k'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1K'],
        ['RPUSH', 'm', big, 'b', random],
        ['DEBUG', 'OBJECT', 'm'],
        ['DUMP', 'm'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
        ['RPUSH', 'n', big, 'b', random],
        ['DEBUG', 'OBJECT', 'n'],
        ['DUMP', 'n'],
      ],
      stable,
    );
  });
});
