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
 * Layout (issue #17, bytes per key): the dict maps a key to a slot number (a small integer V8
 * stores inline in the Map entry); the slot holds the key, its value and, in typed arrays, its
 * creation sequence number and the access metadata of a plain string. A plain string (what SET,
 * MSET, INCR and RDB load create) is stored bare, with no RedisObject: about 130 bytes per small
 * string key instead of about 230. A command that asks for the RedisObject of such a string
 * (lookup, get, OBJECT, DEBUG OBJECT, APPEND...) gets one created from the slot's metadata and
 * stored in its place ("promoted"), so identity, in-place changes and WeakSet marks behave as
 * before; the next SET stores a bare string again. Metadata lives in exactly one place: the
 * object when there is one, the typed arrays otherwise.
 *
 * SCAN order: slots are appended in creation order and each gets a sequence number, so a cursor
 * (the next sequence number) survives inserts and deletes and every key present for the whole
 * iteration is returned exactly once. A deleted key leaves a hole; holes are compacted away once
 * they are half the slots (amortized O(1) per delete), which renumbers slots but keeps sequence
 * numbers and order.
 */

import { randomLiveIndex } from '../types/scan-index.js';
import { RedisError, WRONGTYPE } from './errors.js';
import { RECLAIM_MIN_KEYS, reclaimSoon } from './reclaim.js';
import { EXPIRE_OVERHEAD, RedisObject, stringKeySize, type TypeValues, type ValueType } from './values.js';

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

/** What a slot holds: a bare (plain) string, or a RedisObject. */
type Stored = string | RedisObject;

const INITIAL_SLOTS = 8;

export class Database {
  expires = new Map<string, number>();
  /** Sum of the live keys' estimated sizes (see engine/eviction.ts); a bare string's is exact. */
  mem = 0;
  /** key → slot. Map order is creation order (KEYS, iteration); slots are SCAN order. */
  private slotOf = new Map<string, number>();
  /** Per slot: its key, undefined for a hole. `slotKeys.length` is the number of slots in use. */
  private slotKeys: (string | undefined)[] = [];
  /** Per slot: the value, a bare string or a RedisObject. */
  private slotVals: (Stored | undefined)[] = [];
  /** Per slot: creation sequence number (SCAN cursors). */
  private seqs = new Float64Array(INITIAL_SLOTS);
  /** Per slot, bare strings only: last access time (OBJECT IDLETIME, LRU eviction). */
  private lrus = new Float64Array(INITIAL_SLOTS);
  /** Per slot, bare strings only: access count (OBJECT FREQ, LFU eviction), saturating. */
  private freqs = new Uint32Array(INITIAL_SLOTS);
  private dead = 0;
  private nextSeq = 1;

  constructor(
    public readonly index: number,
    private readonly host: DatabaseHost,
  ) {}

  /** Number of keys, expired-but-not-yet-removed included (as DBSIZE in Redis). */
  get size(): number {
    return this.slotOf.size;
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
    return this.entry(key);
  }

  /**
   * Like lookup, counted in keyspace hits/misses (and "keymiss" unless `notify` is false) but not
   * an access: Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH) of EXISTS, TYPE, TTL, and with
   * LOOKUP_NONOTIFY of OBJECT.
   */
  lookupNoTouch(key: string, notify = true): RedisObject | undefined {
    const o = this.expireIfNeeded(key) ? undefined : this.entry(key);
    this.host.keyspaceLookup?.(o !== undefined, this, key, notify);
    return o;
  }

  /** Like lookup, and records the access for OBJECT IDLETIME / FREQ. */
  lookupTouch(key: string): RedisObject | undefined {
    const o = this.expireIfNeeded(key) ? undefined : this.entry(key);
    if (o) {
      o.lru = this.host.now();
      o.freq++;
    }
    this.host.keyspaceLookup?.(o !== undefined, this, key);
    return o;
  }

  /**
   * lookupTouch without creating a RedisObject for a bare string: the value as stored (a string
   * for a bare string, else its RedisObject), undefined if missing. The path of GET, MGET, SET.
   */
  lookupTouchValue(key: string): Stored | undefined {
    const slot = this.expireIfNeeded(key) ? undefined : this.slotOf.get(key);
    if (slot === undefined) {
      this.host.keyspaceLookup?.(false, this, key);
      return undefined;
    }
    const v = this.slotVals[slot] as Stored;
    const now = this.host.now();
    if (typeof v === 'string') {
      this.lrus[slot] = now;
      const f = this.freqs;
      if (f[slot] !== 0xffffffff) f[slot] = (f[slot] as number) + 1;
    } else {
      v.lru = now;
      v.freq++;
    }
    this.host.keyspaceLookup?.(true, this, key);
    return v;
  }

