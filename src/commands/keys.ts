/**
 * Generic key commands (Redis's db.c and object.c): DEL UNLINK EXISTS TYPE KEYS SCAN RANDOMKEY
 * RENAME RENAMENX COPY MOVE TOUCH OBJECT (ENCODING IDLETIME REFCOUNT FREQ HELP).
 *
 * Lookups that Redis makes with LOOKUP_NOTOUCH (EXISTS, TYPE, OBJECT, SCAN's TYPE filter) do not
 * count as an access for OBJECT IDLETIME/FREQ; the rest do. Expired keys are never visible: a
 * lookup removes them first (and publishes `expired`), KEYS and SCAN skip them.
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import type { Database } from '../engine/database.js';
import { copyCollectionEncoding, copyStringEncoding, lfuPolicy, objectEncoding, objectFreq, objectRefcount } from '../engine/encoding.js';
import { NO_SUCH_KEY, NOT_INTEGER, RedisError, SYNTAX } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { RedisObject, type ValueType } from '../engine/values.js';
import type { QuickList } from '../types/quicklist.js';
import type { SortedSet } from '../types/sortedset.js';
import type { Stream } from '../types/stream.js';
import { getDeadline, setDeadline } from './expire.js';

const SAME_OBJECT = 'ERR source and destination objects are the same';
const DB_RANGE = 'ERR DB index is out of range';

/** DEL / UNLINK: the number of keys removed (each occurrence counted once); event `del`. */
function del(c: Client, args: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < args.length; i++) {
    const key = args[i] as string;
    if (db.delete(key)) {
      c.node.signalModifiedKey(db, key);
      c.node.stats.dirty++;
      c.node.notify(db, 'g', 'del', key);
      n++;
    }
  }
  c.reply.int(n);
}

/** EXISTS: counts every argument that names a live key, duplicates included. */
function exists(c: Client, args: string[]): void {
  let n = 0;
  for (let i = 1; i < args.length; i++) if (c.db.lookupNoTouch(args[i] as string) !== undefined) n++;
  c.reply.int(n);
}

/** TOUCH: like EXISTS, but each found key counts as an access. */
function touch(c: Client, args: string[]): void {
  let n = 0;
  for (let i = 1; i < args.length; i++) if (c.db.lookupTouch(args[i] as string) !== undefined) n++;
  c.reply.int(n);
}

/** TYPE: a status reply, "none" for a missing key. */
function type(c: Client, args: string[]): void {
  c.reply.simple(c.db.lookupNoTouch(args[1] as string)?.type ?? 'none');
}

/** KEYS pattern: every live key matching the glob (expired ones skipped, not removed). */
function keys(c: Client, args: string[]): void {
  const pattern = args[1] as string;
  const all = pattern === '*';
  const out: string[] = [];
  for (const key of c.db.keys()) if (all || globMatch(pattern, key)) out.push(key);
  c.reply.bulkArray(out);
}

/**
 * parseScanCursorOrReply: strtoul semantics — optional sign (a negative cursor wraps), digits,
 * nothing else; leading space, garbage and values past 2^64-1 are "ERR invalid cursor". An empty
 * string is cursor 0, as in Redis.
 */
function scanCursor(s: string): number {
  const m = /^([+-]?)([0-9]*)$/.exec(s);
  if (!m || (m[2] === '' && m[1] !== '')) throw new RedisError('ERR invalid cursor');
  const digits = m[2] as string;
  if (digits === '') return 0;
  const v = BigInt(digits);
  if (v > 18446744073709551615n) throw new RedisError('ERR invalid cursor');
  return Number(m[1] === '-' && v !== 0n ? 18446744073709551616n - v : v);
}

/**
 * SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. The cursor walks keys in creation order
 * (Database.scan), so every key present for the whole iteration is returned exactly once. An
 * unknown TYPE matches nothing (no error in 7.0); COUNT below 1 is a syntax error.
 */
