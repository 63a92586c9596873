/**
 * Lua 5.1's math library, with Redis's math.random/randomseed: a rand48 generator (as
 * redisLrand48) so the sequence is the same on every platform; Redis 7 starts it from rand.c's
 * fixed initial state when the server starts, and it continues from script to script.
 */
import { argError, checkInt, checkNum, libTable } from './lib-util.js';
import { EMPTY, type LuaTable, type LuaValue, rtError } from './runtime.js';

const RAND48_MAX = 2147483647;

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

export function mathLib(rng: Rand48): LuaTable {
  const n1 =
    (f: (x: number) => number, name: string) =>
    (...a: LuaValue[]) => [f(checkNum(a, 0, name))];
  return libTable({
    abs: n1(Math.abs, 'abs'),
    ceil: n1(Math.ceil, 'ceil'),
    floor: n1(Math.floor, 'floor'),
    sqrt: n1(Math.sqrt, 'sqrt'),
    sin: n1(Math.sin, 'sin'),
    cos: n1(Math.cos, 'cos'),
    tan: n1(Math.tan, 'tan'),
    asin: n1(Math.asin, 'asin'),
    acos: n1(Math.acos, 'acos'),
    atan: n1(Math.atan, 'atan'),
    sinh: n1(Math.sinh, 'sinh'),
    cosh: n1(Math.cosh, 'cosh'),
    tanh: n1(Math.tanh, 'tanh'),
    exp: n1(Math.exp, 'exp'),
    log: n1(Math.log, 'log'),
    log10: n1(Math.log10, 'log10'),
    deg: n1((x) => x * (180 / Math.PI), 'deg'),
    rad: n1((x) => x * (Math.PI / 180), 'rad'),
    atan2: (...a) => [Math.atan2(checkNum(a, 0, 'atan2'), checkNum(a, 1, 'atan2'))],
    pow: (...a) => [checkNum(a, 0, 'pow') ** checkNum(a, 1, 'pow')],
    fmod: (...a) => [checkNum(a, 0, 'fmod') % checkNum(a, 1, 'fmod')],
    mod: (...a) => [checkNum(a, 0, 'mod') % checkNum(a, 1, 'mod')],
    modf: (...a) => {
      const x = checkNum(a, 0, 'modf');
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      return [ip, Number.isFinite(x) ? x - ip : 0];
    },
    frexp: (...a) => {
      const x = checkNum(a, 0, 'frexp');
      if (x === 0 || !Number.isFinite(x)) return [x, 0];
      let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
      let m = x * 2 ** -e;
      while (Math.abs(m) < 0.5) {
        m *= 2;
        e--;
      }
      while (Math.abs(m) >= 1) {
        m /= 2;
        e++;
      }
      return [m, e];
    },
    ldexp: (...a) => [checkNum(a, 0, 'ldexp') * 2 ** checkInt(a, 1, 'ldexp')],
    min: (...a) => {
      let m = checkNum(a, 0, 'min');
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, 'min');
        if (v < m) m = v;
      }
      return [m];
    },
    max: (...a) => {
      let m = checkNum(a, 0, 'max');
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, 'max');
        if (v > m) m = v;
      }
      return [m];
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
          return [Math.floor(r * (u - l + 1)) + l];
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
