/**
 * String commands (Redis's t_string.c): GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET
 * MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT LCS.
 *
 * Numbers follow Redis: integers are string2ll-strict int64 ("ERR value is not an integer or out
 * of range", "ERR increment or decrement would overflow"), floats are x87 long doubles printed
 * with "%.17Lf" (protocol/longdouble.ts). Keyspace events: `set` for every write of a whole value,
 * `expire` when SET/GETEX give a deadline, `incrby`, `incrbyfloat`, `append`, `setrange`, `del`
 * (GETDEL, GETEX with a past EXAT/PXAT) and `persist` (GETEX PERSIST).
 */
import { is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { configNumber, markNotInt, objectRefcount, stringEncoding } from '../engine/encoding.js';
import { INVALID_EXPIRE, NOT_FLOAT, NOT_INTEGER, RedisError, SYNTAX, WRONG_ARITY, WRONGTYPE } from '../engine/errors.js';
import { RedisObject } from '../engine/values.js';
import { addLongDouble, formatLongDouble, LD_ZERO, parseLongDouble } from '../protocol/longdouble.js';
import { INT64_MAX, INT64_MIN, parseInt64, parseInteger } from '../protocol/numbers.js';
import { type ByteSource, MAX_STRING_BYTES, readBytes, STRING_BEYOND_SIM_LIMIT, storeIfAny, storeOf } from '../types/bitmap.js';
import { modifiedInPlace } from './debug.js';
import { alreadyExpired, mstime, setDeadline } from './expire.js';

// ---- SET-family option parsing (parseExtendedStringArgumentsOrReply) --------------------

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface SetOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument. */
  expire: string | undefined;
}

/** C compares options as NUL-terminated strings: "nx\0junk" is NX. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Options of SET (from argv[3]) and GETEX (from argv[2]). Each option is refused (syntax error)
 * when it conflicts with one already seen: NX/XX, KEEPTTL/PERSIST with any expire, two different
 * expire kinds. Repeating the same expire kind is allowed, the last one wins.
 */
