/**
 * A master a Sentinel monitors under a name, with its replicas and the settings of
 * `sentinel monitor <name> <ip> <port> <quorum>` and `sentinel <option> <name> <value>`.
 */
import type { Instance } from './instance.js';

export interface GroupSettings {
  quorum: number;
  downAfterMilliseconds: number;
  failoverTimeout: number;
  parallelSyncs: number;
}

export class MasterGroup {
  replicas = new Map<string, Instance>();
  configEpoch = 0;
  /** The Sentinel this one voted for as failover leader, and in which epoch. */
  leader: string | undefined;
  leaderEpoch = 0;
  failoverInProgress = false;
  failoverStart = 0;
  /** Old primaries the test left as they are (split brain): not converted to replicas. */
  readonly leftAlone = new Set<Instance>();

  constructor(
    readonly name: string,
    public master: Instance,
    readonly settings: GroupSettings,
  ) {}

  get instances(): Instance[] {
    return [this.master, ...this.replicas.values()];
  }

  /** "%@" of sentinelEvent: how an instance is named in an event message. */
  describe(i: Instance): string {
    if (i === this.master) return `master ${this.name} ${i.ip} ${i.port}`;
    return `slave ${i.addr} ${i.ip} ${i.port} @ ${this.name} ${this.master.ip} ${this.master.port}`;
  }

  /**
   * sentinelSelectSlave: the replica to promote. Candidates answer pings, report the replica role
   * and have a replica-priority other than 0; the lowest priority wins, then the largest
   * replication offset, then the lexicographically smallest run ID.
   */
  selectReplica(): Instance | undefined {
    const candidates = [...this.replicas.values()].filter((r) => r.answering && !r.sdown && r.role === 'slave' && r.probe.priority !== 0);
    candidates.sort((a, b) => {
      const pa = a.probe.priority;
      const pb = b.probe.priority;
      if (pa !== pb) return pa - pb;
      if (a.probe.replOffset !== b.probe.replOffset) return b.probe.replOffset - a.probe.replOffset;
      const ra = a.probe.runId;
      const rb = b.probe.runId;
      return ra < rb ? -1 : ra > rb ? 1 : 0;
    });
    return candidates[0];
  }
}
