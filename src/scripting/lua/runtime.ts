/**
 * The Lua 5.1 value model and the operations compiled code calls.
 *
 * Values: nil = undefined, booleans, numbers (doubles, as Lua 5.1 has no integer subtype),
 * strings (JS strings with one latin1 char per byte, the same representation as Redis
 * arguments), LuaTable, and functions (JS functions taking Lua arguments positionally and
 * returning an array of results).
 *
 * Errors: LuaError carries the Lua error value (a message string already prefixed with
 * "<chunk>:<line>:" as luaG_runerror does, or any value given to error()) and the line where it
 * was raised, which Redis reports as "on @user_script:<line>.".
 *
 * Runtime state (the current line at call sites, the instruction budget for runaway scripts)
 * lives in `S`: scripts run synchronously and never interleave, so one register suffices for
 * every node in the process.
 */
import { cFormatG } from './cformat.js';
import {
  addressOf,
  cError,
  LINE_BASE,
  LuaError,
  levelLine,
  MEMERRMSG,
  memError,
  registerChunk,
  rtError,
  S,
  sourceLine,
  where,
} from './errors.js';
import { cPow, nanOf, nanSign, negNaN, posNaN } from './float.js';
import { str2number } from './lexer.js';
import { MEM, memCheck } from './memory.js';
import { fbRound, LuaTable, sequenceSize } from './table.js';

export { addressOf, cError, LINE_BASE, LuaError, LuaTable, levelLine, MEMERRMSG, memError, registerChunk, rtError, S, sourceLine, where };

export type LuaFunction = (...args: LuaValue[]) => LuaValue[];
export type LuaValue = undefined | boolean | number | string | LuaTable | LuaFunction | LuaThread;

export const EMPTY: LuaValue[] = [];

// ---- tables ---------------------------------------------------------------------------------

/**
 * A table constructor: OP_NEWTABLE presizes the array part for the `na` positional items and
 * the hash part for the `nh` keyed fields (both rounded as the bytecode encodes them), the fields
 * are set in order, then OP_SETLIST stores the items (growing the array part to fit a trailing
 * call's or `...`'s values).
 */
export function tnew(items: LuaValue[] | undefined, fields: LuaValue[] | undefined, na = 0, nh = 0): LuaTable {
  const n = items === undefined ? 0 : items.length;
  const asize = fbRound(na);
  if (fields === undefined) {
    // No keyed fields: the array part is the items, padded to the presized length.
    const t = new LuaTable();
    if (n === 0 && asize === 0) return t;
    const a = items === undefined ? [] : items;
    for (let i = n; i < asize; i++) a.push(undefined);
    t.arr = a;
    return t;
  }
  const t = LuaTable.sized(asize, fbRound(nh));
  if (fields !== undefined) {
    for (let i = 0; i < fields.length; i += 2) t.set(fields[i], fields[i + 1]);
  }
  if (n > 0) {
    if (n > t.arr.length) t.resizeArray(n);
    const a = t.arr;
    for (let i = 0; i < n; i++) a[i] = (items as LuaValue[])[i];
  }
  return t;
}

/** A table as C code builds a sequence (lua_newtable, then t[1], t[2], ... in order). */
export function tarray(items: LuaValue[]): LuaTable {
  const t = new LuaTable();
  const n = items.length;
  if (n === 0) return t;
  let k = 0;
  while (k < n && items[k] !== undefined) k++;
  if (k < n) {
    // A nil inside: what each assignment does depends on the layout so far.
    for (let i = 0; i < n; i++) t.set(i + 1, items[i]);
    return t;
  }
  const size = sequenceSize(n);
  for (let i = n; i < size; i++) items.push(undefined);
  t.arr = items;
  return t;
}

// ---- type names, tostring, tonumber ------------------------------------------------------------

export function type(v: LuaValue): string {
  switch (typeof v) {
    case 'undefined':
      return 'nil';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'function':
      return 'function';
    default:
      return v instanceof LuaTable ? 'table' : v instanceof LuaThread ? 'thread' : 'userdata';
  }
}

/** Lua 5.1's number to string: "%.14g". */
export function numberToString(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 1e14) return Object.is(d, -0) ? '-0' : String(d);
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return nanSign(d) ? '-nan' : 'nan';
  return cFormatG(d, 14, false);
}

