/**
 * MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP, as Redis 7.0's object.c.
 *
 * MEMORY USAGE key [SAMPLES n] models Redis's objectComputeSize on x86-64 with jemalloc, for the
 * encoding OBJECT ENCODING reports: the key's sds (sdsZmallocSize) + a 24-byte dictEntry + the
 * value. Allocations are rounded to jemalloc's size classes (8, 16, 32, 48, ..., 128, 160, ...).
 * - string: int 16 (the robj); embstr the robj+sds block (16+3+len+1); raw 16 + the sds.
 * - listpack hash/zset: 16 + the listpack (6-byte header, entries with Redis's string/integer
 *   encodings and back-lengths, 1 end byte), measured over all entries (they are few).
 * - intset: 16 + (8 + n * width). hashtable set/hash: 16 + dict (56) + 8 per bucket + per element
 *   (sds sizes + dictEntry), averaged over the first `samples` elements (default 5, 0 = all) and
 *   multiplied by the size, as Redis samples. Buckets: a dict converted from a listpack/intset is
 *   sized for the entries it had then (the max-entries setting + 1) and grows by adds after; a
 *   set created with strings or a hash converted for a long value grew by adds from the start.
 *   Just after a doubling Redis still counts the old table while it rehashes incrementally
 *   (modelled: for about S * (1 - 1/e) adds after growing from S buckets).
 * - skiplist zset: 16 + zset 16 + zskiplist 32 + dict 56 (grown member by member, as zsetConvert
 *   fills it) + the header node (640) + per element (member sds + dictEntry + the expected size of
 *   a node: levels are random in Redis, so a zset's figure there varies run to run by a few %).
 * - quicklist: 16 + 40 + per node (40 + its listpack), the list's own nodes (types/quicklist.ts,
 *   as Redis lays them out); Redis averages the first `samples` nodes. A node Redis holds
 *   LZF-compressed (list-compress-depth) is counted at its raw size here.
 * - stream: robj + stream + its rax (Redis's streamRadixTreeMemoryUsage: 16 per ID, 244 per node)
 *   + listpacks (the emulated node bytes: 4096 preallocated for the node being filled, closed
 *   nodes shrunk to fit) + groups, NACKs, consumers and their PEL raxes. Exact where the emulated
 *   listpack bytes are (XINFO STREAM FULL); PELs as 16-byte-ID radix trees.
 * Exact against Redis 7.0.15 for strings, listpacks, intsets, hashtables, uncompressed lists, streams
 * (compat/introspection.compat.test.ts); zset skip lists within a few percent.
 *
 * MEMORY STATS reports Redis's fields, in Redis's order, with values from the estimate (no
 * allocator: allocator/rss figures equal the total; dataset sizes are the maxmemory model's, summed
 * over the keys when maxmemory is off). DOCTOR answers Redis's "empty" text under 5 MB, else its
 * "no issue" text (the model has no fragmentation or peaks). MALLOC-STATS answers as a build without
 * jemalloc stats ("Stats not supported for the current allocator"); PURGE answers OK.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { configNumber, objectEncoding } from '../engine/encoding.js';
import { NOT_INTEGER, RedisError, SYNTAX } from '../engine/errors.js';
import { estimateSize, MEMORY_BASELINE } from '../engine/eviction.js';
import { mallocSize } from '../engine/malloc-size.js';
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import { formatDouble, parseInteger } from '../protocol/numbers.js';
import type { Stream } from '../types/stream.js';
import { replyHelp } from './config.js';

/** sdsZmallocSize of an sds holding `len` bytes (sdsnewlen picks the header type). */
function sdsSize(len: number, isKey = false): number {
  const hdr = len < 32 && (len > 0 || !isKey) ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return mallocSize(hdr + len + 1);
}

/** Bytes of a listpack entry holding `s` (lpEncodeBacklen included). */
function lpEntrySize(s: string): number {
  let enc: number;
  const n = /^-?[0-9]{1,20}$/.test(s) ? parseInteger(s) : null;
  if (n !== null && String(n) === s) {
    if (n >= 0 && n <= 127) enc = 1;
    else if (n >= -4096 && n < 4096) enc = 2;
    else if (n >= -32768 && n < 32768) enc = 3;
    else if (n >= -8388608 && n < 8388608) enc = 4;
    else if (n >= -2147483648 && n < 2147483648) enc = 5;
    else enc = 9;
  } else enc = s.length < 64 ? 1 + s.length : s.length < 4096 ? 2 + s.length : 5 + s.length;
  const back = enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5;
  return enc + back;
}

