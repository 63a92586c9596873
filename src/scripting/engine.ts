/**
 * The scripting engine of one node: its Lua state (globals protected as Redis's), the script
 * cache by SHA1, and running a script for a client (EVAL family; FCALL reuses `run`).
 *
 * A script runs with a fake client that shares the caller's database and never blocks
 * (blocking commands answer their timeout reply at once). Clients woken by the script's writes
 * are served by the top-level dispatcher after the script.
 *
 * Long scripts: scripts and functions are compiled in sliced mode (lua/compiler.ts), where every
 * Lua function is a generator. Compiled code decrements an instruction budget on every loop
 * iteration and function call; when it runs out the engine looks at the real time, and after
 * SLICE_MS the code yields SLICE up to the driver here, which returns to the event loop and runs
 * the next slice from setImmediate, keeping the interpreter's registers, the run context and the
 * caller (blocked with no keys meanwhile). The node is then busy as Redis is while a script runs
 * (faults/slow-script.ts: held, then BUSY, SCRIPT KILL / FUNCTION KILL, UNKILLABLE) and runs no
 * time event, serves no blocked client and propagates nothing until the script's end
 * (node.beginLongCommand / endLongCommand). A script that cannot wait for the event loop (in
 * MULTI/EXEC, in-process) or is stuck in a C boundary is stopped past busy-reply-threshold.
 */
import { Client } from '../engine/client.js';
import { RedisError } from '../engine/errors.js';
import { scriptCacheInfo } from '../engine/info.js';
import type { RedisNode } from '../engine/node.js';
import { faultsOf } from '../faults/faults.js';
import { noteScriptLine, SLOW_EVAL_ERR, SLOW_FUNCTION_ERR, simulatingSlowScript } from '../faults/slow-script.js';
import { cachedScriptBytes, evalCacheBytes } from './cache-memory.js';
import { errorNoStats, errorTable, luaToReply } from './conversions.js';
import { evalShebang, registerScriptFlagsLookup } from './flags.js';
import { installExtraLibs } from './libs.js';
import { LuaSyntaxError } from './lua/lexer.js';
import { toLuaError } from './lua/lib-base.js';
import { Rand48 } from './lua/lib-math.js';
import {
  type CoFunction,
  EMPTY,
  LuaError,
  type LuaFunction,
  type LuaGen,
  LuaTable,
  type LuaValue,
  rawToString,
  S,
  SLICE,
  sourceLine,
  tarray,
  where,
} from './lua/runtime.js';
import { LuaState, protectRecursively } from './lua/state.js';
import { createRedisTable, type RunContext, sha1hex } from './redis-api.js';

export { evalShebang, sha1hex };

/** How long a slice runs before the script gives the event loop back (ms of real time). */
const SLICE_MS = 5;
/**
 * How long a script that could slice may be stuck where it cannot (inside a C boundary) before
 * the busy-reply-threshold guard stops it: long enough for any finite sort or gsub callback.
 */
const STUCK_MS = 1000;

const YIELD_ACROSS = 'attempt to yield across metamethod/C-call boundary';

/** SCRIPT KILL's error inside the script: uncatchable, as Redis re-raises it on every line. */
function killError(): LuaError {
  return new LuaError(errorTable('Script killed by user with SCRIPT KILL...'), S.L, true);
}

/** A script running in slices: its generator and what its slices share. */
interface SlicedRun {
  it: LuaGen;
  ctx: RunContext;
  caller: Client;
  opts: RunOptions;
  /** SCRIPT KILL / FUNCTION KILL asked for its end. */
  killed: boolean;
  /** The node stopped under it. */
  aborted: boolean;
  /** The runtime's registers between two slices. */
  saved: Registers | undefined;
  /** Real time at its first suspension (the rest of its duration counts in commandstats). */
  suspendedAt: number;
  /** The command that runs it, for commandstats ("eval", "fcall", ...). */
  statName: string;
}

/** The runtime registers a slice leaves (other scripts, of other nodes, may run in between). */
interface Registers {
  L: number;
  M: boolean;
  N: string | undefined;
  chunk: string;
  co: boolean;
  st: number[];
  d: number;
  B: number;
}

