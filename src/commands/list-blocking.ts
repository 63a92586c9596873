/**
 * Blocking list commands, as Redis 7.0's t_list.c: BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP.
 *
 * - When a list has data they behave like LPOP/RPOP/LMOVE/LMPOP (BLPOP replies [key, element]).
 * - Otherwise the client blocks on its keys (engine/blocking.ts) until a push serves it, first
 *   come first served, or until its timeout on the node clock: seconds with decimals, 0 forever.
 *   A timed-out (or CLIENT UNBLOCK'ed) client gets the null array, BLMOVE included (Redis 7.0).
 * - When a waiter is served, Redis 7.0 pops from the key that became ready, not from the first
 *   non-empty key in argument order: `client.readyKey` tells the re-run which key that is.
 * - Inside MULTI/EXEC or a script they never block: the null array (BLMOVE/BRPOPLPUSH: the null
 *   bulk string) at once.
 */
import { timeoutArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { type End, endArg, getList, lmove, mpopKeys, parseMpop, popOneWithKey, popRangeWithKey } from './lists.js';

const timedOut = (c: Client) => c.reply.nilArray();

/**
 * blockingPopGenericCommand: pops from the first non-empty list among `keys` (only the ready key
 * when serving a blocked client); `count` -1 is BLPOP/BRPOP's single element, otherwise BLMPOP's.
 */
function blockingPop(c: Client, keys: string[], end: End, timeoutArgStr: string, count: number): void {
  const timeoutAt = timeoutArg(timeoutArgStr, c.node.clock.now());
  const candidates = c.readyKey !== undefined && keys.includes(c.readyKey) ? [c.readyKey] : keys;
  for (const key of candidates) {
    const o = getList(c, key);
    if (!o) continue;
    if (count === -1) popOneWithKey(c, key, o.value, end);
    else popRangeWithKey(c, key, o.value, end, count);
    return;
  }
  c.block({ keys, timeoutAt, onTimeout: timedOut, type: 'list' });
}

/** BLMOVE/BRPOPLPUSH: LMOVE when the source has data, otherwise block on the source only. */
function blockingMove(c: Client, args: string[], from: End, to: End, timeoutAt: number): void {
  const src = args[1] as string;
  const dst = args[2] as string;
  if (getList(c, src)) {
    lmove(c, src, dst, from, to);
    // Replicated as LMOVE / RPOPLPUSH: with the arguments as given when served at once, with
    // "left"/"right" when a blocked client is served later (serveClientBlockedOnList).
    const brpoplpush = args.length === 4;
    const where = (e: End) => (e === 'left' ? 'left' : 'right');
    if (brpoplpush) c.node.propagation.rewrite(['RPOPLPUSH', src, dst]);
    else if (c.retrying) c.node.propagation.rewrite(['LMOVE', src, dst, where(from), where(to)]);
    else c.node.propagation.rewrite(['LMOVE', src, dst, args[3] as string, args[4] as string]);
    return;
  }
  // Not allowed to block (MULTI, scripts): the null bulk string, unlike a real timeout.
  if (c.noBlock) c.reply.nil();
  else c.block({ keys: [src], timeoutAt, onTimeout: timedOut, type: 'list' });
}

const blockingFlags = {
  group: 'list',
  acl: ['write', 'list', 'slow', 'blocking'],
} as const;

export const listBlockingCommands: CommandSpec[] = [
  {
    ...blockingFlags,
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    firstKey: 1,
    lastKey: -2,
    keyStep: 1,
    since: '2.0.0',
    summary: 'Remove and get the first element in a list, or block until one is available',
    handler: (c, a) => blockingPop(c, a.slice(1, -1), 'left', a[a.length - 1] as string, -1),
  },
  {
    ...blockingFlags,
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    firstKey: 1,
    lastKey: -2,
    keyStep: 1,
    since: '2.0.0',
    summary: 'Remove and get the last element in a list, or block until one is available',
    handler: (c, a) => blockingPop(c, a.slice(1, -1), 'right', a[a.length - 1] as string, -1),
  },
  {
    ...blockingFlags,
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    firstKey: 1,
    lastKey: 2,
    keyStep: 1,
    since: '2.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    handler: (c, a) => blockingMove(c, a, 'right', 'left', timeoutArg(a[3] as string, c.node.clock.now())),
  },
  {
    ...blockingFlags,
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    firstKey: 1,
    lastKey: 2,
    keyStep: 1,
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    handler: (c, a) => {
      const from = endArg(a[3] as string);
      const to = endArg(a[4] as string);
      blockingMove(c, a, from, to, timeoutArg(a[5] as string, c.node.clock.now()));
    },
  },
  {
    ...blockingFlags,
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    getKeys: mpopKeys(2),
    since: '7.0.0',
    summary: 'Pop elements from a list, or block until one is available',
    handler: (c, a) => {
      const { keys, end, count } = parseMpop(a, 2);
      blockingPop(c, keys, end, a[1] as string, count);
    },
  },
];
