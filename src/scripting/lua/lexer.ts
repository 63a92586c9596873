/**
 * Lua 5.1 lexer: names, keywords, numbers (decimal, exponent, hex), short strings with 5.1's
 * escapes (\a \b \f \n \r \t \v \\ \" \' \<newline> \ddd), long strings and comments
 * ([[...]], [==[...]==], --[[...]]). Strings are byte strings (one latin1 char per byte).
 * Errors read as Lua's: "<chunk>:<line>: <msg> near '<token>'".
 */

export const KEYWORDS = new Set([
  'and',
  'break',
  'do',
  'else',
  'elseif',
  'end',
  'false',
  'for',
  'function',
  'if',
  'in',
  'local',
  'nil',
  'not',
  'or',
  'repeat',
  'return',
  'then',
  'true',
  'until',
  'while',
]);

export interface Token {
  /** 'name', 'string', 'number', 'eof', a keyword, or the operator itself. */
  t: string;
  /** Name text, string contents or the number. */
  v: string | number;
  line: number;
  /** Raw source text for "near '...'" messages. */
  raw: string;
}

/** A compile error: message already formatted with chunk and line. */
export class LuaSyntaxError extends Error {}

const OPS3 = ['...'];
const OPS2 = ['==', '~=', '<=', '>=', '..'];
const OPS1 = '+-*/%^#<>=(){}[];:,.';

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isAlnum(c: string): boolean {
  return isAlpha(c) || isDigit(c);
}

const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;

/**
 * Parses a Lua 5.1 numeral (luaO_str2d: glibc's strtod, which also reads hex floats such as
 * 0x1p4 and 0x.8; C's white space around it); NaN when malformed.
 */
export function str2number(s: string): number {
  const t = s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  if (t === '') return Number.NaN;
  const hex = HEX_FLOAT.exec(t);
  if (hex !== null) {
    const [, sign, int = '', frac = '', exp] = hex;
    if (int === '' && frac === '') return Number.NaN;
    // The digits as one integer, scaled by 2^(exponent - 4 per fraction digit).
    const m = Number(BigInt(`0x${int}${frac}`));
    const v = m === 0 ? 0 : m * 2 ** ((exp === undefined ? 0 : Number(exp)) - 4 * frac.length);
    return sign === '-' ? -v : v;
  }
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(t)) return Number(t);
  if (/^[+-]?(?:inf|infinity)$/i.test(t)) return t[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  return Number.NaN;
}

