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
