import { describe, expect, it } from 'vitest';
import { MEMORY_BASELINE } from '../src/engine/eviction.js';
import { ioredis, keyEvents, raw, startSim } from './helpers.js';

const T0 = 1_700_000_000_000;
const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
/**
 * Estimated size of a key of 2 bytes holding a 1-byte string: 128 bytes of per-key overhead, and
 * a V8 string each for the key and the value (16-byte header + characters rounded up to 8).
 */
const SMALL = 128 + 24 + 24;

describe('memory estimate', () => {
  it('counts baseline + per-key sizes once maxmemory is set, and follows writes and deletes', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k1', 'v');
    await r.set('k2', 'v');
    // A plain string's size is exact and free, so it is always counted; collections are only
    // measured once there is a limit.
    await r.rpush('l0', 'a');
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + 2 * SMALL);
    await r.del('l0');
    await r.config('SET', 'maxmemory', '100mb');
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + 2 * SMALL);
    await r.append('k1', 'xyzxyzxy'); // 9 characters: one more 8-byte word
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + 2 * SMALL + 8);
    await r.expire('k2', 100); // a deadline: its expires entry
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + 2 * SMALL + 8 + 124);
    await r.persist('k2');
    await r.rpush('l1', 'aaaa', 'bbbb', 'cccc');
    const withList = sim.node.eviction.used();
    expect(withList).toBeGreaterThan(MEMORY_BASELINE + 2 * SMALL + 8 + 3 * 4);
    await r.del('l1', 'k1');
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + SMALL);
    await r.select(1);
    await r.set('k3', 'v');
    await r.move('k3', 0);
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE + 2 * SMALL);
    await r.flushall();
    expect(sim.node.eviction.used()).toBe(MEMORY_BASELINE);
  });
});

describe('maxmemory-policy noeviction', () => {
  it('refuses denyoom commands with the OOM error, lets reads and deletes run', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('SET', 'a', '1')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
    expect(await c.call('SET', 'b', '2')).toBe(OOM);
    expect(await c.call('GET', 'a')).toBe('$1\r\n1\r\n');
    expect(await c.call('DEL', 'a')).toBe(':1\r\n');
    expect(await c.call('EXISTS', 'a')).toBe(':0\r\n');
    const stats = await c.call('INFO', 'errorstats');
    expect(stats).toContain('errorstat_OOM:count=1');
    expect(await c.call('INFO', 'stats')).toContain('evicted_keys:0\r\n');
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '0')).toBe('+OK\r\n');
    expect(await c.call('SET', 'b', '2')).toBe('+OK\r\n');
  });

  it('inside MULTI every queued command is refused and EXEC aborts; DISCARD still runs', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'maxmemory', '1');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('GET', 'a')).toBe(OOM);
    expect(await c.call('SET', 'c', '1')).toBe(OOM);
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe(OOM);
    expect(await c.call('DISCARD')).toBe('+OK\r\n');
  });

  it('EXEC of a transaction holding a denyoom command is aborted when over the limit', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('MULTI');
    expect(await a.call('SET', 'x', '1')).toBe('+QUEUED\r\n');
    await b.call('CONFIG', 'SET', 'maxmemory', '1');
    expect(await a.call('EXEC')).toBe(
      "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n",
    );
    // A transaction of reads is not refused at EXEC.
    await b.call('CONFIG', 'SET', 'maxmemory', '0');
    await a.call('MULTI');
    expect(await a.call('GET', 'x')).toBe('+QUEUED\r\n');
    await b.call('CONFIG', 'SET', 'maxmemory', '1');
    expect(await a.call('EXEC')).toBe('*1\r\n$-1\r\n');
  });

  it('the OOM check comes before the RESP2 subscribed-context check', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'maxmemory', '1');
    await c.call('SUBSCRIBE', 'ch');
    expect(await c.call('SET', 'a', '1')).toBe(OOM);
  });
});

