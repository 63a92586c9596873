/**
 * A node's RDB persistence state, as INFO persistence reports it (Redis's server.rdb_* fields).
 * The operations that change it (SAVE, BGSAVE, loading) live in src/rdb/persistence.ts.
 */
import type { RedisNode } from './node.js';

export class PersistenceState {
  /** A BGSAVE is writing its file (rdb_bgsave_in_progress). */
  bgsaveInProgress = false;
  /** Node clock ms when the running BGSAVE started. */
  bgsaveStartedAt = 0;
  /** server.dirty when the running BGSAVE took its snapshot. */
  dirtyAtBgsave = 0;
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  /** Seconds the last BGSAVE took, -1 before the first. */
  lastBgsaveTimeSec = -1;
  /** Node clock ms of the last BGSAVE attempt (the 5 s retry delay after a failure). */
  lastBgsaveTry = 0;
  /** BGSAVE SCHEDULE / BGSAVE inside MULTI: start one as soon as possible. */
  bgsaveScheduled = false;
  /** Successful saves (rdb_saves). */
  saves = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** Resolves when the running BGSAVE is done (for tests and SHUTDOWN). */
  bgsaveDone: Promise<void> | undefined;
}

const states = new WeakMap<RedisNode, PersistenceState>();

export function persistenceState(node: RedisNode): PersistenceState {
  let s = states.get(node);
  if (!s) {
    s = new PersistenceState();
    states.set(node, s);
  }
  return s;
}
