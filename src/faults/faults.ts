/**
 * The faults of one node, in one object that both the TypeScript API (`sim.faults`) and the
 * control command (`SIM FAULT ...`, `SIM NODE ...`) drive. It holds the state; the mechanics live
 * where a real network or process would show them:
 *
 * - socket level (server/fault-gate.ts): a paused node (SIGSTOP-like: nothing read is processed
 *   and nothing is written until it resumes), partitions (the chosen clients' commands hang with
 *   no reply, or their connections are reset and new ones refused), latency before replies (on
 *   the node's virtual clock or in real time), dropped connections (TCP reset);
 * - dispatch (faults/command-faults.ts): per-command error replies, connections closed before or
 *   after a command ran, delayed commands, scripts that take virtual time (faults/slow-script.ts);
 * - the node's lifecycle (RedisSim.kill / restart in index.ts, reachable over the wire through
 *   the process's node registry, faults/nodes.ts).
 *
 * The control command is never held by any of these (nothing here may take the test's hand away):
 * the gate lets it through a pause, a partition, a busy script and CLIENT PAUSE, and its reply
 * is never delayed.
 */
import type { Client } from '../engine/client.js';
import type { Timer } from '../engine/clock.js';
import type { DispatchHooks } from '../engine/dispatch.js';
import type { RedisNode } from '../engine/node.js';
import { CommandFaults } from './command-faults.js';
import { Journal } from './journal.js';
import { type ClientSelector, describeSelector, matchesClient } from './selector.js';
import { SlowScripts } from './slow-script.js';

export type PartitionMode = 'hang' | 'refuse';

export interface Partition {
  readonly id: number;
  readonly clients: ClientSelector;
  readonly mode: PartitionMode;
  /** A client left out (the control connection that set it over the wire). */
  readonly except?: number;
}

export interface Latency {
  readonly id: number;
  readonly clients: ClientSelector;
  /** Milliseconds added before each reply is written. */
  readonly ms: number;
  /** 'virtual': the node's clock must reach the time (deterministic); 'real': a real timeout. */
  readonly clock: 'virtual' | 'real';
}

/** What the socket layer (server/fault-gate.ts) offers the faults object. */
export interface SocketLayer {
  /** Resets the connections of the clients `sel` selects, except `except`; returns how many. */
  drop(sel: ClientSelector, except?: Client): number;
  /** The fault state changed: release what no longer holds, reset what is now refused. */
  changed(): void;
  /** Replies (writes) held or delayed, over every connection. */
  readonly waiting: number;
  waitForWaiting(n: number): Promise<void>;
  /** Pending while the listeners reopen after a refusing partition of every client healed. */
  readonly accepting: Promise<void> | undefined;
}

export class NodeFaults {
  /** Whole-node freeze (SIGSTOP, a long GC pause): true while paused. */
  private pausedFlag = false;
  private pauseTimer: Timer | undefined;
  private partitionList: Partition[] = [];
  private latencyList: Latency[] = [];
  private nextId = 1;
  /** The socket layer of the node's server, once one listens. */
  socket: SocketLayer | undefined;
  readonly commands: CommandFaults;
  readonly journal: Journal;
  readonly scripts: SlowScripts;
  /**
   * True when any socket-level fault is set: the gate does nothing else per command otherwise.
   * Kept as a field (not a getter over the lists) because the connection reads it per command.
   */
  netActive = false;

  constructor(readonly node: RedisNode) {
    this.commands = new CommandFaults(
      node,
      () => this.updateHooks(),
      () => this.nextId++,
    );
    this.journal = new Journal(node, () => this.updateHooks());
    this.scripts = new SlowScripts(node, this);
  }

  // ---- node pause ----------------------------------------------------------------------

  get paused(): boolean {
    return this.pausedFlag;
  }

  /**
   * Freezes the node as SIGSTOP would: commands read from clients wait, unprocessed, and
   * nothing is written to them, until resume() (or, with `ms`, until the node's clock has moved
   * that far). Connections stay open; clients time out on their own. The control command still
   * runs. Timers keep their deadlines: what fell due meanwhile is answered at resume.
   */
  pause(ms?: number): void {
    this.pausedFlag = true;
    this.node.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    if (ms !== undefined) {
      this.pauseTimer = this.node.clock.setTimer(this.node.clock.now() + ms, () => {
        this.pauseTimer = undefined;
        this.resume();
      });
    }
    this.netChanged();
  }

