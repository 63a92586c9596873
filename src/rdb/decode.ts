/**
 * Object deserialization as rdb.c's rdbLoadObject (Redis 7.0): every type byte Redis 7.0 loads,
 * with its validation, and the encoding Redis ends up with.
 *
 * Validation: Redis validates a blob deeply (every entry of a listpack, intset or stream node)
 * when sanitize-dump-payload is yes, or clients for a RESTORE from a normal client (not its master,
 * not while loading an RDB), and counts each one in INFO's dump_payload_sanitizations
 * (RdbReader.deep / sanitizations). Otherwise it checks headers only and may keep corrupt data
 * that crashes it later; redis-sim has no such half-valid state to keep, so it refuses corrupt
 * data in both modes with the same errors, and only the counter tells them apart.
 *
 * Encodings:
 *
 * - set (2): intset while every member is an integer and the count is at most
 *   set-max-intset-entries, else hashtable; intset (11) converted when over that count.
 * - hash (4): listpack while within hash-max-listpack-entries and every field and value within
 *   hash-max-listpack-value; hash listpack (16) / ziplist (13) / zipmap (9) converted to
 *   hashtable only when over the entry count (zipmap: also over the value length).
 * - zset (3, 5): listpack when within zset-max-listpack-entries and -value after loading;
 *   listpack (17) / ziplist (12) converted to skiplist only when over the entry count.
 * - list: quicklist-2 (18), quicklist of ziplists (14), a ziplist (10) or a plain list (1).
 *
 * Nothing is preallocated from a length field: a count only bounds a loop whose every step reads
 * bytes, so a short payload claiming millions of elements fails at its end.
 */
import { configNumber } from '../engine/encoding.js';
import type { RedisNode } from '../engine/node.js';
import { RedisObject } from '../engine/values.js';
import { RedisHash } from '../types/hash.js';
import { RedisSet } from '../types/set.js';
import { SortedSet } from '../types/sortedset.js';
import * as T from './constants.js';
import { readStream } from './decode-stream.js';
import { corrupt, RdbError } from './errors.js';
import { intsetDecode } from './intset.js';
import { lpDecode } from './listpack.js';
import { createList } from './quicklist.js';
import type { RdbReader } from './reader.js';
import { parseScore } from './score.js';
import { ziplistDecode } from './ziplist.js';
import { zipmapDecode } from './zipmap.js';

/** An empty collection in the data: rdbLoad skips the key, RESTORE refuses it. */
export class EmptyKeyError extends RdbError {
  constructor() {
    super('Empty keys skipped');
  }
}

/** Whether `t` is a value type byte Redis 7.0 can load (not an opcode). */
export function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 5) || (t >= 9 && t <= 19);
}

function hashFrom(node: RedisNode, pairs: string[], fromListpack: boolean): RedisHash {
  if (pairs.length % 2 !== 0 || pairs.length === 0) corrupt('Hash listpack integrity check failed.');
  const h = new RedisHash();
  for (let i = 0; i < pairs.length; i += 2) h.set(pairs[i] as string, pairs[i + 1] as string);
  if (h.size * 2 !== pairs.length) corrupt('Hash with dup elements');
  if (fromListpack && h.size > configNumber(node, 'hash-max-listpack-entries')) h.listpack = false;
  return h;
}

function zsetFrom(node: RedisNode, pairs: string[]): SortedSet {
  if (pairs.length % 2 !== 0 || pairs.length === 0) corrupt('Zset listpack integrity check failed.');
  const z = new SortedSet();
  for (let i = 0; i < pairs.length; i += 2) {
    const score = parseScore(pairs[i + 1] as string);
    if (score === null || Number.isNaN(score)) corrupt('Zset listpack integrity check failed.');
    if (!z.add(pairs[i] as string, score)) corrupt('Duplicate zset fields detected');
  }
  z.encoding = z.size > configNumber(node, 'zset-max-listpack-entries') ? 'skiplist' : 'listpack';
  return z;
}

function newSet(node: RedisNode): RedisSet {
  const s = new RedisSet();
  s.maxIntset = configNumber(node, 'set-max-intset-entries');
  return s;
}