function parseSetOptions(args: string[], forSet: boolean): SetOptions {
  let flags = 0;
  let expire: string | undefined;
  for (let j = forSet ? 3 : 2; j < args.length; j++) {
    const opt = cstr(args[j] as string);
    const hasNext = j < args.length - 1;
    if (forSet && is(opt, 'NX') && !(flags & XX)) flags |= NX;
    else if (forSet && is(opt, 'XX') && !(flags & NX)) flags |= XX;
    else if (forSet && is(opt, 'GET')) flags |= GET;
    else if (forSet && is(opt, 'KEEPTTL') && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && is(opt, 'PERSIST') && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (is(opt, 'EX') && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = args[++j];
    } else if (is(opt, 'PX') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = args[++j];
    } else if (is(opt, 'EXAT') && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = args[++j];
    } else if (is(opt, 'PXAT') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = args[++j];
    } else throw new RedisError(SYNTAX);
  }
  return { flags, expire };
}

/**
 * getExpireMillisecondsOrReply: the absolute deadline in ms. The number must be positive (and,
 * in seconds, fit int64 once × 1000); relative forms add now, and a sum past int64 (which wraps
 * negative in C) is refused too: "ERR invalid expire time in '<cmd>' command".
 */
function expireDeadline(c: Client, arg: string, flags: number, name: string): bigint {
  let ms = parseInt64(arg);
  if (ms === null) throw new RedisError(NOT_INTEGER);
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw new RedisError(INVALID_EXPIRE(name));
  if (seconds) ms *= 1000n;
  if (flags & (EX | PX)) {
    ms += mstime(c);
    if (ms > INT64_MAX) throw new RedisError(INVALID_EXPIRE(name));
  }
  return ms;
}

/**
 * Stores a new string value at `key` (the caller has just looked it up, an access). Replacing a
 * key keeps its LFU access counter, as Redis's dbSetValue does (it copies the old object's lru
 * field under an LFU policy; the counter is only read under one): Database.setString does.
 */
function putString(c: Client, key: string, value: string, keepTtl: boolean): void {
  c.db.setString(key, value, keepTtl);
}

/** The string at `key` (an access), undefined if missing; WRONGTYPE for other types. */
function getString(c: Client, key: string): string | undefined {
  return c.db.readString(key);
}

/**
 * The bytes of the string at `key` (read: touched, a miss counted), undefined if missing;
 * WRONGTYPE otherwise. A value held as a byte buffer (types/bitmap.ts) is read in place.
 */
function getStringBytes(c: Client, key: string): { src: ByteSource; len: number } | undefined {
  const v = c.db.lookupTouchValue(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return { src: v, len: v.length };
  if (v.type !== 'string') throw new RedisError(WRONGTYPE);
  return readBytes(v as RedisObject<'string'>);
}

/** SET ... GET reads the old value with lookupKeyRead: a miss counts and fires "keymiss". */
function setGetLookup(c: Client, key: string): string | undefined {
  return c.node.asRead(() => getString(c, key));
}

/**
 * setGenericCommand: the deadline is validated first, then GET replies the old value (WRONGTYPE
 * aborts everything), then NX/XX decide. A refused NX/XX replies `abort` (null bulk, or :0 for
 * SETNX) unless GET already replied.
 */
function setGeneric(
  c: Client,
  flags: number,
  key: string,
  value: string,
  expireArg: string | undefined,
  name: string,
  ok: () => void,
  abort: () => void,
): void {
  const at = expireArg !== undefined ? expireDeadline(c, expireArg, flags, name) : undefined;
  if (flags & GET) c.reply.bulkOrNil(setGetLookup(c, key));
  const db = c.db;
  const found = db.lookupTouchValue(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (!(flags & GET)) abort();
    return;
  }
  putString(c, key, value, (flags & KEEPTTL) !== 0);
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'set', key);
  const prop = c.node.propagation;
  if (at !== undefined) {
    // A deadline already past (EXAT 1) is still set: the key is gone at its next lookup.
    setDeadline(db, key, at);
    // Replicated as SET key value PXAT <ms> (NX/XX/KEEPTTL/GET dropped).
    prop.rewrite(['SET', key, value, 'PXAT', String(at)]);
    c.node.notify(db, 'g', 'expire', key);
  }
  if (!(flags & GET)) ok();
}

function set(c: Client, args: string[]): void {
  const { flags, expire } = parseSetOptions(args, true);
  setGeneric(
    c,
    flags,
    args[1] as string,
    args[2] as string,
    expire,
    'set',
    () => c.reply.ok(),
    () => c.reply.nil(),
  );
  // SET ... GET without an expiry is replicated without its GET argument(s) (only run if it wrote).
  if (flags & GET && expire === undefined && c.node.propagation.active) {
    c.node.propagation.rewrite(args.filter((a, i) => i < 3 || a.toLowerCase() !== 'get'));
  }
}

function setnx(c: Client, args: string[]): void {
  setGeneric(
    c,
    NX,
    args[1] as string,
    args[2] as string,
    undefined,
    'setnx',
    () => c.reply.int(1),
    () => c.reply.int(0),
  );
}

function setex(c: Client, args: string[], unit: number, name: string): void {
  setGeneric(
    c,
    unit,
    args[1] as string,
    args[3] as string,
    args[2] as string,
    name,
    () => c.reply.ok(),
    () => c.reply.nil(),
  );
}

function get(c: Client, args: string[]): void {
  c.reply.bulkOrNil(getString(c, args[1] as string));
}

/** GETEX key [EX|PX|EXAT|PXAT t | PERSIST]: a missing key replies null before the time is checked. */
function getex(c: Client, args: string[]): void {
  const key = args[1] as string;
  const { flags, expire } = parseSetOptions(args, false);
  const value = getString(c, key);
  if (value === undefined) return c.reply.nil();
  const at = expire !== undefined ? expireDeadline(c, expire, flags, 'getex') : undefined;
  c.reply.bulk(value);
  const db = c.db;
  // GETEX is never replicated as is: DEL/UNLINK (per lazyfree-lazy-expire), PEXPIREAT or PERSIST.
  const prop = c.node.propagation;
  if (at !== undefined && flags & (EXAT | PXAT) && alreadyExpired(c, at)) {
    db.removeKey(key);
    prop.rewrite([c.node.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, 'g', 'del', key);
  } else if (at !== undefined) {
    setDeadline(db, key, at);
    prop.rewrite(['PEXPIREAT', key, String(at)]);
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, 'g', 'expire', key);
  } else if (flags & PERSIST && db.persist(key)) {
    prop.rewrite(['PERSIST', key]);
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, 'g', 'persist', key);
  }
}

