/**
 * Cache-aside: the application owns the logic. Read the cache; on a miss read the source of truth
 * and fill the cache for the next reader. Redis only stores what it is given, with a TTL.
 *
 * - Every entry has a TTL (plus random jitter, so keys filled together do not expire together):
 *   a missed invalidation or a bug can serve stale data at most that long.
 * - Writes go to the source, then DEL the cache entry (`invalidate`); the next read refills it.
 *   Deleting is safer than writing the new value into the cache, which can race with a reader
 *   filling it with an older value.
 * - Stampede: when a hot key expires, every concurrent reader misses at once. Only the one that
 *   wins a short lock (`SET <key>:lock token NX PX lockTtlMs`) loads from the source; the others
 *   poll the cache until the value appears (and after `lockWaitMs` load it themselves, uncached).
 *   With `refreshAheadMs`, a reader that sees the entry within that much of its expiry reloads it
 *   early (under the same lock) while everyone else keeps reading the current value.
 * - Penetration: lookups of ids that do not exist never fill the cache, so each goes to the
 *   source. A miss is cached too, as a negative entry with a short TTL (`negativeTtlMs`).
 * - Redis down or slow: the cache is an optimization. Any Redis error (or no reply within
 *   `redisTimeoutMs`) makes `get` read the source directly: slower, still correct.
 */
import type { PatternClient } from './client.js';
import { RELEASE_SCRIPT } from './lock.js';
import { jittered, type Runtime, realRuntime, withTimeout } from './runtime.js';

export interface CacheOptions<T> {
  /** Key prefix (default `cache:`). */
  prefix?: string;
  /** TTL of a cached value in ms (default 300 000). */
  ttlMs?: number;
  /** Random extra TTL, as a fraction of ttlMs (default 0.1: up to +10 %). */
  jitter?: number;
  /** TTL of a negative entry (the source had no such row), in ms (default 30 000; 0 disables). */
  negativeTtlMs?: number;
  /** TTL of the rebuild lock: longer than a load takes (default 5 000). */
  lockTtlMs?: number;
  /** How long a reader that lost the rebuild lock waits for the winner's value (default 2 000). */
  lockWaitMs?: number;
  /** Poll interval while waiting (default 20). */
  lockPollMs?: number;
  /** Reload early when the entry has less than this many ms left (default off). */
  refreshAheadMs?: number;
  /** Real-time limit for a Redis reply before falling back to the source (default none). */
  redisTimeoutMs?: number;
  serialize?: (value: T) => string;
  deserialize?: (text: string) => T;
  /** Told about every Redis error the cache absorbed. */
  onRedisError?: (err: unknown) => void;
  runtime?: Partial<Runtime>;
}

/** Reads one row from the source of truth; undefined when there is none. */
export type Loader<T> = (id: string) => Promise<T | undefined>;

// Stored values carry a one-byte tag so that a negative entry cannot collide with any serialized value.
const VALUE = 'v';
const MISSING = 'n';

export class CacheAside<T> {
  private readonly o: Required<Omit<CacheOptions<T>, 'refreshAheadMs' | 'redisTimeoutMs' | 'onRedisError' | 'runtime'>> &
    Pick<CacheOptions<T>, 'refreshAheadMs' | 'redisTimeoutMs' | 'onRedisError'>;
  private readonly rt: Runtime;

  constructor(
    private readonly client: PatternClient,
    private readonly loader: Loader<T>,
    opts: CacheOptions<T> = {},
  ) {
    this.o = {
      prefix: 'cache:',
      ttlMs: 300_000,
      jitter: 0.1,
      negativeTtlMs: 30_000,
      lockTtlMs: 5_000,
      lockWaitMs: 2_000,
      lockPollMs: 20,
      serialize: JSON.stringify,
      deserialize: JSON.parse,
      // An option given as undefined keeps its default.
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    };
    this.rt = { ...realRuntime, ...opts.runtime };
  }

  keyOf(id: string): string {
    return this.o.prefix + id;
  }

