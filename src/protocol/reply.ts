/**
 * Reply writer: commands write their replies here, as Redis's addReply* functions do, and the
 * writer encodes them for the client's protocol version. Output is latin1 (one char per byte)
 * that the connection writes once per read.
 *
 * Size: Redis sends replies of any size (its reply list is a chain of buffers), while a V8
 * string stops at about 512 MiB. The common case stays one string (`tail`); once it grows past
 * SPILL_CHARS it is moved to a list of Buffers, and a bulk value above that size is kept as its
 * own chunk, so a reply (or a pipeline of replies) of any total size is written piecewise and
 * no string ever approaches the limit.
 *
 * RESP2 vs RESP3: nulls are `$-1`/`*-1` vs `_`; maps and sets are flat arrays vs `%`/`~`; doubles
 * are bulk strings vs `,`; booleans are `:1`/`:0` vs `#t`/`#f`; push frames are arrays vs `>`.
 */
import { formatDouble } from './numbers.js';

/** Above this many characters the pending string moves to the chunk list (as a Buffer). */
const SPILL_CHARS = 1 << 20;

/** One piece of output: a latin1 string or the bytes themselves. */
export type ReplyChunk = string | Buffer;

export class Reply {
  /** Output not yet moved to `chunks` (the whole output in the common case). */
  private tail = '';
  /** Output before `tail`, in order; empty unless the output grew past SPILL_CHARS. */
  private chunks: ReplyChunk[] = [];
  /** Bytes held in `chunks`. */
  private spilled = 0;
  /** Number of error replies written: the dispatcher counts failed calls with it. */
  errors = 0;
  /** The first error's text, for scripts. */
  lastError = '';
  /** Told of every error reply (the node counts them for INFO errorstats). */
  onError: ((msg: string) => void) | undefined;

  constructor(public resp: 2 | 3 = 2) {}

  /** Bytes written and not yet taken: a position for `truncate` and `since`. */
  get length(): number {
    return this.spilled + this.tail.length;
  }

  /**
   * The pending output as one string (scripts and in-process calls parse it). Setting it replaces
   * everything pending. Transports use `drain`, which never joins.
   */
  get out(): string {
    return this.spilled === 0 ? this.tail : this.joined();
  }

  set out(v: string) {
    this.chunks = [];
    this.spilled = 0;
    this.tail = v;
  }