function getdel(c: Client, args: string[]): void {
  const key = args[1] as string;
  const value = getString(c, key);
  c.reply.bulkOrNil(value);
  if (value !== undefined && c.db.removeKey(key)) {
    // Replicated as DEL, or UNLINK with lazyfree-lazy-user-del.
    c.node.propagation.rewrite([c.node.config.get('lazyfree-lazy-user-del') === 'yes' ? 'UNLINK' : 'DEL', key]);
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty++;
    c.node.notify(c.db, 'g', 'del', key);
  }
}

/** GETSET key value: the old value, then a plain SET (the deadline is dropped). */
function getset(c: Client, args: string[]): void {
  const key = args[1] as string;
  c.reply.bulkOrNil(getString(c, key));
  putString(c, key, args[2] as string, false);
  c.node.propagation.rewrite(['SET', key, args[2] as string]);
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  c.node.notify(c.db, '$', 'set', key);
}

/** MGET: null for missing keys and for keys of other types (never WRONGTYPE). */
function mget(c: Client, args: string[]): void {
  const out: (string | undefined)[] = [];
  for (let i = 1; i < args.length; i++) {
    const v = c.db.lookupTouchValue(args[i] as string);
    out.push(typeof v === 'string' ? v : v !== undefined && v.type === 'string' ? (v.value as string) : undefined);
  }
  c.reply.bulkArray(out);
}

/** MSET / MSETNX: an odd number of arguments is an arity error. MSETNX sets nothing if any key exists. */
function msetGeneric(c: Client, args: string[], nx: boolean): void {
  if (args.length % 2 === 0) throw new RedisError(WRONG_ARITY(nx ? 'msetnx' : 'mset'));
  const db = c.db;
  if (nx) {
    let busy = false;
    for (let j = 1; j < args.length; j += 2) if (db.lookupTouchValue(args[j] as string) !== undefined) busy = true;
    if (busy) return c.reply.int(0);
  }
  for (let j = 1; j < args.length; j += 2) {
    const key = args[j] as string;
    db.lookupTouchValue(key);
    putString(c, key, args[j + 1] as string, false);
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, '$', 'set', key);
  }
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

/**
 * checkStringLength: the result may not exceed proto-max-bulk-len. Nor, in redis-sim, V8's
 * longest string less a reply's framing (types/bitmap.ts's MAX_STRING_BYTES: 536870856 bytes,
 * 56 short of the default 512 MB): past it, STRING_BEYOND_SIM_LIMIT.
 */
