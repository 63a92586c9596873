/**
 * The script caches' memory as Redis 7.0's INFO memory reports it (x86-64, jemalloc size classes):
 *
 * - used_memory_scripts_eval (evalScriptsMemory): per cached script the SHA's sds (40 bytes) and
 *   the body's string object as it came off the wire (embstr up to 44 bytes, else a raw sds), plus
 *   a 24-byte dictEntry and a 16-byte luaScript each and 8 bytes per slot of the dict.
 * - used_memory_functions (functionsMemoryOverhead): the engines dict and the Lua engine's structs
 *   (200 bytes with no library), per library its struct (32), name and code sds, per function its
 *   struct (48), name and description sds and compiled-function handle (8), plus the functions
 *   dict's entries and slots.
 *
 * A body sent in one argument of 32 KB or more is the query buffer itself in Redis (its size
 * depends on the reads); here it counts as a plain sds.
 */
import { mallocSize } from '../engine/malloc-size.js';

import type { Library } from './functions.js';

/** sdsnewlen's allocation for `len` bytes (sdsReqType: type 5 below 32 bytes, then 8/16/32). */
export function sdsAlloc(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return mallocSize(hdr + len + 1);
}

/** getStringObjectSdsUsedMemory of an argument of `len` bytes (embstr up to 44, else raw sds type 8+). */
function argumentSds(len: number): number {
  if (len <= 44) return mallocSize(16 + 3 + len + 1) - 16;
  return mallocSize((len < 256 ? 3 : len < 65536 ? 5 : 9) + len + 1);
}

/** A dict's bucket count holding `n` entries: 0 when empty, else 4 and doubling as it fills. */
function dictSlots(n: number): number {
  if (n === 0) return 0;
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

/** The bytes one cached EVAL script adds (lua_scripts_mem's part). */
export function cachedScriptBytes(body: string): number {
  return sdsAlloc(40) + argumentSds(body.length);
}

/** evalScriptsMemory: the cached scripts' own bytes plus the dict's entries and slots. */
export function evalCacheBytes(count: number, scriptBytes: number): number {
  if (count === 0) return 0;
  return scriptBytes + count * (24 + 16) + dictSlots(count) * 8;
}

/** functionsMemoryOverhead for these libraries. */
export function functionsBytes(libraries: Iterable<Library>): number {
  let bytes = 200;
  let functions = 0;
  for (const lib of libraries) {
    bytes += 32 + sdsAlloc(lib.name.length) + sdsAlloc(lib.code.length);
    for (const f of lib.functions.values()) {
      functions++;
      bytes += 48 + sdsAlloc(f.name.length) + (f.description === undefined ? 0 : sdsAlloc(f.description.length)) + 8;
    }
  }
  return bytes + functions * 24 + dictSlots(functions) * 8;
}
