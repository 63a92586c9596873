/**
 * The primary side of replication for one node (Redis's replication.c, master half): the
 * replication ID and offset, the backlog, the attached replicas and the stream fed to them.
 *
 * - The stream is the node's propagated ops (engine/propagate.ts) encoded as RESP multibulk,
 *   with SELECT emitted whenever an op's database differs from the last one sent (slaveseldb;
 *   reset by every full resync, so the first command after a sync is preceded by SELECT).
 * - Nothing is produced until a first replica attaches: then the replication ID changes,
 *   replid2 is cleared and the backlog is created at master_repl_offset + 1 (as syncCommand).
 * - PSYNC <replid> <offset> continues from the backlog when the ID is ours (or our previous one
 *   up to second_repl_offset) and the offset is within the backlog; otherwise a full resync
 *   (+FULLRESYNC <replid> <offset>, then the RDB, then the stream from that offset).
 * - replicationCron runs every second of the node's clock while replicas are attached: PING
 *   into the stream every repl-ping-replica-period seconds (counted from node start, as Redis's
 *   cron loops), and WAIT / min-replicas bookkeeping.
 */
import type { Client } from '../engine/client.js';
import type { Timer } from '../engine/clock.js';
import type { RedisNode } from '../engine/node.js';
import type { PropagatedOp } from '../engine/propagate.js';
import { Backlog } from './backlog.js';
import { StreamLink } from './link.js';

/** Encodes one command as the RESP multibulk a master writes to its replicas. */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** 40 random hex characters (a replication ID). */
export function randomReplId(): string {
  let s = '';
  for (let i = 0; i < 40; i++) s += '0123456789abcdef'[Math.floor(Math.random() * 16)];
  return s;
}

/** How stream bytes reach one replica, and how the primary drops it. */
export interface ReplicaEndpoint {
  write(data: string): void;
  /** The primary drops the replica (link broken, REPLICAOF on the primary, kill). */
  close(): void;
  /** The replica's address as the primary sees it (INFO slaveN ip=). */
  readonly ip: string;
  /** A client of the primary's node for a replica connected over TCP (CLIENT LIST flags=S). */
  readonly client?: Client;
  /** The replica's node, for a replica in this process (FAILOVER reaches it without TCP). */
  readonly node?: RedisNode;
}

/** One attached replica, as the primary tracks it (Redis's slave client). */
export class ReplicaHandle {
  static nextId = 0;
  readonly id = ReplicaHandle.nextId++;
  state: 'wait_bgsave' | 'online' = 'online';
  /** Last offset the replica acknowledged (REPLCONF ACK), and when (ms on the primary's clock). */
  ackOffset = 0;
  ackTime: number;
  listeningPort = 0;
  /** The last ACK held back while the link is held (delivered when the hold is lifted). */
  heldAck: number | undefined;
  readonly capa = new Set<string>();
  readonly link: StreamLink;

  constructor(
    readonly primary: Primary,
    readonly endpoint: ReplicaEndpoint,
  ) {
    this.ackTime = primary.node.clock.now();
    this.link = new StreamLink(primary.node.clock, (d) => endpoint.write(d));
  }
}

export type SyncResult =
  | { kind: 'continue'; replid: string; data: string; handle: ReplicaHandle }
  | { kind: 'full'; replid: string; offset: number; handle: ReplicaHandle };

interface WaitingClient {
  c: Client;
  offset: number;
  numreplicas: number;
}

export class Primary {
  replid = randomReplId();
  replid2 = '0000000000000000000000000000000000000000';
  secondReplOffset = -1;
  /** master_repl_offset: every stream byte produced (or, on a replica, processed). */
  offset = 0;
  backlog: Backlog | undefined;
  readonly replicas: ReplicaHandle[] = [];
  /** slaveseldb: the database of the last command sent (-1: send SELECT first). */
  private seldb = -1;
  private cron: Timer | undefined;
  private readonly waiting = new Set<WaitingClient>();
  /** Called after each REPLCONF ACK (the failover checks whether its target caught up). */
  onAck: ((h: ReplicaHandle) => void) | undefined;
  /** True while the cron must not PING into the stream (a FAILOVER with a timeout is pausing writes). */
  pingSuppressed: () => boolean = () => false;

