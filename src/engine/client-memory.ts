/**
 * What a client costs as Redis 7.0 counts it (networking.c getClientMemoryUsage): CLIENT LIST's
 * qbuf/omem/multi-mem/tot-mem and client eviction (maxmemory-clients, server/client-eviction.ts).
 *
 *   tot-mem = the client struct (768 bytes, zmalloc_size(c) on x86-64)
 *           + the static reply buffer (rbs; redis-sim reports it already shrunk by clientsCron to
 *             its 1024-byte minimum)
 *           + the query buffer's allocation (its sds header and jemalloc class included)
 *           + pending output (omem: bytes the socket has not taken yet)
 *           + argv-mem (the running or blocked command's argument bytes) + 8 per argument
 *           + multi-mem (the queued commands' argument bytes + 8 per argument), 24 bytes per
 *             reserved multiCmd slot (2, doubling) and 56 per WATCHed key
 *           + pub/sub: 24 per pattern; per channel dict 24 per entry + 8 per bucket (a power of
 *             two, at least 4)
 */
import type { Client } from './client.js';
import { mallocSize } from './malloc-size.js';

const CLIENT_STRUCT = 768;
export const REPLY_BUFFER = 1024;

/** zmalloc_size of an sds with `usable` bytes of room (header and NUL included). */
function sdsAllocSize(usable: number): number {
  if (usable === 0) return 8; // sdsempty(): an sdshdr8 and its NUL
  const hdr = usable < 32 ? 1 : usable < 256 ? 3 : usable < 65536 ? 5 : usable < 2 ** 32 ? 9 : 17;
  return mallocSize(hdr + usable + 1);
}

function dictMem(size: number): number {
  if (size === 0) return 0;
  let slots = 4;
  while (slots < size) slots *= 2;
  return size * 24 + slots * 8;
}

/** The multiCmd slots reserved for a queue of `n` commands (2, doubling) × sizeof(multiCmd). */
function multiSlots(n: number): number {
  if (n === 0) return 0;
  let slots = 2;
  while (slots < n) slots *= 2;
  return slots * 24;
}

/** argv_len_sum of a command's arguments (CLIENT LIST's argv-mem). */
function argvBytes(args: readonly string[]): number {
  let sum = 0;
  for (const a of args) sum += a.length;
  return sum;
}

/** argv_len_sum + sizeof(robj*) * argc: what a command's arguments count for. */
export function argvMem(args: readonly string[]): number {
  return argvBytes(args) + 8 * args.length;
}

export interface ClientMemory {
  qbuf: number;
  free: number;
  omem: number;
  argvMem: number;
  multiMem: number;
  total: number;
}

/** The client's memory as CLIENT LIST reports it; `idleMs` since its last interaction. */
export function clientMemory(c: Client, idleMs: number): ClientMemory {
  const t = c.transport;
  const qb = t?.queryBuffer?.numbers(idleMs) ?? { qbuf: 0, free: 0 };
  const omem = t?.outputBytes ?? 0;
  const args = c.currentArgv;
  const argv = args ? argvBytes(args) : 0;
  const multi = c.multi?.argvBytes ?? 0;
  const multiOverhead = multi + multiSlots(c.multi?.queue.length ?? 0) + 56 * c.node.watches.watchedCount(c);
  const pubsub = c.patterns.size * 24 + dictMem(c.channels.size) + dictMem(c.shardChannels.size);
  const total =
    CLIENT_STRUCT + REPLY_BUFFER + sdsAllocSize(qb.qbuf + qb.free) + omem + argv + 8 * (args?.length ?? 0) + multiOverhead + pubsub;
  return { qbuf: qb.qbuf, free: qb.free, omem, argvMem: argv, multiMem: multi, total };
}
