/**
 * Loading an RDB file into a node, as rdbLoadRio (Redis 7.0): any RDB version from 1 to 10.
 *
 * The file is parsed completely into new objects first and only then replaces the node's data
 * (keyspace and function libraries), so a truncated or corrupt file leaves the node as it was.
 * Errors carry Redis's log wording: "Wrong signature trying to load DB from file", "Can't handle
 * RDB format version N", "Short read or OOM loading DB. Unrecoverable error, aborting now.",
 * "Wrong RDB checksum expected: (x) got (y). Aborting now.", or the corruption reason.
 *
 * Expiry: on a master, keys whose deadline is before the node clock's now are dropped while
 * loading (Redis: iAmMaster() && expiretime < now); a replica keeps them (its master expires
 * them). Empty collections are skipped (Redis logs and skips them); a key loaded twice is fatal.
 * A checksum of 0 means the file was saved with rdbchecksum no: nothing is checked.
 */
import { Database, type DatabaseHost } from '../engine/database.js';
import { configNumber } from '../engine/encoding.js';
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import { functionsIfLoaded, functionsOf, type Library } from '../scripting/functions.js';
import * as T from './constants.js';
import { EmptyKeyError, isObjectType, readObject } from './decode.js';
import { corrupt, RdbError } from './errors.js';
import { RdbReader } from './reader.js';

/** Parsed data: one staging database per index the file fills (not attached to the node). */
export interface ParsedRdb {
  dbs: (Database | undefined)[];
  functions: string[];
  result: LoadResult;
}

export interface LoadOptions {
  /** Empty the node first (default true; DEBUG RELOAD NOFLUSH keeps the current data). */
  flush?: boolean;
  /** A key already present is replaced instead of being an error (DEBUG RELOAD MERGE). */
  merge?: boolean;
}

export interface LoadResult {
  keys: number;
  expiredSkipped: number;
  emptySkipped: number;
  version: number;
  aux: Map<string, string>;
}

/** LFU: the access count whose counter is `counter` (objectFreq's inverse; see dump.ts). */
function accessesForCounter(node: RedisNode, counter: number): number {
  const factor = configNumber(node, 'lfu-log-factor');
  let n = 0;
  for (let k = 5; k < counter; k++) n += (k - 5) * factor + 1;
  return n;
}

/**
 * Parses an RDB file (its bytes, or its path: then read as a stream through a bounded window) into
 * keys and function codes, checking everything; changes nothing.
 */
export function parseRdb(node: RedisNode, data: Buffer | string): ParsedRdb {
  const r = typeof data === 'string' ? RdbReader.fromFile(data) : new RdbReader(data);
  // Loading an RDB validates deeply only with sanitize-dump-payload yes ("clients" skips loading).
  r.deep = node.config.get('sanitize-dump-payload') === 'yes';
  try {
    return parseFrom(node, r);
  } finally {
    r.close();
    node.stats.dumpPayloadSanitizations += r.sanitizations;
  }
}