/** The sign bit of a NaN: x86 arithmetic makes negative NaNs, which C prints as "-nan". */
export { nanSign };

/** tostring without metamethods. */
export function rawToString(v: LuaValue): string {
  switch (typeof v) {
    case 'undefined':
      return 'nil';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberToString(v);
    case 'string':
      return v;
    case 'function':
      return `function: ${addressOf(v)}`;
    default:
      // cjson.null is a NULL light userdata, which %p prints as "(nil)".
      if ((v as { cjsonNull?: boolean }).cjsonNull === true) return 'userdata: (nil)';
      return `${type(v)}: ${addressOf(v as object)}`;
  }
}

/** tostring with __tostring. */
export function tostring(v: LuaValue): string {
  if (v instanceof LuaTable && v.mt !== undefined) {
    const h = v.mt.getStr('__tostring');
    if (h !== undefined) {
      const r = ccall(h, [v])[0];
      if (typeof r !== 'string') {
        if (typeof r === 'number') return numberToString(r);
        rtError("'__tostring' must return a string");
      }
      return r;
    }
  }
  return rawToString(v);
}

/** Lua's implicit string → number conversion (lua_tonumber): undefined when not convertible. */
export function tonum(v: LuaValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const d = str2number(v);
    return !Number.isNaN(d) ? d : strtodNaN(v);
  }
  return undefined;
}

/**
 * A string strtod reads as NaN in full ("nan", "-NaN", "nan(123)", blanks around): its NaN with
 * the sign written (glibc sets the sign bit for "-nan"); undefined for anything else.
 */
function strtodNaN(v: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)nan(?:\([0-9A-Za-z_]*\))?[ \t\n\v\f\r]*$/i.exec(v);
  if (m === null) return undefined;
  return m[1] === '-' ? negNaN() : posNaN();
}

/** Lua's implicit number → string conversion (lua_tostring): undefined when not convertible. */
export function tostr(v: LuaValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  return undefined;
}

// ---- metatables and indexing ---------------------------------------------------------------------

let stringMeta: LuaTable | undefined;

/** The metatable strings share ({__index = string}). */
export function setStringMetatable(mt: LuaTable | undefined): void {
  stringMeta = mt;
}

export function getmetatable(v: LuaValue): LuaTable | undefined {
  if (v instanceof LuaTable) return v.mt;
  if (typeof v === 'string') return stringMeta;
  return undefined;
}

function metaOf(v: LuaValue, event: string): LuaValue {
  const mt = getmetatable(v);
  return mt === undefined ? undefined : mt.getStr(event);
}

function describe(v: LuaValue, desc: string | undefined): string {
  return desc === undefined ? `a ${type(v)} value` : `${desc} (a ${type(v)} value)`;
}

/** t[k] with __index (tables, and strings through the string metatable). */
export function index(o: LuaValue, k: LuaValue, line: number, desc?: string): LuaValue {
  for (let loop = 0; loop < 100; loop++) {
    let h: LuaValue;
    if (o instanceof LuaTable) {
      const v = o.get(k);
      if (v !== undefined || o.mt === undefined) return v;
      h = o.mt.getStr('__index');
      if (h === undefined) return undefined;
    } else {
      h = metaOf(o, '__index');
      if (h === undefined) rtError(`attempt to index ${describe(o, desc)}`, line);
    }
    if (typeof h === 'function') return metaCall(h, [o, k], line)[0];
    o = h;
    desc = undefined;
  }
  return rtError('loop in gettable', line);
}

/** t[k] = v with __newindex and Redis's read-only tables. */
export function setindex(o: LuaValue, k: LuaValue, v: LuaValue, line: number, desc?: string): void {
  for (let loop = 0; loop < 100; loop++) {
    let h: LuaValue;
    if (o instanceof LuaTable) {
      if (o.readonly) rtError('Attempt to modify a readonly table', line);
      h = o.mt === undefined ? undefined : o.mt.getStr('__newindex');
      if (h === undefined || o.get(k) !== undefined) {
        S.L = line;
        o.set(k, v);
        return;
      }
    } else {
      h = metaOf(o, '__newindex');
      if (h === undefined) rtError(`attempt to index ${describe(o, desc)}`, line);
    }
    if (typeof h === 'function') {
      metaCall(h, [o, k, v], line);
      return;
    }
    o = h;
    desc = undefined;
  }
  rtError('loop in settable', line);
}

