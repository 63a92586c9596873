/**
 * Request parser: turns the bytes a client sends into commands, exactly as Redis's
 * networking.c reads them (processMultibulkBuffer / processInlineBuffer).
 *
 * - A request starting with '*' is a multibulk: `*<n>\r\n` then n times `$<len>\r\n<bytes>\r\n`.
 *   Redis does not check the two bytes after a bulk payload; it skips them.
 * - Anything else is an inline command: one line split like sdssplitargs (quotes, \x escapes).
 *   Empty inline lines are ignored; a lone `\n` line ending is accepted.
 * - Arguments are latin1 JS strings: one character per byte, binary safe.
 * - Errors carry Redis's exact text; after one the connection must reply it and close.
 */

export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const PROTO_MBULK_BIG_ARG = 32 * 1024;
/** Limits Redis 7.0 applies while a client must still authenticate (authRequired). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;

export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len (512 MB by default). */
  maxBulkLen: number;
  /** Whether the client has authenticated (stricter limits before it has). */
  authenticated: boolean;
}

/** Buffer's latin1 decoder without the toString() argument handling (hot path: one call per argument). */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * Parses the decimal length between `start` and `end` straight from the bytes (the common case:
 * 1 to 15 digits, no sign); anything else goes through parseLength's exact string2ll rules.
 */
function parseLengthBytes(buf: Buffer, start: number, end: number): number | null {
  const n = end - start;
  if (n > 0 && n < 16) {
    let v = 0;
    let i = start;
    const first = buf[i] as number;
    if (first >= 49 && first <= 57) {
      for (; i < end; i++) {
        const d = (buf[i] as number) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === end) return v;
    }
  }
  return parseLength(buf.toString('latin1', start, end));
}

/**
 * The position of the first '\r' at or after `from`, or -1. A plain loop: the lines searched are
 * a few bytes long (`*3`, `$5`), where Buffer#indexOf's call into C++ costs more than the scan.
 */
function findCR(buf: Buffer, from: number): number {
  const end = buf.length;
  const stop = Math.min(from + 24, end);
  for (let i = from; i < stop; i++) if (buf[i] === 13) return i;
  return stop === end ? -1 : buf.indexOf(13, stop);
}

/** Parses a length as Redis's string2ll does: strict decimal, optional '-', within int64. */
function parseLength(s: string): number | null {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === '-0' || s.length > 20) return null;
  if (s.length >= 19) {
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  }
  return Number(s);
}

/** Splits an inline line as sdssplitargs does; null means unbalanced quotes. */
export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
  const isHex = (c: string) => /[0-9a-fA-F]/.test(c);
  while (true) {
    while (i < n && isSpace(line[i] as string)) i++;
    if (i >= n) return args;
    let cur = '';
    let inq = false; // inside "double quotes"
    let insq = false; // inside 'single quotes'
    let done = false;
    while (!done) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2] ?? '') && isHex(line[i + 3] ?? '')) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !isSpace(line[i + 1] as string)) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1] as string)) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (c === undefined || isSpace(c)) {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        cur += c;
      }
      if (i < n) i++;
    }
    args.push(cur);
  }
}

/**
 * Incremental parser. `feed` appends bytes; `next` returns the next complete command,
 * undefined when more bytes are needed, or throws ProtocolError.
 */
