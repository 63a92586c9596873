/**
 * A bounds-checked cursor over RDB bytes (rdb.c's load primitives). Every read past the end throws
 * RdbError(SHORT_READ); nothing is allocated from a length field before the bytes it announces
 * are known to be there.
 *
 * Over a Buffer the whole input is the window. Over a file (fromFile) it is a bounded window that
 * slides as bytes are consumed, refilled with synchronous reads (loading blocks the event loop, as
 * Redis's rdbLoad blocks its main thread): memory beyond the loaded data is the window, which grows
 * only to the largest single string of the file. The CRC-64 of the consumed bytes is kept as the
 * window slides. A Buffer returned by take()/bytesString() is a view valid until the next read.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF, LEN_32BIT, LEN_64BIT } from './constants.js';
import { Crc64 } from './crc64.js';
import { corrupt, shortRead } from './errors.js';
import { lzfDecompressInto } from './lzf.js';

const WINDOW = 1 << 20;

/** Decompressed LZF strings that become JS strings at once go through this scratch buffer. */
let lzfScratch = Buffer.allocUnsafe(1 << 16);
/** Decompressed blobs (listpacks, intsets) returned as views: decoded before the next read. */
let blobScratch = Buffer.allocUnsafe(1 << 16);

export class RdbReader {
  pos: number;
  buf: Buffer;
  end: number;
  /**
   * Deep integrity validation (rdbLoadObject's deep_integrity_validation, from
   * sanitize-dump-payload), and how many blobs were validated deeply (each listpack, intset and
   * stream node: INFO's dump_payload_sanitizations).
   */
  deep = false;
  sanitizations = 0;
  /** The file being read in windows, or -1 for a Buffer input. */
  private fd = -1;
  private eof = true;
  /** CRC-64 of the bytes before crcFrom (they left the window), when a file is read. */
  private crc = new Crc64();
  private crcFrom = 0;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** A reader over a file, reading it a window at a time (close() when done). */
  static fromFile(path: string): RdbReader {
    const fd = openSync(path, 'r');
    const r = new RdbReader(Buffer.allocUnsafe(WINDOW), 0, 0);
    r.fd = fd;
    r.eof = false;
    return r;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The CRC-64 of every byte before the cursor (from the start of the input). */
  checksumSoFar(): Crc64 {
    const c = new Crc64();
    c.hi = this.crc.hi;
    c.lo = this.crc.lo;
    return c.update(this.buf, this.crcFrom, this.pos);
  }

  need(n: number): void {
    if (n > this.end - this.pos) this.refill(n);
  }

  /** Slides the window so that n bytes from the cursor are in it, or throws a short read. */
  private refill(n: number): void {
    if (this.eof) shortRead();
    this.crc.update(this.buf, this.crcFrom, this.pos);
    const keep = this.end - this.pos;
    let buf = this.buf;
    if (n > buf.length) {
      buf = Buffer.allocUnsafe(Math.max(n, buf.length * 2));
      this.buf.copy(buf, 0, this.pos, this.end);
    } else if (this.pos > 0) this.buf.copy(buf, 0, this.pos, this.end);
    this.buf = buf;
    this.pos = 0;
    this.crcFrom = 0;
    this.end = keep;
    while (this.end < buf.length) {
      const got = readSync(this.fd, buf, this.end, buf.length - this.end, null);
      if (got === 0) {
        this.eof = true;
        break;
      }
      this.end += got;
    }
    if (n > this.end) shortRead();
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) this.refill(1);
    return this.buf[this.pos++] as number;
  }

