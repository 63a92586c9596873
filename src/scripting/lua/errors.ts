/**
 * Lua errors, error positions and the execution register `S`: what every part of the Lua engine
 * raises errors with, kept apart from runtime.ts so that the table and memory modules, which
 * runtime.ts builds on, need nothing from it (runtime.ts re-exports all of it).
 */
import type { LuaValue } from './runtime.js';

export class LuaError extends Error {
  constructor(
    readonly value: LuaValue,
    readonly line: number,
    /** Set for errors that must not be caught by pcall (script timeout / kill). */
    readonly uncatchable = false,
    /** Lua's memory error (LUA_ERRMEM): pcall catches it, but no error handler sees it. */
    readonly memory = false,
  ) {
    super(typeof value === 'string' ? value : 'lua error');
  }
}

/** lua.h's MEMERRMSG. */
export const MEMERRMSG = 'not enough memory';

/** Raises Lua's memory error: its bare message, without a position (memory.ts decides when). */
export function memError(): never {
  throw new LuaError(MEMERRMSG, S.L, false, true);
}

/** Execution state shared by compiled code and the libraries. */
export const S = {
  /** Line of the Lua call site currently calling into native code (-1: called from native code). */
  L: 0,
  /** True while a native function runs as a method call (o:f()): argument numbers shift by one. */
  M: false,
  /**
   * How the call site names the function being called ("local 'p'", "field 'rep'"; for a method
   * call just the name): argument errors name it as Lua's getfuncname does.
   */
  N: undefined as string | undefined,
  /** Chunk name used in positions ("user_script", "user_function"). */
  chunk: 'user_script',
  /** The running script was compiled in coroutine mode: chunks it loads are compiled so too. */
  co: false,
  /**
   * The call stack as error levels see it: st[i] is the current line of the frame that made the
   * i-th pending call (-1 for a native frame, such as pcall calling its function). Entries above
   * `d` are stale; whoever catches an error (pcall, resume, the script runner) resets `d`.
   */
  st: [] as number[],
  d: 0,
  /** Budget of loop iterations/calls before the time limit is checked. */
  B: 100000,
  /**
   * Called when the budget runs out: throws to stop a runaway script, or refills it; true asks
   * sliced code to end its slice (scripting/engine.ts's driver then returns to the event loop).
   */
  onBudget: (() => {
    S.B = 100000;
  }) as () => unknown,
};

// ---- positions ------------------------------------------------------------------------------
//
// A line number also names its chunk: line l of chunk k is k * LINE_BASE + l. Chunk 0 is the
// script being run (named S.chunk: "user_script", "user_function"); chunks that loadstring/load
// compile are registered with the name their positions print ([string "..."], "=name" without
// the "=", "@file" without the "@") and their source as Redis's error reply quotes it.

export const LINE_BASE = 2 ** 24;
const chunkIds: string[] = [''];
const chunkSources: string[] = [''];
const chunkByName = new Map<string, number>();

/** The line base of a loaded chunk (the same for the same name). */
export function registerChunk(id: string, source: string): number {
  const key = `${id}\n${source}`;
  let k = chunkByName.get(key);
  if (k === undefined) {
    // Past ~a million distinct chunk names, new ones share the last index (their positions
    // then name the wrong chunk; a script would need a million loadstring names to get there).
    k = Math.min(chunkIds.length, 1 << 20);
    if (k === chunkIds.length) {
      chunkIds.push(id);
      chunkSources.push(source);
      chunkByName.set(key, k);
    }
  }
  return k * LINE_BASE;
}

/** "chunk:line:" for a line number (luaG_runerror's addinfo). */
export function where(line: number): string {
  const k = Math.floor(line / LINE_BASE);
  return `${k === 0 ? S.chunk : chunkIds[k]}:${line % LINE_BASE}:`;
}

/** The source and line Redis's error reply quotes ("on <source>:<line>."); `main` for chunk 0. */
export function sourceLine(line: number, main: string): [string, number] {
  const k = Math.floor(line / LINE_BASE);
  return [k === 0 ? main : (chunkSources[k] as string), line % LINE_BASE];
}

/** The current line of the frame `level` levels up from a native (1: its caller); -1 if none is Lua. */
export function levelLine(level: number): number {
  const i = S.d - level;
  return i >= 0 ? (S.st[i] ?? -1) : -1;
}

/** Raises a runtime error at `line`, prefixed with the position as luaG_runerror does. */
export function rtError(msg: string, line: number = S.L): never {
  throw new LuaError(line >= 0 ? `${where(line)} ${msg}` : msg, line >= 0 ? line : S.L);
}

/** An error raised by luaG_runerror inside a C function: no position in the message. */
export function cError(msg: string): never {
  throw new LuaError(msg, S.L);
}

// ---- addresses -------------------------------------------------------------------------------

/** A stable fake address per table or function, as tostring prints it ("table: 0x..."). */
const addresses = new WeakMap<object, number>();
let nextAddress = 0x55a4c0de1000;

export function addressOf(o: object): string {
  let a = addresses.get(o);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x40;
    addresses.set(o, a);
  }
  return `0x${a.toString(16)}`;
}
