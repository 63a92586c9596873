/**
 * A queue that survives worker crashes: a job is not removed from Redis until it is done.
 *
 * Keys (all starting with the queue name, so `{name}` as a hash tag keeps them in one slot):
 * - `<name>`: the waiting jobs; producers LPUSH, workers take from the right (FIFO).
 * - `<name>:processing:<worker>`: each worker's in-flight jobs. BLMOVE (or BRPOPLPUSH on servers
 *   before 6.2) moves a job there from the queue in one atomic step, so at every moment a job is in
 *   exactly one of the two lists.
 * - `<name>:taken`: hash job → time (ms, the server's clock) the job was last seen taken.
 * - `<name>:workers`: set of worker ids, so the sweep knows every processing list.
 *
 * On success the worker LREMs the job from its processing list. A worker that dies leaves its job
 * there; `sweep()` (run by any process, periodically) moves back to the queue every job taken
 * longer than `visibilityTimeoutMs` ago. The job then runs again: delivery is at least once, so
 * handlers must be idempotent (a job may run twice when a worker dies after the work and before
 * the LREM). A job that takes longer than the timeout must call `heartbeat`.
 *
 * Jobs are wrapped as JSON {id, payload} with a unique id: LREM removes by value, and two jobs with
 * the same payload must stay two jobs.
 */
import type { PatternClient } from './client.js';
import { type Runtime, realRuntime, Script } from './runtime.js';

export interface Job {
  id: string;
  payload: string;
  /** The exact list element (LREM matches it byte for byte). */
  raw: string;
}

export interface ReliableQueueOptions {
  /** A taken job not completed within this many ms is re-queued by `sweep` (default 30 000). */
  visibilityTimeoutMs?: number;
  /** Take with BRPOPLPUSH instead of BLMOVE (Redis before 6.2). */
  useBrpoplpush?: boolean;
  runtime?: Partial<Runtime>;
}

// Redis time in ms inside a script (TIME is allowed in scripts since Redis 5: effects replication).
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Records when a job was taken: KEYS[1] the taken hash, ARGV[1] the job. */
const STAMP_SCRIPT = new Script(`${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now)
return now`);

/** Completes a job: LREM from the processing list KEYS[1], drop its stamp in KEYS[2]. Returns LREM's count. */
const COMPLETE_SCRIPT = new Script(`local n = redis.call('LREM', KEYS[1], -1, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return n`);

/**
 * Sweeps one processing list KEYS[1] back into queue KEYS[2], with stamps in KEYS[3] and the
 * timeout ARGV[1]. A job without a stamp (its worker died between the move and the stamp) gets one
 * now, so it is re-queued one timeout later. Re-queued jobs go to the right end: they run next.
 */
const SWEEP_SCRIPT = new Script(`${NOW_MS}
local out = {}
local jobs = redis.call('LRANGE', KEYS[1], 0, -1)
for i = #jobs, 1, -1 do
  local job = jobs[i]
  local at = tonumber(redis.call('HGET', KEYS[3], job))
  if not at then
    redis.call('HSET', KEYS[3], job, now)
  elseif now - at >= tonumber(ARGV[1]) then
    redis.call('LREM', KEYS[1], -1, job)
    redis.call('RPUSH', KEYS[2], job)
    redis.call('HDEL', KEYS[3], job)
    out[#out + 1] = job
  end
end
return out`);

export class ReliableQueue {
  readonly visibilityTimeoutMs: number;
  private readonly useBrpoplpush: boolean;
  private readonly rt: Runtime;

  constructor(
    private readonly client: PatternClient,
    readonly name: string,
    opts: ReliableQueueOptions = {},
  ) {
    this.visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 30_000;
    this.useBrpoplpush = opts.useBrpoplpush ?? false;
    this.rt = { ...realRuntime, ...opts.runtime };
  }

  get takenKey(): string {
    return `${this.name}:taken`;
  }

  get workersKey(): string {
    return `${this.name}:workers`;
  }

  processingKey(workerId: string): string {
    return `${this.name}:processing:${workerId}`;
  }

  /** Enqueues a payload; returns the job's id. */
  async enqueue(payload: string): Promise<string> {
    const id = this.rt.uniqueId();
    await this.client.lpush(this.name, JSON.stringify({ id, payload }));
    return id;
  }

  /** A worker with its own blocking connection. */
  worker(connection: PatternClient, workerId: string): ReliableWorker {
    return new ReliableWorker(this, connection, workerId, this.useBrpoplpush);
  }

  /** Re-queues every job taken longer than the visibility timeout ago, from every worker; returns their ids. */
  async sweep(): Promise<string[]> {
    const out: string[] = [];
    for (const w of await this.client.smembers(this.workersKey)) {
      const moved = (await SWEEP_SCRIPT.run(
        this.client,
        [this.processingKey(w), this.name, this.takenKey],
        [this.visibilityTimeoutMs],
      )) as string[];
      for (const raw of moved) out.push(parseJob(raw).id);
    }
    return out;
  }

  /** Jobs waiting (not taken). */
  waiting(): Promise<number> {
    return this.client.llen(this.name);
  }

  /** @internal */
  stamp(client: PatternClient, job: Job): Promise<unknown> {
    return STAMP_SCRIPT.run(client, [this.takenKey], [job.raw]);
  }
}

export class ReliableWorker {
  private registered = false;

  constructor(
    readonly queue: ReliableQueue,
    private readonly connection: PatternClient,
    readonly id: string,
    private readonly useBrpoplpush: boolean,
  ) {}

  get processingKey(): string {
    return this.queue.processingKey(this.id);
  }

  /** Takes the oldest job into this worker's processing list, waiting up to `timeoutS` (0: forever). */
  async take(timeoutS: number): Promise<Job | null> {
    if (!this.registered) {
      await this.connection.sadd(this.queue.workersKey, this.id);
      this.registered = true;
    }
    const raw = this.useBrpoplpush
      ? await this.connection.brpoplpush(this.queue.name, this.processingKey, timeoutS)
      : await this.connection.blmove(this.queue.name, this.processingKey, 'RIGHT', 'LEFT', timeoutS);
    if (raw === null) return null;
    const job = parseJob(raw);
    await this.queue.stamp(this.connection, job);
    return job;
  }

  /** Marks the job done; false when it was no longer this worker's (the sweep re-queued it). */
  async complete(job: Job): Promise<boolean> {
    return (await COMPLETE_SCRIPT.run(this.connection, [this.processingKey, this.queue.takenKey], [job.raw])) === 1;
  }

  /** Restarts the job's visibility timeout (for jobs that run long). */
  async heartbeat(job: Job): Promise<void> {
    await this.queue.stamp(this.connection, job);
  }

  /** Takes one job, runs `handler`, completes it; a throwing handler leaves it for the sweep. */
  async processOne(handler: (job: Job) => Promise<void>, timeoutS: number): Promise<Job | null> {
    const job = await this.take(timeoutS);
    if (!job) return null;
    await handler(job);
    await this.complete(job);
    return job;
  }

  /** The jobs this worker holds (after a restart, finish or re-queue these first). */
  async inFlight(): Promise<Job[]> {
    return (await this.connection.lrange(this.processingKey, 0, -1)).map(parseJob);
  }
}

function parseJob(raw: string): Job {
  const { id, payload } = JSON.parse(raw) as { id: string; payload: string };
  return { id, payload, raw };
}