  /** Ends a pause: the commands that waited run in the order they arrived. */
  resume(): void {
    this.node.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    this.netChanged();
  }

  // ---- network -------------------------------------------------------------------------

  /** Resets the selected clients' connections (default: every client except `except`). */
  drop(clients: ClientSelector = { all: true }, except?: Client): number {
    return this.socket?.drop(clients, except) ?? 0;
  }

  /**
   * Makes the node unreachable from the selected clients: 'hang' holds their commands (no reply,
   * no error: the client times out on its own) and anything written to them; 'refuse' resets their
   * connections and refuses new ones: for every client ({ all: true }) the listening sockets close,
   * so a connection attempt gets ECONNREFUSED as from a killed node; for chosen clients a new
   * connection from a matching address is reset as soon as it is accepted (ECONNRESET: the kernel
   * completes the handshake before the server sees the address, and refusing one address at the
   * SYN needs a firewall rule, i.e. root). Returns the partition's id.
   */
  partition(clients: ClientSelector = { all: true }, mode: PartitionMode = 'hang', except?: Client): number {
    const p: Partition = { id: this.nextId++, clients, mode, ...(except ? { except: except.id } : {}) };
    this.partitionList.push(p);
    this.netChanged();
    return p.id;
  }

  /** Heals one partition by id, or all; held commands then run. Returns how many were healed. */
  heal(id?: number): number {
    const before = this.partitionList.length;
    this.partitionList = id === undefined ? [] : this.partitionList.filter((p) => p.id !== id);
    const n = before - this.partitionList.length;
    if (n > 0) this.netChanged();
    return n;
  }

  get partitions(): readonly Partition[] {
    return this.partitionList;
  }

  /** Adds `ms` of latency before each reply to the selected clients (default: all). Returns its id. */
  latency(ms: number, opts: { clients?: ClientSelector; clock?: 'virtual' | 'real' } = {}): number {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('latency must be a finite number of milliseconds >= 0');
    const l: Latency = { id: this.nextId++, clients: opts.clients ?? { all: true }, ms, clock: opts.clock ?? 'virtual' };
    this.latencyList.push(l);
    this.netChanged();
    return l.id;
  }

  /** Removes one latency rule by id, or all. Replies already delayed keep their release time. */
  clearLatency(id?: number): number {
    const before = this.latencyList.length;
    this.latencyList = id === undefined ? [] : this.latencyList.filter((l) => l.id !== id);
    const n = before - this.latencyList.length;
    if (n > 0) this.netChanged();
    return n;
  }

  get latencies(): readonly Latency[] {
    return this.latencyList;
  }

  /** Replies held (pause, partition) or delayed (latency) and not yet written. */
  get waitingReplies(): number {
    return this.socket?.waiting ?? 0;
  }

  /**
   * Resolves once at least `n` replies are held or delayed: "the command has arrived and its reply
   * is waiting", so a test can then move the clock without racing the network.
   */
  waitForReplies(n: number): Promise<void> {
    if (!this.socket) return Promise.reject(new Error('waitForReplies: the node has no server'));
    return this.socket.waitForWaiting(n);
  }

  /** Removes one fault by id (a partition, a latency rule or a command fault); returns 1 or 0. */
  remove(id: number): number {
    return this.heal(id) + this.clearLatency(id) + this.commands.remove(id);
  }

  /** Removes every fault: pause, partitions, latency, per-command faults (the journal stays). */
  clear(): void {
    this.commands.clear();
    this.partitionList = [];
    this.latencyList = [];
    this.resume();
    this.netChanged();
  }

  // ---- decisions the socket layer asks for ---------------------------------------------

