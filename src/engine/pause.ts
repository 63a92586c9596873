/**
 * CLIENT PAUSE on the node clock, as Redis 7.0's pauseClients / blockPostponeClient:
 *
 * - A pause has a type (WRITE or ALL; the most restrictive wins when pauses overlap) and an end
 *   time on the node clock (the later one wins). It ends when the clock reaches the end (a timer,
 *   so with a manual clock `advance(timeout)` ends it) or on CLIENT UNPAUSE.
 * - While paused, a command that must wait (every command under ALL; under WRITE the commands
 *   flagged write or may_replicate, and EXEC of a transaction holding one) is postponed: its
 *   client is blocked (no key) and reads nothing more until the pause ends. Then each postponed
 *   command runs again from the start of dispatch, in the order they were postponed, and may be
 *   postponed again by a new pause. Commands inside EXEC or scripts are never postponed.
 * - As in Redis, under ALL even the pausing client's CLIENT UNPAUSE waits for the timeout.
 */
import type { Client } from './client.js';
import type { Timer } from './clock.js';
import type { CommandSpec } from './command.js';
import type { RedisNode } from './node.js';

type PauseType = 'write' | 'all';

interface PauseState {
  type: PauseType;
  end: number;
  timer: Timer | undefined;
  postponed: { c: Client; args: string[] }[];
}

const states = new WeakMap<RedisNode, PauseState>();

function rank(t: PauseType | undefined): number {
  return t === 'all' ? 2 : t === 'write' ? 1 : 0;
}

/** The current pause type, or undefined when clients are not paused. */
export function pauseType(node: RedisNode): PauseType | undefined {
  return states.get(node)?.type;
}

/** CLIENT PAUSE: pauses until `end` (node clock, ms) with the more restrictive of the types. */
export function pauseClients(node: RedisNode, end: number, type: PauseType): void {
  // A pause that ends now or earlier (CLIENT PAUSE 0) pauses nothing: with a manual clock it would
  // otherwise last until the next advance.
  if (end <= node.clock.now() && !states.has(node)) return;
  let s = states.get(node);
  if (!s) {
    s = { type, end, timer: undefined, postponed: [] };
    states.set(node, s);
  } else {
    if (rank(type) > rank(s.type)) s.type = type;
    if (end > s.end) s.end = end;
    node.clock.clearTimer(s.timer);
  }
  const state = s;
  state.timer = node.clock.setTimer(state.end, () => {
    state.timer = undefined;
    unpauseClients(node);
  });
}

/** CLIENT UNPAUSE (or the end of the pause): postponed commands run again. */
export function unpauseClients(node: RedisNode): void {
  const s = states.get(node);
  if (!s) return;
  states.delete(node);
  node.clock.clearTimer(s.timer);
  if (s.postponed.length === 0) return;
  // Like Redis (unblocked in beforeSleep), they run after the command or timer that ended the pause.
  queueMicrotask(() => {
    for (const { c, args } of s.postponed) {
      if (c.closed || !c.blocked) continue;
      node.blocking.release(c);
      node.execute(c, args);
      c.flush();
      if (!c.blocked) c.transport?.resume();
    }
  });
}

/** Whether a command may change data or propagate: write or may_replicate, or EXEC of such. */
function mayReplicate(node: RedisNode, c: Client, spec: CommandSpec): boolean {
  if (spec.flags.includes('write') || spec.flags.includes('may_replicate')) return true;
  if (spec.name === 'exec' && c.multi) {
    for (const q of c.multi.queue) {
      const s = node.lookupCommand(q[0] as string);
      if (s && (s.flags.includes('write') || s.flags.includes('may_replicate'))) return true;
    }
  }
  return false;
}

/**
 * Called by dispatch before a client's command is queued or run: postpones it (blocking the
 * client) and returns true when clients are paused for it.
 */
export function postponeIfPaused(node: RedisNode, c: Client, spec: CommandSpec, args: string[]): boolean {
  const s = states.get(node);
  if (!s || c.noBlock || !c.transport) return false;
  // The control command is the test's hand: a CLIENT PAUSE never holds it.
  if (spec.group === 'sim') return false;
  if (s.type === 'write' && !mayReplicate(node, c, spec)) return false;
  s.postponed.push({ c, args });
  c.blockRequest = { keys: [], timeoutAt: 0, onTimeout: () => {}, args };
  node.blocking.block(c, args);
  return true;
}
