/**
 * Hash commands (Redis 7.0 t_hash.c): HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS HKEYS
 * HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 *
 * Values are RedisHash (a Map in listpack order that knows its encoding). A small hash replies in
 * insertion order, as Redis's listpack; once it has more than hash-max-listpack-entries fields, or
 * a field or value longer than hash-max-listpack-value bytes is written, it is a hash table for
 * good, and Redis gives no order.
 *
 * Events: hset (HSET, HMSET, HSETNX), hdel (+ del when emptied), hincrby, hincrbyfloat.
 */
import { is, syntaxError } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, WRONG_ARITY } from '../engine/errors.js';
import { addLongDouble, formatLongDouble, isFiniteLongDouble, parseLongDouble } from '../protocol/longdouble.js';
import { parseInt64 } from '../protocol/numbers.js';
import { RedisHash } from '../types/hash.js';
import { collectionScan, parseScanCursor, replyEmptyScan } from './collection-scan.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** LONG_MAX: HRANDFIELD/SRANDMEMBER counts are in [-LONG_MAX, LONG_MAX]. */
const LONG_MAX = 9223372036854775807n;

/** An integer config parameter, or Redis's default when the config table lacks it. */
export function configNum(c: Client, name: string, dflt: number): number {
  return c.node.config.param(name) ? Number(c.node.config.get(name)) : dflt;
}

/** The hash at `key` (upgraded to a RedisHash if another module stored a plain Map). */
export function getHash(c: Client, key: string): RedisHash | undefined {
  const o = c.db.get(key, 'hash');
  if (o === undefined) return undefined;
  if (!(o.value instanceof RedisHash)) o.value = RedisHash.of(o.value);
  return o.value as RedisHash;
}

function getOrCreateHash(c: Client, key: string): RedisHash {
  const o = c.db.getOrCreate(key, 'hash', () => new RedisHash());
  if (!(o.value instanceof RedisHash)) o.value = RedisHash.of(o.value);
  return o.value as RedisHash;
}

/**
 * hashTypeSet: sets a field, converting a listpack to a hash table when the field or value is
 * longer than hash-max-listpack-value or the hash outgrows hash-max-listpack-entries.
 * Returns true when the field is new.
 */
export function hashSet(c: Client, h: RedisHash, field: string, value: string): boolean {
  if (h.listpack) {
    const max = configNum(c, 'hash-max-listpack-value', 64);
    if (field.length > max || value.length > max) h.listpack = false;
  }
  const isNew = !h.has(field);
  h.set(field, value);
  if (h.listpack && isNew && h.size > configNum(c, 'hash-max-listpack-entries', 512)) h.listpack = false;
  return isNew;
}

function written(c: Client, key: string, event: string): void {
  c.node.signalModifiedKey(c.db, key);
  c.node.notify(c.db, 'h', event, key);
}

/** HSET key field value [field value ...]: the number of new fields. */
function hset(c: Client, args: string[]): void {
  if (args.length % 2 === 1) throw new RedisError(WRONG_ARITY((args[0] as string).toLowerCase()));
  const key = args[1] as string;
  const h = getOrCreateHash(c, key);
  let created = 0;
  for (let i = 2; i < args.length; i += 2) if (hashSet(c, h, args[i] as string, args[i + 1] as string)) created++;
  written(c, key, 'hset');
  // server.dirty counts every field given, new or not.
  c.node.stats.dirty += (args.length - 2) / 2;
  if (is(args[0], 'HMSET')) c.reply.ok();
  else c.reply.int(created);
}

/** HSETNX key field value: 1 when set, 0 when the field existed (no event then). */
function hsetnx(c: Client, args: string[]): void {
  const key = args[1] as string;
  const h = getOrCreateHash(c, key);
  if (h.has(args[2] as string)) {
    c.reply.int(0);
    return;
  }
  hashSet(c, h, args[2] as string, args[3] as string);
  written(c, key, 'hset');
  c.node.stats.dirty++;
  c.reply.int(1);
}

function hget(c: Client, args: string[]): void {
  c.reply.bulkOrNil(getHash(c, args[1] as string)?.get(args[2] as string));
}

function hmget(c: Client, args: string[]): void {
  const h = getHash(c, args[1] as string);
  c.reply.bulkArray(args.slice(2).map((f) => h?.get(f)));
}

