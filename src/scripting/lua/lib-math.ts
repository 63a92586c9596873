/**
 * Lua 5.1's math library, with Redis's math.random/randomseed: a rand48 generator (as
 * redisLrand48) so the sequence is the same on every platform; Redis 7 starts it from rand.c's
 * fixed initial state when the server starts, and it continues from script to script.
 */

import { cFmod, cPow, frexp, ldexp, nanOf, negNaN, posNaN, ret1 } from './float.js';
import { argError, checkInt, checkNum, libTable } from './lib-util.js';
import { EMPTY, type LuaTable, type LuaValue, rtError } from './runtime.js';

const RAND48_MAX = 2147483647;
const RADIANS_PER_DEGREE = Math.PI / 180;

export class Rand48 {
  /** rand.c's initial state (X2 X1 X0 = 0x1234 0xABCD 0x330E): Redis 7 does not seed it. */
  private x = 0x1234abcd330en;
  seed(s: number): void {
    this.x = ((BigInt(Math.trunc(s)) & 0xffffffffn) << 16n) | 0x330en;
  }
  next(): number {
    this.x = (this.x * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    return Number(this.x >> 17n);
  }
}

/**
 * A one-argument math function as glibc computes it: a NaN argument comes back as it is (with its
 * sign), and a NaN result of an ordinary argument (a domain error) is glibc's NaN for that
 * function: the default (negative) one where glibc computes it (sqrt, log, sin/cos/tan of inf),
 * a positive one where glibc returns a constant NaN (asin/acos out of [-1, 1], log10 of a
 * negative).
 */
function libm(f: (x: number) => number, domainNaN: () => number, name: string) {
  return (...a: LuaValue[]): LuaValue[] => {
    const x = checkNum(a, 0, name);
    if (Number.isNaN(x)) return ret1(x);
    const r = f(x);
    return ret1(!Number.isNaN(r) ? r : domainNaN());
  };
}

export function mathLib(rng: Rand48): LuaTable {
  const n1 = (f: (x: number) => number, name: string) => libm(f, negNaN, name);
  return libTable({
    // fabs clears the sign bit, of a NaN too.
    abs: (...a) => {
      const x = checkNum(a, 0, 'abs');
      return ret1(Number.isNaN(x) ? posNaN() : Math.abs(x));
    },
    ceil: n1(Math.ceil, 'ceil'),
    floor: n1(Math.floor, 'floor'),
    sqrt: n1(Math.sqrt, 'sqrt'),
    sin: n1(Math.sin, 'sin'),
    cos: n1(Math.cos, 'cos'),
    tan: n1(Math.tan, 'tan'),
    asin: libm(Math.asin, posNaN, 'asin'),
    acos: libm(Math.acos, posNaN, 'acos'),
    atan: n1(Math.atan, 'atan'),
    sinh: n1(Math.sinh, 'sinh'),
    cosh: n1(Math.cosh, 'cosh'),
    tanh: n1(Math.tanh, 'tanh'),
    exp: n1(Math.exp, 'exp'),
    log: n1(Math.log, 'log'),
    log10: libm(Math.log10, posNaN, 'log10'),
    // x / (PI/180) and x * (PI/180), as lmathlib.c computes them.
    deg: n1((x) => x / RADIANS_PER_DEGREE, 'deg'),
    rad: n1((x) => x * RADIANS_PER_DEGREE, 'rad'),
    // glibc's atan2(y, x) of a NaN is x + y: x's NaN if it is one, else y's.
    atan2: (...a) => {
      const y = checkNum(a, 0, 'atan2');
      const x = checkNum(a, 1, 'atan2');
      return ret1(Number.isNaN(y) || Number.isNaN(x) ? nanOf(x, y) : Math.atan2(y, x));
    },
    pow: (...a) => ret1(cPow(checkNum(a, 0, 'pow'), checkNum(a, 1, 'pow'))),
    fmod: (...a) => ret1(cFmod(checkNum(a, 0, 'fmod'), checkNum(a, 1, 'fmod'))),
    mod: (...a) => ret1(cFmod(checkNum(a, 0, 'mod'), checkNum(a, 1, 'mod'))),
    // modf: the fraction keeps the sign of x (-0 for negative integers and -inf); a NaN gives
    // itself twice.
    modf: (...a) => {
      const x = checkNum(a, 0, 'modf');
      if (Number.isNaN(x)) {
        const out: LuaValue[] = [undefined, undefined];
        out[0] = x;
        out[1] = x;
        return out;
      }
      const ip = Math.trunc(x);
      const fp = Number.isFinite(x) ? x - ip : 0;
      return [ip, fp === 0 && (x < 0 || Object.is(x, -0)) ? -0 : fp];
    },
    // frexp: x = m * 2^e with 0.5 <= |m| < 1, read from the double's bits (subnormals too);
    // zero, infinities and NaN come back as they are with e = 0.
    frexp: (...a) => {
      const x = checkNum(a, 0, 'frexp');
      if (x === 0 || !Number.isFinite(x)) {
        const out: LuaValue[] = [undefined, 0];
        out[0] = x;
        return out;
      }
      const [m, e] = frexp(x);
      return [m, e];
    },
    // ldexp(x, luaL_checkint(2)): the exponent is a C int (math.huge and NaN are 0, 2^32+3 is 3).
    ldexp: (...a) => {
      const x = checkNum(a, 0, 'ldexp');
      return ret1(ldexp(x, checkInt(a, 1, 'ldexp')));
    },
    min: (...a) => {
      let m = checkNum(a, 0, 'min');
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, 'min');
        if (v < m) m = v;
      }
      return ret1(m);
    },
    max: (...a) => {
      let m = checkNum(a, 0, 'max');
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, 'max');
        if (v > m) m = v;
      }
      return ret1(m);
    },
    random: (...a) => {
      const r = (rng.next() % RAND48_MAX) / RAND48_MAX;
      switch (a.length) {
        case 0:
          return [r];
        case 1: {
          const u = checkInt(a, 0, 'random');
          if (u < 1) argError(1, 'random', 'interval is empty');
          return [Math.floor(r * u) + 1];
        }
        case 2: {
          const l = checkInt(a, 0, 'random');
          const u = checkInt(a, 1, 'random');
          if (l > u) argError(2, 'random', 'interval is empty');
          // u-l+1 is C int arithmetic: it wraps (random(-2^31, 2^31-1) multiplies by 0).
          return [Math.floor(r * ((u - l + 1) | 0)) + l];
        }
        default:
          return rtError('wrong number of arguments');
      }
    },
    randomseed: (...a) => {
      rng.seed(checkInt(a, 0, 'randomseed'));
      return EMPTY;
    },
  });
}

export function setMathConstants(m: LuaTable): void {
  m.set('pi', Math.PI);
  m.set('huge', Number.POSITIVE_INFINITY);
}
