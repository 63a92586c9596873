/**
 * Library state that lives in a Lua state (cjson's configuration, the collector's parameters):
 * it persists from one EVAL to the next until SCRIPT FLUSH, and functions have a state of their
 * own that FUNCTION FLUSH keeps. Plus the C double semantics of float.ts and cjson's strtod.
 */
import { describe, expect, it } from 'vitest';
import { strtod } from '../src/scripting/lib-cjson.js';
import { cFmod, cInt, cLong, cPow, cULong, ldexp, nanOf, nanSign, negNaN, posNaN, ret1 } from '../src/scripting/lua/float.js';
import { ioredis, startSim } from './helpers.js';

describe('cjson configuration per Lua state', () => {
  it('encode_number_precision set in one EVAL holds in the next, until SCRIPT FLUSH', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.eval('return cjson.encode(1/3)', 0)).toBe('0.33333333333333');
    expect(await r.eval('return cjson.encode_number_precision(3)', 0)).toBe(3);
    expect(await r.eval('return cjson.encode(1/3)', 0)).toBe('0.333');
    // Another connection shares the node's Lua state.
    const r2 = ioredis(sim);
    expect(await r2.eval('return cjson.encode({2/3, 123456})', 0)).toBe('[0.667,1.23e+05]');
    expect(await r.script('FLUSH')).toBe('OK');
    expect(await r.eval('return cjson.encode(1/3)', 0)).toBe('0.33333333333333');
    expect(await r.eval('return cjson.encode_number_precision()', 0)).toBe(14);
  });

  it('every setting persists: invalid numbers, sparse arrays, depths, decode_invalid_numbers', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.eval(
      'cjson.encode_invalid_numbers("null") cjson.encode_sparse_array(true) cjson.encode_max_depth(2) cjson.decode_invalid_numbers(false) cjson.decode_max_depth(3)',
      0,
    );
    expect(await r.eval('return cjson.encode({1/0, [20] = 1})', 0)).toBe('{"1":null,"20":1}');
    await expect(r.eval('return cjson.encode({{{}}})', 0)).rejects.toThrow('Cannot serialise, excessive nesting (3)');
    await expect(r.eval('return cjson.decode("[NaN]")', 0)).rejects.toThrow('Expected value but found invalid token at character 2');
    await expect(r.eval('return cjson.decode("[[[[1]]]]")', 0)).rejects.toThrow('Found too many nested data structures (4) at character 4');
    await r.script('FLUSH');
    expect(await r.eval('return cjson.encode({1, 2})', 0)).toBe('[1,2]');
    await expect(r.eval('return cjson.encode(1/0)', 0)).rejects.toThrow('Cannot serialise number: must not be NaN or Inf');
    expect(await r.eval('return tostring(cjson.decode("NaN"))', 0)).toBe('nan');
  });

  it('a failed setting keeps what earlier arguments of the same call set', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.eval('return cjson.encode_sparse_array(true, -1)', 0)).rejects.toThrow(
      "bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)",
    );
    expect(await r.eval('local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c}', 0)).toEqual(['true', 2, 10]);
  });

  it('cjson.new() tables have their own configuration, which also persists with the table', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.eval('local c = cjson.new() c.encode_number_precision(2) return {c.encode(1/3), cjson.encode(1/3)}', 0)).toEqual([
      '0.33',
      '0.33333333333333',
    ]);
    // A fresh table each time: the global cjson is untouched.
    expect(await r.eval('return cjson.new().encode_number_precision()', 0)).toBe(14);
  });

  it('functions have their own cjson configuration: EVAL does not see it, FUNCTION FLUSH keeps it, SCRIPT FLUSH does not reset it', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const lib = (body: string) => `#!lua name=cj\nredis.register_function('f', function(keys, args) ${body} end)`;
    await r.function('LOAD', lib('return cjson.encode_number_precision(tonumber(args[1]))'));
    expect(await r.fcall('f', 0, '4')).toBe(4);
    expect(await r.eval('return cjson.encode(1/3)', 0)).toBe('0.33333333333333');
    await r.function('FLUSH');
    await r.function('LOAD', lib('return cjson.encode(1/3)'));
    expect(await r.fcall('f', 0)).toBe('0.3333');
    await r.script('FLUSH');
    expect(await r.fcall('f', 0)).toBe('0.3333');
  });

  it('collectgarbage: setpause and setstepmul persist and return the previous value; SCRIPT FLUSH resets them', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.eval('return collectgarbage("setpause", 120)', 0)).toBe(200);
    expect(await r.eval('return collectgarbage("setpause", 150)', 0)).toBe(120);
    expect(await r.eval('return collectgarbage("setstepmul")', 0)).toBe(200);
    expect(await r.eval('return collectgarbage("setstepmul", 300)', 0)).toBe(0);
    await r.script('FLUSH');
    expect(await r.eval('return {collectgarbage("setpause", 200), collectgarbage("setstepmul", 200)}', 0)).toEqual([200, 200]);
    expect(await r.eval('return {tostring(collectgarbage("step")), tostring(collectgarbage("step", 10)), gcinfo()}', 0)).toEqual([
      'false',
      'true',
      29,
    ]);
  });
});