function saveRegisters(): Registers {
  return { L: S.L, M: S.M, N: S.N, chunk: S.chunk, co: S.co, st: S.st.slice(0, S.d + 1), d: S.d, B: S.B };
}

function restoreRegisters(r: Registers): void {
  S.L = r.L;
  S.M = r.M;
  S.N = r.N;
  S.chunk = r.chunk;
  S.co = r.co;
  for (let i = 0; i < r.st.length; i++) S.st[i] = r.st[i] as number;
  S.d = r.d;
  S.B = r.B;
}

interface Script {
  body: string;
  fn: LuaFunction;
  readOnly: boolean;
  /** The shebang's flags; undefined for a script without one (compat mode). */
  flags: string[] | undefined;
}

export interface RunOptions {
  funcname: string;
  source: string;
  chunk: string;
  readOnly: boolean;
  /** Function mode: keys and args are passed as arguments instead of KEYS/ARGV globals. */
  asFunction?: boolean;
  /**
   * The script's declared flags (a function's, or an EVAL shebang's); undefined runs in compat
   * mode. For EVAL scripts it may be left out: the cached script of SHA `funcname` gives it.
   */
  flags?: readonly string[];
  /** Run by a *_RO command (for EVAL scripts left out: `readOnly` on a script without no-writes). */
  ro?: boolean;
  /** The command that runs the script (FUNCTION STATS's running_script.command while it runs in slices). */
  argv?: readonly string[];
}

/** scriptPrepareForRun's refusal of a script with flags but without allow-oom when out of memory. */
const OOM_ALLOW_ERROR = "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";

const generators = new WeakMap<RedisNode, Rand48>();

/** The node's math.random generator (rand.c's state is per server: SCRIPT FLUSH keeps it). */
function rngOf(node: RedisNode): Rand48 {
  let r = generators.get(node);
  if (!r) {
    r = new Rand48();
    generators.set(node, r);
  }
  return r;
}

export class ScriptEngine {
  readonly lua: LuaState;
  readonly scripts = new Map<string, Script>();
  /** The cached scripts' own bytes as Redis counts them (lua_scripts_mem, for INFO memory). */
  scriptBytes = 0;
  readonly fake: Client;
  running: RunContext | undefined;

  constructor(readonly node: RedisNode) {
    this.lua = new LuaState(rngOf(node));
    this.fake = new Client(node, undefined, { fake: true, script: true });
    const G = this.lua.G;
    G.set(
      'redis',
      createRedisTable(node, () => this.running),
    );
    installExtraLibs(G);
    // Reading a missing global is an error; the globals and every library are read-only.
    const mt = new LuaTable();
    mt.set('__index', (_t: LuaValue, k: LuaValue) => {
      throw new LuaError(`${where(S.L)} Script attempted to access nonexistent global variable '${rawToString(k)}'`, S.L);
    });
    G.mt = mt;
    protectRecursively(G);
  }

  /**
   * The budget hook (runtime.ts's tick, every 100,000 loop iterations or calls). The slice's
   * clock starts at the first check, not at the script's start: the first 100,000 steps take a
   * few milliseconds, and a script that never gets there costs no clock reading.
   *
   * - A SCRIPT KILL / FUNCTION KILL of this script raises its error (uncatchable).
   * - A script that may give the event loop back ends its slice after SLICE_MS (true).
   * - Otherwise (inside MULTI/EXEC, called in-process, or inside a C boundary where a slice cannot
   *   end: a metamethod, a sort comparator, a gsub callback, a for-in iterator, a coroutine), the
   *   event loop cannot be reached: past busy-reply-threshold since the loop last had it (and at
   *   least STUCK_MS for a script that could slice), the script is stopped with an error.
   */
  private sliceStart = -1;
  private canSlice = false;
  private readonly onBudget = (): boolean => {
    S.B = 100000;
    const run = this.current;
    if (run?.killed) throw killError();
    const now = performance.now();
    if (this.sliceStart < 0) {
      this.sliceStart = now;
      return false;
    }
    const spent = now - this.sliceStart;
    const threshold = this.node.config.getInt('busy-reply-threshold');
    if (threshold > 0 && spent > threshold && (!this.canSlice || spent > STUCK_MS)) {
      throw new LuaError(
        errorTable(
          `-ERR Script stopped after running longer than busy-reply-threshold (${threshold} ms) where it cannot give the event loop back (inside MULTI/EXEC, an in-process call, a metamethod, a sort comparator, a gsub callback, an iterator or a coroutine), so SCRIPT KILL cannot reach it`,
        ),
        S.L,
        true,
      );
    }
    if (!this.canSlice || spent < SLICE_MS) return false;
    // The slice should end. Where it cannot (a C boundary), the request is dropped and asked
    // again after a prime number of steps, so that a loop whose checks alternate between a C
    // boundary and the main thread (resuming a coroutine in a loop) is not always asked inside.
    S.B = 99991;
    return true;
  };

