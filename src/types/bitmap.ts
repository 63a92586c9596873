/**
 * Strings as mutable byte buffers, for the bit commands (Redis's bitops.c).
 *
 * A Redis string is a JS latin1 string everywhere in redis-sim, and JS strings are immutable: a
 * SETBIT that rebuilt the string would copy the whole value for every bit. Instead, the first
 * SETBIT/BITFIELD write on a string value (and a SETRANGE on a large one, or an APPEND to one
 * already in that mode: commands/strings.ts) moves its bytes into a growable Buffer (one O(n) copy)
 * and installs an accessor for `value` on that RedisObject: every other reader (GET, GETRANGE,
 * DUMP, Lua, ...) still sees a plain string, built from the buffer on the first read after a write
 * and cached until the next one. A writer that assigns a whole new string (SET, a small SETRANGE)
 * turns the object back into a plain one. So SETBIT is O(1) amortized (capacity doubles as the
 * bitmap grows, zero-filled as Redis's sdsgrowzero), and GET after a run of SETBITs costs one
 * O(n) conversion.
 *
 * Reads (GETBIT, BITCOUNT, BITPOS, BITFIELD GET) use `readBytes`, which hands out the buffer of a
 * bitmap-mode object or the plain string itself: both index bytes in O(1), nothing is copied.
 *
 * Limit: V8 strings hold at most buffer.constants.MAX_STRING_LENGTH characters (2^29-24 on 64-bit
 * Node, 24 bytes short of Redis's 512 MB proto-max-bulk-len), and GET's reply is one string with
 * the bulk header around the value. A bit write that would make a string longer than
 * MAX_STRING_BYTES (that limit minus 32 bytes of reply framing: 536870856) fails with
 * BEYOND_SIM_LIMIT instead of allocating a value GET could not return.
 */
import { constants } from 'node:buffer';

/** The longest string a bit write may make, in bytes: GET can still reply it as one bulk string. */
export const MAX_STRING_BYTES = constants.MAX_STRING_LENGTH - 32;

/** The error of APPEND/SETRANGE past MAX_STRING_BYTES (real Redis would grow the string up to 512 MB). */
export const STRING_BEYOND_SIM_LIMIT = `ERR string exceeds the largest string redis-sim can hold (${MAX_STRING_BYTES} bytes)`;

/** The error of a bit write past MAX_STRING_BYTES (real Redis would grow the string up to 512 MB). */
export const BEYOND_SIM_LIMIT = `ERR bit offset is beyond the largest string redis-sim can hold (${MAX_STRING_BYTES} bytes)`;

/** The byte buffer behind a bitmap-mode string object. */
export class ByteStore {
  /** Bytes [0, len) are the value; the rest is zeroed spare capacity. */
  buf: Buffer;
  len: number;
  /** The value as a string, while it is current. */
  private cached: string | undefined;

  constructor(buf: Buffer, len: number, cached?: string) {
    this.buf = buf;
    this.len = len;
    this.cached = cached;
  }

  /** The value as a latin1 string (built once per change). */
  toString(): string {
    if (this.cached === undefined) this.cached = this.buf.toString('latin1', 0, this.len);
    return this.cached;
  }

