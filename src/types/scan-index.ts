/**
 * The creation order of a collection's members, for SCAN cursors and random picks.
 *
 * Each member gets a sequence number when it is added; `order` lists members by that number. A
 * cursor is "the next sequence number to visit", so it survives inserts and deletes: every member
 * present for the whole iteration is visited exactly once, and a step costs O(log n + count).
 * Deleted members leave holes that are compacted away once they are at least half of `order`
 * (amortized O(1) per delete), which also keeps a random pick at O(1) expected probes.
 *
 * Redis's hash tables get the same guarantees from reverse-binary bucket cursors; the cursor values
 * and the page order differ (Redis gives no order for a hash table), the guarantees do not.
 */
export interface Slot {
  key: string;
  seq: number;
}

/**
 * One SCAN step over `order` (slots sorted by sequence number, holes allowed): visits up to `count`
 * slots for which `live` holds, from cursor `cursor` (a sequence number, 0 = start), and returns the
 * next cursor, 0 when the iteration is complete. Shared by collections (ScanIndex) and databases.
 */
export function scanSlots(
  order: readonly Slot[],
  cursor: number,
  count: number,
  live: (s: Slot) => boolean,
  visit: (key: string) => void,
): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((order[mid] as Slot).seq < cursor) lo = mid + 1;
    else hi = mid;
  }
  let visited = 0;
  let i = lo;
  for (; i < order.length && visited < count; i++) {
    const s = order[i] as Slot;
    if (!live(s)) continue;
    visited++;
    visit(s.key);
  }
  // Skip trailing holes so a finished iteration reports 0 at once.
  while (i < order.length && !live(order[i] as Slot)) i++;
  return i < order.length ? (order[i] as Slot).seq : 0;
}

/**
 * The position of a uniformly random live slot among `length` slots, at least one of them live.
 * O(1) expected while at most half the slots are holes (both owners compact them so once they
 * are large); after 64 misses (a small, mostly dead order), a pick among the live ones. Shared
 * by collections (ScanIndex.random: SRANDMEMBER, HRANDFIELD, SPOP) and databases (RANDOMKEY),
 * which keep their SCAN order in different shapes.
 */
export function randomLiveIndex(length: number, live: (i: number) => boolean): number {
  for (let tries = 0; tries < 64; tries++) {
    const i = Math.floor(Math.random() * length);
    if (live(i)) return i;
  }
  const alive: number[] = [];
  for (let i = 0; i < length; i++) if (live(i)) alive.push(i);
  return alive[Math.floor(Math.random() * alive.length)] as number;
}

export class ScanIndex {
  private seqOf = new Map<string, number>();
  private order: Slot[] = [];
  private dead = 0;
  private nextSeq = 1;

  get size(): number {
    return this.seqOf.size;
  }

  /** Records a member that was not present. */
  add(key: string): void {
    const seq = this.nextSeq++;
    this.seqOf.set(key, seq);
    this.order.push({ key, seq });
  }

  /** Forgets a member that was present. */
  remove(key: string): void {
    if (!this.seqOf.delete(key)) return;
    this.dead++;
    if (this.seqOf.size === 0) {
      this.order = [];
      this.dead = 0;
    } else if (this.dead > 16 && this.dead * 2 > this.order.length) {
      this.order = this.order.filter((s) => this.seqOf.get(s.key) === s.seq);
      this.dead = 0;
    }
  }

  clear(): void {
    this.seqOf.clear();
    this.order = [];
    this.dead = 0;
  }

  private live(s: Slot): boolean {
    return this.seqOf.get(s.key) === s.seq;
  }

  /** A uniformly random member (undefined when empty); O(1) expected. */
  random(): string | undefined {
    if (this.seqOf.size === 0) return undefined;
    const order = this.order;
    return (order[randomLiveIndex(order.length, (i) => this.live(order[i] as Slot))] as Slot).key;
  }

  /**
   * One SCAN step: visits up to `count` live members from cursor `cursor` (a sequence number, 0 =
   * start) and returns the next cursor, 0 when the iteration is complete.
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    return scanSlots(this.order, cursor, count, (s) => this.live(s), visit);
  }
}
