/**
 * lua-cmsgpack as bundled with Redis: cmsgpack.pack(...) and cmsgpack.unpack(s) (plus
 * unpack_one / unpack_limit). Integers use the smallest MessagePack int encoding, non-integral
 * numbers float32 when exact else float64; strings are raw/str8/16/32; a table whose keys are
 * exactly 1..n is an array, any other table a map (keys in `next` order, which is Lua 5.1's
 * table layout as in Redis); nesting deeper than 16 encodes nil.
 */

import { negNaN, posNaN } from './lua/float.js';
import { argError, checkStr, libTable, optInt } from './lua/lib-util.js';
import { LuaTable, type LuaValue, nanSign, rtError } from './lua/runtime.js';

const MAX_NESTING = 16;

function be(n: number, bytes: number): string {
  let s = '';
  for (let i = bytes - 1; i >= 0; i--) s += String.fromCharCode(Number((BigInt(n) >> BigInt(i * 8)) & 0xffn));
  return s;
}

function encodeInt(n: number): string {
  if (n >= 0) {
    if (n <= 127) return String.fromCharCode(n);
    if (n <= 0xff) return `\xcc${be(n, 1)}`;
    if (n <= 0xffff) return `\xcd${be(n, 2)}`;
    if (n <= 0xffffffff) return `\xce${be(n, 4)}`;
    return `\xcf${be(n, 8)}`;
  }
  if (n >= -32) return String.fromCharCode(n & 0xff);
  const tw = (bits: number) => be(Number(BigInt.asUintN(bits, BigInt(n))), bits / 8);
  if (n >= -128) return `\xd0${tw(8)}`;
  if (n >= -32768) return `\xd1${tw(16)}`;
  if (n >= -2147483648) return `\xd2${tw(32)}`;
  return `\xd3${tw(64)}`;
}

function encode(v: LuaValue, level: number): string {
  switch (typeof v) {
    case 'undefined':
      return '\xc0';
    case 'boolean':
      return v ? '\xc3' : '\xc2';
    case 'number': {
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return encodeInt(v);
      // A float when it converts back exactly (never a NaN: NaN != NaN), else a double.
      if (Number.isNaN(v)) return nanSign(v) ? '\xcb\xff\xf8\0\0\0\0\0\0' : '\xcb\x7f\xf8\0\0\0\0\0\0';
      const f = Math.fround(v);
      const buf = Buffer.alloc(f === v ? 4 : 8);
      if (buf.length === 4) {
        buf.writeFloatBE(v);
        return `\xca${buf.toString('latin1')}`;
      }
      buf.writeDoubleBE(v);
      return `\xcb${buf.toString('latin1')}`;
    }
    case 'string': {
      const n = v.length;
      if (n < 32) return String.fromCharCode(0xa0 | n) + v;
      if (n <= 0xff) return `\xd9${be(n, 1)}${v}`;
      if (n <= 0xffff) return `\xda${be(n, 2)}${v}`;
      return `\xdb${be(n, 4)}${v}`;
    }
  }
  if (!(v instanceof LuaTable) || level >= MAX_NESTING) return '\xc0';
  let count = 0;
  let max = 0;
  let isArray = true;
  let k: LuaValue;
  for (let e = v.next(undefined); e; e = v.next(k)) {
    k = e[0];
    count++;
    if (typeof k === 'number' && Number.isInteger(k) && k >= 1) max = Math.max(max, k);
    else isArray = false;
  }
  if (isArray && count === max) {
    let s = count <= 15 ? String.fromCharCode(0x90 | count) : count <= 0xffff ? `\xdc${be(count, 2)}` : `\xdd${be(count, 4)}`;
    for (let i = 1; i <= count; i++) s += encode(v.get(i), level + 1);
    return s;
  }
  let s = count <= 15 ? String.fromCharCode(0x80 | count) : count <= 0xffff ? `\xde${be(count, 2)}` : `\xdf${be(count, 4)}`;
  for (let e = v.next(undefined); e; e = v.next(k)) {
    k = e[0];
    s += encode(e[0], level + 1) + encode(e[1], level + 1);
  }
  return s;
}

