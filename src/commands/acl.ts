/**
 * ACL for redis-sim's single user, `default`, answered as Redis 7.0.15's acl.c answers it.
 *
 * redis-sim has exactly one user: `default`, always "on", with every command, key and channel
 * (`~* &* +@all`), and either no password ("nopass", requirepass empty) or the requirepass password
 * (listed as `#<sha256 hex>`). Usernames are case-sensitive ("Default" is an unknown user).
 *
 * - WHOAMI, USERS, LIST, GETUSER, CAT, GENPASS, DRYRUN, HELP: as Redis for that user.
 *   CAT <category> lists every command and subcommand ("config|get") carrying the category, in
 *   command-table order (Redis's order is its dict's hash order, random per process); redis-sim's
 *   control command (SIM) is in @admin.
 * - LOG: AUTH and HELLO ... AUTH failures are logged as Redis logs them (reason "auth", context
 *   "toplevel" or "multi" inside EXEC, object = the command name as typed, the username tried),
 *   newest first; an entry equal to one of the 10 newest in reason, context, object and username
 *   and at most 60 s apart (virtual clock) is merged into it (count+1, its time and client-info
 *   updated, moved to the head). At most acllog-max-len entries (trimmed on insertion).
 *   redis-sim never denies a command, key or channel, so no other reasons are ever logged.
 * - SETUSER default <rules>: answers OK when every rule leaves the default user as it is (on,
 *   ~*, allkeys, &*, allchannels, +@all, allcommands, nopass without requirepass, >pw or #hash of
 *   the requirepass password). Anything else (another user, or a rule that would change default)
 *   is refused with "ERR redis-sim supports only the default user ..." (not a Redis text).
 * - DELUSER: Redis's error for `default`; other names do not exist, so they count 0.
 * - LOAD / SAVE: Redis's error for a server without an ACL file (redis-sim never reads one).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { arityOk } from '../engine/dispatch.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import type { RedisNode } from '../engine/node.js';
import { parseInteger } from '../protocol/numbers.js';
import { clientInfoLine } from './client.js';
import { ACL_ORDER } from './command-info.js';
import { replyHelp } from './config.js';
import { authFailureHooks } from './connection.js';

const DEFAULT_USER = 'default';

/** Redis's ACL categories, in ACL CAT's order. */
const CATEGORIES = ACL_ORDER;

const NO_ACL_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

/** Redis's addReplySubcommandSyntaxError for ACL (the subcommand as typed). */
function syntaxError(args: string[]): RedisError {
  return new RedisError(`ERR unknown subcommand or wrong number of arguments for '${(args[1] as string).slice(0, 128)}'. Try ACL HELP.`);
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'latin1').digest('hex');
}

/** The default user's password hashes: none when nopass (requirepass empty). */
function passwordHashes(c: Client): string[] {
  const pass = c.node.config.get('requirepass');
  return pass === '' ? [] : [sha256Hex(pass)];
}

// ---- ACL LOG --------------------------------------------------------------------------------

interface LogEntry {
  count: number;
  reason: string;
  context: string;
  object: string;
  username: string;
  /** Virtual-clock ms of the latest occurrence. */
  ctime: number;
  clientInfo: string;
}

/** Newest first, as Redis's ACLLog list (entries are added at the head). */
const logs = new WeakMap<RedisNode, LogEntry[]>();

function aclLog(node: RedisNode): LogEntry[] {
  let l = logs.get(node);
  if (!l) {
    l = [];
    logs.set(node, l);
  }
  return l;
}

/** Entries this close in time (ms) and otherwise equal are grouped (ACL_LOG_GROUPING_MAX_TIME_DELTA). */
const GROUPING_MS = 60000;
/** How many of the newest entries addACLLogEntry looks at for a match. */
const GROUPING_SCAN = 10;

function addLogEntry(c: Client, reason: string, object: string, username: string): void {
  const node = c.node;
  const log = aclLog(node);
  const now = node.clock.now();
  const context = c.noBlock ? 'multi' : 'toplevel';
  const clientInfo = clientInfoLine(c);
  const scan = Math.min(GROUPING_SCAN, log.length);
  for (let i = 0; i < scan; i++) {
    const e = log[i] as LogEntry;
    if (
      e.reason === reason &&
      e.context === context &&
      Math.abs(e.ctime - now) <= GROUPING_MS &&
      e.object === object &&
      e.username === username
    ) {
      log.splice(i, 1);
      e.count++;
      e.ctime = now;
      e.clientInfo = clientInfo;
      log.unshift(e);
      return;
    }
  }
  log.unshift({ count: 1, reason, context, object, username, ctime: now, clientInfo });
  const max = node.config.getInt('acllog-max-len');
  if (log.length > max) log.length = max;
}

// AUTH / HELLO ... AUTH failures (connection.ts calls these before replying WRONGPASS).
authFailureHooks.push((c, object, username) => addLogEntry(c, 'auth', object, username));

