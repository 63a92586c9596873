/**
 * The ordered index of a sorted set: a B+tree of (score, member) pairs with a subtree count per
 * child, so that search, insert, delete, rank and element-by-rank are all O(log n), as the skip
 * list of Redis's zset (t_zset.c), with far fewer objects: a leaf holds up to 128 pairs (by default) in two
 * parallel arrays (scores unboxed as doubles, members as string references), an inner node up to
 * 64 children with their counts and their minimum keys.
 *
 * Order: ascending score; equal scores by member bytes (memcmp, shorter prefix first). Members are
 * latin1 strings (one byte per char), so JS string comparison is exactly memcmp. Scores are never
 * NaN (the commands refuse it); -0 and 0 compare equal, as doubles in C.
 *
 * Invariants: every leaf is at depth `height`; every inner node's `minScores[i]`/`minMembers[i]`
 * is the smallest key under child i (so a node's own minimum is its entry 0), `counts[i]` the
 * number of pairs under child i. Non-root nodes hold at least a quarter of their capacity
 * (merged with or refilled from a sibling below that), so the height stays O(log n). Leaves are
 * doubly linked, so a range of m pairs is read in O(log n + m) from its first position.
 *
 * The tree does not know which members exist: callers (SortedSet) keep the member → score map and
 * only insert absent members and delete present ones.
 */

/** Node capacities: pairs per leaf and children per inner node (tests pass small ones for deep trees). */
export interface TreeShape {
  leafMax: number;
  innerMax: number;
}

const DEFAULT_SHAPE: TreeShape = { leafMax: 128, innerMax: 64 };

export class Leaf {
  members: string[] = [];
  scores: number[] = [];
  prev: Leaf | null = null;
  next: Leaf | null = null;
}

class Inner {
  children: (Inner | Leaf)[] = [];
  counts: number[] = [];
  minScores: number[] = [];
  minMembers: string[] = [];
}

/** Whether key (s1, m1) sorts before (s2, m2). */
function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

// Array edits written out (splice allocates its result and is generic over element kinds); one
// function per element type keeps each call site monomorphic.
function insertNum(a: number[], i: number, v: number): void {
  for (let k = a.length; k > i; k--) a[k] = a[k - 1] as number;
  a[i] = v;
}
function insertStr(a: string[], i: number, v: string): void {
  for (let k = a.length; k > i; k--) a[k] = a[k - 1] as string;
  a[i] = v;
}
function insertNode(a: (Inner | Leaf)[], i: number, v: Inner | Leaf): void {
  for (let k = a.length; k > i; k--) a[k] = a[k - 1] as Inner | Leaf;
  a[i] = v;
}
/** Removes `n` items at `i`. */
function removeNum(a: number[], i: number, n: number): void {
  const len = a.length;
  for (let k = i + n; k < len; k++) a[k - n] = a[k] as number;
  a.length = len - n;
}
function removeStr(a: string[], i: number, n: number): void {
  const len = a.length;
  for (let k = i + n; k < len; k++) a[k - n] = a[k] as string;
  a.length = len - n;
}
function removeNode(a: (Inner | Leaf)[], i: number, n: number): void {
  const len = a.length;
  for (let k = i + n; k < len; k++) a[k - n] = a[k] as Inner | Leaf;
  a.length = len - n;
}
function sum(a: number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] as number;
  return s;
}

