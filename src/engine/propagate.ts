/**
 * The replication stream a node produces: the effects Redis 7.0 propagates (server.c's call(),
 * alsoPropagate and propagatePendingCommands), handed to ONE sink after each execution unit.
 * The engine knows no replica, socket or backlog; topology/ installs the sink.
 *
 * - A command is propagated when it changed the dataset (server.dirty grew during its call), or
 *   when it forces propagation (FLUSHALL/FLUSHDB on an empty dataset, PUBLISH), unless it
 *   prevented it (SPOP with a count, XREADGROUP, XCLAIM, scripts: they propagate their effects).
 *   EXEC is never propagated itself: the commands it ran are.
 * - A command propagates its argv, or what its handler rewrote it to (rewriteClientCommandVector:
 *   EXPIRE as PEXPIREAT, SET EX as SET PXAT, BLPOP as LPOP, INCRBYFLOAT as SET KEEPTTL...).
 *   Extra effects (alsoPropagate: an expired key's DEL, SPOP's SREMs, XREADGROUP's XCLAIMs) go in
 *   the order they happen, before the command's own argv (which is added when its call ends).
 * - At the end of an execution unit (a command from a client, EXEC, a script, one served blocked
 *   client) the ops are flushed: more than one op is wrapped in MULTI ... EXEC, with MULTI in the
 *   first op's database and EXEC in the last one's. Active expiry and eviction flush their DELs
 *   unwrapped (propagate_no_multi), and so do RANDOMKEY and SCAN (CMD_TOUCHES_ARBITRARY_KEYS).
 * - Deleting an expired key propagates DEL, or UNLINK with lazyfree-lazy-expire yes; an evicted
 *   key DEL or UNLINK per lazyfree-lazy-eviction.
 */
import type { Client } from './client.js';
import type { ResolvedCommand } from './command.js';
import type { Database } from './database.js';
import type { RedisNode } from './node.js';

/** One propagated command: the database it applies to and its arguments. */
export interface PropagatedOp {
  db: number;
  argv: string[];
}

