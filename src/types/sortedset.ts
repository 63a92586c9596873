/**
 * Sorted set: a skip list ordered by (score, member) with a span per link (for O(log n) rank),
 * plus a Map member → node for O(1) score lookup — the same layout as Redis's zset (t_zset.c).
 *
 * Order: ascending score; equal scores are ordered by member bytes (memcmp, shorter prefix first).
 * Members are latin1 strings (one byte per char), so JS string comparison is exactly memcmp.
 *
 * Every operation Redis does in O(log n) is O(log n) here: insert, delete, score update, rank,
 * element by rank, first/last node in a score or lex range. Range iteration walks `next[0]` /
 * `backward` links from the start node, so a range costs O(log n + m).
 *
 * `encoding` mirrors Redis's OBJECT ENCODING for the set: "listpack" while small, "skiplist" once
 * it outgrew zset-max-listpack-entries / -value (the commands maintain it: once converted a zset
 * stays a skiplist, as in Redis 7.0). Only reporting and a few listpack quirks depend on it.
 */

const MAX_LEVEL = 32;

/** Scratch vectors for insert/unlink (single-threaded and never re-entered: shared safely). */
const UPDATE: ZNode[] = [];
const RANK: number[] = new Array<number>(MAX_LEVEL).fill(0);

export class ZNode {
  /** Forward link per level (index 0 is the ordered list). */
  readonly next: (ZNode | null)[];
  /** Number of level-0 steps each forward link skips. */
  readonly span: number[];
  backward: ZNode | null = null;
  /** Creation sequence of the member (kept across score updates): the ZSCAN cursor order. */
  seq = 0;

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** A score range: min/max with exclusive flags (Redis's zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lex range (Redis's zlexrangespec). `min`/`max` are members, or the sentinels `-` (below every
 * string) and `+` (above every string) given as the symbols LEX_MIN / LEX_MAX.
 */
export const LEX_MIN: unique symbol = Symbol('-');
export const LEX_MAX: unique symbol = Symbol('+');
export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;
export interface LexRange {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

/** Member comparison as sdscmp (memcmp on latin1 strings). */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sdscmplex: compares with the -/+ sentinels as the smallest/largest strings. */
export function cmpLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return cmpStr(a, b);
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

/** Whether (score, member) sorts before node x. */
function before(score: number, member: string, x: ZNode): boolean {
  return score < x.score || (score === x.score && member < x.member);
}

export class SortedSet {
  private readonly header = new ZNode('', 0, MAX_LEVEL);
  private tail: ZNode | null = null;
  private level = 1;
  /** Nodes linked in the list (equals dict.size between operations). */
  private length = 0;
  private readonly dict = new Map<string, ZNode>();
  /** xorshift state for node levels: deterministic, so runs are reproducible. */
  private seed = 0x9e3779b9;
  /** Members by creation sequence, built by the first scan and then kept up to date. */
  private scanOrder: { member: string; seq: number }[] | null = null;
  private scanDead = 0;
  private nextSeq = 1;
  /** OBJECT ENCODING as Redis would report it (maintained by the commands). */
  encoding: 'listpack' | 'skiplist' = 'listpack';

  get size(): number {
    return this.dict.size;
  }

  /** The score of `member`, or undefined. */
  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /** First (lowest) node, or null. */
  first(): ZNode | null {
    return this.header.next[0] ?? null;
  }

  /** Last (highest) node, or null. */
  last(): ZNode | null {
    return this.tail;
  }

  /** Members with scores in order. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let x = this.first(); x; x = x.next[0] ?? null) yield [x.member, x.score];
  }

  /** Members in order (lowest score first). */
  *members(): IterableIterator<string> {
    for (let x = this.first(); x; x = x.next[0] ?? null) yield x.member;
  }

  /** Length of the longest member (O(n): meant for small, listpack-sized sets). */
  maxMemberLength(): number {
    let m = 0;
    for (const k of this.dict.keys()) if (k.length > m) m = k.length;
    return m;
  }

