/**
 * A node: one Redis server's state (databases, clock, configuration, clients, blocking,
 * pub/sub) with no transport. Everything is per node; many nodes live in one process.
 */
import { type AclHooks, type AclHooksFactory, NO_ACL } from './acl.js';
import { BlockingManager } from './blocking.js';
import type { Client } from './client.js';
import { Clock, type ClockMode, type ClockOptions } from './clock.js';
import type { CommandSpec, ResolvedCommand } from './command.js';
import { ConfigStore } from './config.js';
import { Database, type DatabaseHost, deadlinePassed, expiryTime } from './database.js';
import { type DispatchHooks, execute, resolved, runCommand } from './dispatch.js';
import { Eviction } from './eviction.js';
import { MinHeap } from './heap.js';
import { monitorLine } from './monitor.js';
import { Notifier, type NotifyClass } from './notify.js';
import { pauseType } from './pause.js';
import { Propagation, type ReplicationHooks } from './propagate.js';
import { PubSub } from './pubsub.js';
import { Stats } from './stats.js';
import { Tracking } from './tracking.js';
import type { ValueType } from './values.js';
import { WatchManager } from './watch.js';

export { quoteRepr } from './monitor.js';

export const DEFAULT_VERSION = '7.0.15';

export interface NodeOptions {
  /** A Clock to share, clock options, or a mode name. Default: system time. */
  clock?: Clock | ClockOptions | ClockMode;
  /** Configuration parameters by name (as in redis.conf), e.g. { databases: '4', requirepass: 'pw' }. */
  config?: Record<string, string>;
  /** The version INFO and HELLO report. */
  version?: string;
  /** Name of the control command (default "sim"); false disables it. */
  controlCommand?: string | false;
  /** Where the node logs (default: nowhere). */
  log?: (level: 'debug' | 'verbose' | 'notice' | 'warning', message: string) => void;
  /**
   * The command table this node runs: src/commands/index.ts's COMMANDS for a Redis node (RedisSim
   * hands it over), a Sentinel endpoint's own commands, or a test's table. engine/ knows no
   * command: every spec comes from here.
   */
  commands: readonly CommandSpec[];
  /** @internal redis_mode in INFO and HELLO's mode: 'standalone' (default) or 'sentinel'. */
  mode?: 'standalone' | 'sentinel';
  /** ACL (src/acl/hooks.ts's aclHooks); without it every client is an unrestricted default user. */
  acl?: AclHooksFactory;
}

interface ExpiryEntry {
  at: number;
  db: number;
  key: string;
}

/** Command tables by lowercase name, built once per table and shared by the nodes that run it. */
const TABLES = new WeakMap<readonly CommandSpec[], Map<string, CommandSpec>>();

function tableByName(commands: readonly CommandSpec[]): Map<string, CommandSpec> {
  let t = TABLES.get(commands);
  if (!t) {
    t = new Map(commands.map((c) => [c.name, c]));
    TABLES.set(commands, t);
  }
  return t;
}

