/**
 * Bitmap commands (Redis's bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 *
 * A bitmap is a string: bit 0 is the most significant bit of byte 0. Writes grow the string with
 * zero bytes to reach the bit (a missing key is created), reads treat bytes past the end as zeros.
 * Strings written bit by bit live in a growable byte buffer (types/bitmap.ts), so SETBIT is O(1)
 * amortized while GET and every other string command still see an ordinary string. A value a bit
 * command writes is "raw" for OBJECT ENCODING, as Redis's dbUnshareStringValue makes it.
 *
 * Bit offsets (getBitOffsetFromArgument): a string2ll integer, with BITFIELD also "#N" meaning N
 * times the type's width (multiplied in int64, wrapping as C does); negative, or with offset/8 >=
 * proto-max-bulk-len, is "ERR bit offset is not an integer or out of range". Writes that would
 * make the string longer than a V8 string can be (2^29-24 bytes, just under 512 MB) fail with
 * types/bitmap.ts's BEYOND_SIM_LIMIT, after the type check, where Redis would allocate.
 *
 * Keyspace events: SETBIT and BITFIELD `setbit` (class $) when something changed (a bit flipped,
 * the string was created or grew; a BITFIELD whose only writes failed under OVERFLOW FAIL creates
 * the key but fires nothing beyond `new`), BITOP `set`, or `del` (class g) when every source is
 * empty or missing, which deletes the destination.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { configNumber } from '../engine/encoding.js';
import { NOT_INTEGER, RedisError, SYNTAX, WRONGTYPE } from '../engine/errors.js';
import { RedisObject } from '../engine/values.js';
import { parseInt64 } from '../protocol/numbers.js';
import {
  attachStore,
  BEYOND_SIM_LIMIT,
  type ByteSource,
  ByteStore,
  bitpos,
  bufferOf,
  byteAt,
  getUnsignedBitfield,
  MAX_STRING_BYTES,
  popcount,
  popcount8,
  readBytes,
  setUnsignedBitfield,
  storeOf,
} from '../types/bitmap.js';

const BAD_OFFSET = 'ERR bit offset is not an integer or out of range';
const BAD_BIT = 'ERR bit is not an integer or out of range';
const BAD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** C compares keywords with strcasecmp on NUL-terminated strings: "bit\0x" is BIT. */
function kw(s: string): string {
  const z = s.indexOf('\0');
  return (z < 0 ? s : s.slice(0, z)).toUpperCase();
}

/** string2ll as a bigint, or `message` as the error. */
function int64Arg(s: string, message = NOT_INTEGER): bigint {
  const n = parseInt64(s);
  if (n === null) throw new RedisError(message);
  return n;
}

/**
 * getBitOffsetFromArgument: the bit offset, with "#N" allowed (as N*bits) when `bits` > 0.
 */
function bitOffsetArg(c: Client, s: string, bits = 0): number {
  const hash = bits > 0 && s[0] === '#';
  let off = parseInt64(hash ? s.slice(1) : s);
  if (off === null) throw new RedisError(BAD_OFFSET);
  if (hash) off = BigInt.asIntN(64, off * BigInt(bits));
  if (off < 0n || off >> 3n >= BigInt(configNumber(c.node, 'proto-max-bulk-len'))) throw new RedisError(BAD_OFFSET);
  return Number(off);
}

/** The string at `key` looked up as lookupKeyRead does from a write command (stats, keymiss). */
function readLookup(c: Client, key: string): RedisObject<'string'> | undefined {
  return c.node.asRead(() => c.db.get(key, 'string'));
}

/**
 * lookupStringForBitCommand: the string at `key` made at least `bytes` long (zero-padded), created
 * if missing; `dirty` when it was created or grew. WRONGTYPE for other types.
 */
function stringForBits(c: Client, key: string, bytes: number): { store: ByteStore; dirty: boolean } {
  const db = c.db;
  const o = db.lookupTouch(key);
  if (o !== undefined && o.type !== 'string') throw new RedisError(WRONGTYPE);
  if (bytes > MAX_STRING_BYTES) throw new RedisError(BEYOND_SIM_LIMIT);
  if (o === undefined) {
    const created = new RedisObject('string', '', c.node.clock.now());
    created.raw = true;
    const store = new ByteStore(Buffer.alloc(Math.max(bytes, 16)), bytes);
    attachStore(created, store);
    db.add(key, created);
    return { store, dirty: true };
  }
  const s = o as RedisObject<'string'>;
  s.raw = true;
  const store = storeOf(s);
  return { store, dirty: store.grow(bytes) };
}

