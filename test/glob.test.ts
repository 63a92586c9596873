/**
 * The glob matcher's own cases: Redis's edge cases (compat/glob.compat.test.ts compares thousands
 * of random patterns with a real Redis) and patterns that make a backtracking matcher
 * exponential, which must answer in linear time, with any number of stars.
 */
import { describe, expect, it } from 'vitest';
import { globMatch } from '../src/engine/glob.js';

describe('globMatch (Redis stringmatchlen)', () => {
  it.each([
    ['*', 'anything', true],
    // stringmatchlen matches nothing against an empty string but the empty pattern.
    ['*', '', false],
    ['**', '', false],
    ['', '', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hallo', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['user:*:name', 'user:42:name', true],
    ['[\\]]', ']', true],
    ['abc', 'abcd', false],
    ['abc*', 'abc', true],
    // A trailing backslash is literal; an unterminated class ends at the pattern's end.
    ['a\\', 'a\\', true],
    ['[ab', 'b', true],
    ['[^', 'x', true],
    ['[', '[', false],
    // Range bounds are signed chars: 0xff is -1, so [a-\xff] is [\xff-a], which holds 0x00-0x61 and 0xff.
    ['[a-\xff]', '\xff', true],
    ['[a-\xff]', '\x80', false],
    ['[a-\xff]', 'A', true],
    ['[a-\xff]', 'b', false],
  ])('%j matches %j: %s', (p, s, want) => {
    expect(globMatch(p, s)).toBe(want);
  });

  it('supports case-insensitive matching (A-Z only; a class escape stays exact; ranges fold after swapping)', () => {
    expect(globMatch('HeL*', 'hello', true)).toBe(true);
    expect(globMatch('HeL*', 'hello')).toBe(false);
    expect(globMatch('[\\A]', 'a', true)).toBe(false);
    expect(globMatch('[A]', 'a', true)).toBe(true);
    expect(globMatch('[Z-a]', 'z', true)).toBe(false);
    expect(globMatch('[Z-a]', '_', true)).toBe(false);
    expect(globMatch('[Z-a]', '_')).toBe(true);
    expect(globMatch('\xc9', '\xe9', true)).toBe(false);
  });

  it('answers adversarial patterns in linear time, with any number of stars', () => {
    const t0 = performance.now();
    const key = 'a'.repeat(34);
    expect(globMatch(`${'*a'.repeat(15)}*b`, key)).toBe(false);
    expect(globMatch(`${'*a'.repeat(15)}*b`, `${key}b`)).toBe(true);
    // 100,000 stars: no recursion to overflow the stack.
    expect(globMatch(`${'*a'.repeat(100_000)}*b`, 'a'.repeat(1000))).toBe(false);
    expect(globMatch('*'.repeat(100_000), 'x')).toBe(true);
    expect(globMatch(`${'a*'.repeat(1000)}`, 'a'.repeat(2000))).toBe(true);
    expect(globMatch(`${'*?'.repeat(500)}x`, 'y'.repeat(5000))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