export class RedisNode implements DatabaseHost {
  readonly clock: Clock;
  readonly config: ConfigStore;
  readonly version: string;
  readonly stats = new Stats();
  readonly blocking: BlockingManager;
  readonly watches = new WatchManager();
  readonly pubsub = new PubSub();
  readonly notifier: Notifier;
  /** maxmemory: the memory estimate and key eviction (engine/eviction.ts). */
  readonly eviction: Eviction;
  /** Client-side caching: who may cache which key (engine/tracking.ts). */
  readonly tracking: Tracking;
  readonly clients = new Map<number, Client>();
  /** The replication stream this node produces (engine/propagate.ts); topology/ installs its sink. */
  readonly propagation: Propagation;
  /** Replication state when this node has replicas or a primary (set by topology/). */
  replication: ReplicationHooks | undefined;
  /** Clients in MONITOR mode. */
  readonly monitors = new Set<Client>();
  readonly controlCommand: string | false;
  /** 'sentinel' for a Sentinel endpoint (src/sentinel/): INFO's redis_mode, HELLO's mode. */
  readonly mode: 'standalone' | 'sentinel';
  private readonly table: Map<string, CommandSpec>;
  private readonly tableList: readonly CommandSpec[];
  readonly startedAt: number;
  readonly runId: string;
  readonly log: NonNullable<NodeOptions['log']>;
  /** Replication role reported by INFO, HELLO and ROLE. */
  role: 'master' | 'slave' = 'master';
  /** DEBUG SET-ACTIVE-EXPIRE: when false only lazy expiry removes keys. */
  activeExpireEnabled = true;
  /** Time of the last successful save (LASTSAVE), seconds. */
  lastSave: number;
  /** Called by SHUTDOWN: the embedding (RedisSim, the CLI) stops the server. */
  onShutdownRequest: (() => void) | undefined;
  /** Per-command faults, a busy script and the journal (src/faults/); undefined when none is on. */
  dispatchHooks: DispatchHooks | undefined = undefined;
  /** Users, AUTH and the ACL check (engine/acl.ts; src/acl/ installs them through NodeOptions.acl). */
  readonly acl: AclHooks;
  /** Nesting depth of command execution: blocked clients are served only at depth 0. */
  depth = 0;
  /** INFO's migrate_cached_sockets: MIGRATE's open connections (commands/migrate-socket.ts). */
  migrateCachedSockets = 0;
  /** Run by shutdown(): what commands keep outside the node (MIGRATE's cached connections). */
  readonly shutdownHooks = new Set<() => void>();
  /** True while a command without the write flag runs (keyspace hit/miss counting). */
  readCommand = false;
  private limitsAuthed = { maxBulkLen: 536870912, authenticated: true };
  private limitsUnauthed = { maxBulkLen: 536870912, authenticated: false };
  private dbs: Database[];
  private readonly ownsClock: boolean;
  private clientIds = 0;
  private readonly expiryQueue = new MinHeap<ExpiryEntry>((a, b) => a.at < b.at);
  private expiryTimer: ReturnType<Clock['setTimer']> | undefined;

