/**
 * MONITOR's line for a command: "+<secs>.<micros> [<db> <addr>] "arg" "arg"...\r\n", each argument
 * quoted as Redis's sdscatrepr quotes it (printable bytes as they are; \\ \" \n \r \t \a \b
 * escaped; any other byte as \xHH).
 *
 * Redis writes the whole line whatever the size of the arguments (a 96 MB SET makes a 96 MB line,
 * up to 4 times that for binary data). Here it is built in linear time and bounded memory: runs of
 * printable bytes are slices of the argument (no copy), and escaped bytes are written into a
 * Buffer; the line comes out as pieces of at most PIECE bytes, which the monitors' replies take in
 * turn, so no single JavaScript string has to hold a line longer than V8 allows.
 */

/** The longest piece of a monitor line. */
const PIECE = 1 << 24;

/** True for a byte sdscatrepr copies as it is. */
function plain(code: number): boolean {
  return code >= 32 && code <= 126 && code !== 92 && code !== 34;
}

/** The escape sdscatrepr writes for a byte that is not plain. */
function reprEscape(code: number): string {
  switch (code) {
    case 92:
      return '\\\\';
    case 34:
      return '\\"';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    default:
      return `\\x${code.toString(16).padStart(2, '0')}`;
  }
}

/** The escape of every byte (unused for plain ones). */
const ESCAPES = Array.from({ length: 256 }, (_, code) => reprEscape(code));

/** Collects pieces of a line, merging small ones so that the line is not a rope of tiny strings. */
class Pieces {
  readonly out: string[] = [];
  private small: string[] = [];
  private smallLen = 0;

  add(s: string): void {
    if (s.length >= 4096) {
      this.flushSmall();
      for (let i = 0; i < s.length; i += PIECE) this.out.push(s.length <= PIECE ? s : s.slice(i, i + PIECE));
      return;
    }
    this.small.push(s);
    this.smallLen += s.length;
    if (this.smallLen >= 65536) this.flushSmall();
  }

  flushSmall(): void {
    if (this.small.length === 0) return;
    this.out.push(this.small.join(''));
    this.small = [];
    this.smallLen = 0;
  }
}

/** Adds `s` quoted as sdscatrepr to `p`. */
function addRepr(p: Pieces, s: string): void {
  p.add('"');
  let run = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (plain(s.charCodeAt(i))) {
      i++;
      continue;
    }
    if (run < i) p.add(s.slice(run, i));
    // A run of bytes to escape: written into one buffer.
    let j = i;
    while (j < n && !plain(s.charCodeAt(j))) j++;
    if (j - i < 64) {
      let e = '';
      for (let k = i; k < j; k++) e += reprEscape(s.charCodeAt(k));
      p.add(e);
    } else {
      for (let from = i; from < j; from += PIECE / 4) {
        const to = Math.min(j, from + PIECE / 4);
        const buf = Buffer.allocUnsafe((to - from) * 4);
        let w = 0;
        for (let k = from; k < to; k++) {
          const e = ESCAPES[s.charCodeAt(k) & 255] as string;
          for (let x = 0; x < e.length; x++) buf[w++] = e.charCodeAt(x);
        }
        p.add(buf.toString('latin1', 0, w));
      }
    }
    i = j;
    run = j;
  }
  if (run < n) p.add(run === 0 ? s : s.slice(run));
  p.add('"');
}

/** Quotes a string as Redis's sdscatrepr (one string: for arguments of reasonable size). */
export function quoteRepr(s: string): string {
  const p = new Pieces();
  addRepr(p, s);
  p.flushSmall();
  return p.out.join('');
}

/** The MONITOR line of a command, as pieces to write in order. */
export function monitorLine(prefix: string, args: readonly string[]): string[] {
  const p = new Pieces();
  p.add(prefix);
  for (const a of args) {
    p.add(' ');
    addRepr(p, a);
  }
  p.add('\r\n');
  p.flushSmall();
  return p.out;
}
