/**
 * Popping from sorted sets (Redis 7.0 genericZpopCommand and its callers): ZPOPMIN ZPOPMAX ZMPOP,
 * and the blocking BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Reply shapes (checked against redis-server 7.0.15):
 * - ZPOPMIN key: flat [member, score] (RESP3 too); ZPOPMIN key count: RESP2 flat, RESP3 an array
 *   of [member, score] pairs; count 0 or a missing key: empty array.
 * - BZPOPMIN: flat [key, member, score]; timeout: null array.
 * - ZMPOP/BZMPOP: [key, [[member, score], ...]]; nothing to pop / timeout: null array.
 * Events: zpopmin / zpopmax once per call, then "del" when the zset empties.
 *
 * Blocking: a blocking form that finds every key missing or empty blocks on all of them (inside
 * MULTI or a script it answers the null array at once). It is run again when one of its keys
 * becomes ready, and then pops from that key only, as Redis 7.0 does: BZPOPMIN a b woken by a ZADD
 * to b pops from b even if a got members in the same transaction. Waiters are served first-come
 * first-served; once the key is emptied the others stay blocked.
 */
import { intArg, is, timeoutArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { POSITIVE, RedisError, SYNTAX, WRONGTYPE } from '../engine/errors.js';
import type { SortedSet } from '../types/sortedset.js';

type Shape = 'flat' | 'pairs' | 'keyed-flat' | 'keyed-pairs';

/** Pops up to `count` members from the zset at `key` and writes the reply in `shape`. */
function popFrom(c: Client, key: string, zs: SortedSet, max: boolean, count: number, shape: Shape): void {
  const n = Math.min(count, zs.size);
  if (shape === 'flat') c.reply.arrayLen(n * 2);
  else if (shape === 'pairs') c.reply.arrayLen(n);
  else if (shape === 'keyed-flat') {
    c.reply.arrayLen(n * 2 + 1);
    c.reply.bulk(key);
  } else {
    c.reply.arrayLen(2);
    c.reply.bulk(key);
    c.reply.arrayLen(n);
  }
  for (let i = 0; i < n; i++) {
    const [m, s] = zs.pop(max) as [string, number];
    if (i === 0) {
      c.node.notify(c.db, 'z', max ? 'zpopmax' : 'zpopmin', key);
      c.node.signalModifiedKey(c.db, key);
    }
    if (shape === 'pairs' || shape === 'keyed-pairs') c.reply.arrayLen(2);
    c.reply.bulk(m);
    c.reply.double(s);
  }
  c.node.stats.dirty += n; // one change per member popped
  if (zs.size === 0) {
    c.db.delete(key);
    c.node.notify(c.db, 'g', 'del', key);
  }
}

/**
 * ZPOPMIN / ZPOPMAX key [count]: count must be an integer >= 0, else "ERR value is out of range,
 * must be positive".
 */
function zpop(c: Client, args: string[], max: boolean): void {
  if (args.length > 3) throw new RedisError(SYNTAX);
  let count = -1;
  if (args.length === 3) {
    // getPositiveLongFromObjectOrReply: one message for a non-integer and for a negative count.
    count = intArg(args[2] as string, POSITIVE());
    if (count < 0) throw new RedisError(POSITIVE());
  }
  const key = args[1] as string;
  const zs = c.db.get(key, 'zset')?.value;
  if (zs === undefined || count === 0) return c.reply.arrayLen(0);
  popFrom(c, key, zs, max, count === -1 ? 1 : count, c.resp === 3 && count !== -1 ? 'pairs' : 'flat');
}

/** Parses ZMPOP/BZMPOP's "numkeys key... MIN|MAX [COUNT n]" from `idx` (numkeys). */
function parseMpop(args: string[], idx: number): { keys: string[]; max: boolean; count: number } {
  // getRangeLongFromObjectOrReply with a message: the same text for a non-integer and for < 1.
  const numkeys = intArg(args[idx] as string, 'ERR numkeys should be greater than 0');
  if (numkeys < 1) throw new RedisError('ERR numkeys should be greater than 0');
  const whereIdx = idx + numkeys + 1;
  if (whereIdx >= args.length) throw new RedisError(SYNTAX);
  let max: boolean;
  if (is(args[whereIdx], 'MIN')) max = false;
  else if (is(args[whereIdx], 'MAX')) max = true;
  else throw new RedisError(SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < args.length; j++) {
    if (count === -1 && is(args[j], 'COUNT') && j < args.length - 1) {
      j++;
      count = intArg(args[j] as string, 'ERR count should be greater than 0');
      if (count < 1) throw new RedisError('ERR count should be greater than 0');
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  return { keys: args.slice(idx + 1, idx + 1 + numkeys), max, count: count === -1 ? 1 : count };
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key. */
function zmpop(c: Client, args: string[]): void {
  const { keys, max, count } = parseMpop(args, 1);
  for (const key of keys) {
    const zs = c.db.get(key, 'zset')?.value;
    if (zs === undefined) continue;
    // Replicated as ZPOPMIN/ZPOPMAX key <members popped>.
    c.node.propagation.rewrite([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(Math.min(count, zs.size))]);
    return popFrom(c, key, zs, max, count, 'keyed-pairs');
  }
  c.reply.nilArray();
}

/**
 * The blocking core: pops from the first key holding a non-empty zset, or blocks on all keys until
 * the deadline. When re-run because a key became ready (`c.readyKey`), only that key is looked at,
 * as Redis 7.0 serves a woken client from the ready key; keys of another type are then skipped
 * rather than errors (the blocking manager only re-runs us while the key is a zset).
 */
function blockingPop(c: Client, keys: string[], timeoutAt: number, max: boolean, count: number, shape: Shape): void {
  const ready = c.readyKey;
  for (const key of ready !== undefined && c.retrying ? [ready] : keys) {
    const o = c.db.lookupTouch(key);
    if (o === undefined) continue;
    if (!o.is('zset')) {
      if (c.retrying) continue;
      throw new RedisError(WRONGTYPE);
    }
    if (o.value.size === 0) continue;
    // Replicated as ZPOPMIN/ZPOPMAX key (BZPOPMIN/BZPOPMAX) or with the count popped (BZMPOP).
    const name = max ? 'ZPOPMAX' : 'ZPOPMIN';
    c.node.propagation.rewrite(shape === 'keyed-flat' ? [name, key] : [name, key, String(Math.min(count, o.value.size))]);
    return popFrom(c, key, o.value, max, count, shape);
  }
  // `type` lets the blocking manager skip this client while a key holds another type.
  c.block({ keys, timeoutAt, onTimeout: (cl) => cl.reply.nilArray(), type: 'zset' });
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout. */
function bzpop(c: Client, args: string[], max: boolean): void {
  const timeoutAt = timeoutArg(args[args.length - 1] as string, c.node.clock.now());
  blockingPop(c, args.slice(1, -1), timeoutAt, max, 1, 'keyed-flat');
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
function bzmpop(c: Client, args: string[]): void {
  const { keys, max, count } = parseMpop(args, 2);
  const timeoutAt = timeoutArg(args[1] as string, c.node.clock.now());
  blockingPop(c, keys, timeoutAt, max, count, 'keyed-pairs');
}

/** Key positions of ZMPOP (numkeys at 1) and BZMPOP (numkeys at 2). */
function mpopKeys(idx: number): (args: string[]) => number[] {
  return (args) => {
    const n = Number(args[idx]);
    const out: number[] = [];
    if (!Number.isInteger(n) || n < 1) return out;
    for (let i = 0; i < n && idx + 1 + i < args.length; i++) out.push(idx + 1 + i);
    return out;
  };
}

const base = { group: 'sorted-set', firstKey: 1, lastKey: 1, keyStep: 1 } as const;

export const zsetPopCommands: CommandSpec[] = [
  {
    ...base,
    name: 'zpopmin',
    arity: -2,
    since: '5.0.0',
    flags: ['write', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    handler: (c, a) => zpop(c, a, false),
  },
  {
    ...base,
    name: 'zpopmax',
    arity: -2,
    since: '5.0.0',
    flags: ['write', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    handler: (c, a) => zpop(c, a, true),
  },
  {
    name: 'zmpop',
    group: 'sorted-set',
    arity: -4,
    since: '7.0.0',
    flags: ['write', 'movablekeys'],
    acl: ['write', 'sortedset', 'slow'],
    getKeys: mpopKeys(1),
    handler: zmpop,
  },
  {
    ...base,
    name: 'bzpopmin',
    arity: -3,
    since: '5.0.0',
    lastKey: -2,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['write', 'sortedset', 'fast', 'blocking'],
    handler: (c, a) => bzpop(c, a, false),
  },
  {
    ...base,
    name: 'bzpopmax',
    arity: -3,
    since: '5.0.0',
    lastKey: -2,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['write', 'sortedset', 'fast', 'blocking'],
    handler: (c, a) => bzpop(c, a, true),
  },
  {
    name: 'bzmpop',
    group: 'sorted-set',
    arity: -5,
    since: '7.0.0',
    flags: ['write', 'blocking', 'movablekeys'],
    acl: ['write', 'sortedset', 'slow', 'blocking'],
    getKeys: mpopKeys(2),
    handler: bzmpop,
  },
];
