/**
 * Loads RDB_TYPE_STREAM_LISTPACKS (v1, RDB 9) and _2 (RDB 10) as rdb.c does, rebuilding each
 * listpack node exactly (master entry, flags, deleted entries) so a later DUMP gives the same
 * bytes. v1 streams get Redis 7.0's migration: entries-added = length, max-deleted-id 0, the
 * first ID from the first live entry, groups' entries-read estimated from their last ID.
 *
 * Checks (rdbReportCorruptRDB's reasons): node keys of 16 bytes, node IDs ascending, no empty
 * listpack, a well-formed master entry and entries (streamValidateListpackIntegrity), the stream
 * length equal to the live entries, no duplicate group, PEL entry or consumer, every consumer PEL
 * ID in the group PEL, and every group PEL entry owned by a consumer.
 */
import type { RedisNode } from '../engine/node.js';
import { ConsumerGroup, Stream, StreamConsumer, StreamEntry, StreamNack, StreamNode } from '../types/stream.js';
import { TYPE_STREAM_LISTPACKS_2 } from './constants.js';
import { corrupt } from './errors.js';
import { type LpValue, lpDecode } from './listpack.js';
import type { RdbReader } from './reader.js';

const U64 = (1n << 64n) - 1n;

function readId16(r: RdbReader): bigint {
  const b = r.take(16);
  return (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
}

function asInt(v: LpValue | undefined): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  return corrupt('Stream listpack integrity check failed.');
}

function asStr(v: LpValue | undefined): string {
  if (v === undefined) return corrupt('Stream listpack integrity check failed.');
  return typeof v === 'string' ? v : String(v);
}

/** Rebuilds one node from its listpack (lp.length bytes, as lpBytes). */
function nodeFromListpack(master: bigint, lp: Buffer): StreamNode {
  const el = lpDecode(lp, true);
  if (el.length === 0) corrupt('Empty listpack inside stream');
  let i = 0;
  const next = () => {
    if (i >= el.length) corrupt('Stream listpack integrity check failed.');
    return el[i++];
  };
  const count = Number(asInt(next()));
  const deleted = Number(asInt(next()));
  const nf = Number(asInt(next()));
  if (nf < 0 || nf > el.length) corrupt('Stream listpack integrity check failed.');
  const masterFields: string[] = [];
  for (let k = 0; k < nf; k++) masterFields.push(asStr(next()));
  if (asInt(next()) !== 0n) corrupt('Stream listpack integrity check failed.');
  const node = new StreamNode(master, masterFields);
  const masterMs = master >> 64n;
  const masterSeq = master & U64;
  let live = 0;
  let dead = 0;
  let prev = -1n;
  while (i < el.length) {
    const flags = Number(asInt(next()));
    const ms = (masterMs + asInt(next())) & U64;
    const seq = (masterSeq + asInt(next())) & U64;
    const id = (ms << 64n) | seq;
    if (id <= prev || id < master) corrupt('Stream listpack integrity check failed.');
    prev = id;
    const fields: string[] = [];
    let lpCount: number;
    if (flags & 2) {
      for (let k = 0; k < nf; k++) fields.push(masterFields[k] as string, asStr(next()));
      lpCount = nf + 3;
    } else {
      const efn = Number(asInt(next()));
      if (efn < 0 || efn > el.length) corrupt('Stream listpack integrity check failed.');
      for (let k = 0; k < efn; k++) fields.push(asStr(next()), asStr(next()));
      lpCount = efn * 2 + 4;
    }
    if (Number(asInt(next())) !== lpCount) corrupt('Stream listpack integrity check failed.');
    const e = new StreamEntry(id, fields);
    if (flags & 1) {
      e.deleted = true;
      dead++;
    } else live++;
    node.entries.push(e);
  }
  if (live !== count || dead !== deleted) corrupt('Stream listpack integrity check failed.');
  if (live === 0) corrupt('Empty listpack inside stream');
  node.count = count;
  node.deleted = deleted;
  node.bytes = lp.length;
  return node;
}

function readIdParts(r: RdbReader): bigint {
  const ms = r.bigLen();
  const seq = r.bigLen();
  return (ms << 64n) | seq;
}

export function readStream(r: RdbReader, type: number, node: RedisNode): Stream {
  void node;
  const s = new Stream();
  const nodes = r.len();
  let prevMaster = -1n;
  let live = 0;
  for (let i = 0; i < nodes; i++) {
    const key = r.bytesString();
    if (key.length !== 16) corrupt('Stream node key entry is not the size of a stream ID');
    const master = (key.readBigUInt64BE(0) << 64n) | key.readBigUInt64BE(8);
    if (master <= prevMaster) corrupt('Listpack re-added with existing key');
    prevMaster = master;
    const lp = r.bytesString();
    if (r.deep) r.sanitizations++;
    const n = nodeFromListpack(master, lp);
    live += n.count;
    s.pushLoadedNode(n);
  }
  s.length = r.len();
  if (s.length !== live) corrupt('Stream length inconsistent with rax entries');
  s.lastId = readIdParts(r);
  if (type === TYPE_STREAM_LISTPACKS_2) {
    s.firstId = readIdParts(r);
    s.maxDeletedId = readIdParts(r);
    s.entriesAdded = r.bigLen();
  } else {
    s.maxDeletedId = 0n;
    s.entriesAdded = BigInt(s.length);
    s.firstId = s.firstEntry()?.id ?? 0n;
  }
  const ngroups = r.len();
  for (let i = 0; i < ngroups; i++) {
    const name = r.string();
    const lastId = readIdParts(r);
    let entriesRead: bigint;
    if (type === TYPE_STREAM_LISTPACKS_2) entriesRead = BigInt.asIntN(64, r.bigLen());
    else entriesRead = s.estimateDistance(lastId);
    if (s.groups.has(name)) corrupt(`Duplicated consumer group name ${name}`);
    const g = new ConsumerGroup(lastId, entriesRead);
    const npel = r.len();
    for (let k = 0; k < npel; k++) {
      const id = readId16(r);
      const time = r.millis();
      const count = r.len();
      if (!g.pel.set(id, new StreamNack(time, count, undefined))) corrupt('Duplicated global PEL entry loading stream consumer group');
    }
    const nconsumers = r.len();
    for (let k = 0; k < nconsumers; k++) {
      const cname = r.string();
      if (g.consumers.has(cname)) corrupt('Duplicate stream consumer detected.');
      const c = new StreamConsumer(cname, r.millis());
      g.consumers.set(cname, c);
      const n = r.len();
      for (let j = 0; j < n; j++) {
        const id = readId16(r);
        const nack = g.pel.get(id);
        if (nack === undefined) corrupt('Consumer entry not found in group global PEL');
        if (nack.consumer !== undefined || !c.pel.set(id, nack)) corrupt('Duplicated consumer PEL entry loading a stream consumer group');
        nack.consumer = c;
      }
    }
    for (const n of g.pel.entries()) if (n.value.consumer === undefined) corrupt('Stream CG PEL entry without consumer');
    s.groups.set(name, g);
  }
  return s;
}
