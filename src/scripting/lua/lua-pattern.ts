/**
 * Lua 5.1 pattern matching (lstrlib.c's semantics): character classes %a %c %d %l %p %s %u %w %x
 * %z and their complements, sets [...] with ranges, anchors, quantifiers * + - ?, captures
 * (including position captures "()"), back-references %1-%9, %b() and %f[set].
 * Classes use the C locale: only ASCII letters are letters.
 */
import { rtError, S, tick } from './runtime.js';

const MAXCAPTURES = 32;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;

export interface MatchState {
  src: string;
  pat: string;
  level: number;
  capture: { init: number; len: number }[];
  depth: number;
}

function classMatch(c: number, cl: string): boolean {
  let res: boolean;
  switch (cl.toLowerCase()) {
    case 'a':
      res = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      break;
    case 'c':
      res = c < 32 || c === 127;
      break;
    case 'd':
      res = c >= 48 && c <= 57;
      break;
    case 'l':
      res = c >= 97 && c <= 122;
      break;
    case 'p':
      res = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
      break;
    case 's':
      res = c === 32 || (c >= 9 && c <= 13);
      break;
    case 'u':
      res = c >= 65 && c <= 90;
      break;
    case 'w':
      res = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      break;
    case 'x':
      res = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
      break;
    case 'z':
      res = c === 0;
      break;
    default:
      return cl.charCodeAt(0) === c;
  }
  const upper = cl >= 'A' && cl <= 'Z';
  return upper ? !res : res;
}

function classEnd(ms: MatchState, p: number): number {
  const pat = ms.pat;
  const ch = pat[p++];
  if (ch === '%') {
    if (p >= pat.length) rtError("malformed pattern (ends with '%')");
    return p + 1;
  }
  if (ch === '[') {
    if (pat[p] === '^') p++;
    do {
      if (p >= pat.length) rtError("malformed pattern (missing ']')");
      const c = pat[p++];
      if (c === '%' && p < pat.length) p++;
    } while (pat[p] !== ']');
    return p + 1;
  }
  return p;
}

function matchBracketClass(ms: MatchState, c: number, p: number, ec: number): boolean {
  const pat = ms.pat;
  let sig = true;
  if (pat[p + 1] === '^') {
    sig = false;
    p++;
  }
  while (++p < ec) {
    if (pat[p] === '%') {
      p++;
      if (classMatch(c, pat[p] as string)) return sig;
    } else if (pat[p + 1] === '-' && p + 2 < ec) {
      p += 2;
      if (pat.charCodeAt(p - 2) <= c && c <= pat.charCodeAt(p)) return sig;
    } else if (pat.charCodeAt(p) === c) return sig;
  }
  return !sig;
}

function singleMatch(ms: MatchState, s: number, p: number, ep: number): boolean {
  if (s >= ms.src.length) return false;
  const c = ms.src.charCodeAt(s);
  const pc = ms.pat[p];
  switch (pc) {
    case '.':
      return true;
    case '%':
      return classMatch(c, ms.pat[p + 1] as string);
    case '[':
      return matchBracketClass(ms, c, p, ep - 1);
    default:
      return ms.pat.charCodeAt(p) === c;
  }
}

function matchBalance(ms: MatchState, s: number, p: number): number {
  if (p + 1 >= ms.pat.length) rtError('unbalanced pattern');
  const src = ms.src;
  if (s >= src.length || src[s] !== ms.pat[p]) return -1;
  const b = ms.pat[p];
  const e = ms.pat[p + 1];
  let cont = 1;
  while (++s < src.length) {
    if (src[s] === e) {
      if (--cont === 0) return s + 1;
    } else if (src[s] === b) cont++;
  }
  return -1;
}

function maxExpand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (singleMatch(ms, s + i, p, ep)) i++;
  while (i >= 0) {
    const res = doMatch(ms, s + i, ep + 1);
    if (res !== -1) return res;
    i--;
  }
  return -1;
}

function minExpand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    const res = doMatch(ms, s, ep + 1);
    if (res !== -1) return res;
    if (singleMatch(ms, s, p, ep)) s++;
    else return -1;
  }
}

function startCapture(ms: MatchState, s: number, p: number, what: number): number {
  if (ms.level >= MAXCAPTURES) rtError('too many captures');
  ms.capture[ms.level] = { init: s, len: what };
  ms.level++;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.level--;
  return res;
}

function captureToClose(ms: MatchState): number {
  let level = ms.level;
  for (level--; level >= 0; level--) if ((ms.capture[level] as { len: number }).len === CAP_UNFINISHED) return level;
  return rtError('invalid pattern capture');
}

function endCapture(ms: MatchState, s: number, p: number): number {
  const l = captureToClose(ms);
  const cap = ms.capture[l] as { init: number; len: number };
  cap.len = s - cap.init;
  const res = doMatch(ms, s, p);
  if (res === -1) cap.len = CAP_UNFINISHED;
  return res;
}

