/**
 * One of a node's numbered databases: the keyspace (key → value) and the expires table
 * (key → absolute deadline in ms on the node's clock).
 *
 * Expiry: as Redis 7.0's keyIsExpired (`now > when`, now in whole milliseconds), a key is gone once
 * the clock has passed its deadline: at the deadline millisecond itself it still exists with PTTL 0.
 * Every lookup checks it (lazy expiry, as Redis's expireIfNeeded) and the node's expiry timer
 * removes keys exactly when the clock reaches deadline + 1 ms (active expiry), so with a manual
 * clock no expired key is ever visible.
 *
 * SCAN order: each key gets a sequence number when it is created; `order` lists keys by that
 * number, so a cursor (the next sequence number) survives inserts and deletes and every key
 * present for the whole iteration is returned exactly once.
 */

import { randomLiveIndex } from '../types/scan-index.js';
import { RedisError, WRONGTYPE } from './errors.js';
import { RECLAIM_MIN_KEYS, reclaimSoon } from './reclaim.js';
import { RedisObject, type TypeValues, type ValueType } from './values.js';

export interface DatabaseHost {
  now(): number;
  /** Called when a key is removed because its deadline passed (lazy or active). */
  keyExpired(db: Database, key: string): void;
  /** Called when a key gets a deadline, so the node can arm its expiry timer. */
  expireScheduled(db: Database, key: string, at: number): void;
  /** Whether lazy expiry may delete (false on a replica, which waits for its master's DEL). */
  readonly activeExpireEnabled: boolean;
  /** Called when a key is created (Redis's dbAdd: the "new" keyspace event); `type` is its value's. */
  keyAdded?(db: Database, key: string, type: ValueType): void;
  /** Told of every touching lookup (INFO keyspace_hits / keyspace_misses). */
  keyspaceLookup?(hit: boolean, db: Database, key: string, notify?: boolean): void;
  /**
   * What an expired key is now (Redis's expireIfNeeded): 'delete' it (a primary); 'hide' it,
   * reading as missing but left for the primary's DEL (a read-only replica, or any node while
   * clients are paused: the dataset stays constant); 'keep' it, not expired at all (a replica
   * applying its primary's stream). Default 'delete'.
   */
  expiryMode?(): 'delete' | 'hide' | 'keep';
}

/**
 * Redis's keyIsExpired: whether a key with deadline `at` is expired at time `now` (ms). Time counts
 * in whole milliseconds (mstime()), and a key expires strictly after its deadline.
 */
export function deadlinePassed(at: number, now: number): boolean {
  return Math.floor(now) > at;
}

/** The first time (ms) at which a key with deadline `at` counts as expired. */
export function expiryTime(at: number): number {
  return Math.floor(at) + 1;
}

export class Database {
  dict = new Map<string, RedisObject>();
  expires = new Map<string, number>();
  /** Sum of the live objects' estimated sizes (RedisObject.mem; see engine/eviction.ts). */
  mem = 0;
  /**
   * SCAN order as two parallel arrays (key, sequence number), not an array of {key, seq} objects:
   * 16 bytes per key instead of about 48.
   */
  private orderKeys: string[] = [];
  private orderSeqs: number[] = [];
  private deadInOrder = 0;
  private nextSeq = 1;

  constructor(
    public readonly index: number,
    private readonly host: DatabaseHost,
  ) {}

  /** Number of keys, expired-but-not-yet-removed included (as DBSIZE in Redis). */
  get size(): number {
    return this.dict.size;
  }

  /** Whether `key` has a deadline that has passed. */
  isExpired(key: string): boolean {
    const at = this.expires.get(key);
    return at !== undefined && deadlinePassed(at, this.host.now());
  }

