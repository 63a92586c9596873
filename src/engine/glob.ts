/**
 * Glob-style matching with the results of Redis 7.0.15's stringmatchlen (KEYS, SCAN MATCH,
 * PSUBSCRIBE and PUBSUB CHANNELS, CONFIG GET, COMMAND LIST FILTERBY PATTERN, FUNCTION LIST
 * LIBRARYNAME):
 *   *        any sequence of bytes, including empty
 *   ?        any single byte
 *   [abc]    one of the bytes; [^abc] none of them; [a-z] a range (reversed ranges work too)
 *   \x       the byte x literally (also inside brackets)
 *
 * Redis's edge cases, kept:
 * - An empty string matches no pattern but the empty one: "*" and "**" do not match "" (KEYS
 *   and SCAN skip matching for the pattern "*" alone, so they do list an empty key name).
 * - A trailing "\" matches a backslash. An unterminated "[" is a class that ends at the last
 *   byte of the pattern ("[ab" matches "a" and "b").
 * - Inside a class, "\x" compares x case-sensitively even when matching without case, and a
 *   range's bounds are compared as C's signed chars (bytes 128-255 are below 0), swapped when
 *   reversed and only then lowercased: without case, "[Z-a]" matches nothing.
 * - Without case only A-Z fold (the C locale's tolower).
 *
 * Speed: stringmatchlen recurses at each "*" and, since the fix of CVE-2022-36021, stops as soon
 * as a "*" has tried every position of the rest of the string (a later "*" that fails there
 * fails everywhere later too). So a match never goes back past the most recent "*": this loop
 * keeps just that star (where the pattern after it starts, and the position it is trying) and
 * retries from there, O(pattern × string) at worst, with no recursion however many stars.
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const p = pattern;
  const s = str;
  const plen = p.length;
  const slen = s.length;
  let pi = 0;
  let si = 0;
  /** The most recent star: where the pattern after it starts, and the string position it tries. */
  let starP = -1;
  let starS = 0;
  for (;;) {
    // One call of stringmatchlen_impl from (pi, si): does the pattern from pi match s from si?
    let failed = false;
    while (pi < plen && si < slen) {
      const pc = p.charCodeAt(pi);
      if (pc === STAR) {
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === STAR) pi++;
        if (pi + 1 === plen) return true;
        // The rest is tried at si, si+1, ... (never at the end of the string: there the rest,
        // which is not empty, cannot match). Whatever happens inside decides the whole match.
        starP = pi + 1;
        starS = si;
        pi = starP;
        continue;
      }
      if (pc === QUESTION) {
        // any byte
      } else if (pc === OPEN) {
        const r = matchClass(p, pi + 1, s.charCodeAt(si), nocase);
        if (r < 0) {
          failed = true;
          break;
        }
        pi = r;
      } else {
        // A backslash makes the next byte literal; a trailing one is itself literal.
        if (pc === BACKSLASH && pi + 1 < plen) pi++;
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (a !== b && (!nocase || fold(a) !== fold(b))) {
          failed = true;
          break;
        }
      }
      pi++;
      si++;
      if (si === slen) {
        while (pi < plen && p.charCodeAt(pi) === STAR) pi++;
        break;
      }
    }
    if (!failed && pi === plen && si === slen) return true;
    // No match from here: the most recent star tries its next position; with none left (or no
    // star at all) there is no match.
    if (starP < 0) return false;
    starS++;
    if (starS >= slen) return false;
    pi = starP;
    si = starS;
  }
}

const STAR = 42; // *
const QUESTION = 63; // ?
const OPEN = 91; // [
const CLOSE = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

/** C's tolower in the C locale: A-Z only. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as C's (signed) char. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/**
 * Matches byte `c` against the class whose body starts at `pi` (just after "["). Returns the
 * index of the class's last byte (its "]", or the pattern's last byte when unterminated), or -1
 * when `c` does not match.
 */
function matchClass(p: string, pi: number, c: number, nocase: boolean): number {
  const plen = p.length;
  const not = pi < plen && p.charCodeAt(pi) === CARET;
  if (not) pi++;
  let match = false;
  for (;;) {
    const pc = pi < plen ? p.charCodeAt(pi) : 0;
    if (pc === BACKSLASH && plen - pi >= 2) {
      pi++;
      if (p.charCodeAt(pi) === c) match = true;
    } else if (pc === CLOSE) {
      break;
    } else if (pi >= plen) {
      // Unterminated: the class ends at the pattern's last byte.
      pi--;
      break;
    } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === DASH) {
      let start = signed(pc);
      let end = signed(p.charCodeAt(pi + 2));
      let x = signed(c);
      if (start > end) {
        const t = start;
        start = end;
        end = t;
      }
      if (nocase) {
        start = fold(start);
        end = fold(end);
        x = fold(x);
      }
      pi += 2;
      if (x >= start && x <= end) match = true;
    } else if (pc === c || (nocase && fold(pc) === fold(c))) {
      match = true;
    }
    pi++;
  }
  if (not) match = !match;
  return match ? pi : -1;
}
