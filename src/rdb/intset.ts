/**
 * Intset (intset.c): encoding width (u32 LE: 2, 4 or 8), length (u32 LE), then the members sorted
 * ascending, little-endian, all in the smallest width that holds every member.
 *
 * Members are numbers while they are exact (|v| <= 2^53), BigInts beyond.
 */
import { corrupt } from './errors.js';

type Int = number | bigint;

function toInt(m: string): Int {
  if (m.length <= 15) return Number(m);
  const b = BigInt(m);
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

function cmp(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The intset of a set's members (decimal strings of int64 values), as one RDB blob. */
export function intsetEncode(members: Iterable<string>): Buffer {
  const sorted: Int[] = [];
  for (const m of members) sorted.push(toInt(m));
  sorted.sort(cmp);
  let width = 2;
  for (const n of sorted) {
    if (n < -2147483648 || n > 2147483647) width = 8;
    else if ((n < -32768 || n > 32767) && width < 4) width = 4;
  }
  const b = Buffer.allocUnsafe(8 + sorted.length * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(sorted.length, 4);
  let p = 8;
  for (const n of sorted) {
    if (width === 2) b.writeInt16LE(Number(n), p);
    else if (width === 4) b.writeInt32LE(Number(n), p);
    else b.writeBigInt64LE(BigInt(n), p);
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
  if (width !== 8) {
    let prev = Number.NEGATIVE_INFINITY;
    for (let p = 8; p < b.length; p += width) {
      const v = width === 2 ? b.readInt16LE(p) : b.readInt32LE(p);
      if (v <= prev) corrupt('intset not sorted');
      prev = v;
      out.push(String(v));
    }
    return out;
  }
  let prev: bigint | null = null;
  for (let p = 8; p < b.length; p += width) {
    const v = b.readBigInt64LE(p);
    if (prev !== null && v <= prev) corrupt('intset not sorted');
    prev = v;
    out.push(String(v));
  }
  return out;
}