function scan(c: Client, args: string[]): void {
  const cursor = scanCursor(args[1] as string);
  let count = 10;
  let pattern: string | undefined;
  let typeName: string | undefined;
  for (let i = 2; i < args.length; i++) {
    const opt = args[i] as string;
    const more = args.length - i - 1;
    if (is(opt, 'COUNT') && more >= 1) {
      count = intArg(args[i + 1] as string, NOT_INTEGER);
      if (count < 1) throw new RedisError(SYNTAX);
      i++;
    } else if (is(opt, 'MATCH') && more >= 1) {
      pattern = args[i + 1] as string;
      if (pattern === '*') pattern = undefined;
      i++;
    } else if (is(opt, 'TYPE') && more >= 1) {
      typeName = (args[i + 1] as string).toLowerCase();
      i++;
    } else throw new RedisError(SYNTAX);
  }
  const db = c.db;
  const found: string[] = [];
  const next = db.scan(cursor, count, (key) => found.push(key));
  const out: string[] = [];
  for (const key of found) {
    if (pattern !== undefined && !globMatch(pattern, key)) continue;
    if (typeName !== undefined && (db.typeOf(key) ?? 'none') !== typeName) continue;
    if (db.expireIfNeeded(key)) continue;
    out.push(key);
  }
  c.reply.arrayLen(2);
  c.reply.bulk(String(next));
  c.reply.bulkArray(out);
}

/** RANDOMKEY: a random live key (expired picks are expired and another is drawn), or null. */
function randomkey(c: Client): void {
  const db = c.db;
  // On a replica expired keys stay until the primary's DEL: when every key is volatile, after 100
  // expired picks one is returned anyway (Redis's way out of an endless loop).
  const allVolatile = db.size === db.expires.size;
  let maxTries = 100;
  for (;;) {
    const key = db.randomKey();
    if (key === undefined) return c.reply.nil();
    if (allVolatile && c.node.role === 'slave' && --maxTries === 0) return c.reply.bulk(key);
    if (!db.expireIfNeeded(key)) return c.reply.bulk(key);
  }
}

/**
 * RENAME / RENAMENX src dst: the value and its deadline move; an existing dst is overwritten
 * (RENAME) or left alone (RENAMENX replies 0). Renaming a key onto itself succeeds with no event.
 * Events `rename_from` (src) then `rename_to` (dst).
 */