  /** Compiles an EVAL script body (cached by SHA1); throws Redis's compile error. */
  compile(body: string, sha = sha1hex(body)): Script {
    const cached = this.scripts.get(sha);
    if (cached) return cached;
    const flags = evalShebang(body);
    const src = flags ? `--${body.slice(2)}` : body;
    let fn: LuaFunction;
    try {
      fn = this.lua.load(src, 'user_script', this.lua.G, true);
    } catch (e) {
      if (e instanceof LuaSyntaxError) throw new RedisError(`ERR Error compiling script (new function): ${e.message}`);
      throw e;
    }
    const s = { body, fn, readOnly: flags?.includes('no-writes') ?? false, flags };
    this.scripts.set(sha, s);
    this.scriptBytes += cachedScriptBytes(body);
    return s;
  }

  /** Runs `fn` for client `c`; writes the reply (or Redis's error) to `c`. */
  run(c: Client, fn: LuaFunction, keys: string[], args: string[], opts: RunOptions): void {
    // Redis 7.0.15's scriptPrepareForRun, for a script with flags (a compat-mode script is
    // checked per redis.call instead): without no-writes, a *_RO command refuses it; then, when
    // the command started out of memory (pre_command_oom_state), one without allow-oom or
    // no-writes is refused. The dispatcher refuses such scripts up front as denyoom, so this
    // second error is only seen when the flags were not known then (EVALSHA or FCALL queued in
    // MULTI before SCRIPT LOAD / FUNCTION LOAD of the same transaction).
    let flags = opts.flags;
    let ro = opts.ro ?? false;
    if (flags === undefined && !opts.asFunction) {
      flags = this.scripts.get(opts.funcname)?.flags;
      ro = opts.readOnly && flags !== undefined && !flags.includes('no-writes');
    }
    if (flags !== undefined) {
      const noWrites = flags.includes('no-writes');
      if (!noWrites && ro) {
        c.reply.error('ERR Can not execute a script with write flag using *_ro command.');
        return;
      }
      const ev = this.node.eviction;
      if (ev.limit > 0 && ev.preCommandOomState && !noWrites && !flags.includes('allow-oom')) {
        c.reply.error(OOM_ALLOW_ERROR);
        return;
      }
    }
    if (this.current !== undefined) {
      // Another script of this node is between two slices: only an in-process call gets here
      // (clients are held or answered BUSY by dispatch).
      c.reply.error(opts.asFunction ? SLOW_FUNCTION_ERR : SLOW_EVAL_ERR);
      return;
    }
    const fake = this.fake;
    fake.db = c.db;
    fake.resp = 2;
    fake.noBlock = true;
    fake.reply.out = '';
    const ctx: RunContext = {
      caller: c,
      fake,
      readOnly: opts.readOnly,
      funcname: opts.funcname,
      source: opts.source,
      // allow-oom counts only for a script with flags (a compat-mode script cannot declare it).
      allowOom: flags?.includes('allow-oom') ?? false,
      writeDirty: false,
      keys,
    };
    const G = this.lua.G;
    this.running = ctx;
    S.chunk = opts.chunk;
    S.L = 0;
    S.d = 0;
    S.co = (fn as CoFunction).g !== undefined;
    S.B = 100000;
    this.sliceStart = -1;
    // A script may end slices only when its caller can wait for it: a client on a connection,
    // outside MULTI/EXEC (c.noBlock) and outside a simulated slow script's run.
    this.canSlice = c.transport !== undefined && !c.noBlock && !c.closed && !simulatingSlowScript();
    S.onBudget = this.onBudget;
    let run: SlicedRun | undefined;
    try {
      const K = tarray(keys);
      const A = tarray(args);
      const g = (fn as CoFunction).g;
      if (g === undefined) {
        let result: LuaValue[];
        if (opts.asFunction) result = fn(K, A);
        else {
          G.set('KEYS', K);
          G.set('ARGV', A);
          result = fn();
        }
        luaToReply(c.reply, result[0], fake.resp);
      } else {
        let it: LuaGen;
        if (opts.asFunction) it = g(K, A);
        else {
          G.set('KEYS', K);
          G.set('ARGV', A);
          it = g();
        }
        run = { it, ctx, caller: c, opts, killed: false, aborted: false, saved: undefined, suspendedAt: 0, statName: c.lastCommand };
        this.current = run;
        const result = this.step(run);
        if (result === undefined) {
          this.suspend(run);
          return;
        }
        luaToReply(c.reply, result[0], fake.resp);
      }
    } catch (e) {
      this.replyError(c, e, ctx);
    }
    this.ended(ctx);
  }

