/**
 * Ziplist (ziplist.c), the compact encoding before listpack: RDB versions up to 9 hold hashes,
 * zsets and quicklist nodes this way, and Redis 7.0 still loads them (converting to listpack).
 *
 * Layout: zlbytes (u32 LE), zltail (u32 LE), zllen (u16 LE, 65535 = unknown), entries, 0xFF.
 * Entry: prevlen (1 byte < 254, else 0xFE + u32 LE), encoding, data. Encodings: 00pppppp string
 * of 6-bit length; 01pppppp qqqqqqqq 14-bit length; 10000000 + u32 BE length; 0xC0 int16,
 * 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8, 0xF1..0xFD the values 0..12.
 */
import { corrupt } from './errors.js';

export function ziplistDecode(b: Buffer): string[] {
  if (b.length < 11) corrupt('ziplist too short');
  if (b.readUInt32LE(0) !== b.length) corrupt('ziplist size mismatch');
  const tail = b.readUInt32LE(4);
  const count = b.readUInt16LE(8);
  const end = b.length - 1;
  if (b[end] !== 0xff) corrupt('ziplist end byte');
  if (tail > end) corrupt('ziplist tail out of range');
  const out: string[] = [];
  let p = 10;
  let prevLen = 0;
  let lastStart = -1;
  while (p < end) {
    const start = p;
    let pl = b[p] as number;
    if (pl === 0xfe) {
      if (p + 5 > end) corrupt('ziplist prevlen out of range');
      pl = b.readUInt32LE(p + 1);
      p += 5;
    } else p += 1;
    if (pl !== prevLen) corrupt('ziplist bad prevlen');
    if (p >= end) corrupt('ziplist entry out of range');
    const e = b[p] as number;
    const need = (n: number) => {
      if (p + n > end) corrupt('ziplist entry out of range');
    };
    if (e >> 6 === 0) {
      const len = e & 0x3f;
      need(1 + len);
      out.push(b.toString('latin1', p + 1, p + 1 + len));
      p += 1 + len;
    } else if (e >> 6 === 1) {
      need(2);
      const len = ((e & 0x3f) << 8) | (b[p + 1] as number);
      need(2 + len);
      out.push(b.toString('latin1', p + 2, p + 2 + len));
      p += 2 + len;
    } else if (e === 0x80) {
      need(5);
      const len = b.readUInt32BE(p + 1);
      need(5 + len);
      out.push(b.toString('latin1', p + 5, p + 5 + len));
      p += 5 + len;
    } else if (e === 0xc0) {
      need(3);
      out.push(String(b.readInt16LE(p + 1)));
      p += 3;
    } else if (e === 0xd0) {
      need(5);
      out.push(String(b.readInt32LE(p + 1)));
      p += 5;
    } else if (e === 0xe0) {
      need(9);
      out.push(String(b.readBigInt64LE(p + 1)));
      p += 9;
    } else if (e === 0xf0) {
      need(4);
      out.push(String(b.readIntLE(p + 1, 3)));
      p += 4;
    } else if (e === 0xfe) {
      need(2);
      out.push(String(b.readInt8(p + 1)));
      p += 2;
    } else if (e >= 0xf1 && e <= 0xfd) {
      out.push(String(e - 0xf1));
      p += 1;
    } else {
      return corrupt('ziplist bad encoding');
    }
    prevLen = p - start;
    lastStart = start;
  }
  if (p !== end) corrupt('ziplist overrun');
  if (out.length > 0 && lastStart !== tail) corrupt('ziplist bad tail');
  if (count !== 65535 && count !== out.length) corrupt('ziplist count mismatch');
  return out;
}
