/**
 * The ACL file (aclfile): ACL LOAD, ACL SAVE and the load at start, as Redis 7.0.15's
 * ACLLoadFromFile / ACLSaveToFile.
 *
 * Loading reads "user <name> <rules...>" lines (blank lines skipped; words split on single
 * spaces) into a fresh set of users; any error leaves the current users untouched and is
 * reported with the file name and line. On success the default user takes the file's rules (or
 * Redis's defaults when the file has no default user) and every other previous user is dropped,
 * its clients closed, even when the file defines a user of the same name.
 * Saving writes every user, sorted by name, in ACL LIST's format, through a temporary file
 * renamed over the old one.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Client } from '../engine/client.js';
import type { RedisNode } from '../engine/node.js';
import { describeUser } from './describe.js';
import { aclState, createDefaultUser, killClientsOf, newUser } from './store.js';
import type { AclTable } from './table.js';
import { AclRuleError, hasSpaces, mergeSelectorArgs, setUserError, User } from './user.js';

/** strerror texts for the errors opening a file can give. */
function strerror(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return e.message;
  }
}

/** ACLLoadFromFile: undefined on success, else the error text (without "ERR "). */
export function loadAclFile(node: RedisNode, filename: string, caller?: Client): string | undefined {
  let text: string;
  try {
    text = readFileSync(filename, 'latin1');
  } catch (e) {
    return `Error loading ACLs, opening file '${filename}': ${strerror(e as NodeJS.ErrnoException)}`;
  }
  const users = new Map<string, User>();
  let errors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const linenum = i + 1;
    const line = (lines[i] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${filename}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    const name = argv[1] as string;
    if (hasSpaces(name)) {
      errors += `'${filename}:${linenum}: username '${name}' contains invalid characters. `;
      continue;
    }
    if (users.has(name)) {
      errors += `WARNING: Duplicate user '${name}' found on line ${linenum}. `;
      continue;
    }
    const u = newUser(node, name);
    users.set(name, u);
    const merged = mergeSelectorArgs(argv.slice(2));
    let ops: string[] = [];
    if (typeof merged === 'number') errors += `${filename}:${linenum}: Unmatched parenthesis in selector definition.`;
    else ops = merged;
    let syntaxError = false;
    for (const raw of ops) {
      const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, '');
      try {
        u.apply(op);
      } catch (e) {
        if (!(e instanceof AclRuleError)) throw e;
        const msg = setUserError(e.errno);
        if (e.errno === 'ENOENT') errors += `${filename}:${linenum}: Error in applying operation '${op}': ${msg}. `;
        else if (!syntaxError) {
          errors += `${filename}:${linenum}: ${msg}. `;
          syntaxError = true;
        }
      }
    }
  }
  if (errors !== '') return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
  const state = aclState(node);
  const newDefault = users.get('default') ?? createDefaultUser(node);
  const old = [...state.users.values()].filter((u) => u !== state.defaultUser);
  state.defaultUser.assign(newDefault);
  users.set('default', state.defaultUser);
  state.users = new Map([...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const u of old) killClientsOf(node, u, caller);
  return undefined;
}

/** An ACL problem that stops the start; `message` is Redis's log line, `then` the one after it. */
export class AclStartupError extends Error {
  constructor(
    message: string,
    readonly then?: string,
  ) {
    super(message);
  }
}

/**
 * ACLAppendUserForLoading's check of a `user <name> <rules...>` line of redis.conf, when the file
 * is read: the rules are tried on a scratch user, where an unknown command or category is no
 * error yet (ACLLoadConfiguredUsers finds it at start). Returns the config error text, or
 * undefined. As Redis 7.0.15 words it, the quoted word is the line's word at the failing rule's
 * index among the rules (so it is two words to the left of the rule: a Redis quirk), the user's
 * name for a duplicate user or an unmatched parenthesis.
 */
export function checkUserDirective(args: readonly string[], seen: ReadonlySet<string>): string | undefined {
  const words = ['user', ...args];
  const fail = (index: number, message: string) => `Error in user declaration '${words[index]}': ${message}`;
  const name = args[0] as string;
  if (seen.has(name)) return fail(1, setUserError('EALREADY'));
  const merged = mergeSelectorArgs(args.slice(1));
  // ACLMergeSelectorArguments leaves errno as it was: in practice "Unknown command or category".
  if (typeof merged === 'number') return fail(1, setUserError('ENOENT'));
  const empty: AclTable = { top: [], all: [], byName: new Map(), bySpec: new Map() };
  const scratch = new User(name, empty, () => false);
  for (let j = 0; j < merged.length; j++) {
    try {
      scratch.apply(merged[j] as string);
    } catch (e) {
      if (!(e instanceof AclRuleError)) throw e;
      if (e.errno !== 'ENOENT') return fail(j, setUserError(e.errno));
    }
  }
  return undefined;
}

/**
 * ACLLoadUsersAtStartup: the users of redis.conf's `user` lines (each [name, ...rules]), then the
 * aclfile. Both at once, a failing rule or an aclfile that fails to load stop the start with
 * Redis's log message (the Error's message).
 */
export function loadAclAtStartup(node: RedisNode, users: readonly (readonly string[])[] = []): void {
  const file = node.config.get('aclfile');
  if (file !== '' && users.length > 0) {
    throw new AclStartupError(
      'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
    );
  }
  loadConfiguredUsers(node, users);
  if (file === '') return;
  const err = loadAclFile(node, file);
  if (err !== undefined) throw new AclStartupError(`Aborting Redis startup because of ACL errors: ${err}`);
}

/**
 * ACLLoadConfiguredUsers: each user is created (the default user is reset first: "reset" gives it
 * sanitize-payload), then its rules are applied in order; a failing rule stops the start.
 */
function loadConfiguredUsers(node: RedisNode, users: readonly (readonly string[])[]): void {
  if (users.length === 0) return;
  const state = aclState(node);
  for (const [name, ...rules] of users) {
    if (name === undefined || hasSpaces(name)) {
      throw new AclStartupError('Spaces not allowed in ACL usernames', 'Critical error while loading ACLs. Exiting.');
    }
    let u = state.users.get(name);
    if (u) u.apply('reset');
    else {
      u = newUser(node, name);
      state.users.set(name, u);
    }
    const merged = mergeSelectorArgs(rules);
    const ops = typeof merged === 'number' ? rules : merged;
    for (const op of ops) {
      try {
        u.apply(op);
      } catch (e) {
        if (!(e instanceof AclRuleError)) throw e;
        throw new AclStartupError(
          `Error loading ACL rule '${op}' for the user named '${name}': ${setUserError(e.errno)}`,
          'Critical error while loading ACLs. Exiting.',
        );
      }
    }
    if (u.flags.disabled) {
      node.log(
        'notice',
        `The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`,
      );
    }
  }
  state.users = new Map([...state.users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** ACLSaveToFile: false when writing failed. */
export function saveAclFile(node: RedisNode, filename: string): boolean {
  const state = aclState(node);
  let out = '';
  for (const name of [...state.users.keys()].sort()) out += `user ${name} ${describeUser(state.users.get(name) as User)}\n`;
  const tmp = `${filename}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, out, 'latin1');
    renameSync(tmp, filename);
    return true;
  } catch (e) {
    node.log('warning', `Writing ACL file for ACL SAVE: ${(e as Error).message}`);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    return false;
  }
}
