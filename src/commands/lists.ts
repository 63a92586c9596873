/**
 * List commands, as Redis 7.0's t_list.c: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX
 * LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP. The blocking forms live in list-blocking.ts
 * and share the pop/move helpers exported here.
 *
 * A list is a QuickList (types/quicklist.ts): its elements in a ring buffer, so push and pop at
 * both ends are O(1) at any length, beside the quicklist node layout Redis 7.0 would have. A list is
 * never empty: the command that removes its last element deletes the key (and notifies "del").
 * Every write calls signalModifiedKey (WATCH, blocked clients) and notifies Redis's event names.
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NO_SUCH_KEY, NOT_INTEGER, OUT_OF_RANGE, POSITIVE, RedisError, SYNTAX, WRONG_ARITY } from '../engine/errors.js';
import type { RedisObject } from '../engine/values.js';
import { INT64_MIN, parseInt64 } from '../protocol/numbers.js';
import { createList } from '../rdb/quicklist.js';
import type { QuickList } from '../types/quicklist.js';

/** Which end of a list: LEFT is the head (index 0), RIGHT the tail. */
export type End = 'left' | 'right';

/** LEFT | RIGHT, case-insensitive; anything else is a syntax error (getListPositionFromObjectOrReply). */
export function endArg(s: string): End {
  if (is(s, 'LEFT')) return 'left';
  if (is(s, 'RIGHT')) return 'right';
  throw new RedisError(SYNTAX);
}

/** A long in [min, LONG_MAX] (getRangeLongFromObjectOrReply): `message` for a bad number and for out of range. */
export function rangeArg(s: string, min: number, message: string): number {
  const n = intArg(s, message);
  if (n < min) throw new RedisError(message);
  return n;
}

/** The list at `key` (undefined when missing); WRONGTYPE for another type. */
export function getList(c: Client, key: string): RedisObject<'list'> | undefined {
  return c.db.get(key, 'list');
}

/**
 * After `popped` elements were popped from `key` (listElementsRemoved): notifies lpop/rpop, deletes
 * the key when the list became empty (notifying "del"), signals the modification and counts one
 * change per element in server.dirty.
 */
export function elementsRemoved(c: Client, key: string, end: End, list: QuickList, popped = 1): void {
  c.node.notify(c.db, 'l', end === 'left' ? 'lpop' : 'rpop', key);
  if (list.length === 0) {
    c.db.delete(key);
    c.node.notify(c.db, 'g', 'del', key);
  }
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty += popped;
}

/** Pops up to `count` elements from one end, in pop order. */
function popRange(list: QuickList, end: End, count: number): string[] {
  const n = Math.min(count, list.length);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = (end === 'left' ? list.popFront() : list.popBack()) as string;
  return out;
}

/**
 * LMPOP/BLMPOP's reply (listPopRangeAndReplyWithKey): [key, [elements...]] with up to `count`
 * elements popped from `end`, then the removal bookkeeping.
 */
export function popRangeWithKey(c: Client, key: string, list: QuickList, end: End, count: number): void {
  // Replicated as [LR]POP key <elements popped> (LMPOP, and BLMPOP served at once or later).
  c.node.propagation.rewrite([end === 'left' ? 'LPOP' : 'RPOP', key, String(Math.min(count, list.length))]);
  const items = popRange(list, end, count);
  c.reply.arrayLen(2);
  c.reply.bulk(key);
  c.reply.bulkArray(items);
  elementsRemoved(c, key, end, list, items.length);
}

/**
 * The pop-and-reply of BLPOP/BRPOP when the list has data: [key, element].
 */
export function popOneWithKey(c: Client, key: string, list: QuickList, end: End): void {
  // Replicated as LPOP/RPOP key (BLPOP/BRPOP served at once or later).
  c.node.propagation.rewrite([end === 'left' ? 'LPOP' : 'RPOP', key]);
  const v = (end === 'left' ? list.popFront() : list.popBack()) as string;
  c.reply.arrayLen(2);
  c.reply.bulk(key);
  c.reply.bulk(v);
  elementsRemoved(c, key, end, list);
}

