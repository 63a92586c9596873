/**
 * The replication stream, compared with a real redis-server 7.0: the same scenario runs on both
 * with a SYNC tap attached (compat/replication-tap.ts) and the propagated commands must be equal
 * byte for byte (after the normalization of timestamps described there), for every write
 * command family: how each is rewritten (EXPIRE as PEXPIREAT, SET EX as SET PXAT, BLPOP as LPOP,
 * SPOP as SREM/DEL, INCRBYFLOAT as SET KEEPTTL, XREADGROUP as XCLAIM...), MULTI/EXEC wrapping,
 * scripts by effects, SELECT, and expiry on the clock as DEL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { encodeCommand } from '../src/topology/primary.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';
import { captureStream, type Step } from './replication-tap.js';

interface Case {
  name: string;
  steps: readonly Step[];
}

const FAR = '4102444800'; // 2100-01-01, seconds

const cases: Case[] = [
  // ---- strings -----------------------------------------------------------------------------
  {
    name: 'SET, MSET, APPEND, INCR family, SETRANGE',
    steps: [
      ['set', 'a', '1'],
      ['mset', 'b', '2', 'c', '3'],
      ['append', 'a', 'x'],
      ['incr', 'n'],
      ['incrby', 'n', '5'],
      ['decr', 'n'],
      ['setrange', 'a', '3', 'yy'],
      ['msetnx', 'b', '1', 'z', '2'],
      ['setnx', 'sn', 'v'],
      ['setnx', 'sn', 'w'],
    ],
  },
  {
    name: 'SET with expiry is SET PXAT; GET is dropped',
    steps: [
      ['set', 'a', '1', 'EX', '100'],
      ['set', 'b', '1', 'px', '5000', 'NX'],
      ['set', 'c', '1', 'EXAT', FAR],
      ['set', 'c', '2', 'GET'],
      ['set', 'c', '3', 'GET', 'XX'],
      ['set', 'a', '2', 'KEEPTTL'],
      ['setex', 'd', '10', 'v'],
      ['psetex', 'e', '10000', 'v'],
      ['set', 'f', 'v', 'PXAT', '4102444800000', 'GET'],
    ],
  },
  {
    name: 'GETEX, GETDEL, GETSET, INCRBYFLOAT',
    steps: [
      ['set', 'a', '10'],
      ['getex', 'a', 'EX', '100'],
      ['getex', 'a', 'PERSIST'],
      ['getex', 'a', 'PERSIST'],
      ['getex', 'a'],
      ['getex', 'a', 'PXAT', '1'],
      ['set', 'b', '1'],
      ['getdel', 'b'],
      ['getdel', 'b'],
      ['getset', 'c', 'v'],
      ['incrbyfloat', 'f', '1.5'],
      ['incrbyfloat', 'f', '1e2'],
      ['set', 'g', '1', 'EX', '100'],
      ['incrbyfloat', 'g', '0.1'],
    ],
  },
  // ---- keys / expire --------------------------------------------------------------------------
  {
    name: 'EXPIRE family is PEXPIREAT; past deadlines are DEL',
    steps: [
      ['set', 'a', '1'],
      ['expire', 'a', '100'],
      ['pexpire', 'a', '200000', 'GT'],
      ['expireat', 'a', FAR],
      ['pexpireat', 'a', '4102444800123'],
      ['expire', 'a', '50', 'NX'],
      ['expire', 'missing', '10'],
      ['persist', 'a'],
      ['persist', 'a'],
      ['set', 'b', '1'],
      ['expire', 'b', '-1'],
      ['set', 'c', '1'],
      ['expireat', 'c', '1'],
    ],
  },
  {
    name: 'DEL, UNLINK, RENAME, COPY, MOVE, SWAPDB, TOUCH',
    steps: [
      ['set', 'a', '1'],
      ['set', 'b', '2'],
      ['del', 'a', 'zz'],
      ['unlink', 'b'],
      ['set', 'x', '1'],
      ['rename', 'x', 'y'],
      ['renamenx', 'y', 'z'],
      ['copy', 'z', 'w'],
      ['move', 'w', '3'],
      ['touch', 'z'],
      ['del', 'nothing'],
    ],
  },
  {
    name: 'lazyfree-lazy-user-del makes GETDEL an UNLINK',
    steps: [
      ['config', 'set', 'lazyfree-lazy-user-del', 'yes'],
      ['set', 'a', '1'],
      ['getdel', 'a'],
      ['config', 'set', 'lazyfree-lazy-user-del', 'no'],
    ],
  },
  // ---- expiry on the clock --------------------------------------------------------------------
  {
    name: 'active expiry propagates DEL',
    steps: [['set', 'a', '1', 'PX', '100'], ['set', 'b', '1'], { sleep: 300 }, ['get', 'a'], ['set', 'b', '2']],
  },
  {
    name: 'lazyfree-lazy-expire makes expiry an UNLINK',
    steps: [
      ['config', 'set', 'lazyfree-lazy-expire', 'yes'],
      ['set', 'a', '1', 'PX', '100'],
      { sleep: 300 },
      ['get', 'a'],
      ['config', 'set', 'lazyfree-lazy-expire', 'no'],
      ['set', 'c', '1'],
      ['expire', 'c', '-5'],
    ],
  },
  // ---- lists ----------------------------------------------------------------------------------
  {
    name: 'list writes and pops',
    steps: [
      ['rpush', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['lpush', 'l', 'z'],
      ['lpop', 'l'],
      ['rpop', 'l', '2'],
      ['lset', 'l', '0', 'A'],
      ['linsert', 'l', 'BEFORE', 'A', 'q'],
      ['lrem', 'l', '0', 'q'],
      ['ltrim', 'l', '0', '10'],
      ['lmove', 'l', 'm', 'LEFT', 'right'],
      ['rpoplpush', 'l', 'm'],
      ['lmpop', '2', 'nope', 'l', 'LEFT', 'COUNT', '5'],
      ['lpushx', 'nope', 'a'],
      ['rpushx', 'm', 'x'],
    ],
  },
  {
    name: 'blocking pops served at once',
    steps: [
      ['rpush', 'l', 'a', 'b', 'c', 'd'],
      ['blpop', 'nope', 'l', '1'],
      ['brpop', 'l', '1'],
      ['blmove', 'l', 'm', 'RIGHT', 'LEFT', '1'],
      ['brpoplpush', 'm', 'l', '1'],
      ['blmpop', '1', '2', 'x', 'l', 'RIGHT', 'COUNT', '10'],
    ],
  },
  {
    name: 'blocking pops served later',
    steps: [
      { cmd: ['blpop', 'l', '0'], on: 1, noReply: true },
      { cmd: ['blmove', 'src', 'dst', 'LEFT', 'RIGHT', '0'], on: 2, noReply: true },
      { cmd: ['blmpop', '0', '1', 'm', 'RIGHT', 'COUNT', '3'], on: 3, noReply: true },
      { cmd: ['brpoplpush', 's2', 'd2', '0'], on: 4, noReply: true },
      { blocked: 4 },
      ['rpush', 'l', 'a', 'b'],
      ['rpush', 'src', 'x'],
      ['rpush', 'm', '1', '2'],
      ['rpush', 's2', 'y'],
    ],
  },
  {
    name: 'MULTI pushing to a blocked client',
    steps: [
      { cmd: ['brpop', 'l', '0'], on: 1, noReply: true },
      { blocked: 1 },
      ['multi'],
      ['rpush', 'l', 'a'],
      ['set', 'k', 'v'],
      ['exec'],
    ],
  },
  // ---- hashes ---------------------------------------------------------------------------------
  {
    name: 'hash writes; HINCRBYFLOAT is HSET',
    steps: [
      ['hset', 'h', 'a', '1', 'b', '2'],
      ['hsetnx', 'h', 'a', '9'],
      ['hsetnx', 'h', 'c', '3'],
      ['hincrby', 'h', 'a', '5'],
      ['hincrbyfloat', 'h', 'b', '0.5'],
      ['hincrbyfloat', 'h', 'new', '3e1'],
      ['hdel', 'h', 'a', 'zz'],
      ['hmset', 'h', 'x', 'y'],
    ],
  },
  // ---- sets -----------------------------------------------------------------------------------
  {
    name: 'set writes; SPOP is SREM or DEL',
    steps: [
      ['sadd', 's', 'a'],
      ['sadd', 's', 'a'],
      ['spop', 's'],
      ['sadd', 't', '1', '2', '3'],
      ['spop', 't', '3'],
      ['sadd', 'u', 'x', 'y'],
      ['spop', 'u', '10'],
      ['spop', 'u', '0'],
      ['sadd', 'v', 'a', 'b', 'c'],
      ['srem', 'v', 'a'],
      ['smove', 'v', 'w', 'b'],
      ['sinterstore', 'd', 'v', 'w'],
      ['sunionstore', 'd', 'v', 'w'],
      ['sdiffstore', 'd', 'v', 'w'],
    ],
  },
  // ---- sorted sets ----------------------------------------------------------------------------
  {
    name: 'zset writes and pops',
    steps: [
      ['zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['zincrby', 'z', '1.5', 'a'],
      ['zrem', 'z', 'nope'],
      ['zpopmin', 'z'],
      ['zpopmax', 'z', '1'],
      ['zmpop', '2', 'x', 'z', 'MIN', 'COUNT', '10'],
      ['zadd', 'y', '1', 'a', '2', 'b', '3', 'c'],
      ['bzpopmin', 'y', '1'],
      ['bzmpop', '1', '1', 'y', 'MAX', 'COUNT', '5'],
      ['zadd', 'w', '1', 'a', '2', 'b'],
      ['zunionstore', 'u', '1', 'w'],
      ['zrangestore', 'r', 'w', '0', '0'],
      ['zremrangebyrank', 'w', '0', '0'],
    ],
  },
  {
    name: 'blocked zset pops served later',
    steps: [
      { cmd: ['bzpopmax', 'z', '0'], on: 1, noReply: true },
      { cmd: ['bzmpop', '0', '1', 'z2', 'MIN', 'COUNT', '2'], on: 2, noReply: true },
      { blocked: 2 },
      ['zadd', 'z', '1', 'a', '2', 'b'],
      ['zadd', 'z2', '1', 'a', '2', 'b', '3', 'c'],
    ],
  },
  // ---- streams --------------------------------------------------------------------------------
  {
    name: 'stream writes and trimming',
    steps: [
      ['xadd', 's', '1-1', 'f', 'v'],
      ['xadd', 's', '1-*', 'f', 'v'],
      ['xadd', 's', '*', 'f', 'v'],
      ['xadd', 's', 'MAXLEN', '=', '5', '2-1', 'f', 'v'],
      ['xadd', 's', 'MAXLEN', '~', '1', '2-2', 'f', 'v'],
      ['xtrim', 's', 'MAXLEN', '~', '1'],
      ['xtrim', 's', 'MINID', '~', '2-0'],
      ['xtrim', 's', 'MAXLEN', '2'],
      ['xdel', 's', '2-1', '9-9'],
      ['xsetid', 's', '99-0'],
    ],
  },
  {
    name: 'consumer groups: XREADGROUP and XCLAIM are replicated as XCLAIM / XGROUP SETID',
    steps: [
      ['xadd', 's', '1-1', 'a', '1'],
      ['xadd', 's', '1-2', 'b', '2'],
      ['xadd', 's', '1-3', 'c', '3'],
      ['xgroup', 'create', 's', 'g', '0'],
      ['xgroup', 'createconsumer', 's', 'g', 'alice'],
      ['xreadgroup', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['xreadgroup', 'GROUP', 'g', 'bob', 'NOACK', 'STREAMS', 's', '>'],
      ['xreadgroup', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['xclaim', 's', 'g', 'carol', '0', '1-1', '1-2', 'JUSTID', 'TIME', '4102444800000', 'RETRYCOUNT', '7'],
      ['xdel', 's', '1-1'],
      ['xclaim', 's', 'g', 'carol', '0', '1-1'],
      ['xautoclaim', 's', 'g', 'dave', '0', '0', 'COUNT', '5', 'JUSTID'],
      ['xack', 's', 'g', '1-2'],
      ['xclaim', 's', 'g', 'carol', '0', '9-9', 'LASTID', '5-0'],
      ['xgroup', 'setid', 's', 'g', '0'],
      ['xgroup', 'delconsumer', 's', 'g', 'bob'],
      ['xgroup', 'destroy', 's', 'g'],
    ],
  },
  // ---- scripts, functions, transactions -------------------------------------------------------
  {
    name: 'scripts are replicated by effects, wrapped in MULTI/EXEC',
    steps: [
      ['eval', "redis.call('set', KEYS[1], 'v'); redis.call('incr', 'n')", '1', 'k'],
      ['eval', "redis.call('set', KEYS[1], 'w')", '1', 'k'],
      ['eval', "return redis.call('get', KEYS[1])", '1', 'k'],
      ['eval', "redis.call('select', 5); redis.call('set', 'in5', '1'); redis.call('expire', 'in5', 100)", '0'],
      ['eval', "redis.call('spop', 'nope'); return redis.call('del', 'k')", '0'],
      ['set', 'after', '1'],
    ],
  },
  {
    name: 'functions',
    steps: [
      [
        'function',
        'load',
        "#!lua name=lib\nredis.register_function('f', function(k) redis.call('set', k[1], '1'); redis.call('set', k[1] .. 'x', '2') end)",
      ],
      ['fcall', 'f', '1', 'fk'],
      ['function', 'delete', 'lib'],
    ],
  },
  {
    name: 'MULTI/EXEC: one write unwrapped, several wrapped, SELECT inside',
    steps: [
      ['multi'],
      ['set', 'a', '1'],
      ['get', 'a'],
      ['exec'],
      ['multi'],
      ['set', 'a', '2'],
      ['select', '3'],
      ['set', 'b', '1'],
      ['exec'],
      ['set', 'c', '1'],
      ['select', '0'],
      ['multi'],
      ['get', 'a'],
      ['exec'],
      ['multi'],
      ['incr', 'a'],
      ['incr', 'a'],
      ['discard'],
      ['set', 'after', '1'],
    ],
  },
  {
    name: 'SELECT between databases, FLUSHDB and FLUSHALL',
    steps: [
      ['select', '1'],
      ['set', 'a', '1'],
      ['select', '2'],
      ['flushdb'],
      ['select', '1'],
      ['set', 'b', '1'],
      ['flushall'],
      ['flushall', 'ASYNC'],
      ['select', '0'],
      ['publish', 'ch', 'msg'],
    ],
  },
];

const targets = useTargets();
let sim: RedisSim;
let simCtl: RawClient;

describe.runIf(haveRealRedis)('compat: replication stream equals Redis 7.0', () => {
  beforeAll(async () => {
    // A manual clock: expiry steps move it instead of sleeping.
    sim = await RedisSim.start({ port: 0, clock: 'manual' });
    simCtl = await RawClient.connect(sim.port);
    // A diskless full sync on the real server, at once (no RDB file is written).
    const ctl = await RawClient.connect(targets().real.port);
    await ctl.call('CONFIG', 'SET', 'repl-diskless-sync', 'yes');
    await ctl.call('CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    ctl.close();
  });
  afterAll(async () => {
    simCtl?.close();
    await sim?.stop();
  });
  for (const cs of cases) {
    it(cs.name, async () => {
      // Redis's active expiry runs 10 times a second: sleep past the deadline and a cycle.
      const want = await captureStream(targets().real.port, cs.steps, (ms) => new Promise((r) => setTimeout(r, ms + 150)));
      const got = await captureStream(sim.port, cs.steps, async (ms) => {
        await simCtl.call('SIM', 'CLOCK', 'ADVANCE', String(ms));
      });
      expect(got.map((a) => a.join(' ')).join('\n')).toBe(want.map((a) => a.join(' ')).join('\n'));
      expect(got.map(encodeCommand).join('')).toBe(want.map(encodeCommand).join(''));
    });
  }
});
