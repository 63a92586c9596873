/**
 * DUMP and RESTORE (Redis 7.0 cluster.c).
 *
 *   DUMP key                  -> the value serialized, or nil
 *   RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
 *
 * The payload is redis-sim's own (a real Redis cannot read it, nor redis-sim Redis's), laid out
 * like Redis's: a type byte, the body, then a 2-byte little-endian format version and an 8-byte
 * checksum of everything before it. RESTORE checks the footer first ("ERR DUMP payload version or
 * checksum are wrong"), then the body ("ERR Bad data format"). Every type round-trips with its
 * encoding state (listpack/intset/hashtable, zset listpack/skiplist) and, for streams, the last and
 * first IDs, counters, consumer groups, their consumers and pending entries.
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
import { RedisObject, type ValueType } from '../engine/values.js';
import { Deque } from '../types/deque.js';
import { RedisHash } from '../types/hash.js';
import { RedisSet } from '../types/set.js';
import { SortedSet } from '../types/sortedset.js';
import { ConsumerGroup, Stream, StreamConsumer, StreamNack } from '../types/stream.js';
import { MAX_ID } from '../types/stream-id.js';

/** Our payload format version (in the footer, as Redis puts its RDB version there). */
export const DUMP_VERSION = 1;
const TYPES: ValueType[] = ['string', 'list', 'set', 'zset', 'hash', 'stream'];
const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const BAD_FORMAT = 'ERR Bad data format';

// ---- checksum ------------------------------------------------------------------------------

/** 8 checksum bytes: two independent 32-bit FNV-1a style hashes of the latin1 bytes. */
function checksum(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
  }
  return u32(a >>> 0) + u32(b >>> 0);
}

function u32(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

// ---- body encoding: length-prefixed strings ------------------------------------------------

class Writer {
  parts: string[] = [];
  str(s: string): void {
    this.parts.push(`${s.length}:`, s);
  }
  num(n: number | bigint): void {
    this.str(String(n));
  }
  done(): string {
    return this.parts.join('');
  }
}

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}
  str(): string {
    const colon = this.s.indexOf(':', this.pos);
    if (colon < 0) throw new RedisError(BAD_FORMAT);
    const lenText = this.s.slice(this.pos, colon);
    if (!/^[0-9]+$/.test(lenText)) throw new RedisError(BAD_FORMAT);
    const len = Number(lenText);
    const start = colon + 1;
    if (start + len > this.s.length) throw new RedisError(BAD_FORMAT);
    this.pos = start + len;
    return this.s.slice(start, this.pos);
  }
  int(): number {
    const t = this.str();
    if (!/^-?[0-9]+$/.test(t)) throw new RedisError(BAD_FORMAT);
    return Number(t);
  }
  big(): bigint {
    const t = this.str();
    if (!/^-?[0-9]+$/.test(t)) throw new RedisError(BAD_FORMAT);
    return BigInt(t);
  }
  double(): number {
    const d = Number(this.str());
    if (Number.isNaN(d)) throw new RedisError(BAD_FORMAT);
    return d;
  }
  end(): void {
    if (this.pos !== this.s.length) throw new RedisError(BAD_FORMAT);
  }
}

// ---- serialization -------------------------------------------------------------------------

/** Serializes a value into a DUMP payload. */
export function serialize(o: RedisObject): string {
  const w = new Writer();
  switch (o.type) {
    case 'string':
      w.str(o.value as string);
      break;
    case 'list': {
      const l = o.value as Deque<string>;
      w.num(l.length);
      for (const x of l) w.str(x);
      break;
    }
    case 'hash': {
      const h = o.value as Map<string, string>;
      w.num(h instanceof RedisHash && !h.listpack ? 0 : 1);
      w.num(h.size);
      for (const [f, v] of h) {
        w.str(f);
        w.str(v);
      }
      break;
    }
    case 'set': {
      const s = o.value as Set<string>;
      const intset = s instanceof RedisSet ? s.isIntset : false;
      w.num(intset ? 1 : 0);
      w.num(s.size);
      for (const m of s instanceof RedisSet ? s.members() : s) w.str(m);
      break;
    }
    case 'zset': {
      const z = o.value as SortedSet;
      w.str(z.encoding);
      w.num(z.size);
      for (const [m, score] of z) {
        w.str(m);
        w.str(String(score));
      }
      break;
    }
    case 'stream':
      writeStream(w, o.value as Stream);
      break;
  }
  const body = String.fromCharCode(TYPES.indexOf(o.type)) + w.done();
  const withVersion = body + String.fromCharCode(DUMP_VERSION & 0xff, DUMP_VERSION >> 8);
  return withVersion + checksum(withVersion);
}

function writeStream(w: Writer, s: Stream): void {
  const entries: { id: bigint; fields: string[] }[] = [];
  s.walk(0n, MAX_ID, false, (e) => {
    entries.push({ id: e.id, fields: e.fields });
    return true;
  });
  w.num(entries.length);
  for (const e of entries) {
    w.num(e.id);
    w.num(e.fields.length);
    for (const f of e.fields) w.str(f);
  }
  w.num(s.lastId);
  w.num(s.firstId);
  w.num(s.maxDeletedId);
  w.num(s.entriesAdded);
  w.num(s.groups.size);
  for (const [name, g] of s.groups) {
    w.str(name);
    w.num(g.lastId);
    w.num(g.entriesRead);
    w.num(g.consumers.size);
    for (const [cname, c] of g.consumers) {
      w.str(cname);
      w.num(c.seenTime);
    }
    const nacks = [...g.pel.entries()];
    w.num(nacks.length);
    for (const n of nacks) {
      w.num(n.id);
      w.num(n.value.deliveryTime);
      w.num(n.value.deliveryCount);
      w.str(n.value.consumer?.name ?? '');
    }
  }
}

