/**
 * The primary endpoints started with SIM ENDPOINT, by the node that started them: filled by
 * topology/endpoint.ts, emptied (the endpoints stopped) by topology/replication.ts when the node stops.
 */
import type { RedisNode } from '../engine/node.js';
import type { PrimaryEndpoint } from './endpoint.js';

/** Endpoints started with SIM ENDPOINT, by the node that started them (stopped with it). */
export const ownedBy = new WeakMap<RedisNode, Map<number, PrimaryEndpoint>>();

/** The owner shuts down: its endpoints stop. */
export function stopOwnedEndpoints(owner: RedisNode): void {
  const m = ownedBy.get(owner);
  if (!m) return;
  ownedBy.delete(owner);
  for (const ep of m.values()) void ep.stop();
}
