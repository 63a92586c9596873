/**
 * A growable ring buffer: push and pop at both ends in O(1) amortized, index access in O(1).
 * Backs Redis lists (Redis uses a quicklist; the complexity is the same for the ends).
 */
export class Deque<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private len = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.buf = new Array(cap);
  }

  static from<T>(items: Iterable<T>): Deque<T> {
    const d = new Deque<T>();
    for (const it of items) d.pushBack(it);
    return d;
  }

  get length(): number {
    return this.len;
  }

  private grow(): void {
    const old = this.buf;
    const cap = old.length;
    const next: (T | undefined)[] = new Array(cap * 2);
    for (let i = 0; i < this.len; i++) next[i] = old[(this.head + i) & (cap - 1)];
    this.buf = next;
    this.head = 0;
  }

  pushBack(v: T): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = v;
    this.len++;
  }

  pushFront(v: T): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.len++;
  }

  popFront(): T | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    this.maybeShrink();
    return v;
  }

  popBack(): T | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Element at index i (0 = front); undefined when out of range. Negative indexes are not accepted. */
  get(i: number): T | undefined {
    if (i < 0 || i >= this.len) return undefined;
    return this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  set(i: number, v: T): void {
    if (i < 0 || i >= this.len) throw new RangeError('index out of range');
    this.buf[(this.head + i) & (this.buf.length - 1)] = v;
  }

  /** Elements in [start, end) as an array. */
  slice(start = 0, end = this.len): T[] {
    const s = Math.max(0, start);
    const e = Math.min(this.len, end);
    const out: T[] = [];
    const mask = this.buf.length - 1;
    for (let i = s; i < e; i++) out.push(this.buf[(this.head + i) & mask] as T);
    return out;
  }

  toArray(): T[] {
    return this.slice(0, this.len);
  }

  /** Replaces the whole content (used by O(n) operations such as LREM, LINSERT, LTRIM). */
  replaceAll(items: T[]): void {
    let cap = 8;
    while (cap < items.length) cap *= 2;
    this.buf = new Array(cap);
    for (let i = 0; i < items.length; i++) this.buf[i] = items[i];
    this.head = 0;
    this.len = items.length;
  }

  /**
   * Inserts `v` so that it ends up at index `i` (0 <= i <= length), moving the shorter side:
   * O(min(i, length - i)), so inserting near either end is cheap (LINSERT).
   */
  insertAt(i: number, v: T): void {
    if (i < 0 || i > this.len) throw new RangeError('index out of range');
    if (i === 0) return this.pushFront(v);
    if (i === this.len) return this.pushBack(v);
    if (this.len === this.buf.length) this.grow();
    const mask = this.buf.length - 1;
    if (i < this.len - i) {
      // Shift the first i elements one slot to the left.
      this.head = (this.head - 1) & mask;
      for (let k = 0; k < i; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask];
    } else {
      // Shift the elements from i on one slot to the right.
      for (let k = this.len; k > i; k--) this.buf[(this.head + k) & mask] = this.buf[(this.head + k - 1) & mask];
    }
    this.buf[(this.head + i) & mask] = v;
    this.len++;
  }

  /** Removes the element at index `i`, moving the shorter side: O(min(i, length - i)). */
  removeAt(i: number): T {
    if (i < 0 || i >= this.len) throw new RangeError('index out of range');
    const mask = this.buf.length - 1;
    const v = this.buf[(this.head + i) & mask] as T;
    if (i < this.len - 1 - i) {
      for (let k = i; k > 0; k--) this.buf[(this.head + k) & mask] = this.buf[(this.head + k - 1) & mask];
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) & mask;
    } else {
      for (let k = i; k < this.len - 1; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask];
      this.buf[(this.head + this.len - 1) & mask] = undefined;
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /**
   * Removes elements equal to `v`: at most `limit` of them (0 = all), scanning from the tail when
   * `fromTail`. Returns how many were removed. O(n), one compaction pass (LREM).
   */
  removeMatching(v: T, limit: number, fromTail: boolean): number {
    const n = this.len;
    const keep = new Array<boolean>(n).fill(true);
    let removed = 0;
    for (let k = 0; k < n && (limit === 0 || removed < limit); k++) {
      const idx = fromTail ? n - 1 - k : k;
      if (this.get(idx) === v) {
        keep[idx] = false;
        removed++;
      }
    }
    if (removed === 0) return 0;
    const items: T[] = [];
    for (let k = 0; k < n; k++) if (keep[k]) items.push(this.get(k) as T);
    this.replaceAll(items);
    return removed;
  }

  /** Removes `n` elements from the front (O(n)). */
  dropFront(n: number): void {
    for (let k = 0; k < n && this.len > 0; k++) this.popFront();
  }

  /** Removes `n` elements from the back (O(n)). */
  dropBack(n: number): void {
    for (let k = 0; k < n && this.len > 0; k++) this.popBack();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) yield this.buf[(this.head + i) & mask] as T;
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > 64 && this.len < cap / 4) {
      const next: (T | undefined)[] = new Array(cap / 2);
      for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & (cap - 1)];
      this.buf = next;
      this.head = 0;
    }
  }
}
