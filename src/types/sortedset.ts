/**
 * Sorted set: a member → score map for O(1) ZSCORE, plus an ordered index of (score, member)
 * pairs for everything positional (types/zset-tree.ts: a B+tree with subtree counts). Redis keeps
 * the same pair of structures (dict + skip list, t_zset.c); the tree gives the same O(log n) for
 * insert, delete, score update, rank, element by rank and the ends of a score or lex range, with
 * a few arrays per hundred members instead of a node object and two level arrays per member.
 * A range of m members costs O(log n + m), range deletes included.
 *
 * Order: ascending score; equal scores are ordered by member bytes (memcmp, shorter prefix first).
 * Members are latin1 strings (one byte per char), so JS string comparison is exactly memcmp.
 *
 * Positions are 0-based ranks: the range searches answer a rank (or -1) and `walk` reads members
 * from a rank in either direction.
 *
 * `encoding` mirrors Redis's OBJECT ENCODING for the set: "listpack" while small, "skiplist" once
 * it outgrew zset-max-listpack-entries / -value (the commands maintain it: once converted a zset
 * stays a skiplist, as in Redis 7.0). Only reporting and a few listpack quirks depend on it.
 */
import { type TreeShape, ZsetTree } from './zset-tree.js';

/** A member with its score. */
export interface ZEntry {
  member: string;
  score: number;
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

/** Whether a score range can hold anything at all (zslIsInRange's first test). */
function emptyScoreRange(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/**
 * A deleted member's value in the map. V8's Map leaves a deleted entry in its bucket chain until
 * the table is rehashed, so deleting and adding the same member again and again (ZADD/ZREM of one
 * member, ZPOPMIN and a refill) makes every lookup in that bucket walk a chain as long as the
 * table's free space: O(n) per command on a large set. Overwriting with a tombstone keeps the
 * chain as it is; the map is rebuilt once tombstones outnumber the members (amortized O(1)).
 * Scores are never NaN, so NaN serves.
 */
const GONE = Number.NaN;

export class SortedSet {
  /** member → score, or GONE for a deleted member not yet compacted away. */
  private dict = new Map<string, number>();
  private dead = 0;
  private readonly tree: ZsetTree;
  /**
   * ZSCAN's order, built by the first scan and kept after that: members with a creation sequence
   * (`seqOf`; a member deleted and added again gets a new one; 0 marks a deleted member, as GONE
   * in `dict`). Entries of deleted members stay until half the list is dead.
   */
  private scanOrder: { member: string; seq: number }[] | null = null;
  private seqOf: Map<string, number> | null = null;
  private scanDead = 0;
  private nextSeq = 1;
  /** OBJECT ENCODING as Redis would report it (maintained by the commands). */
  encoding: 'listpack' | 'skiplist' = 'listpack';

  /** `shape`: the index's node capacities (default: 128 members per leaf, 64 children per inner node). */
  constructor(shape?: TreeShape) {
    this.tree = new ZsetTree(shape);
  }

  get size(): number {
    return this.tree.size;
  }

  /** The score of `member`, or undefined. */
  score(member: string): number | undefined {
    const s = this.dict.get(member);
    return s === undefined || Number.isNaN(s) ? undefined : s;
  }

  has(member: string): boolean {
    const s = this.dict.get(member);
    return s !== undefined && !Number.isNaN(s);
  }

  /** Lowest member, or null. */
  first(): ZEntry | null {
    return this.at(0);
  }

  /** Highest member, or null. */
  last(): ZEntry | null {
    return this.at(this.size - 1);
  }

  /** Member and score at 0-based rank `i` (null when out of range), in O(log n). */
  at(i: number): ZEntry | null {
    if (i < 0 || i >= this.size) return null;
    return { member: this.tree.memberAt(i), score: this.tree.scoreAt(i) };
  }

  /** Member at 0-based rank `i` (0 ≤ i < size). */
  memberAt(i: number): string {
    return this.tree.memberAt(i);
  }

  /** Members with scores in order. */
  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.tree.entries(false);
  }

  /** Members with scores, in order or (`reverse`) highest first. */
  entries(reverse = false): IterableIterator<[string, number]> {
    return this.tree.entries(reverse);
  }

  /** Members in order (lowest score first). */
  *members(): IterableIterator<string> {
    for (const [m] of this.tree.entries(false)) yield m;
  }

  /** Length of the longest member (O(n): meant for small, listpack-sized sets). */
  maxMemberLength(): number {
    let m = 0;
    for (const [k, s] of this.dict) if (k.length > m && !Number.isNaN(s)) m = k.length;
    return m;
  }

  /**
   * Sets `member`'s score, inserting it if new. Returns true when the member was added. As Redis,
   * an equal score (0 and -0 included) leaves the member untouched.
   */
  add(member: string, score: number): boolean {
    const old = this.dict.get(member);
    if (old === undefined || Number.isNaN(old)) {
      if (old !== undefined) this.dead--;
      this.dict.set(member, score);
      this.tree.insert(score, member);
      if (this.scanOrder !== null) {
        const seq = this.nextSeq++;
        this.scanOrder.push({ member, seq });
        this.seqOf?.set(member, seq);
      }
      return true;
    }
    if (old !== score) {
      this.dict.set(member, score);
      this.tree.update(old, member, score);
    }
    return false;
  }

  /** Removes `member`; true if it was there. */
  delete(member: string): boolean {
    const old = this.dict.get(member);
    if (old === undefined || Number.isNaN(old)) return false;
    this.tree.delete(old, member);
    this.forget(member);
    this.compact();
    return true;
  }

  /** Marks a member gone from the map and the scan index (the tree is the caller's business). */
  private forget(member: string): void {
    this.dict.set(member, GONE);
    this.dead++;
    if (this.scanOrder === null || this.seqOf === null) return;
    this.seqOf.set(member, 0);
    this.scanDead++;
  }

  /** Drops tombstones once they outnumber the members; both maps keep their order. */
  private compact(): void {
    if (this.dead > 64 && this.dead > this.tree.size) {
      const live = new Map<string, number>();
      for (const [m, s] of this.dict) if (!Number.isNaN(s)) live.set(m, s);
      this.dict = live;
      this.dead = 0;
    }
    const order = this.scanOrder;
    const seqOf = this.seqOf;
    if (order !== null && seqOf !== null && this.scanDead > 1024 && this.scanDead > order.length / 2) {
      this.scanOrder = order.filter((e) => seqOf.get(e.member) === e.seq);
      const liveSeqs = new Map<string, number>();
      for (const [m, q] of seqOf) if (q !== 0) liveSeqs.set(m, q);
      this.seqOf = liveSeqs;
      this.scanDead = 0;
    }
  }

  /** 0-based rank of `member` (from the highest when `reverse`), or undefined. */
  rank(member: string, reverse = false): number | undefined {
    const s = this.score(member);
    if (s === undefined) return undefined;
    const r = this.tree.rank(s, member);
    return reverse ? this.size - 1 - r : r;
  }

  /**
   * Calls `visit(member, score)` from rank `from` (0 ≤ from < size) on, ascending or descending,
   * until it returns false or the set ends.
   */
  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    if (from < 0 || from >= this.size) return;
    this.tree.walk(from, reverse, visit);
  }

