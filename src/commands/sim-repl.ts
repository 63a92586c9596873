/**
 * SIM REPL: replication controls over the wire (topology/control.ts; the same operations as
 * sim.repl in TypeScript).
 *
 *   SIM REPL HOLD [<port>]              hold the stream to the replicas (listening on <port>)
 *   SIM REPL RELEASE [<count>] [<port>] deliver the oldest <count> held commands, or all (lifts the hold); replies how many
 *   SIM REPL DELAY <ms> [<port>]        deliver each command <ms> of virtual time late (0: off)
 *   SIM REPL PENDING [<port>]           commands produced and not delivered
 *   SIM REPL BREAK                      (replica) the link goes down and stays down
 *   SIM REPL RESTORE                    (replica) reconnect; PSYNC continues from the backlog when it can
 *   SIM REPL UNRECEIVED                 (replica) the writes of the primary it never applied (a
 *                                       primary in another process is asked with SIM REPL BACKLOG)
 *   SIM REPL BACKLOG <replid> <offset>  (primary) its stream from <offset> (nil when not held)
 *   SIM REPL PROMOTE                    (replica) REPLICAOF NO ONE; replies the writes lost by it
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { ReplicationControl } from '../topology/control.js';
import { Replication } from '../topology/replication.js';
import { addSimSubcommand } from './sim.js';

/** Replies after `work` settles (the client waits, as a blocked one). */
function later<T>(c: Client, work: Promise<T>, reply: (cl: Client, v: T) => void): void {
  let value: T;
  c.block({ keys: [], timeoutAt: 0, onTimeout: (cl) => reply(cl, value) });
  if (c.blockRequest === undefined) return; // inside MULTI: cannot wait
  void work.then((v) => {
    value = v;
    if (!c.closed && c.blocked) c.node.blocking.unblock(c);
  });
}

function repl(c: Client, args: string[]): void {
  const ctl = new ReplicationControl(c.node);
  const op = (args[2] ?? '').toUpperCase();
  const arity = (ok: boolean) => {
    if (!ok) throw new RedisError(`ERR wrong number of arguments for 'sim|repl|${op.toLowerCase()}' command`);
  };
  const port = (i: number) => (args[i] === undefined ? undefined : intArg(args[i] as string));
  const notReplica = () => new RedisError('ERR this node is not a replica');
  switch (op) {
    case 'HOLD':
      arity(args.length <= 4);
      c.reply.int(ctl.hold(port(3)));
      return;
    case 'RELEASE': {
      arity(args.length <= 5);
      const count = args[3] === undefined || args[3].toUpperCase() === 'ALL' ? undefined : intArg(args[3]);
      if (count !== undefined && count < 0) throw new RedisError('ERR count must not be negative');
      c.reply.int(ctl.release(count, port(4)));
      return;
    }
    case 'DELAY': {
      arity(args.length === 4 || args.length === 5);
      const ms = intArg(args[3] as string);
      if (ms < 0) throw new RedisError('ERR delay must not be negative');
      c.reply.int(ctl.delay(ms, port(4)));
      return;
    }
    case 'PENDING':
      arity(args.length <= 4);
      c.reply.int(ctl.pending(port(3)));
      return;
    case 'BREAK':
      arity(args.length === 3);
      if (!ctl.break()) throw notReplica();
      c.reply.ok();
      return;
    case 'RESTORE':
      arity(args.length === 3);
      if (!ctl.restore()) throw notReplica();
      c.reply.ok();
      return;
    case 'UNRECEIVED':
      arity(args.length === 3);
      if (Replication.of(c.node).primaryIsRemote)
        return later(c, Replication.of(c.node).unreceivedRemote(), (cl, v) => cl.reply.bulkArray(v));
      c.reply.bulkArray(ctl.unreceived());
      return;
    case 'PROMOTE': {
      arity(args.length === 3);
      if (c.node.role !== 'slave') throw notReplica();
      const repl = Replication.of(c.node);
      if (!repl.primaryIsRemote) {
        c.reply.bulkArray(ctl.promote());
        return;
      }
      // The lost writes are read from the primary in another process first, then the promotion.
      return later(c, repl.unreceivedRemote(), (cl, lost) => {
        if (repl.replica) repl.promote();
        cl.reply.bulkArray(lost);
      });
    }
    case 'BACKLOG': {
      // Internal: what a replica in another process asks its primary for UNRECEIVED / PROMOTE.
      arity(args.length === 5);
      c.reply.bulkOrNil(Replication.of(c.node).backlogFrom(args[3] as string, intArg(args[4] as string)) ?? null);
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

const simReplSpec: CommandSpec = {
  name: 'repl',
  arity: -3,
  flags: ['noscript', 'loading', 'stale', 'fast'],
  acl: ['admin', 'dangerous'],
  group: 'sim',
  since: '0.1.0',
  handler: repl,
};

addSimSubcommand(simReplSpec, [
  'REPL HOLD [<port>]',
  '    Hold the replication stream to the replicas (the one listening on <port>).',
  'REPL RELEASE [<count>|ALL] [<port>]',
  '    Deliver the oldest <count> held commands, or all of them and lift the hold.',
  'REPL DELAY <ms> [<port>]',
  '    Deliver each command <ms> of virtual time after it was produced (0: no delay).',
  'REPL PENDING [<port>]',
  '    Number of commands produced and not yet delivered.',
  'REPL BREAK | RESTORE',
  '    (replica) Take the link to the primary down / reconnect it (PSYNC from the backlog).',
  'REPL UNRECEIVED',
  '    (replica) The primary writes this replica never applied.',
  'REPL PROMOTE',
  '    (replica) REPLICAOF NO ONE; replies the writes lost by the promotion.',
]);