describe('eviction', () => {
  it('allkeys-lru evicts the least recently used key first (manual clock)', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.set('k1', 'v');
    sim.clock.advance(1000);
    await r.set('k2', 'v');
    sim.clock.advance(1000);
    await r.set('k3', 'v');
    sim.clock.advance(1000);
    await r.get('k1'); // k1 is now the most recently used
    // Room for exactly three such keys.
    await r.config('SET', 'maxmemory', String(MEMORY_BASELINE + 3 * SMALL));
    expect(await r.dbsize()).toBe(3);
    sim.clock.advance(1000);
    await r.set('k4', 'v'); // runs (under the limit before it), then the estimate is over
    expect(await r.info('stats')).toContain('evicted_keys:1\r\n'); // INFO itself evicted k2
    expect((await r.keys('*')).sort()).toEqual(['k1', 'k3', 'k4']);
    await r.set('k5', 'v');
    await r.ping();
    expect((await r.keys('*')).sort()).toEqual(['k1', 'k4', 'k5']);
  });

  it("docs/eviction.md's example: the next command after going over the limit evicts the oldest key", async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.set('old', 'v');
    sim.clock.advance(1000);
    await r.set('new', 'v');
    await r.config('SET', 'maxmemory', String(1024 + 2 * 176));
    await r.set('k3', 'v');
    expect(await r.exists('old')).toBe(0); // EXISTS ran after the eviction
    expect(await r.exists('new', 'k3')).toBe(2);
  });

  it('allkeys-lfu evicts the least frequently used key', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    for (const k of ['k1', 'k2', 'k3']) await r.set(k, 'v');
    await r.get('k1');
    await r.get('k1');
    await r.get('k3');
    await r.config('SET', 'maxmemory', String(MEMORY_BASELINE + 2 * SMALL));
    expect((await r.keys('*')).sort()).toEqual(['k1', 'k3']);
  });

  it('volatile-ttl evicts the nearest deadline, never a key without one; then OOM', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = await raw(sim);
    await r.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl');
    await r.call('SET', 'p1', 'v');
    await r.call('SET', 't1', 'v', 'PX', '5000');
    await r.call('SET', 't2', 'v', 'PX', '3000');
    // Room for p1 and one key with a deadline (its expires entry: 124 bytes more).
    await r.call('CONFIG', 'SET', 'maxmemory', String(MEMORY_BASELINE + 2 * SMALL + 124));
    expect(await r.call('EXISTS', 't2')).toBe(':0\r\n');
    expect(await r.call('EXISTS', 'p1', 't1')).toBe(':2\r\n');
    await r.call('CONFIG', 'SET', 'maxmemory', String(MEMORY_BASELINE + SMALL));
    expect(await r.call('EXISTS', 'p1', 't1')).toBe(':1\r\n');
    await r.call('CONFIG', 'SET', 'maxmemory', '1');
    expect(await r.call('SET', 'x', 'v')).toBe(OOM); // only p1 left, it has no deadline
    expect(await r.call('EXISTS', 'p1')).toBe(':1\r\n');
  });

  it('allkeys-random evicts in SCAN order, across databases, lowest first', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-random');
    await r.select(1);
    await r.set('d1', 'v');
    await r.select(0);
    for (const k of ['k1', 'k2', 'k3']) await r.set(k, 'v');
    await r.config('SET', 'maxmemory', String(MEMORY_BASELINE + 2 * SMALL));
    expect((await r.keys('*')).sort()).toEqual(['k3']);
    await r.select(1);
    expect(await r.dbsize()).toBe(1);
  });

  it('fires "evicted", counts evicted_keys and invalidates WATCH (EXEC → nil)', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    const events = await keyEvents(sim, admin);
    const a = ioredis(sim);
    await a.set('k', 'v');
    await a.watch('k');
    const tx = a.multi();
    tx.ping();
    await admin.config('SET', 'maxmemory-policy', 'allkeys-random');
    await admin.config('SET', 'maxmemory', '1'); // evicts k at once, as Redis's CONFIG SET
    await admin.config('SET', 'maxmemory', '0');
    expect(await tx.exec()).toBeNull();
    expect(await events()).toContain('evicted k');
    expect(await admin.info('stats')).toContain('evicted_keys:1\r\n');
    expect(await admin.exists('k')).toBe(0);
  });

  it('the keyspace channel carries "evicted" too; a subscriber needs class e', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    await admin.config('SET', 'notify-keyspace-events', 'Ke');
    const sub = ioredis(sim);
    const seen: string[] = [];
    sub.on('message', (ch: string, msg: string) => seen.push(`${ch} ${msg}`));
    await sub.subscribe('__keyspace@0__:gone');
    await admin.set('gone', 'v');
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'maxmemory', '1');
    await sub.ping();
    expect(seen).toEqual(['__keyspace@0__:gone evicted']);
  });

  it('with no limit nothing is evicted however much is stored', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    for (let i = 0; i < 200; i++) await r.set(`k${i}`, 'x'.repeat(1000));
    expect(await r.dbsize()).toBe(200);
    expect(await r.info('stats')).toContain('evicted_keys:0\r\n');
  });
});