  /**
   * Sets `member`'s score, inserting it if new. Returns true when the member was added. An
   * existing member whose score changes moves in place when its neighbours allow (zslUpdateScore).
   */
  add(member: string, score: number): boolean {
    const node = this.dict.get(member);
    if (node === undefined) {
      const n = this.insert(score, member);
      n.seq = this.nextSeq++;
      this.dict.set(member, n);
      this.scanOrder?.push({ member, seq: n.seq });
      return true;
    }
    // As Redis, an equal score (0 and -0 included) leaves the member untouched.
    if (node.score !== score) this.updateScore(node, score);
    return false;
  }

  /** Removes `member`; true if it was there. */
  delete(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.dict.delete(member);
    this.unlink(node.score, member);
    this.noteDeleted();
    return true;
  }

  /** Scan-index bookkeeping after a member is gone: compacts once half the entries are dead. */
  private noteDeleted(): void {
    if (this.scanOrder && ++this.scanDead > 1024 && this.scanDead > this.scanOrder.length / 2) {
      this.scanOrder = this.scanOrder.filter((e) => this.dict.get(e.member)?.seq === e.seq);
      this.scanDead = 0;
    }
  }

  /** 0-based rank of `member` (from the highest when `reverse`), or undefined. */
  rank(member: string, reverse = false): number | undefined {
    const node = this.dict.get(member);
    if (node === undefined) return undefined;
    const r = this.rankOf(node.score, member);
    return reverse ? this.size - r : r - 1;
  }

  /** The node at 0-based rank `i` (0 ≤ i < size), in O(log n). */
  at(i: number): ZNode | null {
    if (i < 0 || i >= this.size) return null;
    if (i === 0) return this.first();
    if (i === this.size - 1) return this.tail;
    const rank = i + 1;
    let x = this.header;
    let traversed = 0;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && traversed + (x.span[l] as number) <= rank) {
        traversed += x.span[l] as number;
        x = f;
        f = x.next[l];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** 1-based rank of the node with (score, member), as zslGetRank. */
  private rankOf(score: number, member: string): number {
    let x = this.header;
    let rank = 0;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span[l] as number;
        x = f;
        f = x.next[l];
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** 0-based rank of a node in the set. */
  rankOfNode(node: ZNode): number {
    return this.rankOf(node.score, node.member) - 1;
  }

  // ---- ranges ---------------------------------------------------------------------------

  /** First node with score in `r`, or null (zslFirstInRange). */
  firstInRange(r: ScoreRange): ZNode | null {
    if (!this.rangeMayOverlap(r)) return null;
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && !scoreGteMin(f.score, r)) {
        x = f;
        f = x.next[l];
      }
    }
    const n = x.next[0] ?? null;
    return n && scoreLteMax(n.score, r) ? n : null;
  }

  /** Last node with score in `r`, or null (zslLastInRange). */
  lastInRange(r: ScoreRange): ZNode | null {
    if (!this.rangeMayOverlap(r)) return null;
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && scoreLteMax(f.score, r)) {
        x = f;
        f = x.next[l];
      }
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : null;
  }

  private rangeMayOverlap(r: ScoreRange): boolean {
    if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return false;
    const t = this.tail;
    if (t === null || !scoreGteMin(t.score, r)) return false;
    const h = this.first();
    return h !== null && scoreLteMax(h.score, r);
  }

