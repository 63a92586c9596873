/**
 * What a Sentinel does between commands, driven by its virtual clock and by the topology events
 * of this process's nodes: ping every instance, declare it subjectively down (+sdown) when it
 * has not answered for more than down-after-milliseconds, objectively down (+odown) when the
 * quorum agrees (this Sentinel is the only voter), fail over, and follow promotions the test
 * makes itself.
 *
 * Determinism: nothing runs on a real timer. A ping round runs every `pingPeriod` ms of the
 * Sentinel's clock (1000, or down-after-milliseconds when smaller, as redis-sentinel); a node
 * that is killed or stopped stops answering at that instant (topology event), a paused node at
 * the next ping round. The instant sdown becomes due (last answer + down-after + 1 ms: Redis's
 * "more than") a check is armed on the clock, so `clock.advance(downAfter + 1)` after a kill
 * shows +sdown, +odown and the whole failover, in Redis's event order, within that advance.
 */
import type { Timer } from '../engine/clock.js';
import { globMatch } from '../engine/glob.js';
import type { RedisNode } from '../engine/node.js';
import { allNodes, nodeByPort } from '../faults/nodes.js';
import { onTopologyEvent, type TopologyEvent } from '../topology/events.js';
import { Replication } from '../topology/replication.js';
import { Instance } from './instance.js';
import { type GroupSettings, MasterGroup } from './master-group.js';
import { LocalProbe, type Probe, TcpProbe, type WatchedNode } from './probe.js';

/** A monitored node: a RedisSim of this process, or an address reached over TCP. */
export type MonitorTarget = WatchedNode | { host: string; port: number };

export interface MonitorSpec extends GroupSettings {
  name: string;
  primary: MonitorTarget;
  replicas: MonitorTarget[];
}

export class SentinelMonitor {
  readonly groups = new Map<string, MasterGroup>();
  currentEpoch = 0;
  private tickTimer: Timer | undefined;
  private readonly checkTimers = new Set<Timer>();
  private readonly unlisten: () => void;
  /** True while this Sentinel itself promotes or reconfigures nodes (its own topology events are not news). */
  private acting = false;
  private stopped = false;
  /** One probe per address, shared by the groups. */
  private readonly probes = new Map<string, Probe>();

  constructor(
    readonly node: RedisNode,
    readonly myid: string,
    specs: readonly MonitorSpec[],
  ) {
    const now = this.now();
    for (const s of specs) {
      const { name, primary, replicas, ...settings } = s;
      const g = new MasterGroup(name, new Instance(this.probeFor(primary), true, now), settings);
      this.groups.set(name, g);
      for (const r of replicas) this.addReplica(g, this.probeFor(r), false);
    }
    this.unlisten = onTopologyEvent((n, ev) => this.topologyEvent(n, ev));
    this.discover(false);
    // The first INFO of each instance, as Sentinel reads it right after connecting.
    for (const g of this.groups.values()) for (const i of g.instances) this.refreshInfo(g, i);
    this.scheduleTick();
  }

  private now(): number {
    return this.node.clock.now();
  }

  get pingPeriod(): number {
    let p = 1000;
    for (const g of this.groups.values()) p = Math.min(p, g.settings.downAfterMilliseconds);
    return Math.max(1, p);
  }

  stop(): void {
    this.stopped = true;
    this.unlisten();
    this.node.clock.clearTimer(this.tickTimer);
    for (const t of this.checkTimers) this.node.clock.clearTimer(t);
    this.checkTimers.clear();
    for (const p of this.probes.values()) p.close();
  }

  /** The probe of a node of this process or of an address (a node of this process on that port is read directly). */
  probeFor(t: MonitorTarget): Probe {
    const key = `${t.host}:${t.port}`;
    let p = this.probes.get(key);
    if (p) return p;
    if ('node' in t) p = new LocalProbe(t);
    else {
      const local = nodeByPort(t.port) as unknown as Partial<WatchedNode> | undefined;
      p =
        local?.node && (local.host === t.host || t.host === 'localhost')
          ? new LocalProbe(local as WatchedNode)
          : new TcpProbe(t.host, t.port);
    }
    this.probes.set(key, p);
    return p;
  }