/** Index of the child of `n` whose subtree holds key (s, m): the last child whose minimum is <= it (or 0). */
function childFor(n: Inner, s: number, m: string): number {
  const ms = n.minScores;
  const mm = n.minMembers;
  let lo = 1;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = ms[mid] as number;
    if (s < x || (s === x && m < (mm[mid] as string))) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** First index of `leaf` whose key is >= (s, m) (leaf.length when none). */
function lowerBound(leaf: Leaf, s: number, m: string): number {
  const sc = leaf.scores;
  const mb = leaf.members;
  let lo = 0;
  let hi = sc.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = sc[mid] as number;
    if (x < s || (x === s && (mb[mid] as string) < m)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A monotone predicate over keys for counting: true for a prefix of the order, false after it
 * (e.g. "score < 5"). `count` finds how many keys satisfy it in O(log n).
 */
export type Below = (score: number, member: string) => boolean;

// The root-to-leaf path of the last descent (inner node and child index per depth). Single-threaded
// and never re-entered, so one scratch path serves every tree.
const PATH_N: Inner[] = [];
const PATH_I: number[] = [];

export class ZsetTree {
  private readonly leafMax: number;
  private readonly leafMin: number;
  private readonly innerMax: number;
  private readonly innerMin: number;
  private root: Inner | Leaf = new Leaf();
  /** Number of inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  private count = 0;
  /** Position found by `seek` (leaf and index), read by the walkers. */
  private seekLeaf: Leaf = this.root as Leaf;
  private seekIdx = 0;

  constructor(shape: TreeShape = DEFAULT_SHAPE) {
    this.leafMax = Math.max(4, shape.leafMax);
    this.leafMin = this.leafMax >> 2;
    this.innerMax = Math.max(4, shape.innerMax);
    this.innerMin = this.innerMax >> 2;
  }

  get size(): number {
    return this.count;
  }

  /** The first leaf (lowest keys). */
  firstLeaf(): Leaf {
    let n = this.root;
    for (let h = this.height; h > 0; h--) n = (n as Inner).children[0] as Inner | Leaf;
    return n as Leaf;
  }

  /** The last leaf (highest keys). */
  lastLeaf(): Leaf {
    let n = this.root;
    for (let h = this.height; h > 0; h--) {
      const c = (n as Inner).children;
      n = c[c.length - 1] as Inner | Leaf;
    }
    return n as Leaf;
  }

  /** Descends to the leaf where (s, m) is or would be, recording the path; returns that leaf. */
  private descend(s: number, m: string, delta: number): Leaf {
    let n = this.root;
    for (let d = 0; d < this.height; d++) {
      const inner = n as Inner;
      const i = childFor(inner, s, m);
      PATH_N[d] = inner;
      PATH_I[d] = i;
      if (delta !== 0) inner.counts[i] = (inner.counts[i] as number) + delta;
      n = inner.children[i] as Inner | Leaf;
    }
    return n as Leaf;
  }

  /** Inserts (s, m), which must be absent. */
  insert(s: number, m: string): void {
    const leaf = this.descend(s, m, 1);
    const j = lowerBound(leaf, s, m);
    insertNum(leaf.scores, j, s);
    insertStr(leaf.members, j, m);
    this.count++;
    if (j === 0) this.setMinAbove(this.height - 1, s, m);
    if (leaf.scores.length > this.leafMax) this.splitLeaf(leaf);
  }

  /**
   * Changes the score of (s, m), which must be present, to `to`. When the new key keeps its place
   * between its neighbours in the leaf it is rewritten in place (Redis's zslUpdateScore does the
   * same for its node); otherwise it is deleted and inserted again.
   */
  update(s: number, m: string, to: number): void {
    const leaf = this.descend(s, m, 0);
    const j = lowerBound(leaf, s, m);
    const sc = leaf.scores;
    const mb = leaf.members;
    if (
      j > 0 &&
      j < sc.length - 1 &&
      before(sc[j - 1] as number, mb[j - 1] as string, to, m) &&
      before(to, m, sc[j + 1] as number, mb[j + 1] as string)
    ) {
      sc[j] = to;
      return;
    }
    this.delete(s, m);
    this.insert(to, m);
  }

  /** Deletes (s, m), which must be present. */
  delete(s: number, m: string): void {
    const leaf = this.descend(s, m, -1);
    this.removeFromLeaf(leaf, lowerBound(leaf, s, m), 1);
  }

  /**
   * Deletes up to `n` consecutive pairs from rank `r` on, within one leaf; returns how many it
   * removed (at least 1 when r < size), after handing each to `gone`. Callers loop for longer
   * runs: a run of m pairs costs O(log n) per leaf it spans plus O(m).
   */
  deleteRun(r: number, n: number, gone: (member: string) => void): number {
    const leaf = this.descendRank(r, 0);
    const j = this.seekIdx;
    const k = Math.min(n, leaf.scores.length - j);
    for (let i = j; i < j + k; i++) gone(leaf.members[i] as string);
    for (let d = 0; d < this.height; d++) {
      const inner = PATH_N[d] as Inner;
      const i = PATH_I[d] as number;
      inner.counts[i] = (inner.counts[i] as number) - k;
    }
    this.removeFromLeaf(leaf, j, k);
    return k;
  }

  /** Removes `k` pairs at index `j` of `leaf` (the path to it is recorded, counts already lowered). */
  private removeFromLeaf(leaf: Leaf, j: number, k: number): void {
    removeNum(leaf.scores, j, k);
    removeStr(leaf.members, j, k);
    this.count -= k;
    if (this.height === 0) return;
    if (j === 0 && leaf.scores.length > 0) this.setMinAbove(this.height - 1, leaf.scores[0] as number, leaf.members[0] as string);
    if (leaf.scores.length < this.leafMin) this.rebalanceLeaf();
  }

  /** Records a new minimum key for the child at PATH_I[d] of PATH_N[d], and above while it is a first child. */
  private setMinAbove(d: number, s: number, m: string): void {
    for (; d >= 0; d--) {
      const n = PATH_N[d] as Inner;
      const i = PATH_I[d] as number;
      n.minScores[i] = s;
      n.minMembers[i] = m;
      if (i !== 0) return;
    }
  }

  /** Adds `right` after child `i` of the parent at depth d (or a new root when d < 0). */
  private addSibling(d: number, left: Inner | Leaf, right: Inner | Leaf, rightCount: number, s: number, m: string): void {
    if (d < 0) {
      const root = new Inner();
      root.children.push(left, right);
      root.counts.push(this.count - rightCount, rightCount);
      const first = this.firstLeaf();
      root.minScores.push(first.scores[0] as number, s);
      root.minMembers.push(first.members[0] as string, m);
      this.root = root;
      this.height++;
      return;
    }
    const p = PATH_N[d] as Inner;
    const i = PATH_I[d] as number;
    p.counts[i] = (p.counts[i] as number) - rightCount;
    insertNode(p.children, i + 1, right);
    insertNum(p.counts, i + 1, rightCount);
    insertNum(p.minScores, i + 1, s);
    insertStr(p.minMembers, i + 1, m);
    if (p.children.length > this.innerMax) this.splitInner(d);
  }

  private splitLeaf(leaf: Leaf): void {
    const half = leaf.scores.length >> 1;
    const right = new Leaf();
    right.scores = leaf.scores.slice(half);
    right.members = leaf.members.slice(half);
    leaf.scores.length = half;
    leaf.members.length = half;
    right.next = leaf.next;
    if (right.next) right.next.prev = right;
    right.prev = leaf;
    leaf.next = right;
    this.addSibling(this.height - 1, leaf, right, right.scores.length, right.scores[0] as number, right.members[0] as string);
  }

  /** Splits the inner node at depth d in two halves. */
  private splitInner(d: number): void {
    const n = PATH_N[d] as Inner;
    const half = n.children.length >> 1;
    const right = new Inner();
    right.children = n.children.slice(half);
    right.counts = n.counts.slice(half);
    right.minScores = n.minScores.slice(half);
    right.minMembers = n.minMembers.slice(half);
    n.children.length = half;
    n.counts.length = half;
    n.minScores.length = half;
    n.minMembers.length = half;
    const rc = sum(right.counts, 0, right.counts.length);
    if (d === 0) {
      const root = new Inner();
      root.children.push(n, right);
      root.counts.push(this.count - rc, rc);
      root.minScores.push(n.minScores[0] as number, right.minScores[0] as number);
      root.minMembers.push(n.minMembers[0] as string, right.minMembers[0] as string);
      this.root = root;
      this.height++;
      return;
    }
    this.addSibling(d - 1, n, right, rc, right.minScores[0] as number, right.minMembers[0] as string);
  }

  /** Merges the underfull leaf at the end of the recorded path with a sibling, or evens the two out when they would not fit in one. */
  private rebalanceLeaf(): void {
    const d = this.height - 1;
    const p = PATH_N[d] as Inner;
    const i = PATH_I[d] as number;
    const k = i > 0 ? i - 1 : i; // the pair is children k and k + 1
    const a = p.children[k] as Leaf;
    const b = p.children[k + 1] as Leaf;
    const total = a.scores.length + b.scores.length;
    if (total <= this.leafMax) {
      for (let x = 0; x < b.scores.length; x++) {
        a.scores.push(b.scores[x] as number);
        a.members.push(b.members[x] as string);
      }
      a.next = b.next;
      if (a.next) a.next.prev = a;
      p.counts[k] = total;
      removeNode(p.children, k + 1, 1);
      removeNum(p.counts, k + 1, 1);
      removeNum(p.minScores, k + 1, 1);
      removeStr(p.minMembers, k + 1, 1);
      // `a` was the emptied first child: its minimum is now b's.
      if (total > 0 && (p.minScores[k] !== a.scores[0] || p.minMembers[k] !== a.members[0])) {
        PATH_I[d] = k;
        this.setMinAbove(d, a.scores[0] as number, a.members[0] as string);
      }
      this.afterRemoval(d);
      return;
    }
    const want = total >> 1;
    if (a.scores.length < want) {
      const move = want - a.scores.length;
      for (let x = 0; x < move; x++) {
        a.scores.push(b.scores[x] as number);
        a.members.push(b.members[x] as string);
      }
      removeNum(b.scores, 0, move);
      removeStr(b.members, 0, move);
    } else {
      b.scores = a.scores.slice(want).concat(b.scores);
      b.members = a.members.slice(want).concat(b.members);
      a.scores.length = want;
      a.members.length = want;
    }
    p.counts[k] = a.scores.length;
    p.counts[k + 1] = b.scores.length;
    p.minScores[k + 1] = b.scores[0] as number;
    p.minMembers[k + 1] = b.members[0] as string;
  }

  /** After the inner node at depth d lost a child: collapse the root, or rebalance an underfull node. */
  private afterRemoval(d: number): void {
    const n = PATH_N[d] as Inner;
    if (d === 0) {
      // The root shrinks to its only child.
      let r: Inner | Leaf = n;
      while (this.height > 0 && (r as Inner).children.length === 1) {
        r = (r as Inner).children[0] as Inner | Leaf;
        this.height--;
      }
      this.root = r;
      return;
    }
    if (n.children.length >= this.innerMin) return;
    const p = PATH_N[d - 1] as Inner;
    const i = PATH_I[d - 1] as number;
    const k = i > 0 ? i - 1 : i;
    const a = p.children[k] as Inner;
    const b = p.children[k + 1] as Inner;
    const total = a.children.length + b.children.length;
    if (total <= this.innerMax) {
      for (let x = 0; x < b.children.length; x++) {
        a.children.push(b.children[x] as Inner | Leaf);
        a.counts.push(b.counts[x] as number);
        a.minScores.push(b.minScores[x] as number);
        a.minMembers.push(b.minMembers[x] as string);
      }
      p.counts[k] = (p.counts[k] as number) + (p.counts[k + 1] as number);
      removeNode(p.children, k + 1, 1);
      removeNum(p.counts, k + 1, 1);
      removeNum(p.minScores, k + 1, 1);
      removeStr(p.minMembers, k + 1, 1);
      this.afterRemoval(d - 1);
      return;
    }
    const want = total >> 1;
    if (a.children.length < want) {
      const move = want - a.children.length;
      for (let x = 0; x < move; x++) {
        a.children.push(b.children[x] as Inner | Leaf);
        a.counts.push(b.counts[x] as number);
        a.minScores.push(b.minScores[x] as number);
        a.minMembers.push(b.minMembers[x] as string);
      }
      removeNode(b.children, 0, move);
      removeNum(b.counts, 0, move);
      removeNum(b.minScores, 0, move);
      removeStr(b.minMembers, 0, move);
    } else {
      b.children = a.children.slice(want).concat(b.children);
      b.counts = a.counts.slice(want).concat(b.counts);
      b.minScores = a.minScores.slice(want).concat(b.minScores);
      b.minMembers = a.minMembers.slice(want).concat(b.minMembers);
      a.children.length = want;
      a.counts.length = want;
      a.minScores.length = want;
      a.minMembers.length = want;
    }
    const ac = sum(a.counts, 0, a.counts.length);
    p.counts[k + 1] = (p.counts[k] as number) + (p.counts[k + 1] as number) - ac;
    p.counts[k] = ac;
    p.minScores[k + 1] = b.minScores[0] as number;
    p.minMembers[k + 1] = b.minMembers[0] as string;
  }

  // ---- queries ----------------------------------------------------------------------------

  /** 0-based rank of (s, m), which must be present. */
  rank(s: number, m: string): number {
    let n = this.root;
    let r = 0;
    for (let h = this.height; h > 0; h--) {
      const inner = n as Inner;
      const i = childFor(inner, s, m);
      r += sum(inner.counts, 0, i);
      n = inner.children[i] as Inner | Leaf;
    }
    return r + lowerBound(n as Leaf, s, m);
  }

  /** Descends to rank r (0 ≤ r < size), recording the path; the leaf is returned and the index left in seekIdx. */
  private descendRank(r: number, delta: number): Leaf {
    let n = this.root;
    for (let d = 0; d < this.height; d++) {
      const inner = n as Inner;
      const counts = inner.counts;
      let i = 0;
      const last = counts.length - 1;
      while (i < last && r >= (counts[i] as number)) r -= counts[i++] as number;
      PATH_N[d] = inner;
      PATH_I[d] = i;
      if (delta !== 0) counts[i] = (counts[i] as number) + delta;
      n = inner.children[i] as Inner | Leaf;
    }
    this.seekIdx = r;
    this.seekLeaf = n as Leaf;
    return n as Leaf;
  }

  /** Positions the walkers at rank r (0 ≤ r < size): `seekLeaf` and `seekIdx`. */
  seek(r: number): void {
    this.descendRank(r, 0);
  }

  /** Member at rank r (0 ≤ r < size). */
  memberAt(r: number): string {
    this.descendRank(r, 0);
    return this.seekLeaf.members[this.seekIdx] as string;
  }

  /** Score at rank r (0 ≤ r < size). */
  scoreAt(r: number): number {
    this.descendRank(r, 0);
    return this.seekLeaf.scores[this.seekIdx] as number;
  }

  /** How many keys satisfy `below`, a predicate true for a prefix of the order, in O(log n). */
  countBelow(below: Below): number {
    let n = this.root;
    let r = 0;
    for (let h = this.height; h > 0; h--) {
      const inner = n as Inner;
      const ms = inner.minScores;
      const mm = inner.minMembers;
      // The last child whose minimum is below (or 0): the ones before it are entirely below.
      let lo = 1;
      let hi = ms.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (below(ms[mid] as number, mm[mid] as string)) lo = mid + 1;
        else hi = mid;
      }
      r += sum(inner.counts, 0, lo - 1);
      n = inner.children[lo - 1] as Inner | Leaf;
    }
    const leaf = n as Leaf;
    let lo = 0;
    let hi = leaf.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(leaf.scores[mid] as number, leaf.members[mid] as string)) lo = mid + 1;
      else hi = mid;
    }
    return r + lo;
  }

  /**
   * Calls `visit(member, score)` for the pairs from rank r (0 ≤ r < size) on, ascending or
   * (`reverse`) descending, until it returns false or the set ends. O(log n) to start, O(1) per pair.
   */
  walk(r: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    this.descendRank(r, 0);
    let leaf: Leaf | null = this.seekLeaf;
    let j = this.seekIdx;
    if (reverse) {
      while (leaf) {
        const sc = leaf.scores;
        const mb = leaf.members;
        for (; j >= 0; j--) if (!visit(mb[j] as string, sc[j] as number)) return;
        leaf = leaf.prev;
        if (leaf) j = leaf.scores.length - 1;
      }
      return;
    }
    while (leaf) {
      const sc = leaf.scores;
      const mb = leaf.members;
      const len = sc.length;
      for (; j < len; j++) if (!visit(mb[j] as string, sc[j] as number)) return;
      leaf = leaf.next;
      j = 0;
    }
  }

  /** Every pair in order (or reverse order). */
  *entries(reverse = false): IterableIterator<[string, number]> {
    if (reverse) {
      for (let leaf: Leaf | null = this.lastLeaf(); leaf; leaf = leaf.prev) {
        for (let j = leaf.scores.length - 1; j >= 0; j--) yield [leaf.members[j] as string, leaf.scores[j] as number];
      }
      return;
    }
    for (let leaf: Leaf | null = this.firstLeaf(); leaf; leaf = leaf.next) {
      for (let j = 0; j < leaf.scores.length; j++) yield [leaf.members[j] as string, leaf.scores[j] as number];
    }
  }

  /** Rewrites every score equal to `from` (compared with ===) as `to`, keeping the order; only for equal values such as -0 and 0. */
  replaceEqualScores(from: number, to: number, changed: (member: string) => void): void {
    for (let leaf: Leaf | null = this.firstLeaf(); leaf; leaf = leaf.next) {
      for (let j = 0; j < leaf.scores.length; j++) {
        if (leaf.scores[j] === from && !Object.is(leaf.scores[j], to)) {
          leaf.scores[j] = to;
          changed(leaf.members[j] as string);
        }
      }
    }
    // Inner minimums may hold the old value; they compare equal, so the order is unaffected.
  }

  /**
   * Structural self-check for tests: depth, counts, minimums, order, fill and leaf links. Returns
   * a description of the first violation, or null.
   */
  check(): string | null {
    const leaves: Leaf[] = [];
    const visit = (n: Inner | Leaf, depth: number, isRoot: boolean): [number, number, string] | string => {
      if (depth === this.height) {
        const l = n as Leaf;
        if (!(l instanceof Leaf)) return 'inner node at leaf depth';
        if (!isRoot && l.scores.length < this.leafMin) return `leaf underfull (${l.scores.length})`;
        if (l.scores.length > this.leafMax) return 'leaf overfull';
        if (l.scores.length !== l.members.length) return 'leaf arrays differ';
        for (let j = 1; j < l.scores.length; j++) {
          if (!before(l.scores[j - 1] as number, l.members[j - 1] as string, l.scores[j] as number, l.members[j] as string))
            return 'leaf out of order';
        }
        leaves.push(l);
        return [l.scores.length, l.scores[0] as number, l.members[0] as string];
      }
      const inner = n as Inner;
      if (!(inner instanceof Inner)) return 'leaf above leaf depth';
      if (!isRoot && inner.children.length < this.innerMin) return `inner underfull (${inner.children.length})`;
      if (isRoot && inner.children.length < 2) return 'root with one child';
      if (inner.children.length > this.innerMax) return 'inner overfull';
      let total = 0;
      for (let i = 0; i < inner.children.length; i++) {
        const r = visit(inner.children[i] as Inner | Leaf, depth + 1, false);
        if (typeof r === 'string') return r;
        if (r[0] !== inner.counts[i]) return `count ${inner.counts[i]} != ${r[0]}`;
        if (r[1] !== inner.minScores[i] || r[2] !== inner.minMembers[i]) return `min key mismatch at depth ${depth}`;
        total += r[0];
      }
      return [total, inner.minScores[0] as number, inner.minMembers[0] as string];
    };
    const r = visit(this.root, 0, true);
    if (typeof r === 'string') return r;
    if (r[0] !== this.count) return `size ${this.count} != ${r[0]}`;
    for (let i = 0; i < leaves.length; i++) {
      if ((leaves[i] as Leaf).prev !== (leaves[i - 1] ?? null)) return 'prev link broken';
      if ((leaves[i] as Leaf).next !== (leaves[i + 1] ?? null)) return 'next link broken';
    }
    return null;
  }
}
