/**
 * The socket-level fault points of a node's server (the state is the node's faults object,
 * faults/faults.ts): what a real network or a stopped process shows a client.
 *
 * - hold: a command read from a client of a paused node, behind a hanging partition or while a
 *   script holds the node waits unprocessed (connection.ts keeps it in its backlog);
 * - refuse: a refusing partition resets the client's connection (TCP RST) when it sends, and new
 *   connections from a matching address are reset on accept;
 * - output: writes to a held client wait; latency delays each write on the node's virtual clock
 *   (or a real timeout), in order;
 * - drop: connections reset on demand.
 *
 * The control command is never held, and its reply is never delayed: when it answers, whatever
 * waited before it on that connection is written first, then its reply.
 */
import type { Client } from '../engine/client.js';
import type { NodeFaults, SocketLayer } from '../faults/faults.js';
import { type ClientSelector, matchesClient } from '../faults/selector.js';
import type { ReplyChunk } from '../protocol/reply.js';
import { isControl } from './backlog.js';

/** The listening sockets of the node's server. */
export interface Listeners {
  /** Closes the listening sockets (connections stay): new connections get ECONNREFUSED. */
  suspend(): void;
  /** Listens again on the same addresses and port. */
  resume(): Promise<void>;
  /** True between suspend() and resume() (listen() after a kill clears it). */
  isSuspended(): boolean;
}

/** What the gate needs of a connection. */
export interface GatedConnection {
  readonly client: Client;
  readonly remoteAddress: string;
  /** Writes to the socket now. */
  send(data: ReplyChunk): void;
  /** Closes with a TCP reset. */
  reset(): void;
  /** Runs commands that waited, then reads on. */
  drain(): void;
}

interface Pending {
  data: ReplyChunk;
  state: 'held' | 'timed' | 'ready';
  cancel?: () => void;
}

export class FaultGate implements SocketLayer {
  private readonly conns = new Set<GatedConnection>();
  private readonly out = new Map<GatedConnection, Pending[]>();
  private drainQueued = false;
  /** Writes waiting (held or delayed), over every connection. */
  private waitingWrites = 0;
  private waiters: { n: number; resolve: () => void }[] = [];
  /** Resolves once the listeners accept again (after such a partition is healed). */
  private reopening: Promise<void> | undefined;

  constructor(
    private readonly faults: NodeFaults,
    private readonly listeners?: Listeners,
  ) {
    faults.socket = this;
  }

  /** Read per command and per write: false while no socket-level fault is set or pending. */
  get active(): boolean {
    return this.faults.netActive || this.out.size > 0;
  }

  /** A new connection; a refusing partition resets it at once. */
  attach(conn: GatedConnection): void {
    this.conns.add(conn);
    if (this.faults.netActive && this.faults.refusesAddr(conn.remoteAddress)) conn.reset();
  }

  detach(conn: GatedConnection): void {
    this.conns.delete(conn);
    const q = this.out.get(conn);
    if (q) {
      for (const p of q) p.cancel?.();
      this.waitingWrites -= q.length;
    }
    this.out.delete(conn);
  }

  /** True when the command must not run now (held; or refused, the connection then reset). */
  hold(conn: GatedConnection, args: string[]): boolean {
    if (!this.faults.netActive || isControl(this.faults.node, args)) return false;
    const fate = this.faults.commandFate(conn.client);
    if (fate === 'run') return false;
    if (fate === 'refuse') conn.reset();
    return true;
  }

  write(conn: GatedConnection, data: ReplyChunk): void {
    const c = conn.client;
    let q = this.out.get(conn);
    if (c.lastCommand.startsWith('sim|')) {
      // The control command's reply: never held or delayed; what waited before it goes first.
      if (q) {
        this.out.delete(conn);
        this.waitingWrites -= q.length;
        for (const p of q) {
          p.cancel?.();
          conn.send(p.data);
        }
      }
      conn.send(data);
      return;
    }
    const held = this.faults.holdsOutput(c);
    const lat = held ? undefined : this.faults.delayFor(c);
    if (!held && !lat && !q) {
      conn.send(data);
      return;
    }
    if (!q) {
      q = [];
      this.out.set(conn, q);
    }
    const p: Pending = { data, state: held ? 'held' : lat ? 'timed' : 'ready' };
    q.push(p);
    this.waitingWrites++;
    if (this.waiters.length > 0) this.wake();
    if (lat && lat.ms > 0) {
      const release = () => {
        p.state = 'ready';
        this.flushReady(conn);
      };
      if (lat.clock === 'real') {
        const t = setTimeout(release, lat.ms);
        p.cancel = () => clearTimeout(t);
      } else {
        const clock = this.faults.node.clock;
        const t = clock.setTimer(clock.now() + lat.ms, release);
        p.cancel = () => clock.clearTimer(t);
      }
    } else if (lat) p.state = 'ready';
    this.flushReady(conn);
  }

  private flushReady(conn: GatedConnection): void {
    const q = this.out.get(conn);
    if (!q) return;
    while (q.length > 0 && (q[0] as Pending).state === 'ready') {
      this.waitingWrites--;
      conn.send((q.shift() as Pending).data);
    }
    if (q.length === 0) this.out.delete(conn);
  }

  /** Number of writes held or delayed, over every connection. */
  get waiting(): number {
    return this.waitingWrites;
  }

  /** Resolves once at least `n` writes are held or delayed. */
  waitForWaiting(n: number): Promise<void> {
    if (this.waitingWrites >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.waitingWrites >= w.n);
    this.waiters = this.waiters.filter((w) => this.waitingWrites < w.n);
    for (const w of ready) w.resolve();
  }

  /**
   * A refusing partition of every client closes the listening sockets, so a new connection is
   * refused by the kernel (ECONNREFUSED), exactly as for a killed node; healing listens again on
   * the same port. Done at once (not on the next microtask): the port refuses as soon as the
   * partition is set.
   */
  private updateListeners(): void {
    if (!this.listeners) return;
    const refuse = this.faults.refusesAll();
    if (refuse === this.listeners.isSuspended()) return;
    if (refuse) this.listeners.suspend();
    else {
      const p = this.listeners.resume().finally(() => {
        if (this.reopening === p) this.reopening = undefined;
      });
      this.reopening = p;
    }
  }

  /** Resolves once new connections are accepted again (at once unless listeners are reopening). */
  get accepting(): Promise<void> | undefined {
    return this.reopening;
  }

  drop(sel: ClientSelector, except?: Client): number {
    let n = 0;
    for (const conn of [...this.conns]) {
      if (conn.client === except || !matchesClient(sel, conn.client)) continue;
      conn.reset();
      n++;
    }
    return n;
  }

  /**
   * The fault state changed: refused clients are reset, held output that may now flow is
   * written, and held commands run (on the next microtask: never inside the control command
   * that changed the state).
   */
  changed(): void {
    this.updateListeners();
    if (this.drainQueued) return;
    this.drainQueued = true;
    queueMicrotask(() => {
      this.drainQueued = false;
      for (const conn of [...this.conns]) {
        const c = conn.client;
        if (this.faults.netActive && this.faults.commandFate(c) === 'refuse') {
          conn.reset();
          continue;
        }
        const q = this.out.get(conn);
        if (q && !this.faults.holdsOutput(c)) {
          for (const p of q) if (p.state === 'held') p.state = 'ready';
          this.flushReady(conn);
        }
        conn.drain();
      }
    });
  }
}
