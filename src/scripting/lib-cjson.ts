/**
 * lua-cjson 2.1.0 as bundled with Redis 7.0 (deps/lua/src/lua_cjson.c): cjson.encode,
 * cjson.decode, cjson.null, cjson.new and the configuration functions.
 *
 * Configuration lives with each module table (an upvalue of its functions in C): the global
 * `cjson` of a Lua state keeps what a script set until the state is replaced, so
 * `cjson.encode_number_precision(3)` in one EVAL still holds in the next, until SCRIPT FLUSH
 * (a new EVAL state); functions have a Lua state of their own (FUNCTION FLUSH keeps it).
 * cjson.new() returns a fresh table with the defaults.
 *
 * Configuration functions (json_arg_init, json_integer_option, json_enum_option): more
 * arguments than they take is "bad argument #N+1 (found too many arguments)"; nil leaves a
 * setting alone; integers go through luaL_checkinteger and a C int (2^32+5 is 5), and an
 * integer out of range always blames argument #1; booleans or "on"/"off" (and "null" for
 * encode_invalid_numbers) otherwise go through luaL_checkoption. Each returns the settings it
 * covers: booleans, except encode_invalid_numbers' "null"; encode_sparse_array returns three
 * values. An error in a later argument keeps the settings already made by earlier ones.
 *
 * Encoding: numbers with "%.<precision>g"; NaN and Inf refused ("must not be NaN or Inf"), or
 * written as nan/inf/-inf, or as null; a table whose keys are all positive integers is an array
 * (holes become null) unless excessively sparse (an error, or an object with
 * encode_sparse_array(true)); other tables are objects with string or number keys, in the
 * table's own order. Nesting deeper than encode_max_depth (or Lua's C stack of 8,000 slots: a
 * level of array takes one, of object two) is an error.
 *
 * Decoding: lua_cjson's tokenizer on a C string (a NUL byte ends the text), strtod for numbers,
 * "+1", hex, leading zeros, Inf and NaN accepted while decode_invalid_numbers is on (Redis's
 * build leaves it on), decode_max_depth and the C stack bound nesting, and error texts name the
 * token found and its 1-based position.
 */
import { cFormatG } from './lua/cformat.js';
import { cInt, ldexp, negNaN, posNaN, ret1 } from './lua/float.js';
import { argError, checkNum, checkStr, libTable } from './lua/lib-util.js';
import { LuaTable, type LuaValue, numberToString, rtError, type } from './lua/runtime.js';

/** cjson.null: a light userdata (NULL) in Redis. */
export const CJSON_NULL = Object.freeze({ cjsonNull: true }) as unknown as LuaValue;