// ---- calls ----------------------------------------------------------------------------------

/** Calls any value with `args` (functions directly, others through __call). */
export function call(f: LuaValue, args: LuaValue[], line: number = S.L, desc?: string): LuaValue[] {
  if (typeof f === 'function') return f(...args);
  const h = metaOf(f, '__call');
  if (h === undefined || typeof h !== 'function') rtError(`attempt to call ${describe(f, desc)}`, line);
  return h(f, ...args);
}

/**
 * Enters a call made at `line`: the call-site registers natives read (S.L, S.M, S.N) and a frame
 * for error levels. Returns the depth the caller restores when the call returns.
 */
function enter(line: number, method: boolean, name: string | undefined): number {
  S.L = line;
  S.M = method;
  S.N = name;
  const d = S.d;
  S.st[d] = line;
  S.d = d + 1;
  return d;
}

export function c0(f: LuaValue, line: number, desc?: string): LuaValue[] {
  const d = enter(line, false, desc);
  const r = typeof f === 'function' ? f() : call(f, [], line, desc);
  S.d = d;
  return r;
}
export function c1(f: LuaValue, line: number, desc: string | undefined, a: LuaValue): LuaValue[] {
  const d = enter(line, false, desc);
  const r = typeof f === 'function' ? f(a) : call(f, [a], line, desc);
  S.d = d;
  return r;
}
export function c2(f: LuaValue, line: number, desc: string | undefined, a: LuaValue, b: LuaValue): LuaValue[] {
  const d = enter(line, false, desc);
  const r = typeof f === 'function' ? f(a, b) : call(f, [a, b], line, desc);
  S.d = d;
  return r;
}
export function c3(f: LuaValue, line: number, desc: string | undefined, a: LuaValue, b: LuaValue, c: LuaValue): LuaValue[] {
  const d = enter(line, false, desc);
  const r = typeof f === 'function' ? f(a, b, c) : call(f, [a, b, c], line, desc);
  S.d = d;
  return r;
}
export function cn(f: LuaValue, line: number, desc: string | undefined, args: LuaValue[]): LuaValue[] {
  const d = enter(line, false, desc);
  const r = typeof f === 'function' ? f(...args) : call(f, args, line, desc);
  S.d = d;
  return r;
}
/** o:name(args...) */
export function mc(o: LuaValue, name: string, line: number, args: LuaValue[]): LuaValue[] {
  const f = index(o, name, line);
  const d = enter(line, true, name);
  const r = typeof f === 'function' ? f(o, ...args) : call(f, [o, ...args], line, `method '${name}'`);
  S.d = d;
  return r;
}

/** A metamethod called by the VM for an operation at `line`: a frame called from that line. */
function metaCall(h: LuaValue, args: LuaValue[], line: number): LuaValue[] {
  const d = enter(line, false, undefined);
  const r = call(h, args, line);
  S.d = d;
  return r;
}

/**
 * A call made by a native function (pcall, table.sort's comparator, gsub's replacement, ...):
 * a C frame for error levels, and no Lua call site for the callee's natives.
 */
export function ccall(f: LuaValue, args: LuaValue[]): LuaValue[] {
  const d = S.d;
  const line = S.L;
  S.st[d] = -1;
  S.d = d + 1;
  S.L = -1;
  const r = call(f, args, -1);
  S.d = d;
  S.L = line;
  return r;
}

// ---- coroutines -------------------------------------------------------------------------------
//
// A chunk whose source mentions "coroutine" is compiled in coroutine mode: each Lua function is a
// generator (function*) wrapped by cofn() into an ordinary closure that carries the generator as
// `.g`. In the generator form a Lua-to-Lua call is a `yield*` delegation (gc0..gcn, gmc) and a
// call of the coroutine.yield builtin is a JS `yield` of its arguments, resumed with resume's
// arguments. coroutine.resume (lib-coroutine.ts) drives a thread's generator; any other caller
// (the main thread, or a C function of Lua 5.1: pcall, table.sort, string.gsub, metamethods,
// the generic for's iterator call) calls the closure, whose driver answers a yield with Lua 5.1's
// "attempt to yield across metamethod/C-call boundary" raised at the yield point.

