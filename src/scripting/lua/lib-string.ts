import { cExponential, cFixed, cFormatG } from './cformat.js';
import { cLong, cULong } from './float.js';
import { argError, checkInt, checkInteger, checkNum, checkStr, libTable, optInteger } from './lib-util.js';
import { captures, doMatch, getCapture, newState, resetState } from './lua-pattern.js';
import { alloc, flatString, MAX_STRING } from './memory.js';
import {
  ccall,
  EMPTY,
  type LuaFunction,
  LuaTable,
  type LuaValue,
  memError,
  nanSign,
  numberToString,
  rtError,
  tostr,
  type,
} from './runtime.js';

function posrelat(pos: number, len: number): number {
  return pos < 0 ? len + pos + 1 : pos;
}

/** lstrlib.c's SPECIALS: a find pattern without any of these is a plain search (')' and ']' are not). */
const SPECIALS = /[\^$*+?.([%-]/;
const NON_ASCII = /[\x80-\xff]/;

function strFindAux(a: LuaValue[], find: boolean): LuaValue[] {
  const fname = find ? 'find' : 'match';
  const s = checkStr(a, 0, fname);
  const p = checkStr(a, 1, fname);
  let init = posrelat(optInteger(a, 2, fname, 1), s.length) - 1;
  if (init < 0) init = 0;
  else if (init > s.length) init = s.length;
  if (find && (a[3] !== undefined && a[3] !== false ? true : !SPECIALS.test(p))) {
    const i = s.indexOf(p, init);
    return i < 0 ? [undefined] : [i + 1, i + p.length];
  }
  const anchor = p[0] === '^';
  const pat = anchor ? p.slice(1) : p;
  let s1 = init;
  const ms = newState(s, pat);
  do {
    resetState(ms);
    const e = doMatch(ms, s1, 0);
    if (e !== -1) {
      if (find) return [s1 + 1, e, ...captures(ms, s1, e, false)];
      return captures(ms, s1, e, true);
    }
    s1++;
  } while (s1 <= s.length && !anchor);
  return [undefined];
}

function gmatch(...a: LuaValue[]): LuaValue[] {
  const s = checkStr(a, 0, 'gmatch');
  const p = checkStr(a, 1, 'gmatch');
  let pos = 0;
  const ms = newState(s, p);
  const iter: LuaFunction = () => {
    for (let src = pos; src <= s.length; src++) {
      resetState(ms);
      const e = doMatch(ms, src, 0);
      if (e !== -1) {
        pos = e === src ? e + 1 : e;
        return captures(ms, src, e, true);
      }
    }
    pos = s.length + 1;
    return [undefined];
  };
  return [iter];
}

function addValue(ms: ReturnType<typeof newState>, s: number, e: number, repl: LuaValue): string {
  const whole = ms.src.slice(s, e);
  let v: LuaValue;
  if (typeof repl === 'string' || typeof repl === 'number') {
    const r = typeof repl === 'number' ? numberToString(repl) : repl;
    let out = '';
    for (let i = 0; i < r.length; i++) {
      const ch = r[i] as string;
      if (ch !== '%') {
        out += ch;
        continue;
      }
      i++;
      const d = r[i] ?? '';
      if (d < '0' || d > '9') out += d;
      else if (d === '0') out += whole;
      else {
        const cap = getCapture(ms, d.charCodeAt(0) - 49, s, e);
        out += typeof cap === 'number' ? numberToString(cap) : cap;
      }
    }
    return out;
  }
  const first = getCapture(ms, 0, s, e);
  if (typeof repl === 'function' || (repl instanceof LuaTable && false)) {
    v = ccall(repl, captures(ms, s, e, true))[0];
  } else if (repl instanceof LuaTable) {
    v = repl.get(first);
  } else {
    v = ccall(repl, captures(ms, s, e, true))[0];
  }
  if (v === undefined || v === false) return whole;
  const sv = tostr(v);
  if (sv === undefined) rtError(`invalid replacement value (a ${type(v)})`);
  return sv as string;
}

function gsub(...a: LuaValue[]): LuaValue[] {
  const src = checkStr(a, 0, 'gsub');
  let p = checkStr(a, 1, 'gsub');
  const repl = a[2];
  const tr = type(repl);
  if (!(tr === 'number' || tr === 'string' || tr === 'function' || tr === 'table')) {
    argError(3, 'gsub', 'string/function/table expected');
  }
  const maxN = a[3] === undefined ? src.length + 1 : checkInt(a, 3, 'gsub');
  const anchor = p[0] === '^';
  if (anchor) p = p.slice(1);
  // The result is built as luaL_Buffer builds it, in linear time: the unmatched run since the
  // last match (src[copied..s)) and each replacement go to `parts`, joined into flat chunks of
  // at most CHUNK parts (never a rope of one node per byte, which costs the heap 32 bytes a byte).
  let s = 0;
  let n = 0;
  let copied = 0;
  const out = new StringBuilder();
  const ms = newState(src, p);
  while (n < maxN) {
    resetState(ms);
    const e = doMatch(ms, s, 0);
    if (e !== -1) {
      n++;
      if (copied < s) out.add(src.slice(copied, s));
      out.add(addValue(ms, s, e, repl));
      copied = e;
    }
    if (e !== -1 && e > s) s = e;
    else if (s < src.length) s++;
    else break;
    if (anchor) break;
  }
  if (copied < src.length) out.add(src.slice(copied));
  return [out.done(), n];
}

/** Joins many small strings into one, in flat chunks, counting their bytes (memory.ts). */
class StringBuilder {
  private parts: string[] = [];
  private chunks: string[] = [];
  /** Bytes in `parts`, and in everything added. */
  private pending = 0;
  private size = 0;

  add(piece: string): void {
    this.parts.push(piece);
    this.pending += piece.length;
    this.size += piece.length;
    if (this.parts.length >= 4096) this.flush();
  }

  private flush(): void {
    if (this.size > MAX_STRING) memError();
    alloc(this.pending);
    this.chunks.push(this.parts.join(''));
    this.parts.length = 0;
    this.pending = 0;
  }

  done(): string {
    if (this.chunks.length === 0) return this.parts.join('');
    this.flush();
    return this.chunks.join('');
  }
}

// ---- string.format ---------------------------------------------------------------------------------

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? (s[0] as string) : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function fmtFloat(v: number, conv: string, prec: number, alt: boolean): string {
  if (!Number.isFinite(v)) {
    const s = Number.isNaN(v) ? (nanSign(v) ? '-nan' : 'nan') : v > 0 ? 'inf' : '-inf';
    return conv === conv.toUpperCase() ? s.toUpperCase() : s;
  }
  let s: string;
  switch (conv) {
    case 'f':
    case 'F':
      s = Math.abs(v) < 1e21 ? cFixed(v, prec) : `${BigInt(v)}${prec > 0 ? `.${'0'.repeat(prec)}` : ''}`;
      if (alt && prec === 0) s += '.';
      break;
    case 'e':
    case 'E': {
      const [m, ev] = cExponential(v, prec);
      s = `${m}${alt && prec === 0 ? '.' : ''}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
      break;
    }
    default: {
      s = cFormatG(v, prec === 0 ? 1 : prec, alt);
      if (alt && !s.includes('.')) s += '.';
    }
  }
  return conv === 'E' || conv === 'G' ? s.toUpperCase() : s;
}

function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '"' || ch === '\\' || ch === '\n') out += `\\${ch}`;
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\000';
    else out += ch;
  }
  return `${out}"`;
}

function format(...a: LuaValue[]): LuaValue[] {
  const fmt = checkStr(a, 0, 'format');
  let arg = 0;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    if (fmt[i] === '%') {
      out += '%';
      continue;
    }
    const m = /^([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z]?)/.exec(fmt.slice(i)) as RegExpExecArray;
    const flags = m[1] as string;
    if (flags.length > 5) rtError('invalid format (repeated flags)');
    if ((m[2] as string).length > 2 || (m[3] ?? '').length > 2) rtError('invalid format (width or precision too long)');
    const width = m[2] ? Number(m[2]) : 0;
    const prec = m[3] === undefined ? -1 : Number(m[3] || '0');
    const conv = m[4] as string;
    i += (m[0] as string).length - 1;
    arg++;
    if (arg >= a.length && conv !== '') argError(arg + 1, 'format', 'no value');
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const plus = flags.includes('+');
    const space = flags.includes(' ');
    const alt = flags.includes('#');
    let s: string;
    switch (conv) {
      case 'c':
        s = String.fromCharCode(checkNum(a, arg, 'format') & 255);
        out += pad(s, width, left, false);
        continue;
      case 'd':
      case 'i': {
        // (long) of the number: NaN and values out of range are INT64_MIN.
        const n = cLong(checkNum(a, arg, 'format'));
        s = String(n < 0n ? -n : n);
        if (prec >= 0) s = s.padStart(prec, '0');
        s = (n < 0n ? '-' : plus ? '+' : space ? ' ' : '') + s;
        out += pad(s, width, left, zero && prec < 0);
        continue;
      }
      case 'o':
      case 'u':
      case 'x':
      case 'X': {
        // (unsigned long) of the number as x86-64 converts it (float.ts): -1 is 2^64-1, NaN 2^63.
        const big = cULong(checkNum(a, arg, 'format'));
        const n = big === 0n ? 0 : 1;
        const base = conv === 'o' ? 8 : conv === 'u' ? 10 : 16;
        s = big.toString(base);
        if (conv === 'X') s = s.toUpperCase();
        if (prec >= 0) s = s.padStart(prec, '0');
        if (alt && n !== 0) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + s;
        out += pad(s, width, left, zero && prec < 0);
        continue;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'g':
      case 'G': {
        const v = checkNum(a, arg, 'format');
        s = fmtFloat(v, conv, prec < 0 ? 6 : prec, alt);
        // '+' and ' ' apply to every number without a minus sign: "+inf", " nan".
        if (!s.startsWith('-')) s = (plus ? '+' : space ? ' ' : '') + s;
        out += pad(s, width, left, zero && Number.isFinite(v));
        continue;
      }
      case 'q':
        out += quoteString(checkStr(a, arg, 'format'));
        continue;
      case 's': {
        s = checkStr(a, arg, 'format');
        if (prec >= 0) s = s.slice(0, prec);
        out += pad(s, width, left, false);
        continue;
      }
      default:
        return rtError(`invalid option '%${conv}' to 'format'`);
    }
  }
  return [out];
}

export function stringLib(): LuaTable {
  return libTable({
    len: (...a) => [checkStr(a, 0, 'len').length],
    sub: (...a) => {
      const s = checkStr(a, 0, 'sub');
      const l = s.length;
      let i = posrelat(checkInteger(a, 1, 'sub'), l);
      let j = posrelat(optInteger(a, 2, 'sub', -1), l);
      if (i < 1) i = 1;
      if (j > l) j = l;
      return [i <= j ? s.slice(i - 1, j) : ''];
    },
    upper: (...a) => {
      const s = checkStr(a, 0, 'upper');
      alloc(s.length);
      // toupper in the C locale changes a-z only; JavaScript's would change latin1 letters too.
      return [NON_ASCII.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s.toUpperCase()];
    },
    lower: (...a) => {
      const s = checkStr(a, 0, 'lower');
      alloc(s.length);
      return [NON_ASCII.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase()];
    },
    rep: (...a) => {
      const s = checkStr(a, 0, 'rep');
      const n = checkInt(a, 1, 'rep');
      if (n <= 0 || s.length === 0) return [''];
      return [flatString(s.length * n, () => s.repeat(n))];
    },
    reverse: (...a) => {
      const s = checkStr(a, 0, 'reverse');
      if (s.length < 64) {
        let r = '';
        for (let i = s.length - 1; i >= 0; i--) r += s[i];
        return [r];
      }
      // Through bytes: an array of one-character strings would take 8 bytes and more per byte.
      alloc(s.length * 2);
      return [Buffer.from(s, 'latin1').reverse().toString('latin1')];
    },
    byte: (...a) => {
      const s = checkStr(a, 0, 'byte');
      const l = s.length;
      let i = posrelat(optInteger(a, 1, 'byte', 1), l);
      const jdef = i;
      let j = posrelat(optInteger(a, 2, 'byte', jdef), l);
      if (i <= 0) i = 1;
      if (j > l) j = l;
      const out: LuaValue[] = [];
      for (let k = i; k <= j; k++) out.push(s.charCodeAt(k - 1));
      return out;
    },
    char: (...a) => {
      let s = '';
      for (let i = 0; i < a.length; i++) {
        const c = checkInt(a, i, 'char');
        if (c < 0 || c > 255) argError(i + 1, 'char', 'invalid value');
        s += String.fromCharCode(c);
      }
      return [s];
    },
    format,
    find: (...a) => strFindAux(a, true),
    match: (...a) => strFindAux(a, false),
    gmatch,
    gfind: gmatch,
    gsub,
    // str_dump: luaL_checktype(1, function), then lua_dump, which fails for a C function.
    // redis-sim has no Lua bytecode, so it fails for every function (Redis dumps Lua ones).
    dump: (...a) => {
      if (typeof a[0] !== 'function') argError(1, 'dump', `function expected, got ${a.length === 0 ? 'no value' : type(a[0])}`);
      return rtError('unable to dump given function');
    },
  });
}

export { EMPTY };
