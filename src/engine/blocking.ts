/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...), as Redis's blocked.c.
 *
 * - A blocking command that finds nothing to serve calls `client.block()`; the dispatcher then
 *   registers it here, on each of its keys, in arrival order.
 * - A write that may satisfy a waiter calls `signalReady(db, key)` (through signalModifiedKey).
 *   Ready keys are served after the command, MULTI/EXEC or script that made them ready has
 *   finished (the dispatcher calls `serveReady()` at top level only), so an element pushed and
 *   popped inside one transaction wakes nobody.
 * - Serving re-runs the waiter's command: if it now finds data it replies and is unblocked; if not
 *   it stays blocked in its original place. Waiters on one key are tried first-come first-served;
 *   keys made ready while serving (BLMOVE's destination) are served in the same cycle.
 * - Timeouts are timers on the node clock; a timed-out client gets its command's null reply.
 */
import type { Client } from './client.js';
import type { Timer } from './clock.js';
import type { Database } from './database.js';
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
    if (req.timeoutAt > 0) {
      this.timers.set(
        c,
        this.node.clock.setTimer(req.timeoutAt, () => this.timeout(c)),
      );
    }
    this.checkWaiters();
  }

  /** Whether any client waits on `key` in database `db`. */
  hasWaiters(db: number, key: string): boolean {
    return this.byKey.get(db)?.get(key) !== undefined;
  }

  /** Marks `key` ready if someone waits on it; served after the current command. */
  signalReady(db: Database, key: string): void {
    if (this.count === 0) return;
    if (!this.byKey.get(db.index)?.has(key)) return;
    const id = `${db.index}\0${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push({ db: db.index, key });
  }

  /** Marks every waited-on key of a database ready (FLUSHDB, SWAPDB: re-check all waiters). */
  signalDatabase(db: Database): void {
    const keys = this.byKey.get(db.index);
    if (!keys) return;
    for (const key of keys.keys()) this.signalReady(db, key);
  }

  /** Serves clients blocked on ready keys until no key is ready. */
  serveReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      this.readySet.clear();
      for (const { db, key } of batch) {
        const set = this.byKey.get(db)?.get(key);
        if (!set) continue;
        for (const c of [...set]) {
          if (!c.blocked) continue;
          this.retry(c);
        }
      }
    }
  }

  private retry(c: Client): void {
    const b = c.blocked;
    if (!b) return;
    c.retrying = true;
    try {
      this.node.runBlockedRetry(c, b.args);
    } finally {
      c.retrying = false;
    }
    if (c.blockRequest) {
      // Still nothing to serve: stay blocked where it was.
      c.blockRequest = undefined;
      return;
    }
    this.release(c);
    c.flush();
    c.transport?.resume();
  }

  private timeout(c: Client): void {
    const b = c.blocked;
    if (!b) return;
    this.timers.delete(c);
    this.release(c);
    b.request.onTimeout(c);
    c.flush();
    c.transport?.resume();
  }

  /**
   * Unblocks `c` from outside (CLIENT UNBLOCK): with `error`, the client gets that error;
   * otherwise its timeout reply. Returns false if it was not blocked.
   */
  unblock(c: Client, error?: string): boolean {
    const b = c.blocked;
    if (!b) return false;
    this.release(c);
    if (error !== undefined) c.reply.error(error);
    else b.request.onTimeout(c);
    c.flush();
    c.transport?.resume();
    return true;
  }

  /** Forgets a blocked client without replying (disconnect, CLIENT KILL). */
  release(c: Client): void {
    const b = c.blocked;
    if (!b) return;
    c.blocked = undefined;
    this.count--;
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
      this.waiters.push({ resolve, count, key, db });
      this.checkWaiters();
    });
  }

  private checkWaiters(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i] as Waiter;
      const n = w.key === undefined && w.db === undefined ? this.count : this.clientsBlockedOn(w.db, w.key).length;
      if (n >= w.count) {
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