  /**
   * What happens to a command `c` sent now (the control command never asks): 'run', 'hold'
   * (it waits, unprocessed) or 'refuse' (the connection is reset).
   */
  commandFate(c: Client): 'run' | 'hold' | 'refuse' {
    let fate: 'run' | 'hold' | 'refuse' = 'run';
    for (const p of this.partitionList) {
      if (p.except === c.id || !matchesClient(p.clients, c)) continue;
      if (p.mode === 'refuse') return 'refuse';
      fate = 'hold';
    }
    if (fate === 'hold' || this.pausedFlag || this.scripts.holding) return 'hold';
    return 'run';
  }

  /** Output to `c` waits (a paused node writes nothing; a hanging partition delivers nothing). */
  holdsOutput(c: Client): boolean {
    if (this.pausedFlag) return true;
    for (const p of this.partitionList) if (p.mode === 'hang' && p.except !== c.id && matchesClient(p.clients, c)) return true;
    return false;
  }

  /**
   * A refusing partition of every client: the node's listening sockets are closed, so new
   * connections get ECONNREFUSED as from a killed node (the control connection that set it stays).
   */
  refusesAll(): boolean {
    for (const p of this.partitionList) if (p.mode === 'refuse' && 'all' in p.clients) return true;
    return false;
  }

  /**
   * Resolves once the node accepts connections again (after healing a refusing partition of
   * every client the listening sockets reopen on the same port; at once otherwise).
   */
  whenAccepting(): Promise<void> {
    return this.socket?.accepting ?? Promise.resolve();
  }

  /**
   * A new connection from `addr` is reset at once (a partition of chosen clients: the kernel has
   * already accepted it, so the client sees ECONNRESET, not ECONNREFUSED; see refusesAll).
   */
  refusesAddr(addr: string): boolean {
    for (const p of this.partitionList) {
      if (p.mode !== 'refuse') continue;
      if ('all' in p.clients) return true;
      if ('addr' in p.clients) {
        const colon = addr.lastIndexOf(':');
        if (addr === p.clients.addr || addr.slice(0, colon) === p.clients.addr) return true;
      }
    }
    return false;
  }

  /** The latency before a reply to `c`: the largest matching rule, or undefined. */
  delayFor(c: Client): Latency | undefined {
    let best: Latency | undefined;
    for (const l of this.latencyList) if (matchesClient(l.clients, c) && (!best || l.ms > best.ms)) best = l;
    return best;
  }

  /** One line per active fault, for SIM FAULT LIST. */
  describe(): string[] {
    const out: string[] = [];
    if (this.pausedFlag) out.push('node paused');
    for (const p of this.partitionList) out.push(`partition ${p.id} ${describeSelector(p.clients)} ${p.mode}`);
    for (const l of this.latencyList) out.push(`latency ${l.id} ${describeSelector(l.clients)} ${l.ms}ms ${l.clock}`);
    out.push(...this.commands.describe());
    return out;
  }

  /** Called by the socket-level state changes (and the busy script): wakes the gate. */
  netChanged(): void {
    this.netActive = this.pausedFlag || this.partitionList.length > 0 || this.latencyList.length > 0 || this.scripts.holding;
    this.socket?.changed();
  }

  /** Installs dispatch's hooks only while per-command faults, a busy script or the journal need them. */
  updateHooks(): void {
    const on = this.commands.active || this.journal.active || this.scripts.busy !== undefined;
    this.node.dispatchHooks = on ? this.hooks : undefined;
  }

  private readonly hooks: DispatchHooks = {
    before: (c, r, args, queued) => this.scripts.reject(c, r, args) || this.commands.before(c, r, args, queued),
    after: (c, r, args, mark) => this.commands.after(c, r, args, mark),
    record: (c, args, mark, t0) => this.journal.record(c, args, mark, t0),
  };
}

const registry = new WeakMap<RedisNode, NodeFaults>();

/** The faults object of a node (created on first use). */
export function faultsOf(node: RedisNode): NodeFaults {
  let f = registry.get(node);
  if (!f) {
    f = new NodeFaults(node);
    registry.set(node, f);
  }
  return f;
}

/**
 * Between tests (sim.reset(), SIM RESET): every fault removed (pause ended, partitions healed,
 * latency and per-command faults gone) and the journal stopped and emptied, as at start.
 */
export function resetFaults(node: RedisNode): void {
  const f = registry.get(node);
  if (!f) return;
  f.clear();
  f.journal.stop();
  f.journal.clear();
}
