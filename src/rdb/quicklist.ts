/**
 * The node layout of a Redis 7.0 quicklist, derived from the list's elements as RPUSH builds it
 * (quicklistPushTail / _quicklistNodeAllowInsert): an element joins the tail node while the
 * node's listpack bytes + the element's length + 8 stay within list-max-listpack-size's byte
 * limit (fill -1..-5: 4, 8, 16, 32, 64 KiB), or for a positive fill while the node has fewer than
 * `fill` elements and stays within 8 KiB. Lists shaped by LPUSH, LINSERT, LREM or a changed
 * setting may have other node boundaries in Redis; their DUMP then differs in layout only.
 */
import type { RedisNode } from '../engine/node.js';
import { lpEntrySize } from './listpack.js';

const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
/** packed_threshold: elements of 1 GiB or more get a plain node of their own. */
const PACKED_THRESHOLD = 1 << 30;
/** DEBUG QUICKLIST-PACKED-THRESHOLD per node (a process-wide static in Redis's quicklist.c). */
const thresholds = new WeakMap<RedisNode, number>();

/** The node's packed_threshold: elements at least this long get a plain node of their own. */
export function packedThreshold(node: RedisNode): number {
  return thresholds.get(node) ?? PACKED_THRESHOLD;
}

/**
 * quicklistisSetPackedThreshold: 0 restores the 1 GiB default; above 4 GiB - 1 MiB is refused
 * (false).
 */
export function setPackedThreshold(node: RedisNode, sz: bigint): boolean {
  if (sz > 2n ** 32n - 2n ** 20n) return false;
  thresholds.set(node, sz === 0n ? PACKED_THRESHOLD : Number(sz));
  return true;
}

function allowInsert(nodeBytes: number, nodeCount: number, fill: number, sz: number, threshold: number): boolean {
  if (sz >= threshold) return false;
  const newSz = nodeBytes + sz + 8;
  if (fill < 0) {
    const level = OPTIMIZATION_LEVEL[-fill - 1];
    if (level !== undefined && newSz <= level) return true;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return nodeCount < fill;
}

/** Element counts of the nodes, in order (a plain node holds one element of `threshold` bytes or more). */
export function quicklistLayout(items: Iterable<string>, fill: number, threshold = PACKED_THRESHOLD): number[] {
  const counts: number[] = [];
  let bytes = 0;
  let count = 0;
  let plain = false;
  for (const v of items) {
    if (count > 0 && !plain && allowInsert(bytes, count, fill, v.length, threshold)) {
      bytes += lpEntrySize(v);
      count++;
      continue;
    }
    if (count > 0) counts.push(count);
    plain = v.length >= threshold;
    bytes = 7 + lpEntrySize(v);
    count = 1;
  }
  if (count > 0) counts.push(count);
  return counts;
}