function logCmd(c: Client, args: string[]): void {
  if (args.length > 3) throw syntaxError(args);
  let count = 10;
  if (args.length === 3) {
    const a = args[2] as string;
    if (a.toLowerCase() === 'reset') {
      logs.set(c.node, []);
      c.reply.ok();
      return;
    }
    const n = parseInteger(a);
    if (n === null) throw new RedisError(NOT_INTEGER);
    count = Math.max(n, 0);
  }
  const log = aclLog(c.node);
  const n = Math.min(count, log.length);
  const now = c.node.clock.now();
  const r = c.reply;
  r.arrayLen(n);
  for (let i = 0; i < n; i++) {
    const e = log[i] as LogEntry;
    r.mapLen(7);
    r.bulk('count');
    r.int(e.count);
    r.bulk('reason');
    r.bulk(e.reason);
    r.bulk('context');
    r.bulk(e.context);
    r.bulk('object');
    r.bulk(e.object);
    r.bulk('username');
    r.bulk(e.username);
    r.bulk('age-seconds');
    r.double((now - e.ctime) / 1000);
    r.bulk('client-info');
    r.bulk(e.clientInfo);
  }
}

// ---- users -----------------------------------------------------------------------------------

function getuser(c: Client, args: string[]): void {
  if (args[2] !== DEFAULT_USER) {
    c.reply.nil();
    return;
  }
  const hashes = passwordHashes(c);
  const r = c.reply;
  r.mapLen(6);
  r.bulk('flags');
  const flags = hashes.length === 0 ? ['on', 'nopass'] : ['on'];
  r.setLen(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk('passwords');
  r.bulkArray(hashes);
  r.bulk('commands');
  r.bulk('+@all');
  r.bulk('keys');
  r.bulk('~*');
  r.bulk('channels');
  r.bulk('&*');
  r.bulk('selectors');
  r.arrayLen(0);
}

/** The default user in ACL file format, as ACLDescribeUser writes it. */
function describeDefault(c: Client): string {
  const hashes = passwordHashes(c);
  const pw = hashes.length === 0 ? 'nopass' : hashes.map((h) => `#${h}`).join(' ');
  return `user ${DEFAULT_USER} on ${pw} ~* &* +@all`;
}

/** True when `rule` would leave the default user exactly as it is. */
function isNoOpRule(c: Client, rule: string): boolean {
  const lower = rule.toLowerCase();
  if (['on', '~*', 'allkeys', '%rw~*', '&*', 'allchannels', '+@all', 'allcommands'].includes(lower)) return true;
  const pass = c.node.config.get('requirepass');
  if (lower === 'nopass') return pass === '';
  if (pass === '') return false;
  if (rule.startsWith('>')) return rule.slice(1) === pass;
  if (rule.startsWith('#')) return lower.slice(1) === sha256Hex(pass);
  return false;
}

function setuser(c: Client, args: string[]): void {
  const user = args[2] as string;
  if (user !== DEFAULT_USER) {
    throw new RedisError(`ERR redis-sim supports only the default user: cannot create or modify user '${user.slice(0, 128)}'`);
  }
  for (let i = 3; i < args.length; i++) {
    const rule = args[i] as string;
    if (!isNoOpRule(c, rule)) {
      throw new RedisError(
        `ERR redis-sim supports only the default user with its fixed rules (on, ~* &* +@all, requirepass or nopass): cannot apply '${rule.slice(0, 128)}'`,
      );
    }
  }
  c.reply.ok();
}

function deluser(c: Client, args: string[]): void {
  // Redis checks for "default" among all the names before deleting any.
  for (let i = 2; i < args.length; i++) {
    if (args[i] === DEFAULT_USER) throw new RedisError("ERR The 'default' user cannot be removed");
  }
  c.reply.int(0); // no other user exists
}

// ---- CAT, GENPASS, DRYRUN -------------------------------------------------------------------

function cat(c: Client, args: string[]): void {
  if (args.length > 3) throw syntaxError(args);
  if (args.length === 2) {
    c.reply.bulkArray(CATEGORIES);
    return;
  }
  const name = (args[2] as string).toLowerCase();
  if (!CATEGORIES.includes(name)) throw new RedisError(`ERR Unknown category '${args[2]}'`);
  const out: string[] = [];
  for (const spec of c.node.commandTable()) {
    if (spec.acl?.includes(name)) out.push(spec.name);
    for (const sub of spec.subcommands ?? []) {
      if (sub.acl?.includes(name)) out.push(`${spec.name}|${sub.name}`);
    }
  }
  c.reply.bulkArray(out);
}

const GENPASS_RANGE = 'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096';

/** GENPASS [bits]: ceil(bits/4) random hex digits (default 256 bits: 64 digits). */
function genpass(c: Client, args: string[]): void {
  if (args.length > 3) throw syntaxError(args);
  let bits = 256;
  if (args.length === 3) {
    const n = parseInteger(args[2] as string);
    if (n === null) throw new RedisError(NOT_INTEGER);
    if (n <= 0 || n > 4096) throw new RedisError(GENPASS_RANGE);
    bits = n;
  }
  const chars = Math.floor((bits + 3) / 4);
  c.reply.bulk(
    randomBytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars),
  );
}

