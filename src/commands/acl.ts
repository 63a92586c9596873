/**
 * ACL: users, their rules, and the commands that show and change them, as Redis 7.0.15's
 * aclCommand answers them. The users, rules and checks live in src/acl/ (user.ts: rules;
 * permissions.ts: checks; describe.ts: rules written back; log.ts: ACL LOG; file.ts: aclfile;
 * store.ts: a node's users and their clients; enforce.ts: where commands are refused).
 *
 * - SETUSER applies every rule to a copy of the user (or a new one: off, no passwords, no keys,
 *   resetchannels, -@all) and commits only if all are valid; the error names the first bad rule.
 *   Clients of the user subscribed to channels the new rules no longer allow are closed.
 * - DELUSER refuses "default" before deleting anything; deleted users' clients are closed (the
 *   caller after its reply).
 * - GETUSER: flags, passwords (SHA-256 hex), the root selector's commands / keys / channels, then
 *   the other selectors as maps of the same three fields. LIST / USERS: sorted by name.
 * - CAT <category>: every command and subcommand ("config|get") carrying it, in command-table
 *   order (Redis's is its dict's hash order).
 * - DRYRUN user command args...: OK, or the denial as a bulk string ("This user has no
 *   permissions to run the 'x' command" / "... access the 'k' key" / "... the 'c' channel").
 * - LOG [count|RESET]: see src/acl/log.ts; age-seconds is on the node's virtual clock.
 * - LOAD / SAVE: the aclfile (src/acl/file.ts), or Redis's error when none is configured.
 */
import { randomBytes } from 'node:crypto';
import { describeCommandRules, describeUser, flagNames, patternString } from '../acl/describe.js';
import { loadAclFile, saveAclFile } from '../acl/file.js';
import { aclLog, resetAclLog } from '../acl/log.js';
import { ACL_OK, channelAllowed, checkCommand, dryrunMessage } from '../acl/permissions.js';
import { aclState, closeClient, killClientsOf, newUser } from '../acl/store.js';
import { aclTable } from '../acl/table.js';
import { AclRuleError, hasSpaces, mergeSelectorArgs, type Selector, setUserError, type User } from '../acl/user.js';
import { ACL_ORDER } from '../engine/acl.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { arityOk } from '../engine/dispatch.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInteger } from '../protocol/numbers.js';
import { replyHelp } from './config.js';

/** Redis's ACL categories, in ACL CAT's order. */
const CATEGORIES = ACL_ORDER;

const NO_ACL_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

/** Redis's addReplySubcommandSyntaxError for ACL (the subcommand as typed). */
function syntaxError(args: string[]): RedisError {
  return new RedisError(`ERR unknown subcommand or wrong number of arguments for '${(args[1] as string).slice(0, 128)}'. Try ACL HELP.`);
}

function sortedNames(c: Client): string[] {
  return [...aclState(c.node).users.keys()].sort();
}

// ---- ACL LOG --------------------------------------------------------------------------------

