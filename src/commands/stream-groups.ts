/**
 * Consumer group commands: XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP, XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM, as Redis 7.0's t_stream.c. Delivery times and idle times read the
 * node clock (whole milliseconds).
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInt64, parseInteger } from '../protocol/numbers.js';
import { ConsumerGroup, INVALID_ENTRIES_READ, Stream, StreamConsumer, StreamNack } from '../types/stream.js';
import { formatId, parseStreamId, type StreamId } from '../types/stream-id.js';
import type { IdMap } from '../types/stream-pel.js';
import {
  idArg,
  intervalArg,
  lookupStream,
  nowMs,
  replyEntry,
  replyHelp,
  replyId,
  subcommandSyntaxError,
  xclaimArgv,
} from './stream-common.js';

/** streamLookupConsumer: refreshes seen-time unless `noRefresh`. */
export function lookupConsumer(c: Client, g: ConsumerGroup, name: string, noRefresh = false): StreamConsumer | undefined {
  const cons = g.consumers.get(name);
  if (cons && !noRefresh) cons.seenTime = nowMs(c);
  return cons;
}

/** streamCreateConsumer: a new consumer (and its xgroup-createconsumer event), or undefined if it exists. */
export function createConsumer(c: Client, g: ConsumerGroup, name: string, key: string): StreamConsumer | undefined {
  if (g.consumers.has(name)) return undefined;
  const cons = new StreamConsumer(name, nowMs(c));
  g.consumers.set(name, cons);
  c.node.stats.dirty++; // streamCreateConsumer: server.dirty++
  c.node.notify(c.db, 't', 'xgroup-createconsumer', key);
  return cons;
}

/** The consumer `name`, looked up (refreshing seen-time) or created. */
export function consumerFor(c: Client, g: ConsumerGroup, name: string, key: string): StreamConsumer {
  return lookupConsumer(c, g, name) ?? (createConsumer(c, g, name, key) as StreamConsumer);
}

// ---- XGROUP -----------------------------------------------------------------------------------

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

interface GroupArgs {
  key: string;
  name: string;
  s: Stream | undefined;
  g: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: bigint;
}

/**
 * The common part of xgroupCommand: options (MKSTREAM, ENTRIESREAD) from the 5th argument, then
 * the key (which must exist unless MKSTREAM) and, for SETID/CREATECONSUMER/DELCONSUMER, the group.
 */
function groupArgs(c: Client, args: string[], sub: string): GroupArgs {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < args.length; ) {
    if (sub === 'create' && is(args[i], 'MKSTREAM')) {
      mkstream = true;
      i++;
    } else if ((sub === 'create' || sub === 'setid') && is(args[i], 'ENTRIESREAD') && i + 1 < args.length) {
      const v = parseInteger(args[i + 1] as string);
      if (v === null) throw new RedisError(NOT_INTEGER);
      if (v < 0 && v !== -1) throw new RedisError('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = BigInt(args[i + 1] as string);
      i += 2;
    } else throw subcommandSyntaxError(args);
  }
  const key = args[2] as string;
  const name = args[3] as string;
  const s = lookupStream(c, key)?.value;
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (!s) {
      throw new RedisError(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
    }
    g = s.groups.get(name);
    if (!g && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      throw new RedisError(`NOGROUP No such consumer group '${name}' for key name '${key}'`);
    }
  } else {
    g = s?.groups.get(name);
  }
  return { key, name, s, g, mkstream, entriesRead };
}

/** XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] */
function xgroupCreate(c: Client, args: string[]): void {
  const a = groupArgs(c, args, 'create');
  if (args.length > 8) throw subcommandSyntaxError(args);
  const idText = args[4] as string;
  const id = idText === '$' ? (a.s?.lastId ?? 0n) : idArg(idText);
  let s = a.s;
  if (!s) {
    // MKSTREAM, now that the command can no longer fail.
    s = new Stream();
    c.db.getOrCreate(a.key, 'stream', () => s as Stream);
    c.node.signalModifiedKey(c.db, a.key);
  }
  if (s.groups.has(a.name)) throw new RedisError('BUSYGROUP Consumer Group name already exists');
  s.groups.set(a.name, new ConsumerGroup(id, a.entriesRead));
  c.node.stats.dirty++;
  c.reply.ok();
  c.node.notify(c.db, 't', 'xgroup-create', a.key);
}

/** XGROUP SETID key group id|$ [ENTRIESREAD n]: also resets entries-read (to -1 when not given). */
function xgroupSetid(c: Client, args: string[]): void {
  const a = groupArgs(c, args, 'setid');
  if (args.length !== 5 && args.length !== 7) throw subcommandSyntaxError(args);
  const s = a.s as Stream;
  const g = a.g as ConsumerGroup;
  const idText = args[4] as string;
  g.lastId = idText === '$' ? s.lastId : idArg(idText, 0n, false);
  g.entriesRead = a.entriesRead;
  c.node.stats.dirty++;
  c.reply.ok();
  c.node.notify(c.db, 't', 'xgroup-setid', a.key);
}