function parseFrom(node: RedisNode, r: RdbReader): ParsedRdb {
  let head: string;
  try {
    head = r.take(9).toString('latin1');
  } catch {
    throw new RdbError('Wrong signature trying to load DB from file');
  }
  if (!head.startsWith('REDIS')) throw new RdbError('Wrong signature trying to load DB from file');
  const verText = head.slice(5, 9);
  const version = /^[0-9]{4}$/.test(verText) ? Number(verText) : -1;
  if (version < 1 || version > T.RDB_VERSION) throw new RdbError(`Can't handle RDB format version ${version}`);
  const now = node.clock.now();
  const master = node.role === 'master';
  const functions: string[] = [];
  // Staging databases: no keyspace events, no blocked-client wake-ups, no expiry timer (Redis's
  // dbAddRDBLoad); the node's own databases take their contents only once everything parsed.
  const host: DatabaseHost = { now: () => node.clock.now(), keyExpired() {}, expireScheduled() {}, activeExpireEnabled: false };
  const dbs: (Database | undefined)[] = new Array(node.databaseCount);
  let loaded = 0;
  const result: LoadResult = { keys: 0, expiredSkipped: 0, emptySkipped: 0, version, aux: new Map() };
  let db = 0;
  let expire: number | undefined;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const type = r.byte();
    if (type === T.OP_EXPIRETIME) {
      expire = r.seconds() * 1000;
      continue;
    }
    if (type === T.OP_EXPIRETIME_MS) {
      expire = r.millis();
      continue;
    }
    if (type === T.OP_FREQ) {
      freq = r.byte();
      continue;
    }
    if (type === T.OP_IDLE) {
      idle = r.len();
      continue;
    }
    if (type === T.OP_EOF) break;
    if (type === T.OP_SELECTDB) {
      db = r.len();
      if (db >= node.databaseCount) {
        throw new RdbError(
          `FATAL: Data file was created with a Redis server configured to handle more than ${node.databaseCount} databases. Exiting`,
        );
      }
      continue;
    }
    if (type === T.OP_RESIZEDB) {
      r.len();
      r.len();
      continue;
    }
    if (type === T.OP_AUX) {
      const k = r.string();
      const v = r.string();
      result.aux.set(k, v);
      continue;
    }
    if (type === T.OP_MODULE_AUX) corrupt("The RDB file contains AUX module data I can't load: no matching module");
    if (type === T.OP_FUNCTION) corrupt('Pre-release function format not supported.');
    if (type === T.OP_FUNCTION2) {
      functions.push(r.string());
      continue;
    }
    if (!isObjectType(type)) corrupt(`Unknown RDB encoding type ${type}`);
    const key = r.string();
    // A plain string is kept bare (no RedisObject: engine/database.ts), as Redis's
    // tryObjectEncoding leaves a loaded string: its encoding follows from its value.
    let obj: RedisObject | string;
    try {
      obj = type === T.TYPE_STRING ? r.string() : readObject(r, type, node, now);
    } catch (e) {
      if (!(e instanceof EmptyKeyError)) throw e;
      result.emptySkipped++;
      expire = undefined;
      idle = freq = -1;
      continue;
    }
    let target = dbs[db];
    if (target === undefined) target = dbs[db] = new Database(db, host);
    if (master && expire !== undefined && expire < now) {
      if (target.hasKey(key)) throw new RdbError(`RDB has duplicated key '${key}' in DB ${db}`);
      result.expiredSkipped++;
    } else {
      const lru = idle >= 0 ? now - idle * 1000 : now;
      const accesses = freq >= 0 ? accessesForCounter(node, freq) : 0;
      // A key seen twice is fatal; the staging database is dropped then, so adding first and
      // checking the size saves a lookup per key.
      const size = target.size;
      if (typeof obj === 'string') target.addString(key, obj, lru, accesses);
      else {
        obj.lru = lru;
        obj.freq = accesses;
        target.add(key, obj);
      }
      if (target.size === size) throw new RdbError(`RDB has duplicated key '${key}' in DB ${db}`);
      if (expire !== undefined) target.loadExpire(key, expire);
      loaded++;
    }
    expire = undefined;
    idle = freq = -1;
  }
  if (version >= 5) {
    const got = r.checksumSoFar();
    const stored = Buffer.from(r.take(8));
    const zero = stored.every((b) => b === 0);
    if (!zero && node.config.get('rdbchecksum') !== 'no') {
      if (!got.bytes().equals(stored)) {
        const expected = stored.readBigUInt64LE(0);
        throw new RdbError(`Wrong RDB checksum expected: (${expected.toString(16)}) got (${got.value().toString(16)}). Aborting now.`);
      }
    }
  }
  result.keys = loaded;
  return { dbs, functions, result };
}

/** Replaces the function libraries with `codes`; on a failure the old ones are put back. */
function replaceFunctions(node: RedisNode, codes: string[]): void {
  if (codes.length === 0 && (functionsIfLoaded(node)?.libraries.size ?? 0) === 0) return;
  const engine = functionsOf(node);
  const old: Library[] = [...engine.libraries.values()];
  engine.flush();
  try {
    for (const code of codes) engine.load(code, false);
  } catch (e) {
    engine.flush();
    for (const lib of old) engine.addLibrary(lib);
    throw new RdbError(`Failed loading library: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Replaces the node's data with the RDB file `data`, its bytes or its path (DEBUG RELOAD, startup,
 * full sync, RedisSim.restore; a path is read as a stream, never whole into memory). Throws RdbError, leaving the node untouched, when the file is not valid.
 *
 * Replacing swaps each parsed database into place (as SWAPDB would): WATCHers of keys that change
 * are dirtied, blocked clients re-checked, the expiry timer rebuilt. No keyspace event is sent
 * for loaded keys, as Redis sends none while loading. NOFLUSH keeps the current keys; a key in
 * both is an error unless MERGE, where the file's value wins.
 */
export function loadRdb(node: RedisNode, data: Buffer | string, opts: LoadOptions = {}): LoadResult {
  const { dbs, functions, result } = parseRdb(node, data);
  if (opts.flush !== false) {
    replaceFunctions(node, functions);
    const host: DatabaseHost = { now: () => node.clock.now(), keyExpired() {}, expireScheduled() {}, activeExpireEnabled: false };
    for (let i = 0; i < node.databaseCount; i++) {
      const db = node.db(i);
      const staged = dbs[i] ?? new Database(i, host);
      if (db.size === 0 && staged.size === 0) continue;
      node.watches.touchDatabase(db, staged);
      db.swapWith(staged);
      node.blocking.signalDatabase(db);
    }
    node.rebuildExpiryQueue();
    return result;
  }
  if (!opts.merge) {
    for (const staged of dbs) {
      if (staged === undefined) continue;
      const db = node.db(staged.index);
      for (const key of staged.allKeys()) if (db.hasKey(key)) throw new RdbError(`RDB has duplicated key '${key}' in DB ${staged.index}`);
    }
  }
  for (const code of functions) functionsOf(node).load(code, true);
  for (const staged of dbs) {
    if (staged === undefined) continue;
    const db = node.db(staged.index);
    staged.forEach((key, obj) => {
      if (db.hasKey(key)) {
        node.watches.touch(db, key);
        db.removeKey(key);
      }
      db.add(key, obj);
      const at = staged.expires.get(key);
      if (at !== undefined) db.setExpire(key, at);
    });
  }
  return result;
}
