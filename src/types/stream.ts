/**
 * The stream type, shaped like Redis's t_stream.c so that every observable number matches:
 *
 * - Entries live in nodes, one per listpack of Redis's radix tree. A node is keyed by its master
 *   ID (the first ID appended to it) and holds its entries in ID order, deleted ones included
 *   (XDEL and exact trimming only flag entries, as Redis does; a node whose live count drops to 0
 *   is removed). Listpack sizes are emulated byte for byte, so a new node starts exactly when
 *   Redis starts one (stream-node-max-entries / stream-node-max-bytes): that decides what
 *   `MAXLEN ~` and `MINID ~` remove (whole nodes only) and XINFO's radix-tree-keys/-nodes.
 * - Lookup by ID is a binary search over the nodes, then inside one node: O(log n). Appending is
 *   O(1); removing nodes from the front advances a head index (compacted now and then).
 * - Stream metadata as Redis 7.0: last-generated-id, max-deleted-entry-id, entries-added and the
 *   recorded first ID (only updated where Redis updates it).
 * - Consumer groups hold a PEL (ID → NACK: delivery time on the node clock, delivery count,
 *   owner) and consumers (each with its own PEL sharing the NACKs, and a seen-time).
 */

import { formatId, MAX_ID, type StreamId, U64_MAX } from './stream-id.js';
import { IdMap } from './stream-pel.js';

/** Node size limits (stream-node-max-entries, stream-node-max-bytes). */
export interface StreamLimits {
  maxEntries: number;
  maxBytes: number;
}

/** STREAM_LISTPACK_MAX_SIZE: the byte limit used when stream-node-max-bytes is 0 or larger. */
const LISTPACK_MAX_SIZE = 1 << 30;
/** SCG_INVALID_ENTRIES_READ */
export const INVALID_ENTRIES_READ = -1n;

export class StreamEntry {
  deleted = false;
  private text: string | undefined = undefined;
  constructor(
    readonly id: StreamId,
    /** Field/value pairs, flat: f1, v1, f2, v2, ... */
    readonly fields: string[],
  ) {}

  /** The ID as "<ms>-<seq>", formatted once. */
  get idText(): string {
    if (this.text === undefined) this.text = formatId(this.id);
    return this.text;
  }
}

// ---- listpack size emulation ---------------------------------------------------------------

