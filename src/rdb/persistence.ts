/**
 * RDB files on disk, as Redis 7.0's rdb.c / server.c drive them:
 *
 * - SAVE writes `dir`/temp-<pid>.rdb, then renames it to `dir`/`dbfilename` (so a reader never
 *   sees half a file); success sets lastsave to now (node clock), dirty to 0, counts rdb_saves.
 * - BGSAVE takes its snapshot at once (as fork() does: writes after it are not in the file) and
 *   writes the file asynchronously; on completion, on the event loop, lastsave moves, dirty drops
 *   by what it was at the snapshot, rdb_last_bgsave_status / _time_sec are set.
 * - Save points (`save "<seconds> <changes> ..."`) are checked every 100 ms of the node clock, as
 *   serverCron does: a BGSAVE starts once dirty >= changes and more than `seconds` have passed
 *   since the last save (after a failed BGSAVE, not before 5 s since the last try).
 * - Loading reads the file and replaces the data only when all of it is valid (load.ts).
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisNode } from '../engine/node.js';
import { persistenceState } from '../engine/persistence-state.js';
import { type LoadOptions, type LoadResult, loadRdb } from './load.js';
import { saveRdb } from './save.js';

const BGSAVE_RETRY_DELAY = 5000;
let bgsaveSeq = 0;

export function rdbPath(node: RedisNode): string {
  return join(node.config.get('dir'), node.config.get('dbfilename'));
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'ENOENT' ? 'No such file or directory' : err?.code === 'EACCES' ? 'Permission denied' : String(err?.message ?? e);
}

function saved(node: RedisNode): void {
  node.lastSave = Math.floor(node.clock.now() / 1000);
  persistenceState(node).lastBgsaveStatus = 'ok';
}

/** rdbSave: writes the RDB file synchronously; false (after logging Redis's line) on failure. */
export function saveToDisk(node: RedisNode): boolean {
  const dir = node.config.get('dir');
  const tmp = join(dir, `temp-${process.pid}.rdb`);
  const data = saveRdb(node);
  try {
    writeFileSync(tmp, data);
  } catch (e) {
    node.log('warning', `Failed opening the temp RDB file temp-${process.pid}.rdb (in server root dir ${dir}) for saving: ${errText(e)}`);
    return false;
  }
  try {
    renameSync(tmp, rdbPath(node));
  } catch (e) {
    node.log(
      'warning',
      `Error moving temp DB file temp-${process.pid}.rdb on the final destination ${node.config.get('dbfilename')} (in server root dir ${dir}): ${errText(e)}`,
    );
    try {
      unlinkSync(tmp);
    } catch {}
    return false;
  }
  node.log('notice', 'DB saved on disk');
  node.stats.dirty = 0;
  saved(node);
  return true;
}

/** SAVE: counts the attempt (stat_rdb_saves) and saves. */
export function saveCommandSave(node: RedisNode): boolean {
  persistenceState(node).saves++;
  return saveToDisk(node);
}

/** rdbSaveBackground: false when a BGSAVE is already running. */
export function startBgsave(node: RedisNode): boolean {
  const st = persistenceState(node);
  if (st.bgsaveInProgress) return false;
  st.saves++;
  st.dirtyAtBgsave = node.stats.dirty;
  st.lastBgsaveTry = node.clock.now();
  st.bgsaveStartedAt = node.clock.now();
  st.bgsaveInProgress = true;
  st.bgsaveScheduled = false;
  const dir = node.config.get('dir');
  const final = rdbPath(node);
  const tmpName = `temp-${process.pid}-${++bgsaveSeq}.rdb`;
  const tmp = join(dir, tmpName);
  // The snapshot: fork()'s copy of the dataset.
  const data = saveRdb(node);
  node.log('notice', `Background saving started by pid ${process.pid}`);
  const write = async (): Promise<boolean> => {
    try {
      await writeFile(tmp, data);
    } catch (e) {
      node.log('warning', `Failed opening the temp RDB file ${tmpName} (in server root dir ${dir}) for saving: ${errText(e)}`);
      return false;
    }
    try {
      await rename(tmp, final);
      return true;
    } catch (e) {
      node.log('warning', `Error moving temp DB file ${tmpName} on the final destination ${final}: ${errText(e)}`);
      await unlink(tmp).catch(() => {});
      return false;
    }
  };
  st.bgsaveDone = write().then((ok) => {
    st.bgsaveInProgress = false;
    st.bgsaveDone = undefined;
    st.lastBgsaveTimeSec = Math.floor((node.clock.now() - st.bgsaveStartedAt) / 1000);
    if (ok) {
      node.log('notice', 'Background saving terminated with success');
      node.stats.dirty = Math.max(0, node.stats.dirty - st.dirtyAtBgsave);
      saved(node);
    } else {
      node.log('warning', 'Background saving error');
      st.lastBgsaveStatus = 'err';
    }
  });
  return true;
}

