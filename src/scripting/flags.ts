/**
 * Script flags and what they make of a script command's own flags, as Redis 7.0's
 * evalGetCommandFlags / fcallGetCommandFlags / scriptFlagsToCmdFlags (eval.c, functions.c,
 * script.c). This module has no Lua in it, so the script commands' `callFlags` hooks (which
 * engine/command-flags.ts asks before a command runs) work while the Lua engine still loads on first use.
 *
 * A script runs in one of two modes:
 *   compat mode   an EVAL script with no "#!" line: EVAL*'s own flags apply (not denyoom, not
 *                 write), and each redis.call is checked on its own (see redis-api.ts)
 *   flags mode    an EVAL script with "#!lua [flags=...]" and every function (FCALL): the declared
 *                 flags replace the command's denyoom/write/stale flags:
 *                   denyoom  unless allow-oom or no-writes (no-writes implies allow-oom)
 *                   write    unless no-writes
 * Redis works this out before the command runs (processCommand's getCommandFlags): EVAL from
 * its body's shebang (a shebang that does not parse leaves EVAL's own flags, and EVAL then
 * replies the parse error), EVALSHA from the cached script of that SHA (an unknown SHA, or one
 * not 40 characters long, leaves EVALSHA's own flags), FCALL from the named function (an
 * unknown function leaves FCALL's own flags). Inside MULTI the flags are taken when the command
 * is queued, so EXEC refuses under OOM a transaction that queued a denyoom script.
 */
import type { CommandFlag, CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import type { RedisNode } from '../engine/node.js';

/** Flags a script or function may declare (script.c's scripts_flags_def). */
export const SCRIPT_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/** Parses an EVAL script's "#!lua flags=..." line: its flags (undefined: no shebang, compat mode), or throws Redis's error. */
export function evalShebang(body: string): string[] | undefined {
  if (!body.startsWith('#!')) return undefined;
  const nl = body.indexOf('\n');
  const line = nl < 0 ? body : body.slice(0, nl);
  const parts = line.split(/[ \t\r\n\v\f]+/).filter((p) => p !== '');
  if (parts[0] !== '#!lua') throw new RedisError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  const flags: string[] = [];
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) throw new RedisError(`ERR Unknown lua shebang option: ${p}`);
    for (const f of p.slice(6).split(',')) {
      if (f === '') continue;
      if (!SCRIPT_FLAGS.has(f)) throw new RedisError(`ERR Unexpected flag in script shebang: ${f}`);
      flags.push(f);
    }
  }
  return flags;
}

/** Finds the declared flags of a cached EVAL script (by lower-case SHA) or of a function (by name). */
export type FlagsLookup = (node: RedisNode, name: string) => readonly string[] | undefined;

let cachedScriptFlags: FlagsLookup | undefined;
let functionFlags: FlagsLookup | undefined;

/** Set by the Lua engine module when it loads (before that, no script is cached). */
export function registerScriptFlagsLookup(fn: FlagsLookup): void {
  cachedScriptFlags = fn;
}

/** Set by the functions module when it loads (before that, no function exists). */
export function registerFunctionFlagsLookup(fn: FlagsLookup): void {
  functionFlags = fn;
}

/** The declared flags of the script a command would run; undefined when its own flags apply. */
function declaredFlags(node: RedisNode, name: string, args: string[]): readonly string[] | undefined {
  switch (name) {
    case 'eval':
    case 'eval_ro':
      // Cached or not, a body's flags are its shebang's (a cached body parsed the same way).
      try {
        return evalShebang(args[1] as string);
      } catch {
        return undefined;
      }
    case 'evalsha':
    case 'evalsha_ro': {
      const sha = args[1] as string;
      return sha.length === 40 ? cachedScriptFlags?.(node, sha.toLowerCase()) : undefined;
    }
    case 'fcall':
    case 'fcall_ro':
      return functionFlags?.(node, args[1] as string);
    default:
      return undefined;
  }
}

/**
 * scriptFlagsToCmdFlags: in flags mode the declared flags replace the command's denyoom and write
 * (denyoom unless allow-oom or no-writes, write unless no-writes); the other flags stay.
 */
function toCommandFlags(own: readonly CommandFlag[], declared: readonly string[]): CommandFlag[] {
  const out: CommandFlag[] = own.filter((f) => f !== 'denyoom' && f !== 'write');
  if (!declared.includes('no-writes')) {
    out.push('write');
    if (!declared.includes('allow-oom')) out.push('denyoom');
  }
  return out;
}

/**
 * The `callFlags` hook of EVAL, EVALSHA, FCALL and their _RO forms (engine/command-flags.ts): the
 * command flags a call runs with when its script declares flags, undefined in compat mode.
 */
export function scriptCallFlags(
  node: RedisNode,
  args: string[],
  own: readonly CommandFlag[],
  name: string,
): readonly CommandFlag[] | undefined {
  if (args.length < 2) return undefined;
  const declared = declaredFlags(node, name, args);
  return declared ? toCommandFlags(own, declared) : undefined;
}

/** A script command's spec with its `callFlags` hook: the flags its script declares replace its own. */
export function withScriptFlags(spec: CommandSpec): CommandSpec {
  return { ...spec, callFlags: (node, args) => scriptCallFlags(node, args, spec.flags, spec.name) };
}

/** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript (server.script_disable_deny_script). */
const denyScriptsDisabled = new WeakMap<RedisNode, boolean>();

export function noscriptAllowed(node: RedisNode): boolean {
  return denyScriptsDisabled.get(node) === true;
}

export function setNoscriptAllowed(node: RedisNode, allowed: boolean): void {
  denyScriptsDisabled.set(node, allowed);
}
