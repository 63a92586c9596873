/**
 * A stream as RDB_TYPE_STREAM_LISTPACKS_2 (rdb.c, Redis 7.0):
 *
 *   node count; per node its 16-byte big-endian master ID (as a string) and its listpack;
 *   length, last-id ms, seq; first-id ms, seq; max-deleted-id ms, seq; entries-added;
 *   group count; per group (by name): name, last-id ms, seq, entries-read (2^64-1 when unknown),
 *   the PEL (count, then per NACK the 16-byte ID, delivery time as ms int64, delivery count),
 *   the consumers (count, then name, seen-time as ms int64, their PEL IDs).
 *
 * A node's listpack (t_stream.c) starts with the master entry: count, deleted, field count, the
 * master fields, 0. Each entry then is flags (1 deleted, 2 same fields as the master), ms-delta,
 * seq-delta from the master ID, [field count, fields interleaved with values | values], and the
 * entry's element count minus one (lp-count) so it can be walked backwards.
 */
import type { ConsumerGroup, Stream, StreamNode } from '../types/stream.js';
import { ListpackBuilder } from './listpack.js';
import type { RdbWriter } from './writer.js';

const U64 = (1n << 64n) - 1n;

export function streamIdBytes(id: bigint): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeBigUInt64BE(id >> 64n, 0);
  b.writeBigUInt64BE(id & U64, 8);
  return b;
}

const scratch = new ListpackBuilder(4096);

/** The listpack of a stream node, as t_stream.c built and edited it (a view, valid until the next call). */
export function streamNodeListpack(n: StreamNode): Buffer {
  const lp = scratch.reset();
  const nf = n.masterFields.length;
  lp.int(n.count);
  lp.int(n.deleted);
  lp.int(nf);
  for (const f of n.masterFields) lp.str(f);
  lp.int(0);
  const masterMs = n.master >> 64n;
  const masterSeq = n.master & U64;
  for (const e of n.entries) {
    const efn = e.fields.length / 2;
    let same = efn === nf;
    for (let i = 0; same && i < nf; i++) if (n.masterFields[i] !== e.fields[i * 2]) same = false;
    lp.int((same ? 2 : 0) | (e.deleted ? 1 : 0));
    lp.int(BigInt.asIntN(64, (e.id >> 64n) - masterMs));
    lp.int(BigInt.asIntN(64, (e.id & U64) - masterSeq));
    if (same) {
      for (let i = 0; i < efn; i++) lp.str(e.fields[i * 2 + 1] as string);
      lp.int(efn + 3);
    } else {
      lp.int(efn);
      for (const f of e.fields) lp.str(f);
      lp.int(efn * 2 + 4);
    }
  }
  return lp.view();
}

function idParts(w: RdbWriter, id: bigint): void {
  w.len(id >> 64n);
  w.len(id & U64);
}

function nameOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeGroup(w: RdbWriter, name: string, g: ConsumerGroup): void {
  w.string(name);
  idParts(w, g.lastId);
  w.len(BigInt.asUintN(64, g.entriesRead));
  w.len(g.pel.size);
  for (const nack of g.pel.entries()) {
    w.bytes(streamIdBytes(nack.id));
    w.millis(nack.value.deliveryTime);
    w.len(nack.value.deliveryCount);
  }
  const consumers = [...g.consumers.values()].sort((a, b) => nameOrder(a.name, b.name));
  w.len(consumers.length);
  for (const c of consumers) {
    w.string(c.name);
    w.millis(c.seenTime);
    w.len(c.pel.size);
    for (const nack of c.pel.entries()) w.bytes(streamIdBytes(nack.id));
  }
}

export function writeStream(w: RdbWriter, s: Stream): void {
  const nodes = s.listpacks();
  w.len(nodes.length);
  for (const n of nodes) {
    // rdbSaveRawString of the 16-byte key: too short for LZF, not an integer.
    w.len(16);
    w.bytes(streamIdBytes(n.master));
    w.blob(streamNodeListpack(n));
  }
  w.len(s.length);
  idParts(w, s.lastId);
  idParts(w, s.firstId);
  idParts(w, s.maxDeletedId);
  w.len(s.entriesAdded);
  const groups = [...s.groups.entries()].sort((a, b) => nameOrder(a[0], b[0]));
  w.len(groups.length);
  for (const [name, g] of groups) writeGroup(w, name, g);
}