/** Lua 5.1's LUAI_MAXCSTACK: lua_checkstack fails past this many slots in a C function's frame. */
const MAX_C_STACK = 8000;

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** The bytes json_append_string escapes (char2escape): '"', '\\', '/', control characters, DEL. */
const NEEDS_ESCAPE = /["\\/\x00-\x1f\x7f]/g;

/** json_append_string: char2escape's escapes (control characters and DEL as \u00XX). */
function escapeString(s: string): string {
  NEEDS_ESCAPE.lastIndex = 0;
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  NEEDS_ESCAPE.lastIndex = 0;
  return `"${s.replace(NEEDS_ESCAPE, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** json_config_t's settings, with lua_cjson's defaults. */
class Config {
  sparseConvert = 0;
  sparseRatio = 2;
  sparseSafe = 10;
  encodeMaxDepth = 1000;
  decodeMaxDepth = 1000;
  /** 0: refuse NaN/Inf, 1: write nan/inf, 2: write null. */
  encodeInvalidNumbers = 0;
  decodeInvalidNumbers = 1;
  encodeKeepBuffer = 1;
  precision = 14;
}

// ---- configuration -----------------------------------------------------------------------------

type Setting =
  | 'sparseConvert'
  | 'sparseRatio'
  | 'sparseSafe'
  | 'encodeMaxDepth'
  | 'decodeMaxDepth'
  | 'encodeInvalidNumbers'
  | 'decodeInvalidNumbers'
  | 'encodeKeepBuffer'
  | 'precision';

const ON_OFF = ['off', 'on'];

/** json_arg_init: at most `n` arguments. */
function argInit(a: LuaValue[], n: number, fname: string): void {
  if (a.length > n) argError(n + 1, fname, 'found too many arguments');
}

/** json_integer_option: a C int within [min, max] (the range error always names argument #1). */
function integerOption(a: LuaValue[], i: number, cfg: Config, key: Setting, min: number, max: number, fname: string): number {
  if (a[i] !== undefined) {
    const v = cInt(checkNum(a, i, fname));
    if (v < min || v > max) argError(1, fname, `expected integer between ${min} and ${max}`);
    cfg[key] = v;
  }
  return cfg[key];
}

/** json_enum_option with bool_true = 1: a boolean, or one of `options` by name (luaL_checkoption). */
function enumOption(a: LuaValue[], i: number, cfg: Config, key: Setting, options: string[], fname: string): LuaValue {
  const v = a[i];
  if (v !== undefined) {
    if (typeof v === 'boolean') cfg[key] = v ? 1 : 0;
    else {
      const name = checkStr(a, i, fname);
      const k = options.indexOf(name);
      if (k < 0) argError(i + 1, fname, `invalid option '${name}'`);
      cfg[key] = k;
    }
  }
  const s = cfg[key];
  return s === 0 || s === 1 ? s === 1 : options[s];
}

// ---- encoding ----------------------------------------------------------------------------------

/** json_append_number: the invalid-number policy, then "%.<precision>g". */
function encodeNumber(d: number, cfg: Config): string {
  if (!Number.isFinite(d)) {
    if (cfg.encodeInvalidNumbers === 0) rtError('Cannot serialise number: must not be NaN or Inf');
    if (cfg.encodeInvalidNumbers === 2) return 'null';
    if (Number.isNaN(d)) return 'nan';
    return d > 0 ? 'inf' : '-inf';
  }
  return cfg.precision === 14 ? numberToString(d) : cFormatG(d, cfg.precision, false);
}

/**
 * lua_array_length: the array size when every key is a positive integer (-1 otherwise). The
 * largest key goes through a C int, so a key of 2^31 or more (or inf) makes it INT_MIN, and the
 * table an object, until a later key (in the table's order) is larger than that. Too sparse an
 * array (max > items*ratio and max > safe, in C int arithmetic) is an error or an object.
 */
function arrayLength(t: LuaTable, cfg: Config): number {
  let max = 0;
  let items = 0;
  let k: LuaValue;
  for (let e = t.next(undefined); e; e = t.next(k)) {
    k = e[0];
    if (typeof k === 'number' && k !== 0 && Math.floor(k) === k && k >= 1) {
      if (k > max) max = k < 2147483648 ? k : -2147483648;
      items++;
      continue;
    }
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > Math.imul(items, cfg.sparseRatio) && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) rtError('Cannot serialise table: excessively sparse array');
    return -1;
  }
  return max;
}

/** An array or object being written: its table, where the walk is, and the C stack it holds. */
interface EncodeFrame {
  t: LuaTable;
  /** The array length, or -1 for an object. */
  len: number;
  /** The next array index. */
  i: number;
  /** The last object key written (the lua_next cursor). */
  k: LuaValue;
  depth: number;
  /** Lua stack slots json_encode holds while in this table (its argument, the enclosing tables' keys and values). */
  top: number;
  /** The table's text so far, joined when it closes (short-lived pieces cost the collector little). */
  parts: string[];
  /** What goes before the table's text: its key in the enclosing object ("key":), or nothing. */
  prefix: string;
}

/**
 * json_encode: json_append_data over the value, with an explicit stack instead of C's recursion
 * (8,000 levels deep would exhaust JavaScript's). A table nested at `depth` (counting from 1)
 * beyond encode_max_depth, or whose lua_checkstack(3) would pass LUAI_MAXCSTACK, is "excessive
 * nesting": an array element takes one stack slot, an object member two (key and value).
 */
function encode(root: LuaValue, cfg: Config): string {
  const frames: EncodeFrame[] = [];
  let result = '';
  /** Appends text to the innermost open table, or makes it the result. */
  const emit = (text: string): void => {
    const f = frames[frames.length - 1];
    if (f === undefined) result = text;
    else f.parts.push(text);
  };
  /** json_append_data of `v` (after `prefix`) inside a table at `depth` holding `top` slots. */
  const value = (v: LuaValue, depth: number, top: number, prefix: string): void => {
    if (v === undefined || v === CJSON_NULL) emit(`${prefix}null`);
    else if (typeof v === 'boolean') emit(prefix + (v ? 'true' : 'false'));
    else if (typeof v === 'number') emit(prefix + encodeNumber(v, cfg));
    else if (typeof v === 'string') emit(prefix + escapeString(v));
    else if (v instanceof LuaTable) {
      const d = depth + 1;
      if (d > cfg.encodeMaxDepth || top + 3 > MAX_C_STACK) rtError(`Cannot serialise, excessive nesting (${d})`);
      const len = arrayLength(v, cfg);
      frames.push({ t: v, len: len > 0 ? len : -1, i: 1, k: undefined, depth: d, top, parts: [], prefix });
    } else rtError(`Cannot serialise ${type(v)}: type not supported`);
  };
  value(root, 0, 1, '');
  for (let f = frames[frames.length - 1]; f !== undefined; f = frames[frames.length - 1]) {
    if (f.len >= 0) {
      if (f.i > f.len) {
        frames.pop();
        emit(`${f.prefix}[${f.parts.join(',')}]`);
        continue;
      }
      value(f.t.get(f.i++), f.depth, f.top + 1, '');
      continue;
    }
    const e = f.t.next(f.k);
    if (e === undefined) {
      frames.pop();
      emit(`${f.prefix}{${f.parts.join(',')}}`);
      continue;
    }
    const k = e[0];
    f.k = k;
    let key: string;
    if (typeof k === 'string') key = escapeString(k);
    else if (typeof k === 'number') key = `"${encodeNumber(k, cfg)}"`;
    else return rtError(`Cannot serialise ${type(k)}: table key must be a number or string`);
    value(e[1], f.depth, f.top + 2, `${key}:`);
  }
  return result;
}

// ---- decoding ----------------------------------------------------------------------------------

const T_OBJ_BEGIN: number = 0;
const T_OBJ_END: number = 1;
const T_ARR_BEGIN: number = 2;
const T_ARR_END: number = 3;
const T_STRING: number = 4;
const T_NUMBER: number = 5;
const T_BOOLEAN: number = 6;
const T_NULL: number = 7;
const T_COLON: number = 8;
const T_COMMA: number = 9;
const T_END: number = 10;
const T_WHITESPACE: number = 11;
const T_ERROR: number = 12;
const T_UNKNOWN: number = 13;

const TOKEN_NAMES = [
  'T_OBJ_BEGIN',
  'T_OBJ_END',
  'T_ARR_BEGIN',
  'T_ARR_END',
  'T_STRING',
  'T_NUMBER',
  'T_BOOLEAN',
  'T_NULL',
  'T_COLON',
  'T_COMMA',
  'T_END',
  'T_WHITESPACE',
  'T_ERROR',
  'T_UNKNOWN',
];

/** ch2token: what a byte starts (T_UNKNOWN: needs a closer look). */
const CH2TOKEN: number[] = (() => {
  const t = new Array<number>(256).fill(T_ERROR);
  t[0x7b] = T_OBJ_BEGIN;
  t[0x7d] = T_OBJ_END;
  t[0x5b] = T_ARR_BEGIN;
  t[0x5d] = T_ARR_END;
  t[0x2c] = T_COMMA;
  t[0x3a] = T_COLON;
  t[0] = T_END;
  for (const c of ' \t\n\r') t[c.charCodeAt(0)] = T_WHITESPACE;
  for (const c of 'fiInNt"+-0123456789') t[c.charCodeAt(0)] = T_UNKNOWN;
  return t;
})();

/** escape2char: the single-character escapes ('u' needs a code point). */
const ESCAPE2CHAR: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', u: 'u' };

function hexDigit(c: string | undefined): number {
  if (c === undefined) return -1;
  const d = c.charCodeAt(0);
  if (d >= 0x30 && d <= 0x39) return d - 0x30;
  const l = d | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

const DIGITS = /[0-9]/;

/**
 * glibc's strtod in the C locale from s[pos]: [sign] then inf/infinity, nan[(chars)], a hex
 * number (0x digits [. digits] [p exp]) or a decimal one (digits [. digits] [e exp]); returns
 * the value and the end, or end === pos when nothing was read.
 */
export function strtod(s: string, pos: number): [number, number] {
  let i = pos;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const rest = s.slice(i, i + 8).toLowerCase();
  if (rest.startsWith('inf')) {
    const end = i + (rest === 'infinity' ? 8 : 3);
    return [neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, end];
  }
  if (rest.startsWith('nan')) {
    let end = i + 3;
    const m = /^\([0-9A-Za-z_]*\)/.exec(s.slice(end, end + 200));
    if (m) end += m[0].length;
    // A tagged array: a NaN written into an array literal of numbers may lose its sign in V8.
    const out: [number, number] = [undefined as unknown as number, end];
    out[0] = neg ? negNaN() : posNaN();
    return out;
  }
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    const h = hexFloat(s, i + 2);
    if (h !== undefined) return [neg ? -h[0] : h[0], h[1]];
  }
  const start = i;
  let digits = 0;
  while (DIGITS.test(s[i] ?? '')) {
    i++;
    digits++;
  }
  if (s[i] === '.') {
    i++;
    while (DIGITS.test(s[i] ?? '')) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return [0, pos];
  if (s[i] === 'e' || s[i] === 'E') {
    let j = i + 1;
    if (s[j] === '+' || s[j] === '-') j++;
    if (DIGITS.test(s[j] ?? '')) {
      while (DIGITS.test(s[j] ?? '')) j++;
      i = j;
    }
  }
  // JS reads the same decimal syntax ("1.", ".5", "1.e5") and rounds it correctly, as glibc does.
  const v = Number(s.slice(start, i));
  return [neg ? -v : v, i];
}

/** The hex digits after "0x" ([digits][.digits] [p[sign]digits]), correctly rounded; undefined if none. */
function hexFloat(s: string, pos: number): [number, number] | undefined {
  let i = pos;
  let mant = 0n;
  let digits = 0;
  let exp = 0;
  // Only the first 30 significant hex digits (120 bits) can matter; later ones set a sticky bit
  // (so that a long tail is never quadratic work).
  let significant = 0;
  let sticky = false;
  const digit = (d: number, fraction: boolean): void => {
    if (significant < 30) {
      mant = mant * 16n + BigInt(d);
      if (mant !== 0n) significant++;
      if (fraction) exp -= 4;
    } else {
      if (d !== 0) sticky = true;
      if (!fraction) exp += 4;
    }
    digits++;
  };
  for (let d = hexDigit(s[i]); d >= 0; d = hexDigit(s[++i])) digit(d, false);
  if (s[i] === '.') {
    i++;
    for (let d = hexDigit(s[i]); d >= 0; d = hexDigit(s[++i])) digit(d, true);
  }
  if (sticky) {
    mant = (mant << 1n) | 1n;
    exp -= 1;
  }
  if (digits === 0) return undefined;
  if (s[i] === 'p' || s[i] === 'P') {
    let j = i + 1;
    let eneg = false;
    if (s[j] === '+' || s[j] === '-') {
      eneg = s[j] === '-';
      j++;
    }
    if (DIGITS.test(s[j] ?? '')) {
      let e = 0;
      while (DIGITS.test(s[j] ?? '')) {
        e = Math.min(e * 10 + Number(s[j]), 1e6);
        j++;
      }
      exp += eneg ? -e : e;
      i = j;
    }
  }
  if (mant === 0n) return [0, i];
  // Keep 53 significant bits, fewer for a subnormal result (down to 2^-1074), rounding half
  // to even, so that scaling by the power of two is exact.
  const bits = mant.toString(2).length;
  const keep = Math.min(53, bits + exp + 1074);
  if (keep < 0) return [0, i];
  const drop = bits - keep;
  if (drop > 0) {
    const b = BigInt(drop);
    const q = mant >> b;
    const r = mant - (q << b);
    const half = 1n << (b - 1n);
    mant = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    exp += drop;
  }
  return [ldexp(Number(mant), exp), i];
}

interface Token {
  type: number;
  index: number;
  value: LuaValue;
  /** T_ERROR's description, shown as "found <error>". */
  error: string;
}

class Decoder {
  ptr = 0;
  /** The current nesting depth (json->current_depth). */
  depth = 0;
  constructor(
    readonly s: string,
    readonly cfg: Config,
  ) {}

  /** The byte at i; a NUL (and the end of the string, C's terminator) reads as 0. */
  private code(i: number): number {
    const c = this.s.charCodeAt(i);
    return !Number.isNaN(c) ? c : 0;
  }

  private tokenError(t: Token, error: string): void {
    t.type = T_ERROR;
    t.index = this.ptr;
    t.error = error;
  }

  /** json_is_invalid_number: '+', hex, leading zeros, inf and nan are not JSON numbers. */
  private isInvalidNumber(): boolean {
    const s = this.s;
    let p = this.ptr;
    if (s[p] === '+') return true;
    if (s[p] === '-') p++;
    if (s[p] === '0') {
      const c2 = this.code(p + 1);
      return (c2 | 0x20) === 0x78 || (c2 >= 0x30 && c2 <= 0x39);
    }
    if (this.code(p) <= 0x39) return false;
    const w = s.slice(p, p + 3).toLowerCase();
    return w === 'inf' || w === 'nan';
  }

  private numberToken(t: Token): void {
    const [v, end] = strtod(this.s, this.ptr);
    t.type = T_NUMBER;
    if (end === this.ptr) this.tokenError(t, 'invalid number');
    else {
      t.value = v;
      this.ptr = end;
    }
  }

  private stringToken(t: Token): void {
    const s = this.s;
    this.ptr++;
    let out = '';
    for (;;) {
      // A run of plain bytes in one slice.
      let end = this.ptr;
      for (let c = s.charCodeAt(end); end < s.length && c !== 0x22 && c !== 0x5c && c !== 0; c = s.charCodeAt(++end));
      if (end > this.ptr) {
        out += s.slice(this.ptr, end);
        this.ptr = end;
      }
      const ch = s[this.ptr];
      if (ch === '"') break;
      if (ch === undefined || ch === '\0') return this.tokenError(t, 'unexpected end of string');
      if (ch === '\\') {
        const e = ESCAPE2CHAR[s[this.ptr + 1] ?? ''];
        if (e === 'u') {
          const u = this.unicodeEscape();
          if (u === undefined) return this.tokenError(t, 'invalid unicode escape code');
          out += u;
          continue;
        }
        if (e === undefined) return this.tokenError(t, 'invalid escape code');
        out += e;
        this.ptr += 2;
        continue;
      }
      out += ch;
      this.ptr++;
    }
    this.ptr++;
    t.type = T_STRING;
    t.value = out;
  }

  /** json_append_unicode_escape at a backslash: \uXXXX (a high surrogate needs its low one), as UTF-8. */
  private unicodeEscape(): string | undefined {
    const hex4 = (at: number): number => {
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const d = hexDigit(this.s[at + k]);
        if (d < 0) return -1;
        v = v * 16 + d;
      }
      return v;
    };
    let cp = hex4(this.ptr + 2);
    if (cp < 0) return undefined;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return undefined;
      if (this.s[this.ptr + 6] !== '\\' || this.s[this.ptr + 7] !== 'u') return undefined;
      const lo = hex4(this.ptr + 8);
      if (lo < 0 || (lo & 0xfc00) !== 0xdc00) return undefined;
      cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
      len = 12;
    }
    this.ptr += len;
    return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
  }

  /** json_next_token. */
  next(t: Token): void {
    let c = this.code(this.ptr);
    let type = c < 256 ? (CH2TOKEN[c] as number) : T_ERROR;
    while (type === T_WHITESPACE) {
      c = this.code(++this.ptr);
      type = c < 256 ? (CH2TOKEN[c] as number) : T_ERROR;
    }
    t.type = type;
    t.index = this.ptr;
    if (type === T_ERROR) return this.tokenError(t, 'invalid token');
    if (type === T_END) return;
    if (type !== T_UNKNOWN) {
      this.ptr++;
      return;
    }
    const s = this.s;
    if (c === 0x22) return this.stringToken(t);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) return this.tokenError(t, 'invalid number');
      return this.numberToken(t);
    }
    if (s.startsWith('true', this.ptr)) {
      t.type = T_BOOLEAN;
      t.value = true;
      this.ptr += 4;
      return;
    }
    if (s.startsWith('false', this.ptr)) {
      t.type = T_BOOLEAN;
      t.value = false;
      this.ptr += 5;
      return;
    }
    if (s.startsWith('null', this.ptr)) {
      t.type = T_NULL;
      this.ptr += 4;
      return;
    }
    if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) return this.numberToken(t);
    this.tokenError(t, 'invalid token');
  }

  parseError(expected: string, t: Token): never {
    const found = t.type === T_ERROR ? t.error : TOKEN_NAMES[t.type];
    return rtError(`Expected ${expected} but found ${found} at character ${t.index + 1}`);
  }

  /** json_decode_descend: decode_max_depth and lua_checkstack(slots) with `top` slots in use. */
  private descend(top: number, slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.decodeMaxDepth && top + slots <= MAX_C_STACK) return;
    rtError(`Found too many nested data structures (${this.depth}) at character ${this.ptr}`);
  }

  /**
   * json_process_value for the token in `t` with `top` Lua stack slots in use, and the
   * object/array contexts it opens, with an explicit stack instead of C's recursion. An object
   * holds its table and the current key on the Lua stack, an array its table.
   */
  value(t: Token, top: number): LuaValue {
    const frames: { tbl: LuaTable; obj: boolean; key: string; i: number; top: number }[] = [];
    for (;;) {
      let v: LuaValue;
      switch (t.type) {
        case T_STRING:
        case T_NUMBER:
        case T_BOOLEAN:
          v = t.value;
          break;
        case T_NULL:
          v = CJSON_NULL;
          break;
        case T_OBJ_BEGIN: {
          this.descend(top, 3);
          const tbl = new LuaTable();
          this.next(t);
          if (t.type === T_OBJ_END) {
            this.depth--;
            v = tbl;
            break;
          }
          frames.push({ tbl, obj: true, key: this.memberKey(t), i: 0, top });
          top += 2;
          continue;
        }
        case T_ARR_BEGIN: {
          this.descend(top, 2);
          const tbl = new LuaTable();
          this.next(t);
          if (t.type === T_ARR_END) {
            this.depth--;
            v = tbl;
            break;
          }
          frames.push({ tbl, obj: false, key: '', i: 1, top });
          top += 1;
          continue;
        }
        default:
          return this.parseError('value', t);
      }
      // A complete value: into the enclosing table, closing the tables it completes.
      for (;;) {
        const f = frames[frames.length - 1];
        if (f === undefined) return v;
        if (f.obj) f.tbl.set(f.key, v);
        else f.tbl.set(f.i++, v);
        this.next(t);
        if (t.type === (f.obj ? T_OBJ_END : T_ARR_END)) {
          this.depth--;
          frames.pop();
          top = f.top;
          v = f.tbl;
          continue;
        }
        if (t.type !== T_COMMA) this.parseError(f.obj ? 'comma or object end' : 'comma or array end', t);
        this.next(t);
        if (f.obj) f.key = this.memberKey(t);
        break;
      }
    }
  }

  /** An object member's key string and colon; leaves the value's token in `t`. */
  private memberKey(t: Token): string {
    if (t.type !== T_STRING) this.parseError('object key string', t);
    const key = t.value as string;
    this.next(t);
    if (t.type !== T_COLON) this.parseError('colon', t);
    this.next(t);
    return key;
  }
}

function decode(s: string, cfg: Config): LuaValue {
  // Only the first character of JSON text is sure to be ASCII: a NUL in the first two bytes
  // means UTF-16 or UTF-32.
  if (s.length >= 2 && (s[0] === '\0' || s[1] === '\0')) rtError('JSON parser does not support UTF-16 or UTF-32');
  const d = new Decoder(s, cfg);
  const t: Token = { type: T_END, index: 0, value: undefined, error: '' };
  d.next(t);
  const v = d.value(t, 1);
  d.next(t);
  if (t.type !== T_END) d.parseError('the end', t);
  return v;
}

// ---- the module --------------------------------------------------------------------------------

/** lua_cjson_new: a cjson table whose functions share one fresh configuration. */
export function cjsonLib(): LuaTable {
  const cfg = new Config();
  const t = libTable({
    encode: (...a) => {
      if (a.length !== 1) argError(1, 'encode', 'expected 1 argument');
      return [encode(a[0], cfg)];
    },
    decode: (...a) => {
      if (a.length !== 1) argError(1, 'decode', 'expected 1 argument');
      const v = decode(checkStr(a, 0, 'decode'), cfg);
      return typeof v === 'number' ? ret1(v) : [v];
    },
    encode_sparse_array: (...a) => {
      argInit(a, 3, 'encode_sparse_array');
      const convert = enumOption(a, 0, cfg, 'sparseConvert', ON_OFF, 'encode_sparse_array');
      const ratio = integerOption(a, 1, cfg, 'sparseRatio', 0, 2147483647, 'encode_sparse_array');
      const safe = integerOption(a, 2, cfg, 'sparseSafe', 0, 2147483647, 'encode_sparse_array');
      return [convert, ratio, safe];
    },
    encode_max_depth: (...a) => {
      argInit(a, 1, 'encode_max_depth');
      return [integerOption(a, 0, cfg, 'encodeMaxDepth', 1, 2147483647, 'encode_max_depth')];
    },
    decode_max_depth: (...a) => {
      argInit(a, 1, 'decode_max_depth');
      return [integerOption(a, 0, cfg, 'decodeMaxDepth', 1, 2147483647, 'decode_max_depth')];
    },
    encode_number_precision: (...a) => {
      argInit(a, 1, 'encode_number_precision');
      return [integerOption(a, 0, cfg, 'precision', 1, 14, 'encode_number_precision')];
    },
    // The buffer kept between calls is invisible to scripts: only the setting is kept.
    encode_keep_buffer: (...a) => {
      argInit(a, 1, 'encode_keep_buffer');
      return [enumOption(a, 0, cfg, 'encodeKeepBuffer', ON_OFF, 'encode_keep_buffer')];
    },
    encode_invalid_numbers: (...a) => {
      argInit(a, 1, 'encode_invalid_numbers');
      return [enumOption(a, 0, cfg, 'encodeInvalidNumbers', ['off', 'on', 'null'], 'encode_invalid_numbers')];
    },
    decode_invalid_numbers: (...a) => {
      argInit(a, 1, 'decode_invalid_numbers');
      return [enumOption(a, 0, cfg, 'decodeInvalidNumbers', ON_OFF, 'decode_invalid_numbers')];
    },
    new: () => [cjsonLib()],
  });
  t.set('null', CJSON_NULL);
  t.set('_NAME', 'cjson');
  t.set('_VERSION', '2.1.0');
  return t;
}
