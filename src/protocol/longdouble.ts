/**
 * Redis's long double arithmetic (INCRBYFLOAT, HINCRBYFLOAT), emulated exactly.
 *
 * Redis computes these with C's `long double`, which on x86-64 Linux is the x87 80-bit extended
 * format: a 64-bit significand (explicit integer bit), exponents from 2^-16382 (normal) down to
 * 2^-16445 (subnormal) and up to 2^16383. It parses with glibc's strtold (correctly rounded,
 * round-to-nearest-even), adds with one rounding, and prints with "%.17Lf" (the exact binary value
 * rounded half-even to 17 decimals) before stripping trailing zeros. So
 * `SET f 10000000000; INCRBYFLOAT f 0.1` gives "10000000000.09999999962747097" and 0.1 + 0.2
 * gives "0.3".
 *
 * Here a finite value is sign × mant × 2^exp with `mant` a bigint of at most 64 bits; every
 * operation is exact rational arithmetic on bigints followed by the same rounding the FPU does.
 */

export type LongDouble = { kind: 'finite'; neg: boolean; mant: bigint; exp: number } | { kind: 'inf'; neg: boolean } | { kind: 'nan' };

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs of this length or more. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const MANT_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
const MIN_LSB_EXP = -16445;
/** Values at or above 2^16384 overflow to infinity. */
const MAX_EXP = 16384;

const TOP = 1n << BigInt(MANT_BITS);
const HALF_TOP = 1n << BigInt(MANT_BITS - 1);

