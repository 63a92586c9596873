/**
 * A growable byte buffer with RDB's primitives (rdb.c): lengths, strings with integer and LZF
 * encodings, binary doubles and millisecond times.
 */
import { ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF, LEN_32BIT, LEN_64BIT } from './constants.js';
import { isCanonicalInt } from './listpack.js';
import { lzfCompressInto } from './lzf.js';

/** Scratch buffers for LZF (input bytes of a string, compressed output); grown as needed. */
let scratchIn = Buffer.allocUnsafe(4096);
let scratchOut = Buffer.allocUnsafe(4096);

export class RdbWriter {
  buf: Buffer;
  pos = 0;
  /** rdbcompression: LZF for strings over 20 bytes. */
  compress = true;

  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** The bytes written so far (a view). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Drops everything written (the caller has consumed result()). */
  reset(): void {
    this.pos = 0;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  latin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    // Short strings (keys, small values) byte by byte: cheaper than a call into the runtime.
    if (n <= 24) {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    } else this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** rdbSaveLen. */
  len(n: number | bigint): void {
    if (typeof n === 'bigint') {
      if (n <= 0xffffffffn) n = Number(n);
      else {
        this.ensure(9);
        this.buf[this.pos++] = LEN_64BIT;
        this.buf.writeBigUInt64BE(BigInt.asUintN(64, n), this.pos);
        this.pos += 8;
        return;
      }
    }
    this.ensure(9);
    if (n < 64) this.buf[this.pos++] = n;
    else if (n < 16384) {
      this.buf[this.pos++] = 0x40 | (n >> 8);
      this.buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.pos++] = LEN_32BIT;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = LEN_64BIT;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /** rdbEncodeInteger: an int8/16/32 as a special-encoded string; false when out of range. */
  private encodedInt(v: number): boolean {
    this.ensure(5);
    if (v >= -128 && v <= 127) {
      this.buf[this.pos++] = 0xc0 | ENC_INT8;
      this.buf.writeInt8(v, this.pos);
      this.pos += 1;
    } else if (v >= -32768 && v <= 32767) {
      this.buf[this.pos++] = 0xc0 | ENC_INT16;
      this.buf.writeInt16LE(v, this.pos);
      this.pos += 2;
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.buf[this.pos++] = 0xc0 | ENC_INT32;
      this.buf.writeInt32LE(v, this.pos);
      this.pos += 4;
    } else return false;
    return true;
  }

  /**
   * rdbSaveRawString for a latin1 string: up to 11 bytes that are a canonical integer in int32
   * range become an encoded integer; over 20 bytes LZF is tried (kept when it saves 4+ bytes).
   */
  string(s: string): void {
    const len = s.length;
    if (len <= 11 && len > 0) {
      const v = canonicalInt(s);
      if (v !== null && this.encodedInt(v)) return;
    }
    if (this.compress && len > 20) {
      if (scratchIn.length < len) scratchIn = Buffer.allocUnsafe(len * 2);
      scratchIn.write(s, 0, 'latin1');
      if (this.lzf(scratchIn, len)) return;
      this.len(len);
      this.ensure(len);
      scratchIn.copy(this.buf, this.pos, 0, len);
      this.pos += len;
      return;
    }
    this.len(len);
    this.latin1(s);
  }

  /** rdbSaveRawString for a binary blob (listpack, intset): no integer encoding applies. */
  blob(b: Uint8Array): void {
    if (this.compress && b.length > 20 && this.lzf(b, b.length)) return;
    this.len(b.length);
    this.bytes(b);
  }

  /** rdbSaveLzfBlob: an already compressed blob of `rawLen` bytes. */
  lzfBlob(compressed: Uint8Array, rawLen: number): void {
    this.byte(0xc0 | ENC_LZF);
    this.len(compressed.length);
    this.len(rawLen);
    this.bytes(compressed);
  }

  /** rdbSaveLzfStringObject: false when compression would not save 4 bytes. */
  private lzf(raw: Uint8Array, len: number): boolean {
    if (len <= 4) return false;
    if (scratchOut.length < len) scratchOut = Buffer.allocUnsafe(len * 2);
    const n = lzfCompressInto(raw, len, scratchOut, len - 4);
    if (n === 0) return false;
    this.byte(0xc0 | ENC_LZF);
    this.len(n);
    this.len(len);
    this.ensure(n);
    scratchOut.copy(this.buf, this.pos, 0, n);
    this.pos += n;
    return true;
  }

  /** rdbSaveLongLongAsStringObject: an int64 as an encoded integer or its decimal string. */
  integer(v: number | bigint): void {
    if (typeof v === 'number' && this.encodedInt(v)) return;
    if (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n && this.encodedInt(Number(v))) return;
    const s = String(v);
    this.len(s.length);
    this.latin1(s);
  }

  /** rdbSaveBinaryDoubleValue: 8 bytes little-endian. */
  double(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** rdbSaveMillisecondTime: int64 little-endian. */
  millis(ms: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(typeof ms === 'number' ? Math.trunc(ms) : ms), this.pos);
    this.pos += 8;
  }
}

/** string2ll + ll2string round trip: the value when `s` is a canonical integer in int32 range. */
function canonicalInt(s: string): number | null {
  if (!isCanonicalInt(s)) return null;
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}