/** XGROUP DESTROY key group: 1 or 0. Blocked XREADGROUP clients of the group get NOGROUP. */
function xgroupDestroy(c: Client, args: string[]): void {
  const a = groupArgs(c, args, 'destroy');
  const s = a.s as Stream;
  if (!a.g) {
    c.reply.int(0);
    return;
  }
  s.groups.delete(a.name);
  c.node.stats.dirty++;
  c.reply.int(1);
  c.node.notify(c.db, 't', 'xgroup-destroy', a.key);
  // signalKeyAsReady without signalModifiedKey: wakes blocked readers, leaves WATCH alone.
  s.readyVersion++;
  c.node.blocking.signalReady(c.db, a.key);
}

/** XGROUP CREATECONSUMER key group consumer: 1 if created, 0 if it existed. */
function xgroupCreateConsumer(c: Client, args: string[]): void {
  const a = groupArgs(c, args, 'createconsumer');
  c.reply.int(createConsumer(c, a.g as ConsumerGroup, args[4] as string, a.key) ? 1 : 0);
}

/** XGROUP DELCONSUMER key group consumer: its pending entries are dropped; replies their number. */
function xgroupDelConsumer(c: Client, args: string[]): void {
  const a = groupArgs(c, args, 'delconsumer');
  const g = a.g as ConsumerGroup;
  const cons = lookupConsumer(c, g, args[4] as string, true);
  let pending = 0;
  if (cons) {
    pending = cons.pel.size;
    for (const n of cons.pel.entries()) g.pel.delete(n.id);
    g.consumers.delete(cons.name);
    c.node.stats.dirty++;
    c.node.notify(c.db, 't', 'xgroup-delconsumer', a.key);
  }
  c.reply.int(pending);
}

// ---- XACK / XPENDING --------------------------------------------------------------------------

function groupOf(c: Client, key: string, group: string): { s: Stream; g: ConsumerGroup } | undefined {
  const o = lookupStream(c, key);
  if (!o) return undefined;
  const g = o.value.groups.get(group);
  return g ? { s: o.value, g } : undefined;
}

function noGroup(key: string, group: string): RedisError {
  return new RedisError(`NOGROUP No such key '${key}' or consumer group '${group}'`);
}

/** XACK key group id [id ...]: IDs are validated only when the group exists. */
function xack(c: Client, args: string[]): void {
  const found = groupOf(c, args[1] as string, args[2] as string);
  if (!found) {
    c.reply.int(0);
    return;
  }
  const ids = args.slice(3).map((a) => idArg(a));
  const g = found.g;
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (!nack) continue;
    g.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
    c.node.stats.dirty++;
  }
  c.reply.int(acked);
}

/** XPENDING key group [[IDLE min-idle] start end count [consumer]] */
function xpending(c: Client, args: string[]): void {
  const argc = args.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw new RedisError('ERR syntax error');
  let minidle = 0;
  let count = 0;
  let start = 0n;
  let end = 0n;
  let consumerName: string | undefined;
  if (argc >= 6) {
    let startidx = 3;
    if (is(args[3], 'IDLE')) {
      minidle = intArg(args[4] as string);
      if (argc < 8) throw new RedisError('ERR syntax error');
      startidx += 2;
    }
    count = intArg(args[startidx + 2] as string);
    if (count < 0) count = 0;
    start = intervalArg(args[startidx] as string, true);
    end = intervalArg(args[startidx + 1] as string, false);
    if (startidx + 3 < argc) consumerName = args[startidx + 3];
  }
  const key = args[1] as string;
  const found = groupOf(c, key, args[2] as string);
  if (!found) throw noGroup(key, args[2] as string);
  const g = found.g;
  const r = c.reply;
  if (argc === 3) {
    r.arrayLen(4);
    r.int(g.pel.size);
    const first = g.pel.first();
    const last = g.pel.last();
    if (!first || !last) {
      r.nil();
      r.nil();
      r.nilArray();
      return;
    }
    replyId(c, first.id);
    replyId(c, last.id);
    const withPending = g.sortedConsumers().filter((x) => x.pel.size > 0);
    r.arrayLen(withPending.length);
    for (const cons of withPending) {
      r.arrayLen(2);
      r.bulk(cons.name);
      r.bulk(String(cons.pel.size));
    }
    return;
  }
  let pel: IdMap<StreamNack> = g.pel;
  if (consumerName !== undefined) {
    const cons = lookupConsumer(c, g, consumerName, true);
    if (!cons) {
      r.arrayLen(0);
      return;
    }
    pel = cons.pel;
  }
  const now = nowMs(c);
  const rows: string[] = [];
  for (const n of pel.entries(start)) {
    if (count === 0 || n.id > end) break;
    if (minidle && now - n.value.deliveryTime < minidle) continue;
    count--;
    const id = formatId(n.id);
    const name = n.value.consumer?.name ?? '';
    rows.push(
      `*4\r\n$${id.length}\r\n${id}\r\n$${name.length}\r\n${name}\r\n:${Math.max(0, now - n.value.deliveryTime)}\r\n:${n.value.deliveryCount}\r\n`,
    );
  }
  r.arrayLen(rows.length);
  for (const row of rows) r.raw(row);
}

