/**
 * Sorted-set range commands (Redis 7.0 zrangeGenericCommand and zremrangeGenericCommand):
 * ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.
 *
 * Semantics worth knowing:
 * - Options are parsed first, in one pass: WITHSCORES (not for ZRANGESTORE), LIMIT offset count
 *   (needs two more arguments, else syntax error), and only for ZRANGE/ZRANGESTORE: REV, BYSCORE,
 *   BYLEX. Then the conflicts: LIMIT with a rank range, WITHSCORES with BYLEX. Then the range.
 * - REV with BYSCORE/BYLEX takes the range as max, min.
 * - LIMIT: a negative count means "all"; a negative offset gives an empty result.
 * - The key is read after all parsing: a missing key is an empty array (ZRANGESTORE: 0, and the
 *   destination is deleted).
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { parseLexRange, parseScoreRange } from '../engine/zset-args.js';
import { lexGteMin, lexLteMax, SortedSet, scoreGteMin, scoreLteMax } from '../types/sortedset.js';
import { getZset, replyMembers, settleEncoding, storeResult } from './zset-common.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

type Entry = [string, number];

/** Collects a rank range (start/end may be negative, as Redis's indexes). */
function byRank(zs: SortedSet, start: number, end: number, reverse: boolean): Entry[] {
  const len = zs.size;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [];
  if (end >= len) end = len - 1;
  let n = end - start + 1;
  const out: Entry[] = [];
  zs.walk(reverse ? len - 1 - start : start, reverse, (m, s) => {
    out.push([m, s]);
    return --n > 0;
  });
  return out;
}

/**
 * Walks from rank `start` (-1: nothing) in the given direction: skips `offset` members, then takes
 * members while `inRange` holds, at most `limit` of them (negative: no limit). A negative offset
 * never stops skipping, as Redis's `while (ln && offset--)`, so it yields nothing. The skipped
 * members are stepped over one by one, as Redis does.
 */
function walk(
  zs: SortedSet,
  start: number,
  reverse: boolean,
  offset: number,
  limit: number,
  inRange: (m: string, s: number) => boolean,
): Entry[] {
  const out: Entry[] = [];
  if (start < 0 || offset < 0) return out;
  zs.walk(start, reverse, (m, s) => {
    if (offset > 0) {
      offset--;
      return true;
    }
    if (limit-- === 0 || !inRange(m, s)) return false;
    out.push([m, s]);
    return true;
  });
  return out;
}

/**
 * zrangeGenericCommand: `first` is the index of the source key; `store` is the destination for
 * ZRANGESTORE. `rangeType`/`direction` are fixed by the legacy commands, 'auto' for ZRANGE.
 */
