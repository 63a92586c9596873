/**
 * Redis 7 functions: libraries loaded with FUNCTION LOAD ("#!lua name=<lib>" + code that calls
 * redis.register_function), called with FCALL/FCALL_RO. All libraries share one Lua state of
 * their own (separate from EVAL's). Library code sees an empty, read-only globals table whose
 * __index is switched as Redis 7.0 does: while a library loads it reaches only a restricted
 * `redis` (register_function, log, setresp and the constants), at call time every global.
 * Function names are case-insensitive; library names are not.
 * Error texts follow Redis 7.0's function_lua.c and functions.c.
 */
import { RedisError } from '../engine/errors.js';
import { scriptCacheInfo } from '../engine/info.js';
import type { RedisNode } from '../engine/node.js';
import { functionsBytes } from './cache-memory.js';
import { errorTable } from './conversions.js';
import { type RunOptions, ScriptEngine } from './engine.js';
import { registerFunctionFlagsLookup } from './flags.js';
import { LuaSyntaxError } from './lua/lexer.js';
import { toLuaError } from './lua/lib-base.js';
import {
  type CoFunction,
  callGenerator,
  LuaError,
  type LuaFunction,
  LuaTable,
  type LuaValue,
  rawToString,
  S,
  where,
} from './lua/runtime.js';

export interface LuaFunctionDef {
  name: string;
  fn: LuaFunction;
  description: string | undefined;
  flags: string[];
  library: Library;
}

export interface Library {
  name: string;
  code: string;
  functions: Map<string, LuaFunctionDef>;
}

const FUNCTION_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);
const NAME_RE = /^[A-Za-z0-9_]+$/;
const NAME_ERROR = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** Parses "#!lua name=<lib>" metadata; returns the library name. */
function parseMetadata(code: string): string {
  if (!code.startsWith('#!')) throw new RedisError('ERR Missing library metadata');
  const nl = code.indexOf('\n');
  const line = nl < 0 ? code.slice(2) : code.slice(2, nl);
  const parts = line.split(/[ \t\r\n\v\f]+/).filter((p) => p !== '');
  const engine = parts[0] ?? '';
  if (engine.toLowerCase() !== 'lua') throw new RedisError(`ERR Engine '${engine}' not found`);
  let name: string | undefined;
  for (const p of parts.slice(1)) {
    if (p.startsWith('name=')) name = p.slice(5);
    else throw new RedisError(`ERR Invalid metadata value given: ${p}`);
  }
  if (name === undefined) throw new RedisError('ERR Library name was not given');
  if (!NAME_RE.test(name)) throw new RedisError(`ERR ${NAME_ERROR}`);
  return name;
}

function fail(msg: string): never {
  const t = new LuaTable();
  t.set('err', `ERR ${msg}`);
  throw new LuaError(t, S.L);
}

export class FunctionsEngine {
  /** Functions run on a ScriptEngine of their own (its own globals and fake client). */
  readonly runner: ScriptEngine;
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, LuaFunctionDef>();
  private readonly loadApi: LuaTable;
  /** The globals library code runs with: empty, its metatable's __index switched per phase. */
  private readonly env: LuaTable;
  private readonly envMeta: LuaTable;
  private loading: Library | undefined;

  constructor(readonly node: RedisNode) {
    this.runner = new ScriptEngine(node);
    const G = this.runner.lua.G;
    const full = G.get('redis') as LuaTable;
    const load = new LuaTable();
    load.set('register_function', (...a: LuaValue[]) => this.register(a));
    for (const k of ['log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM', 'setresp']) {
      load.set(k, full.get(k));
    }
    const mt = new LuaTable();
    mt.set('__index', (_t: LuaValue, k: LuaValue) => {
      throw new LuaError(`${where(S.L)} Script attempted to access nonexistent global variable '${rawToString(k)}'`, S.L);
    });
    load.mt = mt;
    load.readonly = true;
    mt.readonly = true;
    const api = new LuaTable();
    api.set('redis', load);
    api.mt = mt;
    api.readonly = true;
    this.loadApi = api;
    this.envMeta = new LuaTable();
    this.envMeta.set('__index', G);
    this.env = new LuaTable();
    this.env.mt = this.envMeta;
    this.env.readonly = true;
  }