function checkStringLength(c: Client, size: number, append: number): void {
  if (size + append > configNumber(c.node, 'proto-max-bulk-len')) {
    throw new RedisError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
  if (size + append > MAX_STRING_BYTES) throw new RedisError(STRING_BEYOND_SIM_LIMIT);
}

/**
 * Values from this size on are changed in place by SETRANGE, in a growable byte buffer
 * (types/bitmap.ts's ByteStore), as Redis's sds: a SETRANGE costs the bytes it writes, not a copy
 * of the whole value. Smaller values stay plain strings.
 */
const IN_PLACE_BYTES = 64 * 1024;

/**
 * APPEND key value: creates the key as SET would (so "123" is int-encoded), or appends in place
 * (the value becomes "raw" even when appending nothing). Event `append` either way.
 */
function append(c: Client, args: string[]): void {
  const key = args[1] as string;
  const add = args[2] as string;
  const db = c.db;
  const o = db.lookupTouch(key);
  let len: number;
  if (o === undefined) {
    db.setString(key, add);
    len = add.length;
  } else {
    if (o.type !== 'string') throw new RedisError(WRONGTYPE);
    const s = o as RedisObject<'string'>;
    const store = storeIfAny(s);
    checkStringLength(c, store ? store.len : s.value.length, add.length);
    if (store) {
      // Already a byte buffer: append in place (capacity doubles, as sdsMakeRoomFor).
      const at = store.len;
      store.grow(at + add.length);
      store.buf.write(add, at, 'latin1');
      store.changed();
      len = store.len;
    } else {
      // A JS concatenation is a rope (O(1)); it is flattened once, on the next read.
      s.value += add;
      len = s.value.length;
    }
    s.raw = true;
  }
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'append', key);
  c.reply.int(len);
}

function strlen(c: Client, args: string[]): void {
  // readBytes: a value kept as a byte buffer is not turned into a string just to be measured.
  c.reply.int(getStringBytes(c, args[1] as string)?.len ?? 0);
}

/** GETRANGE/SUBSTR key start end: negative indexes count from the end; the range is clamped. */
function getrange(c: Client, args: string[]): void {
  let start = parseInteger(args[2] as string);
  if (start === null) throw new RedisError(NOT_INTEGER);
  let end = parseInteger(args[3] as string);
  if (end === null) throw new RedisError(NOT_INTEGER);
  const o = getStringBytes(c, args[1] as string);
  if (o === undefined) return c.reply.bulk('');
  const { src: s, len: n } = o;
  if (start < 0 && end < 0 && start > end) return c.reply.bulk('');
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n === 0) return c.reply.bulk('');
  c.reply.bulk(typeof s === 'string' ? s.slice(start, end + 1) : s.toString('latin1', start, end + 1));
}

/**
 * SETRANGE key offset value: zero-pads up to offset. Setting nothing replies the current length
 * (0 for a missing key, which is not created) with no event.
 */
function setrange(c: Client, args: string[]): void {
  const key = args[1] as string;
  const value = args[3] as string;
  const offset = parseInteger(args[2] as string);
  if (offset === null) throw new RedisError(NOT_INTEGER);
  if (offset < 0) throw new RedisError('ERR offset is out of range');
  const db = c.db;
  const o = db.lookupTouch(key);
  let obj: RedisObject<'string'>;
  if (o === undefined) {
    if (value.length === 0) return c.reply.int(0);
    checkStringLength(c, offset, value.length);
    // Created raw (createObject, no tryObjectEncoding): an object, not a bare string.
    obj = new RedisObject('string', '\0'.repeat(offset) + value, c.node.clock.now());
    db.set(key, obj);
  } else {
    if (o.type !== 'string') throw new RedisError(WRONGTYPE);
    obj = o as RedisObject<'string'>;
    if (value.length === 0) return c.reply.int(readBytes(obj).len);
    checkStringLength(c, offset, value.length);
    const existing = storeIfAny(obj);
    const curLen = existing ? existing.len : obj.value.length;
    if (existing || Math.max(curLen, offset + value.length) >= IN_PLACE_BYTES) {
      const store = existing ?? storeOf(obj);
      store.grow(offset + value.length);
      store.buf.write(value, offset, 'latin1');
      store.changed();
    } else {
      const cur = obj.value;
      const head = cur.length >= offset ? cur.slice(0, offset) : cur + '\0'.repeat(offset - cur.length);
      obj.value = head + value + cur.slice(offset + value.length);
    }
  }
  obj.raw = true;
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'setrange', key);
  c.reply.int(storeIfAny(obj)?.len ?? obj.value.length);
}

