/**
 * Proof that BullMQ runs unchanged against redis-sim: a Queue adds jobs, a Worker processes them,
 * a failing job is retried with backoff, and delayed jobs complete. BullMQ is all Lua (EVALSHA with
 * a NOSCRIPT fallback, cmsgpack, cjson), plus BZPOPMIN on its marker key, MULTI, and pub/sub-free
 * event streams (XADD/XREAD BLOCK) read by QueueEvents.
 *
 * Time: BullMQ stamps jobs on the client with Date.now() and passes those stamps to its scripts
 * (delays, backoffs, "is this delayed job due yet?"), while the Worker waits for the next delayed job
 * with a BZPOPMIN whose (fractional) timeout the *server* measures. On a manual clock that BZPOPMIN
 * never times out: a delayed job still completes, but only through BullMQ's client-side watchdog
 * (it abandons the command 1 s after its timeout and reconnects the blocking connection), a
 * failure-recovery path with real-time delays (tried: a 300 ms delay completed after ~1.4 s). An
 * offset clock is real time plus a constant: it would work, but be no more deterministic (BullMQ
 * reads only durations from the server: PX lock TTLs, BZPOPMIN timeouts, XADD ids). So this node
 * runs on `clock: 'system'`,
 * delays and backoffs are kept to tens of milliseconds, and the tests wait only on BullMQ's own
 * events (a job's `completed`/`failed`), never on arbitrary sleeps. Every test is bounded by a
 * timeout.
 */
import { FlowProducer, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ioredis, onCleanup, startSim } from '../helpers.js';

const TIMEOUT = 15_000;

async function setup() {
  const sim = await startSim({ clock: 'system' });
  // BullMQ requires maxRetriesPerRequest: null on the connections a Worker blocks on.
  const connection = { host: '127.0.0.1', port: sim.port, maxRetriesPerRequest: null };
  const name = `q${Math.random().toString(36).slice(2, 8)}`;
  const queue = new Queue(name, { connection });
  const workerErrors: Error[] = [];
  onCleanup(async () => {
    await queue.close();
  });
  const startWorker = <T, R>(processor: (job: Job<T, R>) => Promise<R>, opts: Record<string, unknown> = {}) => {
    const worker = new Worker<T, R>(name, processor, { connection, ...opts });
    worker.on('error', (e) => workerErrors.push(e));
    // Closed before the queue (cleanups run in reverse order) and before the node stops.
    onCleanup(async () => {
      await worker.close(true);
    });
    return worker;
  };
  const admin = ioredis(sim);
  /**
   * Commands that replied an error, from INFO commandstats (BullMQ swallows some errors, e.g. of
   * its stalled-jobs checker): a command failing inside a script counts there too. The only error
   * replies expected are ioredis's CLIENT SETINFO at connect, which Redis 7.0 rejects (unknown
   * subcommand) before running it, so they are not failed calls. Worker 'error' events are added.
   */
  const failedCalls = async (): Promise<Record<string, unknown>> => {
    const info = await admin.info('commandstats');
    const failed: Record<string, unknown> = Object.fromEntries(
      [...info.matchAll(/^cmdstat_(\S+):.*failed_calls=(\d+)/gm)].filter((m) => m[2] !== '0').map((m) => [m[1], Number(m[2])]),
    );
    // A Worker's 'error' events (its own failures, not a job's) are problems too.
    if (workerErrors.length > 0) failed.workerErrors = workerErrors.map(String);
    return failed;
  };
  return { sim, queue, name, connection, startWorker, failedCalls };
}

/** Resolves when `n` jobs completed on `worker`; rejects on the first final failure. */
function completions<T, R>(worker: Worker<T, R>, n: number): Promise<Job<T, R>[]> {
  return new Promise((resolve, reject) => {
    const done: Job<T, R>[] = [];
    worker.on('completed', (job) => {
      done.push(job);
      if (done.length === n) resolve(done);
    });
    worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) reject(err);
    });
  });
}