  private register(a: LuaValue[]): LuaValue[] {
    const lib = this.loading;
    if (!lib) return fail('redis.register_function can only be called on FUNCTION LOAD command');
    let name: LuaValue;
    let cb: LuaValue;
    let flags: string[] = [];
    let description: string | undefined;
    if (a.length === 1) {
      const t = a[0];
      if (!(t instanceof LuaTable)) {
        return fail(
          'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).',
        );
      }
      let k: LuaValue;
      for (let e = t.next(undefined); e; e = t.next(k)) {
        k = e[0];
        const v = e[1];
        if (k === 'function_name') name = typeof v === 'number' ? rawToString(v) : v;
        else if (k === 'callback') cb = v;
        else if (k === 'description') {
          if (typeof v !== 'string' && typeof v !== 'number')
            fail('description argument given to redis.register_function must be a string');
          description = rawToString(v);
        } else if (k === 'flags') {
          if (!(v instanceof LuaTable)) fail('flags argument to redis.register_function must be a table representing function flags');
          flags = [];
          // t[1], t[2], ... up to the first nil; names compare case-insensitively (strcasecmp).
          for (let j = 1; ; j++) {
            const f = (v as LuaTable).get(j);
            if (f === undefined) break;
            const name = typeof f === 'string' ? f.toLowerCase() : undefined;
            if (name === undefined || !FUNCTION_FLAGS.has(name)) fail('unknown flag given');
            flags.push(name as string);
          }
        } else fail('unknown argument given to redis.register_function');
      }
      if (typeof name !== 'string') fail('redis.register_function must get a function name argument');
      if (typeof cb !== 'function') fail('redis.register_function must get a callback argument');
    } else if (a.length === 2) {
      name = typeof a[0] === 'number' ? rawToString(a[0]) : a[0];
      cb = a[1];
      if (typeof name !== 'string') fail('first argument to redis.register_function must be a string');
      if (typeof cb !== 'function') fail('second argument to redis.register_function must be a function');
    } else {
      return fail('wrong number of arguments to redis.register_function');
    }
    const fname = name as string;
    if (!NAME_RE.test(fname)) fail(NAME_ERROR);
    if (lib.functions.has(fname.toLowerCase())) fail('Function already exists in the library');
    lib.functions.set(fname.toLowerCase(), { name: fname, fn: cb as LuaFunction, description, flags, library: lib });
    return [];
  }

  /** FUNCTION LOAD: compiles and runs the library code; returns the library name. */
  load(code: string, replace: boolean): string {
    const name = parseMetadata(code);
    const existing = this.libraries.get(name);
    if (existing && !replace) throw new RedisError(`ERR Library '${name}' already exists`);
    const lib: Library = { name, code, functions: new Map() };
    let main: LuaFunction;
    try {
      main = this.runner.lua.load(`--${code.slice(2)}`, 'user_function', this.env, true);
    } catch (e) {
      if (e instanceof LuaSyntaxError) throw new RedisError(`ERR Error compiling function: ${e.message}`);
      throw e;
    }
    const G = this.runner.lua.G;
    this.envMeta.set('__index', this.loadApi);
    this.loading = lib;
    S.chunk = 'user_function';
    S.d = 0;
    S.co = (main as CoFunction).g !== undefined;
    const savedBudget = S.onBudget;
    const start = performance.now();
    S.onBudget = () => {
      // Redis stops library code that runs longer than 500 ms while loading (not catchable).
      if (performance.now() - start > 500) throw new LuaError(errorTable('FUNCTION LOAD timeout'), S.L, true);
      S.B = 100000;
    };
    try {
      callGenerator(main, []);
    } catch (e) {
      const le = toLuaError(e);
      const v = le.value;
      const msg = v instanceof LuaTable ? rawToString(v.get('err')) : `ERR ${rawToString(v)}`;
      throw new RedisError(`ERR Error registering functions: ${msg}`);
    } finally {
      this.envMeta.set('__index', G);
      this.loading = undefined;
      S.onBudget = savedBudget;
    }
    if (lib.functions.size === 0) throw new RedisError('ERR No functions registered');
    for (const [k, f] of lib.functions) {
      const owner = this.functions.get(k);
      if (owner && owner.library !== existing) throw new RedisError(`ERR Function ${f.name} already exists`);
    }
    if (existing) this.removeLibrary(existing);
    this.addLibrary(lib);
    return name;
  }