// ---- SETBIT / GETBIT -------------------------------------------------------------------------

/** SETBIT key offset 0|1: replies the bit's previous value. */
function setbit(c: Client, args: string[]): void {
  const key = args[1] as string;
  const offset = bitOffsetArg(c, args[2] as string);
  // getLongFromObjectOrReply, then "on & ~1": only 0 and 1.
  const on = int64Arg(args[3] as string, BAD_BIT);
  if (on !== 0n && on !== 1n) throw new RedisError(BAD_BIT);
  const byte = Math.floor(offset / 8);
  const { store, dirty } = stringForBits(c, key, byte + 1);
  const mask = 1 << (7 - (offset % 8));
  const old = (store.buf[byte] as number) & mask ? 1 : 0;
  if (dirty || old !== Number(on)) {
    store.buf[byte] = on ? (store.buf[byte] as number) | mask : (store.buf[byte] as number) & ~mask;
    store.changed();
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty++;
    c.node.notify(c.db, '$', 'setbit', key);
  }
  c.reply.int(old);
}

/** GETBIT key offset: 0 past the end and for a missing key. */
function getbit(c: Client, args: string[]): void {
  const offset = bitOffsetArg(c, args[2] as string);
  const o = c.db.get(args[1] as string, 'string');
  const { src, len } = readBytes(o);
  const byte = Math.floor(offset / 8);
  c.reply.int(byte < len && byteAt(src, byte) & (1 << (7 - (offset % 8))) ? 1 : 0);
}

// ---- BITCOUNT / BITPOS --------------------------------------------------------------------------

/** BIT or BYTE (strcasecmp); anything else is a syntax error. */
function bitUnit(s: string): boolean {
  const k = kw(s);
  if (k === 'BIT') return true;
  if (k === 'BYTE') return false;
  throw new RedisError(SYNTAX);
}

/**
 * Clamps start..end (negative counting from the end) to a string of `total` units: the indexes
 * are int64 (compared exactly), the result fits a JS number.
 */
function clampRange(start: bigint, end: bigint, total: number): [number, number] {
  const t = BigInt(total);
  if (start < 0n) start += t;
  if (end < 0n) end += t;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= t) end = t - 1n;
  // start may still be huge (past the end): any value > end means an empty range.
  return [start > t ? total + 1 : Number(start), Number(end)];
}

/** A clamped range as bytes: in BIT mode, the edge bytes with masks of the bits outside it. */
interface ByteRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

