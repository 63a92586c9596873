/**
 * Lua 5.1's base library as Redis exposes it: assert error pcall xpcall select type tostring
 * tonumber ipairs pairs next unpack rawget rawset rawequal setmetatable getmetatable loadstring
 * load collectgarbage gcinfo _VERSION (no print, dofile, loadfile, require, getfenv, setfenv).
 *
 * pcall is Redis's: when the error value is a table with a string `err` field (a redis.call
 * error), pcall returns that string, as Redis 7 does for compatibility.
 */

import { cInt, ret1 } from './float.js';
import { LuaSyntaxError } from './lexer.js';
import { argError, checkAny, checkInt, checkNum, checkStr, checkTable, optInt } from './lib-util.js';
import {
  ccall,
  cError,
  EMPTY,
  gccall,
  getmetatable,
  LuaError,
  type LuaFunction,
  type LuaGen,
  LuaTable,
  type LuaValue,
  levelLine,
  MEMERRMSG,
  rawToString,
  rtError,
  S,
  type SliceFunction,
  tonum,
  tostring,
  type,
  where,
} from './runtime.js';

/**
 * Turns any exception thrown while running Lua code into a LuaError, so that none leaves the
 * engine and pcall catches each: V8's stack overflow is Lua's "stack overflow" error; a string,
 * array or buffer V8 cannot allocate is Lua's memory error ("not enough memory", no position);
 * anything else (a defect of redis-sim) a runtime error naming it.
 */
export function toLuaError(e: unknown): LuaError {
  if (e instanceof LuaError) return e;
  if (e instanceof RangeError) {
    if (/call stack/.test(e.message)) return new LuaError(`${where(S.L)} stack overflow`, S.L);
    if (/Invalid (?:string|array|typed array) length|allocation failed|out of memory/i.test(e.message)) {
      return new LuaError(MEMERRMSG, S.L, false, true);
    }
  }
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new LuaError(`${where(S.L)} internal error (${what})`, S.L);
}

export const next: LuaFunction = (...a) => {
  const t = checkTable(a, 0, 'next');
  return t.next(a[1]) ?? [undefined];
};

export const inext: LuaFunction = (t, i) => {
  const k = (i as number) + 1;
  const v = (t as LuaTable).get(k);
  return v === undefined ? EMPTY : [k, v];
};

/** Compiles Lua source into a function; installed by the state (needs the compiler). */
export type Loader = (src: string, name: string) => LuaFunction;

/** Lua 5.1's collectgarbage options (luaB_collectgarbage's opts). */
const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
/** collectgarbage("count") of a fresh Redis 7.0 Lua state after a full collection, in KB. */
const GC_COUNT_KB = 29.4619140625;

/** pcall's answer to an error its call raised: [false, value] (an uncatchable error goes on). */
function pcallError(e: unknown, depth: number): LuaValue[] {
  S.d = depth;
  const le = toLuaError(e);
  if (le.uncatchable) throw le;
  let v = le.value;
  if (v instanceof LuaTable) {
    const err = v.get('err');
    if (typeof err === 'string' || typeof err === 'number') v = err;
  }
  return [false, v];
}

/** xpcall's answer to an error: the handler's first result (a memory error skips the handler). */
function xpcallError(e: unknown, depth: number, handler: LuaValue): LuaValue[] {
  S.d = depth;
  const le = toLuaError(e);
  if (le.uncatchable) throw le;
  // luaD_throw(LUA_ERRMEM) calls no error handler: the message comes back as it is.
  if (le.memory) return [false, le.value];
  return [false, ...ccall(handler, [le.value]).slice(0, 1)];
}

/**
 * pcall's and xpcall's generator forms, which sliced code calls (runtime.ts's gcall): the
 * protected call may end slices, so a loop under pcall still returns to the event loop (and
 * SCRIPT KILL reaches it). A coroutine.yield inside is still the C boundary's error.
 */
function* pcallGen(...a: LuaValue[]): LuaGen {
  checkAny(a, 0, 'pcall');
  const saved = S.L;
  const depth = S.d;
  try {
    return [true, ...(yield* gccall(a[0], a.slice(1)))];
  } catch (e) {
    return pcallError(e, depth);
  } finally {
    S.L = saved;
  }
}

