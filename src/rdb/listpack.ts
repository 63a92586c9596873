/**
 * Listpack (listpack.c), the compact encoding of small hashes, zsets, list nodes and stream nodes.
 *
 * Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown), elements, 0xFF.
 * Element: encoding + data, then its backlen (the size of encoding + data, 7 bits per byte, the
 * continuation bit on all but the byte nearest the encoding, so it can be read backwards).
 * Encodings: 0xxxxxxx 7-bit uint; 10LLLLLL 6-bit-length string; 110xxxxx 13-bit int;
 * 1110LLLL 12-bit-length string; 0xF1/F2/F3/F4 16/24/32/64-bit int LE; 0xF0 32-bit-length string.
 * A string that lpStringToInt64 accepts (canonical decimal int64) is stored as an integer.
 */
import { corrupt } from './errors.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** lpStringToInt64: the integer a string encodes as, or null. */
export function lpInt(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0 || len >= 21) return null;
  if (!isCanonicalInt(s)) return null;
  if (len < 16) return Number(s);
  const b = BigInt(s);
  if (b < INT64_MIN || b > INT64_MAX) return null;
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

/** Whether `s` is 0 or an optional '-' then digits without a leading zero (no length limit). */
export function isCanonicalInt(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45) {
    if (len === 1) return false;
    c = s.charCodeAt(++i);
    if (c === 48) return false;
  } else if (c === 48) return len === 1;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Builds a listpack element by element. */
export class ListpackBuilder {
  private buf: Buffer;
  private pos = 6;
  count = 0;