  /** The run whose generator is being driven or waits between two slices. */
  private current: SlicedRun | undefined;

  /**
   * Drives a run until its script returns (its results) or ends a slice it may end (undefined).
   * A coroutine.yield that reaches the top is the main thread's error, as in Lua 5.1.
   */
  private step(run: SlicedRun): LuaValue[] | undefined {
    const it = run.it;
    let r = run.killed ? it.throw(killError()) : it.next(EMPTY);
    for (;;) {
      if (r.done === true) return r.value;
      if (r.value === SLICE) {
        if (this.canSlice) return undefined;
        r = it.next(EMPTY);
      } else r = it.throw(new LuaError(YIELD_ACROSS, S.L));
    }
  }

  /** The caller's error reply for a script that raised `e`. */
  private replyError(c: Client, e: unknown, ctx: RunContext): void {
    const le = toLuaError(e);
    const v = le.value;
    errorNoStats(c.reply, this.errorText(le, ctx), v instanceof LuaTable && v.getStr('ignore_error_stats_update') === true);
  }

  /** A script's run is over (replied): the engine is free again. */
  private ended(ctx: RunContext): void {
    // Where the script was when it ended (a simulated slow script "is" there while busy).
    noteScriptLine(sourceLine(S.L, ctx.source)[1]);
    this.running = undefined;
    this.current = undefined;
    this.fake.reply.out = '';
  }

  /**
   * The script ran past its first slice: it goes on in slices, each started from the event loop
   * (setImmediate), so other clients are served in between as Redis serves them while a script
   * runs: nothing before busy-reply-threshold (their commands wait), then BUSY for all but the
   * allow-busy commands (faults/slow-script.ts). Meanwhile the node runs no timer and serves no
   * blocked client (node.beginLongCommand), and the script's propagation waits for its end.
   * The caller waits, blocked with no keys, and gets the script's reply when it ends.
   */
  private suspend(run: SlicedRun): void {
    const c = run.caller;
    const node = this.node;
    run.saved = saveRegisters();
    run.suspendedAt = performance.now();
    node.beginLongCommand();
    c.blockRequest = { keys: [], timeoutAt: 0, onTimeout: () => {}, args: run.opts.argv ? [...run.opts.argv] : [] };
    node.blocking.block(c, []);
    faultsOf(node).scripts.startReal({
      client: c,
      isEval: !run.opts.asFunction,
      name: run.opts.funcname,
      args: run.opts.argv ?? [],
      wrote: () => run.ctx.writeDirty,
      line: () => sourceLine(run.saved?.L ?? S.L, run.ctx.source)[1],
      kill: () => {
        run.killed = true;
      },
      abort: () => {
        run.aborted = true;
        node.abortLongCommand();
        this.current = undefined;
        this.running = undefined;
      },
    });
    setImmediate(() => this.nextSlice(run));
  }