  /** The string at `key` (an access), undefined if missing; WRONGTYPE for other types. */
  readString(key: string): string | undefined {
    const v = this.lookupTouchValue(key);
    if (v === undefined || typeof v === 'string') return v;
    if (v.type !== 'string') throw new RedisError(WRONGTYPE);
    return v.value as string;
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
    return this.slotOf.has(key);
  }

  /** Whether `key` is present, expired or not (no expiry check). */
  hasKey(key: string): boolean {
    return this.slotOf.has(key);
  }

  /**
   * The RedisObject of `key` with no expiry check and no access: a bare string is promoted (its
   * object created and stored), so the object is the key's own.
   */
  entry(key: string): RedisObject | undefined {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return undefined;
    const v = this.slotVals[slot] as Stored;
    if (typeof v !== 'string') return v;
    const o = new RedisObject('string', v, this.lrus[slot] as number);
    o.freq = this.freqs[slot] as number;
    o.mem = stringKeySize(key, v);
    this.slotVals[slot] = o;
    return o;
  }

  /**
   * Every key with its value in creation order, no expiry check. A bare string is passed as a
   * RedisObject that is not stored: read it, or copy it; changing it changes nothing. With
   * `reuse` it is one object for every bare string of the walk, valid only during its `visit`
   * (SAVE, DEBUG DIGEST: no allocation per key).
   */
  forEach(visit: (key: string, o: RedisObject) => void, reuse = false): void {
    let view: RedisObject | undefined;
    for (const [key, slot] of this.slotOf) {
      const v = this.slotVals[slot] as Stored;
      if (typeof v !== 'string') {
        visit(key, v);
        continue;
      }
      let o = view;
      if (o === undefined) {
        o = new RedisObject('string', v, this.lrus[slot] as number);
        if (reuse) view = o;
      } else {
        o.value = v;
        o.lru = this.lrus[slot] as number;
      }
      o.freq = this.freqs[slot] as number;
      o.mem = stringKeySize(key, v);
      visit(key, o);
    }
  }

  /** The type of `key`'s value, undefined if missing (no expiry check, no access). */
  typeOf(key: string): ValueType | undefined {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return undefined;
    const v = this.slotVals[slot] as Stored;
    return typeof v === 'string' ? 'string' : v.type;
  }

  /** Last access time of a present key (OBJECT IDLETIME's clock; LRU eviction). */
  lruOf(key: string): number {
    const slot = this.slotOf.get(key) as number;
    const v = this.slotVals[slot] as Stored;
    return typeof v === 'string' ? (this.lrus[slot] as number) : v.lru;
  }

  /** Access count of a present key (OBJECT FREQ's input; LFU eviction). */
  freqOf(key: string): number {
    const slot = this.slotOf.get(key) as number;
    const v = this.slotVals[slot] as Stored;
    return typeof v === 'string' ? (this.freqs[slot] as number) : v.freq;
  }