/**
 * incrDecrCommand: the value must be a string2ll integer; the result must stay in int64. The
 * deadline is kept. Small values use JS numbers, the rest exact bigints.
 */
function incrDecr(c: Client, key: string, incr: bigint | number): void {
  const db = c.db;
  const stored = db.lookupTouchValue(key);
  if (typeof stored === 'object' && stored.type !== 'string') throw new RedisError(WRONGTYPE);
  const old = typeof stored === 'object' ? (stored.value as string) : stored;
  const cur = old === undefined ? 0 : parseInteger(old);
  if (cur === null) throw new RedisError(NOT_INTEGER);
  let result: string;
  const sum = typeof incr === 'number' ? cur + incr : Number.NaN;
  if (Number.isSafeInteger(sum) && Number.isSafeInteger(cur)) result = String(sum);
  else {
    const v = old === undefined ? 0n : (parseInt64(old) as bigint);
    const inc = BigInt(incr);
    if ((inc < 0n && v < 0n && inc < INT64_MIN - v) || (inc > 0n && v > 0n && inc > INT64_MAX - v)) {
      throw new RedisError('ERR increment or decrement would overflow');
    }
    result = String(v + inc);
  }
  // Redis writes the new value into the old object when that one is an unshared int and the
  // result is not a shared integer (0..9999): DEBUG OBJECT keeps its address. Only an object can
  // have been given an address (DEBUG OBJECT promotes a bare string), so only then does the new
  // value need one.
  const v = Number(result);
  if (
    typeof stored === 'object' &&
    (v < 0 || v >= 10000) &&
    objectRefcount(c.node, stored) === 1 &&
    stringEncoding(stored as RedisObject<'string'>) === 'int'
  ) {
    const n = new RedisObject('string', result, c.node.clock.now());
    n.freq = stored.freq;
    db.set(key, n, true);
    modifiedInPlace(stored, n);
  } else putString(c, key, result, true);
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'incrby', key);
  c.reply.raw(`:${result}\r\n`);
}

/** An INCRBY/DECRBY amount: a number when exact, else a bigint. */
function amount(s: string): bigint | number {
  const n = parseInteger(s);
  if (n === null) throw new RedisError(NOT_INTEGER);
  return Number.isSafeInteger(n) ? n : (parseInt64(s) as bigint);
}

function incrby(c: Client, args: string[]): void {
  incrDecr(c, args[1] as string, amount(args[2] as string));
}

/** DECRBY: negating LLONG_MIN would overflow ("ERR decrement would overflow"). */
function decrby(c: Client, args: string[]): void {
  const n = amount(args[2] as string);
  if (n === INT64_MIN) throw new RedisError('ERR decrement would overflow');
  incrDecr(c, args[1] as string, -n);
}

/**
 * INCRBYFLOAT: long double arithmetic; the result is stored as its "%.17Lf" text (encoding
 * embstr/raw, never int) and the deadline is kept.
 */
function incrbyfloat(c: Client, args: string[]): void {
  const key = args[1] as string;
  const db = c.db;
  const o = db.lookupTouch(key);
  if (o !== undefined && o.type !== 'string') throw new RedisError(WRONGTYPE);
  const cur = o === undefined ? LD_ZERO : parseLongDouble(o.value as string);
  if (cur === null) throw new RedisError(NOT_FLOAT);
  const incr = parseLongDouble(args[2] as string);
  if (incr === null) throw new RedisError(NOT_FLOAT);
  const sum = addLongDouble(cur, incr);
  if (sum.kind !== 'finite') throw new RedisError('ERR increment would produce NaN or Infinity');
  const text = formatLongDouble(sum);
  // Created without tryObjectEncoding (never "int"): an object, marked so, not a bare string.
  const n = new RedisObject('string', text, c.node.clock.now());
  if (o !== undefined) n.freq = o.freq;
  db.set(key, n, true);
  markNotInt(n);
  // Replicated as SET key <result> KEEPTTL: float formatting never differs on the replica.
  c.node.propagation.rewrite(['SET', key, text, 'KEEPTTL']);
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'incrbyfloat', key);
  c.reply.bulk(text);
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the classic dynamic-programming table,
 * walked back from the end exactly as Redis does, so IDX lists the same ranges in the same order
 * (last match first). Missing keys are empty strings.
 */
