/**
 * Proof that redlock runs unchanged against three independent redis-sim nodes: acquire, extend,
 * release, a second acquirer refused while the lock is held, and a crashed holder's lock freed by
 * its TTL when the nodes' clocks move past it.
 *
 * Version: redlock 5.0.0-beta.2 (ESM, typed, promise-based) is the one written for ioredis 4/5
 * clients: it calls `client.evalsha(...)` and falls back to `client.eval(...)` on a NOSCRIPT reply,
 * both as ioredis 5 promises. redlock 4.2.0 drives callback-style node_redis/ioredis 4 clients
 * (`client.eval(args, callback)`), which ioredis 5 only supports as a compatibility path.
 *
 * Time: the nodes run manual clocks; a lock's TTL (SET ... PX in redlock's scripts) is measured by
 * each node's clock, so "the holder crashed and its TTL passed" is `clock.advance(ttl)` on every
 * node, never a sleep. redlock itself computes a lock's `expiration` with the client's Date.now();
 * TTLs here are long (10 s) so that the real time the test takes never expires a lock on the client.
 */
import { Redis } from 'ioredis';
// redlock 5 beta's package.json "exports" has no "types" condition, so TypeScript (NodeNext) finds
// no declarations for 'redlock' (TS7016); its declarations are taken from the package's own file.
// @ts-expect-error TS7016, see above
import RedlockImpl, { ExecutionError as ExecutionErrorImpl } from 'redlock';
import { describe, expect, it } from 'vitest';
import type { ExecutionError as ExecutionErrorT, Lock, default as RedlockT } from '../../node_modules/redlock/dist/index.js';
import type { RedisSim } from '../../src/index.js';
import { onCleanup, startSim } from '../helpers.js';

const Redlock = RedlockImpl as typeof RedlockT;
const ExecutionError = ExecutionErrorImpl as typeof ExecutionErrorT;
type ExecutionError = ExecutionErrorT;

const TTL = 10_000;
const TIMEOUT = 15_000;