function byteRange(s: bigint, e: bigint, isBit: boolean, len: number): ByteRange {
  let [start, end] = clampRange(s, e, isBit ? len * 8 : len);
  let firstMask = 0;
  let lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/**
 * BITCOUNT key [start end [BYTE|BIT]]. A missing key replies 0 before the arguments are looked
 * at; both indexes negative with start > end is 0 before BYTE|BIT is checked. In BIT mode the
 * edge bytes are counted and the bits outside the range subtracted.
 */
function bitcount(c: Client, args: string[]): void {
  const o = c.db.get(args[1] as string, 'string');
  if (o === undefined) return c.reply.int(0);
  const { src, len } = readBytes(o);
  let r: ByteRange;
  if (args.length === 4 || args.length === 5) {
    const s = int64Arg(args[2] as string);
    const e = int64Arg(args[3] as string);
    if (s < 0n && e < 0n && s > e) return c.reply.int(0);
    r = byteRange(s, e, args.length === 5 && bitUnit(args[4] as string), len);
  } else if (args.length === 2) {
    r = { start: 0, end: len - 1, firstMask: 0, lastMask: 0 };
  } else {
    throw new RedisError(SYNTAX);
  }
  const { start, end, firstMask, lastMask } = r;
  if (start > end) return c.reply.int(0);
  let count = popcount(src, start, end - start + 1);
  if (firstMask) count -= popcount8(byteAt(src, start) & firstMask);
  if (lastMask) count -= popcount8(byteAt(src, end) & lastMask);
  c.reply.int(count);
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set to `bit`. A missing key is an endless
 * run of zeros (0 for bit 0, -1 for bit 1). Without an explicit end, a search for 0 in a string of
 * ones answers the first bit past the string; with one, -1. An empty range is -1.
 */
function bitposCommand(c: Client, args: string[]): void {
  const bitArg = int64Arg(args[2] as string);
  if (bitArg !== 0n && bitArg !== 1n) throw new RedisError('ERR The bit argument must be 1 or 0.');
  const bit = Number(bitArg) as 0 | 1;
  const o = c.db.get(args[1] as string, 'string');
  if (o === undefined) return c.reply.int(bit ? -1 : 0);
  const { src, len } = readBytes(o);
  let r: ByteRange;
  let endGiven = false;
  if (args.length >= 4 && args.length <= 6) {
    const s = int64Arg(args[3] as string);
    const isBit = args.length === 6 && bitUnit(args[5] as string);
    let e: bigint;
    if (args.length >= 5) {
      e = int64Arg(args[4] as string);
      endGiven = true;
    } else e = isBit ? BigInt(len * 8 + 7) : BigInt(len - 1);
    r = byteRange(s, e, isBit, len);
  } else if (args.length === 3) {
    r = { start: 0, end: len - 1, firstMask: 0, lastMask: 0 };
  } else {
    throw new RedisError(SYNTAX);
  }
  const { start, end, firstMask, lastMask } = r;
  if (start > end) return c.reply.int(-1);
  const [pos, bytes, from] = searchRange(src, start, end, bit, firstMask, lastMask);
  // With an explicit end the bits right of the range are not zeros: "not found" is -1.
  if (endGiven && bit === 0 && pos === bytes * 8) return c.reply.int(-1);
  c.reply.int(pos === -1 ? -1 : pos + from * 8);
}

/**
 * BITPOS's search of bytes start..end (start <= end). The edge bytes of a BIT range are searched
 * with the bits outside the range forced to the value not searched for. Returns redisBitpos's
 * answer for the last part searched, that part's byte count and its first byte, as Redis's
 * bitposCommand leaves them for its final adjustment.
 */
function searchRange(
  src: ByteSource,
  start: number,
  end: number,
  bit: 0 | 1,
  firstMask: number,
  lastMask: number,
): [number, number, number] {
  let bytes = end - start + 1;
  if (firstMask) {
    let b = bit ? byteAt(src, start) & ~firstMask : byteAt(src, start) | firstMask;
    if (lastMask && bytes === 1) b = bit ? b & ~lastMask : b | lastMask;
    const pos = bitpos(String.fromCharCode(b & 0xff), 0, 1, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) return [pos, bytes, start];
    start++;
    bytes--;
  }
  const middle = bytes - (lastMask ? 1 : 0);
  if (middle > 0) {
    const pos = bitpos(src, start, middle, bit);
    if (bytes === middle || (pos !== -1 && pos !== middle * 8)) return [pos, bytes, start];
    start += middle;
    bytes -= middle;
  }
  const b = bit ? byteAt(src, end) & ~lastMask : byteAt(src, end) | lastMask;
  return [bitpos(String.fromCharCode(b & 0xff), 0, 1, bit), bytes, start];
}

// ---- BITOP --------------------------------------------------------------------------------------

const OPS = new Set(['AND', 'OR', 'XOR', 'NOT']);

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...]: the result is as long as the longest source (shorter
 * and missing ones are zero-padded) and replaces destkey whatever its type (its TTL dropped);
 * an all-empty result deletes destkey. Replies the result's length.
 */
function bitop(c: Client, args: string[]): void {
  const op = kw(args[1] as string);
  if (!OPS.has(op)) throw new RedisError(SYNTAX);
  if (op === 'NOT' && args.length !== 4) throw new RedisError('ERR BITOP NOT must be called with a single source key.');
  const dest = args[2] as string;
  const srcs: Buffer[] = [];
  let maxlen = 0;
  for (let j = 3; j < args.length; j++) {
    const { src, len } = readBytes(readLookup(c, args[j] as string));
    srcs.push(bufferOf(src as ByteSource, len));
    if (len > maxlen) maxlen = len;
  }
  const db = c.db;
  if (maxlen === 0) {
    if (db.delete(dest)) {
      c.node.signalModifiedKey(db, dest);
      c.node.stats.dirty++;
      c.node.notify(db, 'g', 'del', dest);
    }
    return c.reply.int(0);
  }
  const res = Buffer.alloc(maxlen);
  const first = srcs[0] as Buffer;
  first.copy(res);
  if (op === 'NOT') {
    for (let i = 0; i < maxlen; i++) res[i] = ~(res[i] as number) & 0xff;
  } else {
    for (let k = 1; k < srcs.length; k++) {
      const s = srcs[k] as Buffer;
      const n = s.length;
      if (op === 'AND') {
        for (let i = 0; i < n; i++) res[i] = (res[i] as number) & (s[i] as number);
        res.fill(0, n);
      } else if (op === 'OR') {
        for (let i = 0; i < n; i++) res[i] = (res[i] as number) | (s[i] as number);
      } else {
        for (let i = 0; i < n; i++) res[i] = (res[i] as number) ^ (s[i] as number);
      }
    }
  }
  // setKey: a new raw string object (never int/embstr), keeping the old value's LFU counter.
  const old = db.lookup(dest);
  const obj = new RedisObject('string', '', c.node.clock.now());
  obj.raw = true;
  attachStore(obj, new ByteStore(res, maxlen));
  if (old !== undefined) obj.freq = old.freq;
  db.set(dest, obj);
  c.node.signalModifiedKey(db, dest);
  c.node.stats.dirty++;
  c.node.notify(db, '$', 'set', dest);
  c.reply.int(maxlen);
}

// ---- BITFIELD -----------------------------------------------------------------------------------

const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface FieldOp {
  op: 'GET' | 'SET' | 'INCRBY';
  offset: number;
  bits: number;
  signed: boolean;
  value: bigint;
  overflow: number;
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63 (the digits end at a NUL, as strlen). */
function fieldType(s: string): { signed: boolean; bits: number } {
  const signed = s[0] === 'i';
  if (!signed && s[0] !== 'u') throw new RedisError(BAD_TYPE);
  const z = s.indexOf('\0');
  const n = parseInt64(z < 0 ? s.slice(1) : s.slice(1, z));
  if (n === null || n < 1n || n > (signed ? 64n : 63n)) throw new RedisError(BAD_TYPE);
  return { signed, bits: Number(n) };
}

/**
 * checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow, C's int64 arithmetic included:
 * 0 when value+incr fits, else 1 (over) or -1 (under) and the value WRAP or SAT would store.
 */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, mode: number): [number, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  let dir = 0;
  if (value > max || (incr > 0n && incr > maxincr)) dir = 1;
  else if (incr < 0n && incr < minincr) dir = -1;
  if (dir === 0) return [0, 0n];
  if (mode === WRAP) return [dir, BigInt.asUintN(bits, value + incr)];
  return [dir, dir > 0 ? max : 0n];
}

function signedOverflow(value: bigint, incr: bigint, bits: number, mode: number): [number, bigint] {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  let dir = 0;
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) dir = 1;
  else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) dir = -1;
  if (dir === 0) return [0, 0n];
  if (mode === WRAP) return [dir, BigInt.asIntN(bits, value + incr)];
  return [dir, dir > 0 ? max : min];
}