function lcs(c: Client, args: string[]): void {
  const oa = c.db.lookupTouch(args[1] as string);
  const ob = c.db.lookupTouch(args[2] as string);
  if ((oa && oa.type !== 'string') || (ob && ob.type !== 'string')) {
    throw new RedisError('ERR The specified keys must contain string values');
  }
  const a = (oa?.value as string | undefined) ?? '';
  const b = (ob?.value as string | undefined) ?? '';
  let getlen = false;
  let getidx = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j] as string;
    const more = args.length - 1 - j;
    if (is(opt, 'IDX')) getidx = true;
    else if (is(opt, 'LEN')) getlen = true;
    else if (is(opt, 'WITHMATCHLEN')) withmatchlen = true;
    else if (is(opt, 'MINMATCHLEN') && more > 0) {
      const n = parseInteger(args[j + 1] as string);
      if (n === null) throw new RedisError(NOT_INTEGER);
      minmatchlen = Math.max(0, n);
      j++;
    } else throw new RedisError(SYNTAX);
  }
  if (getidx && getlen) throw new RedisError('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length;
  const blen = b.length;
  const size = (alen + 1) * (blen + 1);
  if (size * 4 > configNumber(c.node, 'proto-max-bulk-len')) {
    throw new RedisError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  const w = blen + 1;
  const t = new Uint32Array(size);
  for (let i = 1; i <= alen; i++) {
    for (let j = 1; j <= blen; j++) {
      if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) t[i * w + j] = (t[(i - 1) * w + j - 1] as number) + 1;
      else {
        const l1 = t[(i - 1) * w + j] as number;
        const l2 = t[i * w + j - 1] as number;
        t[i * w + j] = Math.max(l1, l2);
      }
    }
  }
  const total = t[alen * w + blen] as number;
  if (getlen) return c.reply.int(total);
  const chars: string[] = new Array(total);
  const ranges: number[][] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let as = alen; // alen: no range in progress
  let ae = 0;
  let bs = 0;
  let be = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1] as string;
      if (as === alen) {
        as = i - 1;
        ae = i - 1;
        bs = j - 1;
        be = j - 1;
      } else if (as === i && bs === j) {
        as--;
        bs--;
      } else emit = true;
      if (as === 0 || bs === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = t[(i - 1) * w + j] as number;
      const l2 = t[i * w + j - 1] as number;
      if (l1 > l2) i--;
      else j--;
      if (as !== alen) emit = true;
    }
    const matchLen = ae - as + 1;
    if (emit) {
      if (minmatchlen === 0 || matchLen >= minmatchlen) ranges.push([as, ae, bs, be, matchLen]);
      as = alen;
    }
  }
  if (!getidx) return c.reply.bulk(chars.join(''));
  const r = c.reply;
  r.mapLen(2);
  r.bulk('matches');
  r.arrayLen(ranges.length);
  for (const [s1, e1, s2, e2, ml] of ranges as [number, number, number, number, number][]) {
    r.arrayLen(withmatchlen ? 3 : 2);
    r.arrayLen(2);
    r.int(s1);
    r.int(e1);
    r.arrayLen(2);
    r.int(s2);
    r.int(e2);
    if (withmatchlen) r.int(ml);
  }
  r.bulk('len');
  r.int(total);
}