  /** Takes the accumulated bytes as one string and empties the buffer. */
  take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }

  /** Hands every pending chunk to `write`, in order, and empties the buffer. */
  drain(write: (chunk: ReplyChunk) => void): void {
    if (this.spilled > 0) {
      const chunks = this.chunks;
      this.chunks = [];
      this.spilled = 0;
      for (const ch of chunks) write(ch);
    }
    if (this.tail.length > 0) {
      const t = this.tail;
      this.tail = '';
      write(t);
    }
  }

  /** Drops everything written after position `mark` (CLIENT REPLY OFF/SKIP). */
  truncate(mark: number): void {
    if (mark >= this.spilled) {
      this.tail = this.tail.slice(0, mark - this.spilled);
      return;
    }
    let pos = 0;
    const kept: ReplyChunk[] = [];
    for (const ch of this.chunks) {
      if (pos + ch.length <= mark) kept.push(ch);
      else if (pos < mark) kept.push(typeof ch === 'string' ? ch.slice(0, mark - pos) : ch.subarray(0, mark - pos));
      pos += ch.length;
    }
    this.chunks = kept;
    this.spilled = mark;
    this.tail = '';
  }

  /** The output written after position `mark`, as a string (a small frame: pub/sub pushes). */
  since(mark: number): string {
    if (mark >= this.spilled) return this.tail.slice(mark - this.spilled);
    return this.joined().slice(mark);
  }

  /** Runs `fn` against an empty buffer and returns what it wrote; the pending output is kept. */
  capture(fn: () => void): string {
    const { tail, chunks, spilled } = this;
    this.out = '';
    try {
      fn();
      return this.out;
    } finally {
      this.tail = tail;
      this.chunks = chunks;
      this.spilled = spilled;
    }
  }

  private joined(): string {
    let s = '';
    for (const ch of this.chunks) s += typeof ch === 'string' ? ch : ch.toString('latin1');
    return s + this.tail;
  }

  /** Moves the pending string to the chunk list. */
  private spill(): void {
    const t = this.tail;
    this.tail = '';
    this.chunks.push(Buffer.from(t, 'latin1'));
    this.spilled += t.length;
  }

  /** Appends a large value as a chunk of its own (never concatenated into a bigger string). */
  private bigChunk(header: string, s: string, trailer: string): void {
    this.tail += header;
    this.spill();
    this.chunks.push(s);
    this.spilled += s.length;
    this.tail = trailer;
  }

  raw(s: string): void {
    this.tail += s;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  ok(): void {
    this.tail += '+OK\r\n';
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  simple(s: string): void {
    this.tail += `+${s}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** An error reply; `msg` includes its code ("ERR ...", "WRONGTYPE ..."). Newlines become spaces as in Redis. */
  error(msg: string): void {
    const clean = msg.includes('\r') || msg.includes('\n') ? msg.replace(/[\r\n]/g, ' ') : msg;
    this.tail += `-${clean}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
    if (this.errors === 0) this.lastError = clean;
    this.errors++;
    this.onError?.(clean);
  }

  int(n: number | bigint): void {
    this.tail += `:${n}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  bulk(s: string): void {
    if (s.length > SPILL_CHARS) this.bigChunk(`$${s.length}\r\n`, s, '\r\n');
    else {
      this.tail += `$${s.length}\r\n${s}\r\n`;
      if (this.tail.length > SPILL_CHARS) this.spill();
    }
  }

  /** A bulk string, or the null bulk when `s` is null/undefined. */
  bulkOrNil(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nil();
    else this.bulk(s);
  }

  /** The null bulk string (`$-1` in RESP2, `_` in RESP3). */
  nil(): void {
    this.tail += this.resp === 2 ? '$-1\r\n' : '_\r\n';
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** The null array (`*-1` in RESP2, `_` in RESP3). */
  nilArray(): void {
    this.tail += this.resp === 2 ? '*-1\r\n' : '_\r\n';
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  arrayLen(n: number): void {
    this.tail += `*${n}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** An array of bulk strings (null entries become null bulks). */
  bulkArray(items: readonly (string | null | undefined)[]): void {
    let s = `*${items.length}\r\n`;
    const nil = this.resp === 2 ? '$-1\r\n' : '_\r\n';
    for (const it of items) {
      if (it === null || it === undefined) s += nil;
      else if (s.length + it.length < SPILL_CHARS) s += `$${it.length}\r\n${it}\r\n`;
      else {
        // A big array: flush what is built so far and continue through bulk(), which spills.
        this.raw(s);
        s = '';
        this.bulk(it);
      }
    }
    this.raw(s);
  }

  /** A map header with `n` key/value pairs (a flat array of 2n elements in RESP2). */
  mapLen(n: number): void {
    this.tail += this.resp === 2 ? `*${n * 2}\r\n` : `%${n}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** A set header (an array in RESP2). */
  setLen(n: number): void {
    this.tail += this.resp === 2 ? `*${n}\r\n` : `~${n}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** A push frame header (an array in RESP2): pub/sub messages, invalidations. */
  pushLen(n: number): void {
    this.tail += this.resp === 2 ? `*${n}\r\n` : `>${n}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** A double as Redis's addReplyDouble writes it (%.17g; "inf"/"-inf"). */
  double(d: number): void {
    const s = formatDouble(d);
    this.tail += this.resp === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`;
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  bool(b: boolean): void {
    this.tail += this.resp === 2 ? (b ? ':1\r\n' : ':0\r\n') : b ? '#t\r\n' : '#f\r\n';
    if (this.tail.length > SPILL_CHARS) this.spill();
  }

  /** Verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) this.bulk(s);
    else this.raw(`=${s.length + 4}\r\n${format}:${s}\r\n`);
  }

  /** A big number (`(`) in RESP3, a bulk string in RESP2. */
  bigNumber(s: string): void {
    if (this.resp === 2) this.bulk(s);
    else this.tail += `(${s}\r\n`;
  }
}
