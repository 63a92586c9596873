/**
 * MIGRATE against Redis 7.0: every scenario runs four ways, source × target in {real Redis,
 * redis-sim}, in RESP2 and RESP3, and the source's replies and what the target holds afterwards
 * must be byte-identical in all four. `$PORT` in a source command is the target's port, `$DEAD` a
 * port nobody listens on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis } from './harness.js';
import { freePort, type StartedRealRedis, startRealRedis } from './real-redis.js';

interface Scenario {
  name: string;
  /** Run on the target first (after FLUSHALL). */
  target?: string[][];
  /** Run on the source (after FLUSHALL). */
  source: string[][];
  /** Run on the target afterwards; their replies are compared too. */
  check?: string[][];
}

const ALIVE = ['EVAL', "return redis.call('pttl', KEYS[1]) > 0", '1'];

const scenarios: Scenario[] = [
  {
    name: 'errors before anything is sent, NOKEY',
    source: [
      ['SET', 'k', 'v'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '1000', 'FOO'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '1000', 'AUTH'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '1000', 'AUTH2', 'u'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '1000', 'KEYS', 'k'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', 'x', 'y'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', 'x', '1000'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '1.5'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'nokey', '0', '1000'],
      ['MIGRATE', '127.0.0.1', '$PORT', '', '0', '1000', 'KEYS', 'a', 'b'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0'],
      ['MIGRATE', '127.0.0.1', '$DEAD', 'k', '0', '1000'],
      ['GET', 'k'],
    ],
    check: [['DBSIZE']],
  },
  {
    name: 'one key moves with its TTL; the source loses it',
    source: [
      ['SET', 'k', 'v'],
      ['PEXPIRE', 'k', '100000'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '5000'],
      ['EXISTS', 'k'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '5000'],
    ],
    check: [
      ['GET', 'k'],
      [...ALIVE, 'k'],
    ],
  },
  {
    name: 'every type, KEYS, COPY and another database',
    source: [
      ['SET', 's', 'string'],
      ['SET', 'n', '12345'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['HSET', 'h', 'f', 'v', 'g', 'w'],
      ['SADD', 'st', '1', '2', '3'],
      ['SADD', 'sx', 'x', 'y'],
      ['ZADD', 'z', '1', 'a', '2.5', 'b'],
      ['XADD', 'x', '1-1', 'f', 'v'],
      ['PFADD', 'hll', 'a', 'b'],
      ['MIGRATE', '127.0.0.1', '$PORT', '', '5', '5000', 'COPY', 'KEYS', 's', 'n', 'nokey', 'l', 'h', 'st', 'sx', 'z', 'x', 'hll'],
      ['DBSIZE'],
    ],
    check: [
      ['SELECT', '5'],
      ['DBSIZE'],
      ['GET', 's'],
      ['OBJECT', 'ENCODING', 'n'],
      ['LRANGE', 'l', '0', '-1'],
      ['HGETALL', 'h'],
      ['SMEMBERS', 'st'],
      ['OBJECT', 'ENCODING', 'st'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['XRANGE', 'x', '-', '+'],
      ['PFCOUNT', 'hll'],
      ['PTTL', 's'],
    ],
  },
  {
    name: 'BUSYKEY from the target unless REPLACE; only acknowledged keys are deleted',
    target: [['SET', 'b', 'old']],
    source: [
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['SET', 'c', '3'],
      ['MIGRATE', '127.0.0.1', '$PORT', '', '0', '5000', 'KEYS', 'a', 'b', 'c'],
      ['MGET', 'a', 'b', 'c'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'b', '0', '5000', 'REPLACE'],
      ['EXISTS', 'b'],
    ],
    check: [['MGET', 'a', 'b', 'c']],
  },
  {
    name: 'AUTH and AUTH2 errors from a target without passwords, and a bad SELECT',
    source: [
      ['SET', 'k', 'v'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '5000', 'AUTH', 'secret'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '5000', 'AUTH2', 'nobody', 'secret'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '99', '5000'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '5000', 'AUTH2', 'default', 'whatever'],
      ['EXISTS', 'k'],
    ],
    check: [['EXISTS', 'k']],
  },
  {
    name: 'a target that holds writes longer than the timeout: IOERR reading, the key stays',
    target: [['CLIENT', 'PAUSE', '1500', 'WRITE']],
    source: [
      ['SET', 'k', 'v'],
      ['MIGRATE', '127.0.0.1', '$PORT', 'k', '0', '300'],
      ['EXISTS', 'k'],
    ],
  },
];

type Kind = 'real' | 'sim';

let realSource: StartedRealRedis | undefined;
let realTarget: StartedRealRedis | undefined;
let simSource: RedisSim | undefined;
let simTarget: RedisSim | undefined;
let dead = 0;

function port(kind: Kind, role: 'source' | 'target'): number {
  const s = role === 'source' ? (kind === 'real' ? realSource : simSource) : kind === 'real' ? realTarget : simTarget;
  if (!s) throw new Error('servers not started');
  return s.port;
}

async function run(sc: Scenario, source: Kind, target: Kind, resp: 2 | 3): Promise<string[]> {
  const tp = port(target, 'target');
  const t = await RawClient.connect(tp);
  const s = await RawClient.connectResp(port(source, 'source'), resp);
  const out: string[] = [];
  try {
    await t.call('CLIENT', 'UNPAUSE');
    await t.call('FLUSHALL');
    await s.call('FLUSHALL');
    for (const cmd of sc.target ?? []) await t.call(...cmd);
    for (const cmd of sc.source) {
      const argv = cmd.map((a) => (a === '$PORT' ? String(tp) : a === '$DEAD' ? String(dead) : a));
      out.push(await s.call(...argv));
    }
    await t.call('CLIENT', 'UNPAUSE');
    for (const cmd of sc.check ?? []) out.push(await t.call(...cmd));
  } finally {
    s.close();
    t.close();
  }
  return out;
}

describe.runIf(haveRealRedis)('compat: MIGRATE between real Redis and redis-sim', () => {
  beforeAll(async () => {
    realSource = await startRealRedis([]);
    realTarget = await startRealRedis([]);
    simSource = await RedisSim.start({ port: 0 });
    simTarget = await RedisSim.start({ port: 0 });
    dead = await freePort();
  });
  afterAll(async () => {
    await Promise.all([realSource?.stop(), realTarget?.stop(), simSource?.stop(), simTarget?.stop()]);
  });

  for (const sc of scenarios) {
    for (const resp of [2, 3] as const) {
      it(`${sc.name} (RESP${resp})`, async () => {
        const expected = await run(sc, 'real', 'real', resp);
        for (const [source, target] of [
          ['sim', 'real'],
          ['real', 'sim'],
          ['sim', 'sim'],
        ] as const) {
          const got = await run(sc, source, target, resp);
          expect({ source, target, replies: got }).toEqual({ source, target, replies: expected });
        }
      });
    }
  }
});
