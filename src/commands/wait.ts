/**
 * WAIT numreplicas timeout, as Redis 7.0's waitCommand.
 *
 * - numreplicas is a long ("value is not an integer or out of range"), then timeout is an integer
 *   in milliseconds ("timeout is not an integer or out of range", "timeout is negative").
 * - On a replica: "ERR WAIT cannot be used with replica instances. ...".
 * - The count is the replicas whose last REPLCONF ACK covers the client's woff: the
 *   master_repl_offset after its previous command that ran (any command, not only writes; a
 *   queued or refused one leaves it), so other clients' later writes are not waited for. When it
 *   is >= numreplicas, or the client may not block (inside MULTI; WAIT is noscript), it is the
 *   reply at once.
 * - Otherwise the client blocks, the replicas are asked for an ACK (REPLCONF GETACK * in the
 *   stream), and it is released with the count when enough acknowledge, or at the timeout on the
 *   node's virtual clock (0 = forever); CLIENT UNBLOCK answers the count (TIMEOUT) or UNBLOCKED.
 * - When the primary becomes a replica while the client waits, it gets -UNBLOCKED and is
 *   disconnected, as key waiters are (BlockingManager.forceUnblockAll).
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInteger } from '../protocol/numbers.js';
import { Replication } from '../topology/replication.js';

function wait(c: Client, args: string[]): void {
  const numreplicas = parseInteger(args[1] as string);
  if (numreplicas === null) throw new RedisError(NOT_INTEGER);
  const timeout = parseInteger(args[2] as string);
  if (timeout === null) throw new RedisError('ERR timeout is not an integer or out of range');
  if (timeout < 0) throw new RedisError('ERR timeout is negative');
  const now = c.node.clock.now();
  if (timeout > 0 && timeout > Number.MAX_SAFE_INTEGER - now) throw new RedisError('ERR timeout is out of range');
  const repl = c.node.replication ? Replication.of(c.node) : undefined;
  if (repl?.replica) {
    throw new RedisError(
      'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
    );
  }
  const offset = c.woff;
  const count = () => (repl ? repl.primary.countAcks(offset) : 0);
  const acked = count();
  if (acked >= numreplicas || c.noBlock) {
    c.reply.int(acked);
    return;
  }
  c.block({
    keys: [],
    timeoutAt: timeout === 0 ? 0 : now + timeout,
    replicaWait: true,
    onTimeout: (cl) => {
      repl?.primary.removeWaiting(cl);
      cl.reply.int(count());
    },
  });
  repl?.primary.addWaiting(c, offset, numreplicas);
}

export const waitCommands: CommandSpec[] = [
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    acl: ['slow', 'connection'],
    group: 'generic',
    since: '3.0.0',
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    handler: wait,
  },
];