/** HDEL key field [field ...]: the number removed; the key goes when emptied. */
function hdel(c: Client, args: string[]): void {
  const key = args[1] as string;
  const h = getHash(c, key);
  if (h === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < args.length; i++) {
    if (h.delete(args[i] as string)) {
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    written(c, key, 'hdel');
    c.node.stats.dirty += deleted;
    if (removed) c.node.notify(c.db, 'g', 'del', key);
  }
  c.reply.int(deleted);
}

function hlen(c: Client, args: string[]): void {
  c.reply.int(getHash(c, args[1] as string)?.size ?? 0);
}

function hstrlen(c: Client, args: string[]): void {
  c.reply.int(getHash(c, args[1] as string)?.get(args[2] as string)?.length ?? 0);
}

function hexists(c: Client, args: string[]): void {
  c.reply.int(getHash(c, args[1] as string)?.has(args[2] as string) ? 1 : 0);
}

function hkeys(c: Client, args: string[]): void {
  const h = getHash(c, args[1] as string);
  c.reply.bulkArray(h ? [...h.keys()] : []);
}

function hvals(c: Client, args: string[]): void {
  const h = getHash(c, args[1] as string);
  c.reply.bulkArray(h ? [...h.values()] : []);
}

/** HGETALL: a map in RESP3 (a flat array in RESP2). */
function hgetall(c: Client, args: string[]): void {
  const h = getHash(c, args[1] as string);
  if (h === undefined) {
    c.reply.mapLen(0);
    return;
  }
  c.reply.mapLen(h.size);
  for (const [f, v] of h) {
    c.reply.bulk(f);
    c.reply.bulk(v);
  }
}

/** HINCRBY key field increment: the field must hold an int64; overflow is refused. */
function hincrby(c: Client, args: string[]): void {
  const key = args[1] as string;
  const field = args[2] as string;
  const incrArg = parseInt64(args[3] as string);
  if (incrArg === null) throw new RedisError('ERR value is not an integer or out of range');
  const h = getOrCreateHash(c, key);
  const cur = h.get(field);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === null) throw new RedisError('ERR hash value is not an integer');
    value = v;
  }
  const next = value + incrArg;
  if (next > INT64_MAX || next < INT64_MIN) throw new RedisError('ERR increment or decrement would overflow');
  hashSet(c, h, field, String(next));
  written(c, key, 'hincrby');
  c.node.stats.dirty++;
  c.reply.int(next);
}

/**
 * HINCRBYFLOAT key field increment: long double arithmetic and formatting as Redis (string2ld,
 * "%.17Lf" trimmed); NaN/infinite increments and results are refused.
 */
function hincrbyfloat(c: Client, args: string[]): void {
  const key = args[1] as string;
  const field = args[2] as string;
  const incr = parseLongDouble(args[3] as string);
  if (incr === null) throw new RedisError('ERR value is not a valid float');
  if (!isFiniteLongDouble(incr)) throw new RedisError('ERR value is NaN or Infinity');
  const h = getOrCreateHash(c, key);
  const cur = h.get(field);
  let value = parseLongDouble('0');
  if (cur !== undefined) {
    value = parseLongDouble(cur);
    if (value === null) throw new RedisError('ERR hash value is not a float');
  }
  const sum = addLongDouble(value as NonNullable<typeof value>, incr);
  if (!isFiniteLongDouble(sum)) throw new RedisError('ERR increment would produce NaN or Infinity');
  const s = formatLongDouble(sum);
  hashSet(c, h, field, s);
  // Replicated as HSET key field <result>: float formatting never differs on the replica.
  c.node.propagation.rewrite(['HSET', key, field, s]);
  written(c, key, 'hincrbyfloat');
  c.node.stats.dirty++;
  c.reply.bulk(s);
}

/**
 * A count argument in [-LONG_MAX, LONG_MAX] (getRangeLongFromObjectOrReply), as HRANDFIELD and
 * SRANDMEMBER take it, as a bigint (range checks must be exact).
 */
export function randomCountArg(s: string): bigint {
  const n = parseInt64(s);
  if (n === null) throw new RedisError('ERR value is not an integer or out of range');
  if (n < -LONG_MAX) throw new RedisError('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  return n;
}

/**
 * A negative count asks for |count| picks with repetition: Redis starts writing that many and, for
 * absurd counts, exhausts its memory. redis-sim refuses counts beyond 2^32 instead of hanging.
 */
export const MAX_REPEAT_PICKS = 4294967296n;

export function repeatPicks(l: bigint): number {
  const n = l < 0n ? -l : l;
  if (n > MAX_REPEAT_PICKS) throw new RedisError('ERR value is out of range');
  return Number(n);
}

/** `count` distinct random picks from `size` items (partial Fisher-Yates over indexes). */
export function distinctIndexes(size: number, count: number): number[] {
  const picked = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const vj = picked.get(j) ?? j;
    picked.set(j, picked.get(i) ?? i);
    out.push(vj);
  }
  return out;
}

/**
 * HRANDFIELD key [count [WITHVALUES]]. Without count: one field or nil. With count: up to count
 * distinct fields (the whole hash, in its order, when count >= size); a negative count may repeat
 * fields and returns exactly |count|. WITHVALUES pairs are flat in RESP2 and 2-element arrays in
 * RESP3. A huge negative count is answered as Redis does: with that many picks.
 */