/** Reads and loads an RDB file; records rdb_last_load_keys_*. Throws RdbError / fs errors. */
export async function loadFromDiskAsync(node: RedisNode, path = rdbPath(node), opts: LoadOptions = {}): Promise<LoadResult> {
  return recordLoad(node, loadRdb(node, path, opts));
}

export function recordLoad(node: RedisNode, r: LoadResult): LoadResult {
  const st = persistenceState(node);
  st.lastLoadKeysLoaded = r.keys;
  st.lastLoadKeysExpired = r.expiredSkipped;
  return r;
}

interface SavePoint {
  seconds: number;
  changes: number;
}

function savePoints(node: RedisNode): SavePoint[] {
  const v = node.config.get('save').trim();
  if (v === '') return [];
  const parts = v.split(/\s+/).map(Number);
  const out: SavePoint[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ seconds: parts[i] as number, changes: parts[i + 1] as number });
  return out;
}

const armed = new WeakMap<RedisNode, () => void>();

/** Stops the save-point timer (the node is stopping). */
export function disarmSavePoints(node: RedisNode): void {
  armed.get(node)?.();
  armed.delete(node);
  persistenceHooks.delete(node);
}

/**
 * serverCron's save-point check, every 100 ms of the node clock while save points are configured
 * (re-armed when `save` changes), plus a scheduled BGSAVE (BGSAVE SCHEDULE).
 */
export function armSavePoints(node: RedisNode): void {
  if (armed.has(node)) return;
  let timer: ReturnType<RedisNode['clock']['setTimer']> | undefined;
  let stopped = false;
  armed.set(node, () => {
    stopped = true;
    node.clock.clearTimer(timer);
    timer = undefined;
  });
  const tick = () => {
    timer = undefined;
    const st = persistenceState(node);
    const points = savePoints(node);
    if (!st.bgsaveInProgress) {
      const nowSec = Math.floor(node.clock.now() / 1000);
      const retryOk = node.clock.now() - st.lastBgsaveTry > BGSAVE_RETRY_DELAY || st.lastBgsaveStatus === 'ok';
      const due = points.find((p) => node.stats.dirty >= p.changes && nowSec - node.lastSave > p.seconds);
      if (due && retryOk) {
        node.log('notice', `${due.changes} changes in ${due.seconds} seconds. Saving...`);
        startBgsave(node);
      } else if (st.bgsaveScheduled && retryOk) {
        startBgsave(node);
      }
    }
    schedule();
  };
  const schedule = () => {
    if (timer !== undefined || stopped) return;
    const st = persistenceState(node);
    if (savePoints(node).length === 0 && !st.bgsaveScheduled) return;
    timer = node.clock.setTimer(node.clock.now() + 100, tick);
  };
  node.config.onChange('save', () => schedule());
  persistenceHooks.set(node, schedule);
  schedule();
}

/** Re-checks whether the save-point timer must run (after BGSAVE SCHEDULE). */
export const persistenceHooks = new WeakMap<RedisNode, () => void>();
