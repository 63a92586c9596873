/**
 * MIGRATE (Redis 7.0 cluster.c migrateCommand), to a real redis-server or another redis-sim:
 *
 *   MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
 *           [AUTH password | AUTH2 username password] [KEYS key [key ...]]
 *
 * - Options are parsed first (unknown option or a missing AUTH/AUTH2 argument: syntax error;
 *   KEYS with a non-empty key argument: "When using MIGRATE KEYS option, the key argument must be
 *   set to the empty string"; everything after KEYS is a key), then timeout and then db as longs
 *   ("value is not an integer or out of range"). A timeout <= 0 means 1000 ms.
 * - The keys that exist (looked up as reads: hits, misses, access time) are migrated; none:
 *   +NOKEY, nothing is sent.
 * - Over the cached connection to host:port (migrate-socket.ts; cannot connect: "-IOERR error or
 *   timeout connecting to the client") it sends, in one write: AUTH [user] password if given,
 *   SELECT db unless the connection last succeeded with that db, then per key `RESTORE key ttl
 *   payload [REPLACE]` (ttl: the remaining ms, at least 1, 0 without expiry; a key whose deadline
 *   has passed since the lookup is skipped). The payload is DUMP's (src/rdb/payload.ts).
 * - It reads one reply line per command sent. The first error of AUTH, SELECT or any RESTORE
 *   answers "ERR Target instance replied with error: <the target's error without '-'>" (e.g.
 *   "BUSYKEY Target key name already exists.") and forgets the selected db. Each key whose
 *   RESTORE succeeded is deleted here unless COPY (event "del", propagated as one DEL of those
 *   keys). No error: +OK and the connection remembers the db.
 * - Socket errors: the cached connection is closed; unless the error was a timeout, or some
 *   RESTORE reply was already read, MIGRATE tries once more on a new connection (a cached
 *   connection the target closed while idle). Then "-IOERR error or timeout writing to target
 *   instance" (write failed) or "... reading to target instance".
 *
 * Redis blocks its whole event loop while it migrates. redis-sim does not freeze Node: the calling
 * client waits (its later commands stay queued), and every other client's commands are held, as a
 * CLIENT PAUSE ALL holds them, until MIGRATE has replied, so no command ever sees keys half
 * migrated and expiry waits too. The control command (SIM) is not held. Inside MULTI/EXEC or a
 * script, where nothing may wait, MIGRATE is refused with an error of redis-sim's own
 * (docs/compatibility.md).
 */
import { intArg, is, syntaxError } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { pauseClients, unpauseClients } from '../engine/pause.js';
import type { RedisObject } from '../engine/values.js';
import { dumpPayload } from '../rdb/payload.js';
import { closeSocket, getSocket, type MigrateSocket } from './migrate-socket.js';

interface MigrateRequest {
  host: string;
  port: string;
  db: number;
  timeout: number;
  copy: boolean;
  replace: boolean;
  username: string | undefined;
  password: string | undefined;
  keys: string[];
}

/** MIGRATE's options, checked in Redis's order. */
function parse(args: string[]): MigrateRequest {
  let copy = false;
  let replace = false;
  let username: string | undefined;
  let password: string | undefined;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < args.length; j++) {
    const more = args.length - 1 - j;
    const a = args[j] as string;
    if (is(a, 'COPY')) copy = true;
    else if (is(a, 'REPLACE')) replace = true;
    else if (is(a, 'AUTH')) {
      if (more < 1) syntaxError();
      password = args[++j];
    } else if (is(a, 'AUTH2')) {
      if (more < 2) syntaxError();
      username = args[++j];
      password = args[++j];
    } else if (is(a, 'KEYS')) {
      if ((args[3] as string).length !== 0) {
        throw new RedisError('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
      }
      firstKey = j + 1;
      numKeys = args.length - j - 1;
      break;
    } else syntaxError();
  }
  let timeout = intArg(args[5] as string);
  const db = intArg(args[4] as string);
  if (timeout <= 0) timeout = 1000;
  return {
    host: args[1] as string,
    port: args[2] as string,
    db,
    timeout,
    copy,
    replace,
    username,
    password,
    keys: args.slice(firstKey, firstKey + numKeys),
  };
}