  constructor(readonly node: RedisNode) {
    node.config.onChange('repl-backlog-size', (v) => this.backlog?.resize(Number(v)));
  }

  /** Creates the backlog with a fresh replication ID (first replica ever, or after REPLICAOF NO ONE on a fresh node). */
  private ensureBacklog(): void {
    if (this.backlog) return;
    this.replid = randomReplId();
    this.clearReplid2();
    this.backlog = new Backlog(this.node.config.getInt('repl-backlog-size'), this.offset);
  }

  clearReplid2(): void {
    this.replid2 = '0000000000000000000000000000000000000000';
    this.secondReplOffset = -1;
  }

  /** Installs the node's propagation sink (this node is a primary with a backlog). */
  startFeeding(): void {
    // A replica's stream is its primary's, relayed as received (feedFromPrimary).
    if (this.node.role !== 'master') return;
    this.node.propagation.sink = (ops) => this.feed(ops);
  }

  stopFeeding(): void {
    this.node.propagation.sink = undefined;
  }

  /**
   * SYNC / PSYNC: attaches a replica. `psync` is the replica's (replid, offset) or undefined for
   * SYNC and "PSYNC ? -1". A full resync attaches it at the current offset (the RDB the caller
   * produces now is the snapshot at that offset).
   */
  attach(endpoint: ReplicaEndpoint, psync?: { replid: string; offset: number }): SyncResult {
    const handle = new ReplicaHandle(this, endpoint);
    if (psync && this.backlog) {
      const idOk = psync.replid === this.replid || (psync.replid === this.replid2 && psync.offset <= this.secondReplOffset);
      const data = idOk ? this.backlog.from(psync.offset) : undefined;
      if (data !== undefined) {
        this.add(handle);
        this.node.log(
          'notice',
          `Partial resynchronization request accepted. Sending ${data.length} bytes of backlog starting from offset ${psync.offset}.`,
        );
        return { kind: 'continue', replid: this.replid, data, handle };
      }
    }
    this.ensureBacklog();
    this.startFeeding();
    // A new RDB snapshot: the next command sent must select its database again.
    this.seldb = -1;
    this.add(handle);
    return { kind: 'full', replid: this.replid, offset: this.offset, handle };
  }

  private add(handle: ReplicaHandle): void {
    this.replicas.push(handle);
    this.armCron();
  }

  /** Forgets a replica (its link broke or it was dropped); returns the commands it never got. */
  detach(handle: ReplicaHandle, closeEndpoint = true): string[] {
    const i = this.replicas.indexOf(handle);
    if (i < 0) return [];
    this.replicas.splice(i, 1);
    const lost = handle.link.drop();
    if (closeEndpoint) handle.endpoint.close();
    this.checkWaiting();
    return lost;
  }

  /** Drops every replica (this node becomes a replica itself, or is killed). */
  detachAll(): void {
    for (const h of [...this.replicas]) this.detach(h);
  }

  /** Appends raw stream bytes: to the offset, the backlog and every replica's link. */
  private emit(data: string): void {
    this.offset += data.length;
    this.backlog?.append(data);
    for (const r of [...this.replicas]) {
      // A replica connected over TCP that went away is forgotten (freeClient of a slave).
      if (r.endpoint.client?.closed) this.detach(r, false);
      else r.link.send(data);
    }
  }

  /** The propagation sink: one execution unit's ops, SELECT emitted where the database changes. */
  feed(ops: PropagatedOp[]): void {
    if (!this.backlog) return;
    for (const op of ops) {
      if (op.db !== this.seldb) {
        this.emit(encodeCommand(['SELECT', String(op.db)]));
        this.seldb = op.db;
      }
      this.emit(encodeCommand(op.argv));
    }
  }

  /** A command fed in the database last selected (PING, REPLCONF GETACK: no SELECT before them). */
  private feedNoSelect(argv: string[]): void {
    if (!this.backlog) return;
    this.emit(encodeCommand(argv));
  }

  /** Stream bytes received from our own primary (this node is a replica): kept for sub-replicas and promotion. */
  feedFromPrimary(data: string): void {
    this.offset += data.length;
    this.backlog?.append(data);
    for (const r of this.replicas) r.link.send(data);
  }