// ---- XCLAIM / XAUTOCLAIM ----------------------------------------------------------------------

/** Moves `nack` (at `id`) to `cons`'s PEL. */
function transfer(nack: StreamNack, id: StreamId, cons: StreamConsumer): void {
  if (nack.consumer === cons) return;
  nack.consumer?.pel.delete(id);
  cons.pel.set(id, nack);
  nack.consumer = cons;
}

/**
 * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms-unix-time]
 *        [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
 */
function xclaim(c: Client, args: string[]): void {
  const key = args[1] as string;
  const found = groupOf(c, key, args[2] as string);
  if (!found) throw noGroup(key, args[2] as string);
  const { s, g } = found;
  let minidle = intArg(args[4] as string, 'ERR Invalid min-idle-time argument for XCLAIM');
  if (minidle < 0) minidle = 0;
  // IDs until the first argument that is not one; the rest are options.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < args.length; j++) {
    const p = parseStreamId(args[j] as string, 0n, true);
    if (!p) break;
    ids.push(p.id);
  }
  // Replicated by effects: one XCLAIM per entry claimed or dropped (streamPropagateXCLAIM, with
  // the ID as given), or XGROUP SETID when only LASTID moved the group.
  const prop = c.node.propagation;
  prop.prevent();
  let propagateLastId = false;
  const now = nowMs(c);
  let force = false;
  let justid = false;
  let retrycount = -1;
  let deliverytime = -1;
  let lastId = 0n;
  for (; j < args.length; j++) {
    const moreargs = args.length - 1 - j;
    const opt = args[j] as string;
    if (is(opt, 'FORCE')) force = true;
    else if (is(opt, 'JUSTID')) justid = true;
    else if (is(opt, 'IDLE') && moreargs) {
      deliverytime = now - intArg(args[++j] as string, 'ERR Invalid IDLE option argument for XCLAIM');
    } else if (is(opt, 'TIME') && moreargs) {
      deliverytime = intArg(args[++j] as string, 'ERR Invalid TIME option argument for XCLAIM');
    } else if (is(opt, 'RETRYCOUNT') && moreargs) {
      retrycount = intArg(args[++j] as string, 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
    } else if (is(opt, 'LASTID') && moreargs) {
      lastId = idArg(args[++j] as string);
    } else {
      throw new RedisError(`ERR Unrecognized XCLAIM option '${opt}'`);
    }
  }
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  // A bogus delivery time (negative or in the future) becomes now.
  if (deliverytime === -1 || deliverytime < 0 || deliverytime > now) deliverytime = now;
  let cons: StreamConsumer | undefined;
  const out: string[] = [];
  for (const [idx, id] of ids.entries()) {
    let nack = g.pel.get(id);
    const entry = s.get(id);
    const idArgText = args[5 + idx] as string;
    if (!entry) {
      // The entry is gone from the stream: drop it from the PEL too.
      if (nack) {
        prop.also(c.db.index, xclaimArgv(key, args[2] as string, nack, idArgText, g));
        propagateLastId = false;
        g.pel.delete(id);
        nack.consumer?.pel.delete(id);
      }
      continue;
    }
    if (force && !nack) {
      nack = new StreamNack(now, 1, undefined);
      g.pel.set(id, nack);
    }
    if (!nack) continue;
    if (nack.consumer && minidle && now - nack.deliveryTime < minidle) continue;
    if (!cons) cons = consumerFor(c, g, args[3] as string, key);
    nack.deliveryTime = deliverytime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    transfer(nack, id, cons);
    out.push(
      c.reply.capture(() => {
        if (justid) replyId(c, id);
        else replyEntry(c, entry);
      }),
    );
    prop.also(c.db.index, xclaimArgv(key, args[2] as string, nack, idArgText, g));
    propagateLastId = false;
  }
  if (propagateLastId) {
    prop.also(c.db.index, ['XGROUP', 'SETID', key, args[2] as string, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
  }
  c.reply.arrayLen(out.length);
  for (const o of out) c.reply.raw(o);
}

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
function xautoclaim(c: Client, args: string[]): void {
  let minidle = intArg(args[4] as string, 'ERR Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle < 0) minidle = 0;
  const start = intervalArg(args[5] as string, true);
  let count = 100;
  let justid = false;
  for (let j = 6; j < args.length; j++) {
    const moreargs = args.length - 1 - j;
    if (is(args[j], 'COUNT') && moreargs) {
      const v = parseInt64(args[j + 1] as string);
      // 1 .. LONG_MAX / max(sizeof(streamID), attempts factor 10)
      if (v === null || v < 1n || v > 576460752303423487n) throw new RedisError('ERR COUNT must be > 0');
      count = Number(v);
      j++;
    } else if (is(args[j], 'JUSTID')) justid = true;
    else throw new RedisError('ERR syntax error');
  }
  const key = args[1] as string;
  const found = groupOf(c, key, args[2] as string);
  if (!found) throw noGroup(key, args[2] as string);
  const { s, g } = found;
  // Replicated by effects (an XCLAIM per entry claimed or dropped), never as XAUTOCLAIM.
  c.node.propagation.prevent();
  let attempts = count * 10;
  const now = nowMs(c);
  let cons: StreamConsumer | undefined;
  const claimed: string[] = [];
  const deleted: StreamId[] = [];
  let node = g.pel.seek(start);
  // Redis's loop: `while (attempts-- && count && raxNext(&ri))`; afterwards one more raxNext
  // gives the cursor for the next call (0-0 at the end of the PEL).
  while (attempts-- > 0 && count > 0 && node !== undefined) {
    const cur = node;
    const id = cur.id;
    const nack = cur.value;
    node = cur.next[0];
    const entry = s.get(id);
    if (!entry) {
      c.node.propagation.also(c.db.index, xclaimArgv(key, args[2] as string, nack, formatId(id), g));
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      deleted.push(id);
      count--;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (!cons) cons = consumerFor(c, g, args[3] as string, key);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    transfer(nack, id, cons);
    claimed.push(
      c.reply.capture(() => {
        if (justid) replyId(c, id);
        else replyEntry(c, entry);
      }),
    );
    c.node.propagation.also(c.db.index, xclaimArgv(key, args[2] as string, nack, formatId(id), g));
    count--;
  }
  const r = c.reply;
  r.arrayLen(3);
  replyId(c, node ? node.id : 0n);
  r.arrayLen(claimed.length);
  for (const x of claimed) r.raw(x);
  r.arrayLen(deleted.length);
  for (const id of deleted) replyId(c, id);
}

const keyBase = { group: 'stream', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const sub = { group: 'stream', since: '5.0.0', firstKey: 2, lastKey: 2, keyStep: 1 } as const;

export const streamGroupCommands: CommandSpec[] = [
  {
    name: 'xgroup',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'stream',
    since: '5.0.0',
    // In the order Redis 7.0.15 lists them (COMMAND INFO/DOCS).
    subcommands: [
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['stream', 'slow'],
        group: 'stream',
        since: '5.0.0',
        handler: (c, a) => replyHelp(c, a[0] as string, XGROUP_HELP),
      },
      { ...sub, name: 'delconsumer', arity: 5, flags: ['write'], acl: ['write', 'stream', 'slow'], handler: xgroupDelConsumer },
      { ...sub, name: 'setid', arity: -5, flags: ['write'], acl: ['write', 'stream', 'slow'], handler: xgroupSetid },
      {
        ...sub,
        name: 'createconsumer',
        arity: 5,
        flags: ['write', 'denyoom'],
        acl: ['write', 'stream', 'slow'],
        since: '6.2.0',
        handler: xgroupCreateConsumer,
      },
      { ...sub, name: 'create', arity: -5, flags: ['write', 'denyoom'], acl: ['write', 'stream', 'slow'], handler: xgroupCreate },
      { ...sub, name: 'destroy', arity: 4, flags: ['write'], acl: ['write', 'stream', 'slow'], handler: xgroupDestroy },
    ],
  },
  { ...keyBase, name: 'xack', arity: -4, flags: ['write', 'fast'], acl: ['write', 'stream', 'fast'], since: '5.0.0', handler: xack },
  {
    ...keyBase,
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    since: '5.0.0',
    tips: ['nondeterministic_output'],
    handler: xpending,
  },
  {
    ...keyBase,
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    since: '5.0.0',
    tips: ['nondeterministic_output'],
    handler: xclaim,
  },
  {
    ...keyBase,
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    since: '6.2.0',
    tips: ['nondeterministic_output'],
    handler: xautoclaim,
  },
];
