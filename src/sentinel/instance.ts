/**
 * One Redis instance a Sentinel watches (a master or one of its replicas), as redis-sentinel's
 * sentinelRedisInstance: its address, the flags SENTINEL MASTER/REPLICAS show, and the times
 * of the last ping it answered and of the last INFO the Sentinel read from it. What the
 * instance itself says (run ID, role, offset...) comes from its Probe (probe.ts).
 */
import type { Probe } from './probe.js';

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
  /** Promoted by this Sentinel's failover. */
  promoted = false;
  /** A check armed at the moment sdown becomes due. */
  sdownTimer: unknown;

  constructor(
    readonly probe: Probe,
    public isMaster: boolean,
    now: number,
  ) {
    this.lastOk = now;
    this.lastPong = now;
    this.roleReported = isMaster ? 'master' : 'slave';
    this.roleReportedTime = now;
  }

  get ip(): string {
    return this.probe.host;
  }

  get port(): number {
    return this.probe.port;
  }

  /** "ip:port", the name a replica has in SENTINEL REPLICAS. */
  get addr(): string {
    return `${this.ip}:${this.port}`;
  }

  get answering(): boolean {
    return this.probe.answering;
  }

  get disconnected(): boolean {
    return this.probe.disconnected;
  }

  get role(): 'master' | 'slave' {
    return this.probe.role;
  }
}