export const LD_ZERO: LongDouble = { kind: 'finite', neg: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function pow2(e: number): bigint {
  return 1n << BigInt(e);
}

/**
 * Rounds the positive rational num/den to the nearest long double (ties to even), with
 * subnormals and overflow to infinity as the x87 FPU does.
 */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble {
  if (num === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  // Choose s so that m = floor(num * 2^s / den) has exactly 64 bits.
  let s = MANT_BITS - (bitLength(num) - bitLength(den));
  const scaled = (shift: number): [bigint, bigint] => {
    const n = shift >= 0 ? num << BigInt(shift) : num;
    const d = shift >= 0 ? den : den << BigInt(-shift);
    return [n, d];
  };
  let [n, d] = scaled(s);
  let m = n / d;
  while (m >= TOP) {
    s--;
    [n, d] = scaled(s);
    m = n / d;
  }
  while (m < HALF_TOP) {
    s++;
    [n, d] = scaled(s);
    m = n / d;
  }
  // The least significant bit is worth 2^-s; below the subnormal limit precision is lost.
  if (-s < MIN_LSB_EXP) {
    s = -MIN_LSB_EXP;
    [n, d] = scaled(s);
    m = n / d;
  }
  const r2 = (n - m * d) * 2n;
  if (r2 > d || (r2 === d && (m & 1n) === 1n)) m++;
  if (m === TOP) {
    m = HALF_TOP;
    s--;
  }
  if (m === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  // Top bit of m is worth 2^(bitLength(m) - 1 - s).
  if (bitLength(m) - 1 - s >= MAX_EXP) return { kind: 'inf', neg };
  return { kind: 'finite', neg, mant: m, exp: -s };
}

/** The exact value of an integer (INCRBYFLOAT on an int-encoded string). */
export function ldFromBigInt(v: bigint): LongDouble {
  const neg = v < 0n;
  return roundRational(neg, neg ? -v : v, 1n);
}

const DEC_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;
const NAN_RE = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;

/**
 * strtold of the whole string: the value, or null when there is trailing garbage or nothing to
 * parse. Overflow gives infinity and underflow zero; `range` tells whether strtold would have
 * set ERANGE for that.
 */
function strtold(s: string): { v: LongDouble; range: boolean } | null {
  let m = INF_RE.exec(s);
  if (m) return { v: { kind: 'inf', neg: m[1] === '-' }, range: false };
  if (NAN_RE.test(s)) return { v: { kind: 'nan' }, range: false };
  m = HEX_RE.exec(s);
  if (m) {
    const neg = m[1] === '-';
    const ip = m[2] ?? '';
    const fp = m[3] ?? '';
    if (ip === '' && fp === '') return null;
    const digits = (ip + fp).replace(/^0+/, '');
    if (digits === '') return { v: { kind: 'finite', neg, mant: 0n, exp: 0 }, range: false };
    const mant = BigInt(`0x${digits}`);
    // Clamp absurd exponents: anything this far out over- or underflows anyway.
    const pexp = Math.max(-100000, Math.min(100000, Number(m[4] ?? '0')));
    const e2 = pexp - 4 * fp.length;
    const top = bitLength(mant) + e2;
    if (top > MAX_EXP + 1) return { v: { kind: 'inf', neg }, range: true };
    if (top < MIN_LSB_EXP - 2) return { v: { kind: 'finite', neg, mant: 0n, exp: 0 }, range: true };
    const v = e2 >= 0 ? roundRational(neg, mant << BigInt(e2), 1n) : roundRational(neg, mant, pow2(-e2));
    return { v, range: v.kind === 'inf' || (v.kind === 'finite' && v.mant === 0n) };
  }
  m = DEC_RE.exec(s);
  if (!m) return null;
  const neg = m[1] === '-';
  const ip = m[2] ?? '';
  const fp = m[3] ?? '';
  if (ip === '' && fp === '') return null;
  const all = ip + fp;
  const firstNonZero = all.search(/[1-9]/);
  if (firstNonZero < 0) return { v: { kind: 'finite', neg, mant: 0n, exp: 0 }, range: false };
  const digits = all.slice(firstNonZero).replace(/0+$/, '');
  const trailingZeros = all.length - firstNonZero - digits.length;
  const e10 = Math.max(-1e9, Math.min(1e9, Number(m[4] ?? '0'))) - fp.length + trailingZeros;
  // The value is digits × 10^e10 and lies in [10^(nd-1+e10), 10^(nd+e10)).
  const nd = digits.length;
  if (nd - 1 + e10 >= 4933) return { v: { kind: 'inf', neg }, range: true };
  if (nd + e10 < -4952) return { v: { kind: 'finite', neg, mant: 0n, exp: 0 }, range: true };
  const d = BigInt(digits);
  const v = e10 >= 0 ? roundRational(neg, d * 10n ** BigInt(e10), 1n) : roundRational(neg, d, 10n ** BigInt(-e10));
  return { v, range: v.kind === 'inf' || (v.kind === 'finite' && v.mant === 0n) };
}

/**
 * Redis's string2ld: the long double a string holds, or null when Redis rejects it ("value is
 * not a valid float"): empty or too long, leading space, trailing garbage, NaN, or a result out of
 * range (overflow to ±HUGE_VAL, or underflow to zero). "inf" itself is accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const r = strtold(s);
  if (!r) return null;
  if (r.v.kind === 'nan') return null;
  if (r.range) return null;
  return r.v;
}

/** a + b with one rounding to long double (IEEE rules for infinities and NaN). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.neg !== b.neg) return { kind: 'nan' };
    return a.kind === 'inf' ? a : b;
  }
  if (a.mant === 0n && b.mant === 0n) return { kind: 'finite', neg: a.neg && b.neg, mant: 0n, exp: 0 };
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const av = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const bv = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = av + bv;
  // An exact zero sum is +0 in round-to-nearest.
  if (sum === 0n) return { kind: 'finite', neg: false, mant: 0n, exp: 0 };
  const neg = sum < 0n;
  const abs = neg ? -sum : sum;
  return e >= 0 ? roundRational(neg, abs << BigInt(e), 1n) : roundRational(neg, abs, pow2(-e));
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite';
}

/**
 * ld2string in LD_STR_HUMAN mode: "%.17Lf", trailing zeros (and a trailing '.') removed, "-0"
 * printed as "0". Only for finite values (callers reject NaN and infinity first).
 */
export function formatLongDouble(v: LongDouble): string {
  if (v.kind !== 'finite') return v.kind === 'nan' ? 'nan' : v.neg ? '-inf' : 'inf';
  const SCALE = 10n ** 17n;
  let x: bigint;
  if (v.exp >= 0) x = (v.mant << BigInt(v.exp)) * SCALE;
  else {
    const num = v.mant * SCALE;
    const sh = BigInt(-v.exp);
    const q = num >> sh;
    const r2 = (num - (q << sh)) * 2n;
    const den = 1n << sh;
    x = r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
  }
  let digits = x.toString().padStart(18, '0');
  const intPart = digits.slice(0, digits.length - 17);
  let frac = digits.slice(digits.length - 17);
  frac = frac.replace(/0+$/, '');
  digits = frac === '' ? intPart : `${intPart}.${frac}`;
  if (digits === '0') return '0';
  return v.neg ? `-${digits}` : digits;
}
