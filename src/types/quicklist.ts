/**
 * A Redis 7.0 list: the elements in a ring buffer (O(1) push/pop at both ends and O(1) index
 * access) beside the quicklist node layout Redis would have for the same history (quicklist.c).
 * Each node records its element count and its listpack's byte size (lpBytes: 7 bytes of header
 * and end marker plus each entry's encoded size); a plain node holds one element of at least the
 * packed threshold (1 GiB unless DEBUG QUICKLIST-PACKED-THRESHOLD) and its size is that length.
 *
 * The layout follows Redis's rules:
 * - a push joins the head/tail node while _quicklistNodeAllowInsert allows it (node bytes +
 *   element length + 8 within the fill's byte level for fill -1..-5 = 4..64 KiB; otherwise within
 *   8 KiB and fewer than `fill` entries), else starts a new node;
 * - pops, LREM and LTRIM remove entries and drop nodes that become empty, never merging;
 * - LINSERT inserts into the pivot's node when it has room, else into the neighbour on the
 *   insertion side when the pivot is that node's edge, else a new node there, else splits the node
 *   and tries to merge around it (_quicklistInsert, _quicklistMergeNodes);
 * - LSET replaces in place, except across the packed/plain boundary (quicklistReplaceEntry);
 * - fill and compress depth are fixed when the list is created (quicklistSetOptions).
 * Walking to a node is O(nodes), as Redis walks its node list; the ends stay O(1).
 */
import { Deque } from './deque.js';

/** One quicklist node: entry count, listpack bytes (or the element's length when plain). */
export interface QlNode {
  count: number;
  sz: number;
  plain: boolean;
}

/** Settings shared by the lists of one server: packed_threshold is process-wide in Redis. */
export interface QlLimits {
  packedThreshold: number;
}

/** Bytes of an empty listpack: 6 of header and the end marker. */
export const LP_EMPTY_BYTES = 7;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const FILL_MAX = 1 << 15;

/** quicklistSetFill: fill above 32768 is 32768, below -5 is -5. */
export function clampFill(fill: number): number {
  return Math.max(Math.min(fill, FILL_MAX), -5);
}

function meetsOptimization(sz: number, fill: number): boolean {
  if (fill >= 0) return false;
  const level = OPTIMIZATION_LEVEL[-fill - 1];
  return level !== undefined && sz <= level;
}

export class QuickList implements Iterable<string> {
  readonly items = new Deque<string>();
  readonly nodes = new Deque<QlNode>();

  /**
   * `entrySize` gives an element's encoded listpack entry size (injected so that types/ does not
   * depend on the RDB encoder).
   */
  constructor(
    readonly fill: number,
    readonly depth: number,
    readonly limits: QlLimits,
    private readonly entrySize: (s: string) => number,
  ) {}

  get length(): number {
    return this.items.length;
  }

  private large(sz: number): boolean {
    return sz >= this.limits.packedThreshold;
  }

  /** _quicklistNodeAllowInsert: may an element of `sz` bytes join `node`? */
  private allowInsert(node: QlNode | undefined, sz: number): boolean {
    if (!node || node.plain || this.large(sz)) return false;
    const newSz = node.sz + sz + SIZE_ESTIMATE_OVERHEAD;
    if (meetsOptimization(newSz, this.fill)) return true;
    if (newSz > SIZE_SAFETY_LIMIT) return false;
    return node.count < this.fill;
  }

  /** _quicklistNodeAllowMerge: the merged size is estimated as a.sz + b.sz - 11. */
  private allowMerge(a: QlNode | undefined, b: QlNode | undefined): boolean {
    if (!a || !b || a.plain || b.plain) return false;
    const mergeSz = a.sz + b.sz - 11;
    if (meetsOptimization(mergeSz, this.fill)) return true;
    if (mergeSz > SIZE_SAFETY_LIMIT) return false;
    return a.count + b.count <= this.fill;
  }

  private newNode(v: string): QlNode {
    return this.large(v.length)
      ? { count: 1, sz: v.length, plain: true }
      : { count: 1, sz: LP_EMPTY_BYTES + this.entrySize(v), plain: false };
  }

  // ---- reads ---------------------------------------------------------------------------

  get(i: number): string | undefined {
    return this.items.get(i);
  }

  slice(start?: number, end?: number): string[] {
    return this.items.slice(start, end);
  }

  toArray(): string[] {
    return this.items.toArray();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.items[Symbol.iterator]();
  }

  // ---- the ends (quicklistPushHead/Tail, quicklistPopCustom) -----------------------------

  pushBack(v: string): void {
    const tail = this.nodes.length > 0 ? this.nodes.get(this.nodes.length - 1) : undefined;
    if (!this.large(v.length) && this.allowInsert(tail, v.length)) {
      const t = tail as QlNode;
      t.count++;
      t.sz += this.entrySize(v);
    } else {
      this.nodes.pushBack(this.newNode(v));
    }
    this.items.pushBack(v);
  }

