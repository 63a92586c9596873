/**
 * One Redis instance a Sentinel watches (a master or one of its replicas), as redis-sentinel's
 * sentinelRedisInstance: its address, the flags SENTINEL MASTER/REPLICAS show, and the times
 * of the last ping it answered and of the last INFO the Sentinel read from it.
 *
 * The instance is a node of this process (a RedisSim): "pinging" it asks whether it would answer
 * now (not killed, not paused, not stopped) and "INFO" reads its replication state directly.
 */
import type { RedisNode } from '../engine/node.js';
import { Replication } from '../topology/replication.js';

/** What the Sentinel needs of a node of this process (RedisSim has all of it). */
export interface WatchedNode {
  readonly node: RedisNode;
  readonly host: string;
  readonly port: number;
  readonly killed: boolean;
  readonly paused: boolean;
}

export class Instance {
  /** SRI_S_DOWN: subjectively down (no valid ping reply for more than down-after-milliseconds). */
  sdown = false;
  /** SRI_O_DOWN (masters): enough Sentinels (here: this one and the quorum) agree it is down. */
  odown = false;
  sdownSince = 0;
  odownSince = 0;
  /** Time of the oldest ping not answered yet (act_ping_time); 0: none pending. */
  pingPending = 0;
  /** Last time the instance answered a ping (last_avail_time, last_pong_time). */
  lastOk: number;
  lastPong: number;
  /** Last INFO read (0: never), the role it reported and since when. */
  infoRefresh = 0;
  roleReported: 'master' | 'slave';
  roleReportedTime: number;
  /** The node was stopped for good (sim.stop()): it never answers again. */
  gone = false;
  /** Failover flags (replicas): promoted by this Sentinel. */
  promoted = false;
  /** A check armed at the moment sdown becomes due. */
  sdownTimer: unknown;

  constructor(
    readonly sim: WatchedNode,
    public isMaster: boolean,
    now: number,
  ) {
    this.lastOk = now;
    this.lastPong = now;
    this.roleReported = isMaster ? 'master' : 'slave';
    this.roleReportedTime = now;
  }

  get ip(): string {
    return this.sim.host;
  }

  get port(): number {
    return this.sim.port;
  }

  /** "ip:port", the name a replica has in SENTINEL REPLICAS. */
  get addr(): string {
    return `${this.ip}:${this.port}`;
  }

  /** Would it answer a PING now? A paused node holds the reply; a killed or stopped one refuses. */
  get answering(): boolean {
    return !this.gone && !this.sim.killed && !this.sim.paused;
  }

  /** The link is down (connection refused), as Sentinel's "disconnected" flag. */
  get disconnected(): boolean {
    return this.gone || this.sim.killed;
  }

  get node(): RedisNode {
    return this.sim.node;
  }

  /** The node's role now (what its INFO replication would say). */
  get role(): 'master' | 'slave' {
    return this.sim.node.role;
  }

  get replication(): Replication {
    return Replication.of(this.sim.node);
  }
}