  constructor(opts: NodeOptions) {
    const c = opts.clock;
    this.ownsClock = !(c instanceof Clock);
    this.clock = c instanceof Clock ? c : new Clock(typeof c === 'string' ? { mode: c } : (c ?? {}));
    this.config = new ConfigStore(opts.config ?? {});
    this.version = opts.version ?? DEFAULT_VERSION;
    this.controlCommand = opts.controlCommand === undefined ? 'sim' : opts.controlCommand;
    this.mode = opts.mode ?? 'standalone';
    this.tableList = opts.commands;
    this.table = tableByName(opts.commands);
    this.acl = opts.acl ? opts.acl(this) : NO_ACL;
    this.log = opts.log ?? (() => {});
    const n = this.config.getInt('databases');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(i, this));
    const setLimits = (v: string) => {
      this.limitsAuthed = { maxBulkLen: Number(v), authenticated: true };
      this.limitsUnauthed = { maxBulkLen: Number(v), authenticated: false };
    };
    setLimits(this.config.get('proto-max-bulk-len'));
    this.config.onChange('proto-max-bulk-len', setLimits);
    this.blocking = new BlockingManager(this);
    this.notifier = new Notifier(this);
    this.eviction = new Eviction(this);
    this.tracking = new Tracking(this);
    this.propagation = new Propagation(this);
    this.startedAt = this.clock.now();
    this.stats.resetAt = this.startedAt;
    this.lastSave = Math.floor(this.startedAt / 1000);
    this.runId = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  }

  /**
   * The time commands see. While a script runs in slices it is the time the script went on in
   * slices (Redis's scriptTimeSnapshot: keys do not expire in the middle of a script, even when
   * the clock moves between its slices).
   */
  now(): number {
    return this.timeSnapshot ?? this.clock.now();
  }

  // ---- a script running in slices (Redis's isInsideYieldingLongCommand) -----------------

  private timeSnapshot: number | undefined = undefined;
  private deferredTimers: (() => void)[] = [];
  private longCommand = false;

  /** True while a script runs in slices (scripting/engine.ts): the event loop runs between them. */
  get inLongCommand(): boolean {
    return this.longCommand;
  }

  /**
   * A script goes on in slices. Between two of them the event loop serves clients, but as Redis's
   * processEventsWhileBlocked does while a script runs: no time event fires (active expiry,
   * blocked clients' timeouts, the end of CLIENT PAUSE wait: whenIdle), no blocked client is
   * served (afterCommand waits) and the script's effects are propagated only at its end.
   */
  beginLongCommand(): void {
    this.longCommand = true;
    this.timeSnapshot = this.clock.now();
    this.propagation.hold(true);
  }

  /**
   * The script ended (its reply written): what call() does after a script, once: its effects
   * propagated (one MULTI/EXEC), the clients its writes made ready served; then the timers that
   * fell due meanwhile fire, in the order they fell due.
   */
  endLongCommand(): void {
    if (!this.longCommand) return;
    this.longCommand = false;
    this.timeSnapshot = undefined;
    this.propagation.hold(false);
    this.propagation.flush();
    this.afterCommand();
    this.runDeferredTimers();
    this.flushAll();
  }

  /** The node stopped under a script running in slices: its unpropagated effects are dropped. */
  abortLongCommand(): void {
    if (!this.longCommand) return;
    this.longCommand = false;
    this.timeSnapshot = undefined;
    this.propagation.hold(false);
    this.propagation.discard();
    this.runDeferredTimers();
  }

  private runDeferredTimers(): void {
    while (this.deferredTimers.length > 0 && !this.longCommand) (this.deferredTimers.shift() as () => void)();
  }

  /** A timer's callback runs now, or when the script running in slices ends. */
  whenIdle(fn: () => void): void {
    if (this.longCommand) this.deferredTimers.push(fn);
    else fn();
  }

  /** Request-parser limits for a client (proto-max-bulk-len is cached: it is read per request). */
  parserLimits(authenticated: boolean): { maxBulkLen: number; authenticated: boolean } {
    return authenticated ? this.limitsAuthed : this.limitsUnauthed;
  }

  get databaseCount(): number {
    return this.dbs.length;
  }

  db(index: number): Database {
    const d = this.dbs[index];
    if (!d) throw new RangeError(`no database ${index}`);
    return d;
  }

  nextClientId(): number {
    return ++this.clientIds;
  }

  /** The spec for a command name (any case), honouring the control command's name. */
  lookupCommand(name: string): CommandSpec | undefined {
    return this.lookupResolved(name)?.spec;
  }

  /**
   * The resolved top-level command for a name (any case). Names as clients send them ("SET",
   * "get") map to it without a lowercase copy each time; the cache is bounded (names are client
   * input) and valid for the node's life (the control command's name is fixed at start).
   */
  lookupResolved(name: string): ResolvedCommand | undefined {
    const cached = this.commandCache.get(name);
    if (cached !== undefined) return cached;
    const spec = this.lookupCommandUncached(name);
    if (spec === undefined) return undefined;
    const r = resolved(spec);
    if (this.commandCache.size >= 1024) this.commandCache.clear();
    this.commandCache.set(name, r);
    return r;
  }

  private readonly commandCache = new Map<string, ResolvedCommand>();

  private lookupCommandUncached(name: string): CommandSpec | undefined {
    const lower = name.toLowerCase();
    if (lower === 'sim') return this.controlCommand === 'sim' ? this.table.get('sim') : undefined;
    if (this.controlCommand !== false && lower === this.controlCommand) return this.table.get('sim');
    return this.table.get(lower);
  }

  /** Every command spec (the control command included when enabled). */
  commandTable(): CommandSpec[] {
    return this.tableList.filter((c) => c.name !== 'sim' || this.controlCommand !== false);
  }

  // ---- clients -------------------------------------------------------------------------

  addClient(c: Client): void {
    this.clients.set(c.id, c);
    this.stats.totalConnections++;
  }

  /** Forgets a client that disconnected: no stale waiter, watch or subscription remains. */
  removeClient(c: Client): void {
    c.closed = true;
    this.blocking.release(c);
    this.watches.unwatchAll(c);
    this.pubsub.unsubscribeAll(c);
    if (c.tracking) this.tracking.disable(c);
    this.clients.delete(c.id);
    this.monitors.delete(c);
  }

  /** Sends a command to every MONITOR client, formatted as Redis does. */
  feedMonitors(c: Client, args: string[]): void {
    const t = this.clock.now();
    const secs = Math.floor(t / 1000);
    const micros = Math.floor((t - secs * 1000) * 1000);
    const who = c.transport ? c.transport.remoteAddress : 'lua';
    const line = monitorLine(`+${secs}.${String(micros).padStart(6, '0')} [${c.db.index} ${who}]`, args);
    for (const m of this.monitors) {
      if (m === c) continue;
      try {
        // Piece by piece to the socket: a huge line is never held whole in one output string.
        for (const piece of line) {
          m.reply.raw(piece);
          m.flush();
        }
      } catch (e) {
        // A line this monitor's output cannot take: it would read half a line, so it is
        // disconnected (as Redis drops a client past its output buffer limit); the rest go on.
        this.log('warning', `MONITOR client dropped, its line could not be written: ${(e as Error)?.message ?? e}`);
        m.transport?.close();
      }
    }
  }

  // ---- commands ------------------------------------------------------------------------

  /** Runs one client command from the wire (auth, MULTI queueing, stats, blocked-client service). */
  execute(c: Client, args: string[]): void {
    execute(this, c, args);
  }

  /** Runs a command inside EXEC or a script: no queueing, no serving of blocked clients. */
  call(c: Client, args: string[]): void {
    runCommand(this, c, args);
  }

  /** After a top-level command: serve clients whose keys became ready. */
  afterCommand(): void {
    // A script running in slices: blocked clients are served after it (endLongCommand).
    if (this.longCommand) return;
    // Invalidations about keys a client's own command changed go after its reply (Redis's afterCommand).
    if (this.tracking.clients > 0) this.tracking.flushPending();
    if (this.blocking.count > 0) this.blocking.serveReady();
  }

  // ---- keyspace hooks ------------------------------------------------------------------

  /**
   * A key's value changed (Redis's signalModifiedKey): invalidates WATCH and re-checks the
   * stream readers waiting on it. Typed waiters (BLPOP, BZPOPMIN...) are not woken here: Redis 7.0
   * signals a key ready for them only when it is added (dbAdd, see keyAdded), on XADD and for whole
   * databases (FLUSH*, SWAPDB); a key overwritten in place (SET of a missing key, then ZUNIONSTORE
   * over it) leaves them blocked. It counts no change: each write command adds its own to
   * server.dirty (stats.dirty) where Redis does, and an expiry or an eviction adds none.
   */
  signalModifiedKey(db: Database, key: string): void {
    this.watches.touch(db, key);
    this.blocking.signalModified(db, key);
    if (this.tracking.clients > 0 || this.tracking.totalItems > 0) this.tracking.invalidateKey(key);
  }

  /** Publishes a keyspace notification for `key` (Redis's notifyKeyspaceEvent). */
  notify(db: Database, cls: NotifyClass, event: string, key: string): void {
    this.notifier.notify(db.index, cls, event, key);
  }

  /**
   * Runs `lookup` as Redis's lookupKeyRead inside a write command (SET ... GET, the keys BITOP
   * and the PF commands read): its hit or miss is counted and a miss fires "keymiss".
   */
  asRead<T>(lookup: () => T): T {
    const outer = this.readCommand;
    this.readCommand = true;
    try {
      return lookup();
    } finally {
      this.readCommand = outer;
    }
  }

  /**
   * Keyspace hits and misses, counted as Redis's lookupKeyRead does: only lookups made by commands
   * that do not write (dispatch sets `readCommand` around each handler).
   */
  keyspaceLookup(hit: boolean, db: Database, key: string, notify = true): void {
    if (!this.readCommand) return;
    if (hit) this.stats.keyspaceHits++;
    else {
      this.stats.keyspaceMisses++;
      // Redis fires "keymiss" (class m) for the same read lookups that count as misses.
      if (notify && this.notifier.enabled('m')) this.notify(db, 'm', 'keymiss', key);
    }
  }

  /** A key was created: the "new" event (class n) when enabled. */
  keyAdded(db: Database, key: string, t: ValueType): void {
    // Redis 7.0's dbAdd signals the key ready when its type is one a client can block on.
    if (t === 'list' || t === 'zset' || t === 'stream') this.blocking.signalReady(db, key, t);
    if (this.notifier.enabled('n')) this.notify(db, 'n', 'new', key);
  }

  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.propagation.expired(db, key);
    this.notify(db, 'x', 'expired', key);
    this.signalModifiedKey(db, key);
  }

  expireScheduled(db: Database, key: string, at: number): void {
    this.expiryQueue.push({ at, db: db.index, key });
    const head = this.expiryQueue.peek();
    if (head === undefined) return;
    if (this.expiryTimer && !this.expiryTimer.cancelled && this.expiryTimer.deadline <= expiryTime(head.at)) return;
    this.armExpiry();
  }

  private armExpiry(): void {
    this.clock.clearTimer(this.expiryTimer);
    this.expiryTimer = undefined;
    const head = this.expiryQueue.peek();
    if (head === undefined) return;
    this.expiryTimer = this.clock.setTimer(expiryTime(head.at), () => this.whenIdle(() => this.activeExpire()));
  }

  /**
   * Active expiry: removes every key whose deadline has passed, in deadline order. With a manual
   * clock it runs exactly when time reaches each deadline + 1 ms (Redis expires at `now > when`).
   */
  private activeExpire(): void {
    this.expiryTimer = undefined;
    // A replica (or a paused node) deletes nothing: keys stay until the primary's DEL (or resumeExpiry()).
    if (this.activeExpireEnabled && this.expiryMode() === 'delete') {
      const now = this.clock.now();
      for (;;) {
        const e = this.expiryQueue.peek();
        if (!e || !deadlinePassed(e.at, now)) break;
        this.expiryQueue.pop();
        const db = this.dbs[e.db];
        // Entries are not removed when a TTL changes; skip the stale ones.
        if (db && db.expires.get(e.key) === e.at) db.expireIfNeeded(e.key);
      }
      // Active expiry propagates one DEL per key, not wrapped in MULTI/EXEC.
      this.propagation.flush(false);
      this.afterCommand();
      this.flushAll();
      this.armExpiry();
    }
    // Disabled: no re-arm (a due deadline would fire again at once, forever); setActiveExpire(true) re-arms.
  }

  /** Set by topology/ while this replica applies its primary's stream (expired keys are kept). */
  applyingStream = false;

  /** DatabaseHost.expiryMode: see engine/database.ts (Redis's expireIfNeeded on replicas and during pauses). */
  expiryMode(): 'delete' | 'hide' | 'keep' {
    if (this.role === 'slave') {
      if (this.applyingStream) return 'keep';
      if (this.config.get('replica-read-only') === 'yes') return 'hide';
    }
    if (pauseType(this) !== undefined) return 'hide';
    return 'delete';
  }

  /**
   * Expiry may delete again (this replica was promoted, or a pause ended): the deadlines active
   * expiry skipped meanwhile are scheduled again, and those due go now.
   */
  resumeExpiry(): void {
    this.expiryQueue.clear();
    for (const db of this.dbs) for (const [key, at] of db.expires) this.expiryQueue.push({ at, db: db.index, key });
    if (this.activeExpireEnabled) this.activeExpire();
  }

  /** Re-enables active expiry (DEBUG SET-ACTIVE-EXPIRE 1): due keys go at once. */
  setActiveExpire(on: boolean): void {
    this.activeExpireEnabled = on;
    if (on) this.activeExpire();
  }

  /** Rebuilds the expiry queue from the databases' expires tables (after SWAPDB). */
  rebuildExpiryQueue(): void {
    this.expiryQueue.clear();
    for (const db of this.dbs) {
      for (const [key, at] of db.expires) this.expiryQueue.push({ at, db: db.index, key });
    }
    this.armExpiry();
  }

  /** Flushes pending output of every client (after timers fire outside a read cycle). */
  flushAll(): void {
    for (const c of this.clients.values()) c.flush();
  }

  /** Empties every database (FLUSHALL). */
  flushAllData(): void {
    for (const db of this.dbs) {
      this.watches.touchDatabase(db);
      db.clear();
      // As FLUSHDB: re-check blocked clients (a blocked XREADGROUP gets -UNBLOCKED, as in Redis).
      this.blocking.signalDatabase(db);
    }
    this.tracking.invalidateAll();
    this.expiryQueue.clear();
    this.armExpiry();
  }

  /** Stops timers; the node can no longer be used. */
  shutdown(): void {
    for (const hook of [...this.shutdownHooks]) hook();
    this.shutdownHooks.clear();
    this.replication?.stop();
    this.clock.clearTimer(this.expiryTimer);
    this.expiryTimer = undefined;
    for (const c of [...this.clients.values()]) this.removeClient(c);
    if (this.ownsClock) this.clock.stop();
  }
}
