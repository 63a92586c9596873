/**
 * A Redis set: a JS Set of members that also keeps the SCAN/random index and Redis 7.0's
 * encoding state.
 *
 * Redis 7.0 stores a set whose members are all int64s in canonical form (string2ll) as an intset
 * (a sorted array: replies list members in numeric order) while it has at most
 * set-max-intset-entries members, and converts it, for good, to a hash table otherwise (7.0 has no
 * listpack sets). Here the intset is mirrored by `ints`, a sorted bigint array (O(n) insert and
 * delete for n <= set-max-intset-entries, as Redis's memmove), used for ordered iteration; for a
 * hash table Redis gives no order and ours is insertion order.
 *
 * It extends Set so code that only reads a set can treat it as one; commands that receive a plain
 * Set (created elsewhere) upgrade it with `RedisSet.of`.
 */
import { parseInt64 } from '../protocol/numbers.js';
import { ScanIndex } from './scan-index.js';

/** Index of the first element >= n in a sorted array. */
function lowerBound(a: bigint[], n: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as bigint) < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RedisSet extends Set<string> {
  /** The intset's members in numeric order, or null once converted to a hash table. */
  private ints: bigint[] | null = [];
  readonly index = new ScanIndex();
  /** set-max-intset-entries in force (commands refresh it from the config before writing). */
  maxIntset = 512;

  /** A RedisSet with the members of `s` (itself when it already is one). */
  static of(s: Set<string>, maxIntset = 512): RedisSet {
    if (s instanceof RedisSet) return s;
    const out = new RedisSet();
    out.maxIntset = maxIntset;
    for (const m of s) out.add(m);
    return out;
  }

  get encoding(): 'intset' | 'hashtable' {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  get isIntset(): boolean {
    return this.ints !== null;
  }

  override add(member: string): this {
    // The fields are initialized after Set's constructor: guard for that window.
    if (this.index === undefined || super.has(member)) return super.add(member);
    super.add(member);
    this.index.add(member);
    if (this.ints !== null) {
      const n = member.length <= 20 ? parseInt64(member) : null;
      if (n === null || this.ints.length + 1 > this.maxIntset) this.ints = null;
      else this.ints.splice(lowerBound(this.ints, n), 0, n);
    }
    return this;
  }

  override delete(member: string): boolean {
    if (!super.delete(member)) return false;
    this.index.remove(member);
    if (this.ints !== null) {
      const n = BigInt(member);
      this.ints.splice(lowerBound(this.ints, n), 1);
    }
    return true;
  }

  override clear(): void {
    super.clear();
    this.index.clear();
    if (this.ints !== null) this.ints = [];
  }

  /** Members in Redis's iteration order: numeric for an intset, insertion order otherwise. */
  *members(): IterableIterator<string> {
    if (this.ints === null) {
      yield* this.values();
      return;
    }
    for (const n of this.ints) yield String(n);
  }

  /** A uniformly random member, O(1) expected; undefined when empty. */
  random(): string | undefined {
    if (this.ints !== null) {
      if (this.ints.length === 0) return undefined;
      return String(this.ints[Math.floor(Math.random() * this.ints.length)]);
    }
    return this.index.random();
  }

  /** A copy with the same members and encoding (COPY, RESTORE). */
  clone(): RedisSet {
    const out = new RedisSet();
    out.maxIntset = this.maxIntset;
    if (this.ints === null) out.ints = null;
    for (const m of this) out.add(m);
    return out;
  }

  /** Forces the hash table encoding (RESTORE of a converted set). */
  convertToHashtable(): void {
    this.ints = null;
  }
}
