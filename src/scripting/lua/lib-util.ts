/**
 * Argument checking for library functions, with lauxlib's messages:
 * "bad argument #1 to 'sub' (string expected, got no value)".
 */

import { cInt } from './float.js';
import { LuaTable, type LuaValue, numberToString, rtError, S, tonum, type } from './runtime.js';

export function argError(n: number, fname: string, msg: string): never {
  // The name the call site used (local 'p' = string.rep: 'p'); called from a native function
  // (pcall(string.rep)) or from an expression without a name, Lua cannot name it: '?'.
  const name = S.L < 0 ? '?' : (callSiteName() ?? fname);
  // A method call (s:find()) does not count self, as luaL_argerror.
  if (S.M && S.L >= 0) {
    if (n === 1) return rtError(`calling '${name}' on bad self (${msg})`);
    n--;
  }
  return rtError(`bad argument #${n} to '${name}' (${msg})`);
}

function callSiteName(): string | undefined {
  const d = S.N;
  if (d === undefined) return '?';
  if (S.M) return d;
  const q = d.indexOf("'");
  return q < 0 ? undefined : d.slice(q + 1, -1);
}

function typeError(args: LuaValue[], i: number, fname: string, expected: string): never {
  const got = i >= args.length ? 'no value' : type(args[i]);
  return argError(i + 1, fname, `${expected} expected, got ${got}`);
}

export function checkAny(args: LuaValue[], i: number, fname: string): LuaValue {
  if (i >= args.length) argError(i + 1, fname, 'value expected');
  return args[i];
}

export function checkStr(args: LuaValue[], i: number, fname: string): string {
  const v = args[i];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  return typeError(args, i, fname, 'string');
}

export function optStr(args: LuaValue[], i: number, fname: string, def: string): string {
  return args[i] === undefined ? def : checkStr(args, i, fname);
}

export function checkNum(args: LuaValue[], i: number, fname: string): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  const n = tonum(v);
  if (n === undefined) typeError(args, i, fname, 'number');
  return n as number;
}

export function optNum(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkNum(args, i, fname);
}

/**
 * lua_Integer (ptrdiff_t) from a number, as a JS number (float.ts's cLong is the BigInt form): truncated toward zero as x86-64's cvttsd2si does, which
 * answers LONG_MIN for NaN and anything out of the 64-bit range.
 */
const TWO_63 = 2 ** 63;

export function toInteger(n: number): number {
  if (n >= -TWO_63 && n < TWO_63) return Math.trunc(n);
  return -TWO_63;
}

/** luaL_checkint: a C int (string.rep's count, table positions, select's index...). */
export function checkInt(args: LuaValue[], i: number, fname: string): number {
  return cInt(checkNum(args, i, fname));
}

export function optInt(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkInt(args, i, fname);
}

/** luaL_checkinteger: a lua_Integer (string.sub's and string.byte's positions, find's init). */
export function checkInteger(args: LuaValue[], i: number, fname: string): number {
  return toInteger(checkNum(args, i, fname));
}

export function optInteger(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkInteger(args, i, fname);
}

export function checkTable(args: LuaValue[], i: number, fname: string): LuaTable {
  const v = args[i];
  if (v instanceof LuaTable) return v;
  return typeError(args, i, fname, 'table');
}

/** A library table of native functions. */
export function libTable(fns: Record<string, (...a: LuaValue[]) => LuaValue[]>): LuaTable {
  const t = new LuaTable();
  for (const [k, f] of Object.entries(fns)) t.set(k, f);
  return t;
}