  pushFront(v: string): void {
    const head = this.nodes.get(0);
    if (!this.large(v.length) && this.allowInsert(head, v.length)) {
      const h = head as QlNode;
      h.count++;
      h.sz += this.entrySize(v);
    } else {
      this.nodes.pushFront(this.newNode(v));
    }
    this.items.pushFront(v);
  }

  popFront(): string | undefined {
    const v = this.items.popFront();
    if (v === undefined) return undefined;
    const head = this.nodes.get(0) as QlNode;
    if (!this.removeEntry(head, v)) this.nodes.popFront();
    return v;
  }

  popBack(): string | undefined {
    const v = this.items.popBack();
    if (v === undefined) return undefined;
    const tail = this.nodes.get(this.nodes.length - 1) as QlNode;
    if (!this.removeEntry(tail, v)) this.nodes.popBack();
    return v;
  }

  /** Takes entry `v` out of `node` (quicklistDelIndex); false when the node is now empty. */
  private removeEntry(node: QlNode, v: string): boolean {
    if (node.plain || node.count === 1) return false;
    node.count--;
    node.sz -= this.entrySize(v);
    return true;
  }

  /** LTRIM's quicklistDelRange from the head: same layout as popping `n` times. */
  dropFront(n: number): void {
    for (let k = 0; k < n && this.items.length > 0; k++) this.popFront();
  }

  dropBack(n: number): void {
    for (let k = 0; k < n && this.items.length > 0; k++) this.popBack();
  }

  // ---- nodes by position ---------------------------------------------------------------

  /** The node holding element `i` and the element's offset in it, walking from the nearer end. */
  private locate(i: number): { ni: number; off: number; start: number } {
    const nodes = this.nodes;
    if (i < this.items.length / 2) {
      let start = 0;
      for (let ni = 0; ni < nodes.length; ni++) {
        const n = nodes.get(ni) as QlNode;
        if (i < start + n.count) return { ni, off: i - start, start };
        start += n.count;
      }
    } else {
      let end = this.items.length;
      for (let ni = nodes.length - 1; ni >= 0; ni--) {
        const n = nodes.get(ni) as QlNode;
        if (i >= end - n.count) return { ni, off: i - (end - n.count), start: end - n.count };
        end -= n.count;
      }
    }
    throw new RangeError('index out of range');
  }

  /** lpBytes of a listpack holding items [from, to). */
  private bytesOf(from: number, to: number): number {
    let sz = LP_EMPTY_BYTES;
    for (let k = from; k < to; k++) sz += this.entrySize(this.items.get(k) as string);
    return sz;
  }

  /**
   * The node side of _quicklistInsert: `v` goes after (or before) the element at offset `off` of
   * node `ni`, whose first element is item `start`. The items must not hold `v` yet.
   */
  private insertIntoNodes(ni: number, off: number, start: number, v: string, after: boolean): void {
    const nodes = this.nodes;
    const node = nodes.get(ni) as QlNode;
    const sz = v.length;
    const full = !this.allowInsert(node, sz);
    const atTail = after && off === node.count - 1;
    const atHead = !after && off === 0;
    const availNext = atTail && this.allowInsert(nodes.get(ni + 1), sz);
    const availPrev = atHead && this.allowInsert(ni > 0 ? nodes.get(ni - 1) : undefined, sz);
    if (this.large(sz)) {
      const plain: QlNode = { count: 1, sz, plain: true };
      if (node.plain || atTail || atHead) {
        nodes.insertAt(after ? ni + 1 : ni, plain);
        return;
      }
      // Split around the pivot: [... pivot] plain [rest] after it, [before] plain [pivot ...] before.
      const cut = after ? off + 1 : off;
      const rest: QlNode = { count: node.count - cut, sz: this.bytesOf(start + cut, start + node.count), plain: false };
      node.count = cut;
      node.sz = this.bytesOf(start, start + cut);
      nodes.insertAt(ni + 1, plain);
      nodes.insertAt(ni + 2, rest);
      return;
    }
    const e = this.entrySize(v);
    if (!full) {
      node.count++;
      node.sz += e;
    } else if (atTail && availNext) {
      const next = nodes.get(ni + 1) as QlNode;
      next.count++;
      next.sz += e;
    } else if (atHead && availPrev) {
      const prev = nodes.get(ni - 1) as QlNode;
      prev.count++;
      prev.sz += e;
    } else if (atTail || atHead) {
      nodes.insertAt(after ? ni + 1 : ni, { count: 1, sz: LP_EMPTY_BYTES + e, plain: false });
    } else {
      // _quicklistSplitNode: after keeps [0, off] and the new node [off+1, end) gets v prepended;
      // before, the new node [0, off) gets v appended and goes before the node keeping [off, end).
      let center = ni;
      if (after) {
        const moved: QlNode = {
          count: node.count - off - 1 + 1,
          sz: this.bytesOf(start + off + 1, start + node.count) + e,
          plain: false,
        };
        node.count = off + 1;
        node.sz = this.bytesOf(start, start + off + 1);
        nodes.insertAt(ni + 1, moved);
      } else {
        const moved: QlNode = { count: off + 1, sz: this.bytesOf(start, start + off) + e, plain: false };
        node.count -= off;
        node.sz = this.bytesOf(start + off, start + off + node.count);
        nodes.insertAt(ni, moved);
        center = ni + 1;
      }
      this.mergeAround(center);
    }
  }