  /** sentinelEvent: publishes `msg` on channel `type` (and logs it). */
  event(type: string, msg: string): void {
    this.node.log('notice', `${type} ${msg}`);
    this.node.pubsub.publish(type, msg);
  }

  private instEvent(g: MasterGroup, type: string, i: Instance, extra = ''): void {
    this.event(type, `${g.describe(i)}${extra}`);
  }

  // ---- discovery ------------------------------------------------------------------------

  private addReplica(g: MasterGroup, probe: Probe, announce: boolean): Instance | undefined {
    const key = `${probe.host}:${probe.port}`;
    if (g.replicas.has(key) || (g.master.ip === probe.host && g.master.port === probe.port)) return undefined;
    const inst = new Instance(probe, false, this.now());
    g.replicas.set(key, inst);
    if (announce) this.instEvent(g, '+slave', inst);
    return inst;
  }

  /**
   * The replicas of each group's master: those its INFO lists (over TCP), and the nodes of this
   * process that follow it (what its INFO would list).
   */
  private discover(announce = true): void {
    for (const g of this.groups.values()) {
      for (const r of g.master.probe.reportedReplicas) this.addReplica(g, this.probeFor(r), announce);
    }
    for (const l of allNodes()) {
      const w = l as unknown as Partial<WatchedNode>;
      if (!w.node?.replication) continue;
      const link = Replication.of(w.node).replica;
      if (!link) continue;
      for (const g of this.groups.values()) {
        if (link.port === g.master.port && (link.host === g.master.ip || link.host === 'localhost')) {
          this.addReplica(g, this.probeFor(w as WatchedNode), announce);
        }
      }
    }
  }

