/**
 * Client-side caching on redis-sim with real clients: node-redis's client-side cache sees another
 * client's write, a flush and an expiry on the virtual clock; tracking-table-max-keys and the INFO
 * counters; eviction under maxmemory invalidates too.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { ioredis, onCleanup, RawClient, startSim } from './helpers.js';

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)?.[1]?.trim();
}

async function cachingClient(port: number) {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100 } });
  client.on('error', () => {});
  await client.connect();
  onCleanup(() => client.close());
  const cache = client.clientSideCache;
  if (!cache) throw new Error('no client-side cache');
  const invalidations: (string | null)[] = [];
  let notify: (() => void) | undefined;
  cache.on('invalidate', (key: Buffer | string | null) => {
    invalidations.push(key === null ? null : key.toString());
    notify?.();
  });
  const nextInvalidation = (): Promise<void> =>
    new Promise((resolve) => {
      notify = resolve;
    });
  return { client, cache, invalidations, nextInvalidation };
}

describe('client-side caching', () => {
  it("node-redis's cache serves a repeated GET locally and drops it after another client's write", async () => {
    const sim = await startSim();
    const writer = ioredis(sim);
    await writer.set('user:1', 'alice');
    const { client, cache, invalidations, nextInvalidation } = await cachingClient(sim.port);
    expect(await client.get('user:1')).toBe('alice');
    expect(await client.get('user:1')).toBe('alice');
    expect(cache.stats().hitCount).toBe(1);
    // The server saw one GET only: the second came from the cache.
    expect(infoField(await writer.info('commandstats'), 'cmdstat_get')).toMatch(/^calls=1,/);
    expect(infoField(await writer.info('clients'), 'tracking_clients')).toBe('1');
    expect(infoField(await writer.info('stats'), 'tracking_total_keys')).toBe('1');

    const invalidated = nextInvalidation();
    await writer.set('user:1', 'bob');
    await invalidated;
    expect(invalidations).toEqual(['user:1']);
    expect(await client.get('user:1')).toBe('bob');
    expect(infoField(await writer.info('commandstats'), 'cmdstat_get')).toMatch(/^calls=2,/);

    const flushed = nextInvalidation();
    await writer.flushall();
    await flushed;
    expect(invalidations).toEqual(['user:1', null]);
    expect(await client.get('user:1')).toBeNull();
  });

  it('a cached key that expires on the virtual clock is invalidated', async () => {
    const sim = await startSim();
    const writer = ioredis(sim);
    await writer.set('session', 'x', 'PX', 1000);
    const { client, invalidations, nextInvalidation } = await cachingClient(sim.port);
    expect(await client.get('session')).toBe('x');
    const invalidated = nextInvalidation();
    sim.clock.advance(999);
    await writer.ping();
    expect(invalidations).toEqual([]);
    sim.clock.advance(2);
    await invalidated;
    expect(invalidations).toEqual(['session']);
    expect(await client.get('session')).toBeNull();
  });

  it('tracking-table-max-keys invalidates keys beyond the limit; INFO counts keys, items and prefixes', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    await admin.config('SET', 'tracking-table-max-keys', '2');
    const a = await RawClient.connectResp(sim.port, 3);
    const b = await RawClient.connectResp(sim.port, 3);
    onCleanup(() => {
      a.close();
      b.close();
    });
    expect(await a.call('CLIENT', 'TRACKING', 'on')).toBe('+OK\r\n');
    expect(await b.call('CLIENT', 'TRACKING', 'on')).toBe('+OK\r\n');
    await a.call('MGET', 'k1', 'k2');
    await b.call('GET', 'k1');
    let stats = await admin.info('stats');
    expect(infoField(stats, 'tracking_total_keys')).toBe('2');
    expect(infoField(stats, 'tracking_total_items')).toBe('3');
    // A third key: one random key is dropped and its holders are told.
    a.write('*2\r\n$3\r\nGET\r\n$2\r\nk3\r\n');
    const out = await a.read(2);
    expect(out.startsWith('_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk')).toBe(true);
    stats = await admin.info('stats');
    expect(infoField(stats, 'tracking_total_keys')).toBe('2');

    const c = await RawClient.connectResp(sim.port, 3);
    onCleanup(() => c.close());
    await c.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'y');
    expect(infoField(await admin.info('stats'), 'tracking_total_prefixes')).toBe('2');
    expect(infoField(await admin.info('clients'), 'tracking_clients')).toBe('3');
    c.close();
    // The server forgets the prefixes when it sees the hang-up.
    let prefixes: string | undefined;
    for (let i = 0; i < 100 && prefixes !== '0'; i++) prefixes = infoField(await admin.info('stats'), 'tracking_total_prefixes');
    expect(prefixes).toBe('0');
  });

  it('a tracked key evicted under maxmemory is invalidated', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    const reader = await RawClient.connectResp(sim.port, 3);
    onCleanup(() => reader.close());
    for (let i = 0; i < 50; i++) await admin.set(`big:${i}`, 'v'.repeat(10000));
    await reader.call('CLIENT', 'TRACKING', 'on');
    for (let i = 0; i < 50; i++) await reader.call('GET', `big:${i}`);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-random');
    await admin.config('SET', 'maxmemory', '1');
    await admin.set('trigger', 'x').catch(() => {});
    const push = await reader.read(1);
    expect(push).toMatch(/^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$\d+\r\nbig:\d+\r\n$/);
  });
});
