/**
 * Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID XINFO, as Redis 7.0's
 * t_stream.c (consumer groups are in stream-groups.ts, XREAD/XREADGROUP in stream-read.ts).
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NO_SUCH_KEY, NOT_INTEGER, RedisError, SYNTAX, WRONG_ARITY } from '../engine/errors.js';
import { parseInt64 } from '../protocol/numbers.js';
import { INVALID_ENTRIES_READ, type Stream, type StreamEntry, type TrimStrategy } from '../types/stream.js';
import { formatId, idMs, idSeq, MAX_ID, makeId, parseStreamId, type StreamId, U64_MAX } from '../types/stream-id.js';
import {
  INVALID_ID,
  idArg,
  intervalArg,
  lookupStream,
  nowMs,
  replyEntries,
  replyEntry,
  replyHelp,
  replyId,
  streamForWrite,
  streamLimits,
  subcommandSyntaxError,
} from './stream-common.js';

interface AddTrimArgs {
  /** Position of the ID argument (XADD). */
  idPos: number;
  id: StreamId;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
  strategy: TrimStrategy | undefined;
  approx: boolean;
  limit: number;
  /** Index of the trimming threshold argument (the "~" is just before it when approx). */
  trimArgIdx: number;
}

/**
 * streamParseAddOrTrimArgsOrReply: [MAXLEN|MINID [=|~] threshold [LIMIT n]] [NOMKSTREAM] and,
 * for XADD, the ID ("*" ends the options at once). Errors in Redis's order.
 */
