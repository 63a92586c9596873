/** Sorted set: placeholder until the sorted-set type lands (issue 6). */
export class SortedSet {
  get size(): number {
    return 0;
  }

  clone(): SortedSet {
    return new SortedSet();
  }
}
