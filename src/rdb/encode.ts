/**
 * Object serialization as rdb.c's rdbSaveObjectType + rdbSaveObject (Redis 7.0, RDB 10), for the
 * encoding OBJECT ENCODING reports:
 *
 * - string (0): the value as rdbSaveRawString (int8/16/32 when canonical, LZF over 20 bytes).
 * - list: quicklist-2 (18): node count, then per node its container (2 packed) and listpack blob.
 * - set: intset (11) as one blob; hashtable (2) as count + members.
 * - hash: listpack (16) as one blob (fields and values alternating); hashtable (4) as count +
 *   field/value pairs.
 * - zset: listpack (17) as one blob (member, d2string score); skiplist (5, ZSET_2) as count +
 *   member + 8-byte binary score, from the highest element down (as Redis walks zsl->tail).
 * - stream: stream-listpacks-2 (19), in encode-stream.ts.
 *
 * Hash tables have no defined order in Redis (its dict is seeded per process), so bytes of a
 * "hashtable" set or hash only match Redis's in content; every other encoding is byte-identical.
 */
import { objectEncoding } from '../engine/encoding.js';
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import type { QuickList } from '../types/quicklist.js';
import { RedisSet } from '../types/set.js';
import type { SortedSet } from '../types/sortedset.js';
import type { Stream } from '../types/stream.js';
import {
  QUICKLIST_PACKED,
  QUICKLIST_PLAIN,
  TYPE_HASH,
  TYPE_HASH_LISTPACK,
  TYPE_LIST_QUICKLIST_2,
  TYPE_SET,
  TYPE_SET_INTSET,
  TYPE_STREAM_LISTPACKS_2,
  TYPE_STRING,
  TYPE_ZSET_2,
  TYPE_ZSET_LISTPACK,
} from './constants.js';
import { writeStream } from './encode-stream.js';
import { intsetEncode } from './intset.js';
import { ListpackBuilder } from './listpack.js';
import { lzfCompressInto } from './lzf.js';
import { d2string } from './score.js';
import { RdbWriter } from './writer.js';

/** One builder reused for every listpack written (its view is copied into the writer at once). */
const scratch = new ListpackBuilder(4096);

/** Writes the type byte of `o` (rdbSaveObjectType); returns the encoding it chose. */
export function writeObjectType(w: RdbWriter, node: RedisNode, o: RedisObject): string {
  const enc = objectEncoding(node, o);
  switch (o.type) {
    case 'string':
      w.byte(TYPE_STRING);
      break;
    case 'list':
      w.byte(TYPE_LIST_QUICKLIST_2);
      break;
    case 'set':
      w.byte(enc === 'intset' ? TYPE_SET_INTSET : TYPE_SET);
      break;
    case 'hash':
      w.byte(enc === 'listpack' ? TYPE_HASH_LISTPACK : TYPE_HASH);
      break;
    case 'zset':
      w.byte(enc === 'listpack' ? TYPE_ZSET_LISTPACK : TYPE_ZSET_2);
      break;
    default:
      w.byte(TYPE_STREAM_LISTPACKS_2);
  }
  return enc;
}

/** Writes the body of `o` in encoding `enc` (rdbSaveObject). */
export function writeObject(w: RdbWriter, _node: RedisNode, o: RedisObject, enc: string): void {
  switch (o.type) {
    case 'string':
      w.string(o.value as string);
      return;
    case 'list':
      writeList(w, o.value as QuickList);
      return;
    case 'set': {
      const s = o.value as Set<string>;
      const members = s instanceof RedisSet ? s.members() : s.values();
      if (enc === 'intset') {
        w.blob(intsetEncode(members));
        return;
      }
      w.len(s.size);
      for (const m of members) w.string(m);
      return;
    }
    case 'hash': {
      const h = o.value as Map<string, string>;
      if (enc === 'listpack') {
        const lp = scratch.reset();
        for (const [f, v] of h) {
          lp.str(f);
          lp.str(v);
        }
        w.blob(lp.view());
        return;
      }
      w.len(h.size);
      for (const [f, v] of h) {
        w.string(f);
        w.string(v);
      }
      return;
    }
    case 'zset': {
      const z = o.value as SortedSet;
      if (enc === 'listpack') {
        const lp = scratch.reset();
        for (const [m, score] of z) {
          lp.str(m);
          lp.str(d2string(score));
        }
        w.blob(lp.view());
        return;
      }
      w.len(z.size);
      for (const [m, score] of z.entries(true)) {
        w.string(m);
        w.double(score);
      }
      return;
    }
    default:
      writeStream(w, o.value as Stream);
  }
}

/**
 * list-compress-depth: a quicklist keeps its `depth` nodes at each end raw and compresses every node
 * between them (__quicklistCompress; none while there are fewer than 2 * depth + 1 nodes), when
 * the node has at least 48 bytes and LZF saves more than 8 (__quicklistCompressNode). A compressed
 * node is written as its LZF blob even with rdbcompression no (rdbSaveObject); with rdbcompression
 * yes the bytes are the ones rdbSaveRawString's own LZF gives.
 */
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;
let nodeLzf = Buffer.allocUnsafe(4096);

/** Each quicklist node as the list holds it: a plain node is its element, a packed one a listpack. */
function writeList(w: RdbWriter, q: QuickList): void {
  const nodes = q.nodes;
  const depth = q.depth;
  w.len(nodes.length);
  const compressFrom = depth > 0 && nodes.length >= depth * 2 + 1 ? depth : nodes.length;
  const compressTo = nodes.length - depth;
  let i = 0;
  let nodeIndex = -1;
  for (const node of nodes) {
    nodeIndex++;
    if (node.plain) {
      w.len(QUICKLIST_PLAIN);
      w.string(q.get(i++) as string);
      continue;
    }
    w.len(QUICKLIST_PACKED);
    const lp = scratch.reset();
    for (let k = 0; k < node.count; k++) lp.str(q.get(i++) as string);
    const bytes = lp.view();
    if (nodeIndex >= compressFrom && nodeIndex < compressTo && bytes.length >= MIN_COMPRESS_BYTES) {
      if (nodeLzf.length < bytes.length + 1) nodeLzf = Buffer.allocUnsafe(bytes.length * 2);
      const n = lzfCompressInto(bytes, bytes.length, nodeLzf, bytes.length);
      if (n !== 0 && n + MIN_COMPRESS_IMPROVE < bytes.length) {
        w.lzfBlob(nodeLzf.subarray(0, n), bytes.length);
        continue;
      }
    }
    w.blob(bytes);
  }
}

/** Type byte + body of one value: what DUMP wraps and a key/value pair of the RDB holds. */
export function writeValue(w: RdbWriter, node: RedisNode, o: RedisObject): void {
  const enc = writeObjectType(w, node, o);
  writeObject(w, node, o, enc);
}

/** rdbSavedObjectLen: the size of the value's body (DEBUG OBJECT's serializedlength). */
export function objectBodyLength(node: RedisNode, o: RedisObject, enc: string): number {
  const w = new RdbWriter();
  w.compress = node.config.get('rdbcompression') !== 'no';
  writeObject(w, node, o, enc);
  return w.pos;
}
