/**
 * Sorted-set algebra (Redis 7.0 zunionInterDiffGenericCommand): ZUNION ZINTER ZDIFF, their STORE
 * forms, and ZINTERCARD.
 *
 * - numkeys: an integer ("ERR value is not an integer or out of range"), at least 1 ("ERR at least 1
 *   input key is needed for '<cmd>' command"), and no more than the arguments left ("ERR syntax
 *   error"). Inputs may be sorted sets or plain sets (every member scored 1); other types are
 *   WRONGTYPE; missing keys are empty.
 * - Options: WEIGHTS w1..wn ("ERR weight value is not a float") and AGGREGATE SUM|MIN|MAX (not for
 *   ZDIFF or ZINTERCARD), WITHSCORES (the non-STORE forms), LIMIT n (ZINTERCARD: "ERR LIMIT can't be
 *   negative"); anything else is a syntax error.
 * - Scores: weight * score, with NaN (0 * inf) taken as 0; SUM of +inf and -inf is 0.
 * - Intersections walk the smallest input and probe the others; unions and intersections visit
 *   inputs by ascending size (a stable sort here; Redis's qsort may order equal sizes otherwise).
 *   ZDIFF with the first key repeated among the others is empty.
 * - STORE: the result replaces the destination (its TTL goes) with event zunionstore /
 *   zinterstore / zdiffstore; an empty result deletes it ("del" if it existed).
 */

import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX, WRONGTYPE } from '../engine/errors.js';
import type { RedisObject } from '../engine/values.js';
import { scoreArg } from '../engine/zset-args.js';
import { parseInt64 } from '../protocol/numbers.js';
import { SortedSet } from '../types/sortedset.js';
import { replyMembers, settleEncoding, storeResult } from './zset-common.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a zset, a set (scores 1), or nothing; `obj` identifies the same key given twice. */
interface Source {
  obj: RedisObject | undefined;
  weight: number;
  size: number;
  /** Iterates (member, score). */
  entries(): Iterable<[string, number]>;
  /** The member's score, or undefined. */
  find(member: string): number | undefined;
}

function source(obj: RedisObject | undefined): Source {
  if (obj === undefined) return { obj, weight: 1, size: 0, entries: () => [], find: () => undefined };
  if (obj.is('zset')) {
    const zs = obj.value;
    return { obj, weight: 1, size: zs.size, entries: () => zs, find: (m) => zs.score(m) };
  }
  const set = (obj as RedisObject<'set'>).value;
  return {
    obj,
    weight: 1,
    size: set.size,
    entries: function* () {
      for (const m of set) yield [m, 1] as [string, number];
    },
    find: (m) => (set.has(m) ? 1 : undefined),
  };
}

function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s;
  }
  // C's ternaries, not Math.min/max: they differ for NaN and -0.
  // biome-ignore lint/complexity/useMathMinMax: Redis's comparison semantics
  if (how === 'min') return val < target ? val : target;
  // biome-ignore lint/complexity/useMathMinMax: Redis's comparison semantics
  return val > target ? val : target;
}

/** weight * score, NaN taken as 0. */
function weighted(score: number, weight: number): number {
  const v = score * weight;
  return Number.isNaN(v) ? 0 : v;
}