/** What a generator form yields (coroutine.yield's arguments), is resumed with and returns. */
export type LuaGen = Generator<LuaValue[], LuaValue[], LuaValue[]>;
/** A closure compiled in coroutine mode: called normally, or run as a generator through `g`. */
export type CoFunction = LuaFunction & { g?: (...args: LuaValue[]) => LuaGen };

/** A Lua 5.1 thread (coroutine.create): its body and, once resumed, the generator running it. */
export class LuaThread {
  status: 'suspended' | 'running' | 'normal' | 'dead' = 'suspended';
  it: LuaGen | undefined = undefined;
  constructor(readonly fn: LuaFunction) {}
}

const YIELD_ACROSS = 'attempt to yield across metamethod/C-call boundary';

/**
 * coroutine.yield called as a plain function (pcall(coroutine.yield), the main thread, a chunk
 * compiled without coroutine mode): lua_yield's error, without a position (raised in C).
 */
export const coYield: LuaFunction = () => cError(YIELD_ACROSS);

/**
 * What sliced code yields when its budget check asks the script's driver to return to the event
 * loop (scripting/engine.ts): not a Lua value, never seen by Lua code. Where a slice cannot end (a
 * C boundary: a native caller, a coroutine's resume) the code is simply resumed at once.
 */
export const SLICE: LuaValue[] = [];

/** Runs a generator form where yielding is not allowed: a yield becomes an error at that point. */
function drive(it: LuaGen): LuaValue[] {
  let r = it.next(EMPTY);
  while (r.done !== true) r = r.value === SLICE ? it.next(EMPTY) : it.throw(new LuaError(YIELD_ACROSS, S.L));
  return r.value;
}

/**
 * Calls `f` natively, through its generator form when it has one: the closures it creates then
 * get generator forms too (a plain form only makes plain closures). FUNCTION LOAD runs a
 * library's body so, so that the functions it registers can run in slices.
 */
export function callGenerator(f: LuaFunction, args: LuaValue[]): LuaValue[] {
  const g = (f as CoFunction).g;
  return g !== undefined ? drive(g(...args)) : f(...args);
}

/**
 * Runs a generator form inside a native function that lets a slice end through it (pcall,
 * xpcall): the end of a slice passes up, a coroutine.yield is the C boundary's error.
 */
export function* sliceThrough(it: LuaGen): LuaGen {
  let r = it.next(EMPTY);
  while (r.done !== true) {
    if (r.value === SLICE) {
      yield SLICE;
      r = it.next(EMPTY);
    } else r = it.throw(new LuaError(YIELD_ACROSS, S.L));
  }
  return r.value;
}

/**
 * A native function with a generator form for sliced code (`sg`): pcall and xpcall, whose
 * protected call may span slices. Lua code never sees the difference.
 */
export type SliceFunction = LuaFunction & { sg?: (...args: LuaValue[]) => LuaGen };

/** ccall's generator form: the callee may end slices (never yield to Lua). */
export function* gccall(f: LuaValue, args: LuaValue[]): LuaGen {
  const d = S.d;
  const line = S.L;
  S.st[d] = -1;
  S.d = d + 1;
  S.L = -1;
  const r = yield* sliceThrough(gcall(f, args, -1, undefined, false));
  S.d = d;
  S.L = line;
  return r;
}

/**
 * The closure of a function compiled in coroutine mode: called natively it drives its generator
 * form, or runs its plain form when it has one (sliced mode: the plain form behaves the same
 * where no yield can pass, and runs at full speed).
 */
export function cofn(g: (...args: LuaValue[]) => LuaGen, plain?: LuaFunction): LuaFunction {
  const f: CoFunction = plain ?? ((...a) => drive(g(...a)));
  f.g = g;
  return f;
}

/** A call from generator code: yield, delegate to a generator form, or call natively. */
function* gcall(f: LuaValue, args: LuaValue[], line: number, desc: string | undefined, m: boolean): LuaGen {
  if (typeof f !== 'function') {
    // __call runs inside the VM in Lua 5.1 (no C boundary): the handler may yield.
    const h = metaOf(f, '__call');
    if (h === undefined || typeof h !== 'function') rtError(`attempt to call ${describe(f, desc)}`, line);
    args = [f, ...args];
    f = h;
  }
  const g = (f as CoFunction).g;
  if (g !== undefined) return yield* g(...args);
  const sg = (f as SliceFunction).sg;
  if (sg !== undefined) return yield* sg(...args);
  if (f === coYield) {
    const r = yield args;
    // Back from resume: this thread's call-site registers again.
    S.L = line;
    S.M = m;
    return r;
  }
  return f(...args);
}

