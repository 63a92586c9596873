/**
 * Generic key commands and expiry against a real Redis. Relative TTLs are compared by class
 * (positive → ":T"); absolute deadlines far in the future are compared exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { compatSuite, haveRealRedis, splitAggregate, useTargets } from './harness.js';

const FUTURE_S = '4000000000';
const FUTURE_MS = '4000000000123';
const ttlClass = (raw: string) => (/^:[1-9][0-9]*\r\n$/.test(raw) ? ':T\r\n' : raw);

compatSuite('keys', [
  {
    name: 'DEL UNLINK EXISTS TOUCH count duplicates',
    cmds: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'],
      ['EXISTS', 'a', 'a', 'nokey', 'b'],
      ['TOUCH', 'a', 'a', 'nokey'],
      ['DEL', 'a', 'a', 'nokey'],
      ['UNLINK', 'b', 'c', 'b'],
      ['EXISTS', 'a', 'b', 'c'],
      ['DEL'],
      ['EXISTS'],
    ],
  },
  {
    name: 'TYPE',
    cmds: [
      ['SET', 's', 'v'],
      ['ZADD', 'z', '1', 'm'],
      ['XADD', 'x', '1-1', 'f', 'v'],
      ['TYPE', 's'],
      ['TYPE', 'z'],
      ['TYPE', 'x'],
      ['TYPE', 'nokey'],
      ['RPUSH', 'l', 'a'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 'st', 'm'],
      ['TYPE', 'l'],
      ['TYPE', 'h'],
      ['TYPE', 'st'],
      ['SCAN', '0', 'TYPE', 'list'],
      ['SCAN', '0', 'TYPE', 'hash'],
      ['SCAN', '0', 'TYPE', 'set'],
      ['SCAN', '0', 'TYPE', 'stream'],
    ],
  },
  {
    name: 'KEYS patterns',
    cmds: [
      ['MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'hllo', '4', 'heeeello', '5', 'h*llo', '6', 'other', '7'],
      ['KEYS', 'h?llo'],
      ['KEYS', 'h*llo'],
      ['KEYS', 'h[ae]llo'],
      ['KEYS', 'h[^e]llo'],
      ['KEYS', 'h[a-b]llo'],
      ['KEYS', 'h\\*llo'],
      ['KEYS', '*'],
      ['KEYS', 'nomatch*'],
    ],
    unordered: true,
  },
  {
    name: 'SCAN full iteration with MATCH and TYPE',
    cmds: [
      ['MSET', 'k1', '1', 'k2', '2', 'k3', '3', 'other', '4'],
      ['ZADD', 'kz', '1', 'm'],
      ['SCAN', '0', 'COUNT', '1000'],
      ['SCAN', '0', 'MATCH', 'k*', 'COUNT', '1000'],
      ['SCAN', '0', 'TYPE', 'zset', 'COUNT', '1000'],
      ['SCAN', '0', 'TYPE', 'STRING', 'MATCH', 'k?', 'COUNT', '1000'],
      ['SCAN', '0', 'TYPE', 'nosuchtype', 'COUNT', '1000'],
      ['SCAN', '0', 'count', '1000', 'match', 'x*'],
    ],
    // Element order inside the key list is Redis's hash order: compare the keys as a multiset.
    normalize: (raw) => {
      const m = /^\*2\r\n\$1\r\n0\r\n\*(\d+)\r\n([\s\S]*)$/.exec(raw);
      if (!m) return raw;
      const items = (m[2] as string).split(/(?=\$\d+\r\n)/).sort();
      return `*2\r\n$1\r\n0\r\n*${m[1]}\r\n${items.join('')}`;
    },
  },
  {
    name: 'SCAN errors and odd cursors',
    cmds: [
      ['SCAN', 'x'],
      ['SCAN', ' 1'],
      ['SCAN', '1 '],
      ['SCAN', '18446744073709551616'],
      ['SCAN', '-18446744073709551616'],
      ['SCAN', '-'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', '0'],
      ['SCAN', ''],
      ['SCAN', '00'],
      ['SCAN'],
    ],
  },
  {
    name: 'RANDOMKEY',
    cmds: [['RANDOMKEY'], ['SET', 'only', 'v'], ['RANDOMKEY'], ['RANDOMKEY', 'x']],
  },
  {
    name: 'RENAME and RENAMENX',
    cmds: [
      ['RENAME', 'nokey', 'x'],
      ['RENAMENX', 'nokey', 'x'],
      ['SET', 'a', '1'],
      ['RENAME', 'a', 'a'],
      ['RENAMENX', 'a', 'a'],
      ['RENAME', 'a', 'b'],
      ['EXISTS', 'a'],
      ['GET', 'b'],
      ['SET', 'c', '3', 'EXAT', FUTURE_S],
      ['RENAME', 'c', 'b'],
      ['GET', 'b'],
      ['EXPIRETIME', 'b'],
      ['SET', 'd', '4'],
      ['RENAMENX', 'd', 'b'],
      ['RENAMENX', 'd', 'e'],
      ['GET', 'e'],
      ['SET', 'f', '5'],
      ['RENAME', 'f', 'b'],
      ['EXPIRETIME', 'b'],
      ['ZADD', 'z', '1', 'm'],
      ['RENAME', 'z', 'b'],
      ['TYPE', 'b'],
      ['ZSCORE', 'b', 'm'],
    ],
  },
  {
    name: 'COPY',
    cmds: [
      ['SET', 'a', 'v', 'PXAT', FUTURE_MS],
      ['COPY', 'a', 'a'],
      ['COPY', 'a', 'b'],
      ['GET', 'b'],
      ['PEXPIRETIME', 'b'],
      ['COPY', 'a', 'b'],
      ['SET', 'a', 'w'],
      ['COPY', 'a', 'b', 'REPLACE'],
      ['GET', 'b'],
      ['PEXPIRETIME', 'b'],
      ['COPY', 'a', 'b', 'replace', 'replace'],
      ['COPY', 'nokey', 'b'],
      ['COPY', 'a', 'b', 'DB', '16'],
      ['COPY', 'a', 'b', 'DB', '-1'],
      ['COPY', 'a', 'b', 'DB', 'x'],
      ['COPY', 'a', 'b', 'DB', '99999999999'],
      ['COPY', 'a', 'b', 'DB'],
      ['COPY', 'a', 'b', 'FOO'],
      ['COPY', 'a', 'a', 'DB', '0'],
      ['COPY', 'a', 'a', 'DB', '1'],
      ['SELECT', '1'],
      ['GET', 'a'],
      ['COPY', 'a', 'a', 'DB', '0'],
      ['DEL', 'a'],
      ['SELECT', '0'],
      ['ZADD', 'z', '1', 'm', '2', 'n'],
      ['COPY', 'z', 'z2'],
      ['ZADD', 'z', '3', 'o'],
      ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '-1'],
      ['SET', 'n', '5'],
      ['COPY', 'n', 'n2'],
      ['OBJECT', 'ENCODING', 'n2'],
      ['OBJECT', 'REFCOUNT', 'n2'],
      ['SETRANGE', 'r', '0', 'x'],
      ['COPY', 'r', 'r2'],
      ['OBJECT', 'ENCODING', 'r2'],
    ],
  },
  {
    name: 'MOVE',
    cmds: [
      ['SET', 'a', 'v', 'EXAT', FUTURE_S],
      ['MOVE', 'a', '0'],
      ['MOVE', 'a', '16'],
      ['MOVE', 'a', '-1'],
      ['MOVE', 'a', 'x'],
      ['MOVE', 'a', '99999999999'],
      ['MOVE', 'a', '99999999999999999999'],
      ['MOVE', 'nokey', '1'],
      ['MOVE', 'a', '1'],
      ['EXISTS', 'a'],
      ['SELECT', '1'],
      ['GET', 'a'],
      ['EXPIRETIME', 'a'],
      ['SET', 'b', 'x'],
      ['SELECT', '0'],
      ['SET', 'b', 'y'],
      ['MOVE', 'b', '1'],
      ['GET', 'b'],
      ['SELECT', '1'],
      ['GET', 'b'],
      ['FLUSHDB'],
    ],
  },
  {
    name: 'OBJECT subcommands and errors',
    cmds: [
      ['SET', 'a', '1'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['OBJECT', 'FREQ', 'a'],
      ['OBJECT', 'IDLETIME', 'a'],
      ['OBJECT', 'foo'],
      ['OBJECT', 'foo', 'a'],
      ['OBJECT'],
      ['OBJECT', 'ENCODING'],
      ['OBJECT', 'ENCODING', 'a', 'b'],
      ['OBJECT', 'HELP'],
      ['OBJECT', 'help', 'x'],
      ['XADD', 'x', '1-1', 'f', 'v'],
      ['OBJECT', 'ENCODING', 'x'],
      ['ZADD', 'z', '1', 'm'],
      ['OBJECT', 'ENCODING', 'z'],
    ],
    // OBJECT IDLETIME of a fresh key is 0 or 1 (Redis's LRU clock ticks on its own): compare it loosely.
    normalize: (raw) => (/^:[01]\r\n$/.test(raw) ? ':idle\r\n' : raw),
  },
  {
    name: 'EXPIRE option errors',
    cmds: [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'NX', 'XX'],
      ['EXPIRE', 'k', '100', 'GT', 'LT'],
      ['EXPIRE', 'k', '100', 'NX', 'GT'],
      ['EXPIRE', 'k', '100', 'LT', 'NX'],
      ['EXPIRE', 'k', '100', 'foo'],
      ['EXPIRE', 'k', 'x', 'foo'],
      ['EXPIRE', 'k', 'x'],
      ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'nokey', 'x'],
      ['EXPIRE', 'nokey', '100'],
      ['EXPIRE', 'k'],
      ['PEXPIRE', 'k', '100', 'XX', 'XX', 'gt'],
      ['TTL', 'k'],
    ],
  },
  {
    name: 'EXPIRE overflow',
    cmds: [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '9223372036854775'],
      ['EXPIRE', 'k', '9223372036854775807'],
      ['EXPIRE', 'k', '-9223372036854776'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['EXPIREAT', 'k', '9223372036854775807'],
      ['EXPIREAT', 'k', '9223372036854776'],
      ['EXPIRE', 'nokey', '9223372036854775807'],
      ['TTL', 'k'],
      ['EXPIREAT', 'k', '9223372036854775'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '9223372036854775807'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
    ],
  },
  {
    name: 'EXPIRE in the past deletes',
    cmds: [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '-1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', '0'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['PEXPIREAT', 'k', '-9223372036854775808'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '-9223372036854775'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['PEXPIRE', 'k', '0'],
      ['EXISTS', 'k'],
      ['EXPIRE', 'k', '-1'],
    ],
  },
  {
    name: 'EXPIRE NX XX GT LT',
    cmds: [
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', FUTURE_S, 'XX'],
      ['EXPIREAT', 'k', FUTURE_S, 'GT'],
      ['EXPIREAT', 'k', '4000000100', 'LT'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', '4000000200', 'LT'],
      ['EXPIREAT', 'k', '4000000050', 'lt'],
      ['EXPIRETIME', 'k'],
      ['EXPIREAT', 'k', '4000000050', 'GT'],
      ['EXPIREAT', 'k', '4000000060', 'GT'],
      ['EXPIREAT', 'k', '4000000070', 'NX'],
      ['EXPIREAT', 'k', '4000000080', 'XX'],
      ['EXPIREAT', 'k', '4000000070', 'XX', 'GT'],
      ['EXPIREAT', 'k', '4000000090', 'XX', 'LT'],
      ['EXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'k'],
      ['EXPIREAT', 'k', '4000000070', 'XX'],
      ['EXPIREAT', 'k', '4000000070', 'NX'],
      ['EXPIREAT', 'k', '4000000080', 'NX'],
      ['EXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['EXPIRE', 'k', '-1', 'GT'],
      ['EXISTS', 'k'],
      ['EXPIRE', 'k', '-1', 'LT'],
      ['EXISTS', 'k'],
      ['EXPIREAT', 'nokey', FUTURE_S, 'NX'],
    ],
  },
  {
    name: 'TTL PTTL EXPIRETIME PEXPIRETIME PERSIST',
    cmds: [
      ['TTL', 'nokey'],
      ['PTTL', 'nokey'],
      ['EXPIRETIME', 'nokey'],
      ['PEXPIRETIME', 'nokey'],
      ['PERSIST', 'nokey'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['PEXPIREAT', 'k', FUTURE_MS],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '4000000000499'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '4000000000500'],
      ['EXPIRETIME', 'k'],
      ['EXPIRE', 'k', '100'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['TTL', 'k'],
      ['TTL'],
      ['PERSIST', 'a', 'b'],
    ],
    normalize: ttlClass,
  },
  {
    name: 'expiry on other types',
    cmds: [
      ['ZADD', 'z', '1', 'm'],
      ['EXPIREAT', 'z', FUTURE_S],
      ['EXPIRETIME', 'z'],
      ['ZADD', 'z', '2', 'n'],
      ['EXPIRETIME', 'z'],
      ['ZREM', 'z', 'm', 'n'],
      ['EXPIRETIME', 'z'],
    ],
  },
  {
    name: 'OBJECT ENCODING of lists, hashes, sets and sorted sets',
    cmds: [
      ['RPUSH', 'l', 'a'],
      ['OBJECT', 'ENCODING', 'l'],
      ['HSET', 'h', 'f', 'v'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'big', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'h'],
      ['HDEL', 'h', 'big'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h2', 'x'.repeat(64), 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'h2'],
      ['COPY', 'h', 'h3'],
      ['OBJECT', 'ENCODING', 'h3'],
      ['SADD', 's', '1', '2', '-9223372036854775808'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '01'],
      ['OBJECT', 'ENCODING', 's'],
      ['SREM', 's', '01'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's2', 'a'],
      ['OBJECT', 'ENCODING', 's2'],
      ['SADD', 's3', '9223372036854775808'],
      ['OBJECT', 'ENCODING', 's3'],
      ['ZADD', 'z', '1', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '1', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZREM', 'z', 'x'.repeat(65)],
      ['OBJECT', 'ENCODING', 'z'],
      ['COPY', 'z', 'z2'],
      ['OBJECT', 'ENCODING', 'z2'],
    ],
  },
  {
    name: 'OBJECT ENCODING follows the entry thresholds',
    cmds: [
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '2'],
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'c', '3'],
      ['OBJECT', 'ENCODING', 'h'],
      ['HDEL', 'h', 'c', 'b'],
      ['OBJECT', 'ENCODING', 'h'],
      ['SADD', 's', '1', '2'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '3'],
      ['OBJECT', 'ENCODING', 's'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '3', 'c'],
      ['OBJECT', 'ENCODING', 'z'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ],
  },
]);

/**
 * Keyspace events: the same commands on both servers, every `__keyevent@*__` message compared in
 * order (event name, database and key).
 */
