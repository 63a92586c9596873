/**
 * Lua 5.1's coroutine library (lbaselib.c): create, resume, yield, status, wrap, running.
 *
 * A thread runs the generator form of its body (compiled in coroutine mode, see runtime.ts):
 * resume drives the generator until it yields or returns; what coroutine.yield passes up is what
 * resume returns after `true`, and resume's extra arguments are what yield returns.
 *
 * Semantics and texts as Lua 5.1.5 inside Redis 7.0:
 * - status: "suspended" (created or yielded), "running" (the caller itself), "normal" (it resumed
 *   another coroutine), "dead" (returned or raised an error).
 * - resume of anything but a suspended thread returns false and "cannot resume <status>
 *   coroutine"; an error inside returns false and the error value as raised (with its position;
 *   a redis.call error stays a table: only pcall turns it into its message); the thread is dead.
 * - yield outside a coroutine, or across a C function (pcall, table.sort, string.gsub, a
 *   metamethod, a for-in iterator) raises "attempt to yield across metamethod/C-call boundary"
 *   without a position: Lua 5.1 has no "outside a coroutine" message.
 * - wrap's function re-raises a thread's error; a string (or number) error gets the caller's
 *   position prefixed (luaL_where(L, 1): empty when called from a C function such as pcall).
 * - running returns nil in the main thread.
 * - resume nests at most LUAI_MAXCCALLS (200) C levels: Redis's own lua_pcall is one, each active
 *   resume one more; beyond that resume answers false, "C stack overflow".
 * - create and wrap need a Lua function (not a library function): "Lua function expected".
 *
 * The runaway-script guard's error is uncatchable: resume and wrap pass it on.
 */
import { isLuaFunction } from './compiler.js';
import { toLuaError } from './lib-base.js';
import { argError, libTable } from './lib-util.js';
import {
  type CoFunction,
  coYield,
  EMPTY,
  LuaError,
  type LuaFunction,
  type LuaGen,
  type LuaTable,
  LuaThread,
  type LuaValue,
  numberToString,
  S,
  SLICE,
  where,
} from './runtime.js';

/** LUAI_MAXCCALLS: the C call depth at which lua_resume refuses with "C stack overflow". */
const MAX_C_CALLS = 200;

/** The running coroutine (undefined: the main thread). Scripts never interleave. */
let current: LuaThread | undefined;
/** Active resumes, for the C stack limit. */
let depth = 0;

function checkThread(args: LuaValue[], fname: string): LuaThread {
  const co = args[0];
  if (co instanceof LuaThread) return co;
  return argError(1, fname, 'coroutine expected');
}

/** luaL_argcheck(lua_isfunction && !lua_iscfunction): library functions are C functions. */
function checkLuaFunction(args: LuaValue[], fname: string): LuaFunction {
  const f = args[0];
  if (typeof f === 'function' && isLuaFunction(f)) return f;
  return argError(1, fname, 'Lua function expected');
}

/** A body without a generator form (a chunk compiled without coroutine mode) cannot yield. */
// biome-ignore lint/correctness/useYield: it runs to its end in one resume
function* plainBody(fn: LuaFunction, args: LuaValue[]): LuaGen {
  return fn(...args);
}

/** auxresume: [true, values...] or [false, error value]. */
function resume(co: LuaThread, args: LuaValue[]): LuaValue[] {
  if (co.status !== 'suspended') return [false, `cannot resume ${co.status} coroutine`];
  if (1 + depth >= MAX_C_CALLS) {
    if (co.it === undefined) co.status = 'dead';
    return [false, 'C stack overflow'];
  }
  const prev = current;
  const line = S.L;
  const method = S.M;
  if (prev !== undefined) prev.status = 'normal';
  co.status = 'running';
  current = co;
  depth++;
  // The thread's frames stack above the resumer's for error levels; back here they are gone.
  const stackDepth = S.d;
  try {
    if (co.it === undefined) {
      // The first resume passes its arguments to the body.
      const g = (co.fn as CoFunction).g;
      co.it = g !== undefined ? g(...args) : plainBody(co.fn, args);
    }
    // Later ones become the values its pending yield returns.
    let r = co.it.next(args);
    // resume is a C function: a slice cannot end inside a coroutine, it runs on.
    while (r.done !== true && r.value === SLICE) r = co.it.next(EMPTY);
    co.status = r.done === true ? 'dead' : 'suspended';
    if (r.done === true) co.it = undefined;
    return [true, ...r.value];
  } catch (e) {
    co.status = 'dead';
    co.it = undefined;
    const le = toLuaError(e);
    if (le.uncatchable) throw le;
    return [false, le.value];
  } finally {
    S.d = stackDepth;
    depth--;
    current = prev;
    if (prev !== undefined) prev.status = 'running';
    // Back in the resumer: its call site's registers.
    S.L = line;
    S.M = method;
  }
}

export function coroutineLib(): LuaTable {
  return libTable({
    create: (...a) => [new LuaThread(checkLuaFunction(a, 'create'))],
    resume: (...a) => resume(checkThread(a, 'resume'), a.slice(1)),
    yield: coYield,
    status: (...a) => [checkThread(a, 'status').status],
    running: () => [current],
    wrap: (...a) => {
      const co = new LuaThread(checkLuaFunction(a, 'wrap'));
      const wrapped: LuaFunction = (...args) => {
        const r = resume(co, args);
        if (r[0] === true) return r.slice(1);
        let v = r[1];
        if (typeof v === 'string' || typeof v === 'number') {
          const at = S.L >= 0 ? `${where(S.L)} ` : '';
          v = at + (typeof v === 'number' ? numberToString(v) : v);
        }
        throw new LuaError(v, S.L);
      };
      return [wrapped];
    },
  });
}
