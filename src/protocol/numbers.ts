/**
 * Number parsing and formatting with Redis's exact rules.
 *
 * Redis parses integers with string2ll (strict: no '+', no leading zeros, no spaces, "-0" rejected,
 * int64 range) and doubles with strtod (no leading space, no trailing garbage, "inf"/"infinity"
 * accepted, NaN rejected). It formats doubles in replies with "%.17g".
 */

const INT_RE = /^-?[1-9][0-9]*$/;
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * string2ll: returns the value as a JS number (exact up to 2^53, approximate beyond but still
 * range-checked against int64), or null when the string is not a valid int64.
 */
export function parseInteger(s: string): number | null {
  if (s === '0') return 0;
  if (s.length > 20 || !INT_RE.test(s)) return null;
  if (s.length >= 19) {
    const big = BigInt(s);
    if (big > INT64_MAX || big < INT64_MIN) return null;
  }
  return Number(s);
}

/** string2ll returning an exact bigint (for INCR-like arithmetic near the int64 limits). */
export function parseInt64(s: string): bigint | null {
  if (s === '0') return 0n;
  if (s.length > 20 || !INT_RE.test(s)) return null;
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return big;
}

const FLOAT_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;

/** strtod as Redis uses it for scores and float arguments; null when Redis would reject it. */
export function parseDouble(s: string): number | null {
  if (FLOAT_RE.test(s)) {
    const d = Number(s);
    return Number.isNaN(d) ? null : d;
  }
  if (INF_RE.test(s)) return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[+-]?0[xX]/.test(s)) return parseHexFloat(s);
  return null;
}

/** strtod also accepts C99 hexadecimal floats such as 0x1.8p3. */
function parseHexFloat(s: string): number | null {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(s);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart === '' && frac === '') return null;
  let v = 0;
  for (const c of intPart) v = v * 16 + Number.parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of frac) {
    v += Number.parseInt(c, 16) * scale;
    scale /= 16;
  }
  const exp = m[4] ? Number(m[4]) : 0;
  v *= 2 ** exp;
  return m[1] === '-' ? -v : v;
}

/** C's "%.17g", as Redis 7.0 formats doubles in replies ("inf", "-inf", "nan" spelled out). */
export function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG(d, 17);
}

/** C's "%.<p>g". */
export function formatG(d: number, p: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const e = exponential(d, p);
  const [mant, expStr] = e.split('e') as [string, string];
  const x = Number(expStr);
  if (x < -4 || x >= p) {
    const m = stripZeros(mant);
    const sign = x < 0 ? '-' : '+';
    const ax = Math.abs(x);
    return `${m}e${sign}${ax < 10 ? `0${ax}` : ax}`;
  }
  // Fixed notation with p significant digits, from the correctly rounded mantissa digits.
  const digits = mant.replace('-', '').replace('.', '');
  const neg = d < 0 ? '-' : '';
  let out: string;
  if (x >= 0) out = `${digits.slice(0, x + 1)}.${digits.slice(x + 1)}`;
  else out = `0.${'0'.repeat(-x - 1)}${digits}`;
  return neg + stripZeros(out);
}

/**
 * d.toExponential(p - 1) with C's rounding: JavaScript rounds an exact tie away from zero, printf
 * rounds it to even. A tie is only possible when the exact binary value's decimal expansion ends
 * right after the first dropped digit, which 100 significant digits always show.
 */
function exponential(d: number, p: number): string {
  const e = d.toExponential(p - 1);
  const exact = d.toExponential(99);
  const [m100, x100] = exact.split('e') as [string, string];
  const ds = m100.replace('-', '').replace('.', '');
  if (ds[p] !== '5' || !/^0*$/.test(ds.slice(p + 1))) return e;
  // An exact tie: keep the truncated digits when the last kept digit is even.
  const kept = ds.slice(0, p);
  if (Number(kept[p - 1]) % 2 !== 0) return e;
  const neg = d < 0 ? '-' : '';
  return `${neg}${kept[0]}${p > 1 ? `.${kept.slice(1)}` : ''}e${Number(x100) >= 0 ? '+' : ''}${Number(x100)}`;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s[end - 1] === '0') end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}
