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
  const d = parseDouble(s);
  if (d === null || !Number.isFinite(d)) throw new RedisError('ERR timeout is not a float or out of range');
  if (d < 0) throw new RedisError('ERR timeout is negative');
  if (d === 0) return 0;
  const ms = d * 1000;
  // Redis truncates to whole milliseconds; a positive timeout under 1 ms still waits 1 ms.
  const whole = Math.max(1, Math.floor(ms));
  return now + whole;
}

/** Case-insensitive keyword test. */
export function is(arg: string | undefined, keyword: string): boolean {
  return arg !== undefined && arg.length === keyword.length && arg.toUpperCase() === keyword;
}

export function syntaxError(): never {
  throw new RedisError(SYNTAX);
}
