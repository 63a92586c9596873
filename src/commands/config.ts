/**
 * CONFIG GET | SET | RESETSTAT | REWRITE | HELP, as Redis 7.0's config.c.
 *
 * - GET takes one or more names or glob patterns (matched case-insensitively against every name
 *   and alias; hidden parameters only by exact name). An exact name is reported as it was given
 *   ("CONFIG GET MAXMEMORY" → "MAXMEMORY"). The reply is a map in Redis's dict order, which has
 *   no meaning: here it is table order.
 * - SET takes name/value pairs and is all or nothing: names are checked first (unknown, immutable,
 *   protected, duplicate: the first problem wins), then every value is validated and stored; if one
 *   fails, the ones already stored are restored.
 * - REWRITE: redis-sim never runs with a config file, so it fails as Redis does without one.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { ConfigError, type ConfigParam } from '../engine/config-table.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';

/** Redis's addReplyHelp: a header line, the command's lines, then HELP; all status replies. */
export function replyHelp(c: Client, command: string, lines: readonly string[]): void {
  c.reply.arrayLen(lines.length + 3);
  c.reply.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

/** A byte string as C reads it through strpbrk/strlen/%s: up to its first NUL. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * CONFIG GET: an argument with a glob character (before any NUL: Redis tests it with strpbrk) is
 * matched as a pattern cut at its first NUL (stringmatch reads a C string); any other is looked up
 * by its full bytes.
 */
function configGet(c: Client, args: string[]): void {
  const cfg = c.node.config;
  const matches = new Map<string, ConfigParam>();
  const seenParams = new Set<ConfigParam>();
  for (let i = 2; i < args.length; i++) {
    const full = args[i] as string;
    const pat = cString(full);
    if (!/[[*?]/.test(pat)) {
      if (matches.has(full)) continue;
      const p = cfg.param(full);
      if (p) {
        matches.set(full, p);
        seenParams.add(p);
      }
      continue;
    }
    for (const p of cfg.all()) {
      if (p.hidden) continue;
      for (const name of [p.name, ...(p.aliases ?? [])]) {
        if (matches.has(name)) continue;
        if (globMatch(pat, name, true)) {
          matches.set(name, p);
          seenParams.add(p);
        }
      }
    }
  }
  c.reply.mapLen(matches.size);
  for (const [name, p] of matches) {
    c.reply.bulk(name);
    c.reply.bulk(p.show ? p.show(cfg.get(p.name)) : cfg.get(p.name));
  }
}

/** What stops a CONFIG SET before any value is validated. */
function setError(arg: string, reason: string): RedisError {
  return new RedisError(`ERR CONFIG SET failed (possibly related to argument '${cString(arg)}') - ${reason}`);
}

function configSet(c: Client, args: string[]): void {
  if (args.length % 2 === 1) throw new RedisError(SYNTAX);
  const cfg = c.node.config;
  // Redis registers an alias as an entry of its own: errors name the entry (the lowercase name or
  // alias used), and "a name and its alias" is not a duplicate.
  const pairs: { p: ConfigParam; entry: string; value: string }[] = [];
  for (let i = 2; i < args.length; i += 2) {
    const given = args[i] as string;
    const p = cfg.param(given);
    if (!p) throw new RedisError(`ERR Unknown option or number of arguments for CONFIG SET - '${cString(given)}'`);
    if (p.immutable) throw setError(given, "can't set immutable config");
    if (p.protected && cfg.get('enable-protected-configs') === 'no') throw setError(given, "can't set protected config");
    const entry = given.toLowerCase();
    if (pairs.some((x) => x.entry === entry)) throw setError(given, 'duplicate parameter');
    pairs.push({ p, entry, value: args[i + 1] as string });
  }
  // Validate everything before storing anything.
  const staged: [ConfigParam, string][] = [];
  for (const { p, entry, value } of pairs) {
    let v = value;
    try {
      if (p.normalize) v = p.normalize(value, cfg.get(p.name));
    } catch (e) {
      if (e instanceof ConfigError) throw setError(entry, e.message);
      throw e;
    }
    // redis-sim cannot re-listen from inside a node: a change of address fails as a failed bind does.
    if (p.name === 'port' && v !== cfg.get('port')) throw setError('port', 'Unable to listen on this port. Check server logs.');
    if (p.name === 'bind' && v !== cfg.get('bind')) throw setError('bind', 'Failed to bind to specified addresses.');
    staged.push([p, v]);
  }
  for (const [p, v] of staged) if (cfg.get(p.name) !== v) cfg.setRaw(p.name, v);
  c.reply.ok();
}

function configResetstat(c: Client): void {
  c.node.stats.reset(c.node.clock.now());
  c.reply.ok();
}

function configRewrite(): void {
  throw new RedisError('ERR The server is running without a config file');
}

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

const admin = ['admin', 'noscript', 'loading', 'stale'] as const;
const adminAcl = ['admin', 'slow', 'dangerous'] as const;
const base = { group: 'server', since: '2.0.0' } as const;

export const configCommands: CommandSpec[] = [
  {
    ...base,
    name: 'config',
    arity: -2,
    flags: [],
    acl: ['slow'],
    summary: 'A container for server configuration commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...base,
        name: 'get',
        arity: -3,
        flags: admin,
        acl: adminAcl,
        summary: 'Get the values of configuration parameters',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configGet,
      },
      {
        ...base,
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'CONFIG', HELP),
      },
      {
        ...base,
        name: 'resetstat',
        arity: 2,
        flags: admin,
        acl: adminAcl,
        summary: 'Reset the stats returned by INFO',
        complexity: 'O(1)',
        handler: configResetstat,
      },
      {
        ...base,
        name: 'rewrite',
        arity: 2,
        flags: admin,
        acl: adminAcl,
        since: '2.8.0',
        summary: 'Rewrite the configuration file with the in memory configuration',
        complexity: 'O(1)',
        handler: configRewrite,
      },
      {
        ...base,
        name: 'set',
        arity: -4,
        flags: admin,
        acl: adminAcl,
        summary: 'Set configuration parameters to the given values',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet,
      },
    ],
  },
];
