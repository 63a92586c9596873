/**
 * DEBUG, as Redis 7.0's debug.c, for the subcommands test suites use: SLEEP, SET-ACTIVE-EXPIRE,
 * OBJECT, RELOAD, LOADAOF, PROTOCOL, DIGEST, DIGEST-VALUE, SET-DISABLE-DENY-SCRIPTS,
 * QUICKLIST-PACKED-THRESHOLD, HELP. Others (and JMAP, which 7.0 does not have)
 * answer Redis's "unknown subcommand" error.
 *
 * Like Redis 7.0, DEBUG is refused unless enable-debug-command is "yes" (or "local", for clients
 * on a loopback address): start the node with that configuration to use it.
 *
 * - SLEEP <seconds>: with a manual clock the node clock advances by that much (timers due meanwhile
 *   fire, in deadline order); otherwise the event loop really blocks (Atomics.wait), as Redis does.
 * - DIGEST / DIGEST-VALUE: Redis's algorithm (SHA1 mixes and xors per key, type, value and "has
 *   an expire"), so equal datasets give equal digests and the hex is the one Redis prints for the
 *   same data; an empty dataset is 40 zeros.
 * - OBJECT: Redis's status line; encoding and refcount follow OBJECT ENCODING/REFCOUNT, the
 *   serialized length is the size of the value's RDB body as src/rdb writes it (LZF included), lru is the node clock's 24-bit
 *   LRU clock; the quicklist fields are the list's own nodes (types/quicklist.ts). The address is
 *   stable per object; INCR's in-place update of an unshared int keeps it, and each shared
 *   integer (0..9999) has its own fixed address, as in Redis.
 * - SET-DISABLE-DENY-SCRIPTS <n>: atoi(n) != 0 lets scripts call commands flagged noscript.
 * - QUICKLIST-PACKED-THRESHOLD <size>: elements of at least that many bytes get a plain quicklist
 *   node of their own (DEBUG OBJECT's ql_* fields, serializedlength, DUMP); 0 restores 1 GiB; the
 *   limit is 4 GiB - 1 MiB. Per node here (a process-wide setting in Redis).
 * - RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the RDB file (unless NOSAVE), empties the dataset
 *   (unless NOFLUSH) and loads the file back, as Redis does; a file that cannot be written answers
 *   "-ERR", one that cannot be loaded "Error trying to load the RDB dump" (the data stays).
 * - LOADAOF: the AOF is not persisted (appendonly is accepted, nothing is written), so this
 *   reloads the dataset through an in-memory RDB round trip, resets dirty and answers OK. (Redis
 *   with appendonly no and no AOF files on disk exits the process with status 1 here.)
 */
import { createHash } from 'node:crypto';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { memtoull } from '../engine/config-table.js';
import type { Database } from '../engine/database.js';
import { objectEncoding, objectRefcount } from '../engine/encoding.js';
import { RedisError } from '../engine/errors.js';
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import { formatDouble } from '../protocol/numbers.js';
import { objectBodyLength } from '../rdb/encode.js';
import { RdbError } from '../rdb/errors.js';
import { loadRdb } from '../rdb/load.js';
import { rdbPath, recordLoad, saveToDisk } from '../rdb/persistence.js';
import { setPackedThreshold } from '../rdb/quicklist.js';
import { saveRdb } from '../rdb/save.js';
import { setNoscriptAllowed } from '../scripting/flags.js';
import { cFixed } from '../scripting/lua/cformat.js';
import type { QuickList } from '../types/quicklist.js';
import { replyHelp } from './config.js';

// ---- digests -------------------------------------------------------------------------------

type Digest = Buffer;

function sha1(data: Buffer | string): Buffer {
  return createHash('sha1')
    .update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
    .digest();
}

/** digest ^= SHA1(data) */
function xorDigest(digest: Digest, data: Buffer | string): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] = (digest[i] as number) ^ (h[i] as number);
}

