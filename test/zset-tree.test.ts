/**
 * The sorted set's B+tree index at the sizes where it has several levels (tens of thousands of
 * members: leaves split and merge, inner nodes split, merge, borrow, and the root grows and
 * collapses), driven by a seeded random sequence and checked against a plain sorted-array model:
 * order (score, then member bytes, with many ties on score), ranks from both ends, element by rank,
 * score and lex range ends and counts, walks in both directions, range deletes spanning many
 * leaves, pops, and the tree's own structural invariants.
 */
import { describe, expect, it } from 'vitest';
import { LEX_MAX, LEX_MIN, type LexRange, type ScoreRange, SortedSet } from '../src/types/sortedset.js';
import { rng } from './rng.js';

type Entry = [string, number];

function before(a: Entry, b: Entry): boolean {
  return a[1] < b[1] || (a[1] === b[1] && a[0] < b[0]);
}

/** The reference: a sorted array of [member, score] and a member → score map. */
class Model {
  arr: Entry[] = [];
  map = new Map<string, number>();

  /** Index of the first entry not before `e`. */
  lower(e: Entry): number {
    let lo = 0;
    let hi = this.arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.arr[mid] as Entry, e)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(m: string, s: number): boolean {
    const old = this.map.get(m);
    if (old !== undefined) {
      if (old === s) return false;
      this.arr.splice(this.lower([m, old]), 1);
    }
    this.map.set(m, s);
    this.arr.splice(this.lower([m, s]), 0, [m, s]);
    return old === undefined;
  }

  delete(m: string): boolean {
    const old = this.map.get(m);
    if (old === undefined) return false;
    this.map.delete(m);
    this.arr.splice(this.lower([m, old]), 1);
    return true;
  }

  removeRanks(a: number, b: number): void {
    for (const [m] of this.arr.splice(a, b - a + 1)) this.map.delete(m);
  }
}

function inScore(v: number, r: ScoreRange): boolean {
  return (r.minex ? v > r.min : v >= r.min) && (r.maxex ? v < r.max : v <= r.max);
}

function inLex(m: string, r: LexRange): boolean {
  const geMin = r.min === LEX_MIN || (r.min !== LEX_MAX && (r.minex ? m > r.min : m >= r.min));
  const leMax = r.max === LEX_MAX || (r.max !== LEX_MIN && (r.maxex ? m < r.max : m <= r.max));
  return geMin && leMax;
}

const SCORES = [Number.NEGATIVE_INFINITY, -1.5, -0, 0, 1, 2, 3, 5, 8, 13, 21, 1e9, Number.POSITIVE_INFINITY];

// The default node capacities, and tiny ones that make a tree of eight or more levels, where inner
// nodes split, merge and borrow at every depth.
const SHAPES = [
  { name: 'default capacities', shape: undefined },
  { name: 'tiny nodes', shape: { leafMax: 8, innerMax: 8 } },
];

