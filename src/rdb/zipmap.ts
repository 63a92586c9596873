/**
 * Zipmap (zipmap.c), the hash encoding of RDB versions before 4 (RDB_TYPE_HASH_ZIPMAP), which
 * Redis 7.0 still loads. Layout: zmlen (1 byte, 254+ = unknown), then key/value pairs:
 * len key len free value, where len is 1 byte (< 254) or 0xFE + u32 LE; 0xFF ends it.
 */
import { corrupt } from './errors.js';

export function zipmapDecode(b: Buffer): [string, string][] {
  if (b.length < 2) corrupt('zipmap too short');
  const out: [string, string][] = [];
  let p = 1;
  const len = (): number => {
    if (p >= b.length) corrupt('zipmap out of range');
    const x = b[p] as number;
    if (x < 254) {
      p += 1;
      return x;
    }
    if (x === 254) {
      if (p + 5 > b.length) corrupt('zipmap out of range');
      const v = b.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    p += 1;
    return -1;
  };
  for (;;) {
    const klen = len();
    if (klen === -1) break;
    if (p + klen > b.length) corrupt('zipmap out of range');
    const key = b.toString('latin1', p, p + klen);
    p += klen;
    const vlen = len();
    if (vlen === -1) corrupt('zipmap missing value');
    if (p >= b.length) corrupt('zipmap out of range');
    const free = b[p] as number;
    p += 1;
    if (p + vlen + free > b.length) corrupt('zipmap out of range');
    out.push([key, b.toString('latin1', p, p + vlen)]);
    p += vlen + free;
  }
  if (p !== b.length) corrupt('zipmap trailing bytes');
  return out;
}
