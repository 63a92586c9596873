/**
 * LuaBitOp ("bit"), as bundled with Redis: 32-bit operations on numbers. Arguments are
 * normalised as LuaBitOp's barg does: rounded to the nearest integer (ties to even) and wrapped
 * to a signed 32-bit value; results are signed 32-bit numbers.
 */
import { checkNum, libTable } from './lua/lib-util.js';
import type { LuaTable, LuaValue } from './lua/runtime.js';

function tobit(d: number): number {
  if (!Number.isFinite(d)) return 0;
  // Round half to even, as adding 2^52+2^51 does in double arithmetic.
  let r = Math.round(d);
  if (Math.abs(d - Math.trunc(d)) === 0.5 && r % 2 !== 0) r -= 1;
  if (Math.abs(r) < 2 ** 31) return r | 0;
  return Number(BigInt.asIntN(32, BigInt(r)));
}

function arg(a: LuaValue[], i: number, f: string): number {
  return tobit(checkNum(a, i, f));
}

export function bitLib(): LuaTable {
  const fold =
    (name: string, op: (x: number, y: number) => number) =>
    (...a: LuaValue[]) => {
      let r = arg(a, 0, name);
      for (let i = 1; i < a.length; i++) r = op(r, arg(a, i, name));
      return [r];
    };
  return libTable({
    tobit: (...a) => [arg(a, 0, 'tobit')],
    bnot: (...a) => [~arg(a, 0, 'bnot')],
    band: fold('band', (x, y) => x & y),
    bor: fold('bor', (x, y) => x | y),
    bxor: fold('bxor', (x, y) => x ^ y),
    lshift: (...a) => [arg(a, 0, 'lshift') << (arg(a, 1, 'lshift') & 31)],
    rshift: (...a) => [(arg(a, 0, 'rshift') >>> (arg(a, 1, 'rshift') & 31)) | 0],
    arshift: (...a) => [arg(a, 0, 'arshift') >> (arg(a, 1, 'arshift') & 31)],
    rol: (...a) => {
      const x = arg(a, 0, 'rol');
      const n = arg(a, 1, 'rol') & 31;
      return [(x << n) | (x >>> (32 - n))];
    },
    ror: (...a) => {
      const x = arg(a, 0, 'ror');
      const n = arg(a, 1, 'ror') & 31;
      return [(x >>> n) | (x << (32 - n))];
    },
    bswap: (...a) => {
      const x = arg(a, 0, 'bswap');
      return [(x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24) | 0];
    },
    tohex: (...a) => {
      const x = arg(a, 0, 'tohex');
      let n = a[1] === undefined ? 8 : arg(a, 1, 'tohex');
      const upper = n < 0;
      if (upper) n = -n;
      if (n > 8) n = 8;
      let s = (x >>> 0)
        .toString(16)
        .padStart(8, '0')
        .slice(8 - n);
      if (upper) s = s.toUpperCase();
      return [s];
    },
  });
}