describe('C double semantics (float.ts)', () => {
  it('NaN signs of x86 operations and glibc functions', () => {
    expect(nanSign(negNaN())).toBe(true);
    expect(nanSign(posNaN())).toBe(false);
    expect(nanSign(nanOf(1, 2))).toBe(true);
    expect(nanSign(nanOf(posNaN(), negNaN()))).toBe(false);
    expect(nanSign(nanOf(1, posNaN()))).toBe(false);
    // pow: 1 for y = 0 and x = 1 (also with NaNs), the flip of a negative NaN for odd y.
    expect(cPow(negNaN(), 0)).toBe(1);
    expect(cPow(1, negNaN())).toBe(1);
    expect(cPow(-1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(nanSign(cPow(negNaN(), 3))).toBe(false);
    expect(nanSign(cPow(negNaN(), 2))).toBe(true);
    expect(nanSign(cPow(-8, 1 / 3))).toBe(true);
    expect(nanSign(cPow(2, posNaN()))).toBe(false);
    expect(nanSign(cFmod(1, 0))).toBe(true);
    expect(nanSign(cFmod(posNaN(), negNaN()))).toBe(false);
    expect(cFmod(-7, 3)).toBe(-1);
    expect(nanSign(ret1(negNaN())[0])).toBe(true);
  });

  it('integer casts', () => {
    expect(cInt(2 ** 32 + 5)).toBe(5);
    expect(cInt(Number.POSITIVE_INFINITY)).toBe(0);
    expect(cInt(Number.NaN)).toBe(0);
    expect(cInt(-3.7)).toBe(-3);
    expect(cInt(2 ** 31)).toBe(-(2 ** 31));
    expect(cInt(1e19)).toBe(0);
    expect(cLong(Number.NaN)).toBe(-(2n ** 63n));
    expect(cLong(2 ** 63)).toBe(-(2n ** 63n));
    expect(cLong(-1.5)).toBe(-1n);
    expect(cULong(-1)).toBe(2n ** 64n - 1n);
    expect(cULong(Number.NaN)).toBe(2n ** 63n);
    expect(cULong(1.5 * 2 ** 63)).toBe(3n * 2n ** 62n);
    expect(cULong(2 ** 64)).toBe(0n);
    expect(cULong(Number.POSITIVE_INFINITY)).toBe(0n);
    expect(ldexp(1, -1074)).toBe(5e-324);
    expect(ldexp(2 ** -1074, 1100)).toBe(2 ** 26);
    expect(ldexp(1, 1024)).toBe(Number.POSITIVE_INFINITY);
  });

  it("cjson's strtod: decimal, hex floats rounded once, inf/nan words, partial reads", () => {
    expect(strtod('1.5e3x', 0)).toEqual([1500, 5]);
    expect(strtod('1e', 0)).toEqual([1, 1]);
    expect(strtod('-.5', 0)).toEqual([-0.5, 3]);
    expect(strtod('0x1.8p1', 0)).toEqual([3, 7]);
    expect(strtod('0xg', 0)).toEqual([0, 1]);
    expect(strtod('0x1.00000000000008p0', 0)[0]).toBe(1); // a tie rounds to even
    expect(strtod('0x1.00000000000018p0', 0)[0]).toBe(1 + 2 ** -51);
    expect(strtod('0x.8p-1074', 0)[0]).toBe(0); // half the smallest subnormal: to even
    expect(strtod('0x1.8p-1074', 0)[0]).toBe(2 * 5e-324);
    expect(strtod('Infinity!', 0)).toEqual([Number.POSITIVE_INFINITY, 8]);
    expect(strtod('-infx', 0)).toEqual([Number.NEGATIVE_INFINITY, 4]);
    const [n, end] = strtod('-nan(12)]', 0);
    expect(nanSign(n)).toBe(true);
    expect(end).toBe(8);
    expect(strtod('+', 0)).toEqual([0, 0]);
    expect(strtod('x', 0)).toEqual([0, 0]);
  });
});