/** Bytes of an integer element in a listpack (encoding + backlen). */
function intSize(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

const LP_INT_RE = /^(0|-?[1-9][0-9]*)$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Bytes of a string element: stored as an integer when lpStringToInt64 accepts it. */
function elementSize(s: string): number {
  const len = s.length;
  const c0 = len > 0 ? s.charCodeAt(0) : 0;
  if (len > 0 && len < 21 && ((c0 >= 48 && c0 <= 57) || c0 === 45) && LP_INT_RE.test(s)) {
    if (len < 16) return intSize(Number(s));
    const b = BigInt(s);
    if (b >= INT64_MIN && b <= INT64_MAX) return intSize(Number(s));
  }
  const enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  const back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
  return enc + back;
}

/** Size of an ID part delta (uint64 difference read as int64). */
function sizeOfDelta(d: bigint): number {
  // Small non-negative deltas (the common case) need no int64 wrap.
  if (d >= 0n && d <= 127n) return 2;
  return intSize(Number(BigInt.asIntN(64, d)));
}

/** One listpack of the radix tree. */
export class StreamNode {
  /** Every entry ever appended here, in ID order; deleted ones are flagged. */
  entries: StreamEntry[] = [];
  /** Live entries (the master entry's "count"). */
  count = 0;
  /** Entries flagged deleted (the master entry's "deleted"). */
  deleted = 0;
  /** Emulated lpBytes(). */
  bytes = 0;
  /** Entries before this index are known to be deleted. */
  firstLive = 0;

  constructor(
    readonly master: StreamId,
    readonly masterFields: string[],
  ) {}

  /** Index of the first entry with id >= `id` (entries.length if none). */
  lowerBound(id: StreamId): number {
    const e = this.entries;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((e[mid] as StreamEntry).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Updates count/deleted (and the byte size of those two integers). */
  setCounts(count: number, deleted: number): void {
    this.bytes += intSize(count) - intSize(this.count) + intSize(deleted) - intSize(this.deleted);
    this.count = count;
    this.deleted = deleted;
  }

  /** Flags `e` (an entry of this node) deleted. */
  markDeleted(e: StreamEntry): void {
    e.deleted = true;
    this.setCounts(this.count - 1, this.deleted + 1);
  }

  firstLiveEntry(): StreamEntry | undefined {
    const e = this.entries;
    let i = this.firstLive;
    while (i < e.length && (e[i] as StreamEntry).deleted) i++;
    this.firstLive = i;
    return e[i];
  }

  lastLiveEntry(): StreamEntry | undefined {
    const e = this.entries;
    for (let i = e.length - 1; i >= this.firstLive; i--) if (!(e[i] as StreamEntry).deleted) return e[i];
    return undefined;
  }
}

// ---- consumer groups -------------------------------------------------------------------------

/** A pending entry: delivered, not yet acknowledged. */
export class StreamNack {
  constructor(
    /** Last delivery, ms on the node clock. */
    public deliveryTime: number,
    public deliveryCount: number,
    /** Owner; undefined only transiently (XCLAIM FORCE creating it). */
    public consumer: StreamConsumer | undefined,
  ) {}
}

export class StreamConsumer {
  readonly pel = new IdMap<StreamNack>();
  constructor(
    readonly name: string,
    /** Last time the consumer was seen (read or claimed), node clock ms. */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new IdMap<StreamNack>();
  readonly consumers = new Map<string, StreamConsumer>();
  constructor(
    public lastId: StreamId,
    /** Logical read counter, or INVALID_ENTRIES_READ (-1). */
    public entriesRead: bigint,
  ) {}

  /** Consumers in Redis's radix-tree order (bytewise by name). */
  sortedConsumers(): StreamConsumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

// ---- the stream ------------------------------------------------------------------------------

export type TrimStrategy = { kind: 'maxlen'; maxlen: number } | { kind: 'minid'; minid: StreamId };

export class Stream {
  private nodes: (StreamNode | undefined)[] = [];
  private head = 0;
  /** Live entries. */
  length = 0;
  lastId: StreamId = 0n;
  /** The recorded first entry ID (recorded-first-entry-id; 0-0 when empty). */
  firstId: StreamId = 0n;
  maxDeletedId: StreamId = 0n;
  entriesAdded = 0n;
  readonly groups = new Map<string, ConsumerGroup>();
  /**
   * Bumped whenever Redis would call signalKeyAsReady on this stream (XADD, XGROUP DESTROY):
   * blocked XREAD/XREADGROUP clients are served only after such a signal.
   */
  readyVersion = 0;
  private raxNodesCache = -1;

  /** Number of listpacks (XINFO radix-tree-keys). */
  get nodeCount(): number {
    return this.nodes.length - this.head;
  }

  private node(i: number): StreamNode {
    return this.nodes[i] as StreamNode;
  }

  private get tailNode(): StreamNode | undefined {
    return this.nodes.length > this.head ? this.nodes[this.nodes.length - 1] : undefined;
  }

  /** Index of the last node whose master ID is <= id, or head-1 when none. */
  private nodeIndexFor(id: StreamId): number {
    let lo = this.head;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.node(mid).master <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * Appends an entry with an ID greater than lastId (the caller checked it), as
   * streamAppendItem: into the tail listpack unless it is full.
   */
  append(id: StreamId, fields: string[], limits: StreamLimits): StreamEntry {
    const entry = new StreamEntry(id, fields);
    let totelelen = 0;
    for (const f of fields) totelelen += f.length;
    let node = this.tailNode;
    if (node !== undefined) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (node.bytes + totelelen >= maxBytes) node = undefined;
      else if (limits.maxEntries && node.count + node.deleted >= limits.maxEntries) node = undefined;
    }
    const nf = fields.length / 2;
    let sameFields = false;
    if (node === undefined) {
      const names: string[] = new Array(nf);
      for (let i = 0; i < nf; i++) names[i] = fields[i * 2] as string;
      node = new StreamNode(id, names);
      // lpNew (7) + count + deleted + num-fields + fields + master terminator.
      let bytes = 7 + intSize(0) + intSize(0) + intSize(nf) + intSize(0);
      for (const n of names) bytes += elementSize(n);
      node.bytes = bytes;
      this.nodes.push(node);
      this.raxNodesCache = -1;
      sameFields = true;
    } else if (node.masterFields.length === nf) {
      sameFields = true;
      for (let i = 0; i < nf; i++) {
        if (node.masterFields[i] !== fields[i * 2]) {
          sameFields = false;
          break;
        }
      }
    }
    node.setCounts(node.count + 1, node.deleted);
    const flags = sameFields ? 2 : 0;
    let bytes = intSize(flags) + sizeOfDelta((id >> 64n) - (node.master >> 64n)) + sizeOfDelta((id & U64_MAX) - (node.master & U64_MAX));
    let lpCount = nf + 3;
    if (!sameFields) {
      bytes += intSize(nf);
      for (let i = 0; i < nf; i++) bytes += elementSize(fields[i * 2] as string);
      lpCount += nf + 1;
    }
    for (let i = 0; i < nf; i++) bytes += elementSize(fields[i * 2 + 1] as string);
    bytes += intSize(lpCount);
    node.bytes += bytes;
    node.entries.push(entry);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return entry;
  }

  /** The live entry with this ID. */
  get(id: StreamId): StreamEntry | undefined {
    const ni = this.nodeIndexFor(id);
    if (ni < this.head) return undefined;
    const node = this.node(ni);
    const e = node.entries[node.lowerBound(id)];
    return e !== undefined && e.id === id && !e.deleted ? e : undefined;
  }

  /** Flags the entry deleted (streamDeleteItem); a node left with no live entry is removed. */
  deleteEntry(id: StreamId): boolean {
    const ni = this.nodeIndexFor(id);
    if (ni < this.head) return false;
    const node = this.node(ni);
    const e = node.entries[node.lowerBound(id)];
    if (e === undefined || e.id !== id || e.deleted) return false;
    e.deleted = true;
    if (node.count === 1) this.removeNode(ni);
    else node.setCounts(node.count - 1, node.deleted + 1);
    this.length--;
    return true;
  }

  /**
   * Drops node `i`. The head node (trimming, or XDEL emptying it) only advances the head index;
   * a node emptied by XDEL elsewhere is spliced out, a memmove over the node array (n/100 slots
   * by default), which only happens when XDEL deletes a node's last live entry.
   */
  private removeNode(i: number): void {
    this.raxNodesCache = -1;
    if (i === this.head) {
      this.nodes[i] = undefined;
      this.head++;
      if (this.head === this.nodes.length) {
        this.nodes = [];
        this.head = 0;
      } else if (this.head > 64 && this.head * 2 > this.nodes.length) {
        this.nodes = this.nodes.slice(this.head);
        this.head = 0;
      }
    } else {
      this.nodes.splice(i, 1);
    }
  }

  /** The first live entry (streamGetEdgeID first, skipping tombstones). */
  firstEntry(): StreamEntry | undefined {
    for (let i = this.head; i < this.nodes.length; i++) {
      const e = this.node(i).firstLiveEntry();
      if (e) return e;
    }
    return undefined;
  }

  /** The last live entry (streamLastValidID). */
  lastEntry(): StreamEntry | undefined {
    for (let i = this.nodes.length - 1; i >= this.head; i--) {
      const e = this.node(i).lastLiveEntry();
      if (e) return e;
    }
    return undefined;
  }

  /**
   * Live entries with start <= id <= end, ascending (or descending with `rev`), at most `count`
   * of them (0: no limit). `visit` returning false stops the walk.
   */
  walk(start: StreamId, end: StreamId, rev: boolean, visit: (e: StreamEntry) => boolean | undefined): void {
    if (start > end) return;
    if (!rev) {
      let ni = this.nodeIndexFor(start);
      let ei = 0;
      if (ni < this.head) ni = this.head;
      else ei = this.node(ni).lowerBound(start);
      for (; ni < this.nodes.length; ni++, ei = 0) {
        const entries = this.node(ni).entries;
        for (; ei < entries.length; ei++) {
          const e = entries[ei] as StreamEntry;
          if (e.id > end) return;
          if (!e.deleted && visit(e) === false) return;
        }
      }
    } else {
      let ni = this.nodeIndexFor(end);
      if (ni < this.head) return;
      let node = this.node(ni);
      let ei = node.lowerBound(end);
      if (ei < node.entries.length && (node.entries[ei] as StreamEntry).id === end) ei++;
      ei--;
      for (;;) {
        const entries = node.entries;
        for (; ei >= 0; ei--) {
          const e = entries[ei] as StreamEntry;
          if (e.id < start) return;
          if (!e.deleted && visit(e) === false) return;
        }
        ni--;
        if (ni < this.head) return;
        node = this.node(ni);
        ei = node.entries.length - 1;
      }
    }
  }

  /** Collects a range (count 0: unlimited). */
  range(start: StreamId, end: StreamId, count: number, rev: boolean): StreamEntry[] {
    const out: StreamEntry[] = [];
    this.walk(start, end, rev, (e) => {
      out.push(e);
      return count === 0 || out.length < count;
    });
    return out;
  }

  /**
   * streamTrim: removes whole nodes from the head while allowed, then (unless `approx`) flags
   * entries of the next node deleted. `limit` caps the entries removed (0: none). Returns the
   * number of entries removed.
   */
  trim(strategy: TrimStrategy, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.head < this.nodes.length) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxlen) break;
      const node = this.node(this.head);
      const entries = node.count;
      if (limit && deleted + entries > limit) break;
      let removeNode: boolean;
      if (strategy.kind === 'maxlen') removeNode = this.length - entries >= strategy.maxlen;
      else removeNode = (node.entries[node.entries.length - 1] as StreamEntry).id < strategy.minid;
      if (removeNode) {
        this.removeNode(this.head);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      let fromLp = 0;
      for (const e of node.entries) {
        const stop = strategy.kind === 'maxlen' ? this.length <= strategy.maxlen : e.id >= strategy.minid;
        if (stop) break;
        if (!e.deleted) {
          e.deleted = true;
          fromLp++;
          this.length--;
        }
      }
      deleted += fromLp;
      node.setCounts(entries - fromLp, node.deleted + fromLp);
      break;
    }
    if (this.length === 0) this.firstId = 0n;
    else if (deleted) this.firstId = (this.firstEntry() as StreamEntry).id;
    return deleted;
  }

  // ---- consumer group read counters (lag) -------------------------------------------------

  /** streamRangeHasTombstones(start, +). */
  rangeHasTombstones(start: StreamId): boolean {
    if (this.length === 0 || this.maxDeletedId === 0n) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= MAX_ID;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or -1. */
  estimateDistance(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - BigInt(this.length);
      if (id === this.firstId) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamReplyWithCGLag's value: the group's lag, or undefined when unknown (null reply). */
  lag(g: ConsumerGroup): bigint | undefined {
    if (this.entriesAdded === 0n) return 0n;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) {
      return BigInt.asIntN(64, this.entriesAdded - g.entriesRead);
    }
    const read = this.estimateDistance(g.lastId);
    if (read !== INVALID_ENTRIES_READ) return BigInt.asIntN(64, this.entriesAdded - read);
    return undefined;
  }

  /** Advances a group past a delivered entry (streamReplyWithRange's counter update). */
  advanceGroup(g: ConsumerGroup, id: StreamId): void {
    if (id <= g.lastId) return;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(id)) g.entriesRead++;
    else if (this.entriesAdded) g.entriesRead = this.estimateDistance(id);
    g.lastId = id;
  }

  /** Groups in radix-tree order (bytewise by name). */
  sortedGroups(): [string, ConsumerGroup][] {
    return [...this.groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  // ---- radix tree node count (XINFO radix-tree-nodes) --------------------------------------

  /**
   * Nodes of Redis's radix tree holding the listpacks' 16-byte big-endian master IDs. For keys
   * of equal length rax keeps the canonical compressed trie: the head (holding the common
   * prefix when there is one), one node per branching point, one extra node for each edge longer
   * than one byte, and one leaf per key. Computed on demand and cached until nodes change.
   */
  raxNodeCount(): number {
    if (this.raxNodesCache >= 0) return this.raxNodesCache;
    const keys: string[] = [];
    for (let i = this.head; i < this.nodes.length; i++) keys.push(this.node(i).master.toString(16).padStart(32, '0'));
    const lcp = (a: string, b: string): number => {
      let i = 0;
      while (i < 32 && a[i] === b[i]) i++;
      return i >> 1; // bytes
    };
    const branch = (lo: number, hi: number, d: number): number => {
      let total = 1;
      let i = lo;
      while (i < hi) {
        const byte = (keys[i] as string).slice(d * 2, d * 2 + 2);
        let j = i + 1;
        while (j < hi && (keys[j] as string).slice(d * 2, d * 2 + 2) === byte) j++;
        const q = j - i === 1 ? 16 : lcp(keys[i] as string, keys[j - 1] as string);
        if (q - d >= 2) total++;
        total += j - i === 1 ? 1 : branch(i, j, q);
        i = j;
      }
      return total;
    };
    let n: number;
    if (keys.length === 0) n = 1;
    else if (keys.length === 1) n = 2;
    else {
      const p = lcp(keys[0] as string, keys[keys.length - 1] as string);
      n = p > 0 ? 1 + branch(0, keys.length, p) : branch(0, keys.length, 0);
    }
    this.raxNodesCache = n;
    return n;
  }

  /** The listpack nodes in ID order (the RDB writer walks them as Redis walks the rax). */
  listpacks(): StreamNode[] {
    return this.nodes.slice(this.head) as StreamNode[];
  }

  /** Appends a node rebuilt by the RDB loader (its master ID above every existing node's). */
  pushLoadedNode(n: StreamNode): void {
    this.nodes.push(n);
    this.raxNodesCache = -1;
  }

  /** A deep copy (COPY, RESTORE): same nodes, entries, metadata, groups and PELs. */
  clone(): Stream {
    const s = new Stream();
    for (let i = this.head; i < this.nodes.length; i++) {
      const src = this.node(i);
      const n = new StreamNode(src.master, src.masterFields);
      n.entries = src.entries.map((e) => {
        const c = new StreamEntry(e.id, e.fields);
        c.deleted = e.deleted;
        return c;
      });
      n.count = src.count;
      n.deleted = src.deleted;
      n.bytes = src.bytes;
      n.firstLive = src.firstLive;
      s.nodes.push(n);
    }
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) {
      const cg = new ConsumerGroup(g.lastId, g.entriesRead);
      const consumers = new Map<StreamConsumer, StreamConsumer>();
      for (const [cname, c] of g.consumers) {
        const copy = new StreamConsumer(cname, c.seenTime);
        consumers.set(c, copy);
        cg.consumers.set(cname, copy);
      }
      for (const n of g.pel.entries()) {
        const owner = n.value.consumer ? consumers.get(n.value.consumer) : undefined;
        const nack = new StreamNack(n.value.deliveryTime, n.value.deliveryCount, owner);
        cg.pel.set(n.id, nack);
        owner?.pel.set(n.id, nack);
      }
      s.groups.set(name, cg);
    }
    return s;
  }
}
