/**
 * The command journal over the wire (faults/journal.ts; in-process: `sim.journal`):
 *
 *   SIM JOURNAL ON [<cap>]     start recording (optionally with a new cap); OK
 *   SIM JOURNAL OFF            stop recording (entries stay); OK
 *   SIM JOURNAL CLEAR          forget every entry; OK
 *   SIM JOURNAL SIZE           number of entries kept
 *   SIM JOURNAL GET [COMMAND <name>] [KEY <glob>] [CLIENT <id|name>] [FROM <ms>] [TO <ms>] [LIMIT <n>]
 *                              matching entries, oldest first, each a map: seq time id name addr
 *                              db command args reply [error] duration_us
 *   SIM JOURNAL FOLLOW [COMMAND <name>] [KEY <glob>] [CLIENT <id|name>] [FROM <ms>] [TO <ms>]
 *                              OK, then the connection receives every matching command from now on
 *                              (other clients' only, as MONITOR), each as a push frame
 *                              ["journal", <entry map>] (RESP3 `>`; an array in RESP2, like a pub/sub
 *                              message), whether or not the journal records (ON). The connection can
 *                              still send commands (their replies interleave, as on a MONITOR
 *                              connection); SIM JOURNAL UNFOLLOW, RESET or a disconnect ends it.
 *   SIM JOURNAL UNFOLLOW       stop following: 1 if this connection followed, else 0
 *
 * The control command's own calls are recorded like any other command.
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { faultsOf } from '../faults/faults.js';
import { type JournalEntry, type JournalQuery, setJournalFollower, unfollowJournal } from '../faults/journal.js';
import { addSimSubcommand } from './sim.js';

function replyEntry(c: Client, e: JournalEntry): void {
  const r = c.reply;
  r.mapLen(e.error !== undefined ? 11 : 10);
  r.bulk('seq');
  r.int(e.seq);
  r.bulk('time');
  r.int(Math.floor(e.time));
  r.bulk('id');
  r.int(e.clientId);
  r.bulk('name');
  r.bulk(e.clientName);
  r.bulk('addr');
  r.bulk(e.addr);
  r.bulk('db');
  r.int(e.db);
  r.bulk('command');
  r.bulk(e.command);
  r.bulk('args');
  r.arrayLen(e.args.length);
  for (const a of e.args) r.bulk(a);
  r.bulk('reply');
  r.bulk(e.reply);
  if (e.error !== undefined) {
    r.bulk('error');
    r.bulk(e.error);
  }
  r.bulk('duration_us');
  r.int(e.durationUs);
}

function msArg(s: string): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new RedisError('ERR milliseconds must be a number');
  return n;
}

/** Parses GET / FOLLOW's filters from args[3]; LIMIT only where `limit` allows it. */
function parseQuery(args: string[], limit: boolean): JournalQuery {
  const q: JournalQuery = {};
  for (let i = 3; i < args.length; i += 2) {
    const kw = (args[i] as string).toUpperCase();
    const v = args[i + 1];
    if (v === undefined) throw new RedisError(SYNTAX);
    if (kw === 'COMMAND') q.command = v;
    else if (kw === 'KEY') q.key = v;
    else if (kw === 'CLIENT') q.client = /^\d+$/.test(v) ? Number(v) : v;
    else if (kw === 'FROM') q.from = msArg(v);
    else if (kw === 'TO') q.to = msArg(v);
    else if (kw === 'LIMIT' && limit) q.limit = intArg(v);
    else throw new RedisError(SYNTAX);
  }
  return q;
}

/**
 * FOLLOW: each matching entry of another client is pushed to `c` as it is recorded. Like MONITOR,
 * a connection of its own (no DENY BLOCKING client: EXEC, scripts, the in-process API).
 */
function follow(c: Client, args: string[]): void {
  if (c.noBlock || !c.transport) throw new RedisError("ERR SIM JOURNAL FOLLOW isn't allowed for DENY BLOCKING client");
  const j = faultsOf(c.node).journal;
  const q = parseQuery(args, false);
  unfollowJournal(c);
  const stop = j.subscribe((e) => {
    if (c.closed) {
      unfollowJournal(c);
      return;
    }
    if (e.clientId === c.id || !j.matches(e, q)) return;
    c.reply.pushLen(2);
    c.reply.bulk('journal');
    replyEntry(c, e);
    c.flush();
  });
  setJournalFollower(c, stop);
  c.reply.ok();
}

function journal(c: Client, args: string[]): void {
  const j = faultsOf(c.node).journal;
  const op = (args[2] ?? '').toUpperCase();
  const arity = (ok: boolean) => {
    if (!ok) throw new RedisError(`ERR wrong number of arguments for 'sim|journal|${op.toLowerCase()}' command`);
  };
  switch (op) {
    case 'ON': {
      arity(args.length <= 4);
      const cap = args[3] === undefined ? undefined : intArg(args[3]);
      if (cap !== undefined && cap < 1) throw new RedisError('ERR cap must be at least 1');
      j.start(cap);
      c.reply.ok();
      return;
    }
    case 'OFF':
      arity(args.length === 3);
      j.stop();
      c.reply.ok();
      return;
    case 'CLEAR':
      arity(args.length === 3);
      j.clear();
      c.reply.ok();
      return;
    case 'SIZE':
      arity(args.length === 3);
      c.reply.int(j.size);
      return;
    case 'FOLLOW':
      follow(c, args);
      return;
    case 'UNFOLLOW':
      arity(args.length === 3);
      c.reply.int(unfollowJournal(c) ? 1 : 0);
      return;
    case 'GET': {
      const entries = j.query(parseQuery(args, true));
      c.reply.arrayLen(entries.length);
      for (const e of entries) replyEntry(c, e);
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

const spec: CommandSpec = {
  group: 'sim',
  since: '0.1.0',
  flags: ['noscript', 'loading', 'stale', 'fast'],
  acl: ['admin', 'dangerous'],
  name: 'journal',
  arity: -3,
  summary: 'Command journal: ON [cap], OFF, CLEAR, SIZE, GET [filters], FOLLOW [filters], UNFOLLOW',
  handler: journal,
};

addSimSubcommand(spec, [
  'JOURNAL ON [<cap>] | JOURNAL OFF | JOURNAL CLEAR | JOURNAL SIZE',
  '    Record every command (off by default; capped, oldest dropped first).',
  'JOURNAL GET [COMMAND <name>] [KEY <glob>] [CLIENT <id|name>] [FROM <ms>] [TO <ms>] [LIMIT <n>]',
  '    Recorded commands, oldest first.',
  'JOURNAL FOLLOW [COMMAND <name>] [KEY <glob>] [CLIENT <id|name>] [FROM <ms>] [TO <ms>] | JOURNAL UNFOLLOW',
  '    Stream other clients\' commands to this connection as push frames ["journal", <entry>], or stop.',
]);
