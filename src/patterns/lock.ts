/**
 * A lock on one Redis instance.
 *
 * - Acquire: `SET key token NX PX ttl`. NX makes "take it if free" one atomic step; PX frees the
 *   lock when the holder dies without releasing; the token (unique per acquisition) is how the
 *   holder proves it still owns the key.
 * - Release: compare-and-delete in Lua. A GET followed by a DEL is not atomic: between the two the
 *   lock can expire and be taken by another client, whose lock the DEL then removes. A script runs
 *   with nothing interleaved, so the comparison and the delete see the same value.
 * - Extend: compare-and-PEXPIRE in Lua, for the same reason.
 * - Retry: a few attempts with a delay plus random jitter, so contenders do not retry in lockstep.
 *
 * The lock is safe only while the holder's work ends before the TTL does. A holder paused past the
 * TTL (GC, a slow disk, a stopped VM) still believes it holds the lock after another client took
 * it. When a double holder would corrupt data, guard the resource with fencing tokens
 * (`FencedLock` below, `FencedResource` in fencing.ts).
 */
import type { PatternClient } from './client.js';
import { type Runtime, realRuntime, Script, TimeoutError, withTimeout } from './runtime.js';

/** Deletes KEYS[1] only if it still holds this token. Returns 1 when deleted, 0 otherwise. */
export const RELEASE_SCRIPT = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** Sets KEYS[1]'s TTL to ARGV[2] ms only if it still holds token ARGV[1]. Returns 1 or 0. */
export const EXTEND_SCRIPT = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

export interface LockOptions {
  /** Key prefix (default `lock:`). */
  prefix?: string;
  /** Lock TTL in ms (default 10 000). */
  ttlMs?: number;
  /** Attempts after the first one fails (default 10). */
  retryCount?: number;
  /**
   * Real-time limit for one SET's reply (default none). On timeout the attempt counts as failed and
   * the release script is sent after the SET on the same connection: a SET that was only delayed
   * (a paused server, a slow network) would otherwise take the lock for nobody until its TTL.
   */
  acquireTimeoutMs?: number;
  /** Delay between attempts (default 100 ms)... */
  retryDelayMs?: number;
  /** ...plus up to this much random jitter (default 100 ms). */
  retryJitterMs?: number;
  runtime?: Partial<Runtime>;
}

/** Proof of holding a lock: the key and the token written into it. */
export interface Lease {
  resource: string;
  key: string;
  token: string;
}

export class RedisLock {
  readonly prefix: string;
  readonly ttlMs: number;
  private readonly retryCount: number;
  private readonly retryDelayMs: number;
  private readonly retryJitterMs: number;
  protected readonly acquireTimeoutMs: number | undefined;
  protected readonly rt: Runtime;

  constructor(
    protected readonly client: PatternClient,
    opts: LockOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'lock:';
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.retryCount = opts.retryCount ?? 10;
    this.retryDelayMs = opts.retryDelayMs ?? 100;
    this.retryJitterMs = opts.retryJitterMs ?? 100;
    this.acquireTimeoutMs = opts.acquireTimeoutMs;
    this.rt = { ...realRuntime, ...opts.runtime };
  }

  keyOf(resource: string): string {
    return this.prefix + resource;
  }

  /** One attempt: the lease, or null when someone else holds the lock. */
  async tryAcquire(resource: string, ttlMs = this.ttlMs): Promise<Lease | null> {
    const lease = { resource, key: this.keyOf(resource), token: this.rt.uniqueId() };
    const ok = await this.timed(this.client.set(lease.key, lease.token, { nx: true, px: ttlMs }), lease);
    return ok ? lease : null;
  }

  /** `p`, or false when it has not answered within acquireTimeoutMs (then the lease is released behind it). */
  protected async timed<R>(p: Promise<R>, lease: Lease): Promise<R | false> {
    try {
      return await withTimeout(p, this.acquireTimeoutMs);
    } catch (err) {
      if (!(err instanceof TimeoutError)) throw err;
      // EVAL, not EVALSHA: a NOSCRIPT fallback would be sent later, out of order with the SET.
      this.client.eval(RELEASE_SCRIPT.source, [lease.key], [lease.token]).catch(() => {});
      return false;
    }
  }

  /** Tries, then retries `retryCount` times after a jittered delay; null when every attempt failed. */
  async acquire(resource: string, ttlMs = this.ttlMs): Promise<Lease | null> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.tryAcquire(resource, ttlMs);
      if (lease || attempt >= this.retryCount) return lease;
      await this.rt.sleep(this.retryDelayMs + Math.floor(this.retryJitterMs * this.rt.random()));
    }
  }

  /** Releases if still held by this lease; false when the lock had expired (and maybe changed hands). */
  async release(lease: Lease): Promise<boolean> {
    return (await RELEASE_SCRIPT.run(this.client, [lease.key], [lease.token])) === 1;
  }

  /** Resets the TTL to `ttlMs` if still held by this lease; false when it was lost. */
  async extend(lease: Lease, ttlMs = this.ttlMs): Promise<boolean> {
    return (await EXTEND_SCRIPT.run(this.client, [lease.key], [lease.token, ttlMs])) === 1;
  }

  /** Runs `fn` under the lock and releases it after; null (and `fn` not run) when not acquired. */
  async withLock<T>(resource: string, fn: (lease: Lease) => Promise<T>, ttlMs = this.ttlMs): Promise<{ value: T } | null> {
    const lease = await this.acquire(resource, ttlMs);
    if (!lease) return null;
    try {
      return { value: await fn(lease) };
    } finally {
      await this.release(lease);
    }
  }
}

/**
 * Takes the lock and, in the same script, INCRs the resource's fencing counter: each successful
 * acquisition gets a number larger than every earlier one. Returns the token, or nil when held.
 */
const ACQUIRE_FENCED_SCRIPT = new Script(`if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false`);

/** A lease with its fencing token: pass the token with every write to the protected resource. */
export interface FencedLease extends Lease {
  fence: number;
}

/**
 * A RedisLock whose leases carry a fencing token (an INCR'd counter per resource, key
 * `<prefix><resource>:fence`). The lock is then only an optimization: correctness comes from the
 * resource refusing a token lower than one it has seen (see FencedResource).
 */
export class FencedLock extends RedisLock {
  fenceKeyOf(resource: string): string {
    return `${this.keyOf(resource)}:fence`;
  }

  override async tryAcquire(resource: string, ttlMs = this.ttlMs): Promise<FencedLease | null> {
    const lease = { resource, key: this.keyOf(resource), token: this.rt.uniqueId() };
    const fence = await this.timed(
      ACQUIRE_FENCED_SCRIPT.run(this.client, [lease.key, this.fenceKeyOf(resource)], [lease.token, ttlMs]),
      lease,
    );
    return fence === null || fence === false ? null : { ...lease, fence: Number(fence) };
  }

  override acquire(resource: string, ttlMs = this.ttlMs): Promise<FencedLease | null> {
    return super.acquire(resource, ttlMs) as Promise<FencedLease | null>;
  }
}
