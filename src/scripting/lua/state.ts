/**
 * A Lua 5.1 global environment with the standard libraries Redis loads (base, table, string,
 * math) and a loader that compiles source to a function bound to these globals.
 */
import { instantiate } from './compiler.js';
import { baseLib, chunkId, inext, next } from './lib-base.js';
import { coroutineLib } from './lib-coroutine.js';
import { mathLib, Rand48, setMathConstants } from './lib-math.js';
import { stringLib } from './lib-string.js';
import { tableLib } from './lib-table.js';
import { parse } from './parser.js';
import { type LuaFunction, LuaTable, registerChunk, S, setStringMetatable } from './runtime.js';

export class LuaState {
  readonly G = new LuaTable();

  /** `rng`: math.random's generator; Redis has one per server, shared by EVAL and functions. */
  constructor(readonly rng = new Rand48()) {
    const G = this.G;
    baseLib(G, (src, name) => this.loadNamed(src, name));
    const str = stringLib();
    G.set('string', str);
    G.set('table', tableLib());
    const math = mathLib(this.rng);
    setMathConstants(math);
    G.set('math', math);
    const smt = new LuaTable();
    smt.set('__index', str);
    setStringMetatable(smt);
    G.set('coroutine', coroutineLib());
  }

  /**
   * Compiles `src`; throws LuaSyntaxError with Lua's message on a syntax error. `sliced`: in
   * coroutine mode whatever the source says, so that a long run can end slices and give the
   * event loop back (scripts and functions; see scripting/engine.ts).
   */
  load(src: string, chunk: string, env: LuaTable = this.G, sliced = false): LuaFunction {
    // A chunk that uses coroutines keeps generator forms everywhere (a closure made inside a gsub
    // callback may become a coroutine's body); others get plain forms too, for native callers.
    const coroutines = src.includes('coroutine');
    return instantiate(parse(src, chunk), env, { next, inext, coroutines: sliced || coroutines, sliced: sliced && !coroutines });
  }

  /**
   * loadstring/load: a chunk under a Lua chunk name ("=name", "@file", or the source itself),
   * whose syntax errors and runtime positions name it as luaO_chunkid does.
   */
  loadNamed(src: string, name: string): LuaFunction {
    const lineBase = registerChunk(chunkId(name), name);
    const coroutines = src.includes('coroutine');
    return instantiate(parse(src, chunkId(name, 80)), this.G, {
      next,
      inext,
      coroutines: S.co || coroutines,
      sliced: S.co && !coroutines,
      lineBase,
    });
  }
}

/** Marks a table and everything reachable from it read-only (Redis's lua_enablereadonlytable). */
export function protectRecursively(t: LuaTable, seen = new Set<LuaTable>()): void {
  if (seen.has(t)) return;
  seen.add(t);
  t.readonly = true;
  for (const v of t.arr) if (v instanceof LuaTable) protectRecursively(v, seen);
  for (const v of t.hashValues()) if (v instanceof LuaTable) protectRecursively(v, seen);
  if (t.mt) protectRecursively(t.mt, seen);
}