  /** Runs the next slice of a suspended run (from the event loop). */
  private nextSlice(run: SlicedRun): void {
    // The node stopped (SHUTDOWN NOSAVE, a kill): the script is gone with it, unanswered.
    if (run.aborted) return;
    restoreRegisters(run.saved as Registers);
    S.onBudget = this.onBudget;
    this.running = run.ctx;
    this.current = run;
    this.canSlice = true;
    this.sliceStart = performance.now();
    const c = run.caller;
    const errorsBefore = c.reply.errors;
    let done = true;
    try {
      const result = this.step(run);
      if (result === undefined) {
        done = false;
        run.saved = saveRegisters();
      } else luaToReply(c.reply, result[0], this.fake.resp);
    } catch (e) {
      this.replyError(c, e, run.ctx);
    }
    if (!done) {
      setImmediate(() => this.nextSlice(run));
      return;
    }
    // The command was counted in commandstats when its first slice ended: an error now makes
    // it a failed call, as it would have been had it ended then.
    if (c.reply.errors > errorsBefore) this.node.stats.command(run.statName).failedCalls++;
    this.finishAsync(run);
  }

  /**
   * The end of a script that ran in slices: its reply goes to the caller (unblocked), then the
   * after-command work that call() does for a script, once: its effects are propagated (wrapped
   * in MULTI/EXEC), blocked clients its writes made ready are served, the timers that fell due
   * fire, and the commands that waited run (or get BUSY no more).
   */
  private finishAsync(run: SlicedRun): void {
    const c = run.caller;
    const node = this.node;
    this.ended(run.ctx);
    const stat = node.stats.command(run.statName);
    stat.usec += Math.round((performance.now() - run.suspendedAt) * 1000);
    faultsOf(node).scripts.endReal(c);
    // The reply is already in the caller's output (nothing else wrote there while it waited).
    if (c.blocked) node.blocking.unblock(c);
    else c.flush();
    node.endLongCommand();
  }

  /**
   * Redis 7.0's error reply for a failed script: "<msg> script: <name>, on <source>:<line>.".
   * Lua's memory error skips the error handler that builds that table: luaCallFunction replies
   * "Error running script <name>, <message>" for an error that is not a table.
   */
  private errorText(le: LuaError, ctx: RunContext): string {
    if (le.memory) return `ERR Error running script ${ctx.funcname}, ${rawToString(le.value).slice(0, 100)}`;
    const v = le.value;
    let msg: string;
    if (v instanceof LuaTable) {
      const err = v.getStr('err');
      msg = typeof err === 'string' ? err : typeof err === 'number' ? rawToString(err) : '(null)';
    } else {
      msg = `ERR ${rawToString(v)}`;
    }
    const [source, line] = sourceLine(le.line, ctx.source);
    return `${msg} script: ${ctx.funcname}, on ${source}:${line}.`;
  }
}

const engines = new WeakMap<RedisNode, ScriptEngine>();

// The dispatcher's view of cached scripts' flags (EVALSHA's denyoom before it runs).
registerScriptFlagsLookup((node, sha) => engines.get(node)?.scripts.get(sha)?.flags);

// INFO memory's number_of_cached_scripts and used_memory_scripts_eval.
scriptCacheInfo.eval = (node) => {
  const e = engines.get(node);
  return e ? { scripts: e.scripts.size, bytes: evalCacheBytes(e.scripts.size, e.scriptBytes) } : { scripts: 0, bytes: 0 };
};

export function engineOf(node: RedisNode): ScriptEngine {
  let e = engines.get(node);
  if (!e) {
    e = new ScriptEngine(node);
    engines.set(node, e);
  }
  return e;
}

/**
 * SCRIPT FLUSH: a fresh Lua state for the node (functions are kept: they live elsewhere). State a
 * script leaves in the Lua state goes with it, as in Redis: the global cjson's configuration
 * (lib-cjson.ts keeps it with the module table) and collectgarbage's pause and step multiplier.
 */
export function resetEngine(node: RedisNode): void {
  engines.delete(node);
}
