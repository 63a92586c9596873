/**
 * The single-instance lock and fencing tokens (src/patterns/lock.ts, fencing.ts) on redis-sim and
 * on a real redis-server: SET NX PX with a token, Lua release and extend, retry with jitter, and
 * the ways a lock stops being exclusive: a holder paused past its TTL (fencing rejects it), a
 * GET+DEL release, a delayed SET, failover before replication.
 */
import { describe, expect } from 'vitest';
import {
  FencedLock,
  FencedResource,
  fencedSet,
  type Lease,
  type PatternClient,
  RedisLock,
  StaleTokenError,
} from '../../src/patterns/index.js';
import { scenario } from './target.js';

const TTL = 300;

/** The wrong way: read, compare, then delete; `between` runs in the window between the GET and the DEL. */
async function releaseWithGetDel(client: PatternClient, lease: Lease, between: () => Promise<void>): Promise<boolean> {
  if ((await client.get(lease.key)) !== lease.token) return false;
  await between();
  return (await client.del(lease.key)) === 1;
}

describe('lock', () => {
  scenario('SET NX PX with a token; Lua release and extend act only for the holder', async (t) => {
    const node = await t.node();
    const a = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const b = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const redis = await t.client(node);
    const la = await a.tryAcquire('reindex');
    expect(la).not.toBeNull();
    expect(await b.tryAcquire('reindex')).toBeNull();
    expect(await redis.get('lock:reindex')).toBe(la!.token);
    expect(await a.extend(la!, 5000)).toBe(true);
    expect(await redis.pttl('lock:reindex')).toBeGreaterThan(TTL);
    expect(await a.release(la!)).toBe(true);
    const lb = await b.tryAcquire('reindex');
    expect(lb).not.toBeNull();
    // A's lease is stale: neither release nor extend touches B's lock.
    expect(await a.release(la!)).toBe(false);
    expect(await a.extend(la!, 5000)).toBe(false);
    expect(await redis.get('lock:reindex')).toBe(lb!.token);
    // EVALSHA falls back to EVAL when the script cache is empty (a restart, SCRIPT FLUSH).
    await redis.send('SCRIPT', 'FLUSH');
    expect(await b.release(lb!)).toBe(true);
  });

  scenario("acquire retries with jitter until a crashed holder's TTL frees the lock", async (t) => {
    const node = await t.node();
    const crashed = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const start = t.runtime.now();
    expect(await crashed.tryAcquire('cron')).not.toBeNull(); // and never releases
    const waits: number[] = [];
    const runtime = {
      ...t.runtime,
      sleep: (ms: number) => {
        waits.push(ms);
        return t.runtime.sleep(ms);
      },
    };
    const b = new RedisLock(await t.client(node), { ttlMs: TTL, retryCount: 20, retryDelayMs: 40, retryJitterMs: 40, runtime });
    const lease = await b.acquire('cron');
    expect(lease).not.toBeNull();
    expect(t.runtime.now() - start).toBeGreaterThanOrEqual(TTL);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(40);
    expect(new Set(waits).size).toBeGreaterThan(1); // jittered, not in lockstep
    // With too few retries it gives up.
    const c = new RedisLock(await t.client(node), { ttlMs: TTL, retryCount: 2, retryDelayMs: 10, retryJitterMs: 0, runtime: t.runtime });
    expect(await c.acquire('cron')).toBeNull();
  });

  scenario('a holder paused past the TTL: a second client acquires, fencing rejects the stale holder', async (t) => {
    const node = await t.node();
    const a = new FencedLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const b = new FencedLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const storage = new FencedResource<string>();
    const unguarded: string[] = [];

    const la = (await a.tryAcquire('invoice-42'))!;
    // A stops (GC pause, swapped out) past its TTL without knowing it...
    await t.advance(TTL + 1);
    // ...B acquires and writes.
    const lb = (await b.tryAcquire('invoice-42'))!;
    expect(lb).not.toBeNull();
    expect(lb.fence).toBeGreaterThan(la.fence);
    storage.write(lb.fence, 'from B');
    unguarded.push('from B');
    // A wakes up, still "holding" its lease, and writes.
    unguarded.push('from A');
    expect(() => storage.write(la.fence, 'from A')).toThrow(StaleTokenError);
    expect(storage.value).toBe('from B');
    expect(unguarded).toEqual(['from B', 'from A']); // without fencing, A's stale write wins
    // The same check as a conditional write in Redis.
    const redis = await t.client(node);
    expect(await fencedSet(redis, 'invoice:42', lb.fence, 'from B')).toBe(true);
    expect(await fencedSet(redis, 'invoice:42', la.fence, 'from A')).toBe(false);
    expect(await redis.send('HGET', 'invoice:42', 'value')).toBe('from B');
  });

  scenario("GET+DEL release deletes another client's lock in the window; the Lua release does not", async (t) => {
    const node = await t.node();
    const ca = await t.client(node);
    const a = new RedisLock(ca, { ttlMs: TTL, runtime: t.runtime });
    const b = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const c = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });

    // The window: between A's GET and A's DEL, A's lock expires and B takes it.
    let la = (await a.tryAcquire('job'))!;
    let lb: Lease | null = null;
    const window = async () => {
      await t.advance(TTL + 1);
      lb = await b.tryAcquire('job');
      expect(lb).not.toBeNull();
    };
    expect(await releaseWithGetDel(ca, la, window)).toBe(true);
    // A deleted B's lock: C acquires while B still believes it holds it.
    expect(await c.tryAcquire('job')).not.toBeNull();
    await ca.del('lock:job');

    // The same window with the compare-and-delete script: A's release finds B's token and does nothing.
    la = (await a.tryAcquire('job'))!;
    await window();
    expect(await a.release(la)).toBe(false);
    expect(await ca.get('lock:job')).toBe(lb!.token);
    expect(await c.tryAcquire('job')).toBeNull();
  });

  scenario('a SET delayed by a paused server takes the lock after the client gave up; the timeout releases it', async (t) => {
    const node = await t.node();
    const admin = await t.client(node);
    const a = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    const b = new RedisLock(await t.client(node), { ttlMs: TTL, acquireTimeoutMs: 50, runtime: t.runtime });
    const c = new RedisLock(await t.client(node), { ttlMs: TTL, runtime: t.runtime });
    expect(await a.tryAcquire('report')).not.toBeNull();
    // The server stops serving clients for 2 TTLs (CLIENT PAUSE ALL: as a long fork or a stall would).
    await admin.send('CLIENT', 'PAUSE', 2 * TTL, 'ALL');
    expect(await b.tryAcquire('report')).toBeNull(); // no reply within 50 ms
    await t.advance(2 * TTL + 1);
    // B's SET ran when the pause ended (A's key had expired) and B's release ran right after it.
    await t.ready(admin);
    expect(await admin.get('lock:report')).toBeNull();
    expect(await c.tryAcquire('report')).not.toBeNull();
  });

  scenario(
    'failover before replication: two clients hold one lock, WAIT shows the risk',
    async (t) => {
      const primary = await t.node();
      const replica = await t.node();
      replica.sim!.replicaOf(primary.sim!); // in-process link: full sync, then the stream
      const onPrimary = await t.client(primary);
      const onReplica = await t.client(replica);
      const a = new RedisLock(onPrimary, { ttlMs: 10_000, runtime: t.runtime });
      // While the stream flows, WAIT 1 counts the replica's acknowledgement of a lock write.
      const warm = (await a.tryAcquire('warm-up'))!;
      expect(await onPrimary.send('WAIT', 1, 0)).toBe(1);
      expect(await onReplica.get('lock:warm-up')).toBe(warm.token);
      // The stream is held from here on: the next lock write reaches no replica.
      primary.sim!.repl.hold();
      const la = (await a.tryAcquire('payout'))!;
      expect(la).not.toBeNull();
      // WAIT 1 100: no replica acknowledged the lock write within 100 ms, it answers 0.
      const acked = onPrimary.send('WAIT', 1, 100);
      await primary.sim!.waitForBlocked(1);
      await t.advance(100);
      expect(await acked).toBe(0);
      // Failover before the write was replicated: the promoted replica never saw A's lock.
      const lost = await replica.sim!.promote({ oldPrimary: primary.sim!, fate: 'split-brain' });
      expect(lost).toEqual([`SET lock:payout ${la.token} PXAT ${t.runtime.now() - 100 + 10_000}`]); // acknowledged to A, lost
      const b = new RedisLock(onReplica, { ttlMs: 10_000, runtime: t.runtime });
      const lb = (await b.tryAcquire('payout'))!;
      expect(lb).not.toBeNull();
      // A and B both hold "the" lock: each node answers its own holder's token.
      expect(await onPrimary.get('lock:payout')).toBe(la.token);
      expect(await onReplica.get('lock:payout')).toBe(lb.token);
    },
    { simOnly: 'a real replica cannot be made to miss exactly one write without a proxy' },
  );
});
