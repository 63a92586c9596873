/**
 * A Redis hash: a Map from field to value that also keeps the SCAN/random index and Redis's
 * encoding state.
 *
 * Redis 7.0 stores a small hash as a listpack (fields in insertion order; an update keeps the
 * field's place) and converts it, for good, to a hash table once it has more than
 * hash-max-listpack-entries fields or a field or value longer than hash-max-listpack-value bytes.
 * A JS Map iterates in exactly the listpack's order, so replies of small hashes match Redis's
 * order; for a converted hash Redis has no order and ours stays insertion order.
 *
 * It extends Map so code that only reads a hash (TYPE, COPY, OBJECT, scripts) can treat it as one;
 * commands that receive a plain Map (created elsewhere) upgrade it with `RedisHash.of`.
 */
import { ScanIndex } from './scan-index.js';

export class RedisHash extends Map<string, string> {
  /** True while Redis would keep this hash as a listpack. */
  listpack = true;
  readonly index = new ScanIndex();

  /** A RedisHash with the entries of `m` (itself when it already is one). */
  static of(m: Map<string, string>): RedisHash {
    if (m instanceof RedisHash) return m;
    const h = new RedisHash();
    for (const [f, v] of m) h.set(f, v);
    return h;
  }

  get encoding(): 'listpack' | 'hashtable' {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  override set(field: string, value: string): this {
    // The index is created by a field initializer, after Map's constructor: guard for that window.
    if (this.index !== undefined && !super.has(field)) this.index.add(field);
    return super.set(field, value);
  }

  override delete(field: string): boolean {
    if (!super.delete(field)) return false;
    this.index.remove(field);
    return true;
  }

  override clear(): void {
    super.clear();
    this.index.clear();
  }

  /** A copy with the same entries, order and encoding (COPY, RESTORE). */
  clone(): RedisHash {
    const h = new RedisHash();
    for (const [f, v] of this) h.set(f, v);
    h.listpack = this.listpack;
    return h;
  }
}
