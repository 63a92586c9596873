/**
 * A node's place in a replication topology: its Primary state (replid, offset, backlog,
 * replicas) and, when it is a replica, its ReplicaLink. Installed on the node as
 * node.replication (INFO replication, ROLE, processCommand's replication checks).
 *
 * processCommand's checks, in Redis 7.0's order:
 *   NOREPLICAS  a write (a write command, EXEC of a transaction that queued one, a script whose
 *               flags say it writes) when fewer than min-replicas-to-write replicas are online
 *               with a lag of at most min-replicas-max-lag seconds (both settings non-zero)
 *   READONLY    a write on a replica with replica-read-only yes, unless it comes from the primary
 *   MASTERDOWN  on a replica whose link is not up with replica-serve-stale-data no: every
 *               command without the stale flag (INFO, REPLICAOF, PING... keep working)
 */
import net from 'node:net';
import type { Client } from '../engine/client.js';
import type { ResolvedCommand } from '../engine/command.js';
import { commandIsWrite } from '../engine/command-flags.js';
import type { RedisNode } from '../engine/node.js';
import type { ReplicationHooks } from '../engine/propagate.js';
import { nodeByPort } from '../faults/nodes.js';
import { emitTopologyEvent } from './events.js';
import { Failover } from './failover.js';
import { stopOwnedEndpoints } from './owned-endpoints.js';
import { encodeCommand, Primary, type ReplicaHandle } from './primary.js';
import { type PrimaryTarget, ReplicaLink } from './replica.js';
import { roleChanged } from './role-change.js';

export const NOREPLICAS = 'NOREPLICAS Not enough good replicas to write.';
export const READONLY = "READONLY You can't write against a read only replica.";
export const MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

const byNode = new WeakMap<RedisNode, Replication>();

/** Promotions in this process so far: a node's promotedEpoch orders primaries (the newest wins). */
let promotions = 0;

export class Replication implements ReplicationHooks {
  readonly primary: Primary;
  replica: ReplicaLink | undefined;
  /** A coordinated failover (FAILOVER) this node runs as the primary. */
  readonly failover: Failover;
  /** When this node was last promoted, in this process's order of promotions (0: never). */
  promotedEpoch = 0;

  /** min-replicas-to-write, kept current by a config listener (read by guard() per command). */
  private minReplicasToWrite: number;

  private constructor(readonly node: RedisNode) {
    this.minReplicasToWrite = node.config.getInt('min-replicas-to-write');
    node.config.onChange('min-replicas-to-write', (v) => {
      this.minReplicasToWrite = Number(v);
    });
    this.primary = new Primary(node);
    this.failover = new Failover(this);
    this.primary.onAck = (h) => {
      if (!this.failover.active) return;
      // Over TCP the ack is a command of the replica's client, which failing over disconnects:
      // checked after it, as Redis does in beforeSleep.
      if (h.endpoint.client) queueMicrotask(() => this.failover.check());
      else this.failover.check();
    };
    // No PING into the stream while a failover with a timeout pauses writes (it would move the offset).
    this.primary.pingSuppressed = () => this.failover.active && this.failover.endTime > 0;
  }

  /** The node's replication state, created (and installed on the node) on first use. */
  static of(node: RedisNode): Replication {
    let r = byNode.get(node);
    if (!r) {
      r = new Replication(node);
      byNode.set(node, r);
      node.replication = r;
    }
    return r;
  }

  /** REPLICAOF host port: follows a primary over TCP (another redis-sim, or a real redis-server). */
  replicaOf(host: string, port: number): void {
    this.follow({ kind: 'tcp', host, port });
  }

  /** Follows the primary of another node in this process (no TCP). */
  replicaOfNode(other: RedisNode): void {
    const host = other.config.get('bind').split(' ')[0] || '127.0.0.1';
    const port = Number(other.config.get('port')) || 0;
    this.follow({ kind: 'local', primary: Replication.of(other).primary, host, port });
  }

  /** findReplica: the attached replica with this address and listening port. */
  findReplica(host: string, port: number): ReplicaHandle | undefined {
    return this.handles.find((h) => h.endpoint.ip.toLowerCase() === host.toLowerCase() && h.listeningPort === port);
  }