function rename(c: Client, args: string[], nx: boolean): void {
  const src = args[1] as string;
  const dst = args[2] as string;
  const db = c.db;
  const o = db.lookupTouch(src);
  if (o === undefined) throw new RedisError(NO_SUCH_KEY);
  if (src === dst) return nx ? c.reply.int(0) : c.reply.ok();
  const at = getDeadline(db, src);
  if (db.lookupTouch(dst) !== undefined) {
    if (nx) return c.reply.int(0);
    db.removeKey(dst);
  }
  db.removeKey(src);
  db.add(dst, o);
  if (at !== undefined) setDeadline(db, dst, at);
  c.node.signalModifiedKey(db, src);
  c.node.signalModifiedKey(db, dst);
  c.node.stats.dirty++; // one change, two keys
  c.node.notify(db, 'g', 'rename_from', src);
  c.node.notify(db, 'g', 'rename_to', dst);
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

/** A database index argument (getIntFromObjectOrReply: int64, then int range; then selectDb's range check). */
function dbArg(c: Client, s: string): Database {
  const n = intArg(s);
  if (n < -2147483648 || n > 2147483647) {
    throw new RedisError('ERR value is out of range, value must between -2147483648 and 2147483647');
  }
  if (n < 0 || n >= c.node.databaseCount) throw new RedisError(DB_RANGE);
  return c.node.db(n);
}

/** An independent deep copy of a value, keeping what OBJECT ENCODING reports. */
export function duplicateValue(o: RedisObject, now: number): RedisObject {
  switch (o.type) {
    case 'string': {
      const copy = new RedisObject('string', o.value as string, now);
      copyStringEncoding(o, copy);
      return copy;
    }
    case 'list':
      return new RedisObject('list', (o.value as QuickList).clone(), now);
    case 'hash': {
      const v = o.value as Map<string, string> & { clone?: () => Map<string, string> };
      if (typeof v.clone === 'function') return new RedisObject('hash', v.clone(), now);
      const h = new Map(v);
      copyCollectionEncoding(o.value as object, h);
      return new RedisObject('hash', h, now);
    }
    case 'set': {
      const v = o.value as Set<string> & { clone?: () => Set<string> };
      if (typeof v.clone === 'function') return new RedisObject('set', v.clone(), now);
      const s = new Set(v);
      copyCollectionEncoding(o.value as object, s);
      return new RedisObject('set', s, now);
    }
    case 'zset':
      return new RedisObject('zset', (o.value as SortedSet).clone(), now);
    default:
      return new RedisObject(o.type as ValueType, (o.value as Stream).clone(), now);
  }
}

/**
 * COPY src dst [DB n] [REPLACE]: a deep copy with the same deadline. 0 when src is missing or
 * dst exists without REPLACE. Event `copy_to` on dst (in its database).
 */
function copy(c: Client, args: string[]): void {
  const src = args[1] as string;
  const dst = args[2] as string;
  let target = c.db;
  let replace = false;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j] as string;
    if (is(opt, 'REPLACE')) replace = true;
    else if (is(opt, 'DB') && j + 1 < args.length) {
      target = dbArg(c, args[j + 1] as string);
      j++;
    } else throw new RedisError(SYNTAX);
  }
  const db = c.db;
  if (target === db && src === dst) throw new RedisError(SAME_OBJECT);
  const o = db.lookupTouch(src);
  if (o === undefined) return c.reply.int(0);
  const at = getDeadline(db, src);
  // The source is read with lookupKeyRead (counted; COPY is in dispatch's READ_LOOKUP_WRITES),
  // the destination with lookupKeyWrite, which counts nothing.
  const outer = c.node.readCommand;
  c.node.readCommand = false;
  const existing = target.lookupTouch(dst);
  c.node.readCommand = outer;
  if (existing !== undefined) {
    if (!replace) return c.reply.int(0);
    target.removeKey(dst);
  }
  target.add(dst, duplicateValue(o, c.node.clock.now()));
  if (at !== undefined) setDeadline(target, dst, at);
  c.node.signalModifiedKey(target, dst);
  c.node.stats.dirty++;
  c.node.notify(target, 'g', 'copy_to', dst);
  c.reply.int(1);
}

/** MOVE key db: 0 when the key is missing or exists in the target. Events `move_from`, `move_to`. */
function move(c: Client, args: string[]): void {
  const key = args[1] as string;
  const db = c.db;
  const target = dbArg(c, args[2] as string);
  if (target === db) throw new RedisError(SAME_OBJECT);
  const o = db.lookupTouch(key);
  if (o === undefined) return c.reply.int(0);
  const at = getDeadline(db, key);
  if (target.lookupTouch(key) !== undefined) return c.reply.int(0);
  target.add(key, o);
  if (at !== undefined) setDeadline(target, key, at);
  db.removeKey(key);
  c.node.signalModifiedKey(db, key);
  c.node.signalModifiedKey(target, key);
  c.node.stats.dirty++; // one change, two keys
  c.node.notify(db, 'g', 'move_from', key);
  c.node.notify(target, 'g', 'move_to', key);
  c.reply.int(1);
}

// ---- OBJECT ----------------------------------------------------------------------------

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/**
 * The value for an OBJECT subcommand (no access recorded, but counted in keyspace hits/misses
 * without "keymiss", as objectCommandLookup), or undefined after a null reply.
 */
function objectTarget(c: Client, key: string): RedisObject | undefined {
  const o = c.db.lookupNoTouch(key, false);
  if (o === undefined) c.reply.nil();
  return o;
}

function objectEncodingCmd(c: Client, args: string[]): void {
  const o = objectTarget(c, args[2] as string);
  if (o) c.reply.bulk(objectEncoding(c.node, o));
}

/**
 * OBJECT IDLETIME: seconds since the last access, on Redis's LRU clock (whole seconds:
 * floor(now/1000) - floor(lru/1000)). Refused under an LFU policy.
 */
