/**
 * Where ACL rules stop commands, each as Redis 7.0.15 words it. Callers test
 * `c.user.restricted` first, so a user allowed everything (the default user) pays one boolean.
 *
 * - A command read from a client (dispatch, after the NOAUTH and "not allowed inside a
 *   transaction" checks, before OOM and the RESP2 pub/sub context): NOPERM "this user has no
 *   permissions to run the 'x' command" / "... access one of the keys used as arguments" /
 *   "... access one of the channels used as arguments"; inside MULTI the transaction is doomed
 *   (EXECABORT) and the log context is "multi".
 * - Each queued command again when EXEC runs it (the rules may have changed since): "NOPERM ACLs
 *   rules changed between the moment the transaction was accumulated and the EXEC call. ..."
 *   in place of its reply; the other commands run.
 * - A command a script calls, with the script caller's user: "The user executing the script
 *   can't run this command or subcommand" (and the key/channel forms), log context "lua".
 */
import type { Client } from '../engine/client.js';
import type { ResolvedCommand } from '../engine/command.js';
import { resolveCommand } from '../engine/dispatch.js';
import { addLogEntry } from './log.js';
import { ACL_OK, aclErrorMessage, checkCommand, DENIED_CMD, execDeniedReason, nopermMessage } from './permissions.js';
import { userOf } from './store.js';
import { aclTable } from './table.js';
import type { User } from './user.js';

function verdict(c: Client, user: User, r: ResolvedCommand, args: string[]) {
  const cmd = aclTable(c.node).bySpec.get(r.spec);
  if (!cmd) return undefined;
  const v = checkCommand(user, cmd, args);
  if (v.result === ACL_OK) return undefined;
  const object = v.result === DENIED_CMD ? cmd.fullname : (args[v.pos] as string);
  return { ...v, object, fullname: cmd.fullname };
}

/** processCommand's check: the NOPERM error to reject with, or undefined. */
export function aclDenyCommand(c: Client, r: ResolvedCommand, args: string[]): string | undefined {
  const v = verdict(c, userOf(c), r, args);
  if (!v) return undefined;
  addLogEntry(c, v.result, c.multi ? 'multi' : 'toplevel', v.object);
  return nopermMessage(v.result, v.fullname);
}

/** execCommand's re-check of a queued command: true when it was refused (the error replied). */
export function aclRefuseQueued(c: Client, args: string[]): boolean {
  const r = resolveCommand(c.node, args);
  if (typeof r === 'string') return false;
  const v = verdict(c, userOf(c), r, args);
  if (!v) return false;
  addLogEntry(c, v.result, 'multi', v.object);
  c.reply.error(
    `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${execDeniedReason(v.result)}`,
  );
  return true;
}

/** scriptVerifyACL: the error (without "ERR ") for a command a script calls, or undefined. */
export function aclDenyScriptCall(caller: Client, r: ResolvedCommand, args: string[]): string | undefined {
  const v = verdict(caller, userOf(caller), r, args);
  if (!v) return undefined;
  addLogEntry(caller, v.result, 'lua', v.object);
  return `The user executing the script ${aclErrorMessage(v.result)}`;
}