  /**
   * The failing-over primary makes itself a replica of the target (replicationSetMaster) and
   * asks it with PSYNC ... FAILOVER to become the primary: in-process when the target is a node
   * of this process attached to us, else over TCP.
   */
  failoverTo(host: string, port: number): void {
    const node = this.findReplica(host, port)?.endpoint.node;
    const target: PrimaryTarget = node ? { kind: 'local', primary: Replication.of(node).primary, host, port } : { kind: 'tcp', host, port };
    this.follow(target, (ok) => this.failover.psyncDone(ok));
  }

  /**
   * PSYNC <replid> <offset> FAILOVER received (syncCommand): a replica whose replication ID is
   * the sender's becomes a primary; returns the error to reply otherwise.
   */
  acceptFailoverRequest(replid: string, from: string): string | undefined {
    this.node.log('warning', `Failover request received for replid ${replid}.`);
    if (!this.replica) return "ERR PSYNC FAILOVER can't be sent to a master.";
    if (replid !== this.primary.replid) return 'ERR PSYNC FAILOVER replid must match my replid.';
    this.promote();
    this.node.log('notice', `MASTER MODE enabled (failover request from '${from}')`);
    return undefined;
  }

  private follow(target: PrimaryTarget, failoverDone?: (ok: boolean) => void): void {
    const wasPrimary = this.replica === undefined;
    this.replica?.stop();
    // replicationSetMaster: our own replicas must resync with us (they may continue partially).
    this.primary.detachAll();
    this.primary.stopFeeding();
    // Clients blocked on a primary's keys (or in WAIT) are unblocked with an error and disconnected.
    this.node.blocking.forceUnblockAll();
    if (wasPrimary && this.primary.backlog) {
      // A primary turned replica keeps its history so it may PSYNC: the stream is cut here.
    }
    this.node.role = 'slave';
    this.node.config.setRaw('replicaof', `${target.host} ${target.port}`);
    this.replica = new ReplicaLink(this.node, this.primary, target, (primary, replid, from) =>
      Replication.of(primary).acceptFailoverRequest(replid, from),
    );
    this.replica.failoverDone = failoverDone;
    this.replica.start();
    emitTopologyEvent(this.node, 'replicaof');
    roleChanged(this.node);
  }

  /**
   * REPLICAOF NO ONE: becomes a primary. Its replication ID shifts (replid2 = the old primary's,
   * valid up to our offset), so the old primary's other replicas can PSYNC with it.
   */
  promote(): void {
    const r = this.replica;
    if (!r) return;
    r.stop();
    this.replica = undefined;
    this.node.role = 'master';
    this.node.config.setRaw('replicaof', '');
    this.primary.shiftReplid();
    this.primary.startFeeding();
    emitTopologyEvent(this.node, 'promoted');
    this.promotedEpoch = ++promotions;
    // Keys that expired while a replica were kept for our old primary's DEL: now ours to expire.
    this.node.resumeExpiry();
    roleChanged(this.node);
  }

  /**
   * Stream commands the primary produced that this replica had not applied (lost by a promotion
   * now). The primary's backlog is read directly when it is a node of this process (in-process
   * link, or TCP to a node listening here); otherwise unreceivedRemote() asks it over TCP.
   */
  unreceived(): string[] {
    const r = this.replica;
    if (!r) return [];
    let p: Primary | undefined;
    if (r.target.kind === 'local') p = r.target.primary;
    else {
      const local = (nodeByPort(r.port) as { node?: RedisNode } | undefined)?.node;
      if (local) p = Replication.of(local).primary;
    }
    if (!p || p.replid !== this.primary.replid || !p.backlog) return [];
    return writesOf(p.backlog.from(this.primary.offset + 1));
  }

  /** Whether unreceived() needs to ask a primary in another process (unreceivedRemote). */
  get primaryIsRemote(): boolean {
    const r = this.replica;
    return r?.target.kind === 'tcp' && nodeByPort(r.port) === undefined;
  }

