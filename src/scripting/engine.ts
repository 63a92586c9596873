/**
 * The scripting engine of one node: its Lua state (globals protected as Redis's), the script
 * cache by SHA1, and running a script for a client (EVAL family; FCALL reuses `run`).
 *
 * A script runs synchronously to completion with a fake client that shares the caller's
 * database and never blocks (blocking commands answer their timeout reply at once). Clients
 * woken by the script's writes are served by the top-level dispatcher after the script.
 *
 * Runaway scripts: compiled code decrements an instruction budget on every loop iteration and
 * function call; when it runs out the engine checks the real time elapsed since the script
 * started, and past busy-reply-threshold (lua-time-limit) it stops the script with an error that
 * pcall cannot catch. A JS engine cannot serve SCRIPT KILL from another connection while a
 * script holds the event loop, so the threshold stops the script itself.
 */
import { Client } from '../engine/client.js';
import { RedisError } from '../engine/errors.js';
import { scriptCacheInfo } from '../engine/info.js';
import type { RedisNode } from '../engine/node.js';
import { noteScriptLine } from '../faults/slow-script.js';
import { cachedScriptBytes, evalCacheBytes } from './cache-memory.js';
import { errorNoStats, errorTable, luaToReply } from './conversions.js';
import { evalShebang, registerScriptFlagsLookup } from './flags.js';
import { installExtraLibs } from './libs.js';
import { LuaSyntaxError } from './lua/lexer.js';
import { toLuaError } from './lua/lib-base.js';
import { Rand48 } from './lua/lib-math.js';
import {
  type CoFunction,
  LuaError,
  type LuaFunction,
  LuaTable,
  type LuaValue,
  rawToString,
  S,
  sourceLine,
  tarray,
  where,
} from './lua/runtime.js';
import { LuaState, protectRecursively } from './lua/state.js';
import { createRedisTable, type RunContext, sha1hex } from './redis-api.js';

export { evalShebang, sha1hex };

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
   * The time limit, checked each time the step budget runs out. The clock starts at the first
   * check, not at the script's start: the first 100,000 steps take a few milliseconds, and a
   * script that never gets there costs no clock reading.
   */
  private budgetStart = -1;
  private readonly onBudget = (): void => {
    const now = performance.now();
    if (this.budgetStart < 0) this.budgetStart = now;
    else {
      const threshold = this.node.config.getInt('busy-reply-threshold');
      if (threshold > 0 && now - this.budgetStart > threshold) {
        throw new LuaError(
          errorTable(
            `-ERR Script stopped after running longer than busy-reply-threshold (${threshold} ms): redis-sim runs scripts synchronously, so SCRIPT KILL cannot reach a running script`,
          ),
          S.L,
          true,
        );
      }
    }
    S.B = 100000;
  };

  /** Compiles an EVAL script body (cached by SHA1); throws Redis's compile error. */
  compile(body: string, sha = sha1hex(body)): Script {
    const cached = this.scripts.get(sha);
    if (cached) return cached;
    const flags = evalShebang(body);
    const src = flags ? `--${body.slice(2)}` : body;
    let fn: LuaFunction;
    try {
      fn = this.lua.load(src, 'user_script');
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
    this.budgetStart = -1;
    S.onBudget = this.onBudget;
    try {
      let result: LuaValue[];
      const K = tarray(keys);
      const A = tarray(args);
      if (opts.asFunction) result = fn(K, A);
      else {
        G.set('KEYS', K);
        G.set('ARGV', A);
        result = fn();
      }
      luaToReply(c.reply, result[0], fake.resp);
    } catch (e) {
      const le = toLuaError(e);
      const v = le.value;
      errorNoStats(c.reply, this.errorText(le, ctx), v instanceof LuaTable && v.getStr('ignore_error_stats_update') === true);
    } finally {
      // Where the script was when it ended (a simulated slow script "is" there while busy).
      noteScriptLine(sourceLine(S.L, ctx.source)[1]);
      this.running = undefined;
      fake.reply.out = '';
    }
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