  /** Makes the value at least `len` bytes long, zero-padded; true if it grew. */
  grow(len: number): boolean {
    if (len <= this.len) return false;
    if (len > this.buf.length) {
      const cap = Math.min(Math.max(len, this.buf.length * 2, 16), MAX_STRING_BYTES);
      const next = Buffer.alloc(cap);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.len = len;
    this.cached = undefined;
    return true;
  }

  /** Call after changing bytes in `buf`. */
  changed(): void {
    this.cached = undefined;
  }
}

/**
 * What a byte store sits behind: a string value's holder (engine/values.ts's RedisObject of type
 * 'string'), named by shape so that types/ does not depend on engine/.
 */
export interface StringHolder {
  value: string;
}

const stores = new WeakMap<StringHolder, ByteStore>();

/** Puts `store` behind `o.value` (the object must be a string). */
export function attachStore(o: StringHolder, store: ByteStore): void {
  stores.set(o, store);
  Object.defineProperty(o, 'value', {
    configurable: true,
    enumerable: true,
    get: () => store.toString(),
    set: (v: string) => {
      // A whole new value (APPEND, SETRANGE, a test assigning directly): back to a plain string.
      stores.delete(o);
      Object.defineProperty(o, 'value', { configurable: true, enumerable: true, writable: true, value: v });
    },
  });
}

/**
 * The byte store of a string object, converting it to bitmap mode if needed (one O(n) copy of a
 * plain string, with room to grow).
 */
export function storeOf(o: StringHolder): ByteStore {
  const have = stores.get(o);
  if (have) return have;
  const s = o.value;
  const buf = Buffer.alloc(Math.max(16, s.length));
  buf.write(s, 0, 'latin1');
  const store = new ByteStore(buf, s.length, s);
  attachStore(o, store);
  return store;
}

/** The byte store of an object already in bitmap mode, if it is. */
export function storeIfAny(o: StringHolder): ByteStore | undefined {
  return stores.get(o);
}

/** Bytes to read: the live buffer of a bitmap-mode object or the plain string. */
export type ByteSource = Buffer | string;

/** The bytes of a string object for reading, and their count; nothing is copied. */
export function readBytes(o: StringHolder | undefined): { src: ByteSource; len: number } {
  if (o === undefined) return { src: '', len: 0 };
  const store = stores.get(o);
  if (store) return { src: store.buf, len: store.len };
  const s = o.value;
  return { src: s, len: s.length };
}

/** Byte `i` of `src` (i must be below its length). */
export function byteAt(src: ByteSource, i: number): number {
  return typeof src === 'string' ? src.charCodeAt(i) : (src[i] as number);
}

/** A whole source as a Buffer (BITOP's inputs): the live buffer (a view) or a latin1 copy. */
export function bufferOf(src: ByteSource, len: number): Buffer {
  return typeof src === 'string' ? Buffer.from(src, 'latin1') : src.subarray(0, len);
}

// ---- bit counting and searching -------------------------------------------------------------

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (POPCOUNT[i >> 1] as number) + (i & 1);

/** Number of set bits in one byte. */
export function popcount8(b: number): number {
  return POPCOUNT[b & 0xff] as number;
}

/** Set bits in bytes [start, start+count) of `src` (Redis's redisPopcount). */
export function popcount(src: ByteSource, start: number, count: number): number {
  let n = 0;
  const end = start + count;
  if (typeof src === 'string') {
    for (let i = start; i < end; i++) n += POPCOUNT[src.charCodeAt(i) & 0xff] as number;
  } else {
    for (let i = start; i < end; i++) n += POPCOUNT[src[i] as number] as number;
  }
  return n;
}

/**
 * Redis's redisBitpos over bytes [start, start+count) (count > 0): the position, relative to
 * `start`'s first bit, of the first bit equal to `bit`. Not found: -1 for a 1 bit; for a 0 bit
 * count*8, the first bit after the bytes, as if the string continued with zeros.
 */
export function bitpos(src: ByteSource, start: number, count: number, bit: 0 | 1): number {
  const skip = bit ? 0 : 0xff;
  const end = start + count;
  let i = start;
  while (i < end && byteAt(src, i) === skip) i++;
  if (i === end) return bit ? -1 : count * 8;
  const b = byteAt(src, i);
  let k = 0;
  while (((b >> (7 - k)) & 1) !== bit) k++;
  return (i - start) * 8 + k;
}

// ---- bitfields --------------------------------------------------------------------------------

/**
 * The `bits`-wide (1..64) unsigned integer at bit `offset` (bit 0 is the most significant bit of
 * byte 0, as SETBIT counts); bytes past `len` read as zeros.
 */
export function getUnsignedBitfield(src: ByteSource, len: number, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  // At most 9 bytes hold 64 bits starting anywhere in a byte.
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    const at = first + i;
    v = (v << 8n) | BigInt(at < len ? byteAt(src, at) : 0);
  }
  const shift = BigInt(72 - (offset - first * 8) - bits);
  return (v >> shift) & ((1n << BigInt(bits)) - 1n);
}

/** Writes the low `bits` bits of `value` at bit `offset`; the buffer must hold them. */
export function setUnsignedBitfield(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const lastByte = Math.floor((offset + bits - 1) / 8);
  const nbytes = lastByte - first + 1;
  let v = 0n;
  for (let i = 0; i < nbytes; i++) v = (v << 8n) | BigInt(buf[first + i] as number);
  const shift = BigInt(nbytes * 8 - (offset - first * 8) - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  v = (v & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = nbytes - 1; i >= 0; i--) {
    buf[first + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