export function tokenize(src: string, chunk: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  const err = (msg: string, near: string | undefined): never => {
    throw new LuaSyntaxError(near === undefined ? `${chunk}:${line}: ${msg}` : `${chunk}:${line}: ${msg} near '${near}'`);
  };
  // A first line starting with '#' is skipped (luaL_loadfile does it; loadbuffer does not).
  /** Reads a long bracket at i ('[' followed by '='* and '['); returns its level or -1. */
  const longLevel = (at: number): number => {
    let j = at + 1;
    let lvl = 0;
    while (src[j] === '=') {
      lvl++;
      j++;
    }
    return src[j] === '[' ? lvl : -1;
  };
  const readLong = (lvl: number, isComment: boolean): string => {
    const start = i;
    i += lvl + 2;
    // A newline right after the opening bracket is skipped.
    if (src[i] === '\r') {
      i++;
      if (src[i] === '\n') i++;
      line++;
    } else if (src[i] === '\n') {
      i++;
      if (src[i] === '\r') i++;
      line++;
    }
    const bodyStart = i;
    const close = `]${'='.repeat(lvl)}]`;
    for (;;) {
      if (i >= n) err(isComment ? 'unfinished long comment' : 'unfinished long string', '<eof>');
      const ch = src[i] as string;
      if (ch === ']' && src.startsWith(close, i)) {
        const body = src.slice(bodyStart, i);
        i += close.length;
        void start;
        return body;
      }
      if (ch === '\n' || ch === '\r') {
        i++;
        if ((src[i] === '\n' || src[i] === '\r') && src[i] !== ch) i++;
        line++;
        continue;
      }
      i++;
    }
  };
  while (i < n) {
    const c = src[i] as string;
    if (c === '\n' || c === '\r') {
      i++;
      if ((src[i] === '\n' || src[i] === '\r') && src[i] !== c) i++;
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '-' && src[i + 1] === '-') {
      i += 2;
      if (src[i] === '[') {
        const lvl = longLevel(i);
        if (lvl >= 0) {
          readLong(lvl, true);
          continue;
        }
      }
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    const tokLine = line;
    if (isAlpha(c)) {
      let j = i + 1;
      while (j < n && isAlnum(src[j] as string)) j++;
      const word = src.slice(i, j);
      i = j;
      out.push({ t: KEYWORDS.has(word) ? word : 'name', v: word, line: tokLine, raw: word });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      // Lua 5.1's read_numeral: digits and dots, then one optional E with its sign, then any
      // letters, digits and underscores (so 0x1e+5 is 0x1e plus 5).
      let j = i;
      while (j < n && (isDigit(src[j] as string) || src[j] === '.')) j++;
      if (src[j] === 'e' || src[j] === 'E') {
        j++;
        if (src[j] === '+' || src[j] === '-') j++;
      }
      while (j < n && isAlnum(src[j] as string)) j++;
      const raw = src.slice(i, j);
      const v = str2number(raw);
      if (Number.isNaN(v) || /^[+-]|inf|nan/i.test(raw)) err('malformed number', raw);
      i = j;
      out.push({ t: 'number', v, line: tokLine, raw });
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      i++;
      let s = '';
      for (;;) {
        if (i >= n) err('unfinished string', '<eof>');
        const ch = src[i] as string;
        if (ch === c) {
          i++;
          break;
        }
        if (ch === '\n' || ch === '\r') err('unfinished string', `${c}${s}`);
        if (ch === '\\') {
          i++;
          const e = src[i];
          if (e === undefined) continue;
          switch (e) {
            case 'a':
              s += '\x07';
              i++;
              break;
            case 'b':
              s += '\b';
              i++;
              break;
            case 'f':
              s += '\f';
              i++;
              break;
            case 'n':
              s += '\n';
              i++;
              break;
            case 'r':
              s += '\r';
              i++;
              break;
            case 't':
              s += '\t';
              i++;
              break;
            case 'v':
              s += '\v';
              i++;
              break;
            case '\n':
            case '\r':
              s += '\n';
              i++;
              if ((src[i] === '\n' || src[i] === '\r') && src[i] !== e) i++;
              line++;
              break;
            default:
              if (isDigit(e)) {
                let k = 0;
                let v = 0;
                while (k < 3 && isDigit(src[i] ?? '')) {
                  v = v * 10 + Number(src[i]);
                  i++;
                  k++;
                }
                if (v > 255) err('escape sequence too large', `${c}${s}`);
                s += String.fromCharCode(v);
              } else {
                s += e;
                i++;
              }
          }
          continue;
        }
        s += ch;
        i++;
      }
      out.push({ t: 'string', v: s, line: tokLine, raw: src.slice(start, i) });
      continue;
    }
    if (c === '[') {
      const lvl = longLevel(i);
      if (lvl >= 0) {
        const start = i;
        const body = readLong(lvl, false);
        out.push({ t: 'string', v: body, line: tokLine, raw: src.slice(start, i) });
        continue;
      }
      if (src[i + 1] === '=') err('invalid long string delimiter', '[=');
    }
    const three = src.slice(i, i + 3);
    if (OPS3.includes(three)) {
      out.push({ t: three, v: three, line: tokLine, raw: three });
      i += 3;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS2.includes(two)) {
      out.push({ t: two, v: two, line: tokLine, raw: two });
      i += 2;
      continue;
    }
    if (OPS1.includes(c)) {
      out.push({ t: c, v: c, line: tokLine, raw: c });
      i++;
      continue;
    }
    if (c === '~') err('unexpected symbol', '~');
    // Any other byte is a single-character token the parser rejects as an unexpected symbol.
    out.push({ t: 'char', v: c, line: tokLine, raw: c });
    i++;
  }
  out.push({ t: 'eof', v: '<eof>', line, raw: '<eof>' });
  return out;
}
