/**
 * Cache-aside (src/patterns/cache.ts) on redis-sim and on a real redis-server: get-or-load with
 * TTL and jitter, invalidation, and the failures the pattern exists to survive: stampede,
 * penetration, a missed invalidation, Redis down.
 */
import { describe, expect } from 'vitest';
import { CacheAside, type CacheOptions, type PatternClient } from '../../src/patterns/index.js';
import { Source } from './source.js';
import { type Ctx, scenario } from './target.js';

interface Product {
  id: string;
  name: string;
}

const TTL = 400;
const JITTER = 0.1;
const MAX_TTL = Math.ceil(TTL * (1 + JITTER));

function cacheOf(t: Ctx, client: PatternClient, source: Source<Product>, opts: CacheOptions<Product> = {}) {
  return new CacheAside<Product>(client, source.load, { ttlMs: TTL, jitter: JITTER, negativeTtlMs: 1000, runtime: t.runtime, ...opts });
}

describe('cache-aside', () => {
  scenario('get-or-load: a miss loads and caches with TTL + jitter, a hit does not load', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ 99: { id: '99', name: 'Lamp' } });
    const cache = cacheOf(t, redis, source);
    expect(await cache.get('99')).toEqual({ id: '99', name: 'Lamp' });
    expect(await cache.get('99')).toEqual({ id: '99', name: 'Lamp' });
    expect(source.lookups).toBe(1);
    const pttl = await redis.pttl('cache:99');
    // Exact on the virtual clock; on a real server some ms of the TTL have passed already.
    expect(pttl).toBeGreaterThanOrEqual(t.isSim ? TTL : 1);
    expect(pttl).toBeLessThanOrEqual(MAX_TTL);
    // The jitter spreads TTLs of keys filled at the same moment.
    for (let i = 0; i < 20; i++) source.rows.set(`k${i}`, { id: `k${i}`, name: 'x' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => cache.get(`k${i}`)));
    const ttls = await Promise.all(Array.from({ length: 20 }, (_, i) => redis.pttl(`cache:k${i}`)));
    expect(new Set(ttls.map((x) => Math.round(x / 5))).size).toBeGreaterThan(3);
    for (const x of ttls) expect(x).toBeLessThanOrEqual(MAX_TTL);
  });

  scenario('the node-redis adapter runs the same get-or-load', async (t) => {
    const node = await t.node();
    const redis = await t.nodeRedisClient(node);
    const source = new Source({ 1: { id: '1', name: 'Desk' } });
    const cache = cacheOf(t, redis, source);
    expect(await cache.get('1')).toEqual({ id: '1', name: 'Desk' });
    expect(await cache.get('1')).toEqual({ id: '1', name: 'Desk' });
    expect(await cache.get('2')).toBeUndefined();
    expect(source.lookups).toBe(2);
  });

  scenario('invalidation by DEL on write: the next read loads the new row', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ 7: { id: '7', name: 'old' } });
    const cache = cacheOf(t, redis, source);
    expect((await cache.get('7'))?.name).toBe('old');
    await cache.update('7', async () => source.rows.set('7', { id: '7', name: 'new' }));
    expect(await redis.get('cache:7')).toBeNull();
    expect((await cache.get('7'))?.name).toBe('new');
    expect(source.lookups).toBe(2);
  });

  scenario('stampede: 100 concurrent misses on an expired hot key make exactly one load', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    // The database takes 50 ms per query.
    const source = new Source({ hot: { id: 'hot', name: 'v1' } }, () => t.runtime.sleep(50));
    const cache = cacheOf(t, redis, source);
    await cache.get('hot');
    await t.advance(MAX_TTL + 1);
    expect(await redis.get('cache:hot')).toBeNull();

    // Without protection every concurrent miss goes to the database.
    const naive = async (id: string) => (await redis.get(`naive:${id}`)) ?? (await source.load(id));
    const before = source.lookups;
    await Promise.all(Array.from({ length: 100 }, () => naive('hot')));
    if (t.isSim) expect(source.lookups - before).toBe(100);
    else expect(source.lookups - before).toBeGreaterThan(1);

    // With the rebuild lock: one load, 99 readers served the value it cached.
    source.lookups = 0;
    source.rows.set('hot', { id: 'hot', name: 'v2' });
    const got = await Promise.all(Array.from({ length: 100 }, () => cache.get('hot')));
    expect(source.lookups).toBe(1);
    for (const g of got) expect(g).toEqual({ id: 'hot', name: 'v2' });
  });

  scenario('penetration: a missing id queried 1000 times costs one lookup per negative-TTL window', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source<Product>();
    const NEG = 1000;
    // 1000 queries: 500 in each of two negative-TTL windows.
    const burst = async () => {
      for (let i = 0; i < 5; i++) {
        const got = await Promise.all(Array.from({ length: 100 }, () => cache.get('ghost')));
        for (const g of got) expect(g).toBeUndefined();
      }
    };
    const cache = cacheOf(t, redis, source, { negativeTtlMs: NEG });
    await burst();
    expect(source.lookups).toBe(1);
    expect(await redis.pttl('cache:ghost')).toBeLessThanOrEqual(NEG);
    await t.advance(NEG + 1);
    await burst();
    expect(source.lookups).toBe(2);

    // Without negative caching, every query reaches the source.
    const unprotected = cacheOf(t, redis, source, { negativeTtlMs: 0, prefix: 'nocache:' });
    source.lookups = 0;
    for (let i = 0; i < 50; i++) await unprotected.get('ghost');
    expect(source.lookups).toBe(50);
  });

  scenario('a missed invalidation serves stale data for at most the TTL', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ 5: { id: '5', name: 'v1' } });
    const cache = cacheOf(t, redis, source);
    expect((await cache.get('5'))?.name).toBe('v1');
    // A writer updates the row and forgets to invalidate.
    source.rows.set('5', { id: '5', name: 'v2' });
    expect((await cache.get('5'))?.name).toBe('v1');
    await t.advance(MAX_TTL + 1);
    expect((await cache.get('5'))?.name).toBe('v2');
  });

  scenario('Redis down: reads are served from the source, caching resumes when it is back', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ 3: { id: '3', name: 'Chair' } });
    const errors: unknown[] = [];
    const cache = cacheOf(t, redis, source, { onRedisError: (e) => errors.push(e), redisTimeoutMs: 500 });
    expect((await cache.get('3'))?.name).toBe('Chair');
    expect(source.lookups).toBe(1);

    await node.kill();
    for (let i = 0; i < 3; i++) expect((await cache.get('3'))?.name).toBe('Chair');
    expect(source.lookups).toBe(4);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    await cache.invalidate('3'); // absorbed too

    await node.restartEmpty();
    await t.ready(redis);
    expect((await cache.get('3'))?.name).toBe('Chair');
    expect((await cache.get('3'))?.name).toBe('Chair');
    expect(source.lookups).toBe(5);
  });

  scenario('early recomputation: near expiry one reader reloads, the others keep the cached value', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ e: { id: 'e', name: 'v1' } });
    // Longer than the other TTLs here, so that a real server's timing has room on both sides.
    const ttl = 1000;
    const cache = cacheOf(t, redis, source, { ttlMs: ttl, jitter: 0, refreshAheadMs: 400 });
    await cache.get('e');
    source.rows.set('e', { id: 'e', name: 'v2' });
    await t.advance(300);
    expect((await cache.get('e'))?.name).toBe('v1'); // 700 ms left: not yet
    expect(source.lookups).toBe(1);
    await t.advance(500); // 200 ms left
    const got = await Promise.all(Array.from({ length: 10 }, () => cache.get('e')));
    expect(source.lookups).toBe(2);
    for (const g of got) expect(g?.name).toBe('v1');
    // The entry never expired: the next readers get the reloaded row with a fresh TTL.
    expect((await cache.get('e'))?.name).toBe('v2');
    expect(await redis.pttl('cache:e')).toBeGreaterThan(ttl - 200);
  });

  scenario('the rebuild lock holder dies: waiters read the source after lockWaitMs', async (t) => {
    const node = await t.node();
    const redis = await t.client(node);
    const source = new Source({ d: { id: 'd', name: 'v' } });
    // Another process took the rebuild lock and crashed before filling the cache.
    await redis.set('cache:d:lock', 'dead-process', { px: 5000 });
    const cache = cacheOf(t, redis, source, { lockWaitMs: 200, lockPollMs: 20 });
    expect((await cache.get('d'))?.name).toBe('v');
    expect(source.lookups).toBe(1);
    expect(await redis.get('cache:d')).toBeNull();
  });
});
