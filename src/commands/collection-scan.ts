/**
 * HSCAN / SSCAN (and, for whoever wants it, ZSCAN) as Redis 7.0's scanGenericCommand does them
 * for a key's collection:
 *
 * - the cursor is parsed first (strtoul rules: optional sign, "-n" wraps as unsigned, empty is 0;
 *   a leading space, trailing garbage or overflow is "ERR invalid cursor"), then the key is looked
 *   up (missing: an empty scan, whatever the options), then the options: COUNT n (an integer, and
 *   >= 1 or "ERR syntax error"), MATCH pattern; anything else (TYPE, NOVALUES: 7.x later) is
 *   "ERR syntax error";
 * - a compact collection (listpack hash, intset) is returned whole in one call with cursor 0, in
 *   its order, whatever the cursor and COUNT;
 * - a large one is walked COUNT members per call by creation order (ScanIndex), so every member
 *   present for the whole iteration is returned, in O(log n + COUNT) per call;
 * - MATCH filters after collecting (a page may be empty while the cursor is not 0), and for a hash
 *   it drops the field and its value.
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';

const ULONG_MAX = 18446744073709551615n;

/** parseScanCursorOrReply: an unsigned 64-bit cursor. */
export function parseScanCursor(s: string): bigint {
  if (/^[ \t\n\v\f\r]/.test(s)) throw new RedisError('ERR invalid cursor');
  if (s === '') return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) throw new RedisError('ERR invalid cursor');
  const v = BigInt(m[2] as string);
  if (v > ULONG_MAX) throw new RedisError('ERR invalid cursor');
  return m[1] === '-' && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export interface ScanOptions {
  count: number;
  /** undefined when there is no MATCH or it is "*". */
  pattern: string | undefined;
}

/** Parses COUNT and MATCH from args[from..]. */
export function parseScanOptions(args: string[], from: number): ScanOptions {
  let count = 10;
  let pattern: string | undefined;
  for (let i = from; i < args.length; i += 2) {
    const left = args.length - i;
    if (is(args[i], 'COUNT') && left >= 2) {
      count = intArg(args[i + 1] as string);
      if (count < 1) throw new RedisError(SYNTAX);
    } else if (is(args[i], 'MATCH') && left >= 2) {
      const p = args[i + 1] as string;
      pattern = p === '*' ? undefined : p;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  return { count, pattern };
}

/** What a scanned collection offers. `value` is set for pair collections (hash, zset). */
export interface ScanSource {
  /** True for compact encodings: returned whole with cursor 0. */
  compact: boolean;
  /** Every member in reply order (used when compact). */
  all(): Iterable<string>;
  /** One step over a large collection (see ScanIndex.scan). */
  step(cursor: number, count: number, visit: (key: string) => void): number;
  /** For pair collections: the value to reply after a member. */
  value?: (key: string) => string;
}

/** Writes the empty scan reply (missing key). */
export function replyEmptyScan(c: Client): void {
  c.reply.arrayLen(2);
  c.reply.bulk('0');
  c.reply.arrayLen(0);
}

/**
 * Runs one SCAN step over `source` with the options in args[from..] and replies
 * [cursor, [items...]] (a plain array in RESP3 as well, as Redis).
 */
export function collectionScan(c: Client, cursor: bigint, args: string[], from: number, source: ScanSource): void {
  const { count, pattern } = parseScanOptions(args, from);
  const items: string[] = [];
  const keep = (k: string) => {
    if (pattern !== undefined && !globMatch(pattern, k)) return;
    items.push(k);
    if (source.value) items.push(source.value(k));
  };
  let next = 0;
  if (source.compact) {
    for (const k of source.all()) keep(k);
  } else {
    const start = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
    next = source.step(start, count, keep);
  }
  c.reply.arrayLen(2);
  c.reply.bulk(String(next));
  c.reply.bulkArray(items);
}