/** A score as zzlInsertAt stores it: Redis 7.0's d2string (an integer within ±2^52, else %.17g). */
function scoreText(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 2 ** 52) return String(d);
  return formatDouble(d);
}

/** The expected jemalloc size of a skip list node (zslRandomLevel: p = 1/4, at most 32 levels). */
const SKIPLIST_NODE = (() => {
  let e = 0;
  for (let l = 1; l <= 32; l++) e += (l === 32 ? 0.25 ** 31 : 0.75 * 0.25 ** (l - 1)) * mallocSize(24 + 16 * l);
  return e;
})();

/** Buckets of a dict sized for n entries at once (dictExpand: a power of two >= n, at least 4). */
function dictBuckets(n: number): number {
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

/**
 * Buckets of a dict grown by n single adds (a set built by SADD): it doubles when an add finds it
 * full, then rehashes one non-empty bucket per add, so after the growth from S the old table is
 * still counted until about S * (1 - 1/e) more adds (the expected non-empty buckets) have happened.
 */
function grownBuckets(n: number): number {
  const size = dictBuckets(n);
  const old = size / 2;
  if (old >= 4 && n > old && n - old < old * (1 - Math.exp(-1))) return size + old;
  return size;
}

/** Buckets of a dict sized for `at` entries when converted, grown by single adds to n since. */
function convertedBuckets(n: number, at: number): number {
  const sized = dictBuckets(at);
  return n <= sized ? sized : grownBuckets(n);
}

function* firstN<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

/** Redis's objectComputeSize (see the file comment). */
function valueSize(node: RedisNode, o: RedisObject, samples: number): number {
  const enc = objectEncoding(node, o);
  switch (o.type) {
    case 'string': {
      const s = o.value as string;
      if (enc === 'int') return 16;
      if (enc === 'embstr') return mallocSize(16 + 3 + s.length + 1);
      return 16 + sdsSize(s.length);
    }
    case 'hash': {
      const h = o.value as Map<string, string>;
      if (enc === 'listpack') {
        let lp = 7;
        for (const [f, v] of h) lp += lpEntrySize(f) + lpEntrySize(v);
        return 16 + mallocSize(lp);
      }
      let ele = 0;
      let k = 0;
      for (const [f, v] of firstN(h, samples)) {
        ele += sdsSize(f.length) + sdsSize(v.length) + 24;
        k++;
      }
      // hashTypeConvert sizes the dict for the fields it holds then and it grows by adds after:
      // a hash over hash-max-listpack-entries was converted at that count + 1; a smaller one
      // was converted for a long value, when it held few fields.
      const maxEntries = configNumber(node, 'hash-max-listpack-entries');
      const buckets = h.size > maxEntries ? convertedBuckets(h.size, maxEntries + 1) : grownBuckets(h.size);
      return 16 + 56 + 8 * buckets + (k ? (ele / k) * h.size : 0);
    }
    case 'set': {
      const s = o.value as Set<string>;
      if (enc === 'intset') {
        let width = 2;
        for (const m of s) {
          const n = Number(m);
          if (n < -2147483648 || n > 2147483647) width = 8;
          else if ((n < -32768 || n > 32767) && width < 4) width = 4;
        }
        return 16 + mallocSize(8 + s.size * width);
      }
      let ele = 0;
      let k = 0;
      let ints = true;
      for (const m of firstN(s, samples)) {
        ele += sdsSize(m.length) + 24;
        if (ints && parseInteger(m) === null) ints = false;
        k++;
      }
      // A set converted from an intset was sized for its members then (setTypeConvert's
      // dictExpand, set-max-intset-entries + 1) and grew by adds after; one created with
      // strings grew by SADD from the start.
      const buckets = ints ? convertedBuckets(s.size, configNumber(node, 'set-max-intset-entries') + 1) : grownBuckets(s.size);
      return 16 + 56 + 8 * buckets + (k ? (ele / k) * s.size : 0);
    }
    case 'zset': {
      const z = o.value as RedisObject<'zset'>['value'];
      if (enc === 'listpack') {
        let lp = 7;
        for (const [m, sc] of z) lp += lpEntrySize(m) + lpEntrySize(scoreText(sc));
        return 16 + mallocSize(lp);
      }
      let ele = 0;
      let k = 0;
      for (const m of firstN(z.members(), samples)) {
        ele += sdsSize(m.length) + 24 + SKIPLIST_NODE;
        k++;
      }
      // zsetConvert fills a new dict member by member: it grew by adds.
      return 16 + 16 + 32 + 56 + 8 * grownBuckets(z.size) + 640 + (k ? (ele / k) * z.size : 0);
    }
    case 'list': {
      // objectComputeSize: the first `samples` quicklist nodes (40 bytes each plus the
      // allocation of their listpack, or of the element for a plain node) averaged, times the
      // node count.
      const nodes = (o.value as RedisObject<'list'>['value']).nodes;
      let sampled = 0;
      let bytes = 0;
      for (const n of nodes) {
        bytes += 40 + mallocSize(n.sz);
        if (++sampled >= samples) break;
      }
      return 16 + 40 + (bytes / sampled) * nodes.length;
    }
    default:
      return streamSize(o.value as Stream, samples);
  }
}

/** What streamSize reads of a Stream's listpacks (private there; emulated lpBytes per node). */
interface StreamInternals {
  nodes: ({ bytes: number } | undefined)[];
  head: number;
}

/**
 * Nodes of a rax holding 16-byte big-endian stream IDs (sorted): the head (with the common prefix),
 * one node per branching point, one more for each edge longer than a byte, one leaf per key.
 */
function raxNodes(ids: bigint[]): number {
  if (ids.length <= 1) return ids.length + 1;
  const keys = ids.map((id) => id.toString(16).padStart(32, '0'));
  const lcp = (a: string, b: string): number => {
    let i = 0;
    while (i < 32 && a[i] === b[i]) i++;
    return i >> 1;
  };
  const walk = (lo: number, hi: number, d: number): number => {
    let total = 1;
    for (let i = lo; i < hi; ) {
      const byte = (keys[i] as string).slice(d * 2, d * 2 + 2);
      let j = i + 1;
      while (j < hi && (keys[j] as string).slice(d * 2, d * 2 + 2) === byte) j++;
      const q = j - i === 1 ? 16 : lcp(keys[i] as string, keys[j - 1] as string);
      if (q - d >= 2) total++;
      total += j - i === 1 ? 1 : walk(i, j, q);
      i = j;
    }
    return total;
  };
  const p = lcp(keys[0] as string, keys[keys.length - 1] as string);
  return p > 0 ? 1 + walk(0, keys.length, p) : walk(0, keys.length, 0);
}

/** streamRadixTreeMemoryUsage as Redis 7.0 computes it: 16 per element, 244 per node. */
function raxUsage(elements: number, nodes: number): number {
  return elements * 16 + nodes * 244;
}

/**
 * objectComputeSize for a stream: robj 16 + stream 80 + the rax + the listpacks (the first
 * `samples` averaged over all but the last, plus the last: Redis preallocates 4096 bytes for the
 * node being filled and shrinks a node to fit when it is closed) + per group 40, its PEL rax and
 * 24 per NACK, and per consumer 24 + its name + its PEL rax.
 */
function streamSize(st: Stream, samples: number): number {
  const { nodes, head } = st as unknown as StreamInternals;
  const count = nodes.length - head;
  let size = 16 + 80 + raxUsage(count, st.raxNodeCount());
  const alloc = (i: number) => {
    const bytes = (nodes[head + i] as { bytes: number }).bytes;
    return i === count - 1 ? Math.max(4096, mallocSize(bytes)) : mallocSize(bytes);
  };
  const k = Math.min(samples, count);
  let lp = 0;
  for (let i = 0; i < k; i++) lp += alloc(i);
  if (count <= k) size += lp;
  else size += Math.floor(lp / k) * (count - 1) + alloc(count - 1);
  for (const g of st.groups.values()) {
    const pel = [...g.pel.entries()].map((n) => n.id);
    size += 40 + raxUsage(pel.length, raxNodes(pel)) + 24 * pel.length;
    for (const consumer of g.consumers.values()) {
      const cpel = [...consumer.pel.entries()].map((n) => n.id);
      size += 24 + consumer.name.length + raxUsage(cpel.length, raxNodes(cpel));
    }
  }
  return size;
}

function usage(c: Client, args: string[]): void {
  let samples = 5;
  for (let j = 3; j < args.length; j++) {
    if ((args[j] as string).toLowerCase() === 'samples' && j + 1 < args.length) {
      const n = parseInteger(args[j + 1] as string);
      if (n === null) throw new RedisError(NOT_INTEGER);
      if (n < 0) throw new RedisError(SYNTAX);
      samples = n === 0 ? Number.MAX_SAFE_INTEGER : n;
      j++;
    } else throw new RedisError(SYNTAX);
  }
  const key = args[2] as string;
  const o = c.db.lookup(key);
  if (!o) {
    c.reply.nil();
    return;
  }
  c.reply.int(Math.round(valueSize(c.node, o, samples) + sdsSize(key.length, true) + 24));
}

/** A database's dataset bytes: the maxmemory model's running sum, or a walk when it is off. */
function datasetBytes(node: RedisNode, db: ReturnType<RedisNode['db']>): number {
  if (node.eviction.limit > 0) return db.mem;
  let sum = 0;
  db.forEach((key, o) => {
    sum += estimateSize(key, o);
  }, true);
  return sum;
}

interface Overview {
  startup: number;
  keys: number;
  dataset: number;
  overhead: number;
  total: number;
  /** [db index, main dict overhead, expires dict overhead] for each non-empty database. */
  dbs: [number, number, number][];
}

/**
 * getMemoryOverheadData from the estimate: the eviction model's per-key sizes (kept while
 * maxmemory is set; otherwise summed over the keys, O(N)) and the keyspace dicts' overheads.
 */
function overview(node: RedisNode): Overview {
  const startup = MEMORY_BASELINE;
  let keys = 0;
  let dataset = 0;
  const dbs: [number, number, number][] = [];
  for (let i = 0; i < node.databaseCount; i++) {
    const db = node.db(i);
    if (db.size === 0) continue;
    keys += db.size;
    dataset += datasetBytes(node, db);
    // getMemoryOverheadData: entries * sizeof(dictEntry) + slots * sizeof(dictEntry *).
    const e = db.expires.size;
    dbs.push([i, db.size * 24 + 8 * grownBuckets(db.size), e * 24 + (e ? 8 * grownBuckets(e) : 0)]);
  }
  let overhead = startup;
  for (const [, main, exp] of dbs) overhead += main + exp;
  return { startup, keys, dataset, overhead, total: overhead + dataset, dbs };
}

/** MEMORY STATS: Redis's fields with values from the estimate. */
function stats(c: Client): void {
  const { startup, keys, dataset, overhead, total, dbs } = overview(c.node);
  c.reply.mapLen(27 + dbs.length);
  const int = (name: string, v: number) => {
    c.reply.bulk(name);
    c.reply.int(v);
  };
  const dbl = (name: string, v: number) => {
    c.reply.bulk(name);
    c.reply.double(v);
  };
  int('peak.allocated', total);
  int('total.allocated', total);
  int('startup.allocated', startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', 0);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const [i, main, exp] of dbs) {
    c.reply.bulk(`db.${i}`);
    c.reply.mapLen(3);
    int('overhead.hashtable.main', main);
    int('overhead.hashtable.expires', exp);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', overhead);
  int('keys.count', keys);
  int('keys.bytes-per-key', keys ? Math.floor((total - startup) / keys) : 0);
  int('dataset.bytes', dataset);
  dbl('dataset.percentage', total > startup ? (dataset * 100) / (total - startup) : 0);
  dbl('peak.percentage', 100);
  int('allocator.allocated', total);
  int('allocator.active', total);
  int('allocator.resident', total);
  dbl('allocator-fragmentation.ratio', 1);
  int('allocator-fragmentation.bytes', 0);
  dbl('allocator-rss.ratio', 1);
  int('allocator-rss.bytes', 0);
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', 1);
  int('fragmentation.bytes', 0);
}

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";

const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";

const HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

const base = { flags: [], acl: ['slow'], group: 'server', since: '4.0.0' } as const;
const special = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'];

export const memoryCommands: CommandSpec[] = [
  {
    ...base,
    name: 'memory',
    arity: -2,
    summary: 'A container for memory diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...base,
        name: 'doctor',
        arity: 2,
        summary: 'Outputs memory problems report',
        complexity: 'O(1)',
        tips: special,
        // getMemoryDoctorReport: under 5 MB allocated the instance counts as empty; the model
        // has no fragmentation, peak or client buffers to report on otherwise.
        handler: (c) => c.reply.verbatim(overview(c.node).total < 5 * 1024 * 1024 ? DOCTOR_EMPTY : DOCTOR_FINE),
      },
      {
        ...base,
        name: 'malloc-stats',
        arity: 2,
        summary: 'Show allocator internal stats',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: special,
        handler: (c) => c.reply.bulk('Stats not supported for the current allocator'),
      },
      {
        ...base,
        name: 'stats',
        arity: 2,
        summary: 'Show memory usage details',
        complexity: 'O(1)',
        tips: special,
        handler: stats,
      },
      {
        ...base,
        name: 'purge',
        arity: 2,
        summary: 'Ask the allocator to release memory',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        handler: (c) => c.reply.ok(),
      },
      {
        ...base,
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        firstKey: 2,
        lastKey: 2,
        keyStep: 1,
        acl: ['read', 'slow'],
        summary: 'Estimate the memory usage of a key',
        complexity: 'O(N) where N is the number of samples.',
        handler: usage,
      },
      {
        ...base,
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'MEMORY', HELP),
      },
    ],
  },
];