describe.runIf(haveRealRedis)('compat: keyspace events of strings, keys and expiry', () => {
  const targets = useTargets();
  const script: string[][] = [
    ['SET', 'a', '1'],
    ['SET', 'a', '2', 'EX', '100'],
    ['SET', 'b', 'x', 'NX'],
    ['SET', 'b', 'y', 'NX'],
    ['SETNX', 'b', 'z'],
    ['SETEX', 'c', '100', 'v'],
    ['PSETEX', 'c', '100000', 'v'],
    ['GETSET', 'c', 'w'],
    ['MSET', 'd', '1', 'e', '2'],
    ['MSETNX', 'd', '1', 'f', '2'],
    ['MSETNX', 'f', '1', 'g', '2'],
    ['INCR', 'd'],
    ['DECRBY', 'd', '5'],
    ['INCRBYFLOAT', 'd', '1.5'],
    ['APPEND', 'd', 'x'],
    ['APPEND', 'new', ''],
    ['SETRANGE', 'd', '0', 'y'],
    ['SETRANGE', 'd', '0', ''],
    ['SETRANGE', 'none', '0', ''],
    ['GETEX', 'e', 'EX', '100'],
    ['GETEX', 'e', 'PERSIST'],
    ['GETEX', 'e', 'PERSIST'],
    ['GETEX', 'e', 'EXAT', '1'],
    ['GETDEL', 'f'],
    ['GETDEL', 'f'],
    ['EXPIRE', 'g', '100'],
    ['EXPIRE', 'g', '100', 'NX'],
    ['PERSIST', 'g'],
    ['PEXPIREAT', 'g', '1'],
    ['EXPIRE', 'nokey', '1'],
    ['SET', 'h', 'v'],
    ['RENAME', 'h', 'i'],
    ['RENAME', 'i', 'i'],
    ['RENAMENX', 'i', 'a'],
    ['COPY', 'i', 'j'],
    ['COPY', 'i', 'j', 'REPLACE'],
    ['COPY', 'i', 'k', 'DB', '1'],
    ['MOVE', 'j', '2'],
    ['DEL', 'a', 'nokey', 'i'],
    ['UNLINK', 'b'],
    ['SET', 'exp', 'v', 'PX', '1'],
    ['SET', 'past', 'v', 'EXAT', '1'],
    ['GET', 'past'],
    ['FLUSHALL'],
    ['SET', 'end', 'x'],
  ];

  async function run(port: number): Promise<string[]> {
    const sub = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    try {
      await c.call('FLUSHALL');
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'EA');
      await sub.call('PSUBSCRIBE', '__keyevent@*__:*');
      for (const cmd of script) {
        await c.call(...cmd);
        if (cmd[0] === 'SET' && cmd[1] === 'exp') {
          await new Promise((r) => setTimeout(r, 20));
          await c.call('GET', 'exp');
        }
      }
      const events: string[] = [];
      for (;;) {
        const msg = splitAggregate(await sub.read(1));
        const items = (msg?.items ?? []).map((x) => x.split('\r\n')[1]);
        events.push(`${items[2]} ${items[3]}`);
        if (items[3] === 'end') break;
      }
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      return events;
    } finally {
      sub.close();
      c.close();
    }
  }

  it('publishes the same events in the same order', async () => {
    const t = targets();
    const real = await run(t.real.port);
    const sim = await run(t.sim.port);
    expect(real.length).toBeGreaterThan(20);
    expect(sim).toEqual(real);
  });
});

