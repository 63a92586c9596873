/**
 * The values a key can hold. A Redis string is a JS string with one byte per character (latin1).
 */
import type { QuickList } from '../types/quicklist.js';
import type { SortedSet } from '../types/sortedset.js';
import type { Stream } from '../types/stream.js';

export interface TypeValues {
  string: string;
  list: QuickList;
  hash: Map<string, string>;
  set: Set<string>;
  zset: SortedSet;
  stream: Stream;
}

export type ValueType = keyof TypeValues;

/**
 * Access times are stored relative to this instant so that, on the system clock, they stay small
 * integers (kept inline by V8) instead of a boxed heap number per key. Any time still works.
 */
const LRU_EPOCH = Math.floor(Date.now());

/*
 * The maxmemory estimate is calibrated against what V8 (Node 20, x86-64) really keeps per key
 * (heapUsed + external after a GC, divided by the keys; engine/eviction.ts weighs collections):
 * a key costs its slot in the database (KEY_OVERHEAD) plus its name and value strings, and a
 * deadline its entry in the expires map (EXPIRE_OVERHEAD, counted by the database as deadlines
 * come and go). test/maxmemory-heap.test.ts keeps the real heap within a stated factor of
 * maxmemory.
 */
export const KEY_OVERHEAD = 128;
export const EXPIRE_OVERHEAD = 124;

/** What V8 takes for a one-byte string of `n` characters: a 16-byte header, n rounded up to 8. */
export function stringCost(n: number): number {
  return 16 + Math.ceil(n / 8) * 8;
}

/** The maxmemory estimate of `key` holding the string `value` (engine/eviction.ts's estimateSize). */
export function stringKeySize(key: string, value: string): number {
  return KEY_OVERHEAD + stringCost(key.length) + stringCost(value.length);
}

/**
 * A key's value with its metadata. A database keeps plain strings (as SET and RDB load create
 * them) without this wrapper, their metadata in its own typed arrays (engine/database.ts); a
 * RedisObject exists for every other value, and for a string once a command asks for it.
 */
export class RedisObject<T extends ValueType = ValueType> {
  /** Last access time minus LRU_EPOCH (see `lru`). */
  private lruRel: number;
  /** `raw` (lowest bit) and `freq` (the rest), packed: one field per key instead of two. */
  private bits = 0;
  /** Estimated size in bytes of this key, as last measured for maxmemory (engine/eviction.ts). */
  mem = 0;

  constructor(
    public readonly type: T,
    public value: TypeValues[T],
    now: number,
  ) {
    this.lruRel = now - LRU_EPOCH;
  }

  /** Last access time (node clock, ms) for OBJECT IDLETIME. */
  get lru(): number {
    return this.lruRel + LRU_EPOCH;
  }

  set lru(now: number) {
    this.lruRel = now - LRU_EPOCH;
  }

  /**
   * For strings: true once modified in place (APPEND, SETRANGE), which makes OBJECT ENCODING
   * report "raw" as Redis does.
   */
  get raw(): boolean {
    return this.bits % 2 === 1;
  }

  set raw(v: boolean) {
    this.bits = this.bits - (this.bits % 2) + (v ? 1 : 0);
  }

  /** LFU counter for OBJECT FREQ. */
  get freq(): number {
    return Math.floor(this.bits / 2);
  }

  set freq(v: number) {
    this.bits = v * 2 + (this.bits % 2);
  }

  is<K extends ValueType>(type: K): this is RedisObject<K> {
    return (this.type as ValueType) === type;
  }
}