  // ---- ranges ---------------------------------------------------------------------------

  /** Rank of the first member with score in `r`, or -1 (zslFirstInRange). */
  firstInRange(r: ScoreRange): number {
    if (emptyScoreRange(r) || this.size === 0) return -1;
    const min = r.min;
    const i = this.tree.countBelow(r.minex ? (s) => s <= min : (s) => s < min);
    return i < this.size && scoreLteMax(this.tree.scoreAt(i), r) ? i : -1;
  }

  /** Rank of the last member with score in `r`, or -1 (zslLastInRange). */
  lastInRange(r: ScoreRange): number {
    if (emptyScoreRange(r) || this.size === 0) return -1;
    const max = r.max;
    const i = this.tree.countBelow(r.maxex ? (s) => s < max : (s) => s <= max) - 1;
    return i >= 0 && scoreGteMin(this.tree.scoreAt(i), r) ? i : -1;
  }

  /**
   * Rank of the first member in lex range `r`, or -1 (zslFirstInLexRange). Lex ranges assume equal
   * scores; when scores differ Redis's answer depends on the encoding: a listpack is scanned
   * linearly (zzlFirstInLexRange), so a listpack-encoded set is scanned the same way here.
   */
  firstInLexRange(r: LexRange): number {
    if (!this.lexMayOverlap(r)) return -1;
    if (this.encoding === 'listpack') {
      let found = -1;
      let i = 0;
      this.tree.walk(0, false, (m) => {
        if (lexGteMin(m, r)) {
          if (lexLteMax(m, r)) found = i;
          return false;
        }
        i++;
        return true;
      });
      return found;
    }
    const i = this.tree.countBelow((_s, m) => !lexGteMin(m, r));
    return i < this.size && lexLteMax(this.tree.memberAt(i), r) ? i : -1;
  }

  /** Rank of the last member in lex range `r`, or -1 (zslLastInLexRange; a listpack scans from the tail). */
  lastInLexRange(r: LexRange): number {
    if (!this.lexMayOverlap(r)) return -1;
    if (this.encoding === 'listpack') {
      let found = -1;
      let i = this.size - 1;
      this.tree.walk(i, true, (m) => {
        if (lexLteMax(m, r)) {
          if (lexGteMin(m, r)) found = i;
          return false;
        }
        i--;
        return true;
      });
      return found;
    }
    const i = this.tree.countBelow((_s, m) => lexLteMax(m, r)) - 1;
    return i >= 0 && lexGteMin(this.tree.memberAt(i), r) ? i : -1;
  }

