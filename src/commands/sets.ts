/**
 * Set commands (Redis 7.0 t_set.c): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP
 * SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 *
 * Values are RedisSet. A set of canonical int64s with at most set-max-intset-entries members is an
 * intset and replies in numeric order; any other set is a hash table (no order in Redis; insertion
 * order here). Results of SUNION/SDIFF (and every *STORE) are built as Redis builds them, starting
 * from an intset, so an all-integer result is ordered as Redis orders it; SINTER replies in the
 * order of the smallest input, which it iterates (O(N*M) for N = smallest cardinality).
 *
 * Events: sadd, srem (+ del when emptied), spop, smove's srem + sadd, sinterstore / sunionstore /
 * sdiffstore (or del when the stored result is empty and the destination existed).
 */
import { is, syntaxError } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, WRONGTYPE } from '../engine/errors.js';
import { RedisObject } from '../engine/values.js';
import { parseInt64 } from '../protocol/numbers.js';
import { RedisSet } from '../types/set.js';
import { collectionScan, parseScanCursor, replyEmptyScan } from './collection-scan.js';
import { configNum, distinctIndexes, randomCountArg, repeatPicks } from './hashes.js';

function maxIntset(c: Client): number {
  return configNum(c, 'set-max-intset-entries', 512);
}

/** The set at `key` (upgraded to a RedisSet if another module stored a plain Set). */
export function getSet(c: Client, key: string): RedisSet | undefined {
  const o = c.db.get(key, 'set');
  if (o === undefined) return undefined;
  if (!(o.value instanceof RedisSet)) o.value = RedisSet.of(o.value, maxIntset(c));
  const s = o.value as RedisSet;
  s.maxIntset = maxIntset(c);
  return s;
}

/** A new empty set as setTypeCreate / createIntsetObject make it. */
export function newSet(c: Client): RedisSet {
  const s = new RedisSet();
  s.maxIntset = maxIntset(c);
  return s;
}

function getOrCreateSet(c: Client, key: string): RedisSet {
  const existing = getSet(c, key);
  if (existing) return existing;
  const s = newSet(c);
  c.db.add(key, new RedisObject('set', s, c.node.clock.now()));
  return s;
}

function notifySet(c: Client, event: string, key: string): void {
  c.node.notify(c.db, 's', event, key);
}

/** Writes a set reply (a RESP3 set) in the set's iteration order. */
function replySet(c: Client, s: RedisSet | undefined): void {
  if (s === undefined) {
    c.reply.setLen(0);
    return;
  }
  c.reply.setLen(s.size);
  for (const m of s.members()) c.reply.bulk(m);
}

function sadd(c: Client, args: string[]): void {
  const key = args[1] as string;
  const s = getOrCreateSet(c, key);
  let added = 0;
  for (let i = 2; i < args.length; i++) {
    const m = args[i] as string;
    if (!s.has(m)) {
      s.add(m);
      added++;
    }
  }
  if (added > 0) {
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += added;
    notifySet(c, 'sadd', key);
  }
  c.reply.int(added);
}

