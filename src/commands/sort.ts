/**
 * SORT and SORT_RO (Redis 7.0 sort.c):
 *
 *   SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
 *
 * - Options are parsed before the key is looked up (a bad option is "ERR syntax error" even on a
 *   wrong-type key); STORE is a syntax error in SORT_RO. LIMIT's numbers are longs.
 * - The key may be a list, a set or a sorted set (WRONGTYPE otherwise; missing = empty).
 * - Without ALPHA each element (or its BY value) is read with strtod: leading spaces, hex and inf
 *   are fine, "" is 0, trailing garbage, NaN and out-of-range values fail the whole command with
 *   "ERR One or more scores can't be converted into double" (Redis tests a stale errno, so once
 *   any out-of-range value was parsed in its process "inf" fails too; here "inf" always parses).
 *   Equal scores order by the elements' bytes. With ALPHA the elements (or BY values) compare
 *   as bytes; a missing BY value sorts first.
 * - BY with a pattern that has no '*' means "don't sort": lists keep their order and sorted sets
 *   their score order (both read from the end for DESC), sets their iteration order. A set that
 *   would come out unsorted is sorted ALPHA when STORE is given or inside a script (SORT and
 *   SORT_RO), so replicas and script effects agree, as Redis does.
 * - Patterns: "#" is the element; otherwise the first '*' is replaced by the element, and a "->f"
 *   after it reads field f of a hash; a missing key, wrong type or missing field gives nil (GET)
 *   or "" (STORE).
 * - STORE writes a list (or deletes dst when the result is empty) and replies its length; event
 *   "sortstore" (or "del").
 * - Like Redis, SORT converts a listpack sorted set to a skiplist for good.
 */
import { unrestrictedKeyAccess } from '../acl/permissions.js';
import { userOf } from '../acl/store.js';
import { aclLookup, aclTable } from '../acl/table.js';
import { intArg, is, syntaxError } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, WRONGTYPE } from '../engine/errors.js';
import { RedisObject } from '../engine/values.js';
import { parseDouble } from '../protocol/numbers.js';
import { createList } from '../rdb/quicklist.js';
import type { QuickList } from '../types/quicklist.js';
import { RedisSet } from '../types/set.js';
import type { SortedSet } from '../types/sortedset.js';

const SCORE_ERROR = "ERR One or more scores can't be converted into double";
const DBL_MIN = 2.2250738585072014e-308;

/**
 * strtod as SORT uses it: the number, or null when it fails (trailing characters, NaN, ERANGE
 * overflow or underflow). Leading whitespace is skipped; "" is 0.
 */
export function sortScore(s: string): number | null {
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '') return null;
  const d = parseDouble(t);
  if (d === null) return null;
  if (!Number.isFinite(d)) return /^[+-]?inf(inity)?$/i.test(t) ? d : null;
  if (d !== 0 && Math.abs(d) < DBL_MIN) return null;
  if (d === 0 && /^[+-]?(0[xX])?[0-9a-fA-F.]*[1-9a-fA-F]/.test(t.replace(/[eEpP].*$/, ''))) return null;
  return d;
}

/** Byte-wise comparison of latin1 strings (memcmp, then length). */
function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** lookupKeyByPattern: the string a pattern names for `elem`, or undefined. */
function lookupByPattern(c: Client, pattern: string, elem: string): string | undefined {
  if (pattern === '#') return elem;
  const star = pattern.indexOf('*');
  if (star < 0) return undefined;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : undefined;
  const key = pattern.slice(0, star) + elem + pattern.slice(star + 1, field !== undefined ? arrow : pattern.length);
  const o = c.db.lookupTouch(key);
  if (o === undefined) return undefined;
  if (field !== undefined) return o.type === 'hash' ? (o.value as Map<string, string>).get(field) : undefined;
  return o.type === 'string' ? (o.value as string) : undefined;
}

interface Item {
  elem: string;
  score: number;
  /** The BY value for ALPHA sorting (undefined: missing). */
  cmp: string | undefined;
}

/** Whether the client's user may run this SORT on every key (the superuser and unrestricted users may). */
function readsAllKeys(c: Client, name: string, args: string[]): boolean {
  if (!c.user.restricted) return true;
  const cmd = aclLookup(aclTable(c.node), name);
  return cmd === undefined || unrestrictedKeyAccess(userOf(c), cmd, args);
}

