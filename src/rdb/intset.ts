/**
 * Intset (intset.c): encoding width (u32 LE: 2, 4 or 8), length (u32 LE), then the members sorted
 * ascending, little-endian, all in the smallest width that holds every member.
 */
import { corrupt } from './errors.js';

export function intsetEncode(members: Iterable<bigint>, size: number): Buffer {
  const sorted = [...members];
  let width = 2;
  for (const n of sorted) {
    if (n < -2147483648n || n > 2147483647n) width = 8;
    else if ((n < -32768n || n > 32767n) && width < 4) width = 4;
  }
  const b = Buffer.allocUnsafe(8 + size * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(size, 4);
  let p = 8;
  for (const n of sorted) {
    if (width === 2) b.writeInt16LE(Number(n), p);
    else if (width === 4) b.writeInt32LE(Number(n), p);
    else b.writeBigInt64LE(n, p);
    p += width;
  }
  return b;
}

/** intsetValidateIntegrity with deep checks: width, size, strictly ascending members. */
export function intsetDecode(b: Buffer): string[] {
  if (b.length < 8) corrupt('intset too short');
  const width = b.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) corrupt('intset bad encoding');
  const len = b.readUInt32LE(4);
  if (8 + len * width !== b.length) corrupt('intset size mismatch');
  if (len === 0) corrupt('intset empty');
  const out: string[] = [];
  let prev: bigint | null = null;
  for (let p = 8; p < b.length; p += width) {
    const v = width === 2 ? BigInt(b.readInt16LE(p)) : width === 4 ? BigInt(b.readInt32LE(p)) : b.readBigInt64LE(p);
    if (prev !== null && v <= prev) corrupt('intset not sorted');
    prev = v;
    out.push(String(v));
  }
  return out;
}
