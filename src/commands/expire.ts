/**
 * Key expiry: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT) TTL PTTL EXPIRETIME PEXPIRETIME
 * PERSIST, and the deadline helpers SET/GETEX/RENAME/COPY/MOVE share (Redis's expire.c and the
 * expire parts of db.c).
 *
 * Time is the node's virtual clock in whole milliseconds (Redis's mstime()). Deadlines are
 * int64 milliseconds; the database keeps them as JS numbers, and the few beyond 2^53 (PXAT
 * 9223372036854775807) also keep their exact value here so EXPIRETIME/PTTL report it exactly.
 */
import { is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import type { Database } from '../engine/database.js';
import { INVALID_EXPIRE, NOT_INTEGER, RedisError } from '../engine/errors.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../protocol/numbers.js';

/**
 * Exact deadlines that a JS number cannot hold, per expires table (keyed by the table itself, so
 * SWAPDB, which swaps the tables, and FLUSHDB, which replaces them, carry or drop them along).
 */
const exactDeadlines = new WeakMap<Map<string, number>, Map<string, bigint>>();
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Redis's mstime() on the node clock: whole milliseconds. */
export function mstime(c: Client): bigint {
  return BigInt(Math.floor(c.node.clock.now()));
}

/** Sets the absolute deadline (ms) of an existing key. */
export function setDeadline(db: Database, key: string, at: bigint): void {
  if (at > SAFE) {
    let m = exactDeadlines.get(db.expires);
    if (!m) {
      m = new Map();
      exactDeadlines.set(db.expires, m);
    }
    m.set(key, at);
  }
  db.setExpire(key, Number(at));
}

/** The exact deadline of `key` (ms), or undefined when it has none. */
export function getDeadline(db: Database, key: string): bigint | undefined {
  const at = db.getExpire(key);
  if (at === undefined) return undefined;
  if (at > Number.MAX_SAFE_INTEGER) {
    const exact = exactDeadlines.get(db.expires)?.get(key);
    if (exact !== undefined && Number(exact) === at) return exact;
  }
  return BigInt(at);
}

/**
 * checkAlreadyExpired: a deadline at or before now deletes the key at once instead of setting
 * it — except on a replica, which waits for its master's DEL.
 */
export function alreadyExpired(c: Client, at: bigint): boolean {
  return at <= mstime(c) && c.node.role !== 'slave';
}

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** parseExtendedExpireArgumentsOrReply: NX XX GT LT, with Redis's compatibility errors. */
function parseExpireFlags(args: string[]): number {
  let flags = 0;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j] as string;
    if (is(opt, 'NX')) flags |= EXPIRE_NX;
    else if (is(opt, 'XX')) flags |= EXPIRE_XX;
    else if (is(opt, 'GT')) flags |= EXPIRE_GT;
    else if (is(opt, 'LT')) flags |= EXPIRE_LT;
    else throw new RedisError(`ERR Unsupported option ${opt}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    throw new RedisError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) throw new RedisError('ERR GT and LT options at the same time are not compatible');
  return flags;
}

/**
 * expireGenericCommand. `basetime` is now for relative forms and 0 for the *AT forms. The
 * options are checked first, then the number, then overflow (seconds × 1000 and + basetime must
 * stay in int64: "invalid expire time"), then the key. A deadline not after now deletes the key
 * and publishes `del` (Redis 7.0 replicates it as DEL); otherwise `expire`.
 */
function expireGeneric(c: Client, args: string[], name: string, relative: boolean, seconds: boolean): void {
  const key = args[1] as string;
  const flags = parseExpireFlags(args);
  let when = parseInt64(args[2] as string);
  if (when === null) throw new RedisError(NOT_INTEGER);
  if (seconds) {
    // C's LLONG_MAX / 1000 and LLONG_MIN / 1000 truncate toward zero, as bigint division does.
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw new RedisError(INVALID_EXPIRE(name));
    when *= 1000n;
  }
  const basetime = relative ? mstime(c) : 0n;
  if (when > INT64_MAX - basetime) throw new RedisError(INVALID_EXPIRE(name));
  when += basetime;
  const db = c.db;
  if (db.lookupTouch(key) === undefined) {
    c.reply.int(0);
    return;
  }
  if (flags) {
    const current = getDeadline(db, key);
    // No deadline counts as an infinite TTL: GT never passes, LT always does.
    if (flags & EXPIRE_NX && current !== undefined) return c.reply.int(0);
    if (flags & EXPIRE_XX && current === undefined) return c.reply.int(0);
    if (flags & EXPIRE_GT && (current === undefined || when <= current)) return c.reply.int(0);
    if (flags & EXPIRE_LT && current !== undefined && when >= current) return c.reply.int(0);
  }
  if (alreadyExpired(c, when)) {
    db.removeKey(key);
    // Replicated as DEL, or UNLINK with lazyfree-lazy-expire.
    c.node.propagation.rewrite([c.node.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, 'g', 'del', key);
  } else {
    setDeadline(db, key, when);
    // Replicated as PEXPIREAT key <ms> with the same NX/XX/GT/LT options (PEXPIREAT itself as given).
    if (name !== 'pexpireat' && c.node.propagation.active) {
      const argv = [...args];
      argv[0] = 'PEXPIREAT';
      argv[2] = String(when);
      c.node.propagation.rewrite(argv);
    }
    c.node.signalModifiedKey(db, key);
    c.node.stats.dirty++;
    c.node.notify(db, 'g', 'expire', key);
  }
  c.reply.int(1);
}

/**
 * ttlGenericCommand: -2 for a missing key, -1 without a deadline, else the time left (or the
 * absolute deadline) in ms, or in seconds rounded to nearest ((ms + 500) / 1000). Does not
 * count as an access (LOOKUP_NOTOUCH).
 */
function ttlGeneric(c: Client, key: string, ms: boolean, abs: boolean): void {
  const db = c.db;
  if (db.lookupNoTouch(key) === undefined) return c.reply.int(-2);
  const at = getDeadline(db, key);
  if (at === undefined) return c.reply.int(-1);
  let ttl = abs ? at : at - mstime(c);
  if (ttl < 0n) ttl = 0n;
  c.reply.int(ms ? ttl : (ttl + 500n) / 1000n);
}

/** PERSIST key: 1 when a deadline was removed (event `persist`), else 0. */
function persist(c: Client, args: string[]): void {
  const key = args[1] as string;
  const db = c.db;
  if (db.lookupTouch(key) === undefined || !db.persist(key)) return c.reply.int(0);
  c.node.signalModifiedKey(db, key);
  c.node.stats.dirty++;
  c.node.notify(db, 'g', 'persist', key);
  c.reply.int(1);
}

const base = { group: 'generic', firstKey: 1, lastKey: 1, keyStep: 1, complexity: 'O(1)' } as const;
const setter = { ...base, arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'] } as const;
const getter = { ...base, arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'] } as const;

export const expireCommands: CommandSpec[] = [
  {
    ...setter,
    name: 'expire',
    since: '1.0.0',
    summary: "Set a key's time to live in seconds",
    handler: (c, a) => expireGeneric(c, a, 'expire', true, true),
  },
  {
    ...setter,
    name: 'pexpire',
    since: '2.6.0',
    summary: "Set a key's time to live in milliseconds",
    handler: (c, a) => expireGeneric(c, a, 'pexpire', true, false),
  },
  {
    ...setter,
    name: 'expireat',
    since: '1.2.0',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    handler: (c, a) => expireGeneric(c, a, 'expireat', false, true),
  },
  {
    ...setter,
    name: 'pexpireat',
    since: '2.6.0',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    handler: (c, a) => expireGeneric(c, a, 'pexpireat', false, false),
  },
  {
    ...getter,
    name: 'ttl',
    since: '1.0.0',
    summary: 'Get the time to live for a key in seconds',
    tips: ['nondeterministic_output'],
    handler: (c, a) => ttlGeneric(c, a[1] as string, false, false),
  },
  {
    ...getter,
    name: 'pttl',
    since: '2.6.0',
    summary: 'Get the time to live for a key in milliseconds',
    tips: ['nondeterministic_output'],
    handler: (c, a) => ttlGeneric(c, a[1] as string, true, false),
  },
  {
    ...getter,
    name: 'expiretime',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key',
    handler: (c, a) => ttlGeneric(c, a[1] as string, false, true),
  },
  {
    ...getter,
    name: 'pexpiretime',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    handler: (c, a) => ttlGeneric(c, a[1] as string, true, true),
  },
  {
    ...base,
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    since: '2.2.0',
    summary: 'Remove the expiration from a key',
    handler: persist,
  },
];