  constructor(size = 64) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 16));
  }

  /** Bytes the listpack has now (header and end byte included): lpBytes. */
  get bytes(): number {
    return this.pos + 1;
  }

  private ensure(n: number): void {
    if (this.pos + n + 1 <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n + 1) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  private backlen(l: number): void {
    const b = this.buf;
    if (l <= 127) b[this.pos++] = l;
    else if (l < 16383) {
      b[this.pos++] = l >>> 7;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[this.pos++] = l >>> 14;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[this.pos++] = l >>> 21;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else {
      b[this.pos++] = Math.floor(l / 2 ** 28);
      b[this.pos++] = ((l >>> 21) & 127) | 128;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    }
  }

  /** lpAppendInteger. */
  int(v: number | bigint): void {
    this.ensure(10);
    const b = this.buf;
    const n = typeof v === 'bigint' ? v : null;
    const x = typeof v === 'number' ? v : Number(v);
    let enc: number;
    if (n === null && x >= 0 && x <= 127) {
      b[this.pos++] = x;
      enc = 1;
    } else if (n === null && x >= -4096 && x <= 4095) {
      const u = x < 0 ? (1 << 13) + x : x;
      b[this.pos++] = (u >> 8) | 0xc0;
      b[this.pos++] = u & 0xff;
      enc = 2;
    } else if (n === null && x >= -32768 && x <= 32767) {
      b[this.pos++] = 0xf1;
      b.writeInt16LE(x, this.pos);
      this.pos += 2;
      enc = 3;
    } else if (n === null && x >= -8388608 && x <= 8388607) {
      b[this.pos++] = 0xf2;
      b.writeIntLE(x, this.pos, 3);
      this.pos += 3;
      enc = 4;
    } else if (n === null && x >= -2147483648 && x <= 2147483647) {
      b[this.pos++] = 0xf3;
      b.writeInt32LE(x, this.pos);
      this.pos += 4;
      enc = 5;
    } else {
      const big = n ?? BigInt(x);
      if (n !== null && big >= -2147483648n && big <= 2147483647n) {
        this.int(Number(big));
        return;
      }
      b[this.pos++] = 0xf4;
      b.writeBigInt64LE(big, this.pos);
      this.pos += 8;
      enc = 9;
    }
    this.backlen(enc);
    this.count++;
  }

  /** lpAppend of a string (stored as an integer when lpStringToInt64 accepts it). */
  str(s: string): void {
    const v = lpInt(s);
    if (v !== null) {
      this.int(v);
      return;
    }
    const len = s.length;
    this.ensure(len + 10);
    const b = this.buf;
    let enc: number;
    if (len < 64) {
      b[this.pos++] = 0x80 | len;
      enc = 1 + len;
    } else if (len < 4096) {
      b[this.pos++] = 0xe0 | (len >> 8);
      b[this.pos++] = len & 0xff;
      enc = 2 + len;
    } else {
      b[this.pos++] = 0xf0;
      b.writeUInt32LE(len, this.pos);
      this.pos += 4;
      enc = 5 + len;
    }
    if (len <= 24) {
      let p = this.pos;
      for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    } else this.pos += b.write(s, this.pos, 'latin1');
    this.backlen(enc);
    this.count++;
  }

  /** The finished listpack (a fresh Buffer). */
  finish(): Buffer {
    return Buffer.from(this.view());
  }

  /** The finished listpack as a view of the builder's buffer, valid until the next reset(). */
  view(): Buffer {
    const b = this.buf;
    b[this.pos] = 0xff;
    const total = this.pos + 1;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(Math.min(this.count, 65535), 4);
    return b.subarray(0, total);
  }

  /** Empties the builder to build another listpack in the same memory. */
  reset(): this {
    this.pos = 6;
    this.count = 0;
    return this;
  }
}

/** Size in bytes an element adds to a listpack (encoding, data, backlen). */
export function lpEntrySize(s: string): number {
  const v = lpInt(s);
  let enc: number;
  if (v !== null) {
    const x = Number(v);
    enc =
      x >= 0 && x <= 127
        ? 1
        : x >= -4096 && x <= 4095
          ? 2
          : x >= -32768 && x <= 32767
            ? 3
            : x >= -8388608 && x <= 8388607
              ? 4
              : x >= -2147483648 && x <= 2147483647
                ? 5
                : 9;
  } else enc = s.length < 64 ? 1 + s.length : s.length < 4096 ? 2 + s.length : 5 + s.length;
  return enc + backlenSize(enc);
}

/** A decoded listpack element: a latin1 string or an integer. */
export type LpValue = string | number | bigint;

/**
 * Reads a listpack's elements, validating it as lpValidateIntegrity does with deep checks: header
 * size, each element inside the bounds, each backlen, the end byte, and the count when known.
 * Returns strings (integers as their decimal text) unless `raw` keeps integers as numbers.
 */
export function lpDecode(lp: Uint8Array, raw = false): LpValue[] {
  const buf = Buffer.isBuffer(lp) ? lp : Buffer.from(lp.buffer, lp.byteOffset, lp.length);
  if (buf.length < 7) corrupt('listpack too short');
  const total = buf.readUInt32LE(0);
  if (total !== buf.length) corrupt('listpack size mismatch');
  const count = buf.readUInt16LE(4);
  const out: LpValue[] = [];
  let p = 6;
  const end = total - 1;
  if (buf[end] !== 0xff) corrupt('listpack end byte');
  while (p < end) {
    const b = buf[p] as number;
    const start = p;
    let v: LpValue;
    if (b < 0x80) {
      v = b;
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      if (p + 1 + len > end) corrupt('listpack string out of range');
      v = buf.toString('latin1', p + 1, p + 1 + len);
      p += 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) corrupt('listpack int out of range');
      let u = ((b & 0x1f) << 8) | (buf[p + 1] as number);
      if (u >= 1 << 12) u -= 1 << 13;
      v = u;
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) corrupt('listpack string out of range');
      const len = ((b & 0x0f) << 8) | (buf[p + 1] as number);
      if (p + 2 + len > end) corrupt('listpack string out of range');
      v = buf.toString('latin1', p + 2, p + 2 + len);
      p += 2 + len;
    } else if (b === 0xf1) {
      if (p + 3 > end) corrupt('listpack int out of range');
      v = buf.readInt16LE(p + 1);
      p += 3;
    } else if (b === 0xf2) {
      if (p + 4 > end) corrupt('listpack int out of range');
      v = buf.readIntLE(p + 1, 3);
      p += 4;
    } else if (b === 0xf3) {
      if (p + 5 > end) corrupt('listpack int out of range');
      v = buf.readInt32LE(p + 1);
      p += 5;
    } else if (b === 0xf4) {
      if (p + 9 > end) corrupt('listpack int out of range');
      const big = buf.readBigInt64LE(p + 1);
      v = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      p += 9;
    } else if (b === 0xf0) {
      if (p + 5 > end) corrupt('listpack string out of range');
      const len = buf.readUInt32LE(p + 1);
      if (p + 5 + len > end) corrupt('listpack string out of range');
      v = buf.toString('latin1', p + 5, p + 5 + len);
      p += 5 + len;
    } else {
      return corrupt('listpack bad encoding');
    }
    // The backlen must encode this element's size.
    const l = p - start;
    const bl = backlenSize(l);
    if (p + bl > end) corrupt('listpack backlen out of range');
    let got = 0;
    for (let i = 0; i < bl; i++) {
      const x = buf[p + i] as number;
      if (i > 0 && (x & 128) === 0) corrupt('listpack bad backlen');
      got = got * 128 + (x & 127);
    }
    if (got !== l || ((buf[p] as number) & 128) !== 0) corrupt('listpack bad backlen');
    p += bl;
    out.push(raw || typeof v === 'string' ? v : String(v));
  }
  if (p !== end) corrupt('listpack overrun');
  if (count !== 65535 && count !== out.length) corrupt('listpack count mismatch');
  return out;
}