const base = { group: 'string', firstKey: 1, lastKey: 1, keyStep: 1, complexity: 'O(1)' } as const;
const writeFast = { ...base, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'] } as const;
const writeSlow = { ...base, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'] } as const;
const RANGE_COMPLEXITY =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const stringCommands: CommandSpec[] = [
  {
    ...base,
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    since: '1.0.0',
    summary: 'Get the value of a key',
    handler: get,
  },
  { ...writeSlow, name: 'set', arity: -3, since: '1.0.0', summary: 'Set the string value of a key', handler: set },
  {
    ...writeFast,
    name: 'setnx',
    arity: 3,
    since: '1.0.0',
    summary: 'Set the value of a key, only if the key does not exist',
    handler: setnx,
  },
  {
    ...writeSlow,
    name: 'setex',
    arity: 4,
    since: '2.0.0',
    summary: 'Set the value and expiration of a key',
    handler: (c, a) => setex(c, a, EX, 'setex'),
  },
  {
    ...writeSlow,
    name: 'psetex',
    arity: 4,
    since: '2.6.0',
    summary: 'Set the value and expiration in milliseconds of a key',
    handler: (c, a) => setex(c, a, PX, 'psetex'),
  },
  {
    ...writeFast,
    name: 'getset',
    arity: 3,
    since: '1.0.0',
    summary: 'Set the string value of a key and return its old value',
    handler: getset,
  },
  {
    ...base,
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    since: '6.2.0',
    summary: 'Get the value of a key and delete the key',
    handler: getdel,
  },
  {
    ...base,
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    since: '6.2.0',
    summary: 'Get the value of a key and optionally set its expiration',
    handler: getex,
  },
  {
    ...base,
    name: 'mget',
    arity: -2,
    lastKey: -1,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    tips: ['request_policy:multi_shard'],
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    summary: 'Get the values of all the given keys',
    handler: mget,
  },
  {
    ...writeSlow,
    name: 'mset',
    arity: -3,
    lastKey: -1,
    keyStep: 2,
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    summary: 'Set multiple keys to multiple values',
    handler: (c, a) => msetGeneric(c, a, false),
  },
  {
    ...writeSlow,
    name: 'msetnx',
    arity: -3,
    lastKey: -1,
    keyStep: 2,
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    handler: (c, a) => msetGeneric(c, a, true),
  },
  {
    ...writeFast,
    name: 'append',
    arity: 3,
    since: '2.0.0',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    summary: 'Append a value to a key',
    handler: append,
  },
  {
    ...base,
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    since: '2.2.0',
    summary: 'Get the length of the value stored in a key',
    handler: strlen,
  },
  {
    ...base,
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    since: '2.4.0',
    complexity: RANGE_COMPLEXITY,
    summary: 'Get a substring of the string stored at a key',
    handler: getrange,
  },
  {
    ...base,
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    since: '1.0.0',
    complexity: RANGE_COMPLEXITY,
    summary: 'Get a substring of the string stored at a key',
    handler: getrange,
  },
  {
    ...writeSlow,
    name: 'setrange',
    arity: 4,
    since: '2.2.0',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    handler: setrange,
  },
  {
    ...writeFast,
    name: 'incr',
    arity: 2,
    since: '1.0.0',
    summary: 'Increment the integer value of a key by one',
    handler: (c, a) => incrDecr(c, a[1] as string, 1),
  },
  {
    ...writeFast,
    name: 'decr',
    arity: 2,
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by one',
    handler: (c, a) => incrDecr(c, a[1] as string, -1),
  },
  {
    ...writeFast,
    name: 'incrby',
    arity: 3,
    since: '1.0.0',
    summary: 'Increment the integer value of a key by the given amount',
    handler: incrby,
  },
  {
    ...writeFast,
    name: 'decrby',
    arity: 3,
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by the given number',
    handler: decrby,
  },
  {
    ...writeFast,
    name: 'incrbyfloat',
    arity: 3,
    since: '2.6.0',
    summary: 'Increment the float value of a key by the given amount',
    handler: incrbyfloat,
  },
  {
    ...base,
    name: 'lcs',
    arity: -3,
    lastKey: 2,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    summary: 'Find longest common substring',
    handler: lcs,
  },
];