  /**
   * unreceived() for a primary in another process: asks it for its backlog from our offset with
   * its control command (SIM REPL BACKLOG <replid> <offset>).
   */
  unreceivedRemote(): Promise<string[]> {
    const r = this.replica;
    if (!r) return Promise.resolve([]);
    const name = this.node.controlCommand === false ? 'sim' : this.node.controlCommand;
    const req = encodeCommand([name, 'REPL', 'BACKLOG', this.primary.replid, String(this.primary.offset + 1)]);
    return new Promise((resolve) => {
      const s = net.connect(r.port, r.host);
      let buf = '';
      const done = (v: string[]) => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(2000, () => done([]));
      s.on('error', () => done([]));
      s.on('connect', () => s.write(req, 'latin1'));
      s.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf[0] !== '$') return done([]);
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const len = Number(buf.slice(1, nl));
        if (len < 0) return done([]);
        if (buf.length >= nl + 2 + len + 2) done(writesOf(buf.slice(nl + 2, nl + 2 + len)));
      });
    });
  }

  /** SIM REPL BACKLOG <replid> <offset> on a primary: its stream from `offset`, if it still has it. */
  backlogFrom(replid: string, offset: number): string | undefined {
    const p = this.primary;
    if (p.replid !== replid || !p.backlog) return undefined;
    return p.backlog.from(offset);
  }

  // ---- ReplicationHooks -------------------------------------------------------------------

  /** Replicas connected over TCP whose client went away are forgotten. */
  private prune(): void {
    for (const h of [...this.primary.replicas]) if (h.endpoint.client?.closed) this.primary.detach(h, false);
  }

  get handles(): readonly ReplicaHandle[] {
    this.prune();
    return this.primary.replicas;
  }

  infoFields(): [string, string | number][] {
    const node = this.node;
    const p = this.primary;
    const r = this.replica;
    const nowSec = Math.floor(node.clock.now() / 1000);
    const fields: [string, string | number][] = [['role', r ? 'slave' : 'master']];
    if (r) {
      fields.push(
        ['master_host', r.host],
        ['master_port', r.port],
        ['master_link_status', r.up ? 'up' : 'down'],
        ['master_last_io_seconds_ago', r.up ? nowSec - Math.floor(r.lastIo / 1000) : -1],
        ['master_sync_in_progress', r.state === 'sync' ? 1 : 0],
        ['slave_read_repl_offset', r.up ? r.readOffset : p.backlog ? p.offset : 1],
        ['slave_repl_offset', r.up ? p.offset : p.backlog ? p.offset : 1],
      );
      if (!r.up) fields.push(['master_link_down_since_seconds', nowSec - Math.floor(r.downSince / 1000)]);
      fields.push(
        ['slave_priority', node.config.get('replica-priority')],
        ['slave_read_only', node.config.get('replica-read-only') === 'yes' ? 1 : 0],
        ['replica_announced', node.config.get('replica-announced') === 'yes' ? 1 : 0],
      );
    }
    const handles = this.handles;
    fields.push(['connected_slaves', handles.length]);
    if (node.config.getInt('min-replicas-to-write') > 0 && node.config.getInt('min-replicas-max-lag') > 0) {
      fields.push(['min_slaves_good_slaves', p.goodReplicas()]);
    }
    handles.forEach((h, i) => {
      fields.push([
        `slave${i}`,
        `ip=${h.endpoint.ip},port=${h.listeningPort},state=${h.state === 'online' ? 'online' : 'wait_bgsave'},offset=${h.ackOffset},lag=${h.state === 'online' ? p.lag(h) : 0}`,
      ]);
    });
    fields.push(
      ['master_failover_state', this.failover.state],
      ['master_replid', p.replid],
      ['master_replid2', p.replid2],
      ['master_repl_offset', p.offset],
      ['second_repl_offset', p.secondReplOffset],
      ['repl_backlog_active', p.backlog ? 1 : 0],
      ['repl_backlog_size', node.config.get('repl-backlog-size')],
      ['repl_backlog_first_byte_offset', p.backlog ? p.backlog.firstByteOffset : 0],
      ['repl_backlog_histlen', p.backlog ? p.backlog.histlen : 0],
    );
    return fields;
  }

  role(c: Client): void {
    const r = this.replica;
    const out = c.reply;
    if (!r) {
      const online = this.handles.filter((h) => h.state === 'online');
      out.arrayLen(3);
      out.bulk('master');
      out.int(this.primary.offset);
      out.arrayLen(online.length);
      for (const h of online) {
        out.arrayLen(3);
        out.bulk(h.endpoint.ip);
        out.bulk(String(h.listeningPort));
        out.bulk(String(h.ackOffset));
      }
      return;
    }
    out.arrayLen(5);
    out.bulk('slave');
    out.bulk(r.host);
    out.int(r.port);
    out.bulk(r.state);
    out.int(r.up ? this.primary.offset : -1);
  }

  guard(c: Client, r: ResolvedCommand, args: string[]): string | undefined {
    if (c.fromMaster) return undefined;
    // A primary without min-replicas-to-write refuses nothing (the common case: no flag lookups).
    if (!this.replica && this.minReplicasToWrite === 0) return undefined;
    const node = this.node;
    const isWrite = commandIsWrite(node, r, args) || (r.spec.name === 'exec' && c.multi?.write === true);
    if (isWrite && !this.replica) {
      const min = node.config.getInt('min-replicas-to-write');
      if (min > 0 && node.config.getInt('min-replicas-max-lag') > 0 && this.primary.goodReplicas() < min) return NOREPLICAS;
    }
    if (isWrite && this.replica && node.config.get('replica-read-only') === 'yes') return READONLY;
    if (this.replica && !this.replica.up && node.config.get('replica-serve-stale-data') === 'no' && !r.spec.flags.includes('stale')) {
      return MASTERDOWN;
    }
    return undefined;
  }

  offset(): number {
    return this.primary.offset;
  }

  scriptWriteRefusal(caller: Client): string | undefined {
    const node = this.node;
    if (this.replica && node.config.get('replica-read-only') === 'yes' && !caller.fromMaster) return READONLY;
    if (this.replica) return undefined;
    const min = node.config.getInt('min-replicas-to-write');
    if (min > 0 && node.config.getInt('min-replicas-max-lag') > 0 && this.primary.goodReplicas() < min) return NOREPLICAS;
    return undefined;
  }

  /** The node's process was killed (sim.kill()): every link goes down. */
  killed(): void {
    this.primary.detachAll();
    if (this.replica) {
      this.replica.broken = true;
      this.replica.linkLost();
    }
    emitTopologyEvent(this.node, 'killed');
  }

  /** Restarted after a kill: a replica reconnects to its primary (PSYNC from where it was). */
  restarted(): void {
    if (this.replica) {
      this.replica.broken = false;
      this.replica.start();
    }
    emitTopologyEvent(this.node, 'restarted');
  }

  stop(): void {
    stopOwnedEndpoints(this.node);
    this.primary.stop();
    this.primary.detachAll();
    this.replica?.stop();
    emitTopologyEvent(this.node, 'stopped');
  }
}

/** The writes of a piece of the stream, without its bookkeeping (SELECT, PING, REPLCONF GETACK). */
function writesOf(data: string | undefined): string[] {
  const bookkeeping = /^(select|ping|replconf) /i;
  return data === undefined ? [] : splitCommands(data).filter((cmd) => !bookkeeping.test(`${cmd} `));
}

/** Splits raw stream bytes into its commands (each as "CMD arg arg", for listing lost writes). */
export function splitCommands(data: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const nl = data.indexOf('\r\n', pos);
    if (data[pos] !== '*' || nl < 0) break;
    const n = Number(data.slice(pos + 1, nl));
    pos = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const nl2 = data.indexOf('\r\n', pos);
      const len = Number(data.slice(pos + 1, nl2));
      argv.push(data.slice(nl2 + 2, nl2 + 2 + len));
      pos = nl2 + 2 + len + 2;
    }
    out.push(argv.join(' '));
  }
  return out;
}
