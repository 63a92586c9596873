/**
 * Whether a user may run a command, as Redis 7.0.15's ACLCheckAllUserCommandPerm decides it.
 *
 * Each selector is tried in order; the first that allows the command wins. A selector allows it
 * when:
 * - the command's bit is set (ALLCOMMANDS skips the test; commands flagged no_auth, AUTH HELLO
 *   QUIT RESET, always pass), or its first argument is one allowed with +cmd|arg;
 * - every key the command's key specs name matches one of its patterns that has the permission
 *   the spec needs: read for "access", write for "insert"/"update"/"delete" (a spec with none of
 *   these, as EXISTS's, needs no permission: any pattern that matches will do);
 * - every channel PUBLISH / SPUBLISH / SUBSCRIBE / SSUBSCRIBE name matches one of its channel
 *   patterns, and every PSUBSCRIBE pattern equals one of them literally. UNSUBSCRIBE is never
 *   checked.
 * When none allows it, the error reported is the "most relevant": a command denial if no selector
 * got past the command, otherwise the key/channel denial with the highest argument position.
 */

import { globMatch } from '../engine/glob.js';
import { keyRefsWithFlags } from '../engine/key-specs.js';
import type { AclCommand } from './table.js';
import { READ, type Selector, type User, WRITE } from './user.js';

export const ACL_OK = 0;
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;

export interface AclVerdict {
  result: number;
  /** Index in args of the key or channel denied. */
  pos: number;
}

type KeyRefs = { pos: number; flags: string[] }[];

function keyFlags(flags: string[]): number {
  let f = 0;
  for (const x of flags) {
    if (x === 'access') f |= READ;
    else if (x === 'insert' || x === 'delete' || x === 'update') f |= WRITE;
  }
  return f;
}

function checkKey(s: Selector, key: string, need: number): boolean {
  if (s.allKeys) return true;
  for (const p of s.patterns) {
    if ((p.flags & need) !== need) continue;
    if (globMatch(p.pattern, key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: a pattern argument (PSUBSCRIBE) must equal an ACL pattern. */
export function channelAllowed(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

/** The channel arguments ACL checks: positions and whether they are patterns. */
function channelArgs(fullname: string, argc: number): { from: number; to: number; pattern: boolean } | undefined {
  switch (fullname) {
    case 'publish':
    case 'spublish':
      return { from: 1, to: 1, pattern: false };
    case 'subscribe':
    case 'ssubscribe':
      return { from: 1, to: argc - 1, pattern: false };
    case 'psubscribe':
      return { from: 1, to: argc - 1, pattern: true };
    default:
      return undefined;
  }
}

function checkSelector(s: Selector, cmd: AclCommand, args: string[], keys: () => KeyRefs): { result: number; pos: number } {
  if (!s.allCommands && !cmd.noAuth && s.bits[cmd.id] !== 1) {
    const allowed = args.length >= 2 ? s.firstArgs?.get(cmd.id) : undefined;
    if (!allowed) return { result: DENIED_CMD, pos: 0 };
    const arg = (args[cmd.parent ? 2 : 1] ?? '').toLowerCase();
    if (!allowed.some((a) => a.toLowerCase() === arg)) return { result: DENIED_CMD, pos: 0 };
  }
  if (!s.allKeys) {
    for (const k of keys()) {
      if (!checkKey(s, args[k.pos] as string, keyFlags(k.flags))) return { result: DENIED_KEY, pos: k.pos };
    }
  }
  if (!s.allChannels) {
    const ch = channelArgs(cmd.fullname, args.length);
    if (ch) {
      for (let i = ch.from; i <= ch.to; i++) {
        if (!channelAllowed(s.channels, args[i] as string, ch.pattern)) return { result: DENIED_CHANNEL, pos: i };
      }
    }
  }
  return { result: ACL_OK, pos: 0 };
}

/** ACLCheckAllUserCommandPerm. */
export function checkCommand(u: User, cmd: AclCommand, args: string[]): AclVerdict {
  let cached: KeyRefs | undefined;
  const keys = () => {
    cached ??= keyRefsWithFlags(cmd.spec, cmd.fullname, args);
    return cached;
  };
  let relevant = DENIED_CMD;
  let lastPos = 0;
  for (const s of u.selectors) {
    const v = checkSelector(s, cmd, args, keys);
    if (v.result === ACL_OK) return v;
    if (v.result > relevant || (v.result === relevant && v.pos > lastPos)) {
      relevant = v.result;
      lastPos = v.pos;
    }
  }
  return { result: relevant, pos: lastPos };
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess with CMD_KEY_ACCESS (SORT's BY and GET patterns): some
 * selector allows the command as called and can read every key (allkeys, or a pattern "*" with
 * read permission).
 */
export function unrestrictedKeyAccess(u: User, cmd: AclCommand, args: string[]): boolean {
  let cached: KeyRefs | undefined;
  const keys = () => {
    cached ??= keyRefsWithFlags(cmd.spec, cmd.fullname, args);
    return cached;
  };
  for (const s of u.selectors) {
    if (checkSelector(s, cmd, args, keys).result !== ACL_OK) continue;
    if (s.allKeys || s.patterns.some((p) => (p.flags & READ) === READ && p.pattern === '*')) return true;
  }
  return false;
}

/** processCommand's NOPERM texts (Redis 7.0). */
export function nopermMessage(result: number, fullname: string): string {
  switch (result) {
    case DENIED_CMD:
      return `NOPERM this user has no permissions to run the '${fullname}' command`;
    case DENIED_KEY:
      return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    case DENIED_CHANNEL:
      return 'NOPERM this user has no permissions to access one of the channels used as arguments';
    default:
      return 'no permission';
  }
}

/** getAclErrorMessage (scripts: "The user executing the script <this>"). */
export function aclErrorMessage(result: number): string {
  switch (result) {
    case DENIED_CMD:
      return "can't run this command or subcommand";
    case DENIED_KEY:
      return "can't access at least one of the keys mentioned in the command arguments";
    case DENIED_CHANNEL:
      return "can't publish to the channel mentioned in the command";
    default:
      return 'lacking the permissions for the command';
  }
}

/** execCommand's re-check: the reason after "This command is no longer allowed for the following reason: ". */
export function execDeniedReason(result: number): string {
  switch (result) {
    case DENIED_CMD:
      return 'no permission to execute the command or subcommand';
    case DENIED_KEY:
      return 'no permission to touch the specified keys';
    case DENIED_CHANNEL:
      return 'no permission to access one of the channels used as arguments';
    default:
      return 'no permission';
  }
}

/** ACL DRYRUN's texts. */
export function dryrunMessage(result: number, fullname: string, arg: string): string {
  if (result === DENIED_CMD) return `This user has no permissions to run the '${fullname}' command`;
  if (result === DENIED_KEY) return `This user has no permissions to access the '${arg}' key`;
  return `This user has no permissions to access the '${arg}' channel`;
}
