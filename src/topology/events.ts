/**
 * Role and lifecycle changes of the nodes of this process, told to whoever watches a topology
 * (the Sentinel endpoint, src/sentinel/). Emitted synchronously by topology/replication.ts at
 * the moment the change happens:
 *   promoted   a replica became a primary (REPLICAOF NO ONE, sim.promote(), a failover)
 *   replicaof  a node started following a primary (REPLICAOF host port, sim.replicaOf())
 *   killed     the node's process died (sim.kill()): it answers nothing until restarted
 *   restarted  a killed node listens again (sim.restart())
 *   stopped    the node was stopped for good (sim.stop())
 */
import type { RedisNode } from '../engine/node.js';

export type TopologyEvent = 'promoted' | 'replicaof' | 'killed' | 'restarted' | 'stopped';
export type TopologyListener = (node: RedisNode, event: TopologyEvent) => void;

const listeners = new Set<TopologyListener>();

/** Calls `fn` on every topology event of any node; returns the function that stops it. */
export function onTopologyEvent(fn: TopologyListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function emitTopologyEvent(node: RedisNode, event: TopologyEvent): void {
  for (const fn of [...listeners]) fn(node, event);
}