function checkCapture(ms: MatchState, l: string): number {
  const n = l.charCodeAt(0) - 49;
  if (n < 0 || n >= ms.level || (ms.capture[n] as { len: number }).len === CAP_UNFINISHED) return rtError('invalid capture index');
  return n;
}

function matchCapture(ms: MatchState, s: number, l: string): number {
  const n = checkCapture(ms, l);
  const cap = ms.capture[n] as { init: number; len: number };
  const str = ms.src.slice(cap.init, cap.init + cap.len);
  if (ms.src.length - s >= cap.len && ms.src.startsWith(str, s)) return s + cap.len;
  return -1;
}

/**
 * Returns the end of the match of pattern[p..] at s, or -1.
 *
 * Every call spends one unit of the script's instruction budget (S.B), as a loop iteration of
 * compiled code does: a search that backtracks for ever reaches the budget's tick, where the
 * time limit (busy-reply-threshold) and the memory cap are checked.
 *
 * Lua 5.1 (Redis's) has no match depth limit (5.2 added "pattern too complex" at 200 levels):
 * Redis matches a pattern of 5000 `a?` against 5000 a's. Here the depth is bounded by the
 * JavaScript stack, whose overflow becomes Lua's "stack overflow" error (where Redis's C stack
 * would overflow instead).
 */
export function doMatch(ms: MatchState, s: number, p: number): number {
  if (--S.B < 0) tick();
  ms.depth++;
  const r = match(ms, s, p);
  ms.depth--;
  return r;
}

function match(ms: MatchState, s: number, p: number): number {
  const pat = ms.pat;
  for (;;) {
    if (p >= pat.length) return s;
    const pc = pat[p];
    if (pc === '(') {
      if (pat[p + 1] === ')') return startCapture(ms, s, p + 2, CAP_POSITION);
      return startCapture(ms, s, p + 1, CAP_UNFINISHED);
    }
    if (pc === ')') return endCapture(ms, s, p + 1);
    if (pc === '%') {
      const nc = pat[p + 1];
      if (nc === 'b') {
        s = matchBalance(ms, s, p + 2);
        if (s === -1) return -1;
        p += 4;
        continue;
      }
      if (nc === 'f') {
        p += 2;
        if (pat[p] !== '[') rtError("missing '[' after '%f' in pattern");
        const ep = classEnd(ms, p);
        const prev = s === 0 ? 0 : ms.src.charCodeAt(s - 1);
        const cur = s < ms.src.length ? ms.src.charCodeAt(s) : 0;
        if (matchBracketClass(ms, prev, p, ep - 1) || !matchBracketClass(ms, cur, p, ep - 1)) return -1;
        p = ep;
        continue;
      }
      if (nc !== undefined && nc >= '0' && nc <= '9') {
        s = matchCapture(ms, s, nc);
        if (s === -1) return -1;
        p += 2;
        continue;
      }
    } else if (pc === '$' && p + 1 === pat.length) {
      return s === ms.src.length ? s : -1;
    }
    const ep = classEnd(ms, p);
    const m = singleMatch(ms, s, p, ep);
    switch (pat[ep]) {
      case '?': {
        if (m) {
          const res = doMatch(ms, s + 1, ep + 1);
          if (res !== -1) return res;
        }
        p = ep + 1;
        continue;
      }
      case '*':
        return maxExpand(ms, s, p, ep);
      case '+':
        return m ? maxExpand(ms, s + 1, p, ep) : -1;
      case '-':
        return minExpand(ms, s, p, ep);
      default:
        if (!m) return -1;
        s++;
        p = ep;
    }
  }
}

export function newState(src: string, pat: string): MatchState {
  return { src, pat, level: 0, capture: [], depth: 0 };
}

/** Makes `ms` ready for the next match attempt (no captures; a thrown error may have left depth). */
export function resetState(ms: MatchState): void {
  ms.level = 0;
  ms.depth = 0;
}

/** Capture i as a Lua value (whole match when there are no captures and i == 0). */
export function getCapture(ms: MatchState, i: number, s: number, e: number): string | number {
  if (i >= ms.level) {
    if (i === 0) return ms.src.slice(s, e);
    return rtError('invalid capture index');
  }
  const cap = ms.capture[i] as { init: number; len: number };
  if (cap.len === CAP_UNFINISHED) rtError('unfinished capture');
  if (cap.len === CAP_POSITION) return cap.init + 1;
  return ms.src.slice(cap.init, cap.init + cap.len);
}

export function captures(ms: MatchState, s: number, e: number, wholeIfNone: boolean): (string | number)[] {
  const n = ms.level === 0 && wholeIfNone ? 1 : ms.level;
  const out: (string | number)[] = [];
  for (let i = 0; i < n; i++) out.push(getCapture(ms, i, s, e));
  return out;
}
