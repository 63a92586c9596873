/**
 * SLOWLOG GET [count] | LEN | RESET | HELP, as Redis 7.0's slowlog.c.
 *
 * - Every call() that finishes (not one that ends blocked: a blocked command is logged when it is
 *   served, never when it times out or is unblocked) is logged when slowlog-log-slower-than >= 0,
 *   slowlog-max-len > 0 and its duration in µs >= slowlog-log-slower-than. Commands flagged
 *   skip_slowlog (EXEC, AUTH, HELLO, ...) are never logged. Commands a script runs are logged too,
 *   with the Lua client's peer "?:0" and no name (redis-sim does not time them: duration 0).
 * - Durations are real measured time (what INFO commandstats counts), so only a threshold of 0
 *   gives deterministic logs. The entry's time is unix seconds on the node's virtual clock.
 * - An entry keeps at most 32 arguments (the 32nd says "... (N more arguments)") and each argument
 *   at most 128 bytes ("... (N more bytes)" appended). Ids grow for the node's life (RESET keeps them).
 * - The list is trimmed to slowlog-max-len on each push only (lowering the config trims later).
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { callObservers } from '../engine/dispatch.js';
import { RedisError } from '../engine/errors.js';
import type { RedisNode } from '../engine/node.js';
import { parseInteger } from '../protocol/numbers.js';
import { replyHelp } from './config.js';

const MAX_ARGC = 32;
const MAX_STRING = 128;

interface SlowlogEntry {
  id: number;
  time: number;
  duration: number;
  argv: string[];
  peer: string;
  name: string;
}

interface SlowlogState {
  nextId: number;
  /** Oldest first. */
  entries: SlowlogEntry[];
  /** slowlog-log-slower-than and slowlog-max-len, kept current by config listeners (hot path). */
  slower: number;
  maxLen: number;
}

const states = new WeakMap<RedisNode, SlowlogState>();
/** The last node asked about and its state (a process usually runs one node: no lookup per call). */
let lastNode: RedisNode | undefined;
let lastState: SlowlogState | undefined;

function state(node: RedisNode): SlowlogState {
  if (node === lastNode) return lastState as SlowlogState;
  let s = states.get(node);
  if (!s) {
    const st: SlowlogState = {
      nextId: 0,
      entries: [],
      slower: node.config.getInt('slowlog-log-slower-than'),
      maxLen: node.config.getInt('slowlog-max-len'),
    };
    node.config.onChange('slowlog-log-slower-than', (v) => {
      st.slower = Number(v);
    });
    node.config.onChange('slowlog-max-len', (v) => {
      st.maxLen = Number(v);
    });
    states.set(node, st);
    s = st;
  }
  lastNode = node;
  lastState = s;
  return s;
}

/** The arguments as Redis's slowlogCreateEntry keeps them. */
function entryArgv(args: string[]): string[] {
  const argc = Math.min(args.length, MAX_ARGC);
  const out: string[] = [];
  for (let j = 0; j < argc; j++) {
    const a = args[j] as string;
    if (argc !== args.length && j === argc - 1) out.push(`... (${args.length - argc + 1} more arguments)`);
    else if (a.length > MAX_STRING) out.push(`${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)`);
    else out.push(a);
  }
  return out;
}

callObservers.push((node, c, r, args, usec) => {
  if (c.blockRequest && !c.noBlock) return; // logged when served
  const s = state(node);
  const { slower, maxLen } = s;
  if (slower < 0 || maxLen === 0) return;
  const duration = Math.max(usec, 0);
  if (duration < slower) return;
  if (r.spec.flags.includes('skip_slowlog')) return;
  s.entries.push({
    id: s.nextId++,
    time: Math.floor(node.clock.now() / 1000),
    duration,
    argv: entryArgv(args),
    peer: c.transport ? c.transport.remoteAddress : '?:0',
    name: c.name,
  });
  if (s.entries.length > maxLen) s.entries.splice(0, s.entries.length - maxLen);
});

function slowlogGet(c: Client, args: string[]): void {
  if (args.length > 3) {
    throw new RedisError(`ERR unknown subcommand or wrong number of arguments for '${args[1]}'. Try SLOWLOG HELP.`);
  }
  let count = 10;
  if (args.length === 3) {
    const n = parseInteger(args[2] as string);
    if (n === null || n < -1) throw new RedisError('ERR count should be greater than or equal to -1');
    count = n === -1 ? Number.POSITIVE_INFINITY : n;
  }
  const entries = state(c.node).entries;
  const n = Math.min(count, entries.length);
  c.reply.arrayLen(n);
  for (let i = 0; i < n; i++) {
    const e = entries[entries.length - 1 - i] as SlowlogEntry;
    c.reply.arrayLen(6);
    c.reply.int(e.id);
    c.reply.int(e.time);
    c.reply.int(e.duration);
    c.reply.bulkArray(e.argv);
    c.reply.bulk(e.peer);
    c.reply.bulk(e.name);
  }
}

const HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

const base = { flags: ['admin', 'loading', 'stale'], acl: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.2.12' } as const;

export const slowlogCommands: CommandSpec[] = [
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    since: '2.2.12',
    summary: 'A container for slow log commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...base,
        name: 'get',
        arity: -2,
        summary: "Get the slow log's entries",
        complexity: 'O(N) where N is the number of entries returned',
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        handler: slowlogGet,
      },
      {
        ...base,
        name: 'len',
        arity: 2,
        summary: "Get the slow log's length",
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler: (c) => c.reply.int(state(c.node).entries.length),
      },
      {
        ...base,
        name: 'reset',
        arity: 2,
        summary: 'Clear all entries from the slow log',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (c) => {
          state(c.node).entries = [];
          c.reply.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        since: '6.2.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'SLOWLOG', HELP),
      },
    ],
  },
];
