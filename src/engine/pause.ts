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
 * - Pauses have a purpose: CLIENT PAUSE's, and FAILOVER's write pause (no end; lifted when the
 *   failover ends). CLIENT UNPAUSE lifts only its own; clients stay paused while any is left.
 */
import type { Client } from './client.js';
import type { Timer } from './clock.js';
import type { CommandSpec } from './command.js';
import type { RedisNode } from './node.js';

type PauseType = 'write' | 'all';

/**
 * Who paused (Redis's pause_purpose): CLIENT PAUSE, or a coordinated FAILOVER (its write pause
 * lasts until the failover ends or is aborted; CLIENT UNPAUSE does not lift it).
 */
export type PausePurpose = 'client' | 'failover' | 'migrate';

interface Pause {
  type: PauseType;
  end: number;
  timer: Timer | undefined;
}

interface PauseState {
  pauses: Map<PausePurpose, Pause>;
  postponed: { c: Client; args: string[] }[];
}

const states = new WeakMap<RedisNode, PauseState>();

function rank(t: PauseType | undefined): number {
  return t === 'all' ? 2 : t === 'write' ? 1 : 0;
}

/** The current pause type (the most restrictive of all purposes), or undefined when clients are not paused. */
export function pauseType(node: RedisNode): PauseType | undefined {
  const s = states.get(node);
  if (!s) return undefined;
  let t: PauseType | undefined;
  for (const p of s.pauses.values()) if (rank(p.type) > rank(t)) t = p.type;
  return t;
}

/**
 * CLIENT PAUSE (purpose 'client'): pauses until `end` (node clock, ms; Infinity: until
 * unpaused) with the more restrictive of the types of that purpose.
 */
export function pauseClients(node: RedisNode, end: number, type: PauseType, purpose: PausePurpose = 'client'): void {
  // A pause that ends now or earlier (CLIENT PAUSE 0) pauses nothing: with a manual clock it would
  // otherwise last until the next advance.
  const current = states.get(node)?.pauses.get(purpose);
  if (end <= node.clock.now() && !current) return;
  let s = states.get(node);
  if (!s) {
    s = { pauses: new Map(), postponed: [] };
    states.set(node, s);
  }
  let p = current;
  if (!p) {
    p = { type, end, timer: undefined };
    s.pauses.set(purpose, p);
  } else {
    if (rank(type) > rank(p.type)) p.type = type;
    if (end > p.end) p.end = end;
    node.clock.clearTimer(p.timer);
    p.timer = undefined;
  }
  const pause = p;
  if (Number.isFinite(pause.end)) {
    const timer = node.clock.setTimer(pause.end, () =>
      // The end of a pause is a time event: it waits for a script running in slices to end.
      node.whenIdle(() => {
        if (pause.timer !== timer) return;
        pause.timer = undefined;
        unpauseClients(node, purpose);
      }),
    );
    pause.timer = timer;
  }
}

/**
 * CLIENT UNPAUSE (purpose 'client'), the end of a pause, or the end of a failover; undefined
 * lifts every pause (reset, kill). Once no pause is left, postponed commands run again.
 */
export function unpauseClients(node: RedisNode, purpose?: PausePurpose): void {
  const s = states.get(node);
  if (!s) return;
  for (const [k, p] of [...s.pauses]) {
    if (purpose !== undefined && k !== purpose) continue;
    node.clock.clearTimer(p.timer);
    s.pauses.delete(k);
  }
  if (s.pauses.size > 0) {
    // A write pause left after an ALL pause ended: postponed reads may run now.
    if (pauseType(node) === 'write') {
      const still: typeof s.postponed = [];
      const run: typeof s.postponed = [];
      for (const x of s.postponed) {
        const spec = node.lookupCommand(x.args[0] as string);
        (spec && mayReplicate(node, x.c, spec) ? still : run).push(x);
      }
      s.postponed = still;
      rerun(node, run);
    }
    return;
  }
  states.delete(node);
  // Expired keys were kept while paused (the dataset stays constant): they may go now.
  node.resumeExpiry();
  rerun(node, s.postponed);
}

function rerun(node: RedisNode, postponed: { c: Client; args: string[] }[]): void {
  if (postponed.length === 0) return;
  // Like Redis (unblocked in beforeSleep), they run after the command or timer that ended the pause.
  queueMicrotask(() => {
    for (const { c, args } of postponed) {
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
  if (pauseType(node) === 'write' && !mayReplicate(node, c, spec)) return false;
  s.postponed.push({ c, args });
  c.blockRequest = { keys: [], timeoutAt: 0, onTimeout: () => {}, args };
  node.blocking.block(c, args);
  return true;
}