  /** The cached value, or the source's (then cached); undefined when the source has no such row. */
  async get(id: string): Promise<T | undefined> {
    const key = this.keyOf(id);
    let cached: string | null;
    try {
      cached = await this.redis(this.client.get(key));
    } catch (err) {
      this.o.onRedisError?.(err);
      return this.loader(id);
    }
    if (cached !== null) {
      if (this.o.refreshAheadMs !== undefined) await this.maybeRefreshAhead(id, key);
      return this.decode(cached);
    }
    return this.rebuild(id, key);
  }

  /** Drops the cached entry; call after every write to the source. */
  async invalidate(id: string): Promise<void> {
    try {
      await this.redis(this.client.del(this.keyOf(id)));
    } catch (err) {
      // The entry, if any, still expires by its TTL.
      this.o.onRedisError?.(err);
    }
  }

  /** Writes through `write` to the source, then invalidates. */
  async update<R>(id: string, write: () => Promise<R>): Promise<R> {
    const r = await write();
    await this.invalidate(id);
    return r;
  }

  private decode(stored: string): T | undefined {
    return stored.startsWith(VALUE) ? this.o.deserialize(stored.slice(1)) : undefined;
  }

  /** A miss: one reader (the lock winner) loads and fills; the others wait for its value. */
  private async rebuild(id: string, key: string): Promise<T | undefined> {
    const lockKey = `${key}:lock`;
    const token = this.rt.uniqueId();
    let won: boolean;
    try {
      won = await this.redis(this.client.set(lockKey, token, { nx: true, px: this.o.lockTtlMs }));
    } catch (err) {
      this.o.onRedisError?.(err);
      return this.loader(id);
    }
    if (won) {
      try {
        // A winner that filled the cache and released the lock between our GET and our SET NX
        // leaves nothing to do: read again before loading.
        const filled = await this.redis(this.client.get(key)).catch(() => null);
        if (filled !== null) return this.decode(filled);
        return await this.loadAndFill(id, key);
      } finally {
        await this.redis(RELEASE_SCRIPT.run(this.client, [lockKey], [token])).catch((err) => this.o.onRedisError?.(err));
      }
    }
    for (let waited = 0; waited < this.o.lockWaitMs; waited += this.o.lockPollMs) {
      await this.rt.sleep(this.o.lockPollMs);
      let cached: string | null;
      try {
        cached = await this.redis(this.client.get(key));
      } catch (err) {
        this.o.onRedisError?.(err);
        break;
      }
      if (cached !== null) return this.decode(cached);
    }
    // The winner is slow or died: correct before fast, read the source ourselves.
    return this.loader(id);
  }

  private async loadAndFill(id: string, key: string): Promise<T | undefined> {
    const value = await this.loader(id);
    try {
      if (value !== undefined) {
        await this.redis(
          this.client.set(key, VALUE + this.o.serialize(value), { px: jittered(this.o.ttlMs, this.o.jitter, this.rt.random) }),
        );
      } else if (this.o.negativeTtlMs > 0) {
        await this.redis(this.client.set(key, MISSING, { px: this.o.negativeTtlMs }));
      }
    } catch (err) {
      this.o.onRedisError?.(err);
    }
    return value;
  }

  /** Early recomputation: near expiry, the lock winner reloads while the others keep the current value. */
  private async maybeRefreshAhead(id: string, key: string): Promise<void> {
    try {
      const left = await this.redis(this.client.pttl(key));
      if (left < 0 || left > (this.o.refreshAheadMs ?? 0)) return;
      const lockKey = `${key}:lock`;
      const token = this.rt.uniqueId();
      if (!(await this.redis(this.client.set(lockKey, token, { nx: true, px: this.o.lockTtlMs })))) return;
      try {
        await this.loadAndFill(id, key);
      } finally {
        await this.redis(RELEASE_SCRIPT.run(this.client, [lockKey], [token]));
      }
    } catch (err) {
      this.o.onRedisError?.(err);
    }
  }

  private redis<R>(p: Promise<R>): Promise<R> {
    return withTimeout(p, this.o.redisTimeoutMs);
  }
}
