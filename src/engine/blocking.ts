/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...), as Redis's blocked.c.
 *
 * - A blocking command that finds nothing to serve calls `client.block()`; the dispatcher then
 *   registers it here, on each of its keys, in arrival order.
 * - A write that may satisfy a waiter calls `signalReady(db, key)` (through signalModifiedKey).
 *   Ready keys are served after the command, MULTI/EXEC or script that made them ready has
 *   finished (the dispatcher calls `serveReady()` at top level only), so an element pushed and
 *   popped inside one transaction wakes nobody.
 * - Serving re-runs the waiter's command with `client.readyKey` set to the ready key (Redis 7.0
 *   serves a waiter from that key only): if it now finds data it replies and is unblocked; if
 *   not it stays blocked in its original place. Waiters on one key are tried first-come
 *   first-served; keys made ready while serving (BLMOVE's destination) are served in the same
 *   cycle. A waiter with a `type` is re-run only while the key holds that type.
 * - Timeouts are timers on the node clock; a timed-out client gets its command's null reply.
 * - When the node starts following a primary (forceUnblockAll) every key waiter and WAIT gets
 *   -UNBLOCKED and is disconnected, as Redis 7.0's disconnectAllBlockedClients.
 */
import type { Client } from './client.js';
import type { Timer } from './clock.js';
import type { Database } from './database.js';
import { callObservers, replyCommandError, resolveCommand } from './dispatch.js';
import type { RedisNode } from './node.js';

interface ReadyKey {
  db: number;
  key: string;
}

interface Waiter {
  resolve: () => void;
  count: number;
  key: string | undefined;
  db: number | undefined;
}

export class BlockingManager {
  /** db index → key → clients waiting on it, in arrival order. */
  private readonly byKey = new Map<number, Map<string, Set<Client>>>();
  private readonly timers = new Map<Client, Timer>();
  private ready: ReadyKey[] = [];
  private readonly readySet = new Set<string>();
  private readonly waiters: Waiter[] = [];
  /** Total blocked clients. */
  count = 0;
  /** Blocked clients by the value type they wait for (Redis's blocked_clients_by_type). */
  private readonly byType = new Map<string | undefined, number>();

  constructor(private readonly node: RedisNode) {}

  /** Registers `c` as blocked with its pending request. */
  block(c: Client, args: string[]): void {
    const req = c.blockRequest;
    c.blockRequest = undefined;
    if (!req) return;
    c.blocked = { args: req.args ?? args, request: req, since: this.node.clock.now() };
    const dbKeys = this.dbMap(c.db.index);
    for (const key of req.keys) {
      let set = dbKeys.get(key);
      if (!set) {
        set = new Set();
        dbKeys.set(key, set);
      }
      set.add(c);
    }
    this.count++;
    this.byType.set(req.type, (this.byType.get(req.type) ?? 0) + 1);
    if (req.timeoutAt > 0) {
      this.timers.set(
        c,
        this.node.clock.setTimer(req.timeoutAt, () => this.node.whenIdle(() => this.timeout(c))),
      );
    }
    this.checkWaiters();
  }

  /** Whether any client waits on `key` in database `db`. */
  hasWaiters(db: number, key: string): boolean {
    return this.byKey.get(db)?.get(key) !== undefined;
  }

  /**
   * Marks `key` ready if someone waits on it; served after the current command. With a `type`
   * (a key of that type was added), nothing happens unless some client anywhere waits for that
   * type, as Redis 7.0's signalKeyAsReady: a zset created while only list waiters exist does not
   * make the key ready, even if it has become a list by the time blocked clients are served.
   */
  signalReady(db: Database, key: string, type?: string): void {
    if (this.count === 0) return;
    if (type !== undefined && !this.byType.get(type)) return;
    if (!this.byKey.get(db.index)?.has(key)) return;
    const id = `${db.index}\0${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push({ db: db.index, key });
  }

  /**
   * A key was modified: marks it ready only for waiters without a type (XREAD/XREADGROUP, which
   * re-check their streams); typed waiters wait for signalReady (a key added, XADD).
   */
  signalModified(db: Database, key: string): void {
    if (this.count === 0) return;
    const set = this.byKey.get(db.index)?.get(key);
    if (!set) return;
    for (const c of set) {
      if (c.blocked && c.blocked.request.type === undefined) {
        this.signalReady(db, key);
        return;
      }
    }
  }

  /** Marks every waited-on key of a database ready (FLUSHDB, SWAPDB: re-check all waiters). */
  signalDatabase(db: Database): void {
    const keys = this.byKey.get(db.index);
    if (!keys) return;
    for (const key of keys.keys()) this.signalReady(db, key);
  }

  /**
   * Serves clients blocked on ready keys until no key is ready (handleClientsBlockedOnKeys).
   * Keys are taken in the order they became ready; a key made ready while serving (BLMOVE's
   * destination) goes to the next round of the same cycle. A key is taken off the ready set
   * when its turn comes, so signalling it again meanwhile queues it once more.
   */
  serveReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      for (const { db, key } of batch) {
        this.readySet.delete(`${db}\0${key}`);
        const set = this.byKey.get(db)?.get(key);
        if (!set) continue;
        const database = this.node.db(db);
        // Clients are served first-come first-served; each one served may empty the key.
        for (const c of [...set]) {
          const b = c.blocked;
          if (!b || !set.has(c)) continue;
          if (b.request.type !== undefined) {
            // Redis 7.0 serves a waiter only from an existing key of its type (a key SET to a
            // string leaves BLPOP waiting; once the list is emptied the rest keep waiting).
            const o = database.lookup(key);
            if (o === undefined || o.type !== b.request.type) continue;
          }
          this.retry(c, key);
        }
      }
    }
  }

  /**
   * Re-runs a blocked client's command for a ready key. The handler runs directly (not through
   * call()): as in Redis 7.0 the command was counted once, when it blocked, and MONITOR saw it
   * then; serving adds its time and, if it replies an error, a failed call.
   */
  private retry(c: Client, key: string): void {
    const b = c.blocked;
    if (!b) return;
    const r = resolveCommand(this.node, b.args);
    if (typeof r === 'string' || !r.spec.handler) {
      this.release(c);
      return;
    }
    const errorsBefore = c.reply.errors;
    const mark = c.reply.length;
    const t0 = performance.now();
    c.retrying = true;
    c.readyKey = key;
    const frame = this.node.propagation.enter();
    try {
      r.spec.handler(c, b.args);
    } catch (e) {
      replyCommandError(this.node, c, r.fullname, e);
    } finally {
      c.retrying = false;
      c.readyKey = undefined;
    }
    if (c.blockRequest) {
      // Still nothing to serve: stay blocked where it was.
      c.blockRequest = undefined;
      this.node.propagation.leave(c, r, b.args, frame);
      return;
    }
    // A served client is an execution unit of its own: its effects (LPOP for BLPOP, LMOVE for
    // BLMOVE...) are propagated now, after the command that made its key ready.
    this.node.propagation.leave(c, r, b.args, frame);
    this.node.propagation.flush();
    const stat = this.node.stats.command(r.fullname);
    const usec = Math.round((performance.now() - t0) * 1000);
    stat.usec += usec;
    if (c.reply.errors > errorsBefore) stat.failedCalls++;
    // Redis's updateStatsOnUnblock: a served command enters SLOWLOG and LATENCY HISTOGRAM now.
    for (const observe of callObservers) observe(this.node, c, r, b.args, usec, stat);
    this.release(c);
    this.deliver(c, mark);
  }

  /** Sends what a released client was answered (nothing under CLIENT REPLY OFF) and resumes it. */
  private deliver(c: Client, mark: number): void {
    if (c.replyMode === 'off') c.reply.truncate(mark);
    c.flush();
    c.transport?.resume();
  }

  private timeout(c: Client): void {
    const b = c.blocked;
    if (!b) return;
    this.timers.delete(c);
    this.release(c);
    const mark = c.reply.length;
    b.request.onTimeout(c);
    this.deliver(c, mark);
  }

  /**
   * Unblocks `c` from outside (CLIENT UNBLOCK): with `error`, the client gets that error;
   * otherwise its timeout reply. Returns false if it was not blocked.
   */
  unblock(c: Client, error?: string): boolean {
    const b = c.blocked;
    if (!b) return false;
    this.release(c);
    const mark = c.reply.length;
    if (error !== undefined) c.reply.error(error);
    else b.request.onTimeout(c);
    this.deliver(c, mark);
    return true;
  }

  /**
   * disconnectAllBlockedClients, called by replicationSetMaster each time the node is set to
   * follow a primary (REPLICAOF host port, FAILOVER, or from one primary to another): blocking on
   * a replica's keys is no longer safe, so every client blocked on keys (BLPOP, BLMOVE, BZPOPMIN,
   * XREAD/XREADGROUP BLOCK...) or in WAIT gets
   * "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"
   * and its connection is closed after that reply: commands it pipelined behind are never run.
   * A command postponed by a pause (CLIENT PAUSE, FAILOVER's) is left alone: it runs from scratch
   * when the pause ends (and may then be refused as a write on a replica). redis-sim's own waits
   * (control commands, a slow script) are left alone too. Clients are taken in connection order.
   */
  forceUnblockAll(): void {
    if (this.count === 0) return;
    for (const c of [...this.node.clients.values()]) {
      const b = c.blocked;
      if (!b || b.cancel || (b.request.keys.length === 0 && !b.request.replicaWait)) continue;
      c.closeAfterReply = true;
      this.unblock(c, 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
    }
  }

  /** Forgets a blocked client without replying (disconnect, CLIENT KILL). */
  release(c: Client): void {
    const b = c.blocked;
    if (!b) return;
    c.blocked = undefined;
    if (b.cancel) {
      b.cancel();
      return;
    }
    this.count--;
    this.byType.set(b.request.type, (this.byType.get(b.request.type) ?? 1) - 1);
    const t = this.timers.get(c);
    if (t) {
      this.node.clock.clearTimer(t);
      this.timers.delete(c);
    }
    const dbKeys = this.byKey.get(c.db.index);
    if (dbKeys) {
      for (const key of b.request.keys) {
        const set = dbKeys.get(key);
        if (!set) continue;
        set.delete(c);
        if (set.size === 0) dbKeys.delete(key);
      }
    }
  }

  /** Clients blocked on `key` (or on any key), in arrival order per key. */
  clientsBlockedOn(db: number | undefined, key: string | undefined): Client[] {
    const out = new Set<Client>();
    for (const [dbi, keys] of this.byKey) {
      if (db !== undefined && dbi !== db) continue;
      for (const [k, set] of keys) {
        if (key !== undefined && k !== key) continue;
        for (const c of set) out.add(c);
      }
    }
    return [...out];
  }

  /** Every blocked key with its waiters' client ids: { db, key, clients }. */
  list(): { db: number; key: string; clients: number[] }[] {
    const out: { db: number; key: string; clients: number[] }[] = [];
    for (const [db, keys] of this.byKey) {
      for (const [key, set] of keys) out.push({ db, key, clients: [...set].map((c) => c.id) });
    }
    return out;
  }

  /** Resolves once at least `count` clients are blocked (on `key` in `db` when given). */
  waitFor(count: number, key?: string, db?: number): Promise<void> {
    return new Promise((resolve) => {
      this.onBlocked(count, key, db, resolve);
    });
  }

  /**
   * Calls `fn` once at least `count` clients are blocked (on `key` in `db` when given), at once if
   * they already are. Returns a function that cancels the wait.
   */
  onBlocked(count: number, key: string | undefined, db: number | undefined, fn: () => void): () => void {
    const w: Waiter = { resolve: fn, count, key, db };
    this.waiters.push(w);
    this.checkWaiters();
    return () => {
      const i = this.waiters.indexOf(w);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }

  /** Number of clients blocked on `key` of `db`, or on anything when key is undefined. */
  countBlocked(key?: string, db?: number): number {
    return key === undefined && db === undefined ? this.count : this.clientsBlockedOn(db, key).length;
  }

  /**
   * Parks `c` (SIM BLOCKED WAIT) until `count` clients are blocked on `key`/`db`: it reads no
   * further commands meanwhile, but it is not a key waiter and is not counted in `count`. On
   * success it gets `onReady`'s reply; `realTimeoutMs` (> 0) is a real-time safety net, since a
   * manual clock never moves by itself, after which it gets a null reply.
   */
  park(
    c: Client,
    args: string[],
    count: number,
    key: string | undefined,
    db: number | undefined,
    realTimeoutMs: number,
    onReady: (c: Client) => void,
  ): void {
    if (this.countBlocked(key, db) >= count) {
      onReady(c);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let cancelWait = () => {};
    const finish = (reply: (c: Client) => void) => {
      if (timer) clearTimeout(timer);
      cancelWait();
      if (c.blocked?.cancel !== cancel) return;
      c.blocked = undefined;
      reply(c);
      c.flush();
      c.transport?.resume();
    };
    const cancel = () => {
      if (timer) clearTimeout(timer);
      cancelWait();
    };
    c.blocked = { args, request: { keys: [], timeoutAt: 0, onTimeout: (x) => x.reply.nil() }, since: this.node.clock.now(), cancel };
    cancelWait = this.onBlocked(count, key, db, () => finish(onReady));
    if (realTimeoutMs > 0) {
      timer = setTimeout(() => finish((x) => x.reply.nil()), realTimeoutMs);
      timer.unref();
    }
  }

  private checkWaiters(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i] as Waiter;
      if (this.countBlocked(w.key, w.db) >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      } else {
        i++;
      }
    }
  }

  private dbMap(db: number): Map<string, Set<Client>> {
    let m = this.byKey.get(db);
    if (!m) {
      m = new Map();
      this.byKey.set(db, m);
    }
    return m;
  }
}
