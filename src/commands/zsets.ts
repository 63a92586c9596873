/**
 * Sorted-set commands (Redis 7.0 t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK
 * ZCOUNT ZLEXCOUNT ZRANDMEMBER ZSCAN. The range, store and pop families live in zset-range.ts,
 * zset-store.ts and zset-pop.ts; this file's table includes theirs.
 */

import { is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { NAN_SCORE, parseLexRange, parseScoreRange, scoreArg } from '../engine/zset-args.js';
import { formatDouble, parseInteger } from '../protocol/numbers.js';
import { collectionScan, parseScanCursor, replyEmptyScan } from './collection-scan.js';
import { repeatPicks } from './hashes.js';
import { createZset, getZset, listpackScoreString, randomBelow, replyMembers, zsetStore } from './zset-common.js';
import { zsetPopCommands } from './zset-pop.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetStoreCommands } from './zset-store.js';

/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...], and ZINCRBY (the same code
 * with INCR set, so "ZINCRBY k nx m" is a syntax error as in Redis). All scores are parsed before
 * the key is looked up: a bad score changes nothing. Reply: the number added (CH: added or
 * updated), or with INCR the new score (null when NX/XX/GT/LT prevented the update).
 */
function zaddGeneric(c: Client, args: string[], incrCommand: boolean): void {
  const key = args[1] as string;
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let i = 2;
  for (; i < args.length; i++) {
    const o = (args[i] as string).toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'ch') ch = true;
    else if (o === 'incr') incr = true;
    else if (o === 'gt') gt = true;
    else if (o === 'lt') lt = true;
    else break;
  }
  const rest = args.length - i;
  if (rest === 0 || rest % 2 !== 0) throw new RedisError(SYNTAX);
  const elements = rest / 2;
  if (nx && xx) throw new RedisError('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new RedisError('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) throw new RedisError('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = 0; j < elements; j++) scores.push(scoreArg(args[i + j * 2] as string));

  let zs = getZset(c, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  let nan = false;
  if (zs === undefined && !xx) zs = createZset(c, key, args[i + 1] as string);
  if (zs !== undefined) {
    for (let j = 0; j < elements; j++) {
      const member = args[i + 1 + j * 2] as string;
      let score = scores[j] as number;
      const cur = zs.score(member);
      if (cur !== undefined) {
        if (nx) continue;
        if (incr) {
          score += cur;
          if (Number.isNaN(score)) {
            nan = true;
            break;
          }
        }
        if ((lt && score >= cur) || (gt && score <= cur)) continue;
        processed++;
        lastScore = score;
        if (score !== cur) {
          zsetStore(c, zs, member, score);
          updated++;
        }
      } else if (!xx) {
        zsetStore(c, zs, member, score);
        added++;
        processed++;
        lastScore = score;
      }
    }
  }
  if (added || updated) {
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += added + updated;
    c.node.notify(c.db, 'z', incr ? 'zincr' : 'zadd', key);
  }
  if (nan) throw new RedisError(NAN_SCORE);
  if (incr) {
    if (processed) c.reply.double(lastScore);
    else c.reply.nil();
  } else {
    c.reply.int(ch ? added + updated : added);
  }
}

/** ZREM key member [member ...]: removes members; the key goes when it empties. */
function zrem(c: Client, args: string[]): void {
  const key = args[1] as string;
  const zs = getZset(c, key);
  if (zs === undefined) return c.reply.int(0);
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < args.length; j++) {
    if (zs.delete(args[j] as string)) deleted++;
    if (zs.size === 0) {
      c.db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted) {
    c.node.notify(c.db, 'z', 'zrem', key);
    if (removed) c.node.notify(c.db, 'g', 'del', key);
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += deleted;
  }
  c.reply.int(deleted);
}

function zcard(c: Client, args: string[]): void {
  c.reply.int(getZset(c, args[1] as string)?.size ?? 0);
}

function zscore(c: Client, args: string[]): void {
  const s = getZset(c, args[1] as string)?.score(args[2] as string);
  if (s === undefined) c.reply.nil();
  else c.reply.double(s);
}

/** ZMSCORE key member [member ...]: a missing key is an empty set. */
function zmscore(c: Client, args: string[]): void {
  const zs = getZset(c, args[1] as string);
  c.reply.arrayLen(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const s = zs?.score(args[j] as string);
    if (s === undefined) c.reply.nil();
    else c.reply.double(s);
  }
}

function zrankGeneric(c: Client, args: string[], reverse: boolean): void {
  const r = getZset(c, args[1] as string)?.rank(args[2] as string, reverse);
  if (r === undefined) c.reply.nil();
  else c.reply.int(r);
}

/** ZCOUNT key min max: O(log n) through ranks. The range is parsed before the key is read. */
function zcount(c: Client, args: string[]): void {
  const range = parseScoreRange(args[2] as string, args[3] as string);
  const zs = getZset(c, args[1] as string);
  c.reply.int(zs ? zs.countInRange(range) : 0);
}

function zlexcount(c: Client, args: string[]): void {
  const range = parseLexRange(args[2] as string, args[3] as string);
  const zs = getZset(c, args[1] as string);
  c.reply.int(zs ? zs.countInLexRange(range) : 0);
}

const LONG_MAX = 9223372036854775807n;

/**
 * ZRANDMEMBER key [count [WITHSCORES]]. Without count: one random member (null if no key).
 * count > 0: distinct members, at most the whole set (then highest first, as Redis walks it from
 * the tail); count < 0: |count| members drawn with repetition. With WITHSCORES |count| must fit
 * LONG_MAX/2 ("ERR value is out of range").
 */
function zrandmember(c: Client, args: string[]): void {
  const key = args[1] as string;
  if (args.length === 2) {
    const zs = getZset(c, key);
    if (zs === undefined) return c.reply.nil();
    c.reply.bulk(zs.memberAt(randomBelow(zs.size)));
    return;
  }
  const raw = args[2] as string;
  const n = parseInteger(raw);
  if (n === null) throw new RedisError('ERR value is not an integer or out of range');
  const big = BigInt(raw);
  if (big < -LONG_MAX) throw new RedisError('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  if (args.length > 4 || (args.length === 4 && !is(args[3], 'WITHSCORES'))) throw new RedisError(SYNTAX);
  const withScores = args.length === 4;
  if (withScores && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) throw new RedisError('ERR value is out of range');
  const zs = getZset(c, key);
  if (zs === undefined) return c.reply.arrayLen(0);
  if (n === 0) return c.reply.arrayLen(0);
  const size = zs.size;
  const pick = (): [string, number] => {
    const m = zs.memberAt(randomBelow(size));
    return [m, zs.score(m) as number];
  };
  // Case 1: negative count (or 1): independent draws, repetitions allowed.
  if (n < 0 || n === 1) {
    // As SRANDMEMBER and HRANDFIELD: an absurd count is refused rather than drawn for ever.
    const count = repeatPicks(big);
    const out: [string, number][] = [];
    for (let k = 0; k < count; k++) out.push(pick());
    return replyMembers(c, out, withScores);
  }
  // Case 2: the whole set, highest first (Redis iterates zsets from the tail here).
  if (n >= size) {
    const all = [...zs.entries(true)];
    return replyMembers(c, all, withScores);
  }
  // Case 3: most of the set: drop random members from a copy. Case 4: draw distinct members.
  if (n * 3 > size) {
    const all = [...zs];
    while (all.length > n) {
      const k = randomBelow(all.length);
      all[k] = all[all.length - 1] as [string, number];
      all.pop();
    }
    return replyMembers(c, all, withScores);
  }
  const seen = new Set<string>();
  const out: [string, number][] = [];
  while (out.length < n) {
    const p = pick();
    if (seen.has(p[0])) continue;
    seen.add(p[0]);
    out.push(p);
  }
  replyMembers(c, out, withScores);
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count], through the shared collection scan. A
 * listpack-encoded zset is returned whole with cursor 0, in order, with its scores as the listpack
 * holds them (integers as integers); a skiplist one is walked COUNT members per call in creation
 * order (Redis walks its hash table: a different page order, the same guarantees), scores "%.17g".
 */
function zscan(c: Client, args: string[]): void {
  const cursor = parseScanCursor(args[2] as string);
  const zs = getZset(c, args[1] as string);
  if (zs === undefined) return replyEmptyScan(c);
  const listpack = zs.encoding === 'listpack';
  collectionScan(c, cursor, args, 3, {
    compact: listpack,
    all: () => zs.members(),
    step: (from, count, visit) => zs.scan(from, count, (m) => visit(m)),
    value: (m) => {
      const s = zs.score(m) as number;
      return listpack ? listpackScoreString(s) : formatDouble(s);
    },
  });
}

const base = { group: 'sorted-set', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const W = ['write', 'sortedset'] as const;
const R = ['read', 'sortedset'] as const;

export const basicZsetCommands: CommandSpec[] = [
  {
    ...base,
    name: 'zadd',
    arity: -4,
    since: '1.2.0',
    flags: ['write', 'denyoom', 'fast'],
    acl: [...W, 'fast'],
    handler: (c, a) => zaddGeneric(c, a, false),
  },
  {
    ...base,
    name: 'zincrby',
    arity: 4,
    since: '1.2.0',
    flags: ['write', 'denyoom', 'fast'],
    acl: [...W, 'fast'],
    handler: (c, a) => zaddGeneric(c, a, true),
  },
  { ...base, name: 'zrem', arity: -3, since: '1.2.0', flags: ['write', 'fast'], acl: [...W, 'fast'], handler: zrem },
  { ...base, name: 'zcard', arity: 2, since: '1.2.0', flags: ['readonly', 'fast'], acl: [...R, 'fast'], handler: zcard },
  { ...base, name: 'zscore', arity: 3, since: '1.2.0', flags: ['readonly', 'fast'], acl: [...R, 'fast'], handler: zscore },
  { ...base, name: 'zmscore', arity: -3, since: '6.2.0', flags: ['readonly', 'fast'], acl: [...R, 'fast'], handler: zmscore },
  {
    ...base,
    name: 'zrank',
    arity: 3,
    since: '2.0.0',
    flags: ['readonly', 'fast'],
    acl: [...R, 'fast'],
    handler: (c, a) => zrankGeneric(c, a, false),
  },
  {
    ...base,
    name: 'zrevrank',
    arity: 3,
    since: '2.0.0',
    flags: ['readonly', 'fast'],
    acl: [...R, 'fast'],
    handler: (c, a) => zrankGeneric(c, a, true),
  },
  { ...base, name: 'zcount', arity: 4, since: '2.0.0', flags: ['readonly', 'fast'], acl: [...R, 'fast'], handler: zcount },
  { ...base, name: 'zlexcount', arity: 4, since: '2.8.9', flags: ['readonly', 'fast'], acl: [...R, 'fast'], handler: zlexcount },
  {
    ...base,
    name: 'zrandmember',
    arity: -2,
    since: '6.2.0',
    flags: ['readonly'],
    acl: [...R, 'slow'],
    tips: ['nondeterministic_output'],
    handler: zrandmember,
  },
  {
    ...base,
    name: 'zscan',
    arity: -3,
    since: '2.8.0',
    flags: ['readonly'],
    acl: [...R, 'slow'],
    tips: ['nondeterministic_output'],
    handler: zscan,
  },
];

export const sortedSetCommands: CommandSpec[] = [...basicZsetCommands, ...zsetRangeCommands, ...zsetStoreCommands, ...zsetPopCommands];
