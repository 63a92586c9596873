/**
 * Interop with a real redis-server 7.0, both directions:
 * - a real redis-server started with --replicaof a redis-sim node: full sync (redis-sim's RDB,
 *   src/rdb) and then the replication stream;
 * - a redis-sim node doing REPLICAOF a real redis-server: its handshake (PING, REPLCONF, PSYNC),
 *   the real RDB loaded, then the stream applied.
 * Waiting for the real server is real time (it replicates on its own schedule): polled briefly.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { haveRealRedis } from './harness.js';
import { spawnRedisServer } from './redis-server-process.mjs';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A real redis-server with extra arguments, in a scratch directory (its RDB files go there). */
async function realServer(extra: string[]): Promise<{ port: number; client: Redis }> {
  const real = await spawnRedisServer({ args: extra });
  cleanups.push(() => real.stop());
  const port = real.port;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
  client.on('error', () => {});
  cleanups.push(() => client.disconnect());
  await eventually(async () => {
    await client.connect().catch(() => {});
    return (await client.ping()) === 'PONG';
  });
  return { port, client };
}

/** Polls `cond` for up to 10 s of real time (a real server replicates on its own schedule). */
async function eventually(cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sim(): Promise<{ sim: RedisSim; client: Redis }> {
  const s = await RedisSim.start({ port: 0, clock: 'system' });
  cleanups.push(() => s.stop());
  const client = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  cleanups.push(() => client.disconnect());
  return { sim: s, client };
}

describe.runIf(haveRealRedis)('compat: replication interop with redis-server 7.0', () => {
  it('a real redis-server replicates redis-sim (--replicaof): full sync, then the stream', async () => {
    const { sim: primary, client: p } = await sim();
    await p.set('s', 'v');
    await p.set('ttl', 'v', 'EX', 1000);
    await p.rpush('l', 'a', 'b', 'c');
    await p.hset('h', 'f1', '1', 'f2', '2');
    await p.sadd('set', 'x', 'y');
    await p.zadd('z', 1, 'one', 2, 'two');
    await p.xadd('st', '1-1', 'f', 'v');
    await p.select(3);
    await p.set('in3', 'x');
    await p.select(0);
    const { client: r } = await realServer(['--replicaof', '127.0.0.1', String(primary.port)]);
    await eventually(async () => /master_link_status:up/.test(await r.info('replication')));
    expect(await r.get('s')).toBe('v');
    expect(await r.ttl('ttl')).toBeGreaterThan(990);
    expect(await r.lrange('l', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await r.hgetall('h')).toEqual({ f1: '1', f2: '2' });
    expect((await r.smembers('set')).sort()).toEqual(['x', 'y']);
    expect(await r.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['one', '1', 'two', '2']);
    expect(await r.xlen('st')).toBe(1);
    // Then the stream: rewritten commands, MULTI/EXEC, SELECT and expiry all apply on Redis.
    await p.incrbyfloat('f', '1.5');
    await p.multi().lpush('l', 'z').spop('set').exec();
    await p.select(3);
    await p.del('in3');
    await p.select(0);
    await p.set('gone', '1', 'PX', 50);
    await eval_(p);
    await p.set('last', 'done');
    await eventually(async () => (await r.get('last')) === 'done');
    expect(await r.get('f')).toBe('1.5');
    expect(await r.llen('l')).toBe(4);
    expect(await r.scard('set')).toBe(1);
    expect(await r.get('scripted')).toBe('yes');
    await eventually(async () => (await r.exists('gone')) === 0);
    const info = await p.info('replication');
    expect(info).toMatch(/connected_slaves:1/);
    expect(info).toMatch(/slave0:ip=127\.0\.0\.1,port=\d+,state=online/);
  });

  it('redis-sim replicates a real redis-server (REPLICAOF): the RDB, then the stream', async () => {
    const { port, client: m } = await realServer([]);
    await m.set('s', 'v');
    await m.rpush('l', 'a', 'b');
    await m.zadd('z', 1.5, 'm');
    await m.hset('h', 'f', 'v');
    await m.set('ttl', 'v', 'EX', 1000);
    const { sim: replica, client: r } = await sim();
    expect(await r.call('REPLICAOF', '127.0.0.1', String(port))).toBe('OK');
    await eventually(async () => /master_link_status:up/.test(await r.info('replication')));
    expect(await r.get('s')).toBe('v');
    expect(await r.lrange('l', 0, -1)).toEqual(['a', 'b']);
    expect(await r.zscore('z', 'm')).toBe('1.5');
    expect(await r.hget('h', 'f')).toBe('v');
    expect(await r.ttl('ttl')).toBeGreaterThan(990);
    await m.set('after', '1', 'EX', 100);
    await m.lpop('l');
    await m.multi().incr('n').incr('n').exec();
    await eval_(m);
    await m.set('last', 'done');
    await eventually(async () => (await r.get('last')) === 'done');
    expect(await r.get('after')).toBe('1');
    expect(await r.lrange('l', 0, -1)).toEqual(['b']);
    expect(await r.get('n')).toBe('2');
    expect(await r.get('scripted')).toBe('yes');
    await expect(r.set('x', '1')).rejects.toThrow("READONLY You can't write against a read only replica.");
    // The real primary sees redis-sim as an online replica that acknowledges its offset.
    await eventually(async () => {
      const info = await m.info('replication');
      const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
      return new RegExp(`slave0:ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=${offset},`).test(info);
    });
  });
});

/** INFO replication as [field, value shape] pairs: numbers, ids and addresses become their kind. */
function shape(info: string): string[] {
  return info
    .split('\r\n')
    .filter((l) => l.includes(':'))
    .map((l) => {
      const [k, v] = [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)];
      return `${k}:${v.replace(/[0-9a-f]{40}/, '<id>').replace(/\d+/g, 'N')}`;
    });
}

describe.runIf(haveRealRedis)('compat: INFO replication and ROLE shapes', () => {
  it('primary and replica report the same fields, in the same order, as Redis', async () => {
    const { port: mport, client: m } = await realServer([]);
    const { client: r } = await realServer(['--replicaof', '127.0.0.1', String(mport)]);
    await eventually(async () => /master_link_status:up/.test(await r.info('replication')));
    await m.set('k', 'v');
    await eventually(async () => (await r.get('k')) === 'v');
    const { sim: sp, client: p } = await sim();
    const { sim: sr, client: q } = await sim();
    sr.replicaOf(sp);
    await p.set('k', 'v');
    expect(shape(await p.info('replication'))).toEqual(shape(await m.info('replication')));
    expect(shape(await q.info('replication'))).toEqual(shape(await r.info('replication')));
    const roleShape = (x: unknown): unknown => (Array.isArray(x) ? x.map(roleShape) : typeof x);
    expect(roleShape(await p.role())).toEqual(roleShape(await m.role()));
    expect(roleShape(await q.role())).toEqual(roleShape(await r.role()));
  });
});

async function eval_(c: Redis): Promise<void> {
  await c.eval("redis.call('set', 'scripted', 'yes'); redis.call('incr', 'scount')", 0);
}
