/**
 * COMMAND, COMMAND COUNT | INFO | DOCS | LIST | GETKEYS | GETKEYSANDFLAGS | HELP, derived from the
 * command table (node.commandTable()): only the commands redis-sim implements are listed.
 *
 * What the table does not hold per command (key specs, argument docs, history) comes from
 * src/engine/command-meta.ts, generated from a real redis-server 7.0.15 by
 * scripts/gen-command-meta.mjs; a command absent from it (the control command) gets a key spec
 * derived from its legacy first/last/step positions and docs from its spec's fields.
 *
 * Redis lists commands and subcommands in its dict's order, which has no meaning; redis-sim uses
 * table order. Flags and ACL categories are written in Redis's fixed order whatever the spec's.
 */

import { ACL_ORDER } from '../engine/acl.js';
import type { Client } from '../engine/client.js';
import { type CommandSpec, keyPositions } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { field, keySpecsOf, keysBySpecs, metaOf, type Resolved, statusList, type Tree } from '../engine/key-specs.js';
import { replyHelp } from './config.js';

/** Writes a stored tree with the client's protocol (maps and sets become arrays in RESP2). */
function writeTree(c: Client, v: Tree): void {
  if (typeof v === 'string') c.reply.bulk(v);
  else if (typeof v === 'number') c.reply.int(v);
  else if (Array.isArray(v)) {
    c.reply.arrayLen(v.length);
    for (const x of v) writeTree(c, x);
  } else if ('m' in v) {
    c.reply.mapLen(v.m.length);
    for (const [k, x] of v.m) {
      writeTree(c, k);
      writeTree(c, x);
    }
  } else if ('s' in v) {
    c.reply.setLen(v.s.length);
    for (const x of v.s) writeTree(c, x);
  } else c.reply.simple(v.t);
}

const FLAG_ORDER = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];
function ordered(items: readonly string[], order: readonly string[]): string[] {
  return order.filter((x) => items.includes(x));
}

/** The spec for "name" or "container|sub" (case-insensitive), as lookupCommandBySds. */
function byFullname(c: Client, name: string): Resolved | undefined {
  const [top, sub, extra] = name.toLowerCase().split('|');
  if (extra !== undefined || top === undefined) return undefined;
  const spec = c.node.lookupCommand(top);
  if (!spec) return undefined;
  if (sub === undefined) return { spec, fullname: spec.name };
  const s = spec.subcommands?.find((x) => x.name === sub);
  return s ? { spec: s, fullname: `${spec.name}|${s.name}` } : undefined;
}

/** One COMMAND INFO entry (addReplyCommandInfo). */
function writeInfo(c: Client, r: Resolved): void {
  const { spec, fullname } = r;
  const rep = c.reply;
  rep.arrayLen(10);
  rep.bulk(fullname);
  rep.int(spec.arity);
  const flags = ordered(spec.flags, FLAG_ORDER);
  rep.setLen(flags.length);
  for (const f of flags) rep.simple(f);
  rep.int(spec.firstKey ?? 0);
  rep.int(spec.firstKey ? (spec.lastKey ?? spec.firstKey) : 0);
  rep.int(spec.firstKey ? (spec.keyStep ?? 1) : 0);
  const acl = ordered(spec.acl ?? [], ACL_ORDER);
  rep.setLen(acl.length);
  for (const a of acl) rep.simple(`@${a}`);
  const tips = spec.tips ?? [];
  rep.setLen(tips.length);
  for (const t of tips) rep.bulk(t);
  writeTree(c, keySpecsOf(r));
  const subs = spec.subcommands ?? [];
  if (subs.length === 0) rep.setLen(0);
  else {
    rep.arrayLen(subs.length);
    for (const s of subs) writeInfo(c, { spec: s, fullname: `${spec.name}|${s.name}` });
  }
}

/** One COMMAND DOCS entry (addReplyCommandDocs). */
function writeDocs(c: Client, r: Resolved): void {
  const { spec, fullname } = r;
  let fields: [Tree, Tree][] = metaOf(fullname)?.docs?.m ?? [];
  if (fields.length === 0) {
    if (spec.summary) fields.push(['summary', spec.summary]);
    fields.push(['since', spec.since], ['group', spec.group]);
    if (spec.complexity) fields.push(['complexity', spec.complexity]);
  }
  const subs = spec.subcommands ?? [];
  if (subs.length > 0) fields = [...fields, ['subcommands', '']];
  c.reply.mapLen(fields.length);
  for (const [k, v] of fields) {
    writeTree(c, k);
    if (k === 'subcommands') {
      c.reply.mapLen(subs.length);
      for (const s of subs) {
        const name = `${spec.name}|${s.name}`;
        c.reply.bulk(name);
        writeDocs(c, { spec: s, fullname: name });
      }
    } else writeTree(c, v);
  }
}

function topLevel(c: Client): Resolved[] {
  return c.node.commandTable().map((spec) => ({ spec, fullname: spec.name }));
}

function command(c: Client): void {
  const all = topLevel(c);
  c.reply.arrayLen(all.length);
  for (const r of all) writeInfo(c, r);
}

function count(c: Client): void {
  c.reply.int(c.node.commandTable().length);
}