/** digest = SHA1(digest ^ SHA1(data)): order-dependent mixing. */
function mixDigest(digest: Digest, data: Buffer | string): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

const TYPE_CODES: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

interface StreamLike {
  walk(start: bigint, end: bigint, rev: boolean, visit: (e: { id: bigint; fields: string[] }) => boolean | undefined): void;
}

/** Redis's xorObjectDigest: the value's type, its contents, and whether it has an expire. */
function objectDigest(db: Database, key: string, o: RedisObject, digest: Digest): void {
  mixDigest(digest, u32be(TYPE_CODES[o.type] ?? 5));
  switch (o.type) {
    case 'string':
      mixDigest(digest, o.value as string);
      break;
    case 'list':
      for (const e of o.value as Iterable<string>) mixDigest(digest, e);
      break;
    case 'set':
      for (const m of o.value as Set<string>) xorDigest(digest, m);
      break;
    case 'zset':
      for (const [member, score] of o.value as Iterable<[string, number]>) {
        const ele = Buffer.alloc(20);
        mixDigest(ele, member);
        mixDigest(ele, formatDouble(score));
        xorDigest(digest, ele);
      }
      break;
    case 'hash':
      for (const [f, v] of o.value as Map<string, string>) {
        const ele = Buffer.alloc(20);
        mixDigest(ele, f);
        mixDigest(ele, v);
        xorDigest(digest, ele);
      }
      break;
    case 'stream':
      (o.value as unknown as StreamLike).walk(0n, (1n << 128n) - 1n, false, (e) => {
        mixDigest(digest, `${e.id >> 64n}.${e.id & ((1n << 64n) - 1n)}`);
        for (const f of e.fields) mixDigest(digest, f);
        return true;
      });
      break;
  }
  if (db.expires.has(key)) xorDigest(digest, '!!expire!!');
}

/** DEBUG DIGEST: xor of every key's digest, each database's id mixed in first. */
export function datasetDigest(c: Client): string {
  const final = Buffer.alloc(20);
  for (let i = 0; i < c.node.databaseCount; i++) {
    const db = c.node.db(i);
    if (db.size === 0) continue;
    mixDigest(final, u32be(i));
    db.forEach((key, o) => {
      const d = Buffer.alloc(20);
      mixDigest(d, key);
      objectDigest(db, key, o, d);
      xorDigest(final, d);
    }, true);
  }
  return final.toString('hex');
}

// ---- DEBUG OBJECT --------------------------------------------------------------------------

/** rdbSavedObjectLen: the bytes of the value's RDB body (src/rdb, LZF included as rdbcompression says). */
function serializedLength(node: RedisNode, o: RedisObject, enc: string): number {
  return objectBodyLength(node, o, enc);
}

/** Redis's LRU clock: seconds, 24 bits. */
function lruClock(ms: number): number {
  return Math.floor(ms / 1000) & 0xffffff;
}

/** A stable, pointer-looking address for an object. */
const addresses = new WeakMap<object, string>();
let nextAddress = 0x7f0000000000;
/** Where shared.integers[0] would be: the shared integers are one array of 16-byte robjs. */
const SHARED_INTEGERS_AT = 0x7effff000000;
const SHARED_REFCOUNT = 2147483647;

function addressOf(node: RedisNode, o: RedisObject): string {
  if (objectRefcount(node, o) === SHARED_REFCOUNT) return `0x${(SHARED_INTEGERS_AT + 16 * Number(o.value)).toString(16)}`;
  let a = addresses.get(o);
  if (!a) {
    nextAddress += 0x40;
    a = `0x${nextAddress.toString(16)}`;
    addresses.set(o, a);
  }
  return a;
}

/**
 * `to` replaces `from` as Redis modifies an object in place (INCR on an unshared int-encoded
 * value): DEBUG OBJECT shows the same address for both.
 */
export function modifiedInPlace(from: RedisObject, to: RedisObject): void {
  const a = addresses.get(from);
  if (a) addresses.set(to, a);
}

