/**
 * OBJECT ENCODING, OBJECT REFCOUNT and OBJECT FREQ as Redis 7.0 reports them.
 *
 * redis-sim stores every value in one JS structure per type; Redis picks a compact encoding
 * while a value is small and converts it, one way, once it grows. This module derives Redis's
 * answer from the value and the config thresholds:
 *
 * - string: "int" when the value is a canonical int64 (string2ll: no '+', no leading zeros, not
 *   "-0", at most 20 chars), "embstr" up to 44 bytes, "raw" above, and "raw" once modified in
 *   place (APPEND, SETRANGE: RedisObject.raw). Values Redis creates without tryObjectEncoding
 *   (INCRBYFLOAT's result) are never "int": see markNotInt.
 * - list: always "quicklist" (7.0 has no listpack lists; list-max-listpack-size shapes nodes).
 * - hash: "listpack" while it has at most hash-max-listpack-entries fields and every field and
 *   value is at most hash-max-listpack-value bytes, then "hashtable" for good.
 * - set: "intset" while every member is an int64 and there are at most set-max-intset-entries,
 *   then "hashtable" for good (7.0 has no listpack sets; set-max-listpack-* is 7.2).
 * - zset: the sorted set's own `encoding` ("listpack"/"skiplist"), which its commands maintain.
 * - stream: "stream".
 *
 * Hash and set types that track their own `encoding` (types/hash.ts, types/set.ts) are trusted;
 * the rules below apply to plain Map/Set values (seeded directly through the API).
 *
 * "For good": Redis never converts a hashtable back. For plain Map/Set values the conversion is
 * remembered (a WeakSet, so nothing leaks) once an OBJECT ENCODING has seen it; the hash and set
 * types of the command families track it on every write themselves.
 */
import { parseInteger } from '../protocol/numbers.js';
import type { RedisNode } from './node.js';
import type { RedisObject } from './values.js';

/** Thresholds with Redis 7.0's defaults, used when the config store lacks a parameter. */
const DEFAULTS: Record<string, number> = {
  'hash-max-listpack-entries': 512,
  'hash-max-listpack-value': 64,
  'set-max-intset-entries': 512,
  'zset-max-listpack-entries': 128,
  'zset-max-listpack-value': 64,
  'lfu-log-factor': 10,
  'lfu-decay-time': 1,
};

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_LIMIT = 44;
/** OBJ_SHARED_INTEGERS: 0..9999 are shared objects (OBJECT REFCOUNT = INT_MAX). */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/** Values (hash Map, set Set) already converted to "hashtable". */
const converted = new WeakSet<object>();
/** String objects created without tryObjectEncoding (never "int"). */
const notInt = new WeakSet<RedisObject>();
/** Int-encoded strings that are private copies (COPY's dupStringObject): refcount 1. */
const unshared = new WeakSet<RedisObject>();

export function configNumber(node: RedisNode, name: string): number {
  const p = node.config.param(name);
  if (!p) return DEFAULTS[name] ?? 0;
  return Number(node.config.get(name));
}

export function configString(node: RedisNode, name: string, dflt: string): string {
  return node.config.param(name) ? node.config.get(name) : dflt;
}

/** The string was created as createStringObject does (INCRBYFLOAT): "embstr"/"raw", not "int". */
export function markNotInt(o: RedisObject): void {
  notInt.add(o);
}

/** A COPY of a string: keeps the encoding, but a copied small integer is not the shared object. */
export function copyStringEncoding(from: RedisObject, to: RedisObject): void {
  to.raw = from.raw;
  if (notInt.has(from)) notInt.add(to);
  unshared.add(to);
}

/** A converted hash or set stays converted in its copy (COPY duplicates the encoding). */
export function copyCollectionEncoding(from: object, to: object): void {
  if (converted.has(from)) converted.add(to);
}