/**
 * BITFIELD key [GET type offset | SET type offset value | INCRBY type offset incr | OVERFLOW
 * WRAP|SAT|FAIL ...]: every operation is parsed (and every error raised) before anything runs.
 * OVERFLOW applies to the SET/INCRBY operations after it. SET replies the old value, INCRBY the
 * new one, GET the value; an overflow under FAIL replies null and writes nothing. With only GETs
 * the key is read as by a read command; with a write the string is created/grown first to hold
 * the farthest bit written. BITFIELD_RO refuses SET/INCRBY after parsing.
 */
function bitfieldGeneric(c: Client, args: string[], readonlyCommand: boolean): void {
  const ops: FieldOp[] = [];
  let overflow = WRAP;
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const sub = kw(args[j] as string);
    let op: FieldOp['op'];
    if (sub === 'GET' && remaining >= 2) op = 'GET';
    else if (sub === 'SET' && remaining >= 3) op = 'SET';
    else if (sub === 'INCRBY' && remaining >= 3) op = 'INCRBY';
    else if (sub === 'OVERFLOW' && remaining >= 1) {
      const mode = kw(args[++j] as string);
      if (mode === 'WRAP') overflow = WRAP;
      else if (mode === 'SAT') overflow = SAT;
      else if (mode === 'FAIL') overflow = FAIL;
      else throw new RedisError('ERR Invalid OVERFLOW type specified');
      continue;
    } else throw new RedisError(SYNTAX);
    const { signed, bits } = fieldType(args[j + 1] as string);
    const offset = bitOffsetArg(c, args[j + 2] as string, bits);
    let value = 0n;
    if (op !== 'GET') {
      readonly = false;
      if (offset + bits - 1 > highest) highest = offset + bits - 1;
      value = int64Arg(args[j + 3] as string);
    }
    ops.push({ op, offset, bits, signed, value, overflow });
    j += op === 'GET' ? 2 : 3;
  }

  const key = args[1] as string;
  let store: ByteStore | undefined;
  let dirty = false;
  let o: RedisObject<'string'> | undefined;
  if (readonly) {
    o = readLookup(c, key);
  } else {
    if (readonlyCommand) throw new RedisError('ERR BITFIELD_RO only supports the GET subcommand');
    ({ store, dirty } = stringForBits(c, key, Math.floor(highest / 8) + 1));
  }

  c.reply.arrayLen(ops.length);
  let changes = 0;
  for (const f of ops) {
    if (f.op === 'GET' || store === undefined) {
      const { src, len } = store ? { src: store.buf, len: store.len } : readBytes(o);
      const u = getUnsignedBitfield(src, len, f.offset, f.bits);
      c.reply.int(f.signed ? BigInt.asIntN(f.bits, u) : u);
      continue;
    }
    const u = getUnsignedBitfield(store.buf, store.len, f.offset, f.bits);
    const oldval = f.signed ? BigInt.asIntN(f.bits, u) : u;
    let newval: bigint;
    let retval: bigint;
    let over: number;
    let wrapped: bigint;
    if (f.op === 'INCRBY') {
      [over, wrapped] = f.signed
        ? signedOverflow(oldval, f.value, f.bits, f.overflow)
        : unsignedOverflow(oldval, f.value, f.bits, f.overflow);
      newval = over ? wrapped : oldval + f.value;
      retval = newval;
    } else {
      // SET: the value checked as value+0; an unsigned field takes the int64 as uint64.
      const v = f.signed ? f.value : BigInt.asUintN(64, f.value);
      [over, wrapped] = f.signed ? signedOverflow(v, 0n, f.bits, f.overflow) : unsignedOverflow(v, 0n, f.bits, f.overflow);
      newval = over ? wrapped : v;
      retval = oldval;
    }
    if (over && f.overflow === FAIL) {
      c.reply.nil();
      continue;
    }
    c.reply.int(retval);
    setUnsignedBitfield(store.buf, f.offset, f.bits, newval);
    store.changed();
    if (dirty || oldval !== newval) changes++;
  }
  if (changes > 0) {
    c.node.signalModifiedKey(c.db, key);
    c.node.notify(c.db, '$', 'setbit', key);
    c.node.stats.dirty += changes;
  }
}