/** One Lua-to-Lua call from generator code: a frame for error levels around the delegation. */
function* gframe(f: LuaValue, line: number, desc: string | undefined, args: LuaValue[]): LuaGen {
  const g = typeof f === 'function' ? (f as CoFunction).g : undefined;
  const d = enter(line, false, desc);
  const r = g !== undefined ? yield* g(...args) : yield* gcall(f, args, line, desc, false);
  S.d = d;
  return r;
}

// The generator counterparts of c0..cn (same signatures; speed matters less here).
export const gc0 = (f: LuaValue, line: number, desc?: string): LuaGen => gframe(f, line, desc, EMPTY);
export const gc1 = (f: LuaValue, line: number, desc: string | undefined, a: LuaValue): LuaGen => gframe(f, line, desc, [a]);
export const gc2 = (f: LuaValue, line: number, desc: string | undefined, a: LuaValue, b: LuaValue): LuaGen => gframe(f, line, desc, [a, b]);
export const gc3 = (f: LuaValue, line: number, desc: string | undefined, a: LuaValue, b: LuaValue, c: LuaValue): LuaGen =>
  gframe(f, line, desc, [a, b, c]);
export const gcn = (f: LuaValue, line: number, desc: string | undefined, args: LuaValue[]): LuaGen => gframe(f, line, desc, args);
/** o:name(args...) from generator code. */
export function* gmc(o: LuaValue, name: string, line: number, args: LuaValue[]): LuaGen {
  const f = index(o, name, line);
  const d = enter(line, true, name);
  const r = yield* gcall(f, [o, ...args], line, `method '${name}'`, true);
  S.d = d;
  return r;
}

// ---- arithmetic -------------------------------------------------------------------------------

function arithMeta(event: string, a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): number | LuaValue {
  const h = metaOf(a, event) ?? metaOf(b, event);
  if (h !== undefined) return metaCall(h, [a, b], line)[0];
  const bad = tonum(a) === undefined ? a : b;
  const desc = bad === a ? da : db;
  return rtError(`attempt to perform arithmetic on ${describe(bad, desc)}`, line);
}

function arith(event: string, a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  const x = tonum(a);
  const y = tonum(b);
  if (x === undefined || y === undefined) return arithMeta(event, a, b, line, da, db);
  switch (event) {
    case '__add':
      return nadd(x, y);
    case '__sub':
      return nsub(x, y);
    case '__mul':
      return nmul(x, y);
    case '__div':
      return ndiv(x, y);
    case '__mod':
      return nmod(x, y);
    case '__pow':
      return cPow(x, y);
    default:
      return -x;
  }
}

// The number operations with x86's NaNs (float.ts): a NaN result is the first NaN operand, or
// the default (negative) NaN. Compiled code's inline `a+b` of two locals relies on the hardware
// instead, where V8 may pick either operand when both are NaNs.
const nadd = (x: number, y: number): number => {
  const r = x + y;
  return !Number.isNaN(r) ? r : nanOf(x, y);
};
const nsub = (x: number, y: number): number => {
  const r = x - y;
  return !Number.isNaN(r) ? r : nanOf(x, y);
};
const nmul = (x: number, y: number): number => {
  const r = x * y;
  return !Number.isNaN(r) ? r : nanOf(x, y);
};
const ndiv = (x: number, y: number): number => {
  const r = x / y;
  return !Number.isNaN(r) ? r : nanOf(x, y);
};
/** luai_nummod: a - floor(a/b)*b; each step passes a NaN on, so a NaN result is a's, b's or the default. */
const nmod = (x: number, y: number): number => {
  const r = x - Math.floor(x / y) * y;
  return !Number.isNaN(r) ? r : nanOf(x, y);
};
export function add(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? nadd(a, b) : arith('__add', a, b, line, da, db);
}
export function sub(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? nsub(a, b) : arith('__sub', a, b, line, da, db);
}
export function mul(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? nmul(a, b) : arith('__mul', a, b, line, da, db);
}
export function div(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? ndiv(a, b) : arith('__div', a, b, line, da, db);
}
export function mod(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? nmod(a, b) : arith('__mod', a, b, line, da, db);
}
export function pow(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  return typeof a === 'number' && typeof b === 'number' ? cPow(a, b) : arith('__pow', a, b, line, da, db);
}
export function unm(a: LuaValue, line: number, da?: string): LuaValue {
  if (typeof a === 'number') return -a;
  const x = tonum(a);
  if (x !== undefined) return -x;
  return arith('__unm', a, a, line, da, da);
}

