/**
 * WATCH bookkeeping, as Redis 7.0.15's multi.c.
 *
 * A client's EXEC fails (null array) when, since its WATCH, one of the watched keys was:
 * - modified by any client, itself included, even to the same value (every write calls
 *   node.signalModifiedKey → touch); RENAME touches both keys; a key removed by expiry is touched
 *   when it is deleted (node.keyExpired);
 * - logically expired at EXEC time while still present (isDirty checks the deadlines), unless it
 *   was already expired when WATCH ran;
 * - present in a database emptied by FLUSHDB/FLUSHALL, or present in either database of a SWAPDB
 *   (touchDatabase). Flushing a database that does not hold the watched key does not abort EXEC.
 *
 * A key that was already expired (deadline passed, not yet deleted) when WATCH ran is flagged
 * `expired`: its deletion is no logical change and clears the flag instead of dirtying the client
 * (Redis's touchWatchedKey; its `break` on such an entry while the key is still present is kept).
 *
 * Once dirty, a client's watched keys are dropped (nothing more can change the outcome) and WATCH
 * is a no-op until UNWATCH, EXEC, DISCARD or RESET clears the state.
 */
import type { Client } from './client.js';
import type { Database } from './database.js';

interface WatchedKey {
  client: Client;
  db: Database;
  key: string;
  /** The key was already expired (but not deleted) when WATCH ran. */
  expired: boolean;
}

export class WatchManager {
  /** db index → key → watch entries, in WATCH order. */
  private readonly byDb = new Map<number, Map<string, WatchedKey[]>>();
  /** client → its entries by "db\0key". */
  private readonly byClient = new Map<Client, Map<string, WatchedKey>>();
  /** Clients whose transaction will fail (Redis's CLIENT_DIRTY_CAS). */
  private readonly dirty = new Set<Client>();

  /** WATCH key in the client's current database (a key already watched there is not added twice). */
  watch(c: Client, key: string): void {
    if (this.dirty.has(c)) return; // no point: EXEC will fail anyway
    const db = c.db;
    const id = `${db.index}\0${key}`;
    let mine = this.byClient.get(c);
    if (mine?.has(id)) return;
    const wk: WatchedKey = { client: c, db, key, expired: db.isExpired(key) };
    if (!mine) {
      mine = new Map();
      this.byClient.set(c, mine);
    }
    mine.set(id, wk);
    let keys = this.byDb.get(db.index);
    if (!keys) {
      keys = new Map();
      this.byDb.set(db.index, keys);
    }
    const list = keys.get(key);
    if (list) list.push(wk);
    else keys.set(key, [wk]);
  }

  /** Number of keys `c` watches (CLIENT LIST's watch=). */
  watchedCount(c: Client): number {
    return this.byClient.get(c)?.size ?? 0;
  }

  /** Whether EXEC must fail: a watched key was touched, or has expired since WATCH. */
  isDirty(c: Client): boolean {
    if (this.dirty.has(c)) return true;
    const mine = this.byClient.get(c);
    if (!mine) return false;
    for (const wk of mine.values()) {
      if (!wk.expired && wk.db.isExpired(wk.key)) return true;
    }
    return false;
  }

  /** A key was modified: clients watching it will fail their EXEC. */
  touch(db: Database, key: string): void {
    if (this.byDb.size === 0) return;
    const list = this.byDb.get(db.index)?.get(key);
    if (!list) return;
    for (const wk of [...list]) {
      if (wk.expired) {
        // Deleting an already expired key is no logical change; Redis stops here otherwise.
        if (!db.hasKey(key)) {
          wk.expired = false;
          continue;
        }
        break;
      }
      this.markDirty(wk.client);
    }
  }

  /**
   * Every key of a database changes at once. Call it before the change: FLUSHDB/FLUSHALL with
   * `replacedWith` undefined, SWAPDB once per side with the other database. Clients watching a
   * key present in `db` (or in `replacedWith`) are dirtied, with Redis's handling of keys that
   * were expired at WATCH time.
   */
  touchDatabase(db: Database, replacedWith?: Database): void {
    const keys = this.byDb.get(db.index);
    if (!keys) return;
    const toDirty: Client[] = [];
    for (const [key, list] of keys) {
      const inEmptied = db.hasKey(key);
      const inReplacement = replacedWith?.hasKey(key) ?? false;
      if (!inEmptied && !inReplacement) continue;
      for (const wk of list) {
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false; // the expired key is deleted: no logical change
            continue;
          }
          if (replacedWith?.isExpired(key)) continue; // still expired after the swap
        } else if (!inEmptied && replacedWith?.isExpired(key)) {
          wk.expired = true; // a missing key replaced with an expired one
          continue;
        }
        toDirty.push(wk.client);
      }
    }
    for (const c of toDirty) this.markDirty(c);
  }

  /** Forget what `c` watches and its dirty state (UNWATCH, EXEC, DISCARD, RESET, disconnect). */
  unwatchAll(c: Client): void {
    this.dirty.delete(c);
    this.dropKeys(c);
  }

  private markDirty(c: Client): void {
    this.dirty.add(c);
    // As Redis: a dirty client's watched keys no longer matter.
    this.dropKeys(c);
  }

  private dropKeys(c: Client): void {
    const mine = this.byClient.get(c);
    if (!mine) return;
    this.byClient.delete(c);
    for (const wk of mine.values()) {
      const keys = this.byDb.get(wk.db.index);
      const list = keys?.get(wk.key);
      if (!keys || !list) continue;
      const i = list.indexOf(wk);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) {
        keys.delete(wk.key);
        if (keys.size === 0) this.byDb.delete(wk.db.index);
      }
    }
  }
}
