/**
 * A Sentinel endpoint: its own TCP port, answering what clients ask redis-sentinel (SENTINEL
 * get-master-addr-by-name / masters / master / replicas / sentinels / ..., ROLE, INFO, HELLO,
 * CLIENT, (P)SUBSCRIBE) and publishing Sentinel's events (+sdown, +odown, +switch-master, ...)
 * on its pub/sub, for masters and replicas that are RedisSim nodes of this process.
 *
 *   const sentinel = await RedisSentinel.start({ port: 0, masters: [{ name: 'mymaster', primary, replicas: [replica] }] });
 *   // ioredis: new Redis({ sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'mymaster' })
 *   await replica.promote({ oldPrimary: primary });   // +switch-master: clients follow
 *   await sentinel.stop();
 *
 * It runs on a virtual clock (the first primary's unless `clock` is given): see monitor.ts.
 */
import { randomBytes } from 'node:crypto';
import { aclHooks } from '../acl/hooks.js';
import type { Clock } from '../engine/clock.js';
import { RedisNode } from '../engine/node.js';
import { Server } from '../server/server.js';
import { attachMonitor, sentinelCommands } from './commands.js';
import { type MonitorTarget, SentinelMonitor } from './monitor.js';
import { checkSentinelOptions } from './options.js';

/** A master to monitor: `sentinel monitor <name> <ip> <port> <quorum>` and its settings. */
export interface SentinelMasterOptions {
  /** The name clients ask for (SENTINEL get-master-addr-by-name <name>). */
  name: string;
  /**
   * The current primary: a RedisSim of this process (read directly, told of kills and
   * promotions at once), or the address { host, port } of another process (another redis-sim,
   * a real redis-server), watched over TCP as redis-sentinel does.
   */
  primary: MonitorTarget;
  /**
   * Its replicas. Optional: the replicas the primary's INFO lists, and the nodes of this process
   * replicating it, are found by themselves (as Sentinel learns them from the master's INFO).
   */
  replicas?: MonitorTarget[];
  /** Sentinels (this one is the only one) that must agree the master is down: default 1. */
  quorum?: number;
  /** down-after-milliseconds (default 30000, as redis-sentinel), on the Sentinel's clock. */
  downAfterMilliseconds?: number;
  /** failover-timeout (default 180000): a new automatic failover waits twice this long. */
  failoverTimeout?: number;
  /** parallel-syncs (default 1; shown by SENTINEL MASTER). */
  parallelSyncs?: number;
}

export interface SentinelOptions {
  masters: SentinelMasterOptions[];
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /**
   * The Sentinel's clock: default the first master's primary's (`primary.clock`) when it is a
   * node of this process, else a clock of its own on real time.
   */
  clock?: Clock;
  /** SENTINEL MYID (40 hex characters); default random. */
  myid?: string;
  /** Where the Sentinel logs its events (default: nowhere). */
  log?: (level: 'debug' | 'verbose' | 'notice' | 'warning', message: string) => void;
}

export class RedisSentinel {
  readonly node: RedisNode;
  readonly monitor: SentinelMonitor;
  private readonly server: Server;
  private addr = { port: 0, host: '127.0.0.1' };
  private stopped = false;

  private constructor(opts: SentinelOptions) {
    checkSentinelOptions(opts);
    const first = opts.masters[0] as SentinelMasterOptions;
    this.node = new RedisNode({
      clock: opts.clock ?? ('node' in first.primary ? first.primary.node.clock : undefined),
      commands: sentinelCommands(),
      mode: 'sentinel',
      acl: aclHooks,
      controlCommand: false,
      log: opts.log,
      // redis-sentinel turns protected mode off: it must be reachable.
      config: { 'protected-mode': 'no' },
    });
    const myid = (opts.myid ?? randomBytes(20).toString('hex')).toLowerCase();
    this.monitor = new SentinelMonitor(
      this.node,
      myid,
      opts.masters.map((m) => ({
        name: m.name,
        primary: m.primary,
        replicas: m.replicas ?? [],
        quorum: m.quorum ?? 1,
        downAfterMilliseconds: m.downAfterMilliseconds ?? 30000,
        failoverTimeout: m.failoverTimeout ?? 180000,
        parallelSyncs: m.parallelSyncs ?? 1,
      })),
    );
    attachMonitor(this.node, this.monitor);
    this.server = new Server(this.node);
    this.node.onShutdownRequest = () => {
      void this.stop();
    };
  }

  /** Creates the Sentinel and starts listening. */
  static async start(opts: SentinelOptions): Promise<RedisSentinel> {
    const s = new RedisSentinel(opts);
    const host = opts.host ?? '127.0.0.1';
    s.addr = await s.server.listen({ port: opts.port ?? 0, host });
    s.node.config.setRaw('port', String(s.addr.port));
    s.node.config.setRaw('bind', host);
    return s;
  }

  get port(): number {
    return this.addr.port;
  }

  get host(): string {
    return this.addr.host;
  }

  get clock(): Clock {
    return this.node.clock;
  }

  get myid(): string {
    return this.monitor.myid;
  }

  /** The address clients are given for `name` now (SENTINEL get-master-addr-by-name). */
  masterAddress(name: string): { host: string; port: number } | undefined {
    const g = this.monitor.groups.get(name);
    return g ? { host: g.master.ip, port: g.master.port } : undefined;
  }

  /**
   * SENTINEL FAILOVER name: promotes the best replica now (lowest replica-priority, then the
   * largest offset, then the smallest run ID), reconfigures the others and the old master, and
   * publishes the events. Throws when the name is unknown or no replica can be promoted.
   */
  failover(name: string): void {
    const g = this.monitor.groups.get(name);
    if (!g) throw new Error('ERR No such master with that name');
    if (!g.selectReplica()) throw new Error('NOGOODSLAVE No suitable replica to promote');
    this.monitor.failover(g, true);
  }

  /** Runs a round of pings and the down checks now, without waiting for the next one. */
  check(): void {
    this.monitor.pingRound();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.monitor.stop();
    await this.server.close();
    this.node.shutdown();
  }
}
