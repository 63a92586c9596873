/**
 * Memory accounting of Lua code: a clean "not enough memory" Lua error before V8 runs out of heap.
 *
 * Redis's Lua allocates from the process's malloc: a script that builds 5 GB of strings gets
 * them (or the machine swaps). redis-sim's Lua values live in the V8 heap of the process that
 * also runs the server (and, in-process, the test runner): at V8's heap limit the whole process
 * dies. So Lua code raises Lua's memory error (LUA_ERRMEM: the message "not enough memory", no
 * position; pcall catches it; an error handler is not called) once the heap passes a cap well
 * below V8's limit, leaving room for one more of the largest strings and for encoding a reply.
 *
 * Knowing what is live would need the collector, so the accounting only decides when to look:
 * code that creates strings and tables subtracts their approximate size from a countdown
 * (`MEM.A`), and the instruction budget's tick (every 100,000 loop iterations or calls) looks
 * too. Looking reads the real heap size; above the cap it first collects garbage (a full GC,
 * as Lua's allocator would before failing) and raises the error only if the heap is still too
 * large. A large string is checked before it is built: its size counts as pending.
 */
import { constants } from 'node:buffer';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memError } from './errors.js';

/** V8's longest string (2^29 - 24 one-byte characters on 64-bit): a longer Lua string cannot exist. */
export const MAX_STRING = constants.MAX_STRING_LENGTH;

/** The heap size past which Lua allocations fail: 60% of V8's heap limit. */
export const HEAP_CAP = Math.floor(getHeapStatistics().heap_size_limit * 0.6);

/** Bytes between two looks at the heap, at most (fewer as the heap nears the cap). */
const MAX_STEP = 64 * 1024 * 1024;
const MIN_STEP = 1024 * 1024;

/**
 * `A`: the countdown, approximate bytes Lua may allocate before the heap is looked at again.
 * `read`: where flatString's read goes (a result that is kept cannot be optimized away).
 */
export const MEM = { A: MIN_STEP, read: 0 };

/** Approximate heap cost of a LuaTable with empty parts (the object and its two arrays). */
export const TABLE_BYTES = 160;

/**
 * Counts `bytes` about to be allocated; looks at the heap when the countdown runs out, with the
 * bytes pending (so a string longer than V8 allows fails here, as Lua's memory error).
 */
export function alloc(bytes: number): void {
  MEM.A -= bytes;
  if (MEM.A < 0) memCheck(bytes);
}

/**
 * A string built in one piece and kept flat (string.rep): checked against the cap before it is
 * built, then read once so that V8 copies it out of its rope form at once. Its bytes are then
 * really in the heap, where the next look sees them.
 */
export function flatString(len: number, build: () => string): string {
  alloc(len);
  const s = build();
  if (s.length > 0) MEM.read = s.charCodeAt(0);
  return s;
}

let collector: (() => void) | undefined | null = null;

/** A full garbage collection, when the process lets us trigger one (as Jest's leak detector does). */
function collect(): void {
  if (collector === null) {
    const g = (globalThis as { gc?: () => void }).gc;
    collector = typeof g === 'function' ? g : undefined;
    if (collector === undefined) {
      try {
        setFlagsFromString('--expose-gc');
        collector = runInNewContext('gc') as () => void;
        setFlagsFromString('--no-expose-gc');
      } catch {
        collector = undefined;
      }
    }
  }
  collector?.();
}

/**
 * Looks at the heap with `pending` bytes about to be allocated: Lua's memory error when they do
 * not fit under the cap even after a collection; otherwise sets the next countdown.
 */
export function memCheck(pending: number): void {
  if (pending > MAX_STRING) memError();
  let used = getHeapStatistics().used_heap_size;
  if (used + pending > HEAP_CAP) {
    collect();
    used = getHeapStatistics().used_heap_size;
    if (used + pending > HEAP_CAP) {
      MEM.A = MIN_STEP;
      memError();
    }
  }
  MEM.A = Math.max(MIN_STEP, Math.min(MAX_STEP, (HEAP_CAP - used - pending) / 4));
}
