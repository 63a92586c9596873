/**
 * ZSCAN's cursor and option parsing and one page of results (Redis's scanGenericCommand for a
 * zset):
 *
 * - cursor: strtoul rules ("ERR invalid cursor" for a leading space, trailing garbage or overflow);
 * - options: COUNT n (an integer >= 1, else "ERR syntax error"), MATCH pattern; anything else,
 *   TYPE included, is a syntax error;
 * - a listpack-encoded zset is returned whole with cursor 0, in order, whatever the cursor; a
 *   skiplist-encoded one is walked COUNT members at a time by creation order (SortedSet.scan).
 *   Redis walks its hash table instead, so the order of a large zset's pages differs (Redis gives
 *   no order there) but the SCAN guarantees are the same.
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { getZset } from './zset-common.js';

const ULONG_MAX = 18446744073709551615n;

/** parseScanCursorOrReply: an unsigned 64-bit cursor as a bigint. */
export function parseScanCursor(s: string): bigint {
  if (/^[ \t\n\v\f\r]/.test(s)) throw new RedisError('ERR invalid cursor');
  if (s === '') return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) throw new RedisError('ERR invalid cursor');
  const v = BigInt(m[2] as string);
  if (v > ULONG_MAX) throw new RedisError('ERR invalid cursor');
  // strtoul negates a "-" value in unsigned arithmetic.
  return m[1] === '-' && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export interface ScanPage {
  cursor: string;
  items: [string, number][];
  /** True when the zset is listpack-encoded (scores are shown as the listpack holds them). */
  listpack: boolean;
}

/** Parses ZSCAN's arguments and collects one page; undefined after replying an empty scan. */
export function zsetScanPage(c: Client, args: string[]): ScanPage | undefined {
  const cursor = parseScanCursor(args[2] as string);
  const zs = getZset(c, args[1] as string);
  if (zs === undefined) {
    c.reply.arrayLen(2);
    c.reply.bulk('0');
    c.reply.arrayLen(0);
    return undefined;
  }
  let count = 10;
  let pattern: string | undefined;
  for (let i = 3; i < args.length; i++) {
    const left = args.length - i;
    if (is(args[i], 'COUNT') && left >= 2) {
      count = intArg(args[i + 1] as string);
      if (count < 1) throw new RedisError(SYNTAX);
      i++;
    } else if (is(args[i], 'MATCH') && left >= 2) {
      const p = args[i + 1] as string;
      pattern = p === '*' ? undefined : p;
      i++;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  const items: [string, number][] = [];
  const keep = (m: string, s: number) => {
    if (pattern === undefined || globMatch(pattern, m)) items.push([m, s]);
  };
  if (zs.encoding === 'listpack') {
    for (const [m, s] of zs) keep(m, s);
    return { cursor: '0', items, listpack: true };
  }
  const start = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
  const next = zs.scan(start, count, keep);
  return { cursor: String(next), items, listpack: false };
}
