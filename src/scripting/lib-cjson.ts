/**
 * lua-cjson as bundled with Redis: cjson.encode, cjson.decode, cjson.null and the configuration
 * functions. Numbers are written with "%.14g"; an empty table encodes as {}; a table whose keys
 * are all positive integers is an array (holes become null; excessively sparse arrays are an
 * error); other tables are objects with string or number keys. Object keys come out in the
 * table's insertion order (Lua's own hash order cannot be reproduced).
 */
import { argError, checkStr, libTable } from './lua/lib-util.js';
import { LuaTable, type LuaValue, numberToString, rtError, type } from './lua/runtime.js';

/** cjson.null: a light userdata (NULL) in Redis. */
export const CJSON_NULL = Object.freeze({ cjsonNull: true }) as unknown as LuaValue;

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

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    const e = ESCAPES[ch];
    if (e !== undefined) out += e;
    else if (code < 32 || code === 127) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

interface Config {
  maxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
}

function encodeNumber(d: number, cfg: Config): string {
  if (!Number.isFinite(d)) rtError('Cannot serialise number: must not be NaN or Inf');
  if (cfg.precision === 14) return numberToString(d);
  return numberToString(d);
}

/** lua_array_length: the array size if every key is a positive integer, else -1. */
function arrayLength(t: LuaTable, cfg: Config): number {
  let max = 0;
  let items = 0;
  let k: LuaValue;
  for (let e = t.next(undefined); e; e = t.next(k)) {
    k = e[0];
    if (typeof k === 'number' && k >= 1 && Number.isInteger(k)) {
      if (k > max) max = k;
      items++;
      continue;
    }
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) rtError('Cannot serialise table: excessively sparse array');
    return -1;
  }
  return max;
}

function encode(v: LuaValue, cfg: Config, depth: number): string {
  if (v === undefined || v === CJSON_NULL) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return encodeNumber(v, cfg);
    case 'string':
      return escapeString(v);
  }
  if (!(v instanceof LuaTable)) return rtError(`Cannot serialise ${type(v)}: type not supported`);
  if (depth > cfg.maxDepth) rtError(`Cannot serialise, excessive nesting (${depth})`);
  const len = arrayLength(v, cfg);
  if (len > 0) {
    const parts: string[] = [];
    for (let i = 1; i <= len; i++) parts.push(encode(v.get(i), cfg, depth + 1));
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  let k: LuaValue;
  for (let e = v.next(undefined); e; e = v.next(k)) {
    k = e[0];
    let key: string;
    if (typeof k === 'string') key = escapeString(k);
    else if (typeof k === 'number') key = `"${encodeNumber(k, cfg)}"`;
    else return rtError(`Cannot serialise ${type(k)}: table key must be a number or string`);
    parts.push(`${key}:${encode(e[1], cfg, depth + 1)}`);
  }
  return `{${parts.join(',')}}`;
}

class Decoder {
  i = 0;
  constructor(
    readonly s: string,
    readonly cfg: Config,
  ) {}

