/**
 * The size of a client's query buffer as Redis 7.0 accounts it (networking.c readQueryFromClient,
 * server.c clientsCronResizeQueryBuffer), for CLIENT LIST / CLIENT INFO's qbuf and qbuf-free.
 * redis-sim parses from its own buffers; this models only the numbers Redis would show:
 *
 * - A new client has an empty buffer (qbuf=0 qbuf-free=0). A read into a buffer smaller than
 *   PROTO_IOBUF_LEN (16 KB) first grows it without over-allocation to hold 16 KB more (an sds of
 *   that size: 20474 usable bytes for 16 KB, jemalloc's class); when more arrives than fits it
 *   grows greedily (double up to 1 MB, then +1 MB), as sdsMakeRoomFor does.
 * - qbuf is the buffer's length: while a client's own commands run (CLIENT INFO about itself) it
 *   still holds the whole read; after the read's commands ran, only the unparsed rest.
 * - While an argument of 32 KB or more (PROTO_MBULK_BIG_ARG) arrives, the buffer holds only its
 *   payload and has room for all of it (see onBigArg). A command with such an
 *   argument takes the buffer as that argument, and the client gets a new empty buffer with room for the argument again.
 * - clientsCron: a client idle for more than 2 seconds of the node clock whose buffer has more
 *   than 4 KB free gets it trimmed to its length (applied when the numbers are read, which is
 *   what a cron pass in the meantime would have done).
 */
import { mallocSize } from '../engine/malloc-size.js';

const PROTO_IOBUF_LEN = 16 * 1024;
const PROTO_MBULK_BIG_ARG = 32 * 1024;
const SDS_MAX_PREALLOC = 1024 * 1024;

/** Usable bytes of an sds allocated for `len` bytes: its jemalloc class minus header and NUL. */
function sdsUsable(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
  return mallocSize(hdr + len + 1) - hdr - 1;
}

export class QueryBufferAccount {
  /** Allocated usable bytes (sdsalloc). */
  private alloc = 0;
  /** Bytes in the buffer (sdslen) while the read's commands run; unparsed bytes after. */
  private len = 0;

  /** Bytes arrived; `pending` were already in the buffer, unparsed. */
  onRead(pending: number, bytes: number): void {
    this.len = pending;
    if (this.alloc < PROTO_IOBUF_LEN) this.alloc = Math.max(this.alloc, sdsUsable(pending + PROTO_IOBUF_LEN));
    const need = pending + bytes;
    if (need > this.alloc) this.alloc = sdsUsable(need < SDS_MAX_PREALLOC ? need * 2 : need + SDS_MAX_PREALLOC);
    this.len = need;
  }

  /**
   * A big argument of `bulkLen` bytes is arriving: the buffer holds only its payload so far.
   * processMultibulkBuffer makes room for all of it at once (its length + 2, rounded up to the
   * allocator's class), and the next clientsCron pass (within 100 ms) trims a buffer more than
   * twice its recent peak down to the bulk's length: that steady state is what is reported.
   */
  onBigArg(received: number, bulkLen: number): void {
    this.len = received;
    this.alloc = Math.max(bulkLen, received);
  }

  /** A command ran whose largest argument was `bigArg` bytes. */
  onCommand(bigArg: number): void {
    if (bigArg >= PROTO_MBULK_BIG_ARG) this.alloc = sdsUsable(bigArg + 2);
  }

  /** The read's commands ran: the parsed part is trimmed (sdsrange). */
  afterProcess(pending: number): void {
    this.len = pending;
  }

  /** qbuf and qbuf-free; `idleMs` since the client's last interaction on the node clock. */
  numbers(idleMs: number): { qbuf: number; free: number } {
    if (this.alloc - this.len > 4096 && Math.floor(idleMs / 1000) > 2) this.alloc = this.len === 0 ? 0 : sdsUsable(this.len);
    return { qbuf: this.len, free: this.alloc - this.len };
  }
}