  /** Makes this node's replication state follow a primary after a full sync (its ID and offset). */
  adoptPrimary(replid: string, offset: number): void {
    this.replid = replid;
    this.clearReplid2();
    this.offset = offset;
    this.backlog = new Backlog(this.node.config.getInt('repl-backlog-size'), offset);
    this.seldb = -1;
  }

  /**
   * shiftReplicationId: a replica promoted to primary keeps serving PSYNC for its old primary's
   * ID up to the current offset, under a new ID.
   */
  shiftReplid(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.offset + 1;
    this.replid = randomReplId();
    this.seldb = -1;
    if (!this.backlog) this.backlog = new Backlog(this.node.config.getInt('repl-backlog-size'), this.offset);
  }

  // ---- acks, WAIT and min-replicas ---------------------------------------------------------

  /**
   * REPLCONF ACK <offset> from a replica. While a test holds the link, acks are held too (a
   * stalled link stalls both directions): the last one arrives when the hold is lifted, so the
   * replica's offset and lag (INFO slaveN, WAIT, min-replicas-max-lag) stay as of the hold.
   */
  ack(handle: ReplicaHandle, offset: number): void {
    if (handle.link.isHeld) {
      handle.heldAck = Math.max(handle.heldAck ?? 0, offset);
      return;
    }
    if (offset > handle.ackOffset) handle.ackOffset = offset;
    handle.ackTime = this.node.clock.now();
    this.checkWaiting();
    this.onAck?.(handle);
  }

  /** Replicas that acknowledged at least `offset` (replicationCountAcksByOffset). */
  countAcks(offset: number): number {
    let n = 0;
    for (const r of this.replicas) if (r.state === 'online' && r.ackOffset >= offset) n++;
    return n;
  }

  /** Replicas online whose last ack is at most min-replicas-max-lag seconds old (refreshGoodSlavesCount). */
  goodReplicas(): number {
    const maxLag = this.node.config.getInt('min-replicas-max-lag');
    const now = Math.floor(this.node.clock.now() / 1000);
    let n = 0;
    for (const r of this.replicas) if (r.state === 'online' && now - Math.floor(r.ackTime / 1000) <= maxLag) n++;
    return n;
  }

  /** Lag of a replica in seconds, as INFO's slaveN lag=. */
  lag(r: ReplicaHandle): number {
    return Math.floor(this.node.clock.now() / 1000) - Math.floor(r.ackTime / 1000);
  }

  /** A client blocked in WAIT: it is released when enough replicas acknowledge `offset`. */
  addWaiting(c: Client, offset: number, numreplicas: number): void {
    this.waiting.add({ c, offset, numreplicas });
    // Redis asks the replicas for an ACK in beforeSleep, after the command blocked.
    queueMicrotask(() => this.requestAcks());
  }

  removeWaiting(c: Client): void {
    for (const w of this.waiting) if (w.c === c) this.waiting.delete(w);
  }

  private checkWaiting(): void {
    for (const w of [...this.waiting]) {
      if (!w.c.blocked) {
        this.waiting.delete(w);
        continue;
      }
      if (this.countAcks(w.offset) >= w.numreplicas) {
        this.waiting.delete(w);
        this.node.blocking.unblock(w.c);
      }
    }
  }

  /** REPLCONF GETACK * into the stream (replicationRequestAckFromSlaves). */
  requestAcks(): void {
    if (this.waiting.size === 0 || this.replicas.length === 0) return;
    this.feedNoSelect(['REPLCONF', 'GETACK', '*']);
  }

  // ---- replicationCron -----------------------------------------------------------------------

  private armCron(): void {
    if (this.cron && !this.cron.cancelled) return;
    const now = this.node.clock.now();
    const next = Math.floor(now / 1000) * 1000 + 1000;
    this.cron = this.node.clock.setTimer(next, () => this.tick());
  }

  private tick(): void {
    this.cron = undefined;
    if (this.replicas.length === 0) return;
    const loops = Math.floor((this.node.clock.now() - this.node.startedAt) / 1000);
    const period = this.node.config.getInt('repl-ping-replica-period');
    if (loops % period === 0 && !this.pingSuppressed()) this.feedNoSelect(['ping']); // shared.ping is lowercase
    this.node.flushAll();
    this.armCron();
  }

  /** Stops timers (node shutdown). */
  stop(): void {
    this.node.clock.clearTimer(this.cron);
    this.cron = undefined;
  }
}
