/**
 * Lua pattern matching (string.find, match, gmatch, gsub) under the script time limit: a search
 * that backtracks exponentially is stopped at busy-reply-threshold like any runaway loop (pcall
 * cannot catch it), and gsub builds large results in linear time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScriptingEngine } from '../src/commands/scripting.js';
import { raw, startSim } from './helpers.js';

beforeAll(async () => {
  await loadScriptingEngine();
});

const STOPPED = /^-ERR Script stopped after running longer than busy-reply-threshold \(50 ms\)/;

/** 'a*' 25 times then 'b', against 25 a's: each star retries every split, 2^25 ways. */
const EVIL = "string.rep('a*', 25) .. 'b'";
const SUBJECT = "string.rep('a', 25)";

describe('a pattern search is under the time limit', () => {
  it.each([
    ['string.find', `return string.find(${SUBJECT}, ${EVIL})`],
    ['string.match', `return string.match(${SUBJECT}, ${EVIL})`],
    ['string.gmatch', `for m in string.gmatch(${SUBJECT}, ${EVIL}) do end return 1`],
    ['string.gsub', `return string.gsub(${SUBJECT}, ${EVIL}, 'x')`],
    ['pcall(string.find)', `return pcall(string.find, ${SUBJECT}, ${EVIL})`],
  ])('%s is stopped at busy-reply-threshold, and the server serves on', async (_name, body) => {
    const sim = await startSim({ config: { 'busy-reply-threshold': '50' } });
    const c = await raw(sim);
    const t0 = performance.now();
    expect(await c.call('EVAL', body, '0')).toMatch(STOPPED);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('EVAL', "return {string.find('xxab', 'a*b')}", '0')).toBe('*2\r\n:3\r\n:4\r\n');
  });
});

describe('gsub on large subjects', () => {
  it('a replacement per byte of a 4 MB string, with a callback, in linear time', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const body =
      "local s = string.rep('ab', 2 * 1024 * 1024) local n = 0 local r, k = string.gsub(s, '.', function(ch) n = n + 1 if ch == 'a' then return 'A' end end) return {k, n, #r, r:sub(1, 6), r:sub(-6)}";
    expect(await c.call('EVAL', body, '0')).toBe(
      `*5\r\n:${4 * 1024 * 1024}\r\n:${4 * 1024 * 1024}\r\n:${4 * 1024 * 1024}\r\n$6\r\nAbAbAb\r\n$6\r\nAbAbAb\r\n`,
    );
  });

  it('keeps unmatched runs, empty matches, anchors and the count limit as Lua does', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('EVAL', "return {string.gsub('hello world', 'o', '0')}", '0')).toBe('*2\r\n$11\r\nhell0 w0rld\r\n:2\r\n');
    expect(await c.call('EVAL', "return {string.gsub('abc', '', '-')}", '0')).toBe('*2\r\n$7\r\n-a-b-c-\r\n:4\r\n');
    expect(await c.call('EVAL', "return {string.gsub('aaa', '^a', 'b')}", '0')).toBe('*2\r\n$3\r\nbaa\r\n:1\r\n');
    expect(await c.call('EVAL', "return {string.gsub('a,b,c', ',', ';', 1)}", '0')).toBe('*2\r\n$5\r\na;b,c\r\n:1\r\n');
    expect(await c.call('EVAL', "return {string.gsub('x1y22z', '%d+', {['1']='one'})}", '0')).toBe('*2\r\n$8\r\nxoney22z\r\n:2\r\n');
    // lstrlib's SPECIALS has no ')' or ']': string.find with only those searches plainly.
    expect(await c.call('EVAL', "return {string.find('a)b]', ')')}", '0')).toBe('*2\r\n:2\r\n:2\r\n');
    expect(await c.call('EVAL', "return {string.find('a)b]', ']')}", '0')).toBe('*2\r\n:4\r\n:4\r\n');
  });
});
