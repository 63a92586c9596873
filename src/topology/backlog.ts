/**
 * The replication backlog (Redis's repl_backlog): the last repl-backlog-size bytes of the
 * replication stream, so a replica that lost its link can PSYNC from the byte it needs next.
 *
 * Offsets are Redis's: master_repl_offset counts every byte ever fed; the backlog holds bytes
 * [firstByteOffset, firstByteOffset + histlen - 1]; a replica that has processed up to offset N
 * asks for N + 1. A backlog created when master_repl_offset is N starts at N + 1.
 */
export class Backlog {
  private buf = '';
  /** repl_backlog_first_byte_offset. */
  firstByteOffset: number;

  constructor(
    public size: number,
    masterReplOffset: number,
  ) {
    this.firstByteOffset = masterReplOffset + 1;
  }

  /** repl_backlog_histlen. */
  get histlen(): number {
    return this.buf.length;
  }

  append(data: string): void {
    this.buf += data;
    if (this.buf.length > this.size) {
      const drop = this.buf.length - this.size;
      this.buf = this.buf.slice(drop);
      this.firstByteOffset += drop;
    }
  }

  /** CONFIG SET repl-backlog-size: keeps the newest bytes that still fit. */
  resize(size: number): void {
    this.size = size;
    this.append('');
  }

  /** The bytes from `offset` (the next byte a replica needs) to the end, or undefined if not held. */
  from(offset: number): string | undefined {
    const end = this.firstByteOffset + this.buf.length;
    if (offset < this.firstByteOffset || offset > end) return undefined;
    return this.buf.slice(offset - this.firstByteOffset);
  }
}
