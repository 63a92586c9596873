/**
 * The command table's shape. A command is data plus a handler: COMMAND, COMMAND INFO/DOCS/
 * GETKEYS, WATCH bookkeeping and key extraction all read these specs.
 */
import type { Client } from './client.js';
import type { RedisNode } from './node.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  | 'asking'
  | 'sentinel';

export type Handler = (c: Client, args: string[]) => void;

export interface CommandSpec {
  /** Lowercase name; for a subcommand, just the subcommand ("kill" under "client"). */
  name: string;
  /** Redis's arity: exact count including the name, or negative for "at least -arity". */
  arity: number;
  flags: readonly CommandFlag[];
  /** Legacy key positions (1-based into args; last may be negative: from the end). 0 = no keys. */
  firstKey?: number;
  lastKey?: number;
  keyStep?: number;
  /** Key positions for commands whose keys move (numkeys, STREAMS ...). */
  getKeys?: (args: string[]) => number[];
  /** ACL categories without the '@' (e.g. "string", "fast"). */
  acl?: readonly string[];
  group: string;
  since: string;
  summary?: string;
  complexity?: string;
  /** Command tips as in COMMAND INFO/DOCS (e.g. "nondeterministic_output"). */
  tips?: readonly string[];
  handler?: Handler;
  subcommands?: readonly CommandSpec[];
  /**
   * The flags this call runs with when they are not the spec's own (Redis's getCommandFlags): a
   * script command takes denyoom and write from the script's declared flags
   * (scripting/flags.ts). Undefined, or returning undefined: `flags` apply.
   */
  callFlags?: (node: RedisNode, args: string[]) => readonly CommandFlag[] | undefined;
}

/** A resolved command: the spec to run and its full name ("get", "client|kill"). */
export interface ResolvedCommand {
  spec: CommandSpec;
  fullname: string;
  parent?: CommandSpec;
}

/** Positions in `args` of the keys a command touches, from getKeys or first/last/step. */
export function keyPositions(spec: CommandSpec, args: string[]): number[] {
  if (spec.getKeys) return spec.getKeys(args);
  const first = spec.firstKey ?? 0;
  if (first <= 0) return [];
  let last = spec.lastKey ?? first;
  if (last < 0) last = args.length + last;
  const step = spec.keyStep ?? 1;
  const out: number[] = [];
  for (let i = first; i <= last && i < args.length; i += step) out.push(i);
  return out;
}
