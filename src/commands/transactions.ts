/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0's multi.c.
 *
 * - Queueing is done by the dispatcher (+QUEUED); a command rejected while queueing (unknown,
 *   wrong arity, NOAUTH, not allowed in MULTI) flags the transaction and EXEC then fails with
 *   EXECABORT. Errors raised by the commands themselves while EXEC runs are returned in place
 *   and the other commands still run: there is no rollback.
 * - MULTI, EXEC, DISCARD, WATCH, QUIT and RESET run at once inside MULTI. An error from nested
 *   MULTI or from WATCH inside MULTI does not doom the transaction.
 * - EXEC returns a null array when a watched key changed (see engine/watch.ts). Otherwise it
 *   unwatches, then runs the queue as one unit: blocking commands get their timeout reply at once
 *   (c.noBlock) and clients blocked on keys the transaction touched are served after it.
 */
import { aclRefuseQueued } from '../acl/enforce.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';

const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

/** Leaves MULTI state: queue, flags and watched keys are dropped (discardTransaction). */
function discardTransaction(c: Client): void {
  c.multi = undefined;
  c.node.watches.unwatchAll(c);
}

function multi(c: Client): void {
  if (c.multi) throw new RedisError('ERR MULTI calls can not be nested');
  c.multi = { queue: [], dirty: false };
  c.reply.ok();
}

function exec(c: Client): void {
  const m = c.multi;
  if (!m) throw new RedisError('ERR EXEC without MULTI');
  if (m.dirty) {
    discardTransaction(c);
    throw new RedisError(EXECABORT);
  }
  if (c.node.watches.isDirty(c)) {
    discardTransaction(c);
    c.reply.nilArray();
    return;
  }
  // Unwatch first: writes of the transaction itself must not matter.
  c.node.watches.unwatchAll(c);
  const queue = m.queue;
  const wasNoBlock = c.noBlock;
  c.noBlock = true;
  c.reply.arrayLen(queue.length);
  try {
    // The client stays in MULTI state while the queue runs, as in Redis (SUBSCRIBE relies on it).
    for (const args of queue) {
      // The rules may have changed since the command was queued (execCommand checks again).
      if (c.user.restricted && aclRefuseQueued(c, args)) continue;
      c.node.call(c, args);
    }
  } finally {
    c.noBlock = wasNoBlock;
    discardTransaction(c);
  }
}

function discard(c: Client): void {
  if (!c.multi) throw new RedisError('ERR DISCARD without MULTI');
  discardTransaction(c);
  c.reply.ok();
}

function watch(c: Client, args: string[]): void {
  if (c.multi) throw new RedisError('ERR WATCH inside MULTI is not allowed');
  for (let i = 1; i < args.length; i++) c.node.watches.watch(c, args[i] as string);
  c.reply.ok();
}

function unwatch(c: Client): void {
  c.node.watches.unwatchAll(c);
  c.reply.ok();
}

const base = { group: 'transactions', acl: ['fast', 'transaction'] } as const;
const immediate = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

export const transactionCommands: CommandSpec[] = [
  { ...base, name: 'multi', arity: 1, since: '1.2.0', flags: immediate, summary: 'Mark the start of a transaction block', handler: multi },
  {
    ...base,
    name: 'exec',
    arity: 1,
    since: '1.2.0',
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['slow', 'transaction'],
    summary: 'Execute all commands issued after MULTI',
    handler: exec,
  },
  {
    ...base,
    name: 'discard',
    arity: 1,
    since: '2.0.0',
    flags: immediate,
    summary: 'Discard all commands issued after MULTI',
    handler: discard,
  },
  {
    ...base,
    name: 'watch',
    arity: -2,
    since: '2.2.0',
    flags: immediate,
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    handler: watch,
  },
  { ...base, name: 'unwatch', arity: 1, since: '2.2.0', flags: immediate, summary: 'Forget about all watched keys', handler: unwatch },
];