/**
 * Redis 7.0 expires a key when `now > deadline` (keyIsExpired, whole milliseconds): during the
 * deadline millisecond itself the key still exists and PTTL replies 0. The clock cannot be stopped
 * on a real server, so there a key with a 2 ms TTL is polled until it is gone; redis-sim runs on a
 * manual clock moved 1 ms after each PTTL, so it passes through every millisecond. Both must
 * have replied 0 before -2 (a server that expired at `now >= deadline` never replies 0).
 */
describe.runIf(haveRealRedis)('compat: a key exists during its deadline millisecond', () => {
  const targets = useTargets();
  let manual: RedisSim | undefined;
  beforeAll(async () => {
    manual = await RedisSim.start({ port: 0, clock: 'manual' });
  });
  afterAll(async () => {
    await manual?.stop();
  });

  async function pttlsSeen(port: number, resp: 2 | 3, stepClock: boolean): Promise<string[]> {
    const c = await RawClient.connectResp(port, resp);
    try {
      const seen = new Set<string>();
      for (let trial = 0; trial < 300 && !seen.has(':0\r\n'); trial++) {
        await c.call('SET', 'k', 'v', 'PX', '2');
        for (;;) {
          const pttl = await c.call('PTTL', 'k');
          seen.add(pttl);
          if (pttl === ':-2\r\n') break;
          if (stepClock && pttl === ':0\r\n') expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
          if (stepClock) await c.call('SIM', 'CLOCK', 'ADVANCE', '1');
        }
      }
      return [...seen].filter((r) => r === ':0\r\n' || r === ':-2\r\n').sort();
    } finally {
      c.close();
    }
  }

  for (const resp of [2, 3] as const) {
    it(`PTTL 0 is observable before the key goes (RESP${resp})`, async () => {
      const real = await pttlsSeen(targets().real.port, resp, false);
      const sim = await pttlsSeen((manual as RedisSim).port, resp, true);
      expect(real).toEqual([':-2\r\n', ':0\r\n']);
      expect(sim).toEqual(real);
    });
  }
});
