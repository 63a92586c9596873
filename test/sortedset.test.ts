/**
 * The SortedSet (map + B+tree index) on its own: random operations checked against a sorted-array model
 * (order by score then member bytes, ranks, element by rank, score and lex ranges, range deletes,
 * pops, scan cursors), plus the logarithmic cost of rank queries on a large set.
 */
import { describe, expect, it } from 'vitest';
import { LEX_MAX, LEX_MIN, type LexRange, lexLteMax, type ScoreRange, SortedSet } from '../src/types/sortedset.js';
import { rng } from './rng.js';

type Entry = [string, number];

function cmp(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function model(m: Map<string, number>): Entry[] {
  return [...m].sort(cmp);
}

function inScore(v: number, r: ScoreRange): boolean {
  return (r.minex ? v > r.min : v >= r.min) && (r.maxex ? v < r.max : v <= r.max);
}

describe('SortedSet', () => {
  it('orders equal scores by member bytes (memcmp, shorter prefix first)', () => {
    const z = new SortedSet();
    for (const m of ['b', 'a', 'ab', '\xff', 'A', '', 'a\x00']) z.add(m, 1);
    z.add('low', 0);
    expect([...z].map((e) => e[0])).toEqual(['low', '', 'A', 'a', 'a\x00', 'ab', 'b', '\xff']);
    expect([...z.members()]).toEqual(['low', '', 'A', 'a', 'a\x00', 'ab', 'b', '\xff']);
  });

  it('matches a sorted-array model under random operations', () => {
    const rand = rng(42);
    const z = new SortedSet();
    const m = new Map<string, number>();
    const scores = [Number.NEGATIVE_INFINITY, -2, -1, 0, 0.5, 1, 2, 3, Number.POSITIVE_INFINITY];
    for (let step = 0; step < 4000; step++) {
      const op = rand();
      const member = `m${Math.floor(rand() * 300)}`;
      if (op < 0.55) {
        const s = scores[Math.floor(rand() * scores.length)] as number;
        expect(z.add(member, s)).toBe(!m.has(member));
        m.set(member, s);
      } else if (op < 0.8) {
        expect(z.delete(member)).toBe(m.delete(member));
      } else if (op < 0.85) {
        const got = z.pop(rand() < 0.5);
        if (got) m.delete(got[0]);
        else expect(m.size).toBe(0);
      } else if (op < 0.9) {
        const r: ScoreRange = { min: -1, max: 1, minex: rand() < 0.5, maxex: rand() < 0.5 };
        const expected = [...m].filter(([, v]) => inScore(v, r)).length;
        expect(z.deleteRangeByScore(r)).toBe(expected);
        for (const [k, v] of [...m]) if (inScore(v, r)) m.delete(k);
      } else if (op < 0.93 && m.size > 0) {
        const sorted = model(m);
        const a = Math.floor(rand() * sorted.length);
        const b = Math.min(sorted.length - 1, a + Math.floor(rand() * 5));
        expect(z.deleteRangeByRank(a, b)).toBe(b - a + 1);
        for (const [k] of sorted.slice(a, b + 1)) m.delete(k);
      }
      if (step % 50 === 0 || step > 3950) {
        const sorted = model(m);
        expect(z.size).toBe(m.size);
        expect([...z]).toEqual(sorted);
        sorted.forEach(([k, v], i) => {
          expect(z.rank(k)).toBe(i);
          expect(z.rank(k, true)).toBe(sorted.length - 1 - i);
          expect(z.at(i)?.member).toBe(k);
          expect(z.score(k)).toBe(v);
        });
        // The reverse walk mirrors the forward order.
        expect([...z.entries(true)].reverse()).toEqual(sorted);
        expect(z.checkStructure()).toBeNull();
        const r: ScoreRange = { min: 0, max: 2, minex: step % 3 === 0, maxex: step % 5 === 0 };
        const inR = sorted.filter(([, v]) => inScore(v, r));
        expect(z.countInRange(r)).toBe(inR.length);
        expect(z.at(z.firstInRange(r))?.member).toBe(inR[0]?.[0]);
        expect(z.at(z.lastInRange(r))?.member).toBe(inR[inR.length - 1]?.[0]);
      }
    }
  });

  it('answers lex ranges with inclusive, exclusive and infinite bounds', () => {
    const z = new SortedSet();
    for (const m of ['a', 'b', 'c', 'd', 'e']) z.add(m, 0);
    const range = (min: LexRange['min'], max: LexRange['max'], minex: boolean, maxex: boolean): string[] => {
      const r: LexRange = { min, max, minex, maxex };
      const out: string[] = [];
      z.walk(z.firstInLexRange(r), false, (m) => lexLteMax(m, r) && out.push(m) > 0);
      expect(z.countInLexRange(r)).toBe(out.length);
      return out;
    };
    expect(range(LEX_MIN, LEX_MAX, true, true)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(range('b', 'd', false, false)).toEqual(['b', 'c', 'd']);
    expect(range('b', 'd', true, true)).toEqual(['c']);
    expect(range('d', 'b', false, false)).toEqual([]);
    expect(range('c', 'c', false, true)).toEqual([]);
    expect(z.at(z.lastInLexRange({ min: LEX_MIN, max: 'c', minex: true, maxex: true }))?.member).toBe('b');
    expect(z.deleteRangeByLex({ min: 'b', max: 'd', minex: false, maxex: true })).toBe(2);
    expect([...z].map((e) => e[0])).toEqual(['a', 'd', 'e']);
  });

  it('moves a member in place or re-links it when its score changes, keeping ranks right', () => {
    const z = new SortedSet();
    for (let i = 0; i < 100; i++) z.add(`m${i}`, i);
    z.add('m50', 50.5); // stays between m50's neighbours
    z.add('m10', 1000); // moves to the end
    z.add('m99', -1); // moves to the front
    expect(z.rank('m10')).toBe(99);
    expect(z.rank('m99')).toBe(0);
    // m99 now precedes m51 and m10 no longer does: m51 keeps rank 51.
    expect(z.rank('m51')).toBe(51);
    expect(z.at(51)?.member).toBe('m51');
    expect(z.rank('m50')).toBe(50);
  });

  it('scan visits every member present throughout exactly once despite changes', () => {
    const z = new SortedSet();
    for (let i = 0; i < 1000; i++) z.add(`m${i}`, i % 7);
    const seen = new Map<string, number>();
    let cursor = 0;
    let round = 0;
    do {
      cursor = z.scan(cursor, 37, (m) => seen.set(m, (seen.get(m) ?? 0) + 1));
      // Churn between calls: delete some early members, add new ones, update scores.
      z.delete(`m${round * 3 + 1}`);
      z.add(`new${round}`, round);
      z.add(`m${999 - round}`, -round);
      round++;
    } while (cursor !== 0);
    for (let i = 0; i < 1000; i++) {
      const m = `m${i}`;
      const deleted = i % 3 === 1 && (i - 1) / 3 < round;
      if (!deleted) expect(seen.get(m), m).toBe(1);
    }
  });

  it('clone copies members, scores and encoding independently', () => {
    const z = new SortedSet();
    z.add('a', 1);
    z.add('b', 2);
    z.encoding = 'skiplist';
    const c = z.clone();
    c.add('c', 3);
    expect([...z]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(c.size).toBe(3);
    expect(c.encoding).toBe('skiplist');
  });

  it('keeps rank and element-by-rank logarithmic on a large set', () => {
    const z = new SortedSet();
    const n = 100_000;
    for (let i = 0; i < n; i++) z.add(`m${i}`, (i * 7919) % n);
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      z.rank(`m${(i * 31) % n}`);
      z.at((i * 17) % n);
    }
    const ms = performance.now() - t0;
    // 40k O(log n) queries take milliseconds (well under 10 s even on a loaded machine); walking
    // O(n) nodes per query would take minutes.
    expect(ms).toBeLessThan(10_000);
    expect(z.at(0)?.score).toBe(0);
    expect(z.at(n - 1)?.score).toBe(n - 1);
  }, 60_000);
});
