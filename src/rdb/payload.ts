/**
 * DUMP payloads (cluster.c createDumpPayload / verifyDumpPayload): the RDB type byte and object
 * body, the RDB version as 2 bytes little-endian, and the CRC-64 of all of that, 8 bytes
 * little-endian. RESTORE accepts versions up to 10 (older ones load with the older encodings).
 */
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import { RDB_VERSION } from './constants.js';
import { crc64 } from './crc64.js';
import { isObjectType, readObject } from './decode.js';
import { writeValue } from './encode.js';
import { RdbError } from './errors.js';
import { RdbReader } from './reader.js';
import { RdbWriter } from './writer.js';

/** The DUMP payload of a value. */
export function dumpPayload(node: RedisNode, o: RedisObject): Buffer {
  const w = new RdbWriter();
  w.compress = node.config.get('rdbcompression') !== 'no';
  writeValue(w, node, o);
  w.byte(RDB_VERSION & 0xff);
  w.byte(RDB_VERSION >> 8);
  const body = w.result();
  w.bytes(crc64(body).bytes());
  return Buffer.from(w.result());
}

/** verifyDumpPayload: the footer's version and checksum. */
export function verifyPayload(p: Buffer, skipChecksum = false): boolean {
  if (p.length < 10) return false;
  const version = p[p.length - 10]! | (p[p.length - 9]! << 8);
  if (version > RDB_VERSION) return false;
  if (skipChecksum) return true;
  return crc64(p, 0, p.length - 8)
    .bytes()
    .equals(p.subarray(p.length - 8));
}

/**
 * The value of a verified payload; throws RdbError when the body is not valid. `deep`: validate
 * every entry as sanitize-dump-payload asks (counted in INFO's dump_payload_sanitizations).
 */
export function loadPayload(node: RedisNode, p: Buffer, now: number, deep = false): RedisObject {
  // As Redis's rio over the whole argument: a body that runs short reads into the footer.
  const r = new RdbReader(p, 0, p.length);
  r.deep = deep;
  try {
    const type = r.byte();
    if (!isObjectType(type)) throw new RdbError('Unknown object type');
    return readObject(r, type, node, now);
  } finally {
    node.stats.dumpPayloadSanitizations += r.sanitizations;
  }
}

/**
 * Whether a RESTORE validates deeply (rdbLoadObject): sanitize-dump-payload yes always; clients
 * unless the RESTORE comes from the node's master; no never.
 */
export function restoreDeep(node: RedisNode, fromMaster: boolean): boolean {
  const mode = node.config.get('sanitize-dump-payload');
  return mode === 'yes' || (mode === 'clients' && !fromMaster);
}
