/**
 * C's double semantics on x86-64 where JavaScript's differ, for the Lua engine and its libraries.
 *
 * NaN signs: C prints a NaN with its sign bit set as "-nan". On x86-64 an invalid operation on
 * ordinary numbers (0/0, inf-inf, inf*0, sqrt(-1)) yields the "default NaN", whose sign bit is set,
 * and an operation with a NaN operand returns that operand (the first one when both are NaN). V8
 * computes the same on x86 for a single operation, but which NaN two NaN operands give depends on
 * its JIT tier, and its Math functions do not follow glibc's; so library code builds the NaN it
 * returns explicitly with the helpers below.
 *
 * Integer casts: (int) and (long) of a double out of range (or NaN) are x86's "integer
 * indefinite" INT64_MIN / INT_MIN, where JavaScript would saturate or give 0.
 */

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);

/** The sign bit of a NaN. */
export function nanSign(d: number): boolean {
  f64[0] = d;
  return (u8[7] as number) >> 7 === 1;
}

/**
 * The two NaNs, kept as bits in a typed array and read at each use: a NaN that is a constant in
 * code V8 optimizes becomes V8's canonical (positive) NaN, and so would a `const` holding one.
 */
const NANS = new Float64Array(2);
const nanBytes = new Uint8Array(NANS.buffer);
NANS[0] = Number.NaN;
NANS[1] = Number.NaN;
nanBytes[7] = 0xff; // NANS[0]: sign bit set
nanBytes[15] = 0x7f; // NANS[1]: sign bit clear

/** x86-64's default NaN (sign bit set): what 0/0 gives, printed "-nan". */
export function negNaN(): number {
  return NANS[0] as number;
}

/** A NaN with its sign bit cleared (strtod("nan"), fabs), printed "nan". */
export function posNaN(): number {
  return NANS[1] as number;
}

/**
 * A library function's one result, kept in a tagged (generic) array when it is a NaN: V8 stores
 * an array of numbers unboxed and canonicalizes a NaN written into it on some paths (the first
 * elements-kind transition of a literal), which would drop a negative NaN's sign.
 */
export function ret1(v: number): [number] {
  if (!Number.isNaN(v)) return [v];
  const out: [number] = [undefined as unknown as number];
  out[0] = v;
  return out;
}

/** The NaN with the other sign (C's unary minus on a NaN flips its sign bit). */
export function flipNaN(d: number): number {
  return nanSign(d) ? posNaN() : negNaN();
}

/**
 * The NaN an x86 binary operation `a op b` yields when its result is NaN: `a` if it is a NaN,
 * else `b` if it is one, else the default NaN.
 */
export function nanOf(a: number, b: number): number {
  if (Number.isNaN(a)) return a;
  if (Number.isNaN(b)) return b;
  return negNaN();
}

/** An integer of odd parity (glibc's checkint(y) == 1). */
function isOddInteger(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1;
}

/**
 * glibc's pow (Lua 5.1's `^` and math.pow): pow(x, ±0) and pow(1, y) are 1 even for a NaN;
 * pow(-1, ±inf) is 1; a NaN y gives x + y (x's NaN when x is one); a NaN x with finite y is
 * x*x (x itself), negated when x's sign bit is set and y an odd integer, and 1/that for y < 0
 * (still that NaN); a finite negative x with a non-integer y is the default NaN.
 */
export function cPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Number.isNaN(y)) return Number.isNaN(x) ? x : y;
  if (Number.isNaN(x)) return isOddInteger(y) && nanSign(x) ? posNaN() : x;
  if (x === -1 && !Number.isFinite(y)) return 1;
  const r = x ** y;
  return Number.isNaN(r) ? negNaN() : r;
}

/** glibc's fmod: a NaN operand is returned (x first); fmod(±inf, y) and fmod(x, 0) are the default NaN. */
export function cFmod(x: number, y: number): number {
  const r = x % y;
  return Number.isNaN(r) ? nanOf(x, y) : r;
}

/**
 * luaL_checkint's conversion: (int)(lua_Integer)d, i.e. truncated to 64 bits (NaN and values out
 * of range give INT64_MIN) and then to its low 32 bits. So 2^32+5 is 5 and math.huge is 0.
 */
export function cInt(d: number): number {
  return Number.isNaN(d) || Math.abs(d) >= 2 ** 63 ? 0 : d | 0;
}

/** (long)d as a BigInt: truncated toward zero; NaN and values out of range give INT64_MIN. */
export function cLong(d: number): bigint {
  if (Number.isNaN(d) || d >= 2 ** 63 || d < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(d));
}

/**
 * (unsigned long)d as gcc compiles it for x86-64: below 2^63 (and NaN) the signed conversion,
 * reinterpreted (-1 is 2^64-1, NaN and huge negatives 2^63); from 2^63 on, d - 2^63 converted
 * with the top bit flipped, so 2^64 and beyond (and inf) give 0.
 */
export function cULong(d: number): bigint {
  if (Number.isNaN(d) || d < 2 ** 63) return BigInt.asUintN(64, cLong(d));
  const low = d - 2 ** 63;
  return low >= 2 ** 63 ? 0n : BigInt(Math.trunc(low)) + 2n ** 63n;
}

/** C's ldexp: x * 2^e without overflowing the power of two on the way (2^-1074 * 2^1100). */
export function ldexp(x: number, e: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  let r = x;
  while (e > 1000) {
    r *= 2 ** 1000;
    e -= 1000;
    if (!Number.isFinite(r)) return r;
  }
  while (e < -1000) {
    r *= 2 ** -1000;
    e += 1000;
    if (r === 0) return r;
  }
  return r * 2 ** e;
}

/** C's frexp for a finite non-zero x: [m, e] with x = m * 2^e and 0.5 <= |m| < 1, exactly. */
export function frexp(x: number): [number, number] {
  f64[0] = x;
  const hi = (u8[7] as number) & 0x7f;
  let exp = (hi << 4) | ((u8[6] as number) >> 4);
  let adjust = 0;
  if (exp === 0) {
    // A subnormal: scale it into the normal range first (exact).
    f64[0] = x * 2 ** 64;
    exp = (((u8[7] as number) & 0x7f) << 4) | ((u8[6] as number) >> 4);
    adjust = -64;
  }
  // Set the exponent field to 1022 (|m| in [0.5, 1)), keeping sign and mantissa.
  u8[7] = ((u8[7] as number) & 0x80) | 0x3f;
  u8[6] = ((u8[6] as number) & 0x0f) | 0xe0;
  return [f64[0] as number, exp - 1022 + adjust];
}
