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
  const [, x] = cExponential(v, prec - 1);
  let s: string;
  if (x < -4 || x >= prec) {
    const [m, e] = cExponential(v, prec - 1);
    s = `${alt ? m : stripFrac(m)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else {
    const f = cFixed(v, Math.max(0, prec - 1 - x));
    s = alt ? f : stripFrac(f);
  }
  return s;
}

function stripFrac(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}