/** Commands that never propagate themselves (their effects are propagated as they happen). */
const SELF_SILENT = new Set(['exec', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
/** CMD_TOUCHES_ARBITRARY_KEYS: their lazy-expiry DELs are not wrapped in a transaction. */
const ARBITRARY_KEYS = new Set(['randomkey', 'scan']);

/** The per-call state a nested call saves and restores. */
interface SavedCall {
  dirty: number;
  rewritten: string[] | undefined;
  prevented: boolean;
  forced: boolean;
}

/** A call's place on the stack of saved states (what enter() returns and leave() takes). */
export type CallFrame = number;

export class Propagation {
  /**
   * The sink: receives the ops of each execution unit, MULTI/EXEC wrapping done. Unset (the
   * default) means nobody listens and nothing is collected.
   */
  sink: ((ops: PropagatedOp[]) => void) | undefined;
  /** Set on a replica's link to its master: commands it applies are not propagated again. */
  private pending: PropagatedOp[] = [];
  private rewritten: string[] | undefined;
  private prevented = false;
  private forced = false;
  private noMulti = false;
  /**
   * The saved states of the calls in progress, by nesting depth: reused from call to call, so a
   * command allocates nothing here. `depth` is the next free slot.
   */
  private readonly saved: SavedCall[] = [];
  private depth = 0;

  /** True while a script runs in slices: its ops wait for its end (one execution unit). */
  private held = false;

  constructor(private readonly node: RedisNode) {}

  /** Holds flush() (a script running in slices) or releases it. */
  hold(on: boolean): void {
    this.held = on;
  }

  /** Drops the pending ops (the node stopped in the middle of a script). */
  discard(): void {
    this.pending = [];
    this.noMulti = false;
  }

  get active(): boolean {
    return this.sink !== undefined;
  }

  /** alsoPropagate: an extra op, in the order effects happen. */
  also(db: number, argv: string[]): void {
    if (this.sink) this.pending.push({ db, argv });
  }

  /** rewriteClientCommandVector: the running command propagates as `argv` instead. */
  rewrite(argv: string[]): void {
    if (this.sink) this.rewritten = argv;
  }

  /** preventCommandPropagation: the running command's own argv is not propagated. */
  prevent(): void {
    this.prevented = true;
  }

  /** forceCommandPropagation: propagate the running command even if nothing changed. */
  force(): void {
    this.forced = true;
  }

  /** An expired key was deleted (lazily or actively): DEL, or UNLINK per lazyfree-lazy-expire. */
  expired(db: Database, key: string): void {
    if (this.sink) this.also(db.index, [this.node.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
  }

  /** An evicted key: DEL, or UNLINK per lazyfree-lazy-eviction. Flushed unwrapped by the evictor. */
  evicted(db: Database, key: string): void {
    if (this.sink) this.also(db.index, [this.node.config.get('lazyfree-lazy-eviction') === 'yes' ? 'UNLINK' : 'DEL', key]);
  }

  /** Starts a call: saves the outer call's state; returns where, for leave(). */
  enter(): CallFrame {
    const d = this.depth++;
    let f = this.saved[d];
    if (f === undefined) {
      f = { dirty: 0, rewritten: undefined, prevented: false, forced: false };
      this.saved[d] = f;
    }
    f.dirty = this.node.stats.dirty;
    f.rewritten = this.rewritten;
    f.prevented = this.prevented;
    f.forced = this.forced;
    this.rewritten = undefined;
    this.prevented = false;
    this.forced = false;
    return d;
  }

  /**
   * Ends a call: adds the command's own op when it changed the dataset, and restores the outer
   * call's state. A call that never left (an exception) is dropped with it: the stack is cut here.
   */
  leave(c: Client, r: ResolvedCommand, args: string[], d: CallFrame): void {
    const frame = this.saved[d] as SavedCall;
    const dirty = this.node.stats.dirty - frame.dirty;
    if (
      this.sink &&
      !c.fromMaster &&
      (dirty > 0 || this.forced) &&
      !this.prevented &&
      !SELF_SILENT.has(r.parent ? r.parent.name : r.spec.name)
    ) {
      this.pending.push({ db: c.db.index, argv: this.rewritten ?? args });
    }
    if (ARBITRARY_KEYS.has(r.spec.name) && c.transport !== undefined) this.noMulti = true;
    this.rewritten = frame.rewritten;
    this.prevented = frame.prevented;
    this.forced = frame.forced;
    frame.rewritten = undefined;
    this.depth = d;
  }

  /**
   * A command whose work ran after its call ended (it waited for the Lua engine to load): its
   * argv is propagated now if that work changed the dataset, as call() would have.
   */
  ranLater(c: Client, args: string[], dirtyBefore: number): void {
    if (!this.sink || c.fromMaster || this.node.stats.dirty <= dirtyBefore) return;
    if (SELF_SILENT.has((args[0] ?? '').toLowerCase())) return;
    this.pending.push({ db: c.db.index, argv: args });
  }

  /**
   * Ends an execution unit: hands the pending ops to the sink, wrapped in MULTI/EXEC when more
   * than one and `wrap` (false for active expiry and eviction, propagate_no_multi).
   */
  flush(wrap = true): void {
    if (this.held) return;
    const ops = this.pending;
    const noMulti = this.noMulti;
    this.noMulti = false;
    if (ops.length === 0 || !this.sink) return;
    this.pending = [];
    if (ops.length > 1 && wrap && !noMulti) {
      ops.unshift({ db: (ops[0] as PropagatedOp).db, argv: ['MULTI'] });
      ops.push({ db: (ops[ops.length - 1] as PropagatedOp).db, argv: ['EXEC'] });
    }
    this.sink(ops);
  }
}

/**
 * What topology/ plugs into a node that takes part in replication (node.replication): INFO's
 * replication section, ROLE, the checks processCommand makes for replication (READONLY,
 * MASTERDOWN, NOREPLICAS) and shutdown. Unset, the node is a lone master.
 */
export interface ReplicationHooks {
  infoFields(): [string, string | number][];
  role(c: Client): void;
  /** The error that refuses this command, or undefined to run it. */
  guard(c: Client, r: ResolvedCommand, args: string[]): string | undefined;
  /** Why a write inside a script is refused now (READONLY, NOREPLICAS), or undefined. */
  scriptWriteRefusal(caller: Client): string | undefined;
  /** master_repl_offset (a client's woff after each command). */
  offset(): number;
  stop(): void;
}
