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
 *
 * The control command's own calls are recorded like any other command.
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { faultsOf } from '../faults/faults.js';
import type { JournalEntry, JournalQuery } from '../faults/journal.js';
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
    case 'GET': {
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
        else if (kw === 'LIMIT') q.limit = intArg(v);
        else throw new RedisError(SYNTAX);
      }
      const entries = j.query(q);
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
  summary: 'Command journal: ON [cap], OFF, CLEAR, SIZE, GET [filters]',
  handler: journal,
};

addSimSubcommand(spec, [
  'JOURNAL ON [<cap>] | JOURNAL OFF | JOURNAL CLEAR | JOURNAL SIZE',
  '    Record every command (off by default; capped, oldest dropped first).',
  'JOURNAL GET [COMMAND <name>] [KEY <glob>] [CLIENT <id|name>] [FROM <ms>] [TO <ms>] [LIMIT <n>]',
  '    Recorded commands, oldest first.',
]);
