/**
 * What a test controls in a replication topology, for one node. The same operations back the
 * TypeScript API (sim.repl) and the control command over the wire (SIM REPL ..., commands/
 * sim-repl.ts).
 *
 * On a primary, the stream to its replicas (all, or one picked by its listening port):
 *   hold()          nothing more reaches the replica, and its ACKs no longer reach the primary
 *                   (WAIT counts no new ack; INFO's lag grows), until release()
 *   release(n?)     deliver the oldest n held commands, or all and lift the hold
 *   delay(ms)       deliver each command ms of virtual time after it was produced (0: off)
 *   pending()       commands produced and not delivered yet
 * On a replica:
 *   break()         the link goes down (master_link_status:down) and stays down
 *   restore()       reconnect now; the replica continues from the backlog (PSYNC) when it can
 *   unreceived()    writes its primary has that it never applied (what a promotion now loses)
 *   promote()       REPLICAOF NO ONE; returns the writes lost by it
 */
import type { RedisNode } from '../engine/node.js';
import type { ReplicaHandle } from './primary.js';
import { Replication } from './replication.js';

export class ReplicationControl {
  constructor(readonly node: RedisNode) {}

  private get repl(): Replication {
    return Replication.of(this.node);
  }

  /** The links this node controls: its replicas' (optionally the one listening on `port`), or its own to its primary. */
  private links(port?: number): ReplicaHandle[] {
    const r = this.repl;
    const own = r.replica?.primaryHandle;
    if (r.handles.length === 0 && own) return [own];
    return r.handles.filter((h) => port === undefined || h.listeningPort === port);
  }

  hold(port?: number): number {
    const ls = this.links(port);
    for (const h of ls) h.link.hold();
    return ls.length;
  }

  release(count?: number, port?: number): number {
    let n = 0;
    for (const h of this.links(port)) {
      n += h.link.release(count);
      if (!h.link.isHeld && h.heldAck !== undefined) {
        const off = h.heldAck;
        h.heldAck = undefined;
        h.primary.ack(h, off);
      }
    }
    this.node.flushAll();
    return n;
  }

  delay(ms: number, port?: number): number {
    const ls = this.links(port);
    for (const h of ls) h.link.setDelay(ms);
    return ls.length;
  }

  pending(port?: number): number {
    let n = 0;
    for (const h of this.links(port)) n += h.link.pendingCount;
    return n;
  }

  /** This replica's link goes down and stays down until restore(). */
  break(): boolean {
    const r = this.repl.replica;
    if (!r) return false;
    r.broken = true;
    r.linkLost();
    return true;
  }

  /** Reconnects a broken link now (in-process at once; over TCP asynchronously). */
  restore(): boolean {
    const r = this.repl.replica;
    if (!r) return false;
    r.broken = false;
    r.start();
    return true;
  }

  unreceived(): string[] {
    return this.repl.unreceived();
  }

  /** REPLICAOF NO ONE, returning the writes of the old primary that this node never applied. */
  promote(): string[] {
    const lost = this.unreceived();
    this.repl.promote();
    return lost;
  }

  /** Makes this node a replica of `primary` in the same process (no TCP). */
  replicaOf(primary: RedisNode): void {
    Replication.of(this.node).replicaOfNode(primary);
  }

  /** Over TCP: REPLICAOF host port. */
  replicaOfAddress(host: string, port: number): void {
    Replication.of(this.node).replicaOf(host, port);
  }

  get role(): 'master' | 'slave' {
    return this.node.role;
  }

  /** master_link_status on a replica (undefined on a primary). */
  get linkUp(): boolean | undefined {
    const r = this.node.replication ? Replication.of(this.node).replica : undefined;
    return r ? r.up : undefined;
  }

  /** master_repl_offset. */
  get offset(): number {
    return this.node.replication ? Replication.of(this.node).primary.offset : 0;
  }
}
