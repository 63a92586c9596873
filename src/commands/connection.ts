/**
 * Connection commands: PING ECHO QUIT SELECT SWAPDB AUTH HELLO RESET.
 */
import { addLogEntry } from '../acl/log.js';
import { DENIED_AUTH } from '../acl/permissions.js';
import { authRequired, checkCredentials, defaultUserOf, setDefaultAuth } from '../acl/store.js';
import { hashPassword } from '../acl/user.js';
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { unfollowJournal } from '../faults/journal.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/**
 * ACLAuthenticateUser: on success the client is authenticated as that user; a failure is logged
 * in ACL LOG as an "auth" entry (object: the command name as typed; context "multi" inside EXEC).
 */
function authenticate(c: Client, command: string, username: string, password: string): void {
  const u = checkCredentials(c.node, username, password, hashPassword);
  if (!u) {
    addLogEntry(c, DENIED_AUTH, c.multi ? 'multi' : 'toplevel', command, username);
    throw new RedisError(WRONGPASS);
  }
  c.authenticated = true;
  c.user = u;
}

/** PING [message]. In RESP2 subscribed mode the reply is the array ["pong", message]. */
function ping(c: Client, args: string[]): void {
  if (args.length > 2) throw new RedisError("ERR wrong number of arguments for 'ping' command");
  if (c.inPubSubMode) {
    c.reply.arrayLen(2);
    c.reply.bulk('pong');
    c.reply.bulk(args[1] ?? '');
  } else if (args.length === 2) c.reply.bulk(args[1] as string);
  else c.reply.simple('PONG');
}

/** SELECT index: out of range is "DB index is out of range". */
function select(c: Client, args: string[]): void {
  const idx = intArg(args[1] as string);
  if (idx < 0 || idx >= c.node.databaseCount) throw new RedisError('ERR DB index is out of range');
  c.db = c.node.db(idx);
  c.reply.ok();
}

/** SWAPDB a b: clients selected on a see b's data and the other way round; waiters re-checked. */
function swapdb(c: Client, args: string[]): void {
  const a = intArg(args[1] as string, 'ERR invalid first DB index');
  const b = intArg(args[2] as string, 'ERR invalid second DB index');
  const n = c.node.databaseCount;
  if (a < 0 || a >= n || b < 0 || b >= n) throw new RedisError('ERR DB index is out of range');
  if (a !== b) {
    const da = c.node.db(a);
    const db = c.node.db(b);
    // WATCH is invalidated before the swap, from both sides (Redis's touchAllWatchedKeysInDb).
    c.node.watches.touchDatabase(da, db);
    c.node.watches.touchDatabase(db, da);
    da.swapWith(db);
    c.node.rebuildExpiryQueue();
    c.node.blocking.signalDatabase(da);
    c.node.blocking.signalDatabase(db);
  }
  c.reply.ok();
}

/**
 * AUTH [username] password. The one-argument form is the default user's, and an error while the
 * default user is "nopass" (whatever requirepass says: ACL SETUSER default >pw counts).
 */
function auth(c: Client, args: string[]): void {
  if (args.length > 3) throw new RedisError(SYNTAX);
  if (args.length === 2 && defaultUserOf(c.node).flags.nopass) {
    throw new RedisError(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  }
  const user = args.length === 3 ? (args[1] as string) : 'default';
  authenticate(c, args[0] as string, user, args[args.length - 1] as string);
  c.reply.ok();
}

/** Client names may not contain spaces, newlines or non-printable characters. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
function hello(c: Client, args: string[]): void {
  let ver: number | undefined;
  let i = 1;
  if (args.length >= 2) {
    ver = intArg(args[1] as string, 'ERR Protocol version is not an integer or out of range');
    i = 2;
    if (ver < 2 || ver > 3) throw new RedisError('NOPROTO unsupported protocol version');
  }
  let setName: string | undefined;
  let authPair: [string, string] | undefined;
  for (; i < args.length; i++) {
    const more = args.length - i - 1;
    const opt = args[i] as string;
    if (is(opt, 'AUTH') && more >= 2) {
      authPair = [args[i + 1] as string, args[i + 2] as string];
      i += 2;
    } else if (is(opt, 'SETNAME') && more >= 1) {
      setName = args[i + 1] as string;
      if (!validClientName(setName)) throw new RedisError('ERR Client names cannot contain spaces, newlines or special characters.');
      i += 1;
    } else {
      throw new RedisError(`ERR Syntax error in HELLO option '${opt}'`);
    }
  }
  if (authPair) authenticate(c, args[0] as string, authPair[0], authPair[1]);
  if (authRequired(c)) {
    throw new RedisError(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (setName !== undefined) c.name = setName;
  if (ver !== undefined) c.resp = ver as 2 | 3;
  const r = c.reply;
  // A Sentinel's HELLO has no role field (redis-sentinel: mode sentinel, then modules).
  const sentinel = c.node.mode === 'sentinel';
  r.mapLen(sentinel ? 6 : 7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(c.node.version);
  r.bulk('proto');
  r.int(c.resp);
  r.bulk('id');
  r.int(c.id);
  r.bulk('mode');
  r.bulk(c.node.mode);
  if (!sentinel) {
    r.bulk('role');
    r.bulk(c.node.role);
  }
  r.bulk('modules');
  r.arrayLen(0);
}

/** RESET: back to a fresh connection's state (RESP2, db 0, no name, no MULTI/WATCH/subscriptions). */
function reset(c: Client): void {
  c.multi = undefined;
  c.node.watches.unwatchAll(c);
  c.node.pubsub.unsubscribeAll(c);
  c.node.monitors.delete(c);
  c.monitor = false;
  unfollowJournal(c);
  if (c.tracking) c.node.tracking.disable(c);
  c.db = c.node.db(0);
  c.name = '';
  c.replyMode = 'on';
  c.resp = 2;
  // clientSetDefaultAuth: back to the default user, authenticated only if it is nopass and on.
  setDefaultAuth(c);
  c.reply.simple('RESET');
}

function quit(c: Client): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

const base = { group: 'connection', since: '1.0.0' } as const;

export const connectionCommands: CommandSpec[] = [
  {
    ...base,
    name: 'ping',
    arity: -1,
    flags: ['fast', 'sentinel'],
    acl: ['fast', 'connection'],
    // Cluster-aware clients send PING to every shard and expect every one to succeed.
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: ping,
  },
  {
    ...base,
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    handler: (c, a) => c.reply.bulk(a[1] as string),
  },
  {
    ...base,
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    acl: ['fast', 'connection'],
    handler: quit,
  },
  { ...base, name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['fast', 'connection'], handler: select },
  {
    ...base,
    name: 'swapdb',
    arity: 3,
    since: '4.0.0',
    group: 'server',
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast', 'dangerous'],
    handler: swapdb,
  },
  {
    ...base,
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
    acl: ['fast', 'connection'],
    handler: auth,
  },
  {
    ...base,
    name: 'hello',
    arity: -1,
    since: '6.0.0',
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
    acl: ['fast', 'connection'],
    handler: hello,
  },
  {
    ...base,
    name: 'reset',
    arity: 1,
    since: '6.2.0',
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['fast', 'connection'],
    handler: reset,
  },
];
