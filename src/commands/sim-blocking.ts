/**
 * Blocking introspection over the wire, so a test in any language can order "worker blocks,
 * producer pushes" without sleeping (in-process: `await sim.waitForBlocked(n, key)`):
 *
 *   SIM BLOCKED COUNT [key]                 clients blocked (on `key` of the caller's database)
 *   SIM BLOCKED LIST                        who waits on what: one entry per waited-on key, as a
 *                                           map {db, key, clients: [ids in FIFO order]}
 *   SIM BLOCKED WAIT <n> [key|*] [timeout-ms]
 *                                           blocks the caller until at least n clients are
 *                                           blocked (on `key`; `*` = any key), then replies the
 *                                           count; after timeout-ms of real time (a safety net:
 *                                           a manual clock never moves by itself) replies nil.
 *                                           Inside MULTI it replies at once (nil if not reached).
 *
 * The caller of WAIT is parked, not a key waiter: it is not counted by COUNT, WAIT or INFO's
 * blocked_clients.
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { addSimSubcommand } from './sim.js';

function arity(args: string[], ok: boolean): void {
  if (!ok) throw new RedisError(`ERR wrong number of arguments for 'sim|blocked|${(args[2] ?? '').toLowerCase()}' command`);
}

function blocked(c: Client, args: string[]): void {
  const bm = c.node.blocking;
  const op = (args[2] ?? '').toUpperCase();
  switch (op) {
    case 'COUNT': {
      arity(args, args.length <= 4);
      const key = args[3];
      c.reply.int(key === undefined ? bm.countBlocked() : bm.countBlocked(key, c.db.index));
      return;
    }
    case 'LIST': {
      arity(args, args.length === 3);
      const entries = bm.list();
      c.reply.arrayLen(entries.length);
      for (const e of entries) {
        c.reply.mapLen(3);
        c.reply.bulk('db');
        c.reply.int(e.db);
        c.reply.bulk('key');
        c.reply.bulk(e.key);
        c.reply.bulk('clients');
        c.reply.arrayLen(e.clients.length);
        for (const id of e.clients) c.reply.int(id);
      }
      return;
    }
    case 'WAIT': {
      arity(args, args.length >= 4 && args.length <= 6);
      const n = intArg(args[3] as string);
      const key = args[4] === undefined || args[4] === '*' ? undefined : args[4];
      const db = key === undefined ? undefined : c.db.index;
      const timeoutMs = args[5] === undefined ? 0 : intArg(args[5]);
      if (timeoutMs < 0) throw new RedisError('ERR timeout is negative');
      const reached = (x: Client) => x.reply.int(bm.countBlocked(key, db));
      if (c.noBlock) {
        if (bm.countBlocked(key, db) >= n) reached(c);
        else c.reply.nil();
        return;
      }
      bm.park(c, args, n, key, db, timeoutMs, reached);
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

export const simBlockedSpec: CommandSpec = {
  group: 'sim',
  since: '0.1.0',
  flags: ['noscript', 'loading', 'stale', 'fast'],
  acl: ['admin', 'dangerous'],
  name: 'blocked',
  arity: -3,
  summary: 'Blocked clients: COUNT [key], LIST, WAIT <n> [key|*] [timeout-ms]',
  handler: blocked,
};

addSimSubcommand(simBlockedSpec, [
  'BLOCKED COUNT [<key>]',
  '    Number of clients blocked (on <key> of the current database).',
  'BLOCKED LIST',
  '    Every waited-on key: db, key and the ids of its clients in service order.',
  'BLOCKED WAIT <n> [<key>|*] [<timeout-ms>]',
  '    Block until at least <n> clients are blocked (on <key>); nil after timeout-ms of real time.',
]);