  addLibrary(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const [k, f] of lib.functions) this.functions.set(k, f);
  }

  removeLibrary(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions.keys()) this.functions.delete(f);
  }

  flush(): void {
    this.libraries.clear();
    this.functions.clear();
  }

  /** FCALL / FCALL_RO. */
  call(c: import('../engine/client.js').Client, name: string, keys: string[], args: string[], ro: boolean, argv?: readonly string[]): void {
    const f = this.functions.get(name.toLowerCase());
    if (!f) throw new RedisError('ERR Function not found');
    // run() applies the flags as scriptPrepareForRun: FCALL_RO of a function without no-writes
    // is refused, then (out of memory at the start) one without allow-oom or no-writes.
    const opts: RunOptions = {
      funcname: name,
      source: '@user_function',
      chunk: 'user_function',
      readOnly: f.flags.includes('no-writes'),
      asFunction: true,
      flags: f.flags,
      ro,
      ...(argv ? { argv } : {}),
    };
    this.runner.run(c, f.fn, keys, args, opts);
  }
}

const engines = new WeakMap<RedisNode, FunctionsEngine>();

// The dispatcher's view of functions' flags (FCALL's denyoom before it runs).
registerFunctionFlagsLookup((node, name) => engines.get(node)?.functions.get(name.toLowerCase())?.flags);

/** The node's functions engine if it has one (no Lua state is created for asking). */
// INFO memory's number_of_functions, number_of_libraries and used_memory_functions.
scriptCacheInfo.functions = (node) => {
  const e = engines.get(node);
  return {
    functions: e?.functions.size ?? 0,
    libraries: e?.libraries.size ?? 0,
    bytes: functionsBytes(e?.libraries.values() ?? []),
  };
};

export function functionsIfLoaded(node: RedisNode): FunctionsEngine | undefined {
  return engines.get(node);
}

export function functionsOf(node: RedisNode): FunctionsEngine {
  let e = engines.get(node);
  if (!e) {
    e = new FunctionsEngine(node);
    engines.set(node, e);
  }
  return e;
}

// ---- FUNCTION DUMP / RESTORE payloads (RDB function opcodes with version and CRC64) ----------

const RDB_OPCODE_FUNCTION2 = 0xf5;
const RDB_VERSION = 10;

let crcTable: bigint[] | undefined;

/** CRC-64/Jones (reflected), as Redis's crc64 for DUMP payloads. */
export function crc64(s: string): bigint {
  if (!crcTable) {
    crcTable = [];
    const poly = 0x95ac9329ac4bc9b5n;
    for (let i = 0; i < 256; i++) {
      let c = BigInt(i);
      for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
      crcTable.push(c);
    }
  }
  let crc = 0n;
  for (let i = 0; i < s.length; i++) {
    crc = (crcTable[Number((crc ^ BigInt(s.charCodeAt(i))) & 0xffn)] as bigint) ^ (crc >> 8n);
  }
  return crc;
}