const EMPTY = Buffer.alloc(0);

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Multibulk state: arguments still expected (0 = between requests). */
  private pendingArgs = 0;
  private args: string[] = [];
  /**
   * While a big bulk argument (>= PROTO_MBULK_BIG_ARG) is arriving: the bytes `buf` must hold
   * (from 0) before it is complete, and the chunks received so far (the first is `buf`). They are
   * joined once, when the last byte is in, so a value of n bytes costs O(n), like Redis reading a
   * big argument straight into a buffer of its exact size, instead of one copy per chunk.
   */
  private want = 0;
  /** Where the big argument's payload starts in `buf` (after its `$<len>` line). */
  private bodyAt = 0;
  private parts: Buffer[] = [];
  private partsLen = 0;

  /**
   * Appends bytes. The parser may keep `chunk` itself (no copy) for what it does not parse now: a
   * caller that reuses the chunk's memory calls retain() once it is done parsing.
   */
  feed(chunk: Buffer): void {
    if (this.want > 0) {
      this.parts.push(chunk);
      this.partsLen += chunk.length;
      if (this.partsLen < this.want) return;
      this.buf = Buffer.concat(this.parts, this.partsLen);
      this.parts = [];
      this.partsLen = 0;
      this.want = 0;
      this.pos = 0;
      return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /**
   * Copies what the parser still needs out of the memory of the chunks it was fed, which their
   * owner is about to reuse (a connection reading every socket into one shared buffer). Nothing
   * is copied when every fed byte was parsed, the usual case.
   */
  retain(shared: ArrayBufferLike): void {
    if (this.want > 0) {
      const parts = this.parts;
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i] as Buffer;
        if (p.buffer === shared) parts[i] = Buffer.from(p);
      }
      this.buf = parts[0] as Buffer;
      return;
    }
    if (this.buf.buffer !== shared) return;
    this.buf = this.pos >= this.buf.length ? EMPTY : Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
  }

  /** Bytes received but not yet consumed by a complete command. */
  get pendingBytes(): number {
    return this.want > 0 ? this.partsLen : this.buf.length - this.pos;
  }

  /**
   * While a big argument arrives: its payload bytes received so far, its length + 2 (the room
   * Redis reserves for it in the query buffer at once) and the command's arguments before it.
   */
  get bigArg(): { received: number; room: number; argsSoFar: readonly string[] } | undefined {
    return this.want > 0 ? { received: this.partsLen - this.bodyAt, room: this.want - this.bodyAt, argsSoFar: this.args } : undefined;
  }

  /**
   * The first `n` bytes of what Redis would hold in its query buffer (for the
   * query-buffer-limit log line): while a big argument arrives, its payload.
   */
  peek(n: number): string {
    const b = this.want > 0 ? (this.parts[0] as Buffer) : this.buf;
    const from = this.want > 0 ? this.bodyAt : this.pos;
    return b.toString('latin1', from, Math.min(b.length, from + n));
  }

  next(limits: ParserLimits): string[] | undefined {
    if (this.want > 0) return undefined; // a big argument is still arriving
    while (true) {
      if (this.pendingArgs === 0) {
        if (this.pos >= this.buf.length) return undefined;
        if (this.buf[this.pos] !== 42 /* '*' */) {
          const cmd = this.inline();
          if (cmd === undefined) return undefined;
          if (cmd.length === 0) continue;
          return cmd;
        }
        const nl = findCR(this.buf, this.pos);
        if (nl < 0) {
          if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big mbulk count string');
          return undefined;
        }
        if (nl + 1 >= this.buf.length) return undefined; // wait for the \n
        const count = parseLengthBytes(this.buf, this.pos + 1, nl);
        if (count === null || count > 2147483647) throw new ProtocolError('Protocol error: invalid multibulk length');
        if (count > UNAUTH_MAX_MULTIBULK && !limits.authenticated)
          throw new ProtocolError('Protocol error: unauthenticated multibulk length');
        this.pos = nl + 2;
        if (count <= 0) continue; // "*0" and "*-1" are empty requests
        this.pendingArgs = count;
        this.args = [];
      }
      // Read bulk arguments.
      while (this.pendingArgs > 0) {
        if (this.pos >= this.buf.length) return undefined;
        const nl = findCR(this.buf, this.pos);
        if (nl < 0) {
          if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
          return undefined;
        }
        if (this.buf[this.pos] !== 36 /* '$' */) {
          throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(this.buf[this.pos] as number)}'`);
        }
        if (nl + 1 >= this.buf.length) return undefined;
        const len = parseLengthBytes(this.buf, this.pos + 1, nl);
        if (len === null || len < 0 || len > limits.maxBulkLen) throw new ProtocolError('Protocol error: invalid bulk length');
        if (len > UNAUTH_MAX_BULK && !limits.authenticated) throw new ProtocolError('Protocol error: unauthenticated bulk length');
        const start = nl + 2;
        if (this.buf.length < start + len + 2) {
          if (len >= PROTO_MBULK_BIG_ARG) {
            // Collect the rest in chunks (see `want`); `pos` stays on the '$' line.
            this.want = start + len + 2 - this.pos;
            this.bodyAt = start - this.pos;
            this.compact();
            this.parts = [this.buf];
            this.partsLen = this.buf.length;
          }
          return undefined;
        }
        this.args.push(len === 0 ? '' : (this.buf as Latin1Buffer).latin1Slice(start, start + len));
        this.pos = start + len + 2;
        this.pendingArgs--;
      }
      const out = this.args;
      this.args = [];
      return out;
    }
  }

  /** Drops consumed bytes so a large argument arriving in pieces is not copied again and again. */
  private compact(): void {
    if (this.pos > 0) {
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    }
  }

  private inline(): string[] | undefined {
    const nl = this.buf.indexOf(10 /* \n */, this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return undefined;
    }
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 13) end--;
    const line = this.buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const args = splitInlineArgs(line);
    if (args === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return args;
  }
}
