/**
 * A bounds-checked cursor over RDB bytes (rdb.c's load primitives). Every read past the end throws
 * RdbError(SHORT_READ); nothing is allocated from a length field before the bytes it announces
 * are known to be there.
 */
import { ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF, LEN_32BIT, LEN_64BIT } from './constants.js';
import { corrupt, shortRead } from './errors.js';
import { lzfDecompress } from './lzf.js';

export class RdbReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n > this.end - this.pos) shortRead();
  }

  byte(): number {
    if (this.pos >= this.end) shortRead();
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
          const c = this.take(clen);
          // LZF expands at most ~ 264/3 times per input byte: refuse absurd claims before allocating.
          if (ulen > clen * 90 + 64) corrupt('Invalid LZF compressed string');
          const out = lzfDecompress(c, ulen);
          if (out === null) corrupt('Invalid LZF compressed string');
          return out;
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
      this.pos--;
      return this.bytesString().toString('latin1');
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