/** String encoding by tryObjectEncoding's rules. */
export function stringEncoding(o: RedisObject<'string'>): 'int' | 'embstr' | 'raw' {
  const s = o.value;
  if (o.raw) return 'raw';
  if (!notInt.has(o) && s.length <= 20 && parseInteger(s) !== null) return 'int';
  return s.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

function hashIsCompact(node: RedisNode, h: Map<string, string>): boolean {
  if (converted.has(h)) return false;
  if (h.size > configNumber(node, 'hash-max-listpack-entries')) return false;
  const max = configNumber(node, 'hash-max-listpack-value');
  // Bounded by hash-max-listpack-entries.
  for (const [f, v] of h) if (f.length > max || v.length > max) return false;
  return true;
}

function setIsIntset(node: RedisNode, s: Set<string>): boolean {
  if (converted.has(s)) return false;
  if (s.size > configNumber(node, 'set-max-intset-entries')) return false;
  // Bounded by set-max-intset-entries.
  for (const m of s) if (m.length > 20 || parseInteger(m) === null) return false;
  return true;
}

/** OBJECT ENCODING of a value. */
export function objectEncoding(node: RedisNode, o: RedisObject): string {
  switch (o.type) {
    case 'string':
      return stringEncoding(o as RedisObject<'string'>);
    case 'list':
      return 'quicklist';
    case 'hash': {
      const h = o.value as Map<string, string> & { encoding?: string };
      if (typeof h.encoding === 'string') return h.encoding;
      if (hashIsCompact(node, h)) return 'listpack';
      converted.add(h);
      return 'hashtable';
    }
    case 'set': {
      const s = o.value as Set<string> & { encoding?: string };
      if (typeof s.encoding === 'string') return s.encoding;
      if (setIsIntset(node, s)) return 'intset';
      converted.add(s);
      return 'hashtable';
    }
    case 'zset': {
      const z = o.value as { encoding?: string; size: number };
      if (z.encoding) return z.encoding;
      return z.size > configNumber(node, 'zset-max-listpack-entries') ? 'skiplist' : 'listpack';
    }
    default:
      return 'stream';
  }
}

/** Whether the node shares integer objects (not under an LRU/LFU maxmemory policy with maxmemory set). */
function sharesIntegers(node: RedisNode): boolean {
  if (configNumber(node, 'maxmemory') === 0) return true;
  const policy = configString(node, 'maxmemory-policy', 'noeviction');
  return !(policy.includes('lru') || policy.includes('lfu'));
}

/** OBJECT REFCOUNT: shared small integers report INT_MAX, every other value 1. */
export function objectRefcount(node: RedisNode, o: RedisObject): number {
  if (o.type !== 'string' || unshared.has(o)) return 1;
  if (stringEncoding(o as RedisObject<'string'>) !== 'int') return 1;
  const v = Number(o.value);
  return v >= 0 && v < SHARED_INTEGERS && sharesIntegers(node) ? SHARED_REFCOUNT : 1;
}

/** Whether maxmemory-policy is an LFU policy (OBJECT FREQ allowed, OBJECT IDLETIME refused). */
export function lfuPolicy(node: RedisNode): boolean {
  return configString(node, 'maxmemory-policy', 'noeviction').includes('lfu');
}

/**
 * OBJECT FREQ: Redis's logarithmic access counter (LFU_INIT_VAL 5, lfu-log-factor, decay by
 * lfu-decay-time minutes of idleness). Redis increments it with probability
 * 1/((counter-5)·factor+1); here the counter is the deterministic expectation of that walk over
 * the key's access count, so it grows like Redis's on average but without randomness.
 */
export function objectFreq(node: RedisNode, o: RedisObject): number {
  const factor = configNumber(node, 'lfu-log-factor');
  let accesses = o.freq;
  let counter = 5;
  while (counter < 255) {
    const cost = (counter - 5) * factor + 1;
    if (accesses < cost) break;
    accesses -= cost;
    counter++;
  }
  const decay = configNumber(node, 'lfu-decay-time');
  if (decay > 0) {
    const idleMinutes = Math.floor((node.clock.now() - o.lru) / 60000);
    counter -= Math.floor(idleMinutes / decay);
  }
  return Math.max(0, counter);
}
