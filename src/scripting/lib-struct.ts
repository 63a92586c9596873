/**
 * The "struct" library bundled with Redis: struct.pack(fmt, ...), struct.unpack(fmt, s [, pos]),
 * struct.size(fmt). Formats: endianness < > = (little endian native), !n alignment, x padding,
 * b/B h/H l/L T i/In I/In integers (l, L, T are 8 bytes), f d floats, s zero-terminated strings,
 * cn fixed strings (c0 in unpack takes its length from the previous value).
 */
import { argError, checkNum, checkStr, libTable, optInteger } from './lua/lib-util.js';
import { type LuaValue, rtError } from './lua/runtime.js';

interface Opt {
  ch: string;
  size: number;
}

function parseFormat(fmt: string, fname: string): { little: boolean; align: number; opts: Opt[] } {
  let little = true;
  let align = 1;
  const opts: Opt[] = [];
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i] as string;
    const num = () => {
      let j = i + 1;
      while (j < fmt.length && /[0-9]/.test(fmt[j] as string)) j++;
      const v = j > i + 1 ? Number(fmt.slice(i + 1, j)) : -1;
      i = j - 1;
      return v;
    };
    switch (ch) {
      case ' ':
        break;
      case '<':
      case '=':
        little = true;
        break;
      case '>':
        little = false;
        break;
      case '!': {
        const n = num();
        align = n < 0 ? 8 : n;
        break;
      }
      case 'x':
      case 'b':
      case 'B':
        opts.push({ ch, size: 1 });
        break;
      case 'h':
      case 'H':
        opts.push({ ch, size: 2 });
        break;
      case 'l':
      case 'L':
      case 'T':
        opts.push({ ch, size: 8 });
        break;
      case 'i':
      case 'I': {
        const n = num();
        const size = n < 0 ? 4 : n;
        if (size > 8) rtError(`integral size ${size} is larger than limit of 8`);
        opts.push({ ch, size });
        break;
      }
      case 'f':
        opts.push({ ch, size: 4 });
        break;
      case 'd':
        opts.push({ ch, size: 8 });
        break;
      case 's':
        opts.push({ ch, size: 0 });
        break;
      case 'c': {
        const n = num();
        opts.push({ ch, size: n < 0 ? 1 : n });
        break;
      }
      default:
        argError(1, fname, `invalid format option '${ch}'`);
    }
  }
  return { little, align, opts };
}

function padding(pos: number, size: number, align: number): number {
  const a = Math.min(size, align);
  if (a <= 1 || (a & (a - 1)) !== 0) return 0;
  return (a - (pos & (a - 1))) & (a - 1);
}

function intBytes(v: number, size: number, little: boolean): string {
  let big = BigInt.asUintN(size * 8, BigInt(Math.trunc(v)));
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(Number(big & 0xffn));
    big >>= 8n;
  }
  if (!little) bytes.reverse();
  return String.fromCharCode(...bytes);
}

function readInt(s: string, pos: number, size: number, little: boolean, signed: boolean): number {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const b = BigInt(s.charCodeAt(little ? pos + size - 1 - i : pos + i));
    v = (v << 8n) | b;
  }
  if (signed) v = BigInt.asIntN(size * 8, v);
  return Number(v);
}

export function structLib() {
  return libTable({
    pack: (...a) => {
      const fmt = checkStr(a, 0, 'pack');
      const { little, align, opts } = parseFormat(fmt, 'pack');
      let out = '';
      let arg = 1;
      for (const o of opts) {
        if (o.ch !== 'x' && o.ch !== 's' && o.ch !== 'c') out += '\0'.repeat(padding(out.length, o.size, align));
        switch (o.ch) {
          case 'x':
            out += '\0';
            break;
          case 'f':
          case 'd': {
            const buf = Buffer.alloc(o.size);
            const v = checkNum(a, arg++, 'pack');
            if (o.size === 4) little ? buf.writeFloatLE(v) : buf.writeFloatBE(v);
            else little ? buf.writeDoubleLE(v) : buf.writeDoubleBE(v);
            out += buf.toString('latin1');
            break;
          }
          case 's': {
            const str = checkStr(a, arg++, 'pack');
            out += `${str}\0`;
            break;
          }
          case 'c': {
            const str = checkStr(a, arg++, 'pack');
            const n = o.size === 0 ? str.length : o.size;
            if (str.length < n) argError(arg, 'pack', 'string too short');
            out += str.slice(0, n);
            break;
          }
          default:
            out += intBytes(checkNum(a, arg++, 'pack'), o.size, little);
        }
      }
      return [out];
    },
    unpack: (...a) => {
      const fmt = checkStr(a, 0, 'unpack');
      const s = checkStr(a, 1, 'unpack');
      // size_t pos = luaL_optinteger(...): a negative offset is a huge one (data string too short).
      const start = optInteger(a, 2, 'unpack', 1);
      if (start === 0) argError(3, 'unpack', 'offset must be 1 or greater');
      let pos = start < 0 ? Number.MAX_SAFE_INTEGER : start - 1;
      const { little, align, opts } = parseFormat(fmt, 'unpack');
      const out: LuaValue[] = [];
      for (const o of opts) {
        if (o.ch !== 'x' && o.ch !== 's' && o.ch !== 'c') pos += padding(pos, o.size, align);
        const need = (n: number) => {
          if (pos + n > s.length) argError(2, 'unpack', 'data string too short');
        };
        switch (o.ch) {
          case 'x':
            pos++;
            break;
          case 'f':
          case 'd': {
            need(o.size);
            const buf = Buffer.from(s.slice(pos, pos + o.size), 'latin1');
            out.push(o.size === 4 ? (little ? buf.readFloatLE() : buf.readFloatBE()) : little ? buf.readDoubleLE() : buf.readDoubleBE());
            pos += o.size;
            break;
          }
          case 's': {
            const e = s.indexOf('\0', pos);
            if (e < 0) argError(2, 'unpack', 'unfinished string in data');
            out.push(s.slice(pos, e));
            pos = e + 1;
            break;
          }
          case 'c': {
            let n = o.size;
            if (n === 0) {
              const prev = out.pop();
              if (typeof prev !== 'number') rtError("format 'c0' needs a previous size");
              n = prev as number;
            }
            need(n);
            out.push(s.slice(pos, pos + n));
            pos += n;
            break;
          }
          default:
            need(o.size);
            out.push(readInt(s, pos, o.size, little, o.ch === 'b' || o.ch === 'h' || o.ch === 'l' || o.ch === 'i'));
            pos += o.size;
        }
      }
      out.push(pos + 1);
      return out;
    },
    size: (...a) => {
      const { align, opts } = parseFormat(checkStr(a, 0, 'size'), 'size');
      let pos = 0;
      for (const o of opts) {
        if (o.ch === 's') argError(1, 'size', "options `s' has no fixed size");
        if (o.ch !== 'x' && o.ch !== 'c') pos += padding(pos, o.size, align);
        pos += o.size;
      }
      return [pos];
    },
  });
}