function debugObject(c: Client, key: string): void {
  // Like Redis, the raw dictionary: a logically expired key is still there to inspect.
  const o = c.db.entry(key);
  if (!o) throw new RedisError('ERR no such key');
  const enc = objectEncoding(c.node, o);
  const now = c.node.clock.now();
  let extra = '';
  if (enc === 'quicklist') {
    // The list's own nodes, fill and compress depth (quicklist fields of debugCommand).
    const q = o.value as QuickList;
    const bytes = q.nodes.toArray().reduce((a, n) => a + n.sz, 0);
    const compressed = q.depth !== 0 ? 1 : 0;
    extra = ` ql_nodes:${q.nodes.length} ql_avg_node:${cFixed(q.length / q.nodes.length, 2)} ql_listpack_max:${q.fill} ql_compressed:${compressed} ql_uncompressed_size:${bytes}`;
  }
  c.reply.simple(
    `Value at:${addressOf(c.node, o)} refcount:${objectRefcount(c.node, o)} encoding:${enc} serializedlength:${serializedLength(c.node, o, enc)} lru:${lruClock(o.lru)} lru_seconds_idle:${Math.max(0, Math.floor((now - o.lru) / 1000))}${extra}`,
  );
}

// ---- the other subcommands -----------------------------------------------------------------

/** C's strtod/atof on a prefix: the longest leading number, 0 when there is none. */
function atof(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?)/i.exec(s);
  if (!m) return 0;
  const v = (m[1] as string).toLowerCase().replace(/inf(inity)?$/, 'Infinity');
  return Number(v);
}

/** C's atoi: the leading integer, 0 when there is none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1] as string, 10) : 0;
}

function sleep(c: Client, arg: string): void {
  const secs = atof(arg);
  const ms = Number.isFinite(secs) && secs > 0 ? Math.floor(secs * 1e6) / 1000 : 0;
  if (ms > 0) {
    if (c.node.clock.mode === 'manual') c.node.clock.advance(ms);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
  c.reply.ok();
}

function reload(c: Client, args: string[]): void {
  for (let j = 2; j < args.length; j++) {
    const opt = (args[j] as string).toUpperCase();
    if (opt !== 'MERGE' && opt !== 'NOFLUSH' && opt !== 'NOSAVE') {
      throw new RedisError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    }
  }
  const opts = args.slice(2).map((a) => a.toUpperCase());
  const node = c.node;
  if (!opts.includes('NOSAVE') && !saveToDisk(node)) throw new RedisError('ERR');
  try {
    recordLoad(node, loadRdb(node, rdbPath(node), { flush: !opts.includes('NOFLUSH'), merge: opts.includes('MERGE') }));
  } catch (e) {
    node.log('warning', e instanceof RdbError ? e.message : `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    throw new RedisError('ERR Error trying to load the RDB dump');
  }
  node.log('warning', 'DB reloaded by DEBUG RELOAD');
  c.reply.ok();
}

/** DEBUG LOADAOF: nothing is persisted as AOF; the dataset reloads through an RDB round trip. */
function loadaof(c: Client): void {
  const node = c.node;
  loadRdb(node, saveRdb(node));
  node.stats.dirty = 0;
  node.log('warning', 'Append Only File loaded by DEBUG LOADAOF');
  c.reply.ok();
}