  /** lua-cjson's token name at the current position, for "found ..." in errors. */
  tokenName(): string {
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) return 'T_END';
    const simple: Record<string, string> = {
      '{': 'T_OBJ_BEGIN',
      '}': 'T_OBJ_END',
      '[': 'T_ARR_BEGIN',
      ']': 'T_ARR_END',
      ',': 'T_COMMA',
      ':': 'T_COLON',
      '"': 'T_STRING',
    };
    if (simple[c]) return simple[c] as string;
    if (c === '-' || (c >= '0' && c <= '9')) return 'T_NUMBER';
    if (s.startsWith('true', this.i) || s.startsWith('false', this.i)) return 'T_BOOLEAN';
    if (s.startsWith('null', this.i)) return 'T_NULL';
    return 'invalid token';
  }

  fail(expected: string, found?: string): never {
    return rtError(`Expected ${expected} but found ${found ?? this.tokenName()} at character ${this.i + 1}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t' || s[this.i] === '\n' || s[this.i] === '\r')) this.i++;
  }

  value(depth: number): LuaValue {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '{') {
      if (depth > this.cfg.decodeMaxDepth) rtError(`Found too many nested data structures (${depth}) at character ${this.i + 1}`);
      this.i++;
      const t = new LuaTable();
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        return t;
      }
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail('object key string');
        const k = this.string('object key string');
        this.ws();
        if (s[this.i] !== ':') this.fail('colon');
        this.i++;
        t.set(k, this.value(depth + 1));
        this.ws();
        if (s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (s[this.i] === '}') {
          this.i++;
          return t;
        }
        this.fail('comma or object end');
      }
    }
    if (c === '[') {
      if (depth > this.cfg.decodeMaxDepth) rtError(`Found too many nested data structures (${depth}) at character ${this.i + 1}`);
      this.i++;
      const t = new LuaTable();
      this.ws();
      if (s[this.i] === ']') {
        this.i++;
        return t;
      }
      for (let n = 1; ; n++) {
        t.set(n, this.value(depth + 1));
        this.ws();
        if (s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (s[this.i] === ']') {
          this.i++;
          return t;
        }
        this.fail('comma or array end');
      }
    }
    if (c === '"') return this.string('value');
    if (s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (s.startsWith('null', this.i)) {
      this.i += 4;
      return CJSON_NULL;
    }
    const m = /^-?(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[Ii]nf(?:inity)?|[Nn]a[Nn])/.exec(
      s.slice(this.i, this.i + 400),
    );
    if (m) {
      const txt = m[0];
      this.i += txt.length;
      const neg = txt.startsWith('-');
      const body = neg ? txt.slice(1) : txt;
      let v: number;
      if (/^0[xX]/.test(body)) v = Number.parseInt(body.slice(2), 16);
      else if (/^[Ii]nf/.test(body)) v = Number.POSITIVE_INFINITY;
      else if (/^[Nn]a[Nn]/.test(body)) v = Number.NaN;
      else v = Number(body);
      return neg ? -v : v;
    }
    return this.fail('value');
  }

  string(ctx: string): string {
    const s = this.s;
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= s.length) rtError(`Expected ${ctx} but found unexpected end of string at character ${this.i + 1}`);
      const ch = s[this.i] as string;
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch === '\\') {
        const e = s[this.i + 1];
        this.i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            let cp = Number.parseInt(s.slice(this.i, this.i + 4), 16);
            this.i += 4;
            if (cp >= 0xd800 && cp <= 0xdbff && s[this.i] === '\\' && s[this.i + 1] === 'u') {
              const lo = Number.parseInt(s.slice(this.i + 2, this.i + 6), 16);
              if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                this.i += 6;
              }
            }
            // UTF-8 bytes, one latin1 char each.
            out += Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
            break;
          }
          default:
            rtError(`Expected value but found invalid escape code at character ${this.i}`);
        }
        continue;
      }
      out += ch;
      this.i++;
    }
  }
}

export function cjsonLib(): LuaTable {
  const cfg: Config = { maxDepth: 1000, decodeMaxDepth: 1000, precision: 14, sparseConvert: false, sparseRatio: 2, sparseSafe: 10 };
  const t = libTable({
    encode: (...a) => {
      if (a.length !== 1) argError(1, 'encode', 'expected 1 argument');
      return [encode(a[0], cfg, 1)];
    },
    decode: (...a) => {
      if (a.length !== 1) argError(1, 'decode', 'expected 1 argument');
      const s = checkStr(a, 0, 'decode');
      const d = new Decoder(s, cfg);
      const v = d.value(1);
      d.ws();
      if (d.i < s.length) d.fail('the end');
      return [v];
    },
    encode_keep_buffer: (...a) => [a[0] ?? true],
    encode_max_depth: (...a) => {
      if (typeof a[0] === 'number') cfg.maxDepth = a[0];
      return [cfg.maxDepth];
    },
    decode_max_depth: (...a) => {
      if (typeof a[0] === 'number') cfg.decodeMaxDepth = a[0];
      return [cfg.decodeMaxDepth];
    },
    encode_number_precision: (...a) => {
      if (typeof a[0] === 'number') cfg.precision = a[0];
      return [cfg.precision];
    },
    encode_sparse_array: (...a) => {
      if (a[0] !== undefined) cfg.sparseConvert = a[0] === true;
      if (typeof a[1] === 'number') cfg.sparseRatio = a[1];
      if (typeof a[2] === 'number') cfg.sparseSafe = a[2];
      return [cfg.sparseConvert, cfg.sparseRatio, cfg.sparseSafe];
    },
    encode_invalid_numbers: (...a) => [a[0] ?? false],
    decode_invalid_numbers: (...a) => [a[0] ?? true],
  });
  t.set('null', CJSON_NULL);
  t.set('_NAME', 'cjson');
  t.set('_VERSION', '2.1.0');
  return t;
}
