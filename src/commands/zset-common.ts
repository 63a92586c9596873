/**
 * Helpers shared by the sorted-set command files: lookup, Redis's listpack/skiplist encoding
 * bookkeeping, storing a result zset, and the WITHSCORES reply shapes.
 */
import type { Client } from '../engine/client.js';
import { RedisObject } from '../engine/values.js';
import { formatDouble } from '../protocol/numbers.js';
import { SortedSet } from '../types/sortedset.js';

/** zset-max-listpack-entries / -value (Redis's defaults when the config table lacks them). */
export function listpackLimits(c: Client): { entries: number; value: number } {
  const cfg = c.node.config;
  const entries = cfg.param('zset-max-listpack-entries') ? cfg.getInt('zset-max-listpack-entries') : 128;
  const value = cfg.param('zset-max-listpack-value') ? cfg.getInt('zset-max-listpack-value') : 64;
  return { entries, value };
}

/** The zset at `key` (WRONGTYPE if another type), or undefined. */
export function getZset(c: Client, key: string): SortedSet | undefined {
  return c.db.get(key, 'zset')?.value;
}

/**
 * Creates an empty zset at `key` as ZADD does: a skiplist at once when listpacks are disabled or
 * the first member is already too long for one, else a listpack.
 */
export function createZset(c: Client, key: string, firstMember: string): SortedSet {
  const zs = new SortedSet();
  const lim = listpackLimits(c);
  if (lim.entries === 0 || firstMember.length > lim.value) zs.encoding = 'skiplist';
  c.db.add(key, new RedisObject('zset', zs, c.node.clock.now()));
  return zs;
}

/**
 * zsetAdd's storage step: sets `member` to `score`, converting a listpack to a skiplist when a new
 * member would make it too long or is too large (never back). A listpack stores an integral score
 * as an integer, so -0 becomes 0 there. Returns true when the member is new.
 */
export function zsetStore(c: Client, zs: SortedSet, member: string, score: number): boolean {
  if (zs.encoding === 'listpack') {
    if (!zs.has(member)) {
      const lim = listpackLimits(c);
      if (zs.size + 1 > lim.entries || member.length > lim.value) zs.encoding = 'skiplist';
    }
    if (score === 0 && zs.encoding === 'listpack') score = 0;
  }
  return zs.add(member, score);
}

/**
 * zsetConvertToListpackIfNeeded for a freshly built result (ZUNIONSTORE, ZRANGESTORE, ...): a
 * listpack when it fits the limits, else a skiplist.
 */
export function settleEncoding(c: Client, zs: SortedSet, maxMemberLen: number): void {
  const lim = listpackLimits(c);
  if (zs.size <= lim.entries && maxMemberLen <= lim.value) {
    zs.encoding = 'listpack';
    // Integral scores are listpack integers: -0 reads back as 0.
    zs.normalizeZeroScores();
  } else {
    zs.encoding = 'skiplist';
  }
}

/**
 * Stores a computed zset at `dst` (setKey: replaces any value and its TTL) and replies its size; an
 * empty result deletes `dst` instead and replies 0. `event` is the keyspace event for a store;
 * a store adds `changes` to server.dirty (one for the *STORE commands, the items for GEO's STORE), a
 * delete one.
 */
export function storeResult(c: Client, dst: string, zs: SortedSet, event: string, changes = 1): void {
  if (zs.size > 0) {
    c.db.set(dst, new RedisObject('zset', zs, c.node.clock.now()));
    c.node.signalModifiedKey(c.db, dst);
    c.node.stats.dirty += changes;
    c.reply.int(zs.size);
    c.node.notify(c.db, 'z', event, dst);
  } else {
    c.reply.int(0);
    if (c.db.delete(dst)) {
      c.node.signalModifiedKey(c.db, dst);
      c.node.stats.dirty++;
      c.node.notify(c.db, 'g', 'del', dst);
    }
  }
}

/** Deletes `key` when its zset became empty (with the generic "del" event); true if it did. */
export function deleteIfEmpty(c: Client, key: string, zs: SortedSet): boolean {
  if (zs.size > 0) return false;
  c.db.delete(key);
  return true;
}

/**
 * Replies members with optional scores: RESP2 a flat array (member, score, ...), RESP3 with
 * WITHSCORES an array of [member, score] pairs (scores as doubles), as Redis 7.0's ZRANGE family.
 */
export function replyMembers(c: Client, items: readonly [string, number][], withScores: boolean): void {
  const pairs = withScores && c.resp === 3;
  c.reply.arrayLen(withScores && !pairs ? items.length * 2 : items.length);
  for (const [m, s] of items) {
    if (pairs) c.reply.arrayLen(2);
    c.reply.bulk(m);
    if (withScores) c.reply.double(s);
  }
}

/**
 * A score as a listpack holds it, for ZSCAN of a small zset: integral values within ±2^62 are
 * stored (and read back) as integers (double2ll: |x| <= LLONG_MAX/2, which rounds to 2^62), others as "%.17g" text.
 */
export function listpackScoreString(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) return BigInt(score).toString();
  return formatDouble(score);
}

/** A uniformly random integer in [0, n). */
export function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}
