/**
 * Reply writer: commands write their replies here, as Redis's addReply* functions do, and the
 * writer encodes them for the client's protocol version. Output is a latin1 string (one char per
 * byte) that the connection writes in one batch per read.
 *
 * RESP2 vs RESP3: nulls are `$-1`/`*-1` vs `_`; maps and sets are flat arrays vs `%`/`~`; doubles
 * are bulk strings vs `,`; booleans are `:1`/`:0` vs `#t`/`#f`; push frames are arrays vs `>`.
 */
import { formatDouble } from './numbers.js';

export class Reply {
  out = '';
  /** Number of error replies written: the dispatcher counts failed calls with it. */
  errors = 0;
  /** The first error's text, for scripts. */
  lastError = '';
  /** Told of every error reply (the node counts them for INFO errorstats). */
  onError: ((msg: string) => void) | undefined;

  constructor(public resp: 2 | 3 = 2) {}

  /** Takes the accumulated bytes and empties the buffer. */
  take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }

  raw(s: string): void {
    this.out += s;
  }

  ok(): void {
    this.out += '+OK\r\n';
  }

  simple(s: string): void {
    this.out += `+${s}\r\n`;
  }

  /** An error reply; `msg` includes its code ("ERR ...", "WRONGTYPE ..."). Newlines become spaces as in Redis. */
  error(msg: string): void {
    const clean = msg.includes('\r') || msg.includes('\n') ? msg.replace(/[\r\n]/g, ' ') : msg;
    this.out += `-${clean}\r\n`;
    if (this.errors === 0) this.lastError = clean;
    this.errors++;
    this.onError?.(clean);
  }

  int(n: number | bigint): void {
    this.out += `:${n}\r\n`;
  }

  bulk(s: string): void {
    this.out += `$${s.length}\r\n${s}\r\n`;
  }

  /** A bulk string, or the null bulk when `s` is null/undefined. */
  bulkOrNil(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nil();
    else this.out += `$${s.length}\r\n${s}\r\n`;
  }

  /** The null bulk string (`$-1` in RESP2, `_` in RESP3). */
  nil(): void {
    this.out += this.resp === 2 ? '$-1\r\n' : '_\r\n';
  }

  /** The null array (`*-1` in RESP2, `_` in RESP3). */
  nilArray(): void {
    this.out += this.resp === 2 ? '*-1\r\n' : '_\r\n';
  }

  arrayLen(n: number): void {
    this.out += `*${n}\r\n`;
  }

  /** An array of bulk strings (null entries become null bulks). */
  bulkArray(items: readonly (string | null | undefined)[]): void {
    let s = `*${items.length}\r\n`;
    const nil = this.resp === 2 ? '$-1\r\n' : '_\r\n';
    for (const it of items) s += it === null || it === undefined ? nil : `$${it.length}\r\n${it}\r\n`;
    this.out += s;
  }

  /** A map header with `n` key/value pairs (a flat array of 2n elements in RESP2). */
  mapLen(n: number): void {
    this.out += this.resp === 2 ? `*${n * 2}\r\n` : `%${n}\r\n`;
  }

  /** A set header (an array in RESP2). */
  setLen(n: number): void {
    this.out += this.resp === 2 ? `*${n}\r\n` : `~${n}\r\n`;
  }

  /** A push frame header (an array in RESP2): pub/sub messages, invalidations. */
  pushLen(n: number): void {
    this.out += this.resp === 2 ? `*${n}\r\n` : `>${n}\r\n`;
  }

  /** A double as Redis's addReplyDouble writes it (%.17g; "inf"/"-inf"). */
  double(d: number): void {
    const s = formatDouble(d);
    this.out += this.resp === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`;
  }

  bool(b: boolean): void {
    this.out += this.resp === 2 ? (b ? ':1\r\n' : ':0\r\n') : b ? '#t\r\n' : '#f\r\n';
  }

  /** Verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) this.bulk(s);
    else this.out += `=${s.length + 4}\r\n${format}:${s}\r\n`;
  }

  /** A big number (`(`) in RESP3, a bulk string in RESP2. */
  bigNumber(s: string): void {
    if (this.resp === 2) this.bulk(s);
    else this.out += `(${s}\r\n`;
  }
}