  /**
   * Whether `key` is expired for the running command: its deadline passed and it is removed
   * (expiryMode 'delete'), or left in place and reported expired ('hide'); never on a replica
   * applying its primary's stream ('keep').
   */
  expireIfNeeded(key: string): boolean {
    if (this.expires.size === 0) return false;
    const at = this.expires.get(key);
    if (at === undefined || !deadlinePassed(at, this.host.now())) return false;
    const mode = this.host.expiryMode?.() ?? 'delete';
    if (mode === 'keep') return false;
    if (mode === 'hide') return true;
    this.removeKey(key);
    this.host.keyExpired(this, key);
    return true;
  }

  /** The value at `key` (expired keys are removed first); no access-time update. */
  lookup(key: string): RedisObject | undefined {
    if (this.expireIfNeeded(key)) return undefined;
    return this.dict.get(key);
  }

  /**
   * Like lookup, counted in keyspace hits/misses (and "keymiss" unless `notify` is false) but not
   * an access: Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH) of EXISTS, TYPE, TTL, and with
   * LOOKUP_NONOTIFY of OBJECT.
   */
  lookupNoTouch(key: string, notify = true): RedisObject | undefined {
    const o = this.expireIfNeeded(key) ? undefined : this.dict.get(key);
    this.host.keyspaceLookup?.(o !== undefined, this, key, notify);
    return o;
  }

  /** Like lookup, and records the access for OBJECT IDLETIME / FREQ. */
  lookupTouch(key: string): RedisObject | undefined {
    const o = this.expireIfNeeded(key) ? undefined : this.dict.get(key);
    if (o) {
      o.lru = this.host.now();
      o.freq++;
    }
    this.host.keyspaceLookup?.(o !== undefined, this, key);
    return o;
  }

  /** The value at `key` if it has type `type`; undefined if missing; WRONGTYPE otherwise. */
  get<T extends ValueType>(key: string, type: T): RedisObject<T> | undefined {
    const o = this.lookupTouch(key);
    if (o === undefined) return undefined;
    if (o.type !== type) throw new RedisError(WRONGTYPE);
    return o as RedisObject<T>;
  }

  /** The value at `key`, created empty with `make` if missing; WRONGTYPE if of another type. */
  getOrCreate<T extends ValueType>(key: string, type: T, make: () => TypeValues[T]): RedisObject<T> {
    const o = this.get(key, type);
    if (o) return o;
    const created = new RedisObject(type, make(), this.host.now());
    this.add(key, created);
    return created;
  }

  has(key: string): boolean {
    if (this.expireIfNeeded(key)) return false;
    return this.dict.has(key);
  }

  /** Adds a new key (it must not exist, or exist only as a hidden expired key, which it replaces). */
  add(key: string, obj: RedisObject): void {
    if (this.dict.has(key)) this.removeKey(key);
    obj.seq = this.nextSeq++;
    this.dict.set(key, obj);
    this.mem += obj.mem;
    this.orderKeys.push(key);
    this.orderSeqs.push(obj.seq);
    this.host.keyAdded?.(this, key, obj.type);
  }

  /**
   * Sets `key` to `obj`, replacing any value. The deadline is removed unless `keepTtl`
   * (SET ... KEEPTTL, and in-place changes that Redis does not treat as a new value).
   */
  set(key: string, obj: RedisObject, keepTtl = false): void {
    const old = this.lookup(key) ?? this.hiddenExpired(key);
    if (old) {
      obj.seq = old.seq;
      this.dict.set(key, obj);
      this.mem += obj.mem - old.mem;
      if (!keepTtl) this.expires.delete(key);
    } else {
      this.add(key, obj);
    }
  }

  /** Shorthand for setting a string value. */
  setString(key: string, value: string, keepTtl = false): RedisObject<'string'> {
    const obj = new RedisObject('string', value, this.host.now());
    this.set(key, obj, keepTtl);
    return obj;
  }

  /** A hidden expired key being overwritten: replaced in place, its deadline dropped. */
  private hiddenExpired(key: string): RedisObject | undefined {
    const o = this.dict.get(key);
    if (o) this.expires.delete(key);
    return o;
  }

