/**
 * The flags a command call runs with, as Redis 7.0's getCommandFlags works them out before the
 * command runs (processCommand): a spec's own flags, except where the call declares its own
 * (`CommandSpec.callFlags`: EVAL, EVALSHA and FCALL take denyoom and write from the script's
 * `#!lua flags=...` line or the function's flags). Dispatch asks it when queueing inside MULTI,
 * eviction before admitting a command under maxmemory, replication before a write on a replica.
 */
import type { CommandFlag, ResolvedCommand } from './command.js';
import type { RedisNode } from './node.js';

/** The flags of this call: the spec's, or what its callFlags hook declares (a subcommand never does). */
export function callFlags(node: RedisNode, r: ResolvedCommand, args: string[]): readonly CommandFlag[] {
  const declared = r.parent ? undefined : r.spec.callFlags?.(node, args);
  return declared ?? r.spec.flags;
}

/** True when Redis would treat this call as denyoom (getCommandFlags(c) & CMD_DENYOOM). */
export function commandIsDenyoom(node: RedisNode, r: ResolvedCommand, args: string[]): boolean {
  return callFlags(node, r, args).includes('denyoom');
}

/** True when Redis would treat this call as a write (getCommandFlags(c) & CMD_WRITE). */
export function commandIsWrite(node: RedisNode, r: ResolvedCommand, args: string[]): boolean {
  return callFlags(node, r, args).includes('write');
}
