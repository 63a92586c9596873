/**
 * Lists as a Redis 7.0 node builds them: a QuickList (types/quicklist.ts) whose fill and compress
 * depth are list-max-listpack-size and list-compress-depth at the time the list is created
 * (quicklistSetOptions in pushGenericCommand, LMOVE's destination, RDB load and RESTORE), and the
 * node's packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD).
 */
import { configNumber } from '../engine/encoding.js';
import type { RedisNode } from '../engine/node.js';
import { clampFill, type QlLimits, QuickList } from '../types/quicklist.js';
import { lpEntrySize } from './listpack.js';

/** packed_threshold: elements of 1 GiB or more get a plain node of their own. */
const PACKED_THRESHOLD = 1 << 30;
/** quicklistSetCompressDepth caps the depth at 2^16 - 1. */
const COMPRESS_MAX = (1 << 16) - 1;
/** DEBUG QUICKLIST-PACKED-THRESHOLD per node (a process-wide static in Redis's quicklist.c). */
const limits = new WeakMap<RedisNode, QlLimits>();

function limitsOf(node: RedisNode): QlLimits {
  let l = limits.get(node);
  if (!l) {
    l = { packedThreshold: PACKED_THRESHOLD };
    limits.set(node, l);
  }
  return l;
}

/** The node's packed_threshold: elements at least this long get a plain node of their own. */
export function packedThreshold(node: RedisNode): number {
  return limitsOf(node).packedThreshold;
}

/**
 * quicklistisSetPackedThreshold: 0 restores the 1 GiB default; above 4 GiB - 1 MiB is refused
 * (false). Applies to every list of the node from its next operation on.
 */
export function setPackedThreshold(node: RedisNode, sz: bigint): boolean {
  if (sz > 2n ** 32n - 2n ** 20n) return false;
  limitsOf(node).packedThreshold = sz === 0n ? PACKED_THRESHOLD : Number(sz);
  return true;
}

/**
 * A new empty list with the node's current list settings; `defaults` gives quicklistCreate's own
 * (fill -2, no compression), which SORT ... STORE uses as it never calls quicklistSetOptions.
 */
export function createList(node: RedisNode, defaults = false): QuickList {
  if (defaults) return new QuickList(-2, 0, limitsOf(node), lpEntrySize);
  const fill = clampFill(configNumber(node, 'list-max-listpack-size'));
  const depth = Math.min(Math.max(configNumber(node, 'list-compress-depth'), 0), COMPRESS_MAX);
  return new QuickList(fill, depth, limitsOf(node), lpEntrySize);
}