  /** lpMerge of nodes `i` and `i + 1` into one at `i`: one header and end marker fewer. */
  private mergeAt(i: number): void {
    const a = this.nodes.get(i) as QlNode;
    const b = this.nodes.get(i + 1) as QlNode;
    a.count += b.count;
    a.sz += b.sz - LP_EMPTY_BYTES;
    this.nodes.removeAt(i + 1);
  }

  /**
   * _quicklistMergeNodes: tries (prev_prev, prev), (next, next_next), (prev, center), then the
   * result with its next.
   */
  private mergeAround(center: number): void {
    const nodes = this.nodes;
    const at = (i: number): QlNode | undefined => (i >= 0 ? nodes.get(i) : undefined);
    let c = center;
    if (c >= 2 && this.allowMerge(at(c - 1), at(c - 2))) {
      this.mergeAt(c - 2);
      c--;
    }
    if (this.allowMerge(at(c + 1), at(c + 2))) this.mergeAt(c + 1);
    let target = c;
    if (this.allowMerge(at(c), at(c - 1))) {
      this.mergeAt(c - 1);
      target = c - 1;
    }
    if (this.allowMerge(at(target), at(target + 1))) this.mergeAt(target);
  }

  // ---- the middle (LINSERT, LSET, LREM) ------------------------------------------------

  /** LINSERT: `v` before or after the element at `pivot`. */
  insert(pivot: number, v: string, after: boolean): void {
    const { ni, off, start } = this.locate(pivot);
    this.insertIntoNodes(ni, off, start, v, after);
    this.items.insertAt(after ? pivot + 1 : pivot, v);
  }

  /** LSET (quicklistReplaceEntry). */
  set(i: number, v: string): void {
    const { ni, off, start } = this.locate(i);
    const node = this.nodes.get(ni) as QlNode;
    const old = this.items.get(i) as string;
    const large = this.large(v.length);
    if (!node.plain && !large) {
      node.sz += this.entrySize(v) - this.entrySize(old);
    } else if (node.plain && large) {
      node.sz = v.length;
    } else {
      // Inserted after the old element, which is then deleted: its node is still at `ni`.
      this.insertIntoNodes(ni, off, start, v, true);
      if (!this.removeEntry(node, old)) this.nodes.removeAt(ni);
    }
    this.items.set(i, v);
  }

  /**
   * LREM: removes elements equal to `v`, at most `limit` (0 = all), from the tail when
   * `fromTail`; nodes left empty are dropped. O(n). Returns how many went.
   */
  removeMatching(v: string, limit: number, fromTail: boolean): number {
    const items = this.items;
    const n = items.length;
    const gone = new Uint8Array(n);
    let removed = 0;
    for (let k = 0; k < n && (limit === 0 || removed < limit); k++) {
      const idx = fromTail ? n - 1 - k : k;
      if (items.get(idx) === v) {
        gone[idx] = 1;
        removed++;
      }
    }
    if (removed === 0) return 0;
    const e = this.entrySize(v);
    const kept: QlNode[] = [];
    let idx = 0;
    for (const node of this.nodes) {
      let del = 0;
      for (let k = 0; k < node.count; k++) del += gone[idx++] as number;
      if (del === node.count) continue;
      node.count -= del;
      node.sz -= del * e;
      kept.push(node);
    }
    this.nodes.replaceAll(kept);
    const rest: string[] = [];
    for (let k = 0; k < n; k++) if (!gone[k]) rest.push(items.get(k) as string);
    items.replaceAll(rest);
    return removed;
  }

  // ---- whole lists ---------------------------------------------------------------------

  /** Appends a loaded node as it is (quicklistAppendListpack / quicklistAppendPlainNode). */
  appendNode(values: readonly string[], plain: boolean): void {
    if (values.length === 0) return;
    let sz = plain ? (values[0] as string).length : LP_EMPTY_BYTES;
    if (!plain) for (const v of values) sz += this.entrySize(v);
    this.nodes.pushBack({ count: values.length, sz, plain });
    for (const v of values) this.items.pushBack(v);
  }

  /** quicklistDup: same options, same nodes. */
  clone(): QuickList {
    const q = new QuickList(this.fill, this.depth, this.limits, this.entrySize);
    for (const n of this.nodes) q.nodes.pushBack({ ...n });
    for (const v of this.items) q.items.pushBack(v);
    return q;
  }
}
