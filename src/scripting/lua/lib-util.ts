/**
 * Argument checking for library functions, with lauxlib's messages:
 * "bad argument #1 to 'sub' (string expected, got no value)".
 */
import { LuaTable, type LuaValue, numberToString, rtError, S, tonum, type } from './runtime.js';

export function argError(n: number, fname: string, msg: string): never {
  // Called from a native function (pcall(string.rep)) Lua cannot name the function: '?'.
  const name = S.L < 0 ? '?' : fname;
  // A method call (s:find()) does not count self, as luaL_argerror.
  if (S.M && S.L >= 0) {
    if (n === 1) return rtError(`calling '${name}' on bad self (${msg})`);
    n--;
  }
  return rtError(`bad argument #${n} to '${name}' (${msg})`);
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

/** luaL_checkint: the number truncated toward zero (a C cast). */
export function checkInt(args: LuaValue[], i: number, fname: string): number {
  const n = checkNum(args, i, fname);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 0 : n > 0 ? 2147483647 : -2147483648;
  return Math.trunc(n);
}

export function optInt(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkInt(args, i, fname);
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