  /**
   * Re-measures a present key for maxmemory with `size` (engine/eviction.ts's estimateSize); a
   * bare string's size is always exact and needs nothing.
   */
  remeasure(key: string, size: (key: string, o: RedisObject) => number): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    const v = this.slotVals[slot] as Stored;
    if (typeof v === 'string') return;
    const m = size(key, v);
    this.mem += m - v.mem;
    v.mem = m;
  }

  /** Re-measures every key (O(N)); the database's sum is recomputed. */
  remeasureAll(size: (key: string, o: RedisObject) => number): void {
    let sum = 0;
    for (const [key, slot] of this.slotOf) {
      const v = this.slotVals[slot] as Stored;
      if (typeof v === 'string') sum += stringKeySize(key, v);
      else {
        v.mem = size(key, v);
        sum += v.mem;
      }
    }
    this.mem = sum;
  }

  /** Adds a new key (it must not exist, or exist only as a hidden expired key, which it replaces). */
  add(key: string, obj: RedisObject): void {
    if (this.slotOf.has(key)) this.removeKey(key);
    this.newSlot(key, obj);
    this.mem += obj.mem;
    this.host.keyAdded?.(this, key, obj.type);
  }

  /**
   * Adds a new key holding the plain string `value`, stored bare (RDB load): accessed at `lru`,
   * `freq` accesses. No keyspace event. The key must not exist.
   */
  addString(key: string, value: string, lru: number, freq = 0): void {
    const slot = this.newSlot(key, value);
    this.lrus[slot] = lru;
    this.freqs[slot] = freq;
    this.mem += stringKeySize(key, value);
  }

  private newSlot(key: string, v: Stored): number {
    const slot = this.slotKeys.length;
    if (slot === this.seqs.length) this.growSlots(slot + (slot >> 1) + 8);
    this.slotKeys.push(key);
    this.slotVals.push(v);
    this.seqs[slot] = this.nextSeq++;
    this.slotOf.set(key, slot);
    return slot;
  }

  /** Reallocates the typed arrays to `capacity` slots (at least the slots in use). */
  private growSlots(capacity: number): void {
    const n = this.slotKeys.length;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs.subarray(0, n));
    this.seqs = seqs;
    const lrus = new Float64Array(capacity);
    lrus.set(this.lrus.subarray(0, n));
    this.lrus = lrus;
    const freqs = new Uint32Array(capacity);
    freqs.set(this.freqs.subarray(0, n));
    this.freqs = freqs;
  }

  /**
   * Sets `key` to `obj`, replacing any value. The deadline is removed unless `keepTtl`
   * (SET ... KEEPTTL, and in-place changes that Redis does not treat as a new value).
   */
  set(key: string, obj: RedisObject, keepTtl = false): void {
    const slot = this.replaceableSlot(key, keepTtl);
    if (slot === undefined) return this.add(key, obj);
    this.mem += obj.mem - this.memAt(key, slot);
    this.slotVals[slot] = obj;
  }

  /**
   * Sets `key` to the plain string `value`, stored bare (SET, MSET, GETSET, INCR, APPEND of a new
   * key). Replacing a live key keeps its access count (Redis's dbSetValue keeps the old object's
   * LFU counter; the callers have just touched the key) and makes now its access time.
   */
  setString(key: string, value: string, keepTtl = false): void {
    const now = this.host.now();
    const slot = this.replaceableSlot(key, keepTtl);
    if (slot === undefined) {
      const s = this.newSlot(key, value);
      this.lrus[s] = now;
      this.freqs[s] = 0;
      this.mem += stringKeySize(key, value);
      this.host.keyAdded?.(this, key, 'string');
      return;
    }
    const old = this.slotVals[slot] as Stored;
    if (typeof old !== 'string') this.freqs[slot] = this.hiddenReplaced ? 0 : Math.min(old.freq, 0xffffffff);
    else if (this.hiddenReplaced) this.freqs[slot] = 0;
    this.lrus[slot] = now;
    this.mem += stringKeySize(key, value) - this.memAt(key, slot);
    this.slotVals[slot] = value;
  }

  /** Whether the last replaceableSlot replaced a hidden expired key (its counter is not kept). */
  private hiddenReplaced = false;

  /**
   * The slot of `key` about to be overwritten, or undefined when it is missing (an expired key
   * is removed first). A hidden expired key (expiryMode 'hide') is replaced in place and loses
   * its deadline; a live one loses it unless `keepTtl`.
   */
  private replaceableSlot(key: string, keepTtl: boolean): number | undefined {
    const hidden = this.expireIfNeeded(key);
    const slot = this.slotOf.get(key);
    this.hiddenReplaced = hidden;
    if (slot !== undefined && (hidden || !keepTtl)) this.persist(key);
    return slot;
  }

  /** The estimated size counted in `mem` for the key at `slot`. */
  private memAt(key: string, slot: number): number {
    const v = this.slotVals[slot] as Stored;
    return typeof v === 'string' ? stringKeySize(key, v) : v.mem;
  }

  /** Deletes `key`; true if it existed (and was not expired). */
  delete(key: string): boolean {
    if (this.expireIfNeeded(key)) return false;
    return this.removeKey(key);
  }

  /** Removes a key with no expiry check and no events. */
  removeKey(key: string): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.mem -= this.memAt(key, slot);
    this.slotOf.delete(key);
    this.slotKeys[slot] = undefined;
    this.slotVals[slot] = undefined;
    this.persist(key);
    this.dead++;
    if (this.slotOf.size === 0) this.resetSlots();
    else if (this.dead > 1024 && this.dead * 2 > this.slotKeys.length) this.compactSlots();
    return true;
  }

  /** Sets the absolute deadline of an existing key. */
  setExpire(key: string, at: number): void {
    this.loadExpire(key, at);
    this.host.expireScheduled(this, key, at);
  }

  /** The deadline of `key`, or undefined when it has none. */
  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  /** Sets a deadline with no scheduling (RDB load: expiry runs on the loaded node's clock later). */
  loadExpire(key: string, at: number): void {
    if (!this.expires.has(key)) this.mem += EXPIRE_OVERHEAD;
    this.expires.set(key, at);
  }

  /** Removes the deadline; true if there was one. */
  persist(key: string): boolean {
    if (!this.expires.delete(key)) return false;
    this.mem -= EXPIRE_OVERHEAD;
    return true;
  }

  /** Empties the database. */
  clear(): void {
    if (this.slotOf.size >= RECLAIM_MIN_KEYS) reclaimSoon();
    this.slotOf = new Map();
    this.expires = new Map();
    this.mem = 0;
    this.resetSlots();
  }

  /** No slots (the keyspace is empty); sequence numbers keep growing, so old cursors stay valid. */
  private resetSlots(): void {
    this.slotKeys = [];
    this.slotVals = [];
    this.seqs = new Float64Array(INITIAL_SLOTS);
    this.lrus = new Float64Array(INITIAL_SLOTS);
    this.freqs = new Uint32Array(INITIAL_SLOTS);
    this.dead = 0;
  }

  /** Exchanges contents with another database (SWAPDB): clients stay on their index. */
  swapWith(other: Database): void {
    [this.slotOf, other.slotOf] = [other.slotOf, this.slotOf];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.mem, other.mem] = [other.mem, this.mem];
    [this.slotKeys, other.slotKeys] = [other.slotKeys, this.slotKeys];
    [this.slotVals, other.slotVals] = [other.slotVals, this.slotVals];
    [this.seqs, other.seqs] = [other.seqs, this.seqs];
    [this.lrus, other.lrus] = [other.lrus, this.lrus];
    [this.freqs, other.freqs] = [other.freqs, this.freqs];
    [this.dead, other.dead] = [other.dead, this.dead];
    [this.nextSeq, other.nextSeq] = [other.nextSeq, this.nextSeq];
  }

  /** All keys, expired ones included, in creation order (no expiry check). */
  allKeys(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  /** All live keys (expired ones skipped, not removed). */
  *keys(): IterableIterator<string> {
    const now = this.host.now();
    for (const key of this.slotOf.keys()) {
      const at = this.expires.get(key);
      if (at === undefined || !deadlinePassed(at, now)) yield key;
    }
  }

  /**
   * One SCAN step: visits up to `count` keys starting at cursor `cursor`, calling `visit` for each
   * key still present. Returns the next cursor (0 when the iteration is complete).
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    const keys = this.slotKeys;
    const seqs = this.seqs;
    const n = keys.length;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seqs[mid] as number) < cursor) lo = mid + 1;
      else hi = mid;
    }
    let visited = 0;
    let i = lo;
    for (; i < n && visited < count; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      visited++;
      visit(key);
    }
    // Skip trailing holes so a finished iteration reports 0 at once. (`visit` may not delete.)
    while (i < n && keys[i] === undefined) i++;
    return i < n ? (seqs[i] as number) : 0;
  }

  /**
   * A random key for RANDOMKEY, O(1) expected: samples the slots (at least half live once there
   * are many). Expired keys may be returned; the caller expires them and asks again.
   */
  randomKey(): string | undefined {
    if (this.slotOf.size === 0) return undefined;
    const keys = this.slotKeys;
    return keys[randomLiveIndex(keys.length, (i) => keys[i] !== undefined)];
  }

  /** Moves the live slots down over the holes, keeping their order and sequence numbers. */
  private compactSlots(): void {
    const keys = this.slotKeys;
    const vals = this.slotVals;
    const { seqs, lrus, freqs } = this;
    let j = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      if (i !== j) {
        keys[j] = key;
        vals[j] = vals[i];
        seqs[j] = seqs[i] as number;
        lrus[j] = lrus[i] as number;
        freqs[j] = freqs[i] as number;
        this.slotOf.set(key, j);
      }
      j++;
    }
    keys.length = j;
    vals.length = j;
    this.dead = 0;
    if (seqs.length > 4 * j + INITIAL_SLOTS) this.growSlots(j + (j >> 1) + INITIAL_SLOTS);
  }
}
