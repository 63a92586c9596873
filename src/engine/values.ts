/**
 * The values a key can hold. A Redis string is a JS string with one byte per character (latin1).
 */
import type { Deque } from '../types/deque.js';
import type { SortedSet } from '../types/sortedset.js';
import type { Stream } from '../types/stream.js';

export interface TypeValues {
  string: string;
  list: Deque<string>;
  hash: Map<string, string>;
  set: Set<string>;
  zset: SortedSet;
  stream: Stream;
}

export type ValueType = keyof TypeValues;

export class RedisObject<T extends ValueType = ValueType> {
  /** Last access time (node clock, ms) for OBJECT IDLETIME. */
  lru: number;
  /** Insertion sequence in its database: SCAN's cursor order. Kept when the value is overwritten. */
  seq = 0;
  /**
   * For strings: true once modified in place (APPEND, SETRANGE), which makes OBJECT ENCODING
   * report "raw" as Redis does.
   */
  raw = false;
  /** LFU counter for OBJECT FREQ. */
  freq = 0;
  /** Estimated size in bytes of this key, as last measured for maxmemory (engine/eviction.ts). */
  mem = 0;

  constructor(
    public readonly type: T,
    public value: TypeValues[T],
    now: number,
  ) {
    this.lru = now;
  }

  is<K extends ValueType>(type: K): this is RedisObject<K> {
    return (this.type as ValueType) === type;
  }
}