function parseAddTrim(c: Client, args: string[], xadd: boolean): AddTrimArgs {
  const r: AddTrimArgs = {
    idPos: 0,
    id: 0n,
    idGiven: false,
    seqGiven: true,
    noMkstream: false,
    strategy: undefined,
    approx: false,
    limit: 0,
    trimArgIdx: 0,
  };
  let limitGiven = false;
  let i = 2;
  for (; i < args.length; i++) {
    const moreargs = args.length - 1 - i;
    const opt = args[i] as string;
    if (xadd && opt === '*') break;
    if ((is(opt, 'MAXLEN') || is(opt, 'MINID')) && moreargs) {
      if (r.strategy) throw new RedisError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      r.approx = false;
      const next = args[i + 1] as string;
      if (moreargs >= 2 && next === '~') {
        r.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      const v = args[i + 1] as string;
      r.trimArgIdx = i + 1;
      if (is(opt, 'MAXLEN')) {
        const maxlen = intArg(v);
        if (maxlen < 0) throw new RedisError('ERR The MAXLEN argument must be >= 0.');
        r.strategy = { kind: 'maxlen', maxlen };
      } else {
        r.strategy = { kind: 'minid', minid: idArg(v) };
      }
      i++;
    } else if (is(opt, 'LIMIT') && moreargs) {
      r.limit = intArg(args[i + 1] as string);
      if (r.limit < 0) throw new RedisError('ERR The LIMIT argument must be >= 0.');
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, 'NOMKSTREAM')) {
      r.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, 0n, true, true);
      if (!p) throw new RedisError(INVALID_ID);
      r.id = p.id;
      r.seqGiven = p.seqGiven;
      r.idGiven = true;
      break;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  r.idPos = i;
  if (r.limit && !r.strategy) throw new RedisError('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && !r.strategy) throw new RedisError('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!r.approx) throw new RedisError('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else if (r.approx) {
    // Without LIMIT, approximate trimming does at most 100 nodes' worth of work.
    let limit = 100 * c.node.config.getInt('stream-node-max-entries');
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    r.limit = limit;
  } else {
    r.limit = 0;
  }
  return r;
}

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
function xadd(c: Client, args: string[]): void {
  const p = parseAddTrim(c, args, true);
  const fieldPos = p.idPos + 1;
  const nfields = args.length - fieldPos;
  if (nfields < 2 || nfields % 2 === 1) throw new RedisError(WRONG_ARITY('xadd'));
  // 0-0 is rejected before the key is created.
  if (p.idGiven && p.seqGiven && p.id === 0n) throw new RedisError('ERR The ID specified in XADD must be greater than 0-0');
  const key = args[1] as string;
  if (p.noMkstream && !lookupStream(c, key)) {
    c.reply.nil();
    return;
  }
  const s = streamForWrite(c, key);
  if (s.lastId === MAX_ID) throw new RedisError('ERR The stream has exhausted the last possible ID, unable to add more items');
  let id: StreamId;
  if (!p.idGiven) {
    // streamNextID: the clock's ms, or the last ID + 1 when the clock is not ahead of it
    // (so IDs stay monotonic when the clock goes backwards).
    const ms = BigInt(nowMs(c));
    id = ms > idMs(s.lastId) ? makeId(ms, 0n) : s.lastId + 1n;
  } else if (!p.seqGiven) {
    // <ms>-*: the next sequence of that ms, or 0 for a new ms.
    if (idMs(s.lastId) === idMs(p.id)) {
      if (idSeq(s.lastId) === U64_MAX) throw new RedisError('ERR Elements are too large to be stored');
      id = s.lastId + 1n;
    } else id = p.id;
  } else id = p.id;
  if (id <= s.lastId) throw new RedisError('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  const entry = s.append(id, args.slice(fieldPos), streamLimits(c));
  c.reply.bulk(entry.idText);
  s.readyVersion++;
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  // New entries: Redis's xaddCommand signals the stream ready for XREAD/XREADGROUP waiters.
  c.node.blocking.signalReady(c.db, key);
  c.node.notify(c.db, 't', 'xadd', key);
  if (p.strategy && s.trim(p.strategy, p.approx, p.limit)) c.node.notify(c.db, 't', 'xtrim', key);
  // Replicated with the ID generated (for * and ms-*), and an approximate trim as exact.
  const prop = c.node.propagation;
  if (prop.active) {
    const argv = p.approx ? rewriteTrim(args, p, s) : [...args];
    if (!p.idGiven || !p.seqGiven) argv[p.idPos] = entry.idText;
    prop.rewrite(argv);
  }
}

/**
 * streamRewriteApproxSpecifier + streamRewriteTrimArgument: MAXLEN|MINID ~ x is replicated as
 * MAXLEN = <length after trimming> or MINID = <first ID left>, so replicas trim the same entries.
 */
function rewriteTrim(args: string[], p: AddTrimArgs, s: Stream): string[] {
  const argv = [...args];
  argv[p.trimArgIdx - 1] = '=';
  if (p.strategy?.kind === 'maxlen') argv[p.trimArgIdx] = String(s.length);
  else argv[p.trimArgIdx] = formatId(s.firstEntry()?.id ?? 0n);
  return argv;
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
function xtrim(c: Client, args: string[]): void {
  const p = parseAddTrim(c, args, false);
  const key = args[1] as string;
  const o = lookupStream(c, key);
  if (!o) {
    c.reply.int(0);
    return;
  }
  const deleted = o.value.trim(p.strategy as TrimStrategy, p.approx, p.limit);
  if (p.approx) c.node.propagation.rewrite(rewriteTrim(args, p, o.value));
  if (deleted) {
    c.node.notify(c.db, 't', 'xtrim', key);
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += deleted;
  }
  c.reply.int(deleted);
}

/** XLEN key */
function xlen(c: Client, args: string[]): void {
  c.reply.int(lookupStream(c, args[1] as string)?.value.length ?? 0);
}

/** XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n] */
function xrangeGeneric(c: Client, args: string[], rev: boolean): void {
  const start = intervalArg((rev ? args[3] : args[2]) as string, true);
  const end = intervalArg((rev ? args[2] : args[3]) as string, false);
  let count = -1;
  for (let j = 4; j < args.length; j++) {
    if (is(args[j], 'COUNT') && j + 1 < args.length) {
      count = intArg(args[j + 1] as string);
      if (count < 0) count = 0;
      j++;
    } else throw new RedisError(SYNTAX);
  }
  const o = lookupStream(c, args[1] as string);
  if (!o) {
    c.reply.arrayLen(0);
    return;
  }
  if (count === 0) {
    c.reply.nilArray();
    return;
  }
  replyEntries(c, o.value.range(start, end, count === -1 ? 0 : count, rev));
}

/** XDEL key id [id ...] */
function xdel(c: Client, args: string[]): void {
  const key = args[1] as string;
  const o = lookupStream(c, key);
  if (!o) {
    c.reply.int(0);
    return;
  }
  const ids = args.slice(2).map((a) => idArg(a));
  const s = o.value;
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (!s.deleteEntry(id)) continue;
    if (id === s.firstId) firstEntry = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted) {
    if (s.length === 0) s.firstId = 0n;
    else if (firstEntry) s.firstId = (s.firstEntry() as StreamEntry).id;
    c.node.signalModifiedKey(c.db, key);
    c.node.stats.dirty += deleted;
    c.node.notify(c.db, 't', 'xdel', key);
  }
  c.reply.int(deleted);
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
function xsetid(c: Client, args: string[]): void {
  const id = idArg(args[2] as string);
  let entriesAdded = -1n;
  let maxXdel = 0n;
  for (let i = 3; i < args.length; i++) {
    const moreargs = args.length - 1 - i;
    if (is(args[i], 'ENTRIESADDED') && moreargs) {
      const v = parseInt64(args[i + 1] as string);
      if (v === null) throw new RedisError(NOT_INTEGER);
      if (v < 0n) throw new RedisError('ERR entries_added must be positive');
      entriesAdded = v;
      i++;
    } else if (is(args[i], 'MAXDELETEDID') && moreargs) {
      maxXdel = idArg(args[i + 1] as string);
      if (id < maxXdel) throw new RedisError('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      i++;
    } else throw new RedisError(SYNTAX);
  }
  const key = args[1] as string;
  const o = lookupStream(c, key);
  if (!o) throw new RedisError(NO_SUCH_KEY);
  const s = o.value;
  if (s.length > 0) {
    const maxid = (s.lastEntry() as StreamEntry).id;
    if (id < maxid) throw new RedisError('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
      throw new RedisError('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (maxXdel !== 0n) s.maxDeletedId = maxXdel;
  c.reply.ok();
  // Redis 7.0 neither signals the key (WATCH, blocked readers) nor anything else here.
  c.node.notify(c.db, 't', 'xsetid', key);
}

// ---- XINFO ------------------------------------------------------------------------------------

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

function infoStream(c: Client, key: string): Stream {
  const o = lookupStream(c, key);
  if (!o) throw new RedisError(NO_SUCH_KEY);
  return o.value;
}

function replyEntriesRead(c: Client, v: bigint): void {
  if (v !== INVALID_ENTRIES_READ) c.reply.int(v);
  else c.reply.nil();
}

function replyLag(c: Client, s: Stream, g: Parameters<Stream['lag']>[0]): void {
  const lag = s.lag(g);
  if (lag === undefined) c.reply.nil();
  else c.reply.int(lag);
}

/** XINFO STREAM key [FULL [COUNT count]] */
/** The first `count` items (all of them when `count` is 0), as XINFO STREAM FULL COUNT limits its PELs. */
function firstEntries<T>(items: Iterable<T>, count: number): T[] {
  const out: T[] = [];
  for (const it of items) {
    if (count && out.length >= count) break;
    out.push(it);
  }
  return out;
}

function xinfoStream(c: Client, args: string[]): void {
  const s = infoStream(c, args[2] as string);
  const optc = args.length - 3;
  let full = false;
  let count = 10;
  if (optc > 0) {
    if (optc !== 1 && optc !== 3) throw subcommandSyntaxError(args);
    if (!is(args[3], 'FULL')) throw subcommandSyntaxError(args);
    full = true;
    if (optc === 3) {
      if (!is(args[4], 'COUNT')) throw subcommandSyntaxError(args);
      count = intArg(args[5] as string);
      if (count < 0) count = 10;
    }
  }
  const r = c.reply;
  r.mapLen(full ? 9 : 10);
  r.bulk('length');
  r.int(s.length);
  r.bulk('radix-tree-keys');
  r.int(s.nodeCount);
  r.bulk('radix-tree-nodes');
  r.int(s.raxNodeCount());
  r.bulk('last-generated-id');
  replyId(c, s.lastId);
  r.bulk('max-deleted-entry-id');
  replyId(c, s.maxDeletedId);
  r.bulk('entries-added');
  r.int(BigInt.asIntN(64, s.entriesAdded));
  r.bulk('recorded-first-entry-id');
  replyId(c, s.firstId);
  if (!full) {
    r.bulk('groups');
    r.int(s.groups.size);
    r.bulk('first-entry');
    const first = s.firstEntry();
    if (first) replyEntry(c, first);
    else r.nil();
    r.bulk('last-entry');
    const last = s.lastEntry();
    if (last) replyEntry(c, last);
    else r.nil();
    return;
  }
  r.bulk('entries');
  replyEntries(c, s.range(0n, MAX_ID, count, false));
  r.bulk('groups');
  const groups = s.sortedGroups();
  r.arrayLen(groups.length);
  for (const [name, g] of groups) {
    r.mapLen(7);
    r.bulk('name');
    r.bulk(name);
    r.bulk('last-delivered-id');
    replyId(c, g.lastId);
    r.bulk('entries-read');
    replyEntriesRead(c, g.entriesRead);
    r.bulk('lag');
    replyLag(c, s, g);
    r.bulk('pel-count');
    r.int(g.pel.size);
    r.bulk('pending');
    const pel = firstEntries(g.pel.entries(), count);
    r.arrayLen(pel.length);
    for (const n of pel) {
      r.arrayLen(4);
      replyId(c, n.id);
      r.bulk(n.value.consumer?.name ?? '');
      r.int(n.value.deliveryTime);
      r.int(n.value.deliveryCount);
    }
    r.bulk('consumers');
    const consumers = g.sortedConsumers();
    r.arrayLen(consumers.length);
    for (const cons of consumers) {
      r.mapLen(4);
      r.bulk('name');
      r.bulk(cons.name);
      r.bulk('seen-time');
      r.int(cons.seenTime);
      r.bulk('pel-count');
      r.int(cons.pel.size);
      r.bulk('pending');
      const cpel = firstEntries(cons.pel.entries(), count);
      r.arrayLen(cpel.length);
      for (const n of cpel) {
        r.arrayLen(3);
        replyId(c, n.id);
        r.int(n.value.deliveryTime);
        r.int(n.value.deliveryCount);
      }
    }
  }
}

/** XINFO GROUPS key */
function xinfoGroups(c: Client, args: string[]): void {
  const s = infoStream(c, args[2] as string);
  const r = c.reply;
  const groups = s.sortedGroups();
  r.arrayLen(groups.length);
  for (const [name, g] of groups) {
    r.mapLen(6);
    r.bulk('name');
    r.bulk(name);
    r.bulk('consumers');
    r.int(g.consumers.size);
    r.bulk('pending');
    r.int(g.pel.size);
    r.bulk('last-delivered-id');
    replyId(c, g.lastId);
    r.bulk('entries-read');
    replyEntriesRead(c, g.entriesRead);
    r.bulk('lag');
    replyLag(c, s, g);
  }
}

/** XINFO CONSUMERS key group: name, pending, idle (now - seen-time) per consumer. */
function xinfoConsumers(c: Client, args: string[]): void {
  const key = args[2] as string;
  const s = infoStream(c, key);
  const g = s.groups.get(args[3] as string);
  if (!g) throw new RedisError(`NOGROUP No such consumer group '${args[3]}' for key name '${key}'`);
  const now = nowMs(c);
  const r = c.reply;
  const consumers = g.sortedConsumers();
  r.arrayLen(consumers.length);
  for (const cons of consumers) {
    r.mapLen(3);
    r.bulk('name');
    r.bulk(cons.name);
    r.bulk('pending');
    r.int(cons.pel.size);
    r.bulk('idle');
    r.int(Math.max(0, now - cons.seenTime));
  }
}

const base = { group: 'stream', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const infoBase = { group: 'stream', since: '5.0.0', firstKey: 2, lastKey: 2, keyStep: 1 } as const;

export const streamCommands: CommandSpec[] = [
  {
    ...base,
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'stream', 'fast'],
    since: '5.0.0',
    tips: ['nondeterministic_output'],
    handler: xadd,
  },
  { ...base, name: 'xlen', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'stream', 'fast'], since: '5.0.0', handler: xlen },
  {
    ...base,
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    since: '5.0.0',
    handler: (c, a) => xrangeGeneric(c, a, false),
  },
  {
    ...base,
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    since: '5.0.0',
    handler: (c, a) => xrangeGeneric(c, a, true),
  },
  { ...base, name: 'xdel', arity: -3, flags: ['write', 'fast'], acl: ['write', 'stream', 'fast'], since: '5.0.0', handler: xdel },
  {
    ...base,
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    acl: ['write', 'stream', 'slow'],
    since: '5.0.0',
    tips: ['nondeterministic_output'],
    handler: xtrim,
  },
  {
    ...base,
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'stream', 'fast'],
    since: '5.0.0',
    handler: xsetid,
  },
  {
    name: 'xinfo',
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
        handler: (c, a) => replyHelp(c, a[0] as string, XINFO_HELP),
      },
      { ...infoBase, name: 'groups', arity: 3, flags: ['readonly'], acl: ['read', 'stream', 'slow'], handler: xinfoGroups },
      {
        ...infoBase,
        name: 'consumers',
        arity: 4,
        flags: ['readonly'],
        acl: ['read', 'stream', 'slow'],
        tips: ['nondeterministic_output'],
        handler: xinfoConsumers,
      },
      { ...infoBase, name: 'stream', arity: -3, flags: ['readonly'], acl: ['read', 'stream', 'slow'], handler: xinfoStream },
    ],
  },
];
