/**
 * The simplest queue: a list. Producers LPUSH at the head, workers BRPOP from the tail, so jobs
 * run in FIFO order. BRPOP blocks the worker's connection (not the server) until a job arrives or
 * the timeout passes; waiting workers are served in the order they started waiting.
 *
 * At most once: the moment BRPOP returns, the job exists only in the worker's memory. A worker
 * that crashes before finishing loses it, and nothing records that it existed. Use it only where
 * losing a job is acceptable; otherwise see ReliableQueue or StreamWorker.
 */
import type { PatternClient } from './client.js';

export class SimpleQueue {
  constructor(
    private readonly client: PatternClient,
    readonly name: string,
  ) {}

  /** Adds jobs at the head; returns the queue length. */
  enqueue(...jobs: string[]): Promise<number> {
    return this.client.lpush(this.name, ...jobs);
  }

  /**
   * Takes the oldest job, waiting up to `timeoutS` seconds (0: forever); null on timeout. `worker`
   * must be a connection of its own: BRPOP holds it while waiting.
   */
  take(worker: PatternClient, timeoutS: number): Promise<string | null> {
    return worker.brpop(this.name, timeoutS);
  }

  /** Takes one job and runs `handler` on it; false when none came within the timeout. */
  async processOne(worker: PatternClient, handler: (job: string) => Promise<void>, timeoutS: number): Promise<boolean> {
    const job = await this.take(worker, timeoutS);
    if (job === null) return false;
    await handler(job);
    return true;
  }

  length(): Promise<number> {
    return this.client.llen(this.name);
  }
}
