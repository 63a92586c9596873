/**
 * A whole RDB file as rdbSaveRio writes it (Redis 7.0, RDB version 10):
 *
 *   "REDIS0010"; aux fields redis-ver, redis-bits, ctime, used-mem, aof-base (each opcode 250,
 *   then name and value as strings, integers int-encoded); the function libraries (opcode 245 +
 *   code); per non-empty database SELECTDB (254) + index, RESIZEDB (251) + key count + expires
 *   count, then per key [EXPIRETIME_MS (252) + ms int64 LE] [IDLE (248) + seconds under an LRU
 *   policy | FREQ (249) + counter under an LFU policy] type byte, key, value; EOF (255); the CRC-64
 *   of everything before it, 8 bytes little-endian.
 *
 * Keys already past their deadline are written too (Redis writes every key of the dict; the
 * loader drops them on a master). ctime is the node clock's seconds; used-mem the dataset
 * estimate, so a snapshot of the same data at the same clock time is the same bytes.
 */
import { lfuPolicy, objectFreq } from '../engine/encoding.js';
import { MEMORY_BASELINE } from '../engine/eviction.js';
import type { RedisNode } from '../engine/node.js';
import { functionsIfLoaded } from '../scripting/functions.js';
import { OP_AUX, OP_EOF, OP_EXPIRETIME_MS, OP_FREQ, OP_FUNCTION2, OP_IDLE, OP_RESIZEDB, OP_SELECTDB, RDB_VERSION } from './constants.js';
import { Crc64 } from './crc64.js';
import { writeObject, writeObjectType } from './encode.js';
import { RdbWriter } from './writer.js';

/** Options for the aux fields a replication full sync adds. */
export interface SaveOptions {
  /** repl-stream-db, repl-id, repl-offset (rdbSaveInfo). */
  replication?: { streamDb: number; replId: string; offset: number };
}

function aux(w: RdbWriter, name: string, value: string | number): void {
  w.byte(OP_AUX);
  w.string(name);
  w.string(String(value));
}

/** Writes the RDB in chunks of about `chunk` bytes to `sink` (the CRC covers every byte). */
export function writeRdb(node: RedisNode, sink: (b: Buffer) => void, opts: SaveOptions = {}, chunk = 1 << 20): void {
  const w = new RdbWriter(Math.min(chunk * 2, 1 << 16));
  w.compress = node.config.get('rdbcompression') !== 'no';
  const crc = new Crc64();
  const flush = () => {
    const b = w.result();
    crc.update(b);
    sink(Buffer.from(b));
    w.reset();
  };
  w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  aux(w, 'redis-ver', node.version);
  aux(w, 'redis-bits', 64);
  aux(w, 'ctime', Math.floor(node.clock.now() / 1000));
  // The dataset estimate (engine/eviction.ts), not the process's memory: the same data gives
  // the same file.
  let used = MEMORY_BASELINE;
  for (let i = 0; i < node.databaseCount; i++) used += node.db(i).mem;
  aux(w, 'used-mem', used);
  if (opts.replication) {
    aux(w, 'repl-stream-db', opts.replication.streamDb);
    aux(w, 'repl-id', opts.replication.replId);
    aux(w, 'repl-offset', opts.replication.offset);
  }
  aux(w, 'aof-base', 0);
  for (const lib of functionsIfLoaded(node)?.libraries.values() ?? []) {
    w.byte(OP_FUNCTION2);
    w.string(lib.code);
  }
  const policy = node.config.param('maxmemory-policy') ? node.config.get('maxmemory-policy') : 'noeviction';
  const saveLru = policy.includes('lru');
  const saveLfu = lfuPolicy(node);
  const now = node.clock.now();
  for (let i = 0; i < node.databaseCount; i++) {
    const db = node.db(i);
    if (db.size === 0) continue;
    w.byte(OP_SELECTDB);
    w.len(i);
    w.byte(OP_RESIZEDB);
    w.len(db.size);
    w.len(db.expires.size);
    const expires = db.expires;
    // Bare strings come as one reused object (no allocation per key): nothing here keeps `o`.
    db.forEach((key, o) => {
      const at = expires.size === 0 ? undefined : expires.get(key);
      if (at !== undefined) {
        w.byte(OP_EXPIRETIME_MS);
        w.millis(at);
      }
      if (saveLru) {
        w.byte(OP_IDLE);
        w.len(Math.max(0, Math.floor((now - o.lru) / 1000)));
      } else if (saveLfu) {
        w.byte(OP_FREQ);
        w.byte(objectFreq(node, o));
      }
      const enc = writeObjectType(w, node, o);
      w.string(key);
      writeObject(w, node, o, enc);
      if (w.pos >= chunk) flush();
    }, true);
  }
  w.byte(OP_EOF);
  flush();
  sink(crc.bytes());
}

/** The whole RDB file of a node's data (SAVE, full sync, RedisSim.snapshot). */
export function saveRdb(node: RedisNode, opts: SaveOptions = {}): Buffer {
  const parts: Buffer[] = [];
  writeRdb(node, (b) => parts.push(b), opts);
  return Buffer.concat(parts);
}
