/**
 * Helpers shared by the stream command families: ID arguments with Redis's error texts, stream
 * lookup, entry replies, the node-size limits from the configuration.
 */
import type { Client } from '../engine/client.js';
import { RedisError } from '../engine/errors.js';
import type { RedisObject } from '../engine/values.js';
import { type ConsumerGroup, Stream, type StreamEntry, type StreamLimits, type StreamNack } from '../types/stream.js';
import { decrId, formatId, incrId, parseStreamId, type StreamId } from '../types/stream-id.js';

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

/** streamParseIDOrReply / streamParseStrictIDOrReply. */
export function idArg(s: string, missingSeq = 0n, strict = true): StreamId {
  const r = parseStreamId(s, missingSeq, strict);
  if (!r) throw new RedisError(INVALID_ID);
  return r.id;
}

/**
 * A range bound (streamParseIntervalIDOrReply): "(" makes it exclusive (then "-"/"+" are
 * invalid); an exclusive start moves to the next ID, an exclusive end to the previous one.
 */
export function intervalArg(s: string, isStart: boolean): StreamId {
  const exclusive = s.length > 1 && s[0] === '(';
  const missingSeq = isStart ? 0n : (1n << 64n) - 1n;
  if (!exclusive) return idArg(s, missingSeq, false);
  const id = idArg(s.slice(1), missingSeq, true);
  if (isStart) {
    const n = incrId(id);
    if (n === undefined) throw new RedisError('ERR invalid start ID for the interval');
    return n;
  }
  const p = decrId(id);
  if (p === undefined) throw new RedisError('ERR invalid end ID for the interval');
  return p;
}

/** The stream at `key` (WRONGTYPE for another type), or undefined. */
export function lookupStream(c: Client, key: string): RedisObject<'stream'> | undefined {
  return c.db.get(key, 'stream');
}

/** The node limits from stream-node-max-entries / stream-node-max-bytes. */
export function streamLimits(c: Client): StreamLimits {
  return {
    maxEntries: c.node.config.getInt('stream-node-max-entries'),
    maxBytes: c.node.config.getInt('stream-node-max-bytes'),
  };
}

/** The stream at `key`, created empty when missing (streamTypeLookupWriteOrCreate). */
export function streamForWrite(c: Client, key: string): Stream {
  return c.db.getOrCreate(key, 'stream', () => new Stream()).value;
}

/** Writes one entry as [id, [field, value, ...]]. */
export function replyEntry(c: Client, e: StreamEntry): void {
  const id = e.idText;
  let s = `*2\r\n$${id.length}\r\n${id}\r\n*${e.fields.length}\r\n`;
  for (const f of e.fields) s += `$${f.length}\r\n${f}\r\n`;
  c.reply.raw(s);
}

/** Writes an array of entries. */
export function replyEntries(c: Client, entries: readonly StreamEntry[]): void {
  c.reply.arrayLen(entries.length);
  for (const e of entries) replyEntry(c, e);
}

export function replyId(c: Client, id: StreamId): void {
  c.reply.bulk(formatId(id));
}

/** The reply lines of a HELP subcommand (addReplyHelp): header, lines, HELP footer. */
export function replyHelp(c: Client, cmd: string, lines: readonly string[]): void {
  c.reply.arrayLen(lines.length + 3);
  c.reply.simple(`${cmd.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

/** addReplySubcommandSyntaxError. */
export function subcommandSyntaxError(args: string[]): RedisError {
  return new RedisError(
    `ERR unknown subcommand or wrong number of arguments for '${(args[1] as string).slice(0, 128)}'. Try ${(args[0] as string).toUpperCase()} HELP.`,
  );
}

/** Node clock in whole milliseconds (mstime()). */
export function nowMs(c: Client): number {
  return Math.floor(c.node.clock.now());
}

/**
 * streamPropagateXCLAIM: XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <count>
 * FORCE JUSTID LASTID <group last ID>, idempotent on the replica.
 */
export function xclaimArgv(key: string, group: string, nack: StreamNack, id: string, g: ConsumerGroup): string[] {
  return [
    'XCLAIM',
    key,
    group,
    nack.consumer?.name ?? '',
    '0',
    id,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(g.lastId),
  ];
}