  /** Deletes `key`; true if it existed (and was not expired). */
  delete(key: string): boolean {
    if (this.expireIfNeeded(key)) return false;
    return this.removeKey(key);
  }

  /** Removes a key with no expiry check and no events. */
  removeKey(key: string): boolean {
    const o = this.dict.get(key);
    if (o === undefined) return false;
    this.dict.delete(key);
    this.mem -= o.mem;
    this.expires.delete(key);
    this.deadInOrder++;
    if (this.deadInOrder > 1024 && this.deadInOrder > this.orderKeys.length / 2) this.compactOrder();
    return true;
  }

  /** Sets the absolute deadline of an existing key. */
  setExpire(key: string, at: number): void {
    this.expires.set(key, at);
    this.host.expireScheduled(this, key, at);
  }

  /** The deadline of `key`, or undefined when it has none. */
  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  /** Removes the deadline; true if there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Empties the database. */
  clear(): void {
    if (this.dict.size >= RECLAIM_MIN_KEYS) reclaimSoon();
    this.dict = new Map();
    this.expires = new Map();
    this.mem = 0;
    this.orderKeys = [];
    this.orderSeqs = [];
    this.deadInOrder = 0;
  }

  /** Exchanges contents with another database (SWAPDB): clients stay on their index. */
  swapWith(other: Database): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.mem, other.mem] = [other.mem, this.mem];
    [this.orderKeys, other.orderKeys] = [other.orderKeys, this.orderKeys];
    [this.orderSeqs, other.orderSeqs] = [other.orderSeqs, this.orderSeqs];
    [this.deadInOrder, other.deadInOrder] = [other.deadInOrder, this.deadInOrder];
    [this.nextSeq, other.nextSeq] = [other.nextSeq, this.nextSeq];
  }

  /** All live keys (expired ones skipped, not removed). */
  *keys(): IterableIterator<string> {
    const now = this.host.now();
    for (const key of this.dict.keys()) {
      const at = this.expires.get(key);
      if (at === undefined || !deadlinePassed(at, now)) yield key;
    }
  }

  /**
   * One SCAN step: visits up to `count` keys starting at cursor `cursor`, calling `visit` for each
   * key still present. Returns the next cursor (0 when the iteration is complete).
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    // A slot is live while its key exists with that sequence number (not deleted or re-created since).
    const keys = this.orderKeys;
    const seqs = this.orderSeqs;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seqs[mid] as number) < cursor) lo = mid + 1;
      else hi = mid;
    }
    let visited = 0;
    let i = lo;
    for (; i < keys.length && visited < count; i++) {
      if (!this.liveAt(i)) continue;
      visited++;
      visit(keys[i] as string);
    }
    // Skip trailing holes so a finished iteration reports 0 at once.
    while (i < keys.length && !this.liveAt(i)) i++;
    return i < keys.length ? (seqs[i] as number) : 0;
  }

  /**
   * A random key for RANDOMKEY, O(1) expected: samples the SCAN order (at least half live once
   * it is large). Expired keys may be returned; the caller expires them and asks again.
   */
  randomKey(): string | undefined {
    if (this.dict.size === 0) return undefined;
    return this.orderKeys[randomLiveIndex(this.orderKeys.length, (i) => this.liveAt(i))];
  }

  /** Whether slot `i` of the SCAN order is live: its key exists with that sequence number (not deleted or re-created since). */
  private liveAt(i: number): boolean {
    return this.dict.get(this.orderKeys[i] as string)?.seq === this.orderSeqs[i];
  }

  private compactOrder(): void {
    const keys: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.orderKeys.length; i++) {
      if (!this.liveAt(i)) continue;
      keys.push(this.orderKeys[i] as string);
      seqs.push(this.orderSeqs[i] as number);
    }
    this.orderKeys = keys;
    this.orderSeqs = seqs;
    this.deadInOrder = 0;
  }
}
