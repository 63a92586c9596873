/**
 * Glob patterns (src/engine/glob.ts) against a real Redis 7.0.15: thousands of random patterns
 * over random binary key names with KEYS (stringmatchlen, case-sensitive), random patterns over
 * random library names with FUNCTION LIST LIBRARYNAME (the same matcher without case), and the
 * adversarial patterns that made a backtracking matcher run for ever (CVE-2022-36021), through
 * KEYS, SCAN MATCH, HSCAN MATCH and PSUBSCRIBE: same answers as Redis, in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { rng } from '../test/rng.js';
import { haveRealRedis, sortReply, useTargets } from './harness.js';

/** Key bytes: letters of both cases, every glob metacharacter, bytes >= 128 (negative as C chars), NUL. */
const KEY_BYTES = ['a', 'b', 'c', 'A', 'B', '*', '?', '[', ']', '^', '-', '\\', '\x80', '\xe9', '\xff', '\x00', 'z'];
/** Pattern bytes: the same, with the metacharacters more often. */
const PATTERN_BYTES = [...KEY_BYTES, '*', '*', '?', '[', '[', ']', '-', '\\', '^'];

function randomString(rand: () => number, alphabet: readonly string[], maxLen: number): string {
  const n = Math.floor(rand() * (maxLen + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** Sends all `cmds` in one write and returns every raw reply. */
async function pipeline(port: number, cmds: readonly (readonly string[])[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    return await c.pipeline(cmds, 30_000);
  } finally {
    c.close();
  }
}

/** The same commands on both servers; the replies (sorted where Redis's order is its hash table's). */
async function both(
  t: { real: { port: number }; sim: { port: number } },
  cmds: readonly (readonly string[])[],
  sort = false,
): Promise<[string[], string[]]> {
  const [real, sim] = await Promise.all([pipeline(t.real.port, cmds), pipeline(t.sim.port, cmds)]);
  return sort ? [real.map(sortReply), sim.map(sortReply)] : [real, sim];
}

/** A reply or pattern for a failure message, cut short. */
const show = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}...` : s);

describe.runIf(haveRealRedis)('compat: glob patterns', () => {
  const targets = useTargets();

  it('KEYS with 4000 random patterns over 200 random binary keys', async () => {
    const t = targets();
    const rand = rng(16);
    const keys = new Set<string>(['']);
    while (keys.size < 200) keys.add(randomString(rand, KEY_BYTES, 7));
    const setup: string[][] = [['FLUSHALL'], ['MSET', ...[...keys].flatMap((k) => [k, '1'])]];
    await both(t, setup);
    const patterns: string[] = [];
    for (let i = 0; i < 4000; i++) patterns.push(randomString(rand, PATTERN_BYTES, 9));
    // A few fixed shapes among them: classes that never close, escapes at the end, signed ranges.
    patterns.push('[', '[^', '[a', '[^a', '\\', 'a\\', '[\\', '[a-', '[a-\xff]', '[\xff-a]', '[\x80-\xff]', '**', '*?', '?*');
    const cmds = patterns.map((p) => ['KEYS', p]);
    const [real, sim] = await both(t, cmds, true);
    const diffs = patterns.flatMap((p, i) =>
      real[i] === sim[i] ? [] : [`KEYS ${show(p)}: redis ${show(real[i] as string)} sim ${show(sim[i] as string)}`],
    );
    expect(diffs.slice(0, 10)).toEqual([]);
  });

  it('FUNCTION LIST LIBRARYNAME (matching without case) with 3000 random patterns', async () => {
    const t = targets();
    const rand = rng(7);
    const NAME_BYTES = ['a', 'A', 'z', 'Z', 'b', 'B', '_', '0', '9'];
    const names = new Set<string>();
    while (names.size < 40) {
      const n = randomString(rand, NAME_BYTES, 4);
      if (n !== '') names.add(n);
    }
    const setup: string[][] = [['FUNCTION', 'FLUSH']];
    let i = 0;
    for (const n of names) setup.push(['FUNCTION', 'LOAD', `#!lua name=${n}\nredis.register_function('f${i++}', function() return 1 end)`]);
    const [realSetup, simSetup] = await both(t, setup);
    expect(simSetup).toEqual(realSetup);
    // Pattern bytes around the letters: '`' and '[' '\\' ']' '^' '_' lie between 'Z' and 'a'.
    const PAT = ['a', 'A', 'z', 'Z', 'b', 'B', '_', '0', '9', '`', '@', '{', '*', '*', '?', '[', '[', ']', '^', '-', '-', '\\'];
    const patterns: string[] = [];
    for (let k = 0; k < 3000; k++) patterns.push(randomString(rand, PAT, 6));
    patterns.push('[Z-a]', '[a-Z]', '[A-b]', '[_-a]', '[^Z-a]', '[\\A]', '[\\a]');
    const cmds = patterns.map((p) => ['FUNCTION', 'LIST', 'LIBRARYNAME', p]);
    const [real, sim] = await both(t, cmds);
    const libNames = (raw: string) => [...raw.matchAll(/\$12\r\nlibrary_name\r\n\$\d+\r\n([^\r]*)\r\n/g)].map((m) => m[1]).sort();
    const diffs = patterns.flatMap((p, k) => {
      const r = libNames(real[k] as string);
      const s = libNames(sim[k] as string);
      return JSON.stringify(r) === JSON.stringify(s) ? [] : [`LIBRARYNAME ${show(p)}: redis ${r} sim ${s}`];
    });
    expect(diffs.slice(0, 10)).toEqual([]);
    await both(t, [['FUNCTION', 'FLUSH']]);
  });

  it('adversarial patterns (CVE-2022-36021) answer at once, as Redis: KEYS, SCAN, HSCAN, PSUBSCRIBE', async () => {
    const t = targets();
    const key = 'a'.repeat(34);
    const evil = `${'*a'.repeat(15)}*b`;
    const long = `${'*a'.repeat(5000)}*b`;
    const cmds: string[][] = [
      ['FLUSHALL'],
      ['SET', key, '1'],
      ['HSET', 'h', key, '1', `${key}b`, '2'],
      ['KEYS', evil],
      ['KEYS', `${'*a'.repeat(15)}*`],
      ['KEYS', long],
      ['SCAN', '0', 'MATCH', evil, 'COUNT', '100'],
      ['HSCAN', 'h', '0', 'MATCH', evil],
      ['HSCAN', 'h', '0', 'MATCH', long],
      ['CONFIG', 'GET', `${'*a'.repeat(20)}*z`],
    ];
    const t0 = performance.now();
    const sim = await pipeline(t.sim.port, cmds);
    const elapsed = performance.now() - t0;
    const real = await pipeline(t.real.port, cmds);
    expect(sim).toEqual(real);
    // Exponential backtracking took longer than the age of the universe here; linear takes ms.
    expect(elapsed).toBeLessThan(2000);

    // Every PUBLISH matches the channel against each pattern subscriber's patterns.
    const sub = await RawClient.connect(t.sim.port);
    await sub.call('PSUBSCRIBE', evil);
    const pub = await RawClient.connect(t.sim.port);
    const p0 = performance.now();
    expect(await pub.call('PUBLISH', key, 'x')).toBe(':0\r\n');
    expect(await pub.call('PUBLISH', `${key}b`, 'y')).toBe(':1\r\n');
    expect(performance.now() - p0).toBeLessThan(2000);
    expect(await sub.read(1)).toBe(`*4\r\n$8\r\npmessage\r\n$${evil.length}\r\n${evil}\r\n$35\r\n${key}b\r\n$1\r\ny\r\n`);
    sub.close();
    pub.close();
  });
});