function rdbLen(n: number): string {
  if (n < 64) return String.fromCharCode(n);
  if (n < 16384) return String.fromCharCode(0x40 | (n >> 8), n & 0xff);
  return String.fromCharCode(0x80, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function dumpLibraries(libs: Iterable<Library>): string {
  let body = '';
  for (const lib of libs) body += String.fromCharCode(RDB_OPCODE_FUNCTION2) + rdbLen(lib.code.length) + lib.code;
  body += String.fromCharCode(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  let crc = crc64(body);
  let trailer = '';
  for (let i = 0; i < 8; i++) {
    trailer += String.fromCharCode(Number(crc & 0xffn));
    crc >>= 8n;
  }
  return body + trailer;
}

/** Parses a FUNCTION DUMP payload into library codes; null when the payload is invalid. */
export function parseDump(payload: string): string[] | null {
  if (payload.length < 10) return null;
  const body = payload.slice(0, -8);
  let crc = crc64(body);
  for (let i = 0; i < 8; i++) {
    if (payload.charCodeAt(payload.length - 8 + i) !== Number(crc & 0xffn)) return null;
    crc >>= 8n;
  }
  const version = body.charCodeAt(body.length - 2) | (body.charCodeAt(body.length - 1) << 8);
  if (version > RDB_VERSION) return null;
  const codes: string[] = [];
  let i = 0;
  const end = body.length - 2;
  while (i < end) {
    if (body.charCodeAt(i) !== RDB_OPCODE_FUNCTION2) return null;
    i++;
    const b = body.charCodeAt(i);
    let n: number;
    if (b >> 6 === 0) {
      n = b;
      i++;
    } else if (b >> 6 === 1) {
      n = ((b & 0x3f) << 8) | body.charCodeAt(i + 1);
      i += 2;
    } else if (b === 0xc3) {
      // An LZF-compressed string, as Redis writes strings longer than 20 bytes.
      i++;
      const [clen, i1] = readLen(body, i);
      const [len, i2] = readLen(body, i1);
      const text = lzfDecompress(body.slice(i2, i2 + clen), len);
      if (text === null) return null;
      codes.push(text);
      i = i2 + clen;
      continue;
    } else if (b === 0x80) {
      n = ((body.charCodeAt(i + 1) << 24) | (body.charCodeAt(i + 2) << 16) | (body.charCodeAt(i + 3) << 8) | body.charCodeAt(i + 4)) >>> 0;
      i += 5;
    } else return null;
    if (i + n > end) return null;
    codes.push(body.slice(i, i + n));
    i += n;
  }
  return codes;
}

function readLen(s: string, i: number): [number, number] {
  const b = s.charCodeAt(i);
  if (b >> 6 === 0) return [b, i + 1];
  if (b >> 6 === 1) return [((b & 0x3f) << 8) | s.charCodeAt(i + 1), i + 2];
  return [((s.charCodeAt(i + 1) << 24) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 8) | s.charCodeAt(i + 4)) >>> 0, i + 5];
}

/** LZF decompression (lzf_d.c's format): literal runs and back-references. */
export function lzfDecompress(input: string, outLen: number): string | null {
  const out: number[] = [];
  let ip = 0;
  while (ip < input.length) {
    const ctrl = input.charCodeAt(ip++);
    if (ctrl < 32) {
      for (let k = 0; k <= ctrl; k++) out.push(input.charCodeAt(ip++));
    } else {
      let len = ctrl >> 5;
      if (len === 7) len += input.charCodeAt(ip++);
      let ref = out.length - ((ctrl & 0x1f) << 8) - 1 - input.charCodeAt(ip++);
      if (ref < 0) return null;
      for (let k = 0; k < len + 2; k++) out.push(out[ref++] as number);
    }
  }
  if (out.length !== outLen) return null;
  let s = '';
  for (let k = 0; k < out.length; k += 8192) s += String.fromCharCode(...out.slice(k, k + 8192));
  return s;
}