describe('BullMQ against redis-sim', () => {
  it(
    'a Worker processes the jobs a Queue adds, and their results are stored',
    async () => {
      const { queue, startWorker, failedCalls } = await setup();
      const worker = startWorker<{ n: number }, number>(async (job) => job.data.n * 2);
      const done = completions(worker, 3);
      await queue.add('double', { n: 1 });
      await queue.addBulk([
        { name: 'double', data: { n: 2 } },
        { name: 'double', data: { n: 3 } },
      ]);
      const jobs = await done;
      expect(jobs.map((j) => j.returnvalue).sort()).toEqual([2, 4, 6]);
      const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'failed');
      expect(counts).toEqual({ completed: 3, waiting: 0, active: 0, failed: 0 });
      const stored = await queue.getJob(jobs[0]!.id!);
      expect(stored?.returnvalue).toBe(jobs[0]!.returnvalue);
      expect(stored?.finishedOn).toBeGreaterThan(0);
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    'a job that fails twice succeeds on the third attempt, after its backoff',
    async () => {
      const { queue, startWorker, failedCalls } = await setup();
      const attempts: number[] = [];
      const worker = startWorker<unknown, string>(async (job) => {
        attempts.push(Date.now());
        if (job.attemptsMade < 2) throw new Error(`boom ${job.attemptsMade}`);
        return 'ok';
      });
      const failures: string[] = [];
      worker.on('failed', (_job, err) => failures.push(err.message));
      const done = completions(worker, 1);
      await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 40 } });
      const [job] = await done;
      expect(job!.returnvalue).toBe('ok');
      expect(job!.attemptsMade).toBe(3);
      expect(failures).toEqual(['boom 0', 'boom 1']);
      expect(attempts).toHaveLength(3);
      // Each retry went through the delayed set: it ran no earlier than the backoff.
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(40 - 5);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(40 - 5);
      const stored = await queue.getJob(job!.id!);
      expect(stored?.stacktrace).toHaveLength(2);
      expect(await stored?.getState()).toBe('completed');
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    'exponential backoff: a job exhausting its attempts ends failed with its error',
    async () => {
      const { queue, startWorker, failedCalls } = await setup();
      const worker = startWorker<unknown, string>(async () => {
        throw new Error('always');
      });
      const failed = new Promise<Job | undefined>((resolve) => {
        worker.on('failed', (job) => {
          if (job && job.attemptsMade >= 3) resolve(job);
        });
      });
      await queue.add('doomed', {}, { attempts: 3, backoff: { type: 'exponential', delay: 10 } });
      const job = await failed;
      expect(job?.failedReason).toBe('always');
      const stored = await queue.getJob(job!.id!);
      expect(await stored?.getState()).toBe('failed');
      expect(await queue.getJobCounts('failed', 'delayed', 'wait')).toEqual({ failed: 1, delayed: 0, wait: 0 });
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    'delayed jobs wait in the delayed set and complete once due',
    async () => {
      const { queue, startWorker, failedCalls } = await setup();
      const worker = startWorker<{ tag: string }, string>(async (job) => job.data.tag);
      await worker.waitUntilReady();
      const done = completions(worker, 3);
      const later = await queue.add('later', { tag: 'later' }, { delay: 150 });
      await queue.add('soon', { tag: 'soon' }, { delay: 30 });
      await queue.add('now', { tag: 'now' });
      // Right after adding, the 150 ms job is still in the delayed set (its score is its due time).
      expect(await later.getState()).toBe('delayed');
      const jobs = await done;
      expect(jobs.map((j) => j.returnvalue).sort()).toEqual(['later', 'now', 'soon']);
      // No delayed job ran before it was due (the order among due jobs is BullMQ's batch promotion
      // order, the same on real Redis, so it is not asserted).
      for (const j of jobs) expect(j.processedOn!).toBeGreaterThanOrEqual(j.timestamp + (j.opts.delay ?? 0));
      expect(await queue.getDelayedCount()).toBe(0);
      expect(await later.getState()).toBe('completed');
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    'priorities and LIFO set the processing order; a flow completes its parent after its children',
    async () => {
      const { queue, name, connection, startWorker, failedCalls } = await setup();
      await queue.add('p3', {}, { priority: 3 });
      await queue.add('p1', {}, { priority: 1 });
      await queue.add('plain', {});
      await queue.add('lifo', {}, { lifo: true });
      expect(await queue.getJobCounts('wait', 'prioritized')).toEqual({ wait: 2, prioritized: 2 });
      const order: string[] = [];
      const worker = startWorker<{ c?: number }, unknown>(
        async (job) => {
          order.push(job.name);
          return job.name === 'parent' ? job.getChildrenValues() : (job.data.c ?? 0) * 100;
        },
        { concurrency: 1 },
      );
      await completions(worker, 4);
      // Same order as on real Redis: the wait list (LIFO job first), then by priority.
      expect(order).toEqual(['lifo', 'plain', 'p1', 'p3']);

      const flow = new FlowProducer({ connection });
      onCleanup(async () => {
        await flow.close();
      });
      const parentDone = new Promise<unknown>((resolve) => {
        worker.on('completed', (job) => {
          if (job.name === 'parent') resolve(job.returnvalue);
        });
      });
      const tree = await flow.add({
        name: 'parent',
        queueName: name,
        children: [
          { name: 'c1', queueName: name, data: { c: 1 } },
          { name: 'c2', queueName: name, data: { c: 2 } },
        ],
      });
      const [c1, c2] = (tree.children ?? []).map((c) => c.job.id);
      expect(await parentDone).toEqual({ [`bull:${name}:${c1}`]: 100, [`bull:${name}:${c2}`]: 200 });
      expect(await (await queue.getJob(tree.job.id!))?.getDependenciesCount()).toEqual({
        processed: 2,
        unprocessed: 0,
        ignored: 0,
        failed: 0,
      });
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    "a crashed worker's job stalls when its lock's TTL passes on the node clock, and another worker completes it",
    async () => {
      const { sim, queue, startWorker, failedCalls } = await setup();
      let markStarted = () => {};
      const started = new Promise<void>((resolve) => {
        markStarted = resolve;
      });
      const crashing = startWorker<unknown, string>(
        () => {
          markStarted();
          return new Promise<string>(() => {}); // never finishes: the worker "crashes" mid-job
        },
        // Its stalled checker ran once at start-up and holds the queue's stalled-check key for 5 s.
        { lockDuration: 10_000, stalledInterval: 5000 },
      );
      const job = await queue.add('fragile', { n: 1 });
      await started;
      // Force-close: no more lock renewals, the job stays active with its lock (SET ... PX 10000).
      await crashing.close(true);
      expect(await job.getState()).toBe('active');
      expect(sim.command('PTTL', `bull:${queue.name}:${job.id}:lock`)).toBeGreaterThan(0);
      // The lock's TTL passes on the node's clock, and so does the stalled-check key's. BullMQ takes
      // its timestamps from the client (the node's time drives only TTLs, timeouts and stream ids),
      // so jumping the node's system clock ahead is safe.
      sim.clock.advance(10_001);
      expect(sim.command('EXISTS', `bull:${queue.name}:${job.id}:lock`)).toBe(0);
      const rescuer = startWorker<{ n: number }, number>(async (j) => j.data.n + 1, { stalledInterval: 50 });
      const stalled = new Promise<string>((resolve) => rescuer.on('stalled', (id) => resolve(id)));
      const [done] = await completions(rescuer, 1);
      expect(await stalled).toBe(job.id);
      expect(done!.returnvalue).toBe(2);
      expect(done!.id).toBe(job.id);
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );

  it(
    'QueueEvents sees completions through the events stream',
    async () => {
      const { queue, connection, name, startWorker, failedCalls } = await setup();
      const events = new QueueEvents(name, { connection });
      onCleanup(async () => {
        await events.close();
      });
      await events.waitUntilReady();
      startWorker<{ n: number }, number>(async (job) => job.data.n + 1);
      const job = await queue.add('inc', { n: 41 });
      expect(await job.waitUntilFinished(events, TIMEOUT)).toBe(42);
      expect(await failedCalls()).toEqual({});
    },
    TIMEOUT,
  );
});