function srem(c: Client, args: string[]): void {
  const key = args[1] as string;
  const s = getSet(c, key);
  if (s === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < args.length; i++) {
    if (s.delete(args[i] as string)) {
      deleted++;
      if (s.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += deleted;
    notifySet(c, 'srem', key);
    if (removed) c.node.notify(c.db, 'g', 'del', key);
  }
  c.reply.int(deleted);
}

/** SMOVE source destination member: 1 when moved (or already in a same-key "move"). */
function smove(c: Client, args: string[]): void {
  const src = args[1] as string;
  const dst = args[2] as string;
  const member = args[3] as string;
  const srcSet = getSet(c, src);
  const dstObj = c.db.lookup(dst);
  if (srcSet === undefined) {
    c.reply.int(0);
    return;
  }
  if (dstObj !== undefined && dstObj.type !== 'set') throw new RedisError(WRONGTYPE);
  if (src === dst) {
    c.reply.int(srcSet.has(member) ? 1 : 0);
    return;
  }
  if (!srcSet.delete(member)) {
    c.reply.int(0);
    return;
  }
  notifySet(c, 'srem', src);
  if (srcSet.size === 0) {
    c.db.delete(src);
    c.node.notify(c.db, 'g', 'del', src);
  }
  const dstSet = getOrCreateSet(c, dst);
  c.node.signalModifiedKey(c.db, src);
  c.node.stats.dirty++;
  // The destination changed (WATCH, dirty) only when the member was not in it yet.
  if (!dstSet.has(member)) {
    c.node.signalModifiedKey(c.db, dst);
    c.node.stats.dirty++;
    dstSet.add(member);
    notifySet(c, 'sadd', dst);
  }
  c.reply.int(1);
}

function sismember(c: Client, args: string[]): void {
  c.reply.int(getSet(c, args[1] as string)?.has(args[2] as string) ? 1 : 0);
}

function smismember(c: Client, args: string[]): void {
  const s = getSet(c, args[1] as string);
  c.reply.arrayLen(args.length - 2);
  for (let i = 2; i < args.length; i++) c.reply.int(s?.has(args[i] as string) ? 1 : 0);
}

function scard(c: Client, args: string[]): void {
  c.reply.int(getSet(c, args[1] as string)?.size ?? 0);
}

/**
 * SPOP key [count]. With a count (an integer >= 0, else "value is out of range, must be
 * positive"): a set reply; count >= size pops the whole set (in its order) and deletes the key.
 * Redis replicates the pops as SREMs; the "spop" event fires once.
 */
function spop(c: Client, args: string[]): void {
  const key = args[1] as string;
  if (args.length > 3) syntaxError();
  if (args.length === 3) {
    const n = parseInt64(args[2] as string);
    if (n === null || n < 0n) throw new RedisError('ERR value is out of range, must be positive');
    const count = Number(n);
    const s = getSet(c, key);
    if (s === undefined || count === 0) {
      c.reply.setLen(0);
      return;
    }
    notifySet(c, 'spop', key);
    if (count >= s.size) {
      replySet(c, s);
      // server.dirty += the number popped.
      c.node.stats.dirty += s.size;
      c.node.propagation.rewrite(['DEL', key]);
      c.db.delete(key);
      c.node.notify(c.db, 'g', 'del', key);
      c.node.signalModifiedKey(c.db, key);
      return;
    }
    c.reply.setLen(count);
    // Replicated as one SREM per member popped, in pop order (wrapped in MULTI/EXEC), not as SPOP.
    const prop = c.node.propagation;
    const db = c.db.index;
    prop.prevent();
    const remaining = s.size - count;
    if (remaining * 5 > count) {
      // Few to pop: pick and remove them one by one, O(count).
      for (let i = 0; i < count; i++) {
        const m = s.random() as string;
        s.delete(m);
        c.reply.bulk(m);
        prop.also(db, ['SREM', key, m]);
      }
    } else {
      // Most of the set goes: choose the survivors and reply the rest in the set's order.
      const keep = new Set<string>();
      while (keep.size < remaining) keep.add(s.random() as string);
      const popped: string[] = [];
      for (const m of s.members()) if (!keep.has(m)) popped.push(m);
      for (const m of popped) {
        s.delete(m);
        c.reply.bulk(m);
        prop.also(db, ['SREM', key, m]);
      }
    }
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += count;
    return;
  }
  const s = getSet(c, key);
  if (s === undefined) {
    c.reply.nil();
    return;
  }
  const m = s.random() as string;
  s.delete(m);
  c.node.propagation.rewrite(['SREM', key, m]);
  notifySet(c, 'spop', key);
  c.reply.bulk(m);
  if (s.size === 0) {
    c.db.delete(key);
    c.node.notify(c.db, 'g', 'del', key);
  }
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
}

/**
 * SRANDMEMBER key [count]: array replies in both protocols. count >= size gives the whole set in
 * its order; a negative count may repeat members and gives exactly |count|.
 */
function srandmember(c: Client, args: string[]): void {
  const key = args[1] as string;
  if (args.length > 3) syntaxError();
  if (args.length === 3) {
    const lb = randomCountArg(args[2] as string);
    const l = lb >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lb);
    const s = getSet(c, key);
    if (s === undefined || l === 0) {
      c.reply.arrayLen(0);
      return;
    }
    if (l < 0 || l === 1) {
      const n = repeatPicks(lb);
      c.reply.arrayLen(n);
      for (let i = 0; i < n; i++) c.reply.bulk(s.random() as string);
      return;
    }
    if (l >= s.size) {
      c.reply.arrayLen(s.size);
      for (const m of s.members()) c.reply.bulk(m);
      return;
    }
    c.reply.arrayLen(l);
    if (l * 3 > s.size) {
      const all = [...s.members()];
      for (const i of distinctIndexes(all.length, l)) c.reply.bulk(all[i] as string);
    } else {
      const seen = new Set<string>();
      while (seen.size < l) {
        const m = s.random() as string;
        if (seen.has(m)) continue;
        seen.add(m);
        c.reply.bulk(m);
      }
    }
    return;
  }
  const s = getSet(c, key);
  if (s === undefined) c.reply.nil();
  else c.reply.bulk(s.random() as string);
}

/**
 * Looks up every source key as sinterGenericCommand does: all of them (WRONGTYPE for any non-set,
 * even after a missing key); undefined when one is missing (the intersection is empty).
 */
function interSources(c: Client, keys: string[]): RedisSet[] | undefined {
  const sets: RedisSet[] = [];
  let empty = false;
  for (const k of keys) {
    const s = getSet(c, k);
    if (s === undefined) empty = true;
    else sets.push(s);
  }
  if (empty) return undefined;
  // Smallest first (stable, as the qsort Redis uses on these small arrays).
  return sets.sort((a, b) => a.size - b.size);
}

/** Members of the intersection, iterating the smallest set; stops after `limit` (0 = all). */
function* intersect(sets: RedisSet[], limit = 0): IterableIterator<string> {
  const [first, ...rest] = sets as [RedisSet, ...RedisSet[]];
  let n = 0;
  outer: for (const m of first.members()) {
    for (const s of rest) if (s !== first && !s.has(m)) continue outer;
    yield m;
    if (limit > 0 && ++n >= limit) return;
  }
}

/** Stores `result` at `dst` (or deletes dst when empty) and replies its size, as *STORE do. */
function storeResult(c: Client, dst: string, result: RedisSet, event: string): void {
  if (result.size > 0) {
    c.db.set(dst, new RedisObject('set', result, c.node.clock.now()));
    c.reply.int(result.size);
    c.node.signalModifiedKey(c.db, dst);
    c.node.stats.dirty++;
    notifySet(c, event, dst);
  } else {
    c.reply.int(0);
    if (c.db.delete(dst)) {
      c.node.signalModifiedKey(c.db, dst);
      c.node.stats.dirty++;
      c.node.notify(c.db, 'g', 'del', dst);
    }
  }
}

function sinter(c: Client, args: string[]): void {
  const sets = interSources(c, args.slice(1));
  if (sets === undefined) {
    c.reply.setLen(0);
    return;
  }
  const out = [...intersect(sets)];
  c.reply.setLen(out.length);
  for (const m of out) c.reply.bulk(m);
}

function sinterstore(c: Client, args: string[]): void {
  const dst = args[1] as string;
  const sets = interSources(c, args.slice(2));
  const result = newSet(c);
  if (sets !== undefined) for (const m of intersect(sets)) result.add(m);
  storeResult(c, dst, result, 'sinterstore');
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
function sintercard(c: Client, args: string[]): void {
  const nk = parseInt64(args[1] as string);
  if (nk === null || nk < 1n) throw new RedisError('ERR numkeys should be greater than 0');
  if (nk > BigInt(args.length - 2)) throw new RedisError("ERR Number of keys can't be greater than number of args");
  const numkeys = Number(nk);
  let limit = 0;
  for (let i = 2 + numkeys; i < args.length; i++) {
    if (is(args[i], 'LIMIT') && i + 1 < args.length) {
      const l = parseInt64(args[i + 1] as string);
      if (l === null || l < 0n) throw new RedisError("ERR LIMIT can't be negative");
      limit = Number(l);
      i++;
    } else syntaxError();
  }
  const sets = interSources(c, args.slice(2, 2 + numkeys));
  if (sets === undefined) {
    c.reply.int(0);
    return;
  }
  let n = 0;
  for (const _ of intersect(sets, limit)) n++;
  c.reply.int(n);
}

/** SUNION / SDIFF (and their STORE forms): every key is looked up first (missing = empty). */
function unionDiff(c: Client, keys: string[], op: 'union' | 'diff'): RedisSet {
  const sets = keys.map((k) => getSet(c, k));
  const result = newSet(c);
  if (op === 'union') {
    for (const s of sets) if (s) for (const m of s.members()) result.add(m);
    return result;
  }
  const [first, ...rest] = sets;
  if (first === undefined) return result;
  // Redis picks the cheaper of "test each member of the first set against the others" and "add
  // the first set, then remove the others' members"; both give the same set.
  let oneWork = 0;
  let twoWork = 0;
  for (const s of sets) {
    if (!s) continue;
    oneWork += first.size;
    twoWork += s.size;
  }
  if (oneWork / 2 <= twoWork) {
    const others = (rest.filter(Boolean) as RedisSet[]).sort((a, b) => b.size - a.size);
    outer: for (const m of first.members()) {
      for (const s of others) if (s === first || s.has(m)) continue outer;
      result.add(m);
    }
  } else {
    for (const m of first.members()) result.add(m);
    for (const s of rest) {
      if (result.size === 0) break;
      if (s) for (const m of s.members()) result.delete(m);
    }
  }
  return result;
}

function sunion(c: Client, args: string[]): void {
  replySet(c, unionDiff(c, args.slice(1), 'union'));
}

function sdiff(c: Client, args: string[]): void {
  replySet(c, unionDiff(c, args.slice(1), 'diff'));
}

function sunionstore(c: Client, args: string[]): void {
  storeResult(c, args[1] as string, unionDiff(c, args.slice(2), 'union'), 'sunionstore');
}

function sdiffstore(c: Client, args: string[]): void {
  storeResult(c, args[1] as string, unionDiff(c, args.slice(2), 'diff'), 'sdiffstore');
}

/** SMEMBERS: SINTER of one key. */
function smembers(c: Client, args: string[]): void {
  replySet(c, getSet(c, args[1] as string));
}

function sscan(c: Client, args: string[]): void {
  const cursor = parseScanCursor(args[2] as string);
  const s = getSet(c, args[1] as string);
  if (s === undefined) return replyEmptyScan(c);
  collectionScan(c, cursor, args, 3, {
    compact: s.isIntset,
    all: () => s.members(),
    step: (cur, count, visit) => s.index.scan(cur, count, visit),
  });
}

/** SINTERCARD's keys: numkeys at 1, keys from 2. */
function sintercardKeys(args: string[]): number[] {
  const n = parseInt64(args[1] ?? '') ?? 0n;
  const out: number[] = [];
  for (let i = 2; BigInt(i) < 2n + n && i < args.length; i++) out.push(i);
  return out;
}

const base = { group: 'set', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const W = ['write', 'set', 'fast'] as const;
const R = ['read', 'set', 'fast'] as const;
const RS = ['read', 'set', 'slow'] as const;
const WS = ['write', 'set', 'slow'] as const;
const NDO = ['nondeterministic_output_order'] as const;

export const setCommands: CommandSpec[] = [
  { ...base, name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: W, since: '1.0.0', handler: sadd },
  { ...base, name: 'srem', arity: -3, flags: ['write', 'fast'], acl: W, since: '1.0.0', handler: srem },
  { ...base, name: 'scard', arity: 2, flags: ['readonly', 'fast'], acl: R, since: '1.0.0', handler: scard },
  { ...base, name: 'sismember', arity: 3, flags: ['readonly', 'fast'], acl: R, since: '1.0.0', handler: sismember },
  { ...base, name: 'smismember', arity: -3, flags: ['readonly', 'fast'], acl: R, since: '6.2.0', handler: smismember },
  { ...base, name: 'smembers', arity: 2, flags: ['readonly'], acl: RS, since: '1.0.0', tips: NDO, handler: smembers },
  {
    ...base,
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    acl: RS,
    since: '1.0.0',
    tips: ['nondeterministic_output'],
    handler: srandmember,
  },
  { ...base, name: 'spop', arity: -2, flags: ['write', 'fast'], acl: W, since: '1.0.0', tips: ['nondeterministic_output'], handler: spop },
  { ...base, name: 'smove', arity: 4, flags: ['write', 'fast'], lastKey: 2, acl: W, since: '1.0.0', handler: smove },
  { ...base, name: 'sinter', arity: -2, flags: ['readonly'], lastKey: -1, acl: RS, since: '1.0.0', tips: NDO, handler: sinter },
  {
    ...base,
    name: 'sintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    getKeys: sintercardKeys,
    acl: RS,
    since: '7.0.0',
    handler: sintercard,
  },
  { ...base, name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], lastKey: -1, acl: WS, since: '1.0.0', handler: sinterstore },
  { ...base, name: 'sunion', arity: -2, flags: ['readonly'], lastKey: -1, acl: RS, since: '1.0.0', tips: NDO, handler: sunion },
  { ...base, name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], lastKey: -1, acl: WS, since: '1.0.0', handler: sunionstore },
  { ...base, name: 'sdiff', arity: -2, flags: ['readonly'], lastKey: -1, acl: RS, since: '1.0.0', tips: NDO, handler: sdiff },
  { ...base, name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], lastKey: -1, acl: WS, since: '1.0.0', handler: sdiffstore },
  { ...base, name: 'sscan', arity: -3, flags: ['readonly'], acl: RS, since: '2.8.0', tips: ['nondeterministic_output'], handler: sscan },
];