function sortGeneric(c: Client, args: string[], readonly: boolean): void {
  const key = args[1] as string;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortBy: string | undefined;
  let dontSort = false;
  let store: string | undefined;
  const gets: string[] = [];
  // In Redis 7.0 BY with a pattern and GET need a user who may read every key with this command.
  let fullKeyAccess: boolean | undefined;
  const mayReadAllKeys = () => {
    fullKeyAccess ??= readsAllKeys(c, readonly ? 'sort_ro' : 'sort', args);
    return fullKeyAccess;
  };
  for (let j = 2; j < args.length; j++) {
    const left = args.length - j - 1;
    const a = args[j] as string;
    if (is(a, 'ASC')) desc = false;
    else if (is(a, 'DESC')) desc = true;
    else if (is(a, 'ALPHA')) alpha = true;
    else if (is(a, 'LIMIT') && left >= 2) {
      limitStart = intArg(args[j + 1] as string);
      limitCount = intArg(args[j + 2] as string);
      j += 2;
    } else if (is(a, 'STORE') && left >= 1 && !readonly) {
      store = args[j + 1] as string;
      j++;
    } else if (is(a, 'BY') && left >= 1) {
      sortBy = args[j + 1] as string;
      if (!sortBy.includes('*')) dontSort = true;
      else if (!mayReadAllKeys()) throw new RedisError('ERR BY option of SORT denied due to insufficient ACL permissions.');
      j++;
    } else if (is(a, 'GET') && left >= 1) {
      if (!mayReadAllKeys()) throw new RedisError('ERR GET option of SORT denied due to insufficient ACL permissions.');
      gets.push(args[j + 1] as string);
      j++;
    } else syntaxError();
  }

  const obj = c.db.lookupTouch(key);
  if (obj !== undefined && obj.type !== 'list' && obj.type !== 'set' && obj.type !== 'zset') throw new RedisError(WRONGTYPE);

  // An unsorted set would come out in hash order: sort it when storing or in a script, as Redis does.
  if (dontSort && obj?.type === 'set' && (store !== undefined || c.script)) {
    dontSort = false;
    alpha = true;
    sortBy = undefined;
  }
  if (obj?.type === 'zset') (obj.value as SortedSet).encoding = 'skiplist';

  let elems: string[];
  if (obj === undefined) elems = [];
  else if (obj.type === 'list') {
    elems = [...(obj.value as QuickList)];
    // Unsorted lists and sorted sets keep their order, read from the tail for DESC.
    if (dontSort && desc) elems.reverse();
  } else if (obj.type === 'set') {
    const v = obj.value as Set<string>;
    elems = v instanceof RedisSet ? [...v.members()] : [...v];
  } else {
    const zs = obj.value as SortedSet;
    elems = [];
    for (const [m] of zs) elems.push(m);
    if (dontSort && desc) elems.reverse();
  }
  const vectorLen = elems.length;
  let start = Math.max(0, limitStart);
  let end = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  let items: Item[] = elems.map((elem) => ({ elem, score: 0, cmp: undefined }));
  if (!dontSort) {
    let conversionError = false;
    for (const it of items) {
      let by: string | undefined;
      if (sortBy !== undefined) {
        by = lookupByPattern(c, sortBy, it.elem);
        if (by === undefined) continue;
      } else by = it.elem;
      if (alpha) {
        if (sortBy !== undefined) it.cmp = by;
      } else {
        const d = sortScore(by);
        if (d === null) conversionError = true;
        else it.score = d;
      }
    }
    if (conversionError) throw new RedisError(SCORE_ERROR);
    const byPattern = sortBy !== undefined;
    const compare = (x: Item, y: Item): number => {
      let r: number;
      if (!alpha) {
        r = x.score > y.score ? 1 : x.score < y.score ? -1 : cmpBytes(x.elem, y.elem);
      } else if (byPattern) {
        if (x.cmp === undefined || y.cmp === undefined) r = x.cmp === y.cmp ? 0 : x.cmp === undefined ? -1 : 1;
        else r = cmpBytes(x.cmp, y.cmp);
      } else r = cmpBytes(x.elem, y.elem);
      return desc ? -r : r;
    };
    items = items.sort(compare);
  }

  const outLen = end >= start ? end - start + 1 : 0;
  const picked = items.slice(start, start + outLen);
  if (store === undefined) {
    c.reply.arrayLen(gets.length > 0 ? gets.length * outLen : outLen);
    for (const it of picked) {
      if (gets.length === 0) c.reply.bulk(it.elem);
      for (const g of gets) c.reply.bulkOrNil(lookupByPattern(c, g, it.elem));
    }
    return;
  }
  // createQuicklistObject without quicklistSetOptions: fill -2, no compression.
  const out = createList(c.node, true);
  for (const it of picked) {
    if (gets.length === 0) out.pushBack(it.elem);
    for (const g of gets) out.pushBack(lookupByPattern(c, g, it.elem) ?? '');
  }
  const total = out.length;
  if (total > 0) {
    c.db.set(store, new RedisObject('list', out, c.node.clock.now()));
    c.node.signalModifiedKey(c.db, store);
    c.node.stats.dirty += total; // server.dirty += outputlen
    c.node.notify(c.db, 'l', 'sortstore', store);
  } else if (c.db.delete(store)) {
    c.node.signalModifiedKey(c.db, store);
    c.node.stats.dirty++;
    c.node.notify(c.db, 'g', 'del', store);
  }
  c.reply.int(total);
}

/**
 * sortGetKeys: the sorted key and STORE's destination. LIMIT skips 2 arguments, GET and BY one;
 * STORE skips none, so the last STORE wins (as SORT itself parses it).
 */
function sortKeys(args: string[]): number[] {
  let store = -1;
  for (let i = 2; i < args.length; i++) {
    const a = args[i] as string;
    if (is(a, 'LIMIT')) i += 2;
    else if (is(a, 'GET') || is(a, 'BY')) i += 1;
    else if (is(a, 'STORE') && i + 1 < args.length) store = i + 1;
  }
  return store > 0 ? [1, store] : [1];
}

const acl = ['set', 'sortedset', 'list', 'slow', 'dangerous'] as const;

export const sortCommands: CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom', 'movablekeys'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    getKeys: sortKeys,
    acl: ['write', ...acl],
    group: 'generic',
    since: '1.0.0',
    handler: (c, args) => sortGeneric(c, args, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly', 'movablekeys'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    acl: ['read', ...acl],
    group: 'generic',
    since: '7.0.0',
    handler: (c, args) => sortGeneric(c, args, true),
  },
];