// ---- the command table --------------------------------------------------------------------------

const base = { group: 'bitmap', firstKey: 1, lastKey: 1, keyStep: 1 } as const;

export const bitmapCommands: CommandSpec[] = [
  {
    ...base,
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    since: '2.2.0',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    complexity: 'O(1)',
    handler: setbit,
  },
  {
    ...base,
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'bitmap', 'fast'],
    since: '2.2.0',
    summary: 'Returns the bit value at offset in the string value stored at key',
    complexity: 'O(1)',
    handler: getbit,
  },
  {
    ...base,
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    since: '2.6.0',
    summary: 'Count set bits in a string',
    complexity: 'O(N)',
    handler: bitcount,
  },
  {
    ...base,
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    since: '2.8.7',
    summary: 'Find first bit set or clear in a string',
    complexity: 'O(N)',
    handler: bitposCommand,
  },
  {
    ...base,
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    firstKey: 2,
    lastKey: -1,
    acl: ['write', 'bitmap', 'slow'],
    since: '2.6.0',
    summary: 'Perform bitwise operations between strings',
    complexity: 'O(N)',
    handler: bitop,
  },
  {
    ...base,
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    since: '3.2.0',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    complexity: 'O(1) for each subcommand specified',
    handler: (c, a) => bitfieldGeneric(c, a, false),
  },
  {
    ...base,
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'bitmap', 'fast'],
    since: '6.0.0',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    complexity: 'O(1) for each subcommand specified',
    handler: (c, a) => bitfieldGeneric(c, a, true),
  },
];
