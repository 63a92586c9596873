/**
 * C printf's %f, %e and %g on doubles, with C's rounding of exact ties (to even).
 */

/**
 * JS's toFixed/toExponential round exact ties away from zero; C's printf rounds them to even
 * (2.5 with "%.0f" is "2"). Both see the exact binary value, so only exact ties differ: detect them
 * in a longer expansion and round to even.
 */
export function cFixed(v: number, prec: number): string {
  const s = v.toFixed(prec);
  const long = Math.abs(v).toFixed(Math.min(100, prec + 40));
  const dot = long.indexOf('.');
  const cut = dot + prec + (prec > 0 ? 1 : 1);
  const digitPos = prec > 0 ? cut : dot + 1;
  if (long[digitPos] !== '5' || !/^0*$/.test(long.slice(digitPos + 1))) return s;
  const truncated = prec > 0 ? long.slice(0, cut) : long.slice(0, dot);
  const last = Number(truncated[truncated.length - 1]);
  if (last % 2 === 1) return s;
  return (v < 0 ? '-' : '') + truncated;
}

export function cExponential(v: number, prec: number): [string, number] {
  const [m, e] = v.toExponential(prec).split('e') as [string, string];
  const exp = Number(e);
  // Exact tie check on the mantissa digits: scale by 10^-exp exactly via a long toExponential.
  const long = Math.abs(v).toExponential(Math.min(100, prec + 40));
  const [lm, le] = long.split('e') as [string, string];
  const digits = lm.replace('.', '');
  const next = digits[prec + 1];
  if (next === '5' && /^0*$/.test(digits.slice(prec + 2)) && Number(digits[prec]) % 2 === 0) {
    const kept = digits.slice(0, prec + 1);
    const mant = prec > 0 ? `${kept[0]}.${kept.slice(1)}` : (kept[0] as string);
    return [(v < 0 ? '-' : '') + mant, Number(le)];
  }
  return [m, exp];
}

export function cFormatG(v: number, prec: number, alt: boolean): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Integers that fit in the precision print as themselves (exact below 2^53).
  if (!alt && Number.isInteger(v) && Math.abs(v) < 9007199254740992 && Math.abs(v) < 10 ** prec) return String(v);
  const d = roundedDigits(v, prec);
  if (d !== undefined) return layoutG(v < 0, d[0], d[1], prec, alt);
  const [, x] = cExponential(v, prec - 1);
  let s: string;
  if (x < -4 || x >= prec) {
    const [m, e] = cExponential(v, prec - 1);
    s = `${alt ? withPoint(m) : stripFrac(m)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else {
    const f = cFixed(v, Math.max(0, prec - 1 - x));
    s = alt ? withPoint(f) : stripFrac(f);
  }
  return s;
}

/** '#': the decimal point is always written ("5.e+01", "17."). */
function withPoint(s: string): string {
  return s.includes('.') ? s : `${s}.`;
}

function stripFrac(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * The significant digits and decimal exponent of `v` rounded to `prec` digits, without the long
 * expansions: JS's toExponential rounds the exact binary value, as printf does, except that it
 * breaks exact ties upwards. A tie is recognisable: with prec <= 15 (normal doubles) the value is
 * then exactly a (prec+1)-digit decimal ending in 5, so that is its shortest representation;
 * otherwise its (prec+1)-digit rounding ends in 5. Possible ties return undefined (the caller
 * takes the long way); so do NaN and infinities.
 */
function roundedDigits(v: number, prec: number): [string, number] | undefined {
  if (!Number.isFinite(v) || prec > 99) return undefined;
  // Subnormals carry fewer digits than the argument needs; they take the general test below.
  if (prec <= 15 && Math.abs(v) >= 2.2250738585072014e-308) {
    const shortest = splitExp(v.toExponential());
    const n = shortest[0].length;
    if (n <= prec) return shortest;
    if (n === prec + 1 && shortest[0].endsWith('5')) return undefined;
    return splitExp(v.toExponential(prec - 1));
  }
  // In general: an exact tie rounds to a (prec+1)-digit decimal ending in 5; anything else
  // rounds the same way in JS and in C.
  const longer = v.toExponential(prec);
  if (longer.charCodeAt(longer.indexOf('e') - 1) === 53) return undefined;
  return splitExp(v.toExponential(prec - 1));
}

/** "-1.2345e+2" → ["12345", 2]. */
function splitExp(s: string): [string, number] {
  const e = s.indexOf('e');
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  const m = s.slice(start, e);
  return [m.length > 1 ? m[0] + m.slice(2) : m, Number(s.slice(e + 1))];
}

/** %g's layout of rounded digits: exponent style below 1e-4 or from 10^prec, else fixed. */
function layoutG(neg: boolean, digits: string, x: number, prec: number, alt: boolean): string {
  let d = digits;
  if (alt) d = d.padEnd(prec, '0');
  else {
    let end = d.length;
    while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
    d = d.slice(0, end);
  }
  let out: string;
  if (x < -4 || x >= prec) {
    const frac = d.slice(1);
    const mant = frac.length > 0 || alt ? `${d[0]}.${frac}` : (d[0] as string);
    const ax = Math.abs(x);
    out = `${mant}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  } else if (x >= 0) {
    const int = d.length > x + 1 ? d.slice(0, x + 1) : d.padEnd(x + 1, '0');
    const frac = d.slice(x + 1);
    out = frac.length > 0 || alt ? `${int}.${frac}` : int;
  } else {
    out = `0.${'0'.repeat(-x - 1)}${d}`;
  }
  return neg ? `-${out}` : out;
}