function zsetAlgebra(c: Client, args: string[], dst: string | undefined, numkeysIdx: number, op: Op, cardOnly: boolean): void {
  const setnum = intArg(args[numkeysIdx] as string);
  if (setnum < 1) throw new RedisError(`ERR at least 1 input key is needed for '${(args[0] as string).toLowerCase()}' command`);
  if (setnum > args.length - (numkeysIdx + 1)) throw new RedisError(SYNTAX);
  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const o = c.db.lookupTouch(args[j] as string);
    if (o !== undefined && o.type !== 'zset' && o.type !== 'set') throw new RedisError(WRONGTYPE);
    src.push(source(o));
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < args.length) {
    const remaining = args.length - j;
    const a = args[j] as string;
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && is(a, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) (src[i] as Source).weight = scoreArg(args[j] as string, 'ERR weight value is not a float');
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && is(a, 'AGGREGATE')) {
      const v = (args[j + 1] as string).toLowerCase();
      if (v !== 'sum' && v !== 'min' && v !== 'max') throw new RedisError(SYNTAX);
      how = v;
      j += 2;
    } else if (dst === undefined && !cardOnly && is(a, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && is(a, 'LIMIT')) {
      // Redis parses LIMIT with getPositiveLongFromObjectOrReply: a non-number gets the same
      // "can't be negative" error as a negative one.
      const l = parseInt64(args[j + 1] as string);
      if (l === null || l < 0n) throw new RedisError("ERR LIMIT can't be negative");
      limit = Number(l);
      j += 2;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  if (op !== 'diff') {
    // Stable sort by size (Array.prototype.sort is stable).
    src.sort((a, b) => a.size - b.size);
  }

  const out = new SortedSet();
  let maxLen = 0;
  const put = (m: string, s: number) => {
    out.add(m, s);
    if (m.length > maxLen) maxLen = m.length;
  };
  let cardinality = 0;
  if (op === 'inter') {
    const first = src[0] as Source;
    if (first.size > 0) {
      for (const [m, s0] of first.entries()) {
        let score = weighted(s0, first.weight);
        let k = 1;
        for (; k < setnum; k++) {
          const other = src[k] as Source;
          const v = other.obj === first.obj ? s0 : other.find(m);
          if (v === undefined) break;
          score = aggregate(score, v * other.weight, how);
        }
        if (k < setnum) continue;
        if (cardOnly) {
          cardinality++;
          if (limit && cardinality >= limit) break;
        } else {
          put(m, score);
        }
      }
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const s of src) {
      if (s.size === 0) continue;
      for (const [m, v] of s.entries()) {
        const score = weighted(v, s.weight);
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? score : aggregate(cur, score, how));
      }
    }
    for (const [m, s] of acc) put(m, s);
  } else {
    const first = src[0] as Source;
    const repeated = src.some((s, i) => i > 0 && s.obj !== undefined && s.obj === first.obj);
    if (first.size > 0 && !repeated) {
      for (const [m, s] of first.entries()) {
        let found = false;
        for (let k = 1; k < setnum && !found; k++) found = (src[k] as Source).find(m) !== undefined;
        if (!found) put(m, s);
      }
    }
  }

  if (dst !== undefined) {
    settleEncoding(c, out, maxLen);
    return storeResult(c, dst, out, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
  }
  if (cardOnly) return c.reply.int(cardinality);
  replyMembers(c, [...out], withScores);
}

/** Keys of the numkeys forms: numkeys at `idx`, keys after it (plus the destination for STORE). */
function numkeysKeys(idx: number, withDest: boolean): (args: string[]) => number[] {
  return (args) => {
    const n = Number(args[idx]);
    const out: number[] = withDest ? [1] : [];
    if (!Number.isInteger(n) || n < 1) return out;
    for (let i = 0; i < n && idx + 1 + i < args.length; i++) out.push(idx + 1 + i);
    return out;
  };
}

const read = {
  group: 'sorted-set',
  arity: -3,
  flags: ['readonly', 'movablekeys'],
  acl: ['read', 'sortedset', 'slow'],
  getKeys: numkeysKeys(1, false),
} as const;
const write = {
  group: 'sorted-set',
  arity: -4,
  flags: ['write', 'denyoom', 'movablekeys'],
  acl: ['write', 'sortedset', 'slow'],
  firstKey: 1,
  lastKey: 1,
  keyStep: 1,
  getKeys: numkeysKeys(2, true),
} as const;

export const zsetStoreCommands: CommandSpec[] = [
  { ...read, name: 'zunion', since: '6.2.0', handler: (c, a) => zsetAlgebra(c, a, undefined, 1, 'union', false) },
  { ...read, name: 'zinter', since: '6.2.0', handler: (c, a) => zsetAlgebra(c, a, undefined, 1, 'inter', false) },
  { ...read, name: 'zdiff', since: '6.2.0', handler: (c, a) => zsetAlgebra(c, a, undefined, 1, 'diff', false) },
  { ...read, name: 'zintercard', since: '7.0.0', handler: (c, a) => zsetAlgebra(c, a, undefined, 1, 'inter', true) },
  { ...write, name: 'zunionstore', since: '2.0.0', handler: (c, a) => zsetAlgebra(c, a, a[1] as string, 2, 'union', false) },
  { ...write, name: 'zinterstore', since: '2.0.0', handler: (c, a) => zsetAlgebra(c, a, a[1] as string, 2, 'inter', false) },
  { ...write, name: 'zdiffstore', since: '6.2.0', handler: (c, a) => zsetAlgebra(c, a, a[1] as string, 2, 'diff', false) },
];
