/**
 * DUMP and RESTORE (Redis 7.0 cluster.c).
 *
 *   DUMP key                  -> the value serialized, or nil
 *   RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
 *
 * The payload is Redis's own (src/rdb/payload.ts): the RDB type byte and object body, the RDB
 * version (10) and a CRC-64, byte-identical to Redis 7.0's for the same value and encoding, and
 * readable by a real Redis (and Redis's payloads, RDB versions up to 10, by redis-sim). RESTORE
 * checks the footer first ("ERR DUMP payload version or checksum are wrong"), then the body
 * ("ERR Bad data format"); sanitize-dump-payload decides whether it counts as a deep validation
 * (src/rdb/decode.ts).
 *
 * RESTORE's order of checks is Redis's: options (syntax error; IDLETIME and FREQ exclude each other;
 * "Invalid IDLETIME value, must be >= 0", "Invalid FREQ value, must be >= 0 and <= 255"), then
 * "BUSYKEY Target key name already exists." unless REPLACE, then the TTL ("Invalid TTL value, must
 * be >= 0"), then the payload. A TTL (ms; absolute with ABSTTL) already in the past restores
 * nothing and replies OK (deleting the replaced key, with a "del" event). Otherwise the key gets
 * the value and event "restore". IDLETIME sets the idle time unless maxmemory-policy is LFU; FREQ
 * sets the LFU counter only under an LFU policy.
 */
import { intArg, is, syntaxError } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import type { RedisObject } from '../engine/values.js';
import { RdbError } from '../rdb/errors.js';
import { dumpPayload, loadPayload, restoreDeep, verifyPayload } from '../rdb/payload.js';

const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const BAD_FORMAT = 'ERR Bad data format';

/** Serializes a value into a DUMP payload (latin1: one byte per character). */
export function serialize(c: Client, o: RedisObject): string {
  return dumpPayload(c.node, o).toString('latin1');
}

/** Rebuilds a value from a RESTORE payload, with Redis's errors. */
function deserialize(c: Client, payload: string): RedisObject {
  const p = Buffer.from(payload, 'latin1');
  if (!verifyPayload(p)) throw new RedisError(BAD_PAYLOAD);
  try {
    return loadPayload(c.node, p, c.node.clock.now(), restoreDeep(c.node, c.fromMaster));
  } catch (e) {
    // Anything the decoder trips over (RdbError, or a bounds error it missed) is bad data.
    if (e instanceof RdbError || e instanceof RangeError || e instanceof TypeError) throw new RedisError(BAD_FORMAT);
    throw e;
  }
}

// ---- commands ------------------------------------------------------------------------------

function dump(c: Client, args: string[]): void {
  const o = c.db.lookupTouch(args[1] as string);
  if (o === undefined) c.reply.nil();
  else c.reply.bulk(serialize(c, o));
}

function lfuPolicy(c: Client): boolean {
  return c.node.config.param('maxmemory-policy') ? c.node.config.get('maxmemory-policy').includes('lfu') : false;
}

function restore(c: Client, args: string[]): void {
  const key = args[1] as string;
  let replace = false;
  let absTtl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < args.length; j++) {
    const more = args.length - j - 1;
    const a = args[j] as string;
    if (is(a, 'REPLACE')) replace = true;
    else if (is(a, 'ABSTTL')) absTtl = true;
    else if (is(a, 'IDLETIME') && more >= 1 && freq === -1) {
      idle = intArg(args[++j] as string);
      if (idle < 0) throw new RedisError('ERR Invalid IDLETIME value, must be >= 0');
    } else if (is(a, 'FREQ') && more >= 1 && idle === -1) {
      freq = intArg(args[++j] as string);
      if (freq < 0 || freq > 255) throw new RedisError('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else syntaxError();
  }
  if (!replace && c.db.has(key)) throw new RedisError('BUSYKEY Target key name already exists.');
  let ttl = intArg(args[2] as string);
  if (ttl < 0) throw new RedisError('ERR Invalid TTL value, must be >= 0');
  const obj = deserialize(c, args[3] as string);
  const deleted = replace ? c.db.delete(key) : false;
  const now = c.node.clock.now();
  if (ttl > 0 && !absTtl) ttl += Math.floor(now);
  if (ttl > 0 && ttl <= now && c.node.role === 'master') {
    if (deleted) {
      c.node.signalModifiedKey(c.db, key);
      c.node.stats.dirty++;
      c.node.notify(c.db, 'g', 'del', key);
    }
    c.reply.ok();
    return;
  }
  c.db.add(key, obj);
  if (ttl > 0) c.db.setExpire(key, ttl);
  if (lfuPolicy(c)) {
    if (freq >= 0) obj.freq = accessesForCounter(c, freq);
  } else if (idle >= 0) {
    obj.lru = now - idle * 1000;
  }
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  c.node.notify(c.db, 'g', 'restore', key);
  c.reply.ok();
}

/**
 * OBJECT FREQ derives Redis's LFU counter from a key's access count (starting at 5, each step
 * costing (counter-5)*lfu-log-factor+1 accesses): the access count that yields `counter`.
 * Counters below the initial 5 are not representable and become 5.
 */
function accessesForCounter(c: Client, counter: number): number {
  const factor = c.node.config.param('lfu-log-factor') ? c.node.config.getInt('lfu-log-factor') : 10;
  let n = 0;
  for (let k = 5; k < counter; k++) n += (k - 5) * factor + 1;
  return n;
}

export const dumpCommands: CommandSpec[] = [
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    acl: ['keyspace', 'read', 'slow'],
    group: 'generic',
    since: '2.6.0',
    tips: ['nondeterministic_output'],
    handler: dump,
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'generic',
    since: '2.6.0',
    handler: restore,
  },
  {
    // RESTORE for a cluster's MIGRATE (flag "asking": accepted on a migrating slot); on a server
    // without cluster support it is exactly RESTORE.
    name: 'restore-asking',
    arity: -4,
    flags: ['write', 'denyoom', 'asking'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'server',
    since: '3.0.0',
    handler: restore,
  },
];