class Decoder {
  i = 0;
  constructor(readonly s: string) {}
  need(n: number): void {
    if (this.i + n > this.s.length) rtError('Missing bytes in input.');
  }
  u(n: number): number {
    this.need(n);
    let v = 0n;
    for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.i + k));
    this.i += n;
    return Number(v);
  }
  sgn(n: number): number {
    this.need(n);
    let v = 0n;
    for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.i + k));
    this.i += n;
    return Number(BigInt.asIntN(n * 8, v));
  }
  str(n: number): string {
    this.need(n);
    const r = this.s.slice(this.i, this.i + n);
    this.i += n;
    return r;
  }
  arr(n: number): LuaTable {
    const t = new LuaTable();
    for (let k = 1; k <= n; k++) t.set(k, this.value());
    return t;
  }
  map(n: number): LuaTable {
    const t = new LuaTable();
    for (let k = 0; k < n; k++) {
      const key = this.value();
      const val = this.value();
      if (key !== undefined) t.set(key, val);
    }
    return t;
  }
  value(): LuaValue {
    this.need(1);
    const b = this.s.charCodeAt(this.i++);
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 256;
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f);
    if ((b & 0xf0) === 0x90) return this.arr(b & 0x0f);
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f);
    switch (b) {
      case 0xc0:
        return undefined;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return this.u(1);
      case 0xcd:
        return this.u(2);
      case 0xce:
        return this.u(4);
      case 0xcf:
        return this.u(8);
      case 0xd0:
        return this.sgn(1);
      case 0xd1:
        return this.sgn(2);
      case 0xd2:
        return this.sgn(4);
      case 0xd3:
        return this.sgn(8);
      case 0xca:
        return Buffer.from(this.str(4), 'latin1').readFloatBE();
      case 0xcb: {
        const bytes = this.str(8);
        const d = Buffer.from(bytes, 'latin1').readDoubleBE();
        // A NaN keeps its sign bit (V8 may hand back its canonical NaN).
        if (Number.isNaN(d)) return bytes.charCodeAt(0) >= 0x80 ? negNaN() : posNaN();
        return d;
      }
      case 0xc4:
      case 0xd9:
        return this.str(this.u(1));
      case 0xc5:
      case 0xda:
        return this.str(this.u(2));
      case 0xc6:
      case 0xdb:
        return this.str(this.u(4));
      case 0xdc:
        return this.arr(this.u(2));
      case 0xdd:
        return this.arr(this.u(4));
      case 0xde:
        return this.map(this.u(2));
      case 0xdf:
        return this.map(this.u(4));
      default:
        return rtError('Bad data format in input.');
    }
  }
}

function unpackN(s: string, limit: number, offset: number): LuaValue[] {
  const d = new Decoder(s);
  d.i = offset;
  const out: LuaValue[] = [];
  while (d.i < s.length && (limit <= 0 || out.length < limit)) out.push(d.value());
  return [d.i >= s.length ? -1 : d.i, ...out];
}

export function cmsgpackLib(): LuaTable {
  const t = libTable({
    pack: (...a) => {
      if (a.length === 0) argError(0, 'pack', 'MessagePack pack needs input.');
      let out = '';
      for (const v of a) out += encode(v, 0);
      return [out];
    },
    unpack: (...a) => {
      const s = checkStr(a, 0, 'unpack');
      return unpackN(s, 0, 0).slice(1);
    },
    unpack_one: (...a) => unpackN(checkStr(a, 0, 'unpack_one'), 1, optInt(a, 1, 'unpack_one', 0)),
    unpack_limit: (...a) => unpackN(checkStr(a, 0, 'unpack_limit'), optInt(a, 1, 'unpack_limit', 0), optInt(a, 2, 'unpack_limit', 0)),
  });
  t.set('_NAME', 'cmsgpack');
  t.set('_VERSION', 'lua-cmsgpack 0.4.0');
  return t;
}
