/**
 * A coordinated failover (Redis 6.2+'s FAILOVER command, replication.c's failoverCommand and
 * updateFailoverStatus), on the node's virtual clock:
 *
 *   no-failover          nothing going on
 *   waiting-for-sync     FAILOVER was accepted: writes are paused (a write pause of its own, that
 *                        CLIENT UNPAUSE does not lift) and the primary waits until the target
 *                        replica (or, without TO, any replica) has acknowledged the whole stream
 *                        (its REPLCONF ACK offset equals master_repl_offset)
 *   failover-in-progress the primary made itself a replica of the target and sends it
 *                        PSYNC <replid> <offset> FAILOVER: the target, still a replica of ours
 *                        with our replication ID, becomes a primary and answers +CONTINUE (or
 *                        +FULLRESYNC); then the failover is over and the pause lifted
 *
 * TIMEOUT ms: when no replica caught up by then, the failover is aborted (writes resume), or,
 * with FORCE, the primary fails over to the target anyway (writes it had not replicated are lost
 * by the full resync that follows). FAILOVER ABORT stops it in either state; aborting once in
 * progress makes the node a primary again (with a new replication ID, as REPLICAOF NO ONE).
 *
 * Redis checks the state in beforeSleep and in its replication cron; redis-sim checks when an
 * ACK arrives, right after FAILOVER and at the timeout's deadline.
 */
import type { Timer } from '../engine/clock.js';
import { pauseClients, unpauseClients } from '../engine/pause.js';
import type { ReplicaHandle } from './primary.js';
import type { Replication } from './replication.js';

export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

export interface FailoverRequest {
  /** FAILOVER TO host port: the replica to fail over to (else the first one caught up). */
  target?: { host: string; port: number };
  /** TIMEOUT ms (0: wait forever). */
  timeoutMs: number;
  force: boolean;
}

export class Failover {
  state: FailoverState = 'no-failover';
  target: { host: string; port: number } | undefined;
  /** failover_end_time on the node's clock (0: no timeout). */
  endTime = 0;
  force = false;
  private timer: Timer | undefined;

  constructor(private readonly repl: Replication) {}

  get active(): boolean {
    return this.state !== 'no-failover';
  }

  /** FAILOVER accepted (checked by the command): pause writes and wait for a replica. */
  start(req: FailoverRequest): void {
    const node = this.repl.node;
    this.target = req.target;
    this.force = req.force;
    this.endTime = req.timeoutMs > 0 ? node.clock.now() + req.timeoutMs : 0;
    this.state = 'waiting-for-sync';
    node.log('notice', req.target ? `FAILOVER requested to ${req.target.host}:${req.target.port}.` : 'FAILOVER requested to any replica.');
    pauseClients(node, Number.POSITIVE_INFINITY, 'write', 'failover');
    if (this.endTime > 0) {
      this.timer = node.clock.setTimer(this.endTime, () => {
        this.timer = undefined;
        this.check();
      });
    }
  }

  /** updateFailoverStatus: times out, or fails over once the target has acknowledged everything. */
  check(): void {
    if (this.state !== 'waiting-for-sync') return;
    const node = this.repl.node;
    const primary = this.repl.primary;
    if (this.endTime > 0 && this.endTime <= node.clock.now()) {
      if (this.force && this.target) {
        node.log('notice', `FAILOVER to ${this.target.host}:${this.target.port} time out exceeded, failing over.`);
        this.inProgress(this.target);
      } else {
        this.abort('Replica never caught up before timeout');
      }
      return;
    }
    let replica: ReplicaHandle | undefined;
    if (this.target) replica = this.repl.findReplica(this.target.host, this.target.port);
    else replica = primary.replicas.find((h) => h.ackOffset === primary.offset);
    if (replica && replica.ackOffset === primary.offset) {
      const target = this.target ?? { host: replica.endpoint.ip, port: replica.listeningPort };
      this.target = target;
      node.log('notice', `Failover target ${target.host}:${target.port} is synced, failing over.`);
      this.inProgress(target);
    }
  }

  private inProgress(target: { host: string; port: number }): void {
    this.state = 'failover-in-progress';
    this.repl.failoverTo(target.host, target.port);
  }

  /** The target answered our PSYNC FAILOVER: +CONTINUE / +FULLRESYNC ends it, an error aborts it. */
  psyncDone(ok: boolean): void {
    if (this.state !== 'failover-in-progress') return;
    if (ok) this.clear();
    else this.abort('Failover target rejected psync request');
  }

  /** abortFailover: back to a primary when already in progress, and writes resume. */
  abort(why: string): void {
    if (this.state === 'no-failover') return;
    const node = this.repl.node;
    node.log(
      'notice',
      this.target ? `FAILOVER to ${this.target.host}:${this.target.port} aborted: ${why}` : `FAILOVER to any replica aborted: ${why}`,
    );
    if (this.state === 'failover-in-progress') this.repl.promote();
    this.clear();
  }

  /** clearFailoverState: forget the target and lift the failover's write pause. */
  clear(): void {
    this.repl.node.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.state = 'no-failover';
    this.target = undefined;
    this.endTime = 0;
    this.force = false;
    unpauseClients(this.repl.node, 'failover');
  }
}
