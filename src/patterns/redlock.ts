/**
 * Redlock: one lock over N independent Redis masters (no replication between them).
 *
 * 1. Note the time, then `SET key token NX PX ttl` on every node, each with a short timeout of
 *    its own so a dead or hung node costs little.
 * 2. The lock is held when a majority (N/2 + 1) said OK and time is left:
 *    validity = ttl - elapsed - drift, where elapsed is measured on the client's clock and
 *    drift = ttl * driftFactor + 2 ms allows for the nodes' clocks running at other rates.
 * 3. Otherwise release on all nodes (a node whose reply was lost may have set the key) and retry
 *    after a random delay, so that contenders do not split the nodes again.
 * 4. Release: the compare-and-delete script on every node.
 *
 * What it assumes and the tests break (test/patterns/redlock.scenario.test.ts): nodes keep their
 * keys across restarts (a node restarted empty can give a second client its majority), the nodes'
 * clocks do not jump (a jump on one node expires the key there early), and the holder finishes
 * within the validity (a paused holder does not; use fencing tokens when that matters).
 */
import type { PatternClient } from './client.js';
import { EXTEND_SCRIPT, RELEASE_SCRIPT } from './lock.js';
import { type Runtime, realRuntime, withTimeout } from './runtime.js';

export interface RedlockOptions {
  /** Key prefix (default `lock:`). */
  prefix?: string;
  /** Fraction of the TTL allowed for clock drift between nodes (default 0.01). */
  driftFactor?: number;
  /** Attempts after the first (default 3). */
  retryCount?: number;
  /** Delay between attempts (default 200 ms) plus up to `retryJitterMs` (default 100 ms). */
  retryDelayMs?: number;
  retryJitterMs?: number;
  /** Real-time limit for one node's reply (default 50 ms); a node slower than this counts as failed. */
  nodeTimeoutMs?: number;
  runtime?: Partial<Runtime>;
}

export interface RedlockLease {
  resource: string;
  key: string;
  token: string;
  /** How long the lock is guaranteed from `startedAt`, on the client's clock. */
  validityMs: number;
  startedAt: number;
  /** startedAt + validityMs: stop working on the resource before this. */
  validUntil: number;
}

/** What one attempt saw: how many nodes said OK, how long it took, the validity left. */
export interface RedlockAttempt {
  lease: RedlockLease | null;
  acquiredOn: number;
  elapsedMs: number;
  validityMs: number;
}

export class Redlock {
  readonly quorum: number;
  private readonly prefix: string;
  private readonly driftFactor: number;
  private readonly retryCount: number;
  private readonly retryDelayMs: number;
  private readonly retryJitterMs: number;
  private readonly nodeTimeoutMs: number;
  private readonly rt: Runtime;

  constructor(
    private readonly clients: PatternClient[],
    opts: RedlockOptions = {},
  ) {
    if (clients.length === 0) throw new Error('Redlock needs at least one node');
    this.quorum = Math.floor(clients.length / 2) + 1;
    this.prefix = opts.prefix ?? 'lock:';
    this.driftFactor = opts.driftFactor ?? 0.01;
    this.retryCount = opts.retryCount ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 200;
    this.retryJitterMs = opts.retryJitterMs ?? 100;
    this.nodeTimeoutMs = opts.nodeTimeoutMs ?? 50;
    this.rt = { ...realRuntime, ...opts.runtime };
  }

  /** One round over all nodes; the lease when a majority granted it in time, with the details either way. */
  async attempt(resource: string, ttlMs: number): Promise<RedlockAttempt> {
    const key = this.prefix + resource;
    const token = this.rt.uniqueId();
    const startedAt = this.rt.now();
    const oks = await Promise.all(
      this.clients.map((c) => withTimeout(c.set(key, token, { nx: true, px: ttlMs }), this.nodeTimeoutMs).catch(() => false)),
    );
    const acquiredOn = oks.filter(Boolean).length;
    const elapsedMs = this.rt.now() - startedAt;
    const drift = Math.round(ttlMs * this.driftFactor) + 2;
    const validityMs = ttlMs - elapsedMs - drift;
    if (acquiredOn >= this.quorum && validityMs > 0) {
      return {
        lease: { resource, key, token, validityMs, startedAt, validUntil: startedAt + validityMs },
        acquiredOn,
        elapsedMs,
        validityMs,
      };
    }
    await this.releaseKey(key, token);
    return { lease: null, acquiredOn, elapsedMs, validityMs };
  }

  /** Attempts, retrying `retryCount` times after a jittered delay; null when no attempt won. */
  async acquire(resource: string, ttlMs: number): Promise<RedlockLease | null> {
    for (let i = 0; ; i++) {
      const { lease } = await this.attempt(resource, ttlMs);
      if (lease || i >= this.retryCount) return lease;
      await this.rt.sleep(this.retryDelayMs + Math.floor(this.retryJitterMs * this.rt.random()));
    }
  }

  /** Releases on every node; returns on how many the key was still this lease's and got deleted. */
  release(lease: RedlockLease): Promise<number> {
    return this.releaseKey(lease.key, lease.token);
  }

  /** Resets the TTL on the nodes still holding the token; the new lease when a majority did, in time. */
  async extend(lease: RedlockLease, ttlMs: number): Promise<RedlockLease | null> {
    const startedAt = this.rt.now();
    const oks = await Promise.all(
      this.clients.map((c) =>
        withTimeout(EXTEND_SCRIPT.run(c, [lease.key], [lease.token, ttlMs]), this.nodeTimeoutMs)
          .then((r) => r === 1)
          .catch(() => false),
      ),
    );
    const validityMs = ttlMs - (this.rt.now() - startedAt) - (Math.round(ttlMs * this.driftFactor) + 2);
    if (oks.filter(Boolean).length < this.quorum || validityMs <= 0) return null;
    return { ...lease, validityMs, startedAt, validUntil: startedAt + validityMs };
  }

  private async releaseKey(key: string, token: string): Promise<number> {
    const done = await Promise.all(
      this.clients.map((c) =>
        withTimeout(RELEASE_SCRIPT.run(c, [key], [token]), this.nodeTimeoutMs)
          .then((r) => r === 1)
          .catch(() => false),
      ),
    );
    return done.filter(Boolean).length;
  }
}
