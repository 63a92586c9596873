/**
 * Glob-style matching exactly as Redis's stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE,
 * CONFIG GET, CLIENT KILL ...):
 *   *        any sequence, including empty
 *   ?        any single byte
 *   [abc]    one of the bytes; [^abc] none of them; [a-z] a range (reversed ranges work too)
 *   \x       the byte x literally (also inside brackets)
 * An unterminated [ matches up to the end of the pattern as a class; a trailing \ matches "\".
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0);
}

function lower(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  // Redis caps recursion to protect the stack; with that many stars the pattern cannot match sensibly.
  if (depth > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen) {
    const pc = p[pi];
    switch (pc) {
      case '*': {
        while (pi + 1 < plen && p[pi + 1] === '*') pi++;
        if (pi + 1 === plen) return true; // a trailing star matches the rest
        for (let k = si; k <= slen; k++) {
          if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
        }
        return false;
      }
      case '?':
        if (si >= slen) return false;
        si++;
        break;
      case '[': {
        if (si >= slen) return false;
        pi++;
        const not = p[pi] === '^';
        if (not) pi++;
        let matched = false;
        const sc = lower(s.charCodeAt(si), nocase);
        for (;;) {
          if (pi >= plen) {
            pi--; // Redis: an unclosed class ends at the last pattern byte
            break;
          }
          if (p[pi] === '\\' && pi + 2 < plen) {
            pi++;
            if (lower(p.charCodeAt(pi), nocase) === sc) matched = true;
          } else if (p[pi] === ']') {
            break;
          } else if (pi + 2 < plen && p[pi + 1] === '-') {
            let start = lower(p.charCodeAt(pi), nocase);
            let end = lower(p.charCodeAt(pi + 2), nocase);
            if (start > end) [start, end] = [end, start];
            pi += 2;
            if (sc >= start && sc <= end) matched = true;
          } else if (lower(p.charCodeAt(pi), nocase) === sc) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default:
        // A backslash makes the next byte literal (a trailing one is itself literal).
        if (pc === '\\' && pi + 1 < plen) pi++;
        if (si >= slen) return false;
        if (lower(p.charCodeAt(pi), nocase) !== lower(s.charCodeAt(si), nocase)) return false;
        si++;
        break;
    }
    pi++;
    if (si >= slen) {
      while (pi < plen && p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= plen && si >= slen;
}
