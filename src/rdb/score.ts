/** Scores as Redis 7.0 writes them into a zset listpack (d2string) and reads them back. */
import { formatDouble } from '../protocol/numbers.js';

/** Recent %.17g texts (the exact formatting is slow; scores repeat across keys). */
const memo = new Map<number, string>();

/** d2string: integral values within ±2^62 as integers (double2ll), others as %.17g. */
export function d2string(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && d >= -(2 ** 62) && d <= 2 ** 62)
    return Math.abs(d) <= Number.MAX_SAFE_INTEGER ? String(d) : BigInt(d).toString();
  let s = memo.get(d);
  if (s === undefined) {
    if (memo.size >= 4096) memo.clear();
    s = formatDouble(d);
    memo.set(d, s);
  }
  return s;
}

/** zzlGetScore / strtod of a listpack score; null when it is not a number. */
export function parseScore(s: string): number | null {
  if (s === 'inf' || s === '+inf') return Number.POSITIVE_INFINITY;
  if (s === '-inf') return Number.NEGATIVE_INFINITY;
  if (s.length === 0 || /\s/.test(s)) return null;
  const d = Number(s);
  return Number.isNaN(d) ? null : d;
}