function readStream(r: Reader, c: Client): Stream {
  const s = new Stream();
  const limits = {
    maxEntries: c.node.config.param('stream-node-max-entries') ? c.node.config.getInt('stream-node-max-entries') : 100,
    maxBytes: c.node.config.param('stream-node-max-bytes') ? c.node.config.getInt('stream-node-max-bytes') : 4096,
  };
  const n = r.int();
  let prev = -1n;
  for (let i = 0; i < n; i++) {
    const id = r.big();
    if (id <= prev) throw new RedisError(BAD_FORMAT);
    prev = id;
    const nf = r.int();
    if (nf <= 0 || nf % 2 !== 0) throw new RedisError(BAD_FORMAT);
    const fields: string[] = [];
    for (let j = 0; j < nf; j++) fields.push(r.str());
    s.append(id, fields, limits);
  }
  s.lastId = r.big();
  s.firstId = r.big();
  s.maxDeletedId = r.big();
  s.entriesAdded = r.big();
  const ng = r.int();
  for (let i = 0; i < ng; i++) {
    const name = r.str();
    const g = new ConsumerGroup(r.big(), r.big());
    const nc = r.int();
    for (let j = 0; j < nc; j++) {
      const cname = r.str();
      g.consumers.set(cname, new StreamConsumer(cname, r.int()));
    }
    const np = r.int();
    for (let j = 0; j < np; j++) {
      const id = r.big();
      const time = r.int();
      const count = r.int();
      const owner = g.consumers.get(r.str());
      if (owner === undefined) throw new RedisError(BAD_FORMAT);
      const nack = new StreamNack(time, count, owner);
      g.pel.set(id, nack);
      owner.pel.set(id, nack);
    }
    s.groups.set(name, g);
  }
  return s;
}

/** Checks the footer; returns the body (type byte + data). */
function verifyPayload(p: string): string {
  if (p.length < 10) throw new RedisError(BAD_PAYLOAD);
  const withVersion = p.slice(0, -8);
  const version = withVersion.charCodeAt(withVersion.length - 2) | (withVersion.charCodeAt(withVersion.length - 1) << 8);
  if (version !== DUMP_VERSION || checksum(withVersion) !== p.slice(-8)) throw new RedisError(BAD_PAYLOAD);
  return withVersion.slice(0, -2);
}

/** Rebuilds a value from a verified body. */
export function deserialize(c: Client, body: string): RedisObject {
  const type = TYPES[body.charCodeAt(0)];
  if (type === undefined) throw new RedisError(BAD_FORMAT);
  const r = new Reader(body.slice(1));
  const now = c.node.clock.now();
  let obj: RedisObject;
  switch (type) {
    case 'string':
      obj = new RedisObject('string', r.str(), now);
      break;
    case 'list': {
      const n = r.int();
      const d = new Deque<string>(n);
      for (let i = 0; i < n; i++) d.pushBack(r.str());
      if (n === 0) throw new RedisError(BAD_FORMAT);
      obj = new RedisObject('list', d, now);
      break;
    }
    case 'hash': {
      const listpack = r.int() === 1;
      const n = r.int();
      const h = new RedisHash();
      for (let i = 0; i < n; i++) h.set(r.str(), r.str());
      if (n === 0 || h.size !== n) throw new RedisError(BAD_FORMAT);
      h.listpack = listpack;
      obj = new RedisObject('hash', h, now);
      break;
    }
    case 'set': {
      const intset = r.int() === 1;
      const n = r.int();
      const s = new RedisSet();
      s.maxIntset = c.node.config.param('set-max-intset-entries') ? c.node.config.getInt('set-max-intset-entries') : 512;
      if (!intset) s.convertToHashtable();
      for (let i = 0; i < n; i++) s.add(r.str());
      if (n === 0 || s.size !== n) throw new RedisError(BAD_FORMAT);
      obj = new RedisObject('set', s, now);
      break;
    }
    case 'zset': {
      const encoding = r.str();
      if (encoding !== 'listpack' && encoding !== 'skiplist') throw new RedisError(BAD_FORMAT);
      const n = r.int();
      const z = new SortedSet();
      for (let i = 0; i < n; i++) z.add(r.str(), r.double());
      if (n === 0 || z.size !== n) throw new RedisError(BAD_FORMAT);
      z.encoding = encoding;
      obj = new RedisObject('zset', z, now);
      break;
    }
    default:
      obj = new RedisObject('stream', readStream(r, c), now);
  }
  r.end();
  return obj;
}

// ---- commands ------------------------------------------------------------------------------

function dump(c: Client, args: string[]): void {
  const o = c.db.lookupTouch(args[1] as string);
  if (o === undefined) c.reply.nil();
  else c.reply.bulk(serialize(o));
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
  const obj = deserialize(c, verifyPayload(args[3] as string));
  const deleted = replace ? c.db.delete(key) : false;
  const now = c.node.clock.now();
  if (ttl > 0 && !absTtl) ttl += Math.floor(now);
  if (ttl > 0 && ttl <= now && c.node.role === 'master') {
    if (deleted) {
      c.node.signalModifiedKey(c.db, key);
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
];