function hrandfield(c: Client, args: string[]): void {
  const key = args[1] as string;
  if (args.length >= 3) {
    const lb = randomCountArg(args[2] as string);
    let withValues = false;
    if (args.length > 4 || (args.length === 4 && !is(args[3], 'WITHVALUES'))) syntaxError();
    if (args.length === 4) {
      withValues = true;
      if (lb < -(LONG_MAX / 2n) || lb > LONG_MAX / 2n) throw new RedisError('ERR value is out of range');
    }
    const l = lb >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lb);
    const h = getHash(c, key);
    if (h === undefined || l === 0) {
      c.reply.arrayLen(0);
      return;
    }
    const pair = (f: string) => {
      if (withValues && c.resp === 3) c.reply.arrayLen(2);
      c.reply.bulk(f);
      if (withValues) c.reply.bulk(h.get(f) as string);
    };
    const header = (n: number) => c.reply.arrayLen(withValues && c.resp === 2 ? n * 2 : n);
    if (l < 0 || l === 1) {
      const n = repeatPicks(lb);
      header(n);
      const fields = h.listpack ? [...h.keys()] : undefined;
      for (let i = 0; i < n; i++) {
        pair(fields ? (fields[Math.floor(Math.random() * fields.length)] as string) : (h.index.random() as string));
      }
      return;
    }
    if (l >= h.size) {
      header(h.size);
      for (const f of h.keys()) pair(f);
      return;
    }
    // Distinct fields: O(count) picks through the random index for a large hash, a partial
    // shuffle of the (at most hash-max-listpack-entries) fields for a small one.
    header(l);
    if (h.listpack || l * 3 > h.size) {
      const fields = [...h.keys()];
      for (const i of distinctIndexes(fields.length, l)) pair(fields[i] as string);
    } else {
      const seen = new Set<string>();
      while (seen.size < l) {
        const f = h.index.random() as string;
        if (seen.has(f)) continue;
        seen.add(f);
        pair(f);
      }
    }
    return;
  }
  const h = getHash(c, key);
  if (h === undefined) {
    c.reply.nil();
    return;
  }
  c.reply.bulk(h.index.random() as string);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: field, value pairs. */
function hscan(c: Client, args: string[]): void {
  const cursor = parseScanCursor(args[2] as string);
  const h = getHash(c, args[1] as string);
  if (h === undefined) return replyEmptyScan(c);
  collectionScan(c, cursor, args, 3, {
    compact: h.listpack,
    all: () => h.keys(),
    step: (cur, count, visit) => h.index.scan(cur, count, visit),
    value: (f) => h.get(f) as string,
  });
}

const base = { group: 'hash', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const W = ['write', 'hash', 'fast'] as const;
const R = ['read', 'hash', 'fast'] as const;
const RS = ['read', 'hash', 'slow'] as const;

export const hashCommands: CommandSpec[] = [
  { ...base, name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: W, since: '2.0.0', handler: hset },
  { ...base, name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: W, since: '2.0.0', handler: hsetnx },
  { ...base, name: 'hget', arity: 3, flags: ['readonly', 'fast'], acl: R, since: '2.0.0', handler: hget },
  { ...base, name: 'hmget', arity: -3, flags: ['readonly', 'fast'], acl: R, since: '2.0.0', handler: hmget },
  { ...base, name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: W, since: '2.0.0', handler: hset },
  { ...base, name: 'hdel', arity: -3, flags: ['write', 'fast'], acl: W, since: '2.0.0', handler: hdel },
  { ...base, name: 'hlen', arity: 2, flags: ['readonly', 'fast'], acl: R, since: '2.0.0', handler: hlen },
  { ...base, name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], acl: R, since: '3.2.0', handler: hstrlen },
  { ...base, name: 'hexists', arity: 3, flags: ['readonly', 'fast'], acl: R, since: '2.0.0', handler: hexists },
  {
    ...base,
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    acl: RS,
    since: '2.0.0',
    tips: ['nondeterministic_output_order'],
    handler: hkeys,
  },
  {
    ...base,
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    acl: RS,
    since: '2.0.0',
    tips: ['nondeterministic_output_order'],
    handler: hvals,
  },
  {
    ...base,
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    acl: RS,
    since: '2.0.0',
    tips: ['nondeterministic_output_order'],
    handler: hgetall,
  },
  { ...base, name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: W, since: '2.0.0', handler: hincrby },
  { ...base, name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: W, since: '2.6.0', handler: hincrbyfloat },
  {
    ...base,
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    acl: RS,
    since: '6.2.0',
    tips: ['nondeterministic_output'],
    handler: hrandfield,
  },
  { ...base, name: 'hscan', arity: -3, flags: ['readonly'], acl: RS, since: '2.8.0', tips: ['nondeterministic_output'], handler: hscan },
];