/** Reads the body of a value of RDB type `type`. */
export function readObject(r: RdbReader, type: number, node: RedisNode, now: number): RedisObject {
  switch (type) {
    case T.TYPE_STRING:
      return new RedisObject('string', r.string(), now);
    case T.TYPE_LIST: {
      const n = r.len();
      if (n === 0) throw new EmptyKeyError();
      // Loaded element by element with quicklistPushTail.
      const d = createList(node);
      for (let i = 0; i < n; i++) d.pushBack(r.string());
      return new RedisObject('list', d, now);
    }
    case T.TYPE_LIST_QUICKLIST:
    case T.TYPE_LIST_QUICKLIST_2: {
      const nodes = r.len();
      if (nodes === 0) throw new EmptyKeyError();
      // The nodes are kept as loaded (quicklistAppendListpack / quicklistAppendPlainNode).
      const d = createList(node);
      for (let i = 0; i < nodes; i++) {
        let container = T.QUICKLIST_PACKED;
        if (type === T.TYPE_LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== T.QUICKLIST_PACKED && container !== T.QUICKLIST_PLAIN) corrupt('Quicklist integrity check failed.');
        }
        const blob = r.bytesString();
        if (container === T.QUICKLIST_PLAIN) {
          d.appendNode([blob.toString('latin1')], true);
          continue;
        }
        if (r.deep && type === T.TYPE_LIST_QUICKLIST_2) r.sanitizations++;
        const items = type === T.TYPE_LIST_QUICKLIST_2 ? lpDecode(blob) : ziplistDecode(blob);
        // Empty nodes are skipped as Redis skips them.
        d.appendNode(items as string[], false);
      }
      if (d.length === 0) throw new EmptyKeyError();
      return new RedisObject('list', d, now);
    }
    case T.TYPE_LIST_ZIPLIST: {
      // Converted entry by entry with quicklistPushTail (_listZiplistEntryConvertAndValidate).
      const items = ziplistDecode(r.bytesString());
      if (items.length === 0) throw new EmptyKeyError();
      const d = createList(node);
      for (const v of items) d.pushBack(v);
      return new RedisObject('list', d, now);
    }
    case T.TYPE_SET: {
      const n = r.len();
      if (n === 0) throw new EmptyKeyError();
      const s = newSet(node);
      if (n > s.maxIntset) s.convertToHashtable();
      for (let i = 0; i < n; i++) {
        const m = r.string();
        if (s.has(m)) corrupt('Duplicate set members detected');
        s.add(m);
      }
      return new RedisObject('set', s, now);
    }
    case T.TYPE_SET_INTSET: {
      const blob = r.bytesString();
      if (r.deep) r.sanitizations++;
      const members = intsetDecode(blob);
      const s = newSet(node);
      if (members.length > s.maxIntset) s.convertToHashtable();
      for (const m of members) s.add(m);
      return new RedisObject('set', s, now);
    }
    case T.TYPE_ZSET:
    case T.TYPE_ZSET_2: {
      const n = r.len();
      if (n === 0) throw new EmptyKeyError();
      const z = new SortedSet();
      let maxLen = 0;
      for (let i = 0; i < n; i++) {
        const m = r.string();
        const score = type === T.TYPE_ZSET_2 ? r.double() : r.asciiDouble();
        if (Number.isNaN(score)) corrupt('Zset with NAN score detected');
        if (!z.add(m, score)) corrupt('Duplicate zset fields detected');
        if (m.length > maxLen) maxLen = m.length;
      }
      const small = z.size <= configNumber(node, 'zset-max-listpack-entries') && maxLen <= configNumber(node, 'zset-max-listpack-value');
      z.encoding = small ? 'listpack' : 'skiplist';
      return new RedisObject('zset', z, now);
    }
    case T.TYPE_ZSET_LISTPACK:
    case T.TYPE_ZSET_ZIPLIST: {
      const blob = r.bytesString();
      if (r.deep && type === T.TYPE_ZSET_LISTPACK) r.sanitizations++;
      const items = type === T.TYPE_ZSET_LISTPACK ? (lpDecode(blob) as string[]) : ziplistDecode(blob);
      if (items.length === 0) throw new EmptyKeyError();
      return new RedisObject('zset', zsetFrom(node, items), now);
    }
    case T.TYPE_HASH: {
      const n = r.len();
      if (n === 0) throw new EmptyKeyError();
      const h = new RedisHash();
      const maxEntries = configNumber(node, 'hash-max-listpack-entries');
      const maxValue = configNumber(node, 'hash-max-listpack-value');
      if (n > maxEntries) h.listpack = false;
      for (let i = 0; i < n; i++) {
        const f = r.string();
        const v = r.string();
        if (f.length > maxValue || v.length > maxValue) h.listpack = false;
        if (h.has(f)) corrupt('Duplicate hash fields detected');
        h.set(f, v);
      }
      return new RedisObject('hash', h, now);
    }
    case T.TYPE_HASH_LISTPACK:
    case T.TYPE_HASH_ZIPLIST: {
      const blob = r.bytesString();
      if (r.deep && type === T.TYPE_HASH_LISTPACK) r.sanitizations++;
      const items = type === T.TYPE_HASH_LISTPACK ? (lpDecode(blob) as string[]) : ziplistDecode(blob);
      if (items.length === 0) throw new EmptyKeyError();
      return new RedisObject('hash', hashFrom(node, items, true), now);
    }
    case T.TYPE_HASH_ZIPMAP: {
      const pairs = zipmapDecode(r.bytesString());
      if (pairs.length === 0) throw new EmptyKeyError();
      const h = new RedisHash();
      let maxLen = 0;
      for (const [f, v] of pairs) {
        if (h.has(f)) corrupt('Hash zipmap with dup elements, or big length');
        h.set(f, v);
        maxLen = Math.max(maxLen, f.length, v.length);
      }
      if (h.size > configNumber(node, 'hash-max-listpack-entries') || maxLen > configNumber(node, 'hash-max-listpack-value'))
        h.listpack = false;
      return new RedisObject('hash', h, now);
    }
    case T.TYPE_STREAM_LISTPACKS:
    case T.TYPE_STREAM_LISTPACKS_2:
      return new RedisObject('stream', readStream(r, type, node), now);
    case T.TYPE_MODULE:
    case T.TYPE_MODULE_2:
      return corrupt("The RDB file contains module data I can't load: no matching module type");
    default:
      return corrupt(`Unknown RDB encoding type ${type}`);
  }
}
