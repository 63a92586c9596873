/**
 * Giving memory back after a big deletion (FLUSHALL, FLUSHDB, SWAPDB-free of a large keyspace).
 *
 * Redis frees a flushed dataset at once and INFO's used_memory drops with it. V8 frees unreachable
 * objects only when its collector next runs, which on an idle server may be never: a flushed
 * million-key dataset would stay on the heap. After a database with at least RECLAIM_MIN_KEYS keys
 * is emptied, a full collection is scheduled right after the current I/O callback (so the command's
 * reply goes out first). `gc` is obtained through V8's --expose-gc flag set at run time, the
 * documented way to reach it without a command-line flag; if that fails, nothing is done.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Keys a cleared database must have held for a collection to be worth its pause. */
export const RECLAIM_MIN_KEYS = 100_000;

let gc: (() => void) | null | undefined;
let scheduled = false;

function collector(): (() => void) | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  return gc;
}

/** Schedules one full collection soon (several requests in one tick collapse into one). */
export function reclaimSoon(): void {
  if (scheduled) return;
  const run = collector();
  if (!run) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    run();
  });
}
