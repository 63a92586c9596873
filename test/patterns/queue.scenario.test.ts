/**
 * Queues on lists (src/patterns/simple-queue.ts, reliable-queue.ts) on redis-sim and on a real
 * redis-server: FIFO with BRPOP and the job a crashing worker loses; BLMOVE / BRPOPLPUSH into a
 * per-worker processing list, and the sweep that re-queues a dead worker's job (at least once).
 */
import { describe, expect } from 'vitest';
import { type Job, ReliableQueue, SimpleQueue } from '../../src/patterns/index.js';
import { scenario } from './target.js';

const VISIBILITY = 400;

describe('simple queue', () => {
  scenario('LPUSH + BRPOP: FIFO, and a waiting worker gets a job the moment it lands', async (t) => {
    const node = await t.node();
    const producer = await t.client(node);
    const worker = await t.client(node);
    const queue = new SimpleQueue(producer, 'queue:emails');
    const first = queue.take(worker, 0);
    await t.waitBlocked(node, 1, 'queue:emails');
    await queue.enqueue('a', 'b', 'c');
    expect(await first).toBe('a');
    expect(await queue.take(worker, 0)).toBe('b');
    expect(await queue.take(worker, 0)).toBe('c');
    // Empty: the worker waits out its timeout (0.1 s) and gets nothing.
    const none = queue.take(worker, 0.1);
    await t.waitBlocked(node, 1, 'queue:emails');
    await t.advance(100);
    expect(await none).toBeNull();
  });

  scenario('a worker crash after BRPOP loses the job', async (t) => {
    const node = await t.node();
    const producer = await t.client(node);
    const worker = await t.client(node);
    const queue = new SimpleQueue(producer, 'queue:emails');
    await queue.enqueue('welcome:a@x.com');
    const handled: string[] = [];
    // The worker takes the job and dies before its handler runs.
    const job = await queue.take(worker, 0);
    expect(job).toBe('welcome:a@x.com');
    await t.crash(worker);
    // Nothing in Redis remembers it.
    expect(await queue.length()).toBe(0);
    expect(await producer.send('DBSIZE')).toBe(0);
    const next = await t.client(node);
    const nothing = queue.processOne(next, async (j) => void handled.push(j), 0.1);
    await t.waitBlocked(node, 1, 'queue:emails');
    await t.advance(100);
    expect(await nothing).toBe(false);
    expect(handled).toEqual([]);
  });
});

describe('reliable queue', () => {
  for (const variant of ['BLMOVE', 'BRPOPLPUSH'] as const) {
    scenario(`${variant} into the worker's processing list, LREM on success`, async (t) => {
      const node = await t.node();
      const producer = await t.client(node);
      const queue = new ReliableQueue(producer, 'jobs', {
        visibilityTimeoutMs: VISIBILITY,
        useBrpoplpush: variant === 'BRPOPLPUSH',
        runtime: t.runtime,
      });
      const w = queue.worker(await t.client(node), 'w1');
      const id1 = await queue.enqueue('one');
      const id2 = await queue.enqueue('two');
      const job = await w.take(0);
      expect(job).toMatchObject({ id: id1, payload: 'one' });
      // In flight: out of the queue, in w1's processing list, stamped.
      expect(await producer.lrange('jobs', 0, -1)).toHaveLength(1);
      expect(await producer.lrange('jobs:processing:w1', 0, -1)).toEqual([job!.raw]);
      expect(await producer.send('HEXISTS', 'jobs:taken', job!.raw)).toBe(1);
      expect(await w.complete(job!)).toBe(true);
      expect(await producer.llen('jobs:processing:w1')).toBe(0);
      expect(await producer.send('HLEN', 'jobs:taken')).toBe(0);
      const done: string[] = [];
      expect((await w.processOne(async (j) => void done.push(j.payload), 0))?.id).toBe(id2);
      expect(done).toEqual(['two']);
      expect(await queue.sweep()).toEqual([]);
    });
  }

  scenario('a worker crash mid-job: the sweep re-queues it after the timeout and it runs again', async (t) => {
    const node = await t.node();
    const producer = await t.client(node);
    const queue = new ReliableQueue(producer, 'jobs', { visibilityTimeoutMs: VISIBILITY, runtime: t.runtime });
    const runs: string[] = [];
    const applied = new Set<string>();
    // Idempotent: the effect is keyed by the job id, so a second run changes nothing.
    const handler = async (job: Job) => {
      runs.push(job.id);
      applied.add(job.id);
    };

    const crashing = await t.client(node);
    const w1 = queue.worker(crashing, 'w1');
    const id = await queue.enqueue('charge:order-17');
    const job = await w1.take(0);
    await handler(job!);
    await t.crash(crashing); // dies after the work, before the LREM

    const w2 = queue.worker(await t.client(node), 'w2');
    expect(await queue.waiting()).toBe(0); // nothing waiting: the job is w1's
    await t.advance(VISIBILITY / 2);
    expect(await queue.sweep()).toEqual([]);
    expect(await producer.lrange('jobs:processing:w1', 0, -1)).toEqual([job!.raw]);
    await t.advance(VISIBILITY / 2 + 1);
    expect(await queue.sweep()).toEqual([id]);
    expect(await producer.llen('jobs:processing:w1')).toBe(0);

    expect((await w2.processOne(handler, 0))?.id).toBe(id);
    expect(runs).toEqual([id, id]); // at least once: twice here
    expect(applied.size).toBe(1);
    expect(await queue.sweep()).toEqual([]);
  });

  scenario('a heartbeat keeps a long job from being re-queued', async (t) => {
    const node = await t.node();
    const producer = await t.client(node);
    const queue = new ReliableQueue(producer, 'jobs', { visibilityTimeoutMs: VISIBILITY, runtime: t.runtime });
    const w = queue.worker(await t.client(node), 'w1');
    await queue.enqueue('long');
    const job = (await w.take(0))!;
    for (let i = 0; i < 3; i++) {
      await t.advance(VISIBILITY / 2);
      await w.heartbeat(job);
      expect(await queue.sweep()).toEqual([]);
    }
    expect(await w.complete(job)).toBe(true);
  });

  scenario('a job re-queued from a slow worker is not completed twice', async (t) => {
    const node = await t.node();
    const producer = await t.client(node);
    const queue = new ReliableQueue(producer, 'jobs', { visibilityTimeoutMs: VISIBILITY, runtime: t.runtime });
    const slow = queue.worker(await t.client(node), 'slow');
    const id = await queue.enqueue('x');
    const job = (await slow.take(0))!;
    await t.advance(VISIBILITY + 1);
    expect(await queue.sweep()).toEqual([id]);
    // The slow worker finishes late: its job is no longer in its list, complete says so.
    expect(await slow.complete(job)).toBe(false);
    expect(await queue.waiting()).toBe(1);
  });
});