function protocol(c: Client, name: string): void {
  const r = c.reply;
  switch (name.toLowerCase()) {
    case 'string':
      return r.bulk('Hello World');
    case 'integer':
      return r.int(12345);
    case 'double':
      // Redis's fixed sample value (not pi).
      return r.double(Number('3.141'));
    case 'bignum':
      return r.bigNumber('1234567999999999999999999999999999999');
    case 'null':
      return r.nil();
    case 'array':
      r.arrayLen(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case 'set':
      r.setLen(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case 'map':
      r.mapLen(3);
      for (let j = 0; j < 3; j++) {
        r.int(j);
        r.bool(j === 1);
      }
      return;
    case 'attrib':
      // Attributes exist only in RESP3; a RESP2 client gets just the reply that follows.
      if (c.resp === 3) {
        r.raw('|1\r\n');
        r.bulk('key-popularity');
        r.arrayLen(2);
        r.bulk('key:123');
        r.int(90);
      }
      return r.bulk('Some real reply following the attribute');
    case 'push':
      if (c.resp < 3) throw new RedisError('ERR RESP2 is not supported by this command');
      r.pushLen(2);
      r.bulk('server-cpu-usage');
      r.int(42);
      return r.bulk('Some real reply following the push reply');
    case 'true':
      return r.bool(true);
    case 'false':
      return r.bool(false);
    case 'verbatim':
      return r.verbatim('This is a verbatim\nstring');
    default:
      throw new RedisError(
        'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

/**
 * Redis's allowProtectedAction for enable-debug-command / enable-module-command: "yes", or
 * "local" for loopback clients (in-process callers are local).
 */
export function protectedActionAllowed(c: Client, param: 'enable-debug-command' | 'enable-module-command'): boolean {
  const mode = c.node.config.get(param);
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  const addr = c.transport?.remoteAddress;
  return (
    addr === undefined || addr.startsWith('127.') || addr.startsWith('[::1]') || addr.startsWith('::1') || addr.startsWith('::ffff:127.')
  );
}

function debug(c: Client, args: string[]): void {
  if (!protectedActionAllowed(c, 'enable-debug-command')) {
    throw new RedisError(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
  }
  const sub = (args[1] as string).toLowerCase();
  const argc = args.length;
  if (sub === 'help' && argc === 2) return replyHelp(c, 'DEBUG', DEBUG_HELP);
  if (sub === 'sleep' && argc === 3) return sleep(c, args[2] as string);
  // DEBUG ERROR <string>: the string as an error reply, as given (no ERR code added, newlines
  // turned into spaces), and not counted in errorstats or failed_calls (Redis 7.0.15).
  if (sub === 'error' && argc === 3) return c.reply.raw(`-${(args[2] as string).replace(/[\r\n]/g, ' ')}\r\n`);
  if (sub === 'set-active-expire' && argc === 3) {
    c.node.setActiveExpire(atoi(args[2] as string) !== 0);
    return c.reply.ok();
  }
  if (sub === 'object' && argc === 3) return debugObject(c, args[2] as string);
  if (sub === 'quicklist-packed-threshold' && argc === 3) {
    const sz = memtoull(args[2] as string);
    if (sz === null || !setPackedThreshold(c.node, sz)) {
      throw new RedisError('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    }
    return c.reply.ok();
  }
  if (sub === 'set-disable-deny-scripts' && argc === 3) {
    setNoscriptAllowed(c.node, atoi(args[2] as string) !== 0);
    return c.reply.ok();
  }
  if (sub === 'reload') return reload(c, args);
  if (sub === 'loadaof' && argc === 2) return loadaof(c);
  if (sub === 'protocol' && argc === 3) return protocol(c, args[2] as string);
  if (sub === 'digest' && argc === 2) return c.reply.simple(datasetDigest(c));
  if (sub === 'digest-value') {
    c.reply.arrayLen(argc - 2);
    for (let j = 2; j < argc; j++) {
      const key = args[j] as string;
      const d = Buffer.alloc(20);
      const o = c.db.entry(key);
      if (o) objectDigest(c.db, key, o, d);
      c.reply.simple(d.toString('hex'));
    }
    return;
  }
  throw new RedisError(`ERR unknown subcommand or wrong number of arguments for '${args[1]}'. Try DEBUG HELP.`);
}

export const debugCommands: CommandSpec[] = [
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'A container for debugging commands',
    complexity: 'Depends on subcommand.',
    handler: debug,
  },
];

/** DEBUG HELP text of Redis 7.0.15 (its own subcommands, most of which redis-sim does not have). */
const DEBUG_HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];
