/**
 * Role changes of the nodes of this process (promoted, or made a replica), told by
 * topology/replication.ts to whoever listens (topology/endpoint.ts's primary endpoints).
 */
import type { RedisNode } from '../engine/node.js';

/** Listeners told when a node of this process changes role (promoted, or made a replica). */
const roleListeners = new Set<(node: RedisNode) => void>();

/** Calls `fn` after each role change of a node of this process; returns the unsubscribe function. */
export function onRoleChange(fn: (node: RedisNode) => void): () => void {
  roleListeners.add(fn);
  return () => roleListeners.delete(fn);
}

export function roleChanged(node: RedisNode): void {
  for (const fn of [...roleListeners]) fn(node);
}
