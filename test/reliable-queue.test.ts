/**
 * docs/blocking.md's worked example: a reliable queue on lists. A worker takes a job with BLMOVE
 * (jobs → processing) and holds a lease key with a TTL while it works; when it finishes it LREMs
 * the job from `processing`. A worker that "crashes" mid-job never does: a recovery sweep puts
 * back every job in `processing` whose lease has expired. Deterministic: the test moves the
 * virtual clock past the visibility timeout instead of sleeping.
 */
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ioredis, startSim } from './helpers.js';

const VISIBILITY_MS = 30_000;

/** Takes the next job (blocking up to `timeoutS`), and leases it for VISIBILITY_MS. */
async function take(redis: Redis, worker: string, timeoutS = 0): Promise<string | null> {
  const job = await redis.blmove('jobs', 'processing', 'RIGHT', 'LEFT', timeoutS);
  if (job !== null) await redis.set(`lease:${job}`, worker, 'PX', VISIBILITY_MS);
  return job;
}

/** Marks a job done: removes it from `processing` and drops its lease. */
async function complete(redis: Redis, job: string): Promise<void> {
  await redis.multi().lrem('processing', 1, job).del(`lease:${job}`).exec();
}

/** Puts back every job in `processing` whose lease is gone (its worker died); returns them. */
async function sweep(redis: Redis): Promise<string[]> {
  const requeued: string[] = [];
  for (const job of await redis.lrange('processing', 0, -1)) {
    if (await redis.exists(`lease:${job}`)) continue;
    // LREM first: if another sweeper got it already, this one does nothing.
    const [[, removed]] = (await redis.multi().lrem('processing', 1, job).rpush('jobs', job).exec()) as [[null, number], [null, number]];
    if (removed === 1) requeued.push(job);
    else await redis.lrem('jobs', -1, job);
  }
  return requeued;
}

describe('reliable queue (docs/blocking.md example)', () => {
  it('recovers the job of a worker that crashed mid-job once the visibility timeout passes', async () => {
    const sim = await startSim();
    const producer = ioredis(sim);
    const crashing = ioredis(sim);
    const healthy = ioredis(sim);

    // Worker 1 blocks first, then the producer enqueues.
    const first = take(crashing, 'w1');
    await sim.waitForBlocked(1, 'jobs');
    await producer.lpush('jobs', 'job-1');
    expect(await first).toBe('job-1');
    // ...and worker 1 "crashes": it never completes job-1.

    // Worker 2 waits for work.
    const second = take(healthy, 'w2');
    await sim.waitForBlocked(1, 'jobs');

    // Before the visibility timeout, the sweep leaves the job alone.
    sim.clock.advance(VISIBILITY_MS); // the lease's deadline millisecond: still valid
    expect(await sweep(producer)).toEqual([]);
    expect(await producer.lrange('processing', 0, -1)).toEqual(['job-1']);

    // Past it, the lease has expired: the sweep requeues job-1 and the blocked worker 2 gets it.
    sim.clock.advance(1);
    expect(await sweep(producer)).toEqual(['job-1']);
    expect(await second).toBe('job-1');
    expect(await producer.get('lease:job-1')).toBe('w2');

    await complete(healthy, 'job-1');
    expect(await producer.llen('processing')).toBe(0);
    expect(await producer.llen('jobs')).toBe(0);
    expect(await producer.exists('lease:job-1')).toBe(0);
  });

  it('a finished job is never requeued, and an idle worker times out on the virtual clock', async () => {
    const sim = await startSim();
    const [producer, worker] = [ioredis(sim), ioredis(sim)];
    await producer.lpush('jobs', 'a', 'b');
    expect(await take(worker, 'w')).toBe('a');
    await complete(worker, 'a');
    expect(await take(worker, 'w')).toBe('b');
    await complete(worker, 'b');
    sim.clock.advance(VISIBILITY_MS * 2);
    expect(await sweep(producer)).toEqual([]);

    const idle = take(worker, 'w', 5);
    await sim.waitForBlocked(1, 'jobs');
    sim.clock.advance(5000);
    expect(await idle).toBeNull();
  });
});