function zrangeGeneric(
  c: Client,
  args: string[],
  first: number,
  store: string | undefined,
  rangeType: RangeType,
  direction: Direction,
): void {
  const key = args[first] as string;
  let minIdx = first + 1;
  let maxIdx = first + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let limitGiven = false;
  for (let j = first + 3; j < args.length; j++) {
    const left = args.length - j - 1;
    const a = args[j] as string;
    if (store === undefined && is(a, 'WITHSCORES')) withScores = true;
    else if (is(a, 'LIMIT') && left >= 2) {
      offset = intArg(args[j + 1] as string);
      limit = intArg(args[j + 2] as string);
      limitGiven = true;
      j += 2;
    } else if (direction === 'auto' && is(a, 'REV')) direction = 'reverse';
    else if (rangeType === 'auto' && is(a, 'BYLEX')) rangeType = 'lex';
    else if (rangeType === 'auto' && is(a, 'BYSCORE')) rangeType = 'score';
    else throw new RedisError(SYNTAX);
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  // Redis tests "limit != -1": LIMIT 0 -1 on a rank range passes.
  if (limitGiven && limit !== -1 && rangeType === 'rank') {
    throw new RedisError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && rangeType === 'lex') throw new RedisError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === 'reverse';
  if (reverse && rangeType !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];

  let pick: (zs: SortedSet) => Entry[];
  if (rangeType === 'rank') {
    const start = intArg(args[minIdx] as string);
    const end = intArg(args[maxIdx] as string);
    pick = (zs) => byRank(zs, start, end, reverse);
  } else if (rangeType === 'score') {
    const r = parseScoreRange(args[minIdx] as string, args[maxIdx] as string);
    pick = (zs) => {
      if (offset > 0 && offset >= zs.size) return [];
      const from = reverse ? zs.lastInRange(r) : zs.firstInRange(r);
      return walk(zs, from, reverse, offset, limit, (_m, s) => (reverse ? scoreGteMin(s, r) : scoreLteMax(s, r)));
    };
  } else {
    const r = parseLexRange(args[minIdx] as string, args[maxIdx] as string);
    pick = (zs) => {
      const from = reverse ? zs.lastInLexRange(r) : zs.firstInLexRange(r);
      return walk(zs, from, reverse, offset, limit, (m) => (reverse ? lexGteMin(m, r) : lexLteMax(m, r)));
    };
  }

  const zs = getZset(c, key);
  const nodes = zs ? pick(zs) : [];
  if (store === undefined) return replyMembers(c, nodes, withScores);
  // ZRANGESTORE: the result becomes a new zset (listpack when small, as zsetAdd would build it).
  const out = new SortedSet();
  let maxLen = 0;
  for (const [m, s] of nodes) {
    out.add(m, s);
    if (m.length > maxLen) maxLen = m.length;
  }
  settleEncoding(c, out, maxLen);
  storeResult(c, store, out, 'zrangestore');
}

type RemoveKind = 'rank' | 'score' | 'lex';

/** ZREMRANGEBYRANK/SCORE/LEX key a b: the range is parsed before the key is looked up. */
function zremrangeGeneric(c: Client, args: string[], kind: RemoveKind): void {
  const key = args[1] as string;
  let remove: (zs: SortedSet) => number;
  if (kind === 'rank') {
    let start = intArg(args[2] as string);
    let end = intArg(args[3] as string);
    remove = (zs) => {
      const len = zs.size;
      if (start < 0) start = len + start;
      if (end < 0) end = len + end;
      if (start < 0) start = 0;
      if (start > end || start >= len) return 0;
      if (end >= len) end = len - 1;
      return zs.deleteRangeByRank(start, end);
    };
  } else if (kind === 'score') {
    const r = parseScoreRange(args[2] as string, args[3] as string);
    remove = (zs) => zs.deleteRangeByScore(r);
  } else {
    const r = parseLexRange(args[2] as string, args[3] as string);
    remove = (zs) => zs.deleteRangeByLex(r);
  }
  const zs = getZset(c, key);
  if (zs === undefined) return c.reply.int(0);
  const deleted = remove(zs);
  const emptied = zs.size === 0;
  if (emptied) c.db.delete(key);
  if (deleted) {
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += deleted;
    c.node.notify(c.db, 'z', `zremrangeby${kind}`, key);
    if (emptied) c.node.notify(c.db, 'g', 'del', key);
  }
  c.reply.int(deleted);
}

const base = { group: 'sorted-set', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const readRange = { ...base, arity: -4, flags: ['readonly'], acl: ['read', 'sortedset', 'slow'] } as const;
const removeRange = { ...base, arity: 4, flags: ['write'], acl: ['write', 'sortedset', 'slow'] } as const;

export const zsetRangeCommands: CommandSpec[] = [
  { ...readRange, name: 'zrange', since: '1.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'auto', 'auto') },
  {
    ...base,
    name: 'zrangestore',
    arity: -5,
    since: '6.2.0',
    lastKey: 2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'sortedset', 'slow'],
    handler: (c, a) => zrangeGeneric(c, a, 2, a[1] as string, 'auto', 'auto'),
  },
  { ...readRange, name: 'zrevrange', since: '1.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'rank', 'reverse') },
  { ...readRange, name: 'zrangebyscore', since: '1.0.5', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'score', 'forward') },
  { ...readRange, name: 'zrevrangebyscore', since: '2.2.0', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'score', 'reverse') },
  { ...readRange, name: 'zrangebylex', since: '2.8.9', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'lex', 'forward') },
  { ...readRange, name: 'zrevrangebylex', since: '2.8.9', handler: (c, a) => zrangeGeneric(c, a, 1, undefined, 'lex', 'reverse') },
  { ...removeRange, name: 'zremrangebyrank', since: '2.0.0', handler: (c, a) => zremrangeGeneric(c, a, 'rank') },
  { ...removeRange, name: 'zremrangebyscore', since: '1.2.0', handler: (c, a) => zremrangeGeneric(c, a, 'score') },
  { ...removeRange, name: 'zremrangebylex', since: '2.8.9', handler: (c, a) => zremrangeGeneric(c, a, 'lex') },
];