async function cluster(n = 3) {
  const sims: RedisSim[] = [];
  for (let i = 0; i < n; i++) sims.push(await startSim());
  const clients = sims.map((s) => {
    const r = new Redis({ host: '127.0.0.1', port: s.port, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    return r;
  });
  // A failed attempt is retried by redlock; none here (retryCount 0), so a refusal is immediate.
  const redlock = new Redlock(clients, { retryCount: 0, driftFactor: 0.01 });
  redlock.on('error', () => {});
  onCleanup(async () => {
    await redlock.quit();
  });
  /** The value stored under `key` on each node, and its remaining PTTL there. */
  const state = (key: string) => Promise.all(clients.map(async (c) => [await c.get(key), await c.pttl(key)] as const));
  return { sims, clients, redlock, state };
}

/** A second Redlock over its own connections to the same nodes: another process. */
function otherProcess(sims: RedisSim[]) {
  const clients = sims.map((s) => {
    const r = new Redis({ host: '127.0.0.1', port: s.port, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    return r;
  });
  const redlock = new Redlock(clients, { retryCount: 0 });
  redlock.on('error', () => {});
  onCleanup(async () => {
    await redlock.quit();
  });
  return redlock;
}

describe('redlock against three redis-sim nodes', () => {
  it(
    'acquires a lock on every node, extends it and releases it',
    async () => {
      const { sims, redlock, state } = await cluster();
      const lock = await redlock.acquire(['res:a'], TTL);
      expect(lock.value).toMatch(/^[0-9a-f]{32}$/);
      expect(lock.expiration).toBeGreaterThan(Date.now());
      expect(await state('res:a')).toEqual([
        [lock.value, TTL],
        [lock.value, TTL],
        [lock.value, TTL],
      ]);
      const [votes] = await Promise.all(lock.attempts);
      expect(votes?.votesFor.size).toBe(3);
      expect(votes?.votesAgainst.size).toBe(0);

      // 4 s later on every node, extend by 10 s from now: the PTTL is 10 s again, not 6 s.
      for (const s of sims) s.clock.advance(4000);
      expect((await state('res:a')).map(([, ttl]) => ttl)).toEqual([6000, 6000, 6000]);
      const extended = await lock.extend(TTL);
      expect(extended.value).toBe(lock.value);
      expect(await state('res:a')).toEqual([
        [lock.value, TTL],
        [lock.value, TTL],
        [lock.value, TTL],
      ]);

      const released = await extended.release();
      const [stats] = await Promise.all(released.attempts);
      expect(stats?.votesFor.size).toBe(3);
      expect(await state('res:a')).toEqual([
        [null, -2],
        [null, -2],
        [null, -2],
      ]);
    },
    TIMEOUT,
  );

  it(
    'a second acquirer is refused while the lock is held, and gets it once released',
    async () => {
      const { sims, redlock } = await cluster();
      const other = otherProcess(sims);
      const lock = await redlock.acquire(['res:b'], TTL);
      const refused = await other.acquire(['res:b'], TTL).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ExecutionError);
      expect((refused as ExecutionError).message).toMatch(/unable to achieve a quorum/);
      // Every node voted against: the key exists there (the acquire script returns 0).
      const [stats] = await Promise.all((refused as ExecutionError).attempts);
      expect(stats?.votesAgainst.size).toBe(3);
      // Nor may it release or extend a lock it does not hold (its value differs).
      const fake = Object.assign(Object.create(Object.getPrototypeOf(lock)), lock, {
        redlock: other,
        value: 'not-the-holder',
      }) as Lock;
      await expect(fake.extend(TTL)).rejects.toBeInstanceOf(ExecutionError);

      await lock.release();
      const mine = await other.acquire(['res:b'], TTL);
      expect(mine.value).not.toBe(lock.value);
      await mine.release();
    },
    TIMEOUT,
  );

  it(
    "a crashed holder's lock becomes acquirable once every node's clock passes its TTL",
    async () => {
      const { sims, redlock, state } = await cluster();
      const other = otherProcess(sims);
      // The holder takes a multi-resource lock and "crashes": it never releases nor extends.
      const crashed = await redlock.acquire(['res:c', 'res:d'], 5000);
      await expect(other.acquire(['res:d'], TTL)).rejects.toBeInstanceOf(ExecutionError);

      for (const s of sims) s.clock.advance(5000); // the deadline millisecond: still held
      await expect(other.acquire(['res:c'], TTL)).rejects.toBeInstanceOf(ExecutionError);
      expect((await state('res:c')).map(([v, ttl]) => [v, ttl])).toEqual([
        [crashed.value, 0],
        [crashed.value, 0],
        [crashed.value, 0],
      ]);

      for (const s of sims) s.clock.advance(1);
      const lock = await other.acquire(['res:c', 'res:d'], TTL);
      expect(await state('res:d')).toEqual([
        [lock.value, TTL],
        [lock.value, TTL],
        [lock.value, TTL],
      ]);
      // The crashed holder's late release does not touch the new holder's keys.
      await crashed.release().catch(() => {});
      expect((await state('res:c')).map(([v]) => v)).toEqual([lock.value, lock.value, lock.value]);
    },
    TIMEOUT,
  );

  it(
    'a quorum (2 of 3) is enough: the lock holds with one node gone, and not with two',
    async () => {
      const { sims, redlock } = await cluster();
      await sims[2]!.stop();
      const lock = await redlock.acquire(['res:e'], TTL);
      const [stats] = await Promise.all(lock.attempts);
      expect(stats?.votesFor.size).toBe(2);
      expect(stats?.votesAgainst.size).toBe(1);
      await lock.release();
      await sims[1]!.stop();
      await expect(redlock.acquire(['res:f'], TTL)).rejects.toBeInstanceOf(ExecutionError);
    },
    TIMEOUT,
  );
});
