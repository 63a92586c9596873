/**
 * Command dispatch, in the order of Redis 7.0's processCommand: look the command up, check its
 * arity, authentication, the RESP2 pub/sub context and MULTI queueing, then call its handler.
 * Rejections reply Redis's exact error texts and, inside MULTI, make EXEC abort.
 */

import type { Client } from './client.js';
import { argvMem } from './client-memory.js';
import { type CommandSpec, keyPositions, type ResolvedCommand } from './command.js';
import { commandIsDenyoom, commandIsWrite } from './command-flags.js';
import { RedisError, WRONG_ARITY } from './errors.js';
import { OOM_ERROR } from './eviction.js';
import type { RedisNode } from './node.js';
import { postponeIfPaused } from './pause.js';
import { takeKeptPushes } from './pubsub.js';
import type { CommandStat, Stats } from './stats.js';

/** Commands a RESP2 client with subscriptions may still run. */
const PUBSUB_ALLOWED = new Set([
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'ping',
  'quit',
  'reset',
]);
/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * What call() checks of a command on every run, computed once per spec (flag lookups in the
 * spec's flag array and name sets would otherwise run per command).
 */
interface CallTraits {
  write: boolean;
  /** Redis's lookupKeyRead semantics for its key lookups (read commands, READ_LOOKUP_WRITES). */
  readLookup: boolean;
  /** Not fed to MONITOR (admin, skip_monitor). */
  noMonitor: boolean;
  /** Tracked for client-side caching (readonly, and not a read-only script). */
  tracked: boolean;
}

/**
 * A resolved command as dispatch makes it: one object per spec (and parent), made once, with its
 * traits, and the counters it last ran with (one node per process needs no lookup per call).
 */
interface Resolved extends ResolvedCommand {
  readonly traits: CallTraits;
  /** The Stats whose counters `stat` is (a command resolved once serves every node). */
  statsOf: Stats | undefined;
  stat: CommandStat | undefined;
}

/** The resolved command of every spec and subcommand spec, made once: resolving allocates nothing. */
const resolvedCache = new Map<CommandSpec, Resolved>();

function makeTraits(spec: CommandSpec, fullname: string): CallTraits {
  const flags = spec.flags;
  const write = flags.includes('write');
  return {
    write,
    readLookup: !write || READ_LOOKUP_WRITES.has(fullname),
    noMonitor: flags.includes('admin') || flags.includes('skip_monitor'),
    tracked: flags.includes('readonly') && !NOT_TRACKED.has(fullname),
  };
}

/** The one ResolvedCommand of `spec` (under `parent` for a subcommand). */
export function resolved(spec: CommandSpec, parent?: CommandSpec): ResolvedCommand {
  let r = resolvedCache.get(spec);
  if (r === undefined || r.parent !== parent) {
    const fullname = parent ? `${parent.name}|${spec.name}` : spec.name;
    r = { spec, fullname, parent, traits: makeTraits(spec, fullname), statsOf: undefined, stat: undefined };
    resolvedCache.set(spec, r);
  }
  return r;
}

function traitsOf(r: ResolvedCommand): CallTraits {
  return (r as Partial<Resolved>).traits ?? makeTraits(r.spec, r.fullname);
}

/** The node's counters of a command (INFO commandstats), kept on the resolved command between calls. */
function statOf(node: RedisNode, r: ResolvedCommand): CommandStat {
  const rr = r as Partial<Resolved>;
  const stats = node.stats;
  if (rr.statsOf === stats) return rr.stat as CommandStat;
  const stat = stats.command(r.fullname);
  if (rr.traits !== undefined) {
    rr.statsOf = stats;
    rr.stat = stat;
  }
  return stat;
}

/** A byte string as C's %s prints it: up to the first NUL. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Resolves a command and its subcommand, or returns the error Redis gives. */
export function resolveCommand(node: RedisNode, args: string[]): ResolvedCommand | string {
  const name = args[0] as string;
  const top = node.lookupResolved(name);
  // Redis formats these with %s: a name or argument is quoted up to its first NUL byte.
  if (top === undefined) {
    let list = '';
    for (let i = 1; i < args.length && list.length < 128; i++) list += `'${cString(args[i] as string).slice(0, 128 - list.length)}' `;
    return `ERR unknown command '${cString(name).slice(0, 128)}', with args beginning with: ${list}`;
  }
  const spec = top.spec;
  if (spec.subcommands && args.length >= 2) {
    const subName = (args[1] as string).toLowerCase();
    const sub = spec.subcommands.find((s) => s.name === subName);
    if (!sub) return `ERR unknown subcommand '${cString(args[1] as string).slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`;
    return resolved(sub, spec);
  }
  return top;
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** Rejects a command before it runs: the error is counted and, inside MULTI, dooms the transaction. */
function reject(node: RedisNode, c: Client, message: string, fullname?: string): void {
  if (fullname === 'exec') {
    // Redis's execCommandAbort: a rejected EXEC (arity, NOAUTH, subscribed mode) discards any
    // transaction, MULTI or not, and says why after EXECABORT (an "ERR " code is dropped).
    c.multi = undefined;
    node.watches.unwatchAll(c);
    c.reply.error(`EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`);
  } else c.reply.error(message);
  if (fullname) node.stats.command(fullname).rejectedCalls++;
  if (c.multi) c.multi.dirty = true;
}

/**
 * Hooks a node's faults and journal (src/faults/) install while they need them; with none set,
 * dispatch pays one property read per command.
 */
export interface DispatchHooks {
  /**
   * Before a command read from a client is queued or run, at the point of Redis's busy-script
   * check: a string is a rejection (Redis's rejectCommand: counted, dooms MULTI), true means the
   * hook answered or parked the command itself, false lets it go on. `queued`: MULTI will queue it.
   */
  before(c: Client, r: ResolvedCommand, args: string[], queued: boolean): string | boolean;
  /** After a command read from a client ran (not queued); `mark` is where its reply starts. */
  after(c: Client, r: ResolvedCommand, args: string[], mark: number): void;
  /** After every command read from a client, run, queued or rejected (the journal). */
  record(c: Client, args: string[], mark: number, t0: number): void;
}

/**
 * Entry point for a command read from a client. The node's clock is held while it runs (see
 * Clock.hold): one reading of the time per command, as Redis's call() caches it.
 */
export function execute(node: RedisNode, c: Client, args: string[]): void {
  const clock = node.clock;
  clock.hold();
  try {
    executeHeld(node, c, args);
  } finally {
    clock.release();
  }
}

function executeHeld(node: RedisNode, c: Client, args: string[]): void {
  c.lastInteraction = node.clock.now();
  const mark = c.reply.length;
  const t0 = node.dispatchHooks ? performance.now() : -1;
  if (c.replyMode !== 'on') takeKeptPushes(c); // frames kept by an earlier command were sent already
  node.depth++;
  try {
    dispatch(node, c, args);
  } finally {
    node.depth--;
  }
  node.dispatchHooks?.record(c, args, mark, t0);
  // CLIENT REPLY OFF|SKIP: the command ran, its reply is dropped (pub/sub frames are kept).
  if (c.replyMode !== 'on') {
    if (c.replyMode === 'off') {
      c.reply.truncate(mark);
      c.reply.raw(takeKeptPushes(c));
    } else if (c.replyMode === 'skip') {
      c.reply.truncate(mark);
      c.reply.raw(takeKeptPushes(c));
      c.replyMode = 'on';
    } else c.replyMode = 'skip';
  }
  // CLIENT CACHING holds for the next command (or transaction) only.
  if (c.tracking?.caching && !c.multi && !c.lastCommand.startsWith('client|')) c.tracking.caching = false;
  if (node.depth === 0) {
    node.propagation.flush();
    // processCommand: c->woff = master_repl_offset after a command that ran (not queued or refused).
    if (ranTopLevel && node.replication) c.woff = node.replication.offset();
    ranTopLevel = false;
    node.afterCommand();
  }
}

/** Whether the command execute() is dispatching at depth 1 was called (for woff). */
let ranTopLevel = false;

function dispatch(node: RedisNode, c: Client, args: string[]): void {
  const r = resolveCommand(node, args);
  // processCommand sets c->lastcmd (CLIENT LIST's cmd=) for every command read from the client,
  // queued or rejected ones included; commands EXEC runs leave it at exec. NULL when unknown.
  c.lastCommand = typeof r === 'string' ? 'NULL' : r.fullname;
  if (typeof r === 'string') return reject(node, c, r);
  const { spec, fullname } = r;
  if (!arityOk(spec, args.length)) return reject(node, c, WRONG_ARITY(fullname), fullname);
  if (!c.authenticated && node.acl.authRequired(c) && !spec.flags.includes('no_auth')) {
    return reject(node, c, 'NOAUTH Authentication required.', fullname);
  }
  if (c.multi && spec.flags.includes('no_multi')) return reject(node, c, 'ERR Command not allowed inside a transaction', fullname);
  // ACL (src/acl/enforce.ts, through node.acl): a user allowed every command, key and channel
  // costs this one test.
  if (c.user.restricted) {
    const denied = node.acl.deny(c, r, args);
    if (denied !== undefined) return reject(node, c, denied, fullname);
  }
  // maxmemory (Redis's performEvictions before any command): evict, or refuse with OOM.
  if (node.eviction.limit > 0 && !node.eviction.admit(c, r, args)) return reject(node, c, OOM_ERROR, fullname);
  // Replication's checks (READONLY replica, MASTERDOWN, NOREPLICAS): topology/replication.ts.
  if (node.replication) {
    const refused = node.replication.guard(c, r, args);
    if (refused !== undefined) return reject(node, c, refused, fullname);
  }
  if (c.inPubSubMode && !PUBSUB_ALLOWED.has(r.parent ? r.parent.name : spec.name)) {
    return reject(
      node,
      c,
      `ERR Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      fullname,
    );
  }
  const hooks = node.dispatchHooks;
  if (hooks) {
    const verdict = hooks.before(c, r, args, c.multi !== undefined && !MULTI_IMMEDIATE.has(spec.name));
    if (typeof verdict === 'string') return reject(node, c, verdict, fullname);
    if (verdict) return;
  }
  // CLIENT PAUSE: the client waits (blocked) until the pause ends, then this command runs again.
  if (postponeIfPaused(node, c, spec, args)) return;
  if (c.multi && !MULTI_IMMEDIATE.has(spec.name)) {
    // Redis's queueMultiCommand keeps the queued commands' flags (a script's as known now) for
    // EXEC; a transaction already doomed queues nothing more (CLIENT LIST's multi= stays).
    if (!c.multi.dirty) {
      c.multi.queue.push(args);
      c.multi.argvBytes = (c.multi.argvBytes ?? 0) + argvMem(args);
      if (!c.multi.denyoom && commandIsDenyoom(node, r, args)) c.multi.denyoom = true;
      if (!c.multi.write && commandIsWrite(node, r, args)) c.multi.write = true;
    }
    c.reply.raw('+QUEUED\r\n');
    return;
  }
  const callMark = c.reply.length;
  if (node.depth === 1) ranTopLevel = true;
  call(node, c, r, args);
  if (c.blockRequest && !c.noBlock) node.blocking.block(c, args);
  c.blockRequest = undefined;
  hooks?.after(c, r, args, callMark);
}

/** Resolves, validates and runs a command with no queueing (EXEC, blocked retries). */
export function runCommand(node: RedisNode, c: Client, args: string[]): void {
  const r = resolveCommand(node, args);
  if (typeof r === 'string') return reject(node, c, r);
  if (!arityOk(r.spec, args.length)) return reject(node, c, WRONG_ARITY(r.fullname), r.fullname);
  call(node, c, r, args);
}

/**
 * Write commands whose Redis 7.0 implementation reads their (source) keys with lookupKeyRead, so a
 * missing key counts in keyspace_misses and fires "keymiss" as for a read command (SET only with
 * GET, see setGetLookup). Their destination keys are never looked up through lookupTouch.
 */
const READ_LOOKUP_WRITES = new Set([
  'getdel',
  'getex',
  'getset',
  'sinterstore',
  'sunionstore',
  'sdiffstore',
  'zunionstore',
  'zinterstore',
  'zdiffstore',
  'zrangestore',
  'sort',
  'copy',
  'xack',
  'xclaim',
  'xautoclaim',
  'xreadgroup',
  'georadius',
  'georadiusbymember',
  'geosearchstore',
]);

/** Read-only scripts: the commands they run are tracked, not the script's declared keys. */
const NOT_TRACKED = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/**
 * The reply the last call() ended on and its error count then (Redis's prev_err_count in
 * incrCommandStatsOnError): a command counts as failed for errors after its nested calls, so EXEC
 * is not failed for the errors of its queued commands (each counts its own).
 */
let lastCallReply: Client['reply'] | undefined;
let lastCallErrors = 0;

/**
 * The reply to an exception a command's handler threw: a RedisError is the command's error reply;
 * anything else is a defect, logged and answered as an internal error (the server stays up).
 */
export function replyCommandError(node: RedisNode, c: Client, fullname: string, e: unknown): void {
  if (e instanceof RedisError) c.reply.error(e.message);
  else {
    node.log('warning', `internal error in ${fullname}: ${(e as Error)?.stack ?? e}`);
    c.reply.error(`ERR internal error in '${fullname}': ${(e as Error)?.message ?? e}`);
  }
}

/** Runs a resolved command's handler, with stats, error replies and MONITOR feeding. */
export function call(node: RedisNode, c: Client, r: ResolvedCommand, args: string[]): void {
  const { spec, fullname } = r;
  const handler = spec.handler;
  const traits = traitsOf(r);
  const stat = statOf(node, r);
  const errorsBefore = c.reply.errors;
  // usec is measured for commands from connections; commands a script runs (on its fake client,
  // which has no transport) are counted without a clock reading, as they are the hot path of EVAL.
  const t0 = c.transport === undefined ? -1 : performance.now();
  const outerRead = node.readCommand;
  node.readCommand = traits.readLookup;
  const frame = node.propagation.enter();
  if (!handler) {
    c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${fullname}'`);
  } else {
    try {
      handler(c, args);
    } catch (e) {
      replyCommandError(node, c, fullname, e);
    }
  }
  node.readCommand = outerRead;
  // Client-side caching: a read-only command's keys are remembered for a tracking client.
  if (node.tracking.clients > 0 && c.tracking && traits.tracked) {
    node.tracking.rememberKeys(c, spec, args);
  }
  node.propagation.leave(c, r, args, frame);
  // maxmemory: re-measure the keys a write command names (nothing to do without a limit).
  if (node.eviction.limit > 0 && traits.write) node.eviction.measureKeys(c.db, spec, args, keyPositions);
  stat.calls++;
  const usec = t0 >= 0 ? Math.round((performance.now() - t0) * 1000) : -1;
  if (usec >= 0) stat.usec += usec;
  const errorsMark = lastCallReply === c.reply && lastCallErrors > errorsBefore ? lastCallErrors : errorsBefore;
  if (c.reply.errors > errorsMark) stat.failedCalls++;
  lastCallReply = c.reply;
  lastCallErrors = c.reply.errors;
  node.stats.totalCommands++;
  if (node.monitors.size > 0 && !traits.noMonitor) node.feedMonitors(c, args);
  for (const observe of callObservers) observe(node, c, r, args, usec, stat);
}

/**
 * Observers of every finished call (SLOWLOG, LATENCY HISTOGRAM), given its measured duration in µs,
 * or -1 for a command a script ran (not timed), and the command's counters (already counting this
 * call). A call that ended blocked has c.blockRequest set.
 */
export const callObservers: ((node: RedisNode, c: Client, r: ResolvedCommand, args: string[], usec: number, stat: CommandStat) => void)[] =
  [];