function objectIdletime(c: Client, args: string[]): void {
  const o = objectTarget(c, args[2] as string);
  if (!o) return;
  if (lfuPolicy(c.node)) {
    throw new RedisError(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  const idle = Math.floor(c.node.clock.now() / 1000) - Math.floor(o.lru / 1000);
  c.reply.int(Math.max(0, idle));
}

function objectFreqCmd(c: Client, args: string[]): void {
  const o = objectTarget(c, args[2] as string);
  if (!o) return;
  if (!lfuPolicy(c.node)) {
    throw new RedisError(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  c.reply.int(objectFreq(c.node, o));
}

function objectRefcountCmd(c: Client, args: string[]): void {
  const o = objectTarget(c, args[2] as string);
  if (o) c.reply.int(objectRefcount(c.node, o));
}

function objectHelp(c: Client): void {
  c.reply.arrayLen(OBJECT_HELP.length);
  for (const line of OBJECT_HELP) c.reply.simple(line);
}

// ---- table -----------------------------------------------------------------------------

const base = { group: 'generic', firstKey: 1, lastKey: 1, keyStep: 1, complexity: 'O(1)' } as const;
const multi = { ...base, lastKey: -1, tips: ['request_policy:multi_shard', 'response_policy:agg_sum'] } as const;
const objSub = {
  group: 'generic',
  arity: 3,
  flags: ['readonly'],
  acl: ['keyspace', 'read', 'slow'],
  firstKey: 2,
  lastKey: 2,
  keyStep: 1,
  complexity: 'O(1)',
  tips: ['nondeterministic_output'],
} as const;

export const keyCommands: CommandSpec[] = [
  {
    ...multi,
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    summary: 'Delete a key',
    handler: del,
  },
  {
    ...multi,
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    since: '4.0.0',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    handler: del,
  },
  {
    ...multi,
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    summary: 'Determine if a key exists',
    handler: exists,
  },
  {
    ...multi,
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    handler: touch,
  },
  {
    ...base,
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    since: '1.0.0',
    summary: 'Determine the type stored at key',
    handler: type,
  },
  {
    group: 'generic',
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow', 'dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    since: '1.0.0',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    summary: 'Find all keys matching the given pattern',
    handler: keys,
  },
  {
    group: 'generic',
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    tips: ['nondeterministic_output', 'request_policy:special'],
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    summary: 'Incrementally iterate the keys space',
    handler: scan,
  },
  {
    group: 'generic',
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Return a random key from the keyspace',
    handler: randomkey,
  },
  {
    ...base,
    name: 'rename',
    arity: 3,
    lastKey: 2,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    since: '1.0.0',
    summary: 'Rename a key',
    handler: (c, a) => rename(c, a, false),
  },
  {
    ...base,
    name: 'renamenx',
    arity: 3,
    lastKey: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    since: '1.0.0',
    summary: 'Rename a key, only if the new key does not exist',
    handler: (c, a) => rename(c, a, true),
  },
  {
    ...base,
    name: 'copy',
    arity: -3,
    lastKey: 2,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow'],
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    summary: 'Copy a key',
    handler: copy,
  },
  {
    ...base,
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    since: '1.0.0',
    summary: 'Move a key to another database',
    handler: move,
  },
  {
    group: 'generic',
    name: 'object',
    arity: -2,
    flags: [],
    acl: ['slow'],
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    summary: 'A container for object introspection commands',
    subcommands: [
      {
        ...objSub,
        name: 'idletime',
        since: '2.2.3',
        summary: 'Get the time since a Redis object was last accessed',
        handler: objectIdletime,
      },
      {
        ...objSub,
        name: 'refcount',
        since: '2.2.3',
        summary: 'Get the number of references to the value of the key',
        handler: objectRefcountCmd,
      },
      {
        ...objSub,
        name: 'encoding',
        since: '2.2.3',
        summary: 'Inspect the internal encoding of a Redis object',
        handler: objectEncodingCmd,
      },
      {
        ...objSub,
        name: 'freq',
        since: '4.0.0',
        summary: 'Get the logarithmic access frequency counter of a Redis object',
        handler: objectFreqCmd,
      },
      {
        group: 'generic',
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['keyspace', 'slow'],
        since: '6.2.0',
        complexity: 'O(1)',
        summary: 'Show helpful text about the different subcommands',
        handler: objectHelp,
      },
    ],
  },
];
