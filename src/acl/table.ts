/**
 * The command table as ACL sees it (Redis's server.orig_commands): every command and subcommand
 * gets a numeric id for the selectors' command bitmaps, and its categories as a bit mask in the
 * order of ACLCommandCategories (ACL_ORDER). ACL rules name commands by their original names
 * (a renamed control command keeps "sim" here, as Redis's ACLLookupCommand ignores renames).
 */

import { ACL_ORDER } from '../engine/acl.js';
import type { CommandSpec } from '../engine/command.js';
import type { RedisNode } from '../engine/node.js';

export interface AclCommand {
  id: number;
  spec: CommandSpec;
  /** "get", "config|get". */
  fullname: string;
  /** Bit i set: the command is in category ACL_ORDER[i]. */
  cats: number;
  noAuth: boolean;
  parent?: AclCommand;
  subs?: AclCommand[];
}

export interface AclTable {
  /** Top-level commands in table order (Redis walks its dict; redis-sim its table). */
  top: AclCommand[];
  /** Every command and subcommand, indexed by id. */
  all: AclCommand[];
  byName: Map<string, AclCommand>;
  bySpec: Map<CommandSpec, AclCommand>;
}

/** Category name (lowercase) → bit; unknown names give 0. */
export function categoryBit(name: string): number {
  const i = ACL_ORDER.indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

function catsOf(spec: CommandSpec): number {
  let m = 0;
  for (const a of spec.acl ?? []) m |= categoryBit(a);
  return m;
}

const tables = new WeakMap<RedisNode, AclTable>();

export function aclTable(node: RedisNode): AclTable {
  let t = tables.get(node);
  if (t) return t;
  const all: AclCommand[] = [];
  const top: AclCommand[] = [];
  const byName = new Map<string, AclCommand>();
  const bySpec = new Map<CommandSpec, AclCommand>();
  const add = (spec: CommandSpec, fullname: string, parent?: AclCommand): AclCommand => {
    const e: AclCommand = { id: all.length, spec, fullname, cats: catsOf(spec), noAuth: spec.flags.includes('no_auth'), parent };
    all.push(e);
    byName.set(fullname, e);
    bySpec.set(spec, e);
    return e;
  };
  for (const spec of node.commandTable()) {
    const e = add(spec, spec.name);
    top.push(e);
    if (spec.subcommands) e.subs = spec.subcommands.map((s) => add(s, `${spec.name}|${s.name}`, e));
  }
  t = { top, all, byName, bySpec };
  tables.set(node, t);
  return t;
}

/** ACLLookupCommand: "get" or "config|get" (case-insensitive); anything deeper is unknown. */
export function aclLookup(t: AclTable, name: string): AclCommand | undefined {
  return t.byName.get(name.toLowerCase());
}