  /**
   * zslIsInLexRange / zzlIsInLexRange: false for an empty range, or when the last member is below
   * min or the first above max. With members not in lex order (different scores) this test is
   * what decides some answers, so it is kept as Redis has it.
   */
  private lexMayOverlap(r: LexRange): boolean {
    const c = cmpLex(r.min, r.max);
    if (c > 0 || (c === 0 && (r.minex || r.maxex)) || this.size === 0) return false;
    return lexGteMin(this.tree.memberAt(this.size - 1), r) && lexLteMax(this.tree.memberAt(0), r);
  }

  /** Number of members with score in `r`, in O(log n) (ZCOUNT). */
  countInRange(r: ScoreRange): number {
    const a = this.firstInRange(r);
    if (a < 0) return 0;
    return this.lastInRange(r) - a + 1;
  }

  /** Number of members in lex range `r`, in O(log n) (ZLEXCOUNT). */
  countInLexRange(r: LexRange): number {
    const a = this.firstInLexRange(r);
    if (a < 0) return 0;
    // Redis walks a listpack from the first match while members stay <= max.
    if (this.encoding === 'listpack') return this.runLength(a, (m) => lexLteMax(m, r));
    return this.lastInLexRange(r) - a + 1;
  }

  /** How many members from rank `from` on satisfy `keep` before the first that does not. */
  private runLength(from: number, keep: (member: string, score: number) => boolean): number {
    let n = 0;
    this.tree.walk(from, false, (m, s) => {
      if (!keep(m, s)) return false;
      n++;
      return true;
    });
    return n;
  }

  /**
   * Removes ranks start..end (0-based, inclusive, already clamped); returns how many. A leaf at a
   * time: O(log n) per leaf the run spans plus O(1) per member, so O(log n + m) as Redis.
   */
  deleteRangeByRank(start: number, end: number): number {
    const total = end - start + 1;
    let removed = 0;
    const gone = (m: string): void => this.forget(m);
    while (removed < total) removed += this.tree.deleteRun(start, total - removed, gone);
    this.compact();
    return removed;
  }

  /** Removes every member with score in `r`; returns how many (zslDeleteRangeByScore). */
  deleteRangeByScore(r: ScoreRange): number {
    const a = this.firstInRange(r);
    if (a < 0) return 0;
    return this.deleteRangeByRank(a, this.lastInRange(r));
  }

  /** Removes the members from the first in lex range `r` while they stay <= its max (zslDeleteRangeByLex). */
  deleteRangeByLex(r: LexRange): number {
    const a = this.firstInLexRange(r);
    if (a < 0) return 0;
    return this.deleteRangeByRank(a, a + this.runLength(a, (m) => lexLteMax(m, r)) - 1);
  }

  /** Removes and returns the lowest (or highest, with `max`) member, or undefined. */
  pop(max = false): [string, number] | undefined {
    if (this.size === 0) return undefined;
    const i = max ? this.size - 1 : 0;
    const member = this.tree.memberAt(i);
    const score = this.dict.get(member) as number;
    this.delete(member);
    return [member, score];
  }

  /** Rewrites -0 scores as 0 (a listpack stores integral scores as integers). O(n): for small sets. */
  normalizeZeroScores(): void {
    this.tree.replaceEqualScores(0, 0, (m) => this.dict.set(m, 0));
  }

  /**
   * One ZSCAN step over a large set: visits up to `count` members with creation sequence >= cursor
   * and returns the next cursor (0 when done). Members present for a whole iteration are visited
   * exactly once; the order index is built by the first scan (O(n) once) and kept after that.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.scanOrder === null || this.seqOf === null) {
      this.scanOrder = [];
      this.seqOf = new Map();
      // The map's insertion order is the members' creation order (a member deleted and added
      // again before the first scan keeps its first place: any order serves a fresh scan).
      for (const [member, s] of this.dict) {
        if (Number.isNaN(s)) continue;
        const seq = this.nextSeq++;
        this.scanOrder.push({ member, seq });
        this.seqOf.set(member, seq);
      }
      this.scanDead = 0;
    }
    const order = this.scanOrder;
    const seqOf = this.seqOf;
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
      if (seqOf.get(e.member) !== e.seq) continue;
      visited++;
      visit(e.member, this.dict.get(e.member) as number);
    }
    return i < order.length ? (order[i] as { seq: number }).seq : 0;
  }

  /** A copy with the same members, scores and encoding (COPY, DUMP/RESTORE, MULTI snapshots). */
  clone(): SortedSet {
    const out = new SortedSet();
    out.encoding = this.encoding;
    for (const [m, s] of this.tree.entries(false)) out.add(m, s);
    return out;
  }

  /** The index's structural self-check (tests): null when sound, else what is wrong. */
  checkStructure(): string | null {
    if (this.tree.size !== this.dict.size - this.dead) return `tree holds ${this.tree.size}, map ${this.dict.size - this.dead}`;
    return this.tree.check();
  }
}