  take(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Whether the last lenEnc() read a special encoding (11xxxxxx) rather than a length. */
  encoded = false;

  /**
   * rdbLoadLenByRef: the length, or the encoding type with `encoded` set. 64-bit lengths come back
   * as numbers (exact to 2^53).
   */
  lenEnc(): number {
    const b = this.byte();
    const type = b >> 6;
    this.encoded = false;
    if (type === 0) return b & 0x3f;
    if (type === 1) return ((b & 0x3f) << 8) | this.byte();
    if (type === 3) {
      this.encoded = true;
      return b & 0x3f;
    }
    if (b === LEN_32BIT) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b === LEN_64BIT) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    }
    return corrupt(`Unknown length encoding ${b} in rdbLoadLen()`);
  }

  len(): number {
    const n = this.lenEnc();
    if (this.encoded) corrupt('Unexpected encoded length');
    return n;
  }

  /** A 64-bit length exactly (stream IDs and counters). */
  bigLen(): bigint {
    this.need(1);
    const b = this.buf[this.pos];
    if (b === LEN_64BIT) {
      this.pos++;
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return v;
    }
    return BigInt(this.len());
  }

  /** rdbGenericLoadStringObject as raw bytes (a view when not compressed). */
  bytesString(): Buffer {
    const len = this.lenEnc();
    if (this.encoded) {
      switch (len) {
        case ENC_INT8:
        case ENC_INT16:
        case ENC_INT32:
          return Buffer.from(String(this.encodedInt(len)), 'latin1');
        case ENC_LZF: {
          const clen = this.len();
          const ulen = this.len();
          this.need(clen);
          // LZF expands at most ~ 264/3 times per input byte: refuse absurd claims before allocating.
          if (ulen > clen * 90 + 64) corrupt('Invalid LZF compressed string');
          if (blobScratch.length < ulen) blobScratch = Buffer.allocUnsafe(ulen * 2);
          if (!lzfDecompressInto(this.buf, this.pos, this.pos + clen, blobScratch, ulen)) corrupt('Invalid LZF compressed string');
          this.pos += clen;
          return blobScratch.subarray(0, ulen);
        }
        default:
          return corrupt(`Unknown RDB string encoding type ${len}`);
      }
    }
    return this.take(len);
  }

  /** A string as a latin1 JS string. */
  string(): string {
    const len = this.lenEnc();
    if (this.encoded && len <= ENC_INT32) return String(this.encodedInt(len));
    if (this.encoded) {
      if (len !== ENC_LZF) corrupt(`Unknown RDB string encoding type ${len}`);
      const clen = this.len();
      const ulen = this.len();
      this.need(clen);
      if (ulen > clen * 90 + 64) corrupt('Invalid LZF compressed string');
      if (lzfScratch.length < ulen) lzfScratch = Buffer.allocUnsafe(ulen * 2);
      if (!lzfDecompressInto(this.buf, this.pos, this.pos + clen, lzfScratch, ulen)) corrupt('Invalid LZF compressed string');
      this.pos += clen;
      return lzfScratch.toString('latin1', 0, ulen);
    }
    this.need(len);
    const s = this.buf.toString('latin1', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  private encodedInt(enc: number): number {
    if (enc === ENC_INT8) {
      this.need(1);
      return this.buf.readInt8(this.pos++);
    }
    if (enc === ENC_INT16) {
      this.need(2);
      const v = this.buf.readInt16LE(this.pos);
      this.pos += 2;
      return v;
    }
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** rdbLoadBinaryDoubleValue. */
  double(): number {
    this.need(8);
    const d = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return d;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET, v1 scores): a length byte then ASCII; 253 nan, 254 inf, 255 -inf. */
  asciiDouble(): number {
    const n = this.byte();
    if (n === 253) return Number.NaN;
    if (n === 254) return Number.POSITIVE_INFINITY;
    if (n === 255) return Number.NEGATIVE_INFINITY;
    const s = this.take(n).toString('latin1');
    const d = Number(s);
    if (Number.isNaN(d)) corrupt('Bad double value');
    return d;
  }

  /** rdbLoadMillisecondTime. */
  millis(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** rdbLoadTime (old seconds expire): int32. */
  seconds(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}
