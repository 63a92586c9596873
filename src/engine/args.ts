/**
 * Shared argument parsing with Redis's own error strings. Each helper throws a RedisError that
 * the dispatcher turns into the error reply.
 */
import { parseDouble, parseInteger } from '../protocol/numbers.js';
import { NOT_FLOAT, NOT_INTEGER, RedisError, SYNTAX } from './errors.js';

/** An integer argument (string2ll); `message` is the error when it is not one. */
export function intArg(s: string, message = NOT_INTEGER): number {
  const n = parseInteger(s);
  if (n === null) throw new RedisError(message);
  return n;
}

/** A float argument (strtod, NaN rejected). */
export function floatArg(s: string, message = NOT_FLOAT): number {
  const d = parseDouble(s);
  if (d === null) throw new RedisError(message);
  return d;
}

/**
 * A blocking timeout in seconds (decimals allowed) as Redis's getTimeoutFromObjectOrReply:
 * returns the absolute deadline in ms on `now`'s clock, or 0 for "wait forever".
 */
export function timeoutArg(s: string, now: number): number {
  // Redis 7.0 parses a long double (strtold: "inf" and hex floats accepted, NaN and overflow
  // rejected) and rounds up to whole ms: tval = (long long)ceill(d * 1000). A result beyond
  // LLONG_MAX ("inf", 1e16) becomes LLONG_MIN on x86 and is reported as negative; -0.0001 rounds
  // to 0, which means "wait forever"; 0.0001 waits 1 ms.
  let d = parseDouble(s);
  if (d === null) throw new RedisError('ERR timeout is not a float or out of range');
  const mantissa = s.replace(/[eE].*$/, '');
  if (!Number.isFinite(d) && /[0-9]/.test(mantissa) && !/^[+-]?0[xX]/.test(s)) {
    // A decimal beyond double range: a long double still holds it below ~1.19e4932.
    const exp = Number(/[eE]([+-]?[0-9]+)$/.exec(s)?.[1] ?? 0);
    const intDigits = (mantissa.replace(/^[+-]/, '').split('.')[0] ?? '').replace(/^0+/, '').length;
    if (intDigits - 1 + exp > 4932) throw new RedisError('ERR timeout is not a float or out of range');
  }
  // Below double range but not zero for a long double: ceil makes it 1 ms.
  if (d === 0 && s[0] !== '-' && /[1-9]/.test(mantissa)) d = Number.MIN_VALUE;
  const ms = Math.ceil(d * 1000);
  if (!(ms < 2 ** 63) || ms < 0) throw new RedisError('ERR timeout is negative');
  if (ms === 0) return 0;
  return now + ms;
}

/** Case-insensitive keyword test. */
export function is(arg: string | undefined, keyword: string): boolean {
  return arg !== undefined && arg.length === keyword.length && arg.toUpperCase() === keyword;
}

export function syntaxError(): never {
  throw new RedisError(SYNTAX);
}
