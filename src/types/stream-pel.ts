/**
 * An ordered map from stream IDs to values: a skip list, for the pending entries lists (PELs) of
 * consumer groups and consumers (radix trees in Redis). Lookup, insert and delete are O(log n);
 * iteration from any ID is in ascending ID order. Level choice uses a per-map deterministic
 * generator, so the structure is reproducible (it never shows in replies anyway).
 */
import type { StreamId } from './stream-id.js';

const MAX_LEVEL = 32;

export interface IdMapNode<V> {
  id: StreamId;
  value: V;
  next: (IdMapNode<V> | undefined)[];
}

export class IdMap<V> {
  private readonly head: IdMapNode<V> = { id: -1n, value: undefined as V, next: [undefined] };
  private level = 1;
  private seed = 0x2545f491;
  private count = 0;
  private tail: IdMapNode<V> | undefined;

  get size(): number {
    return this.count;
  }

  private randomLevel(): number {
    let lvl = 1;
    for (;;) {
      // xorshift32
      let x = this.seed;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.seed = x >>> 0;
      if ((this.seed & 3) !== 0 || lvl >= MAX_LEVEL) return lvl;
      lvl++;
    }
  }

  /** The last node with id < `id` at each level (the search path). */
  private path(id: StreamId): IdMapNode<V>[] {
    const update: IdMapNode<V>[] = new Array(this.level);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const n = x.next[i];
        if (n === undefined || n.id >= id) break;
        x = n;
      }
      update[i] = x;
    }
    return update;
  }

  /** The first node with id >= `id`. */
  seek(id: StreamId): IdMapNode<V> | undefined {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const n = x.next[i];
        if (n === undefined || n.id >= id) break;
        x = n;
      }
    }
    return x.next[0];
  }

  get(id: StreamId): V | undefined {
    const n = this.seek(id);
    return n !== undefined && n.id === id ? n.value : undefined;
  }

  has(id: StreamId): boolean {
    const n = this.seek(id);
    return n !== undefined && n.id === id;
  }

  /** Inserts or replaces; returns true when the ID was not present. */
  set(id: StreamId, value: V): boolean {
    const update = this.path(id);
    const at = (update[0] as IdMapNode<V>).next[0];
    if (at !== undefined && at.id === id) {
      at.value = value;
      return false;
    }
    const lvl = this.randomLevel();
    if (lvl > this.level) {
      for (let i = this.level; i < lvl; i++) {
        update[i] = this.head;
        this.head.next[i] = undefined;
      }
      this.level = lvl;
    }
    const node: IdMapNode<V> = { id, value, next: new Array(lvl) };
    for (let i = 0; i < lvl; i++) {
      const prev = update[i] as IdMapNode<V>;
      node.next[i] = prev.next[i];
      prev.next[i] = node;
    }
    if (node.next[0] === undefined) this.tail = node;
    this.count++;
    return true;
  }

  delete(id: StreamId): boolean {
    const update = this.path(id);
    const node = (update[0] as IdMapNode<V>).next[0];
    if (node === undefined || node.id !== id) return false;
    for (let i = 0; i < node.next.length; i++) {
      const prev = update[i] as IdMapNode<V>;
      if (prev.next[i] === node) prev.next[i] = node.next[i];
    }
    while (this.level > 1 && this.head.next[this.level - 1] === undefined) this.level--;
    if (this.tail === node) this.tail = update[0] === this.head ? undefined : update[0];
    this.count--;
    return true;
  }

  first(): IdMapNode<V> | undefined {
    return this.head.next[0];
  }

  last(): IdMapNode<V> | undefined {
    return this.tail;
  }

  /** Iterates entries with id >= `from` (default: all) in ascending order. */
  *entries(from?: StreamId): IterableIterator<IdMapNode<V>> {
    let n = from === undefined ? this.head.next[0] : this.seek(from);
    while (n !== undefined) {
      const next = n.next[0];
      yield n;
      n = next;
    }
  }
}