function* xpcallGen(...a: LuaValue[]): LuaGen {
  const saved = S.L;
  const depth = S.d;
  try {
    return [true, ...(yield* gccall(a[0], []))];
  } catch (e) {
    return xpcallError(e, depth, a[1]);
  } finally {
    S.L = saved;
  }
}

export function baseLib(G: LuaTable, load: Loader): void {
  // The collector's parameters of this Lua state (lua_newstate's defaults).
  const gc = { pause: 200, stepmul: 200 };
  const fns: Record<string, LuaFunction> = {
    assert: (...a) => {
      if (a[0] === undefined || a[0] === false) {
        if (a.length < 1) argError(1, 'assert', 'value expected');
        rtError(a[1] === undefined ? 'assertion failed!' : checkStr(a, 1, 'assert'));
      }
      return a;
    },
    // error(msg, level): a string message gets the position of the frame `level` levels up
    // (1: the function calling error, 2: its caller, ...); none when that frame is a native
    // one (pcall(error, msg)) or beyond the script (error(msg, 2) in the main chunk).
    error: (...a) => {
      const msg = a[0];
      const level = optInt(a, 1, 'error', 1);
      if ((typeof msg === 'string' || typeof msg === 'number') && level > 0) {
        const line = levelLine(level);
        if (line >= 0) throw new LuaError(`${where(line)} ${rawToString(msg)}`, S.L);
      }
      throw new LuaError(msg, S.L);
    },
    pcall: (...a) => {
      checkAny(a, 0, 'pcall');
      const saved = S.L;
      const depth = S.d;
      try {
        return [true, ...ccall(a[0], a.slice(1))];
      } catch (e) {
        return pcallError(e, depth);
      } finally {
        S.L = saved;
      }
    },
    xpcall: (...a) => {
      const saved = S.L;
      const depth = S.d;
      try {
        return [true, ...ccall(a[0], [])];
      } catch (e) {
        return xpcallError(e, depth, a[1]);
      } finally {
        S.L = saved;
      }
    },
    select: (...a) => {
      const n = a.length;
      if (a[0] === '#') return [n - 1];
      let i = checkInt(a, 0, 'select');
      if (i < 0) i = n + i;
      else if (i > n) i = n;
      if (i < 1) argError(1, 'select', 'index out of range');
      return a.slice(i);
    },
    type: (...a) => [type(checkAny(a, 0, 'type'))],
    tostring: (...a) => [tostring(checkAny(a, 0, 'tostring'))],
    tonumber: (...a) => {
      const base = optInt(a, 1, 'tonumber', 10);
      if (base === 10) {
        // ret1 keeps the sign of tonumber("-nan").
        const v = tonum(checkAny(a, 0, 'tonumber'));
        return v === undefined ? [v] : ret1(v);
      }
      const s = checkStr(a, 0, 'tonumber').trim();
      if (base < 2 || base > 36) argError(2, 'tonumber', 'base out of range');
      const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(s);
      if (!m) return [undefined];
      let v = 0;
      for (const ch of m[2] as string) {
        const d = Number.parseInt(ch, 36);
        if (d >= base) return [undefined];
        v = v * base + d;
      }
      return [m[1] === '-' ? -v : v];
    },
    ipairs: (...a) => [inext, checkTable(a, 0, 'ipairs'), 0],
    pairs: (...a) => [next, checkTable(a, 0, 'pairs'), undefined],
    next,
    unpack: (...a) => {
      const t = checkTable(a, 0, 'unpack');
      const i = optInt(a, 1, 'unpack', 1);
      const j = a[2] === undefined ? t.length() : checkInt(a, 2, 'unpack');
      if (i > j) return EMPTY;
      if (j - i >= 8000) rtError('too many results to unpack');
      const out: LuaValue[] = [];
      for (let k = i; k <= j; k++) out.push(t.get(k));
      return out;
    },
    rawget: (...a) => [checkTable(a, 0, 'rawget').get(checkAny(a, 1, 'rawget'))],
    rawset: (...a) => {
      const t = checkTable(a, 0, 'rawset');
      checkAny(a, 1, 'rawset');
      checkAny(a, 2, 'rawset');
      if (t.readonly) rtError('Attempt to modify a readonly table');
      if (a[1] === undefined) cError('table index is nil');
      if (Number.isNaN(a[1])) cError('table index is NaN');
      t.set(a[1], a[2]);
      return [t];
    },
    rawequal: (...a) => {
      checkAny(a, 0, 'rawequal');
      checkAny(a, 1, 'rawequal');
      return [a[0] === a[1]];
    },
    setmetatable: (...a) => {
      const t = checkTable(a, 0, 'setmetatable');
      const mt = a[1];
      if (mt !== undefined && !(mt instanceof LuaTable)) argError(2, 'setmetatable', 'nil or table expected');
      if (t.mt?.getStr('__metatable') !== undefined) rtError('cannot change a protected metatable');
      if (t.readonly) rtError('Attempt to modify a readonly table');
      t.mt = mt as LuaTable | undefined;
      return [t];
    },
    getmetatable: (...a) => {
      const mt = getmetatable(checkAny(a, 0, 'getmetatable'));
      if (mt === undefined) return [undefined];
      const protectedMt = mt.getStr('__metatable');
      return [protectedMt !== undefined ? protectedMt : mt];
    },
    loadstring: (...a) => {
      const src = checkStr(a, 0, 'loadstring');
      const name = a[1] === undefined ? src : checkStr(a, 1, 'loadstring');
      try {
        return [load(src, name)];
      } catch (e) {
        if (e instanceof LuaSyntaxError) return [undefined, e.message];
        throw e;
      }
    },
    load: (...a) => {
      const f = a[0];
      let src = '';
      if (typeof f === 'string') src = f;
      else {
        for (;;) {
          const piece = ccall(f, [])[0];
          if (piece === undefined || piece === '') break;
          if (typeof piece !== 'string') return [undefined, 'reader function must return a string'];
          src += piece;
        }
      }
      try {
        return [load(src, a[1] === undefined ? '=(load)' : checkStr(a, 1, 'load'))];
      } catch (e) {
        if (e instanceof LuaSyntaxError) return [undefined, e.message];
        throw e;
      }
    },
    // luaB_collectgarbage: luaL_checkoption(1, "collect") over 5.1's options, then
    // luaL_optint(2, 0) for every option. redis-sim has no collector: "count" is the heap of a
    // fresh Redis Lua state after a full collection, "step" finishes a cycle when its size in KB
    // reaches a third of that (as Redis's does there), and the pause and step multiplier are
    // kept per Lua state (a bare "setpause" sets 0) so that each call returns the previous one.
    collectgarbage: (...a) => {
      const opt = a[0] === undefined ? 'collect' : checkStr(a, 0, 'collectgarbage');
      if (!GC_OPTIONS.includes(opt)) argError(1, 'collectgarbage', `invalid option '${opt}'`);
      const ex = a[1] === undefined ? 0 : cInt(checkNum(a, 1, 'collectgarbage'));
      switch (opt) {
        case 'count':
          return [GC_COUNT_KB];
        case 'step':
          return [ex * 1024 >= (GC_COUNT_KB * 1024) / 3];
        case 'setpause': {
          const old = gc.pause;
          gc.pause = ex;
          return [old];
        }
        case 'setstepmul': {
          const old = gc.stepmul;
          gc.stepmul = ex;
          return [old];
        }
        default:
          return [0];
      }
    },
    // gcinfo: the heap in whole KB (lua_getgccount).
    gcinfo: () => [Math.floor(GC_COUNT_KB)],
  };
  (fns.pcall as SliceFunction).sg = pcallGen;
  (fns.xpcall as SliceFunction).sg = xpcallGen;
  for (const [k, f] of Object.entries(fns)) G.set(k, f);
  G.set('_VERSION', 'Lua 5.1');
  G.set('_G', G);
}

/**
 * luaO_chunkid into a buffer of `size` bytes (LUA_IDSIZE 60 for runtime positions, the lexer's
 * MAXSRC 80 for syntax errors): "=name" as is, "@file" keeping its end, else
 * [string "first line..."].
 */
export function chunkId(name: string, size = 60): string {
  if (name.startsWith('=')) return name.slice(1, size);
  if (name.startsWith('@')) {
    const room = size - 8;
    const file = name.slice(1);
    return file.length > room ? `...${file.slice(file.length - room)}` : file;
  }
  let len = name.search(/[\n\r]/);
  if (len < 0) len = name.length;
  len = Math.min(len, size - 17);
  return len < name.length ? `[string "${name.slice(0, len)}..."]` : `[string "${name}"]`;
}
