/**
 * Builders of RDB payloads in the encodings older Redis versions wrote (ziplist, zipmap,
 * quicklist of ziplists, v1 zsets, v9 streams), written from the format descriptions in
 * src/rdb/*.ts, for RESTORE tests against redis-sim and a real Redis 7.0 (which still loads them).
 */
import { crc64 } from '../src/rdb/crc64.js';

/** rdbSaveLen. */
export function len(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x80;
  b.writeUInt32BE(n, 1);
  return b;
}

/** A plain (length-prefixed) RDB string. */
export function str(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([len(b.length), b]);
}

/** A DUMP payload: body + RDB version (LE) + CRC-64 (LE). */
export function payload(body: Buffer, version = 10): string {
  const withVer = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = crc64(withVer).bytes();
  return Buffer.concat([withVer, crc]).toString('latin1');
}

/** A ziplist of the given elements (integers encoded as zipTryEncoding does). */
export function ziplist(items: string[]): Buffer {
  const entries: Buffer[] = [];
  let prevLen = 0;
  let tail = 10;
  let offset = 10;
  for (const it of items) {
    const prev = prevLen < 254 ? Buffer.from([prevLen]) : Buffer.concat([Buffer.from([0xfe]), u32(prevLen)]);
    let enc: Buffer;
    if (/^(0|-?[1-9][0-9]{0,17})$/.test(it)) {
      const v = Number(it);
      if (v >= 0 && v <= 12) enc = Buffer.from([0xf1 + v]);
      else if (v >= -128 && v <= 127) enc = Buffer.from([0xfe, v & 0xff]);
      else if (v >= -32768 && v <= 32767) {
        enc = Buffer.alloc(3);
        enc[0] = 0xc0;
        enc.writeInt16LE(v, 1);
      } else if (v >= -8388608 && v <= 8388607) {
        enc = Buffer.alloc(4);
        enc[0] = 0xf0;
        enc.writeIntLE(v, 1, 3);
      } else if (v >= -2147483648 && v <= 2147483647) {
        enc = Buffer.alloc(5);
        enc[0] = 0xd0;
        enc.writeInt32LE(v, 1);
      } else {
        enc = Buffer.alloc(9);
        enc[0] = 0xe0;
        enc.writeBigInt64LE(BigInt(v), 1);
      }
    } else {
      const b = Buffer.from(it, 'latin1');
      const hdr = b.length < 64 ? Buffer.from([b.length]) : Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]);
      enc = Buffer.concat([hdr, b]);
    }
    const entry = Buffer.concat([prev, enc]);
    entries.push(entry);
    tail = offset;
    offset += entry.length;
    prevLen = entry.length;
  }
  const body = Buffer.concat(entries);
  const total = 10 + body.length + 1;
  const hdr = Buffer.alloc(10);
  hdr.writeUInt32LE(total, 0);
  hdr.writeUInt32LE(items.length ? tail : 10, 4);
  hdr.writeUInt16LE(items.length, 8);
  return Buffer.concat([hdr, body, Buffer.from([0xff])]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A zipmap (RDB_TYPE_HASH_ZIPMAP) of small pairs. */
export function zipmap(pairs: [string, string][]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  for (const [k, v] of pairs) {
    parts.push(Buffer.from([k.length]), Buffer.from(k, 'latin1'), Buffer.from([v.length, 0]), Buffer.from(v, 'latin1'));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** An RDB_TYPE_ZSET (v1) score: length byte + ASCII. */
export function asciiScore(s: string): Buffer {
  return Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);
}

/** 16-byte big-endian stream ID. */
export function streamId(ms: number, seq: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(BigInt(ms), 0);
  b.writeBigUInt64BE(BigInt(seq), 8);
  return b;
}