/**
 * LMOVE's core (lmoveGenericCommand), shared with RPOPLPUSH, BLMOVE and BRPOPLPUSH: pops from
 * `src` at `from` and pushes onto `dst` at `to` (created if missing), replying with the element.
 * A missing source replies nil; a destination of another type is WRONGTYPE and moves nothing.
 * Events: lpush/rpush on the destination, then lpop/rpop (and "del") on the source.
 */
export function lmove(c: Client, src: string, dst: string, from: End, to: End): void {
  const s = getList(c, src);
  if (!s) {
    c.reply.nil();
    return;
  }
  const d = getList(c, dst);
  const v = (from === 'left' ? s.value.popFront() : s.value.popBack()) as string;
  const target = d ?? c.db.getOrCreate(dst, 'list', () => createList(c.node));
  c.node.signalModifiedKey(c.db, dst);
  if (to === 'left') target.value.pushFront(v);
  else target.value.pushBack(v);
  c.node.notify(c.db, 'l', to === 'left' ? 'lpush' : 'rpush', dst);
  c.reply.bulk(v);
  c.node.notify(c.db, 'l', from === 'left' ? 'lpop' : 'rpop', src);
  if (s.value.length === 0) {
    c.db.delete(src);
    c.node.notify(c.db, 'g', 'del', src);
  }
  c.node.signalModifiedKey(c.db, src);
  c.node.stats.dirty++; // one change, two keys
}