  /**
   * First node with member in `r`, or null (zslFirstInLexRange). Lex ranges assume equal scores;
   * when scores differ Redis's answer depends on the encoding: a listpack is scanned linearly
   * (zzlFirstInLexRange), so a listpack-encoded set is scanned the same way here.
   */
  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.lexMayOverlap(r)) return null;
    if (this.encoding === 'listpack') {
      for (let x = this.first(); x; x = x.next[0] ?? null) {
        if (lexGteMin(x.member, r)) return lexLteMax(x.member, r) ? x : null;
      }
      return null;
    }
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && !lexGteMin(f.member, r)) {
        x = f;
        f = x.next[l];
      }
    }
    const n = x.next[0] ?? null;
    return n && lexLteMax(n.member, r) ? n : null;
  }

  /** Last node with member in `r`, or null (zslLastInLexRange; a listpack scans from the tail). */
  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.lexMayOverlap(r)) return null;
    if (this.encoding === 'listpack') {
      for (let x = this.tail; x; x = x.backward) {
        if (lexLteMax(x.member, r)) return lexGteMin(x.member, r) ? x : null;
      }
      return null;
    }
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && lexLteMax(f.member, r)) {
        x = f;
        f = x.next[l];
      }
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  private lexMayOverlap(r: LexRange): boolean {
    const c = cmpLex(r.min, r.max);
    if (c > 0 || (c === 0 && (r.minex || r.maxex))) return false;
    const t = this.tail;
    if (t === null || !lexGteMin(t.member, r)) return false;
    const h = this.first();
    return h !== null && lexLteMax(h.member, r);
  }

  /** Number of members with score in `r`, in O(log n) (ZCOUNT). */
  countInRange(r: ScoreRange): number {
    const a = this.firstInRange(r);
    if (a === null) return 0;
    const b = this.lastInRange(r) as ZNode;
    return this.rankOfNode(b) - this.rankOfNode(a) + 1;
  }

  /** Number of members in lex range `r`, in O(log n) (ZLEXCOUNT). */
  countInLexRange(r: LexRange): number {
    const a = this.firstInLexRange(r);
    if (a === null) return 0;
    if (this.encoding === 'listpack') {
      // Redis walks a listpack from the first match while members stay <= max.
      let n = 0;
      for (let x: ZNode | null = a; x && lexLteMax(x.member, r); x = x.next[0] ?? null) n++;
      return n;
    }
    const b = this.lastInLexRange(r) as ZNode;
    return this.rankOfNode(b) - this.rankOfNode(a) + 1;
  }

  /**
   * Removes ranks start..end (0-based, inclusive, already clamped); returns how many. Like every
   * range delete: one O(log n) search for the first node, then O(1) per removed node (the update
   * vector stays valid while its successors are unlinked), so O(log n + m) as Redis.
   */
  deleteRangeByRank(start: number, end: number): number {
    return this.deleteRun(this.at(start), (_x, n) => n < end - start + 1);
  }

  /** Removes every member with score in `r`; returns how many. */
  deleteRangeByScore(r: ScoreRange): number {
    return this.deleteRun(this.firstInRange(r), (x) => scoreLteMax(x.score, r));
  }

  /** Removes every member in lex range `r`; returns how many. */
  deleteRangeByLex(r: LexRange): number {
    return this.deleteRun(this.firstInLexRange(r), (x) => lexLteMax(x.member, r));
  }

  /** Unlinks `first` and its successors while `keep(node, removedSoFar)` holds. */
  private deleteRun(first: ZNode | null, keep: (x: ZNode, n: number) => boolean): number {
    if (first === null) return 0;
    const update = UPDATE;
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && f !== first && before(f.score, f.member, first)) {
        x = f;
        f = x.next[l];
      }
      update[l] = x;
    }
    let n = 0;
    let node: ZNode | null = first;
    while (node && keep(node, n)) {
      const next: ZNode | null = node.next[0] ?? null;
      this.unlinkNode(node, update);
      this.dict.delete(node.member);
      this.noteDeleted();
      n++;
      node = next;
    }
    return n;
  }

  /** Removes and returns the lowest (or highest, with `max`) member, or undefined. */
  pop(max = false): [string, number] | undefined {
    const x = max ? this.tail : this.first();
    if (x === null) return undefined;
    this.delete(x.member);
    return [x.member, x.score];
  }

  /**
   * One ZSCAN step over a large set: visits up to `count` members with creation sequence >= cursor
   * and returns the next cursor (0 when done). Members present for a whole iteration are visited
   * exactly once; the order index is built by the first scan (O(n) once) and kept after that.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.scanOrder === null) {
      this.scanOrder = [];
      for (const [member, n] of this.dict) this.scanOrder.push({ member, seq: n.seq });
      this.scanOrder.sort((a, b) => a.seq - b.seq);
      this.scanDead = 0;
    }
    const order = this.scanOrder;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((order[mid] as { seq: number }).seq < cursor) lo = mid + 1;
      else hi = mid;
    }
    let visited = 0;
    let i = lo;
    for (; i < order.length && visited < count; i++) {
      const e = order[i] as { member: string; seq: number };
      const n = this.dict.get(e.member);
      if (n === undefined || n.seq !== e.seq) continue;
      visited++;
      visit(e.member, n.score);
    }
    return i < order.length ? (order[i] as { seq: number }).seq : 0;
  }

  /** A copy with the same members, scores and encoding (COPY, DUMP/RESTORE, MULTI snapshots). */
  clone(): SortedSet {
    const out = new SortedSet();
    out.encoding = this.encoding;
    // Appending in order: each insert finds its place at the tail.
    for (let x = this.first(); x; x = x.next[0] ?? null) out.add(x.member, x.score);
    return out;
  }

  // ---- skip list internals --------------------------------------------------------------

  private randomLevel(): number {
    let level = 1;
    // P = 1/4 per extra level, as Redis's ZSKIPLIST_P.
    for (;;) {
      let s = this.seed;
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      this.seed = s >>> 0;
      if ((this.seed & 3) !== 0 || level >= MAX_LEVEL) return level;
      level++;
    }
  }

  /** zslInsert: the member must not be present. */
  private insert(score: number, member: string): ZNode {
    const update = UPDATE;
    const rank = RANK;
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      rank[l] = l === this.level - 1 ? 0 : (rank[l + 1] as number);
      let f = x.next[l];
      while (f && (f.score < score || (f.score === score && f.member < member))) {
        rank[l] = (rank[l] as number) + (x.span[l] as number);
        x = f;
        f = x.next[l];
      }
      update[l] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let l = this.level; l < level; l++) {
        rank[l] = 0;
        update[l] = this.header;
        this.header.span[l] = this.length;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let l = 0; l < level; l++) {
      const u = update[l] as ZNode;
      node.next[l] = u.next[l] ?? null;
      u.next[l] = node;
      const skipped = (rank[0] as number) - (rank[l] as number);
      node.span[l] = (u.span[l] as number) - skipped;
      u.span[l] = skipped + 1;
    }
    for (let l = level; l < this.level; l++) (update[l] as ZNode).span[l] = ((update[l] as ZNode).span[l] as number) + 1;
    const u0 = update[0] as ZNode;
    node.backward = u0 === this.header ? null : u0;
    const n0 = node.next[0];
    if (n0) n0.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Finds the update vector for (score, member) and unlinks that node (zslDelete). */
  private unlink(score: number, member: string): ZNode | null {
    const update = UPDATE;
    let x = this.header;
    for (let l = this.level - 1; l >= 0; l--) {
      let f = x.next[l];
      while (f && (f.score < score || (f.score === score && f.member < member))) {
        x = f;
        f = x.next[l];
      }
      update[l] = x;
    }
    const node = x.next[0];
    if (!node || node.score !== score || node.member !== member) return null;
    this.unlinkNode(node, update);
    return node;
  }

  private unlinkNode(node: ZNode, update: ZNode[]): void {
    for (let l = 0; l < this.level; l++) {
      const u = update[l] as ZNode;
      if (u.next[l] === node) {
        u.span[l] = (u.span[l] as number) + (node.span[l] as number) - 1;
        u.next[l] = node.next[l] ?? null;
      } else {
        u.span[l] = (u.span[l] as number) - 1;
      }
    }
    const n0 = node.next[0];
    if (n0) n0.backward = node.backward;
    else this.tail = node.backward;
    this.length--;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
  }

  /** zslUpdateScore: keeps the node where it is when the order allows, else re-inserts it. */
  private updateScore(node: ZNode, score: number): void {
    const prev = node.backward;
    const next = node.next[0] ?? null;
    if (
      (prev === null || prev.score < score || (prev.score === score && prev.member < node.member)) &&
      (next === null || before(score, node.member, next))
    ) {
      node.score = score;
      return;
    }
    this.unlink(node.score, node.member);
    const n = this.insert(score, node.member);
    n.seq = node.seq;
    this.dict.set(node.member, n);
  }
}