  // ---- the clock ------------------------------------------------------------------------

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tickTimer = this.node.clock.setTimer(this.now() + this.pingPeriod, () => {
      this.tickTimer = undefined;
      this.pingRound();
      this.scheduleTick();
    });
  }

  /** One round of PINGs and INFOs, then the down checks. */
  pingRound(): void {
    for (const p of this.probes.values()) p.poll();
    this.discover();
    for (const g of this.groups.values()) for (const i of g.instances) this.ping(g, i);
    this.evaluate();
    for (const g of this.groups.values()) for (const i of g.instances) this.refreshInfo(g, i);
  }

  /** PING: an instance that answers has its times refreshed; one that does not arms the sdown check. */
  private ping(g: MasterGroup, i: Instance): void {
    const now = this.now();
    if (!i.answering) {
      if (i.pingPending === 0) i.pingPending = now;
      this.armSdownCheck(g, i);
      return;
    }
    i.lastOk = now;
    i.lastPong = now;
    i.pingPending = 0;
  }

  /** INFO: the role the instance reports, and what Sentinel does about a wrong one. */
  private refreshInfo(g: MasterGroup, i: Instance): void {
    if (!i.answering) return;
    const now = this.now();
    i.infoRefresh = now;
    const role = i.role;
    if (role !== i.roleReported) {
      i.roleReported = role;
      i.roleReportedTime = now;
      this.instEvent(g, i.promoted ? '+role-change' : '-role-change', i, ` new reported role is ${role}`);
    }
    // A replica of ours that reports the master role (an old master back from a crash) is
    // reconfigured to follow the current master, unless the test promoted around it on purpose.
    if (i !== g.master && role === 'master' && !g.failoverInProgress && !g.leftAlone.has(i) && g.master.answering) {
      this.acting = true;
      try {
        i.probe.follow(g.master.probe);
      } finally {
        this.acting = false;
      }
      i.roleReported = 'slave';
      i.roleReportedTime = now;
      this.instEvent(g, '+convert-to-slave', i);
    }
  }

  /** Arms a check for the instant an instance that stopped answering becomes subjectively down. */
  private armSdownCheck(g: MasterGroup, i: Instance): void {
    if (i.sdown || i.sdownTimer) return;
    const t = this.node.clock.setTimer(i.lastOk + g.settings.downAfterMilliseconds + 1, () => {
      this.checkTimers.delete(t);
      i.sdownTimer = undefined;
      this.evaluate();
    });
    i.sdownTimer = t;
    this.checkTimers.add(t);
  }

  /** sentinelCheckSubjectivelyDown / ObjectivelyDown for every instance, then failovers due. */
  evaluate(): void {
    const now = this.now();
    for (const g of this.groups.values()) {
      for (const i of g.instances) {
        const elapsed = now - i.lastOk;
        if (!i.answering && elapsed > g.settings.downAfterMilliseconds) {
          if (!i.sdown) {
            i.sdown = true;
            i.sdownSince = now;
            this.instEvent(g, '+sdown', i);
          }
        } else if (i.answering && i.sdown) {
          i.sdown = false;
          this.instEvent(g, '-sdown', i);
        }
      }
      this.checkOdown(g);
      if (g.master.odown && !g.failoverInProgress && now - g.failoverStart >= g.settings.failoverTimeout * 2) {
        this.failover(g, false);
      }
    }
  }

  /** Votes for "master is down": this Sentinel's own; no other Sentinel exists. */
  private checkOdown(g: MasterGroup): void {
    const m = g.master;
    const votes = m.sdown ? 1 : 0;
    const odown = m.sdown && votes >= g.settings.quorum;
    if (odown && !m.odown) {
      m.odown = true;
      m.odownSince = this.now();
      this.instEvent(g, '+odown', m, ` #quorum ${votes}/${g.settings.quorum}`);
    } else if (!odown && m.odown) {
      m.odown = false;
      this.instEvent(g, '-odown', m);
    }
  }

  // ---- topology events ------------------------------------------------------------------

  private topologyEvent(n: RedisNode, ev: TopologyEvent): void {
    if (this.stopped || this.acting) return;
    for (const g of [...this.groups.values()]) {
      const i = g.instances.find((x) => x.probe.is(n));
      if (!i) continue;
      if (ev === 'killed' || ev === 'stopped') {
        if (ev === 'stopped' && i.probe instanceof LocalProbe) i.probe.gone = true;
        // It answered up to this instant.
        if (!i.sdown) {
          i.lastOk = this.now();
          i.lastPong = i.lastOk;
        }
        i.pingPending = this.now();
        this.armSdownCheck(g, i);
      } else if (ev === 'restarted') {
        g.leftAlone.delete(i);
        this.ping(g, i);
        this.evaluate();
        this.refreshInfo(g, i);
      } else if (ev === 'promoted' && i !== g.master) {
        this.followPromotion(g, i);
      }
    }
    if (ev === 'replicaof') this.discover();
  }

  /**
   * The test promoted a replica itself (sim.promote(), REPLICAOF NO ONE): the Sentinel adopts
   * the new configuration as it does one another Sentinel failed over to, and announces it.
   * The old master is left as the test made it (demoted, killed, or still a master: split brain).
   */
  private followPromotion(g: MasterGroup, promoted: Instance): void {
    const now = this.now();
    promoted.roleReported = 'master';
    promoted.roleReportedTime = now;
    this.instEvent(g, '-role-change', promoted, ' new reported role is master');
    this.currentEpoch++;
    this.event('+new-epoch', String(this.currentEpoch));
    const old = g.master;
    this.switchMaster(g, promoted, this.currentEpoch);
    const oldEntry = g.replicas.get(old.addr);
    if (oldEntry && old.answering && old.role === 'master') g.leftAlone.add(oldEntry);
  }

  // ---- failover -------------------------------------------------------------------------

  /**
   * The failover state machine of sentinelFailoverStateMachine, run to its end at once: elect
   * this Sentinel (the only voter), select a replica, REPLICAOF NO ONE, reconfigure the other
   * replicas, switch the master. `forced`: SENTINEL FAILOVER (no down master needed).
   * Returns false when no replica can be promoted.
   */
  failover(g: MasterGroup, forced: boolean): boolean {
    const now = this.now();
    const master = g.master;
    g.failoverInProgress = true;
    g.failoverStart = now;
    this.currentEpoch++;
    const epoch = this.currentEpoch;
    this.event('+new-epoch', String(epoch));
    this.instEvent(g, '+try-failover', master);
    g.leader = this.myid;
    g.leaderEpoch = epoch;
    this.event('+vote-for-leader', `${this.myid} ${epoch}`);
    this.instEvent(g, '+elected-leader', master);
    this.instEvent(g, '+failover-state-select-slave', master);
    const chosen = g.selectReplica();
    if (!chosen) {
      this.instEvent(g, '-failover-abort-no-good-slave', master);
      g.failoverInProgress = false;
      return false;
    }
    this.instEvent(g, '+selected-slave', chosen);
    this.instEvent(g, '+failover-state-send-slaveof-noone', chosen);
    this.instEvent(g, '+failover-state-wait-promotion', chosen);
    this.acting = true;
    try {
      chosen.probe.promote();
      chosen.promoted = true;
      chosen.roleReported = 'master';
      chosen.roleReportedTime = now;
      this.instEvent(g, '-role-change', chosen, ' new reported role is master');
      this.instEvent(g, '+promoted-slave', chosen);
      this.instEvent(g, '+failover-state-reconf-slaves', master);
      for (const r of g.replicas.values()) {
        if (r === chosen || !r.answering) continue;
        this.instEvent(g, '+slave-reconf-sent', r);
        r.probe.follow(chosen.probe);
        this.instEvent(g, '+slave-reconf-inprog', r);
        this.instEvent(g, '+slave-reconf-done', r);
      }
    } finally {
      this.acting = false;
    }
    this.instEvent(g, '+failover-end', master);
    this.switchMaster(g, chosen, epoch);
    g.failoverInProgress = false;
    // A reachable old master (SENTINEL FAILOVER) is turned into a replica of the new one.
    const oldEntry = g.replicas.get(master.addr);
    if (forced && oldEntry?.answering && oldEntry.role === 'master') this.refreshInfo(g, oldEntry);
    return true;
  }

  /**
   * sentinelResetMasterAndChangeAddress: the group's master is now `to`; every other known
   * instance (the old master included) becomes a replica entry, announced with +slave.
   */
  private switchMaster(g: MasterGroup, to: Instance, epoch: number): void {
    const old = g.master;
    const others = [old, ...[...g.replicas.values()].filter((r) => r !== to)];
    this.event('+switch-master', `${g.name} ${old.ip} ${old.port} ${to.ip} ${to.port}`);
    const now = this.now();
    const master = new Instance(to.probe, true, now);
    master.infoRefresh = now;
    g.master = master;
    g.configEpoch = epoch;
    g.replicas = new Map();
    g.leftAlone.clear();
    for (const o of others) {
      const r = this.addReplica(g, o.probe, true);
      if (r && !o.answering) {
        r.pingPending = now;
        this.armSdownCheck(g, r);
      }
    }
    this.discover();
  }

  // ---- commands -------------------------------------------------------------------------

  /** SENTINEL RESET pattern: forgets replicas and down states of the matching masters. */
  reset(pattern: string): number {
    let n = 0;
    for (const g of this.groups.values()) {
      if (!globMatch(pattern, g.name)) continue;
      const m = new Instance(g.master.probe, true, this.now());
      g.master = m;
      g.replicas = new Map();
      g.leftAlone.clear();
      g.failoverInProgress = false;
      g.leader = undefined;
      g.leaderEpoch = 0;
      this.instEvent(g, '+reset-master', m);
      n++;
    }
    this.discover();
    return n;
  }

  /** sentinelVoteLeader for SENTINEL IS-MASTER-DOWN-BY-ADDR with a run ID. */
  vote(g: MasterGroup, reqEpoch: number, runid: string): { leader: string | undefined; epoch: number } {
    if (reqEpoch > this.currentEpoch) {
      this.currentEpoch = reqEpoch;
      this.event('+new-epoch', String(this.currentEpoch));
    }
    if (g.leaderEpoch < reqEpoch && this.currentEpoch <= reqEpoch) {
      g.leader = runid;
      g.leaderEpoch = this.currentEpoch;
      this.event('+vote-for-leader', `${runid} ${g.leaderEpoch}`);
      // A vote for another Sentinel delays our own failover attempt.
      if (runid.toLowerCase() !== this.myid) g.failoverStart = this.now();
    }
    return { leader: g.leader, epoch: g.leaderEpoch };
  }
}