/** LMPOP/BLMPOP arguments after the numkeys position: keys, end and COUNT (default 1). */
export function parseMpop(args: string[], numkeysIdx: number): { keys: string[]; end: End; count: number } {
  const numkeys = rangeArg(args[numkeysIdx] as string, 1, 'ERR numkeys should be greater than 0');
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= args.length) throw new RedisError(SYNTAX);
  const end = endArg(args[whereIdx] as string);
  let count = -1;
  for (let j = whereIdx + 1; j < args.length; j++) {
    if (count === -1 && is(args[j], 'COUNT') && j + 1 < args.length) {
      count = rangeArg(args[++j] as string, 1, 'ERR count should be greater than 0');
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  return { keys: args.slice(numkeysIdx + 1, whereIdx), end, count: count === -1 ? 1 : count };
}

/** Key positions of LMPOP/BLMPOP: numkeys keys after the numkeys argument (none if it is invalid). */
export function mpopKeys(numkeysIdx: number): (args: string[]) => number[] {
  return (args) => {
    const n = Number(args[numkeysIdx]);
    if (!Number.isInteger(n) || n <= 0 || numkeysIdx + n >= args.length) return [];
    return Array.from({ length: n }, (_, i) => numkeysIdx + 1 + i);
  };
}

// ---- push ------------------------------------------------------------------------------

/** LPUSH/RPUSH/LPUSHX/RPUSHX (pushGenericCommand): replies the new length; X forms do nothing on a missing key. */
function pushGeneric(c: Client, args: string[], end: End, onlyIfExists: boolean): void {
  const key = args[1] as string;
  let o = getList(c, key);
  if (!o) {
    if (onlyIfExists) {
      c.reply.int(0);
      return;
    }
    o = c.db.getOrCreate(key, 'list', () => createList(c.node));
  }
  const list = o.value;
  for (let j = 2; j < args.length; j++) {
    if (end === 'left') list.pushFront(args[j] as string);
    else list.pushBack(args[j] as string);
  }
  c.reply.int(list.length);
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty += args.length - 2; // one change per element pushed
  c.node.notify(c.db, 'l', end === 'left' ? 'lpush' : 'rpush', key);
}

// ---- pop -------------------------------------------------------------------------------

/**
 * LPOP/RPOP key [count]. Without count: the element or nil. With count (0..LONG_MAX, else "value
 * is out of range, must be positive"): an array, the null array for a missing key, and an empty
 * array for count 0 on an existing list.
 */
function popGeneric(c: Client, args: string[], end: End): void {
  if (args.length > 3) throw new RedisError(WRONG_ARITY(end === 'left' ? 'lpop' : 'rpop'));
  const hasCount = args.length === 3;
  const count = hasCount ? rangeArg(args[2] as string, 0, POSITIVE()) : 0;
  const key = args[1] as string;
  const o = getList(c, key);
  if (!o) {
    if (hasCount) c.reply.nilArray();
    else c.reply.nil();
    return;
  }
  if (hasCount && count === 0) {
    c.reply.arrayLen(0);
    return;
  }
  const list = o.value;
  let popped = 1;
  if (!hasCount) {
    c.reply.bulk((end === 'left' ? list.popFront() : list.popBack()) as string);
  } else {
    const items = popRange(list, end, count);
    popped = items.length;
    c.reply.bulkArray(items);
  }
  elementsRemoved(c, key, end, list, popped);
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list. */
function lmpop(c: Client, args: string[]): void {
  const { keys, end, count } = parseMpop(args, 1);
  for (const key of keys) {
    const o = getList(c, key);
    if (!o) continue;
    popRangeWithKey(c, key, o.value, end, count);
    return;
  }
  c.reply.nilArray();
}

// ---- read ------------------------------------------------------------------------------

function llen(c: Client, args: string[]): void {
  c.reply.int(getList(c, args[1] as string)?.value.length ?? 0);
}

/** Normalizes [start, end] like addListRangeReply; null when the range is empty. */
function normalizeRange(start: number, end: number, len: number): [number, number] | null {
  let s = start < 0 ? len + start : start;
  let e = end < 0 ? len + end : end;
  if (s < 0) s = 0;
  if (s > e || s >= len) return null;
  if (e >= len) e = len - 1;
  return [s, e];
}

/** LRANGE key start stop: indexes are parsed before the key is looked up. */
function lrange(c: Client, args: string[]): void {
  const start = intArg(args[2] as string);
  const stop = intArg(args[3] as string);
  const o = getList(c, args[1] as string);
  if (!o) {
    c.reply.arrayLen(0);
    return;
  }
  const r = normalizeRange(start, stop, o.value.length);
  c.reply.bulkArray(r ? o.value.slice(r[0], r[1] + 1) : []);
}

/** LINDEX key index: nil for a missing key (before the index is parsed) or an index out of range. */
function lindex(c: Client, args: string[]): void {
  const o = getList(c, args[1] as string);
  if (!o) {
    c.reply.nil();
    return;
  }
  const index = intArg(args[2] as string);
  const list = o.value;
  const i = index < 0 ? list.length + index : index;
  c.reply.bulkOrNil(list.get(i));
}

/**
 * LPOS key element [RANK rank] [COUNT num] [MAXLEN len]. RANK picks the n-th match (negative:
 * from the tail), COUNT returns up to num matches as an array (0 = all), MAXLEN bounds the scan.
 */
function lpos(c: Client, args: string[]): void {
  const ele = args[2] as string;
  let rank = 1;
  let rankIsMin = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < args.length; j++) {
    const more = j + 1 < args.length;
    if (is(args[j], 'RANK') && more) {
      const r = parseInt64(args[++j] as string);
      if (r === null) throw new RedisError(NOT_INTEGER);
      rankIsMin = r === INT64_MIN;
      rank = Number(r);
      if (rank === 0) {
        throw new RedisError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else if (is(args[j], 'COUNT') && more) {
      count = rangeArg(args[++j] as string, 0, "ERR COUNT can't be negative");
    } else if (is(args[j], 'MAXLEN') && more) {
      maxlen = rangeArg(args[++j] as string, 0, "ERR MAXLEN can't be negative");
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  const fromTail = rank < 0;
  if (rankIsMin) {
    // Redis negates LONG_MIN into itself: every match then satisfies the rank (the first match
    // from the tail is returned) and the COUNT test overflows, so COUNT returns every match.
    rank = 1;
    if (count > 0) count = 0;
  } else if (fromTail) rank = -rank;
  const o = getList(c, args[1] as string);
  if (!o) {
    if (count !== -1) c.reply.arrayLen(0);
    else c.reply.nil();
    return;
  }
  const list = o.value;
  const len = list.length;
  const found: number[] = [];
  let matches = 0;
  let single = -1;
  for (let k = 0; k < len && (maxlen === 0 || k < maxlen); k++) {
    const idx = fromTail ? len - 1 - k : k;
    if (list.get(idx) !== ele) continue;
    matches++;
    if (matches >= rank) {
      if (count === -1) {
        single = idx;
        break;
      }
      found.push(idx);
      if (count !== 0 && matches - rank + 1 >= count) break;
    }
  }
  if (count === -1) {
    if (single === -1) c.reply.nil();
    else c.reply.int(single);
  } else {
    c.reply.arrayLen(found.length);
    for (const i of found) c.reply.int(i);
  }
}

// ---- modify in place -------------------------------------------------------------------

/** LSET key index element: "no such key" for a missing key, "index out of range" otherwise. */
function lset(c: Client, args: string[]): void {
  const key = args[1] as string;
  const o = getList(c, key);
  if (!o) throw new RedisError(NO_SUCH_KEY);
  const index = intArg(args[2] as string);
  const list = o.value;
  const i = index < 0 ? list.length + index : index;
  if (i < 0 || i >= list.length) throw new RedisError(OUT_OF_RANGE);
  list.set(i, args[3] as string);
  c.reply.ok();
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  c.node.notify(c.db, 'l', 'lset', key);
}

/** LINSERT key BEFORE|AFTER pivot element: the new length, 0 for a missing key, -1 if the pivot is absent. */
function linsert(c: Client, args: string[]): void {
  let after: boolean;
  if (is(args[2], 'AFTER')) after = true;
  else if (is(args[2], 'BEFORE')) after = false;
  else throw new RedisError(SYNTAX);
  const key = args[1] as string;
  const o = getList(c, key);
  if (!o) {
    c.reply.int(0);
    return;
  }
  const list = o.value;
  const pivot = args[3] as string;
  let at = -1;
  for (let i = 0; i < list.length; i++) {
    if (list.get(i) === pivot) {
      at = i;
      break;
    }
  }
  if (at === -1) {
    c.reply.int(-1);
    return;
  }
  list.insert(at, args[4] as string, after);
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  c.node.notify(c.db, 'l', 'linsert', key);
  c.reply.int(list.length);
}

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all; replies how many went. */
function lrem(c: Client, args: string[]): void {
  const toRemove = intArg(args[2] as string);
  const key = args[1] as string;
  const o = getList(c, key);
  if (!o) {
    c.reply.int(0);
    return;
  }
  const list = o.value;
  const removed = list.removeMatching(args[3] as string, Math.abs(toRemove), toRemove < 0);
  if (removed > 0) {
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += removed;
    c.node.notify(c.db, 'l', 'lrem', key);
  }
  if (list.length === 0) {
    c.db.delete(key);
    c.node.notify(c.db, 'g', 'del', key);
  }
  c.reply.int(removed);
}

/** LTRIM key start stop: keeps the range (an empty range deletes the key); always OK. */
function ltrim(c: Client, args: string[]): void {
  const start = intArg(args[2] as string);
  const stop = intArg(args[3] as string);
  const key = args[1] as string;
  const o = getList(c, key);
  if (!o) {
    c.reply.ok();
    return;
  }
  const list = o.value;
  const len = list.length;
  const r = normalizeRange(start, stop, len);
  const left = r ? r[0] : len;
  const right = r ? len - r[1] - 1 : 0;
  list.dropFront(left);
  list.dropBack(right);
  c.node.notify(c.db, 'l', 'ltrim', key);
  if (list.length === 0) {
    c.db.delete(key);
    c.node.notify(c.db, 'g', 'del', key);
  }
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty += left + right; // server.dirty += ltrim + rtrim
  c.reply.ok();
}

// ---- the table -------------------------------------------------------------------------

const base = { group: 'list', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const fastWrite = { flags: ['write', 'denyoom', 'fast'], acl: ['write', 'list', 'fast'] } as const;

export const listCommands: CommandSpec[] = [
  {
    ...base,
    ...fastWrite,
    name: 'lpush',
    arity: -3,
    since: '1.0.0',
    summary: 'Prepend one or multiple elements to a list',
    handler: (c, a) => pushGeneric(c, a, 'left', false),
  },
  {
    ...base,
    ...fastWrite,
    name: 'rpush',
    arity: -3,
    since: '1.0.0',
    summary: 'Append one or multiple elements to a list',
    handler: (c, a) => pushGeneric(c, a, 'right', false),
  },
  {
    ...base,
    ...fastWrite,
    name: 'lpushx',
    arity: -3,
    since: '2.2.0',
    summary: 'Prepend an element to a list, only if the list exists',
    handler: (c, a) => pushGeneric(c, a, 'left', true),
  },
  {
    ...base,
    ...fastWrite,
    name: 'rpushx',
    arity: -3,
    since: '2.2.0',
    summary: 'Append an element to a list, only if the list exists',
    handler: (c, a) => pushGeneric(c, a, 'right', true),
  },
  {
    ...base,
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'list', 'fast'],
    since: '1.0.0',
    summary: 'Remove and get the first elements in a list',
    handler: (c, a) => popGeneric(c, a, 'left'),
  },
  {
    ...base,
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'list', 'fast'],
    since: '1.0.0',
    summary: 'Remove and get the last elements in a list',
    handler: (c, a) => popGeneric(c, a, 'right'),
  },
  {
    ...base,
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'list', 'fast'],
    since: '1.0.0',
    summary: 'Get the length of a list',
    handler: llen,
  },
  {
    ...base,
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    since: '1.0.0',
    summary: 'Get a range of elements from a list',
    handler: lrange,
  },
  {
    ...base,
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    since: '1.0.0',
    summary: 'Get an element from a list by its index',
    handler: lindex,
  },
  {
    ...base,
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    since: '1.0.0',
    summary: 'Set the value of an element in a list by its index',
    handler: lset,
  },
  {
    ...base,
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    since: '2.2.0',
    summary: 'Insert an element before or after another element in a list',
    handler: linsert,
  },
  {
    ...base,
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'list', 'slow'],
    since: '1.0.0',
    summary: 'Remove elements from a list',
    handler: lrem,
  },
  {
    ...base,
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'list', 'slow'],
    since: '1.0.0',
    summary: 'Trim a list to the specified range',
    handler: ltrim,
  },
  {
    ...base,
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    since: '6.0.6',
    summary: 'Return the index of matching elements on a list',
    handler: lpos,
  },
  {
    ...base,
    name: 'lmove',
    arity: 5,
    lastKey: 2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it',
    handler: (c, a) => {
      const from = endArg(a[3] as string);
      const to = endArg(a[4] as string);
      lmove(c, a[1] as string, a[2] as string, from, to);
    },
  },
  {
    ...base,
    name: 'rpoplpush',
    arity: 3,
    lastKey: 2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    since: '1.2.0',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    handler: (c, a) => lmove(c, a[1] as string, a[2] as string, 'right', 'left'),
  },
  {
    group: 'list',
    name: 'lmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    acl: ['write', 'list', 'slow'],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    getKeys: mpopKeys(1),
    since: '7.0.0',
    summary: 'Pop elements from a list',
    handler: lmpop,
  },
];
