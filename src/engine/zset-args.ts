/**
 * Sorted-set argument parsing with Redis 7.0's rules and error texts (t_zset.c):
 *
 * - Scores, increments and weights use getDoubleFromObject: strtod over the whole argument, no
 *   leading space, NaN rejected, and overflow/underflow (ERANGE: "1e400", "1e-400") rejected, while
 *   "inf", "-inf", "+inf", "infinity" (any case) and hex floats are accepted.
 * - Score ranges use zslParseRange: a leading "(" makes the bound exclusive; the rest goes to plain
 *   strtod, which skips leading whitespace and saturates overflow to ±inf; only trailing garbage
 *   and NaN are errors ("ERR min or max is not a float"). An empty bound (or a bare "(") is 0.
 * - Lex ranges use zslParseLexRange: "[x" inclusive, "(x" exclusive, "-" and "+" the extremes;
 *   anything else is "ERR min or max not valid string range item".
 */
import { parseDouble } from '../protocol/numbers.js';
import { LEX_MAX, LEX_MIN, type LexBound, type LexRange, type ScoreRange } from '../types/sortedset.js';
import { NOT_FLOAT, RedisError } from './errors.js';

export const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
export const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
export const NAN_SCORE = 'ERR resulting score is not a number (NaN)';

const INF_WORD = /^[+-]?(?:inf|infinity)$/i;
const NONZERO_DIGIT = /[1-9]/;

/** getDoubleFromObject: a finite or infinite double, strictly the whole string; else `message`. */
export function scoreArg(s: string, message = NOT_FLOAT): number {
  const d = parseDouble(s);
  if (d === null) throw new RedisError(message);
  // strtod reports ERANGE for overflow (HUGE_VAL) and for underflow to zero: Redis rejects both.
  if (!Number.isFinite(d) && !INF_WORD.test(s)) throw new RedisError(message);
  if (d === 0 && NONZERO_DIGIT.test(mantissa(s))) throw new RedisError(message);
  return d;
}

/** The significant digits of a decimal or hex float literal (exponent removed). */
function mantissa(s: string): string {
  if (/^[+-]?0[xX]/.test(s)) return s.replace(/^[+-]?0[xX]/, '').replace(/[pP].*$/, '');
  return s.replace(/[eE].*$/, '');
}

/** Plain strtod as zslParseRange uses it: leading whitespace skipped, whole string consumed. */
function strtodLoose(s: string): number | null {
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '') return null;
  return parseDouble(t);
}

/** Parses one score bound: "(" prefix for exclusive. */
function scoreBound(s: string): { v: number; ex: boolean } {
  const ex = s.startsWith('(');
  const v = strtodLoose(ex ? s.slice(1) : s);
  if (v === null) throw new RedisError(NOT_FLOAT_RANGE);
  return { v, ex };
}

/** zslParseRange: min and max score bounds. */
export function parseScoreRange(min: string, max: string): ScoreRange {
  const a = scoreBound(min);
  const b = scoreBound(max);
  return { min: a.v, max: b.v, minex: a.ex, maxex: b.ex };
}

function lexBound(s: string): { v: LexBound; ex: boolean } {
  const c = s[0];
  if (c === '+' && s.length === 1) return { v: LEX_MAX, ex: true };
  if (c === '-' && s.length === 1) return { v: LEX_MIN, ex: true };
  if (c === '(') return { v: s.slice(1), ex: true };
  if (c === '[') return { v: s.slice(1), ex: false };
  throw new RedisError(NOT_LEX_RANGE);
}

/** zslParseLexRange: min and max lex bounds. */
export function parseLexRange(min: string, max: string): LexRange {
  const a = lexBound(min);
  const b = lexBound(max);
  return { min: a.v, max: b.v, minex: a.ex, maxex: b.ex };
}