/** A RESP multi-bulk request (latin1 strings: one byte per character). */
function resp(argv: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`, 'latin1')];
  for (const a of argv) {
    parts.push(Buffer.from(`$${a.length}\r\n`, 'latin1'), Buffer.from(a, 'latin1'), Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** One RESTORE to send: the key and its request bytes. */
interface Restore {
  key: string;
  request: Buffer;
}

/** The RESTORE of each key still alive (ttl computed now); expired ones are left out. */
function restores(c: Client, m: MigrateRequest, found: [string, RedisObject][]): Restore[] {
  const now = c.node.clock.now();
  const out: Restore[] = [];
  for (const [key, o] of found) {
    let ttl = 0;
    const at = c.db.getExpire(key);
    if (at !== undefined) {
      ttl = Math.floor(at - now);
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const payload = dumpPayload(c.node, o).toString('latin1');
    const argv = ['RESTORE', key, String(ttl), payload];
    if (m.replace) argv.push('REPLACE');
    out.push({ key, request: resp(argv) });
  }
  return out;
}

type Outcome = { kind: 'ok' } | { kind: 'error'; message: string } | { kind: 'ioerr'; message: string };

/**
 * One attempt over `cs`: returns the outcome, or 'retry' when the socket failed before anything
 * was acknowledged and a new connection may be tried. `acked` collects the keys the target took.
 */
async function attempt(
  cs: MigrateSocket,
  m: MigrateRequest,
  list: Restore[],
  acked: string[],
  mayRetry: boolean,
): Promise<Outcome | 'retry'> {
  const parts: Buffer[] = [];
  if (m.password !== undefined) {
    parts.push(resp(m.username !== undefined ? ['AUTH', m.username, m.password] : ['AUTH', m.password]));
  }
  const select = cs.lastDbid !== m.db;
  if (select) parts.push(resp(['SELECT', String(m.db)]));
  for (const r of list) parts.push(r.request);
  const ioerr = (what: 'writing' | 'reading'): Outcome => ({
    kind: 'ioerr',
    message: `IOERR error or timeout ${what} to target instance`,
  });
  // Redis writes in 64 KiB pieces, each within the timeout.
  const all = Buffer.concat(parts);
  for (let pos = 0; pos < all.length; pos += 64 * 1024) {
    const fail = await cs.write(all.subarray(pos, pos + 64 * 1024), m.timeout);
    if (fail) return mayRetry && fail !== 'timeout' ? 'retry' : ioerr('writing');
  }
  let authReply = '';
  let selectReply = '';
  if (m.password !== undefined) {
    const line = await cs.readLine(m.timeout);
    if (line === 'timeout' || line === 'error') return mayRetry && line !== 'timeout' ? 'retry' : ioerr('reading');
    authReply = line;
  }
  if (select) {
    const line = await cs.readLine(m.timeout);
    if (line === 'timeout' || line === 'error') return mayRetry && line !== 'timeout' ? 'retry' : ioerr('reading');
    selectReply = line;
  }
  let targetError: string | undefined;
  for (let j = 0; j < list.length; j++) {
    const line = await cs.readLine(m.timeout);
    if (line === 'timeout' || line === 'error') {
      if (targetError !== undefined) return { kind: 'error', message: targetError };
      // Nothing acknowledged yet: safe to try again on a new connection.
      if (j === 0 && mayRetry && line !== 'timeout') return 'retry';
      return ioerr('reading');
    }
    const failed = authReply.startsWith('-') ? authReply : selectReply.startsWith('-') ? selectReply : line;
    if (failed.startsWith('-')) {
      if (targetError === undefined) {
        cs.lastDbid = -1;
        targetError = `ERR Target instance replied with error: ${failed.slice(1)}`;
      }
    } else {
      acked.push((list[j] as Restore).key);
    }
  }
  if (targetError !== undefined) return { kind: 'error', message: targetError };
  cs.lastDbid = m.db;
  return { kind: 'ok' };
}

/** Runs the migration; the keys acknowledged by the target are deleted as they are in Redis. */
async function migrateAsync(c: Client, m: MigrateRequest, list: Restore[], acked: string[]): Promise<Outcome> {
  const name = `${m.host}:${m.port}`;
  let mayRetry = true;
  for (;;) {
    const cs = await getSocket(c.node, m.host, m.port, m.timeout);
    if (!cs) return { kind: 'ioerr', message: 'IOERR error or timeout connecting to the client' };
    const r = await attempt(cs, m, list, acked, mayRetry);
    if (r === 'retry') {
      closeSocket(c.node, name);
      mayRetry = false;
      continue;
    }
    if (r.kind === 'ioerr') closeSocket(c.node, name);
    return r;
  }
}

function migrate(c: Client, args: string[]): void {
  const m = parse(args);
  const found: [string, RedisObject][] = [];
  for (const key of m.keys) {
    const o = c.db.lookupTouch(key);
    if (o !== undefined) found.push([key, o]);
  }
  if (found.length === 0) {
    c.reply.simple('NOKEY');
    return;
  }
  if (c.noBlock || !c.transport) {
    throw new RedisError('ERR MIGRATE cannot run inside MULTI/EXEC or a script in redis-sim');
  }
  const node = c.node;
  const db = c.db;
  const list = restores(c, m, found);
  const acked: string[] = [];
  // Everyone else waits until the reply, as on Redis, whose event loop MIGRATE holds.
  pauseClients(node, Number.POSITIVE_INFINITY, 'all', 'migrate');
  c.blocked = {
    args,
    request: { keys: [], timeoutAt: 0, onTimeout: () => {} },
    since: node.clock.now(),
    cancel: () => {},
  };
  const finish = (outcome: Outcome) => {
    if (!m.copy && acked.length > 0) {
      for (const key of acked) {
        if (db.delete(key)) {
          node.signalModifiedKey(db, key);
          node.notify(db, 'g', 'del', key);
          node.stats.dirty++;
        }
      }
      // Replicas and the AOF see MIGRATE as DEL of the keys the target acknowledged.
      node.propagation.also(db.index, ['DEL', ...acked]);
      node.propagation.flush();
    }
    unpauseClients(node, 'migrate');
    if (c.closed) return;
    c.blocked = undefined;
    if (c.replyMode !== 'off') {
      if (outcome.kind === 'ok') c.reply.ok();
      else c.reply.error(outcome.message);
    }
    c.flush();
    c.transport?.resume();
  };
  migrateAsync(c, m, list, acked).then(finish, (e: unknown) =>
    finish({ kind: 'ioerr', message: `IOERR error or timeout reading to target instance (${String(e)})` }),
  );
}

/** migrateGetKeys: key 3, or the keys after KEYS when key 3 is empty (AUTH/AUTH2 values skipped). */
function migrateKeys(args: string[]): number[] {
  let first = 3;
  let num = 1;
  for (let i = 6; i < args.length; i++) {
    const a = args[i] as string;
    if (is(a, 'KEYS')) {
      if ((args[3] as string).length > 0) num = 0;
      else {
        first = i + 1;
        num = args.length - first;
      }
      break;
    }
    if (is(a, 'AUTH')) i += 1;
    else if (is(a, 'AUTH2')) i += 2;
  }
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(first + i);
  return out;
}

export const migrateCommands: CommandSpec[] = [
  {
    name: 'migrate',
    arity: -6,
    flags: ['write', 'movablekeys'],
    firstKey: 3,
    lastKey: 3,
    keyStep: 1,
    getKeys: migrateKeys,
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'generic',
    since: '2.6.0',
    tips: ['nondeterministic_output'],
    handler: migrate,
  },
];