describe('SortedSet B+tree index against a sorted-array model', () => {
  it.each(SHAPES)(
    'keeps order, ranks and ranges through growth, churn and shrinking to empty ($name)',
    ({ shape }) => {
      const rand = rng(1717);
      const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
      const z = new SortedSet(shape);
      z.encoding = 'skiplist';
      const model = new Model();
      const memberOf = (i: number) => `m${i.toString(36)}`;
      let universe = 40_000;
      const score = () => (rand() < 0.7 ? pick(SCORES) : Math.floor(rand() * 2000) / 4);

      const checkQueries = () => {
        const n = model.arr.length;
        expect(z.size).toBe(n);
        if (n === 0) {
          expect(z.first()).toBeNull();
          expect(z.pop()).toBeUndefined();
          return;
        }
        for (let q = 0; q < 5; q++) {
          const i = Math.floor(rand() * n);
          const [m, s] = model.arr[i] as Entry;
          expect(z.rank(m)).toBe(i);
          expect(z.rank(m, true)).toBe(n - 1 - i);
          expect(z.score(m)).toBe(s);
          expect(z.at(i)).toEqual({ member: m, score: s });
        }
        const lo = score();
        const hi = score();
        const r: ScoreRange = { min: Math.min(lo, hi), max: Math.max(lo, hi), minex: rand() < 0.5, maxex: rand() < 0.5 };
        let first = -1;
        let last = -1;
        model.arr.forEach(([, v], i) => {
          if (inScore(v, r)) {
            if (first < 0) first = i;
            last = i;
          }
        });
        expect(z.firstInRange(r)).toBe(first);
        expect(z.lastInRange(r)).toBe(last);
        expect(z.countInRange(r)).toBe(first < 0 ? 0 : last - first + 1);
        // Walks of a few members from a random rank, both ways.
        const from = Math.floor(rand() * n);
        const reverse = rand() < 0.5;
        const got: Entry[] = [];
        z.walk(from, reverse, (m, s) => got.push([m, s]) < 40);
        const want = reverse ? model.arr.slice(Math.max(0, from - 39), from + 1).reverse() : model.arr.slice(from, from + 40);
        expect(got).toEqual(want);
      };

      const fullCheck = () => {
        expect(z.checkStructure()).toBeNull();
        expect([...z]).toEqual(model.arr);
        expect([...z.entries(true)]).toEqual([...model.arr].reverse());
      };

      // Phases: grow (mostly adds), churn (adds, score updates, deletes, range deletes), shrink to empty.
      const phases: [steps: number, add: number, del: number][] = [
        [40_000, 0.9, 0.05],
        [30_000, 0.45, 0.4],
        [60_000, 0.1, 0.85],
      ];
      let step = 0;
      for (const [steps, pAdd, pDel] of phases) {
        for (let k = 0; k < steps; k++, step++) {
          const op = rand();
          if (op < pAdd) {
            const m = memberOf(Math.floor(rand() * universe));
            const s = score();
            expect(z.add(m, s)).toBe(model.add(m, s));
          } else if (op < pAdd + pDel) {
            // Delete a member that exists (most of the time) or not.
            const m =
              rand() < 0.9 && model.arr.length
                ? (model.arr[Math.floor(rand() * model.arr.length)] as Entry)[0]
                : memberOf(Math.floor(rand() * universe));
            expect(z.delete(m)).toBe(model.delete(m));
          } else if (op < pAdd + pDel + 0.02) {
            const max = rand() < 0.5;
            const got = z.pop(max);
            const want = max ? model.arr[model.arr.length - 1] : model.arr[0];
            expect(got).toEqual(want);
            if (want) model.delete(want[0]);
          } else if (op < pAdd + pDel + 0.025 && model.arr.length) {
            // A rank range spanning up to several leaves.
            const a = Math.floor(rand() * model.arr.length);
            const b = Math.min(model.arr.length - 1, a + Math.floor(rand() * 600));
            expect(z.deleteRangeByRank(a, b)).toBe(b - a + 1);
            model.removeRanks(a, b);
          } else if (op < pAdd + pDel + 0.028) {
            const v = Math.floor(rand() * 2000) / 4;
            const r: ScoreRange = { min: v, max: v + rand() * 3, minex: rand() < 0.5, maxex: rand() < 0.5 };
            const doomed = model.arr.filter(([, s]) => inScore(s, r));
            expect(z.deleteRangeByScore(r)).toBe(doomed.length);
            for (const [m] of doomed) model.delete(m);
          } else {
            checkQueries();
          }
          if (step % 5000 === 0) fullCheck();
        }
        if (pDel > 0.5) {
          // Drain what is left, largely through range deletes.
          while (model.arr.length) {
            const b = Math.min(model.arr.length - 1, Math.floor(rand() * 3000));
            expect(z.deleteRangeByRank(0, b)).toBe(b + 1);
            model.removeRanks(0, b);
            if (rand() < 0.2) fullCheck();
          }
        }
        fullCheck();
        checkQueries();
        universe = Math.max(1000, universe >> 1);
      }
      expect(z.size).toBe(0);
      // The emptied set is as good as new.
      for (let i = 0; i < 5000; i++) z.add(memberOf(i), i % 3);
      for (let i = 0; i < 5000; i++) model.add(memberOf(i), i % 3);
      fullCheck();
    },
    120_000,
  );

  it.each(SHAPES)(
    'answers lex ranges over equal scores at every level of the tree ($name)',
    ({ shape }) => {
      const rand = rng(99);
      const z = new SortedSet(shape);
      z.encoding = 'skiplist';
      const model = new Model();
      const word = () => {
        let w = '';
        const len = 1 + Math.floor(rand() * 4);
        for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(rand() * 6));
        return w;
      };
      for (let i = 0; i < 20_000; i++) {
        const m = `${word()}${i % 7 === 0 ? '\xff' : ''}${Math.floor(rand() * 100)}`;
        z.add(m, 0);
        model.add(m, 0);
      }
      const bound = (): LexRange['min'] => (rand() < 0.1 ? LEX_MIN : rand() < 0.1 ? LEX_MAX : word());
      for (let q = 0; q < 400; q++) {
        const r: LexRange = { min: bound(), max: bound(), minex: rand() < 0.5, maxex: rand() < 0.5 };
        let first = -1;
        let last = -1;
        model.arr.forEach(([m], i) => {
          if (inLex(m, r)) {
            if (first < 0) first = i;
            last = i;
          }
        });
        expect(z.firstInLexRange(r)).toBe(first);
        expect(z.lastInLexRange(r)).toBe(last);
        expect(z.countInLexRange(r)).toBe(first < 0 ? 0 : last - first + 1);
        if (q % 20 === 0) {
          expect(z.deleteRangeByLex(r)).toBe(first < 0 ? 0 : last - first + 1);
          if (first >= 0) model.removeRanks(first, last);
          expect(z.checkStructure()).toBeNull();
          expect([...z]).toEqual(model.arr);
        }
      }
    },
    60_000,
  );
});
