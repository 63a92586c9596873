/**
 * What `sim.call()` returns: the values a client library gives (ioredis, node-redis), not RESP
 * wrappers. Bulk and status strings are strings (UTF-8 decoded; Buffers from `callBuffer`),
 * integers and doubles numbers (a RESP3 big number a bigint), arrays and sets arrays, a RESP3
 * map a plain object (or a Map when a key is not a string), nil null, and an error reply a
 * RedisReplyError carrying Redis's error code: thrown, or in place inside an array (EXEC).
 */
import {
  RespBigNumber,
  RespDouble,
  RespError,
  RespMap,
  RespPush,
  RespSet,
  RespStatus,
  type RespValue,
  RespVerbatim,
} from './protocol/reply-parser.js';

/** An error reply: `code` is its first word (ERR, WRONGTYPE, NOSCRIPT, ...), `message` the whole text. */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
  readonly code: string;
  constructor(message: string) {
    super(message);
    this.code = /^\S+/.exec(message)?.[0] ?? 'ERR';
  }
}

/** A reply value as a client library returns it. */
export type ReplyValue =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | RedisReplyError
  | ReplyValue[]
  | { [key: string]: ReplyValue }
  | Map<ReplyValue, ReplyValue>;

/** Converts a parsed RESP value (latin1 byte strings) to a client-library value. */
export function toReplyValue(v: RespValue, buffers: boolean): ReplyValue {
  const str = (s: string): string | Buffer => (buffers ? Buffer.from(s, 'latin1') : Buffer.from(s, 'latin1').toString('utf8'));
  if (typeof v === 'string') return str(v);
  if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => toReplyValue(x, buffers));
  if (v instanceof RespStatus) return str(v.value);
  if (v instanceof RespError) return new RedisReplyError(Buffer.from(v.message, 'latin1').toString('utf8'));
  if (v instanceof RespDouble) return v.value;
  if (v instanceof RespBigNumber) return BigInt(v.text);
  if (v instanceof RespVerbatim) return str(v.text);
  if (v instanceof RespSet || v instanceof RespPush) return v.items.map((x) => toReplyValue(x, buffers));
  if (v instanceof RespMap) {
    const entries = v.entries.map(([k, x]) => [toReplyValue(k, buffers), toReplyValue(x, buffers)] as const);
    if (entries.every(([k]) => typeof k === 'string')) return Object.fromEntries(entries) as { [key: string]: ReplyValue };
    return new Map(entries);
  }
  return null;
}

/** A command argument as the node stores it: strings UTF-8 encoded, one byte per character. */
export function toArg(a: unknown): string {
  if (Buffer.isBuffer(a)) return a.toString('latin1');
  if (typeof a === 'string') return Buffer.from(a, 'utf8').toString('latin1');
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  throw new TypeError(`sim.call(): arguments must be strings, numbers or Buffers; got ${a === null ? 'null' : typeof a}`);
}