/** DRYRUN user command [arg ...]: the default user may run anything, once the command resolves. */
function dryrun(c: Client, args: string[]): void {
  const user = args[2] as string;
  if (user !== DEFAULT_USER) throw new RedisError(`ERR User '${user}' not found`);
  const cmdArgs = args.slice(3);
  const name = cmdArgs[0] as string;
  const base = c.node.lookupCommand(name);
  if (!base) throw new RedisError(`ERR Command '${name}' not found`);
  let spec = base;
  let fullname = base.name;
  // As lookupCommand: a container with a subcommand argument resolves to the subcommand.
  if (base.subcommands && cmdArgs.length >= 2) {
    const sub = base.subcommands.find((s) => s.name === (cmdArgs[1] as string).toLowerCase());
    if (!sub) throw new RedisError(`ERR Command '${name}' not found`);
    spec = sub;
    fullname = `${base.name}|${sub.name}`;
  }
  if (!arityOk(spec, cmdArgs.length)) throw new RedisError(`ERR wrong number of arguments for '${fullname}' command`);
  c.reply.ok();
}

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

const admin = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  acl: ['admin', 'slow', 'dangerous'],
  group: 'server',
  since: '6.0.0',
} as const;
const plain = { flags: ['noscript', 'loading', 'stale'], acl: ['slow'], group: 'server', since: '6.0.0' } as const;

export const aclCommands: CommandSpec[] = [
  {
    name: 'acl',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    since: '6.0.0',
    summary: 'A container for Access List Control commands ',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...plain,
        name: 'cat',
        arity: -2,
        summary: 'List the ACL categories or the commands inside a category',
        complexity: 'O(1) since the categories and commands are a fixed set.',
        handler: cat,
      },
      {
        ...admin,
        name: 'deluser',
        arity: -3,
        summary: 'Remove the specified ACL users and the associated rules',
        complexity: 'O(1) amortized time considering the typical user.',
        handler: deluser,
      },
      {
        ...admin,
        name: 'dryrun',
        arity: -4,
        since: '7.0.0',
        summary: 'Returns whether the user can execute the given command without executing the command.',
        complexity: 'O(1).',
        handler: dryrun,
      },
      {
        ...plain,
        name: 'genpass',
        arity: -2,
        summary: 'Generate a pseudorandom secure password to use for ACL users',
        complexity: 'O(1)',
        handler: genpass,
      },
      {
        ...admin,
        name: 'getuser',
        arity: 3,
        summary: 'Get the rules for a specific ACL user',
        complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
        handler: getuser,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        since: '6.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'ACL', HELP),
      },
      {
        ...admin,
        name: 'list',
        arity: 2,
        summary: 'List the current ACL rules in ACL config file format',
        complexity: 'O(N). Where N is the number of configured users.',
        handler: (c) => c.reply.bulkArray([describeDefault(c)]),
      },
      {
        ...admin,
        name: 'load',
        arity: 2,
        summary: 'Reload the ACLs from the configured ACL file',
        complexity: 'O(N). Where N is the number of configured users.',
        handler: () => {
          throw new RedisError(NO_ACL_FILE);
        },
      },
      {
        ...admin,
        name: 'log',
        arity: -2,
        summary: 'List latest events denied because of ACLs in place',
        complexity: 'O(N) with N being the number of entries shown.',
        handler: logCmd,
      },
      {
        ...admin,
        name: 'save',
        arity: 2,
        summary: 'Save the current ACL rules in the configured ACL file',
        complexity: 'O(N). Where N is the number of configured users.',
        handler: () => {
          throw new RedisError(NO_ACL_FILE);
        },
      },
      {
        ...admin,
        name: 'setuser',
        arity: -3,
        summary: 'Modify or create the rules for a specific ACL user',
        complexity: 'O(N). Where N is the number of rules provided.',
        handler: setuser,
      },
      {
        ...admin,
        name: 'users',
        arity: 2,
        summary: 'List the username of all the configured ACL rules',
        complexity: 'O(N). Where N is the number of configured users.',
        handler: (c) => c.reply.bulkArray([DEFAULT_USER]),
      },
      {
        ...plain,
        name: 'whoami',
        arity: 2,
        summary: 'Return the name of the user associated to the current connection',
        complexity: 'O(1)',
        handler: (c) => c.reply.bulk(DEFAULT_USER),
      },
    ],
  },
];
