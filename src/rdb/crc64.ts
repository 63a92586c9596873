/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected input and output,
 * initial value 0, no final xor. crc64("123456789") = 0xe9c6d914c4b8d9ca. The RDB file ends with
 * it over every preceding byte; a DUMP payload ends with it over the type, body and version.
 *
 * Slice-by-8 (as Redis's crcspeed): eight 256-entry tables, T[k][b] = the CRC of byte b followed by
 * k zero bytes, so eight input bytes fold into the register with eight lookups. Each 64-bit entry
 * is kept as two 32-bit halves (no BigInt in the loop).
 */
// The reflected polynomial: 0x95ac9329ac4bc9b5.
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;
/** Table k of the slice-by-8 set at [k * 256 + b]. */
const HI = new Uint32Array(8 * 256);
const LO = new Uint32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (bit) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  HI[n] = hi;
  LO[n] = lo;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    // T[k][n] = T[k-1][n] shifted one byte through T[0].
    const phi = HI[(k - 1) * 256 + n] as number;
    const plo = LO[(k - 1) * 256 + n] as number;
    const idx = plo & 0xff;
    LO[k * 256 + n] = (((plo >>> 8) | (phi << 24)) ^ (LO[idx] as number)) >>> 0;
    HI[k * 256 + n] = ((phi >>> 8) ^ (HI[idx] as number)) >>> 0;
  }
}

/** A running CRC-64 as two 32-bit halves. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    // Eight bytes at a time: the register xor the next 8 bytes (little-endian), one lookup each.
    for (const last = end - 8; i <= last; i += 8) {
      const a = lo ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
      const b =
        hi ^ ((buf[i + 4] as number) | ((buf[i + 5] as number) << 8) | ((buf[i + 6] as number) << 16) | ((buf[i + 7] as number) << 24));
      // Byte j of the 8 (little-endian) has 7 - j zero bytes after it: table 7 - j.
      const t7 = 1792 + (a & 0xff);
      const t6 = 1536 + ((a >>> 8) & 0xff);
      const t5 = 1280 + ((a >>> 16) & 0xff);
      const t4 = 1024 + (a >>> 24);
      const t3 = 768 + (b & 0xff);
      const t2 = 512 + ((b >>> 8) & 0xff);
      const t1 = 256 + ((b >>> 16) & 0xff);
      const t0 = b >>> 24;
      lo =
        (LO[t7] as number) ^
        (LO[t6] as number) ^
        (LO[t5] as number) ^
        (LO[t4] as number) ^
        (LO[t3] as number) ^
        (LO[t2] as number) ^
        (LO[t1] as number) ^
        (LO[t0] as number);
      hi =
        (HI[t7] as number) ^
        (HI[t6] as number) ^
        (HI[t5] as number) ^
        (HI[t4] as number) ^
        (HI[t3] as number) ^
        (HI[t2] as number) ^
        (HI[t1] as number) ^
        (HI[t0] as number);
    }
    for (; i < end; i++) {
      const idx = (lo ^ (buf[i] as number)) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ (LO[idx] as number);
      hi = (hi >>> 8) ^ (HI[idx] as number);
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The checksum as 8 little-endian bytes (memrev64ifbe on a little-endian host). */
  bytes(): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export function crc64(buf: Uint8Array, start = 0, end = buf.length): Crc64 {
  return new Crc64().update(buf, start, end);
}