function logCmd(c: Client, args: string[]): void {
  if (args.length > 3) throw syntaxError(args);
  let count = 10;
  if (args.length === 3) {
    const a = args[2] as string;
    if (a.toLowerCase() === 'reset') {
      resetAclLog(c.node);
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
    const e = log[i] as (typeof log)[number];
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
    r.double((Math.floor(now) - Math.floor(e.ctime)) / 1000);
    r.bulk('client-info');
    r.bulk(e.clientInfo);
  }
}

// ---- users -----------------------------------------------------------------------------------

/** aclAddReplySelectorDescription: commands, keys, channels. */
function replySelector(c: Client, s: Selector): void {
  const r = c.reply;
  r.bulk('commands');
  r.bulk(describeCommandRules(s));
  r.bulk('keys');
  r.bulk(s.allKeys ? '~*' : s.patterns.map(patternString).join(' '));
  r.bulk('channels');
  r.bulk(s.allChannels ? '&*' : s.channels.map((ch) => `&${ch}`).join(' '));
}

function getuser(c: Client, args: string[]): void {
  const u = aclState(c.node).users.get(args[2] as string);
  if (!u) {
    c.reply.nil();
    return;
  }
  const r = c.reply;
  r.mapLen(6);
  r.bulk('flags');
  const flags = flagNames(u);
  r.setLen(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk('passwords');
  r.bulkArray(u.passwords);
  replySelector(c, u.root);
  r.bulk('selectors');
  r.arrayLen(u.selectors.length - 1);
  for (let i = 1; i < u.selectors.length; i++) {
    r.mapLen(3);
    replySelector(c, u.selectors[i] as Selector);
  }
}

function list(c: Client): void {
  const users = aclState(c.node).users;
  c.reply.bulkArray(sortedNames(c).map((name) => `user ${name} ${describeUser(users.get(name) as User)}`));
}

/**
 * ACLKillPubsubClientsIfNeeded: when the new rules allow fewer channels than the old ones (no
 * selector with allchannels, and an old pattern missing from the new ones), the user's clients
 * with a subscription the new patterns do not allow are closed.
 */
function killPubsubClientsIfNeeded(c: Client, next: User, original: User): void {
  if (next.selectors.some((s) => s.allChannels)) return;
  const upcoming = next.selectors.flatMap((s) => s.channels);
  let match = true;
  for (const s of original.selectors) {
    if (s.allChannels || s.channels.some((ch) => !upcoming.includes(ch))) {
      match = false;
      break;
    }
  }
  if (match) return;
  for (const cl of [...c.node.clients.values()]) {
    if (cl.user !== original || cl.subscriptionCount === 0) continue;
    let kill = false;
    for (const p of cl.patterns) if (!kill && !channelAllowed(upcoming, p, true)) kill = true;
    for (const ch of cl.channels) if (!kill && !channelAllowed(upcoming, ch, false)) kill = true;
    for (const ch of cl.shardChannels) if (!kill && !channelAllowed(upcoming, ch, false)) kill = true;
    if (!kill) continue;
    if (cl === c) cl.closeAfterReply = true;
    else closeClient(c.node, cl);
  }
}

function setuser(c: Client, args: string[]): void {
  const name = args[2] as string;
  if (hasSpaces(name)) throw new RedisError("ERR Usernames can't contain spaces or null characters");
  const state = aclState(c.node);
  const existing = state.users.get(name);
  const merged = mergeSelectorArgs(args.slice(3));
  if (typeof merged === 'number') {
    throw new RedisError(`ERR Unmatched parenthesis in acl selector starting at '${args[3 + merged]}'.`);
  }
  const temp = existing ? existing.copy() : newUser(c.node, name);
  for (const op of merged) {
    try {
      temp.apply(op);
    } catch (e) {
      if (!(e instanceof AclRuleError)) throw e;
      throw new RedisError(`ERR Error in ACL SETUSER modifier '${op}': ${setUserError(e.errno)}`);
    }
  }
  if (existing) {
    killPubsubClientsIfNeeded(c, temp, existing);
    existing.assign(temp);
  } else state.users.set(name, temp);
  c.reply.ok();
}

function deluser(c: Client, args: string[]): void {
  // Redis checks for "default" among all the names before deleting any.
  for (let i = 2; i < args.length; i++) {
    if (args[i] === 'default') throw new RedisError("ERR The 'default' user cannot be removed");
  }
  const state = aclState(c.node);
  let deleted = 0;
  for (let i = 2; i < args.length; i++) {
    const u = state.users.get(args[i] as string);
    if (!u) continue;
    state.users.delete(u.name);
    killClientsOf(c.node, u, c);
    deleted++;
  }
  c.reply.int(deleted);
}

// ---- CAT, GENPASS, DRYRUN -------------------------------------------------------------------

function cat(c: Client, args: string[]): void {
  if (args.length > 3) throw syntaxError(args);
  if (args.length === 2) {
    c.reply.bulkArray(CATEGORIES);
    return;
  }
  const name = (args[2] as string).toLowerCase();
  if (!CATEGORIES.includes(name)) throw new RedisError(`ERR Unknown category '${(args[2] as string).slice(0, 128)}'`);
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

/** DRYRUN user command [arg ...]. */
function dryrun(c: Client, args: string[]): void {
  const user = aclState(c.node).users.get(args[2] as string);
  if (!user) throw new RedisError(`ERR User '${args[2]}' not found`);
  const cmdArgs = args.slice(3);
  const name = cmdArgs[0] as string;
  const base = c.node.lookupCommand(name);
  if (!base) throw new RedisError(`ERR Command '${name}' not found`);
  let spec = base;
  // As lookupCommand: a container with a subcommand argument resolves to the subcommand.
  if (base.subcommands && cmdArgs.length >= 2) {
    const sub = base.subcommands.find((s) => s.name === (cmdArgs[1] as string).toLowerCase());
    if (!sub) throw new RedisError(`ERR Command '${name}' not found`);
    spec = sub;
  }
  const cmd = aclTable(c.node).bySpec.get(spec);
  const fullname = cmd?.fullname ?? spec.name;
  if (!arityOk(spec, cmdArgs.length)) throw new RedisError(`ERR wrong number of arguments for '${fullname}' command`);
  if (cmd) {
    const v = checkCommand(user, cmd, cmdArgs);
    if (v.result !== ACL_OK) {
      c.reply.bulk(dryrunMessage(v.result, fullname, cmdArgs[v.pos] as string));
      return;
    }
  }
  c.reply.ok();
}

function aclFile(c: Client, args: string[]): string {
  const file = c.node.config.get('aclfile');
  if (file === '') throw new RedisError(NO_ACL_FILE);
  if (args.length !== 2) throw syntaxError(args);
  return file;
}

function load(c: Client, args: string[]): void {
  const err = loadAclFile(c.node, aclFile(c, args), c);
  if (err !== undefined) throw new RedisError(`ERR ${err}`);
  c.reply.ok();
}

function save(c: Client, args: string[]): void {
  if (!saveAclFile(c.node, aclFile(c, args))) {
    throw new RedisError('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
  }
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
        handler: list,
      },
      {
        ...admin,
        name: 'load',
        arity: 2,
        summary: 'Reload the ACLs from the configured ACL file',
        complexity: 'O(N). Where N is the number of configured users.',
        handler: load,
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
        handler: save,
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
        handler: (c) => c.reply.bulkArray(sortedNames(c)),
      },
      {
        ...plain,
        name: 'whoami',
        arity: 2,
        summary: 'Return the name of the user associated to the current connection',
        complexity: 'O(1)',
        handler: (c) => c.reply.bulk(c.user.name),
      },
    ],
  },
];
