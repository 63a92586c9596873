import { describe, expect, it } from 'vitest';
import { globMatch } from '../src/engine/glob.js';

describe('globMatch (Redis stringmatchlen)', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
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
  ])('%j matches %j: %s', (p, s, want) => {
    expect(globMatch(p, s)).toBe(want);
  });

  it('supports case-insensitive matching', () => {
    expect(globMatch('HeL*', 'hello', true)).toBe(true);
    expect(globMatch('HeL*', 'hello')).toBe(false);
  });
});
