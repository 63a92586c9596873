/**
 * WAIT numreplicas timeout, as Redis 7.0's waitCommand on a master with no replicas.
 *
 * - numreplicas is a long ("value is not an integer or out of range"), then timeout is an integer
 *   in milliseconds ("timeout is not an integer or out of range", "timeout is negative").
 * - No replica ever acknowledges: the count is 0. When 0 >= numreplicas (0 or negative), or the
 *   client may not block (inside MULTI; WAIT is noscript), the reply is 0 at once.
 * - Otherwise the client blocks until the timeout on the node's virtual clock (0 = forever) and
 *   then answers 0; CLIENT UNBLOCK answers 0 (TIMEOUT) or the UNBLOCKED error (ERROR).
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInteger } from '../protocol/numbers.js';

function wait(c: Client, args: string[]): void {
  const numreplicas = parseInteger(args[1] as string);
  if (numreplicas === null) throw new RedisError(NOT_INTEGER);
  const timeout = parseInteger(args[2] as string);
  if (timeout === null) throw new RedisError('ERR timeout is not an integer or out of range');
  if (timeout < 0) throw new RedisError('ERR timeout is negative');
  const now = c.node.clock.now();
  if (timeout > 0 && timeout > Number.MAX_SAFE_INTEGER - now) throw new RedisError('ERR timeout is out of range');
  const acked = 0;
  if (acked >= numreplicas) {
    c.reply.int(acked);
    return;
  }
  c.block({ keys: [], timeoutAt: timeout === 0 ? 0 : now + timeout, onTimeout: (cl) => cl.reply.int(acked) });
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