/**
 * a .. b. The result counts its full length against the memory countdown although V8 builds it as
 * a rope (it is copied flat the first time it is read): a string kept is paid for then anyway.
 */
export function concat(a: LuaValue, b: LuaValue, line: number, da?: string, db?: string): LuaValue {
  if (typeof a === 'string' && typeof b === 'string') return strcat(a, b);
  const x = tostr(a);
  const y = tostr(b);
  if (x !== undefined && y !== undefined) return strcat(x, y);
  const h = metaOf(a, '__concat') ?? metaOf(b, '__concat');
  if (h !== undefined) return metaCall(h, [a, b], line)[0];
  const badA = x === undefined;
  return rtError(`attempt to concatenate ${describe(badA ? a : b, badA ? da : db)}`, line);
}

function strcat(a: string, b: string): string {
  const n = a.length + b.length;
  MEM.A -= n;
  if (MEM.A < 0) memCheck(n);
  return a + b;
}

export function len(a: LuaValue, line: number, da?: string): number | LuaValue {
  if (typeof a === 'string') return a.length;
  if (a instanceof LuaTable) return a.length();
  const h = metaOf(a, '__len');
  if (h !== undefined) return metaCall(h, [a], line)[0];
  return rtError(`attempt to get length of ${describe(a, da)}`, line);
}

// ---- comparison -------------------------------------------------------------------------------

export function eq(a: LuaValue, b: LuaValue): boolean {
  if (a === b) return true;
  if (a instanceof LuaTable && b instanceof LuaTable && a.mt !== undefined && b.mt !== undefined) {
    const h1 = a.mt.getStr('__eq');
    if (h1 === undefined || h1 !== b.mt.getStr('__eq')) return false;
    return truthy(call(h1, [a, b])[0]);
  }
  return false;
}

function compareError(a: LuaValue, b: LuaValue, line: number): never {
  const t1 = type(a);
  const t2 = type(b);
  if (t1 === t2) rtError(`attempt to compare two ${t1} values`, line);
  return rtError(`attempt to compare ${t1} with ${t2}`, line);
}

function orderMeta(event: string, a: LuaValue, b: LuaValue, line: number): boolean | undefined {
  if (type(a) !== type(b)) return undefined;
  const h1 = metaOf(a, event);
  if (h1 === undefined) return undefined;
  const h2 = metaOf(b, event);
  if (h1 !== h2) return undefined;
  return truthy(metaCall(h1, [a, b], line)[0]);
}

export function lt(a: LuaValue, b: LuaValue, line: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  const r = orderMeta('__lt', a, b, line);
  if (r === undefined) return compareError(a, b, line);
  return r;
}

export function le(a: LuaValue, b: LuaValue, line: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a <= b;
  if (typeof a === 'string' && typeof b === 'string') return a <= b;
  const r = orderMeta('__le', a, b, line);
  if (r !== undefined) return r;
  // Lua 5.1: try not (b < a).
  const r2 = orderMeta('__lt', b, a, line);
  if (r2 === undefined) return compareError(a, b, line);
  return !r2;
}

export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

// ---- numeric for ----------------------------------------------------------------------------------

export function forNum(v: LuaValue, what: string, line: number): number {
  if (typeof v === 'number') return v;
  const n = tonum(v);
  if (n === undefined) rtError(`'for' ${what} must be a number`, line);
  return n;
}

/**
 * Called when S.B runs out: a look at the heap (memory.ts), then the budget hook (time limit,
 * SCRIPT KILL). True asks sliced code to end its slice (yield SLICE to the script's driver).
 */
export function tick(line?: number): boolean {
  // A loop's check names its line: the position a time-limit stop (or SCRIPT KILL) reports.
  if (line !== undefined) S.L = line;
  memCheck(0);
  return S.onBudget() === true;
}