function info(c: Client, args: string[]): void {
  if (args.length === 2) return command(c);
  c.reply.arrayLen(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const r = byFullname(c, args[i] as string);
    if (r) writeInfo(c, r);
    else c.reply.nil();
  }
}

function docs(c: Client, args: string[]): void {
  const found = args.length === 2 ? topLevel(c) : [];
  for (let i = 2; i < args.length; i++) {
    const r = byFullname(c, args[i] as string);
    if (r) found.push(r);
  }
  c.reply.mapLen(found.length);
  for (const r of found) {
    c.reply.bulk(r.fullname);
    writeDocs(c, r);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern]: full names, subcommands included. */
function list(c: Client, args: string[]): void {
  let filter: ((r: Resolved) => boolean) | undefined;
  for (let i = 2; i < args.length; i++) {
    const more = args.length - 1 - i;
    if ((args[i] as string).toLowerCase() !== 'filterby' || more !== 2) throw new RedisError(SYNTAX);
    const type = (args[i + 1] as string).toLowerCase();
    const arg = args[i + 2] as string;
    if (type === 'module') filter = () => false;
    else if (type === 'aclcat') {
      const cat = arg.toLowerCase();
      filter = (r) => ACL_ORDER.includes(cat) && (r.spec.acl ?? []).includes(cat);
    } else if (type === 'pattern') filter = (r) => globMatch(arg, r.fullname, true);
    else throw new RedisError(SYNTAX);
    i += 2;
  }
  const names: string[] = [];
  for (const top of topLevel(c)) {
    if (!filter || filter(top)) names.push(top.fullname);
    for (const s of top.spec.subcommands ?? []) {
      const r = { spec: s, fullname: `${top.spec.name}|${s.name}` };
      if (!filter || filter(r)) names.push(r.fullname);
    }
  }
  c.reply.bulkArray(names);
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS <full command>. */
function getkeys(c: Client, args: string[], withFlags: boolean): void {
  const argv = args.slice(2);
  const top = c.node.lookupCommand(argv[0] as string);
  let r: Resolved | undefined;
  if (top) {
    if (top.subcommands && argv.length >= 2) {
      const s = top.subcommands.find((x) => x.name === (argv[1] as string).toLowerCase());
      if (s) r = { spec: s, fullname: `${top.name}|${s.name}` };
    } else r = { spec: top, fullname: top.name };
  }
  if (!r) throw new RedisError('ERR Invalid command specified');
  const specs = keySpecsOf(r).s;
  if (specs.length === 0 && !r.spec.getKeys && !(r.spec.firstKey && r.spec.firstKey > 0)) {
    throw new RedisError('ERR The command has no key arguments');
  }
  const arity = r.spec.arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity) {
    throw new RedisError('ERR Invalid number of arguments specified for command');
  }
  let keys = keysBySpecs(specs, argv);
  if (keys === undefined) {
    const flags = statusList(field(specs[0], 'flags')).filter((f) => f !== 'variable_flags' && f !== 'incomplete');
    keys = keyPositions(r.spec, argv).map((pos) => ({ pos, flags }));
  }
  if (keys === null || keys.length === 0) {
    if (keys === null && !r.spec.flags.includes('no_mandatory_keys')) throw new RedisError('ERR Invalid arguments specified for command');
    keys = [];
  }
  c.reply.arrayLen(keys.length);
  for (const k of keys) {
    if (!withFlags) c.reply.bulk(argv[k.pos] as string);
    else {
      c.reply.arrayLen(2);
      c.reply.bulk(argv[k.pos] as string);
      c.reply.setLen(k.flags.length);
      for (const f of k.flags) c.reply.simple(f);
    }
  }
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const base = { group: 'server', flags: ['loading', 'stale'], acl: ['slow', 'connection'], since: '2.8.13' } as const;
const order = ['nondeterministic_output_order'] as const;

export const commandInfoCommands: CommandSpec[] = [
  {
    ...base,
    name: 'command',
    arity: -1,
    summary: 'Get array of Redis command details',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: order,
    handler: command,
    subcommands: [
      {
        ...base,
        name: 'info',
        arity: -2,
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: order,
        handler: info,
      },
      {
        ...base,
        name: 'getkeys',
        arity: -4,
        summary: 'Extract keys given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (c, a) => getkeys(c, a, false),
      },
      {
        ...base,
        name: 'help',
        arity: 2,
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'COMMAND', HELP),
      },
      { ...base, name: 'count', arity: 2, summary: 'Get total number of Redis commands', complexity: 'O(1)', handler: count },
      {
        ...base,
        name: 'docs',
        arity: -2,
        since: '7.0.0',
        summary: 'Get array of specific Redis command documentation',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: order,
        handler: docs,
      },
      {
        ...base,
        name: 'getkeysandflags',
        arity: -4,
        since: '7.0.0',
        summary: 'Extract keys and access flags given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (c, a) => getkeys(c, a, true),
      },
      {
        ...base,
        name: 'list',
        arity: -2,
        since: '7.0.0',
        summary: 'Get an array of Redis command names',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: order,
        handler: list,
      },
    ],
  },
];
