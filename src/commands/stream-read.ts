/**
 * XREAD and XREADGROUP, with BLOCK, as Redis 7.0's xreadCommand and blocked.c's
 * serveClientsBlockedOnStreamKey.
 *
 * Blocking: a reader that finds nothing blocks on its keys with `$` rewritten to the stream's
 * last ID at that moment. The engine re-runs the command whenever one of its keys is modified,
 * but Redis serves a blocked reader only when the key is "signalled as ready": XADD, XGROUP
 * DESTROY, or the key being created, overwritten or deleted. So the blocked client remembers,
 * per key, the value object and that stream's `readyVersion`; a re-run considers only keys where
 * one of them changed, and then does what Redis does for that key:
 * - XREAD: serve (count defaults to 1000) if the stream's last-generated ID is above the ID it
 *   waits after; otherwise stay blocked. A key that is not a stream keeps it blocked.
 * - XREADGROUP: the key is gone (or is not a stream) → "-UNBLOCKED the stream key no longer
 *   exists"; the group is gone → "-NOGROUP the consumer group this client was blocked on no
 *   longer exists"; otherwise serve new entries if the stream's last ID is above the group's
 *   last-delivered ID. The consumer is created only when it is served.
 * The engine re-runs the reader once per ready key, in the order the keys were signalled, with
 * `client.readyKey` set: like Redis, only that key is looked at.
 */
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import type { RedisObject } from '../engine/values.js';
import { parseInteger } from '../protocol/numbers.js';
import type { ConsumerGroup, Stream, StreamConsumer, StreamEntry } from '../types/stream.js';
import { StreamNack } from '../types/stream.js';
import { formatId, MAX_ID, type StreamId } from '../types/stream-id.js';
import { idArg, nowMs, replyEntry, xclaimArgv } from './stream-common.js';
import { consumerFor } from './stream-groups.js';

/** Default COUNT for a blocked reader that gave none (XREAD_BLOCKED_DEFAULT_COUNT). */
const BLOCKED_DEFAULT_COUNT = 1000;
const EXT_KEY = 'stream-block';

interface KeyState {
  obj: RedisObject | undefined;
  version: number;
}

/** What a blocked reader saw of each key when it blocked (or last re-checked). */
type BlockState = Map<string, KeyState>;

function keyState(c: Client, key: string): KeyState {
  const obj = c.db.lookup(key);
  return { obj, version: obj?.is('stream') ? obj.value.readyVersion : 0 };
}

/** Runs `fn` with the reply buffer captured, and returns what it wrote. */
function capture(c: Client, fn: () => void): string {
  return c.reply.capture(fn);
}

interface ReadArgs {
  group: string | undefined;
  consumer: string;
  noack: boolean;
  count: number;
  /** Milliseconds, -1 without BLOCK. */
  timeout: number;
  streamsArg: number;
  nkeys: number;
}

/**
 * A script's calls run on a transport-less client that never blocks (the in-process API's client
 * has a transport-less client too, but it may block).
 */
function inScript(c: Client): boolean {
  return c.noBlock && c.transport === undefined;
}

function parseRead(c: Client, args: string[], xreadgroup: boolean): ReadArgs {
  const r: ReadArgs = { group: undefined, consumer: '', noack: false, count: 0, timeout: -1, streamsArg: 0, nkeys: 0 };
  for (let i = 1; i < args.length; i++) {
    const moreargs = args.length - i - 1;
    const o = args[i] as string;
    if (is(o, 'BLOCK') && moreargs) {
      // Redis rejects BLOCK in scripts (MULTI just answers as on a timeout).
      if (inScript(c)) throw new RedisError(`ERR ${args[0]} command is not allowed with BLOCK option from scripts`);
      i++;
      const t = parseInteger(args[i] as string);
      if (t === null) throw new RedisError('ERR timeout is not an integer or out of range');
      if (t < 0) throw new RedisError('ERR timeout is negative');
      r.timeout = t;
    } else if (is(o, 'COUNT') && moreargs) {
      i++;
      r.count = intArg(args[i] as string);
      if (r.count < 0) r.count = 0;
    } else if (is(o, 'STREAMS') && moreargs) {
      r.streamsArg = i + 1;
      const n = args.length - r.streamsArg;
      if (n % 2 !== 0) {
        throw new RedisError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      r.nkeys = n / 2;
      break;
    } else if (is(o, 'GROUP') && moreargs >= 2) {
      if (!xreadgroup) throw new RedisError('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      r.group = args[i + 1];
      r.consumer = args[i + 2] as string;
      i += 2;
    } else if (is(o, 'NOACK')) {
      if (!xreadgroup) throw new RedisError('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      r.noack = true;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  if (r.streamsArg === 0) throw new RedisError(SYNTAX);
  if (xreadgroup && r.group === undefined) throw new RedisError('ERR Missing GROUP option for XREADGROUP');
  return r;
}

/**
 * Emits entries after `gt` to a group reader: advances the group, creates or reassigns PEL
 * entries (unless NOACK), as streamReplyWithRange with a group.
 */
function serveGroupNew(
  c: Client,
  s: Stream,
  g: ConsumerGroup,
  cons: StreamConsumer,
  gt: StreamId,
  count: number,
  noack: boolean,
  key: string,
  group: string,
): void {
  const entries = gt === MAX_ID ? [] : s.range(gt + 1n, MAX_ID, count, false);
  const now = nowMs(c);
  c.reply.arrayLen(entries.length);
  const prop = c.node.propagation;
  let advanced = false;
  for (const e of entries) {
    if (e.id > g.lastId) advanced = true;
    s.advanceGroup(g, e.id);
    replyEntry(c, e);
    if (noack) continue;
    const nack = g.pel.get(e.id);
    if (!nack) {
      const n = new StreamNack(now, 1, cons);
      g.pel.set(e.id, n);
      cons.pel.set(e.id, n);
    } else {
      // Already pending (XGROUP SETID moved the group back): the reader becomes the owner.
      nack.consumer?.pel.delete(e.id);
      nack.consumer = cons;
      nack.deliveryTime = now;
      nack.deliveryCount = 1;
      cons.pel.set(e.id, nack);
    }
    // Replicated as effects: an XCLAIM per entry delivered (with the group's last ID as of this
    // entry), never as XREADGROUP itself.
    if (prop.active) prop.also(c.db.index, xclaimArgv(key, group, g.pel.get(e.id) as StreamNack, e.idText, g));
  }
  // With NOACK there is no XCLAIM to carry the last ID: XGROUP SETID ... ENTRIESREAD.
  if (noack && advanced && prop.active) {
    prop.also(c.db.index, ['XGROUP', 'SETID', key, group, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
  }
}

/** The reading consumer, created if new; with NOACK its creation is replicated (XGROUP CREATECONSUMER). */
function readerConsumer(c: Client, g: ConsumerGroup, name: string, key: string, group: string, noack: boolean): StreamConsumer {
  const existed = g.consumers.has(name);
  const cons = consumerFor(c, g, name, key);
  if (!existed && noack) c.node.propagation.also(c.db.index, ['XGROUP', 'CREATECONSUMER', key, group, name]);
  return cons;
}

/** A consumer's own history after `gt` (streamReplyWithRangeFromConsumerPEL). */
function serveHistory(c: Client, s: Stream, cons: StreamConsumer, gt: StreamId, count: number): void {
  const now = nowMs(c);
  const out: string[] = [];
  if (gt !== MAX_ID) {
    for (const n of cons.pel.entries(gt + 1n)) {
      if (count && out.length >= count) break;
      const e = s.get(n.id);
      out.push(
        capture(c, () => {
          if (e) {
            replyEntry(c, e);
            n.value.deliveryTime = now;
            n.value.deliveryCount++;
          } else {
            // Pending but deleted from the stream: the ID with a null entry.
            const id = formatId(n.id);
            c.reply.raw(`*2\r\n$${id.length}\r\n${id}\r\n`);
            c.reply.nilArray();
          }
        }),
      );
    }
  }
  c.reply.arrayLen(out.length);
  for (const x of out) c.reply.raw(x);
}

function xreadGeneric(c: Client, args: string[], xreadgroup: boolean): void {
  // XREADGROUP is replicated by its effects (serveGroupNew), never as itself.
  c.node.propagation.prevent();
  if (c.retrying) {
    retryBlocked(c, args, xreadgroup);
    return;
  }
  const p = parseRead(c, args, xreadgroup);
  const keys = args.slice(p.streamsArg, p.streamsArg + p.nkeys);
  const ids: StreamId[] = [];
  const groups: (ConsumerGroup | undefined)[] = [];
  for (let i = 0; i < p.nkeys; i++) {
    const key = keys[i] as string;
    const o = c.db.get(key, 'stream');
    let g: ConsumerGroup | undefined;
    if (p.group !== undefined) {
      g = o?.value.groups.get(p.group);
      if (!g) throw new RedisError(`NOGROUP No such key '${key}' or consumer group '${p.group}' in XREADGROUP with GROUP option`);
    }
    groups.push(g);
    const idText = args[p.streamsArg + p.nkeys + i] as string;
    if (idText === '$') {
      if (xreadgroup) {
        throw new RedisError(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      ids.push(o ? o.value.lastId : 0n);
    } else if (idText === '>') {
      if (!xreadgroup) {
        throw new RedisError('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      }
      ids.push(MAX_ID);
    } else {
      ids.push(idArg(idText));
    }
  }

  // Serve synchronously what can be served. Redis looks every key up again here with
  // lookupKeyRead: a second access, counted in keyspace hits/misses (and "keymiss") again.
  const parts: string[] = [];
  for (let i = 0; i < p.nkeys; i++) {
    const key = keys[i] as string;
    const o = c.db.lookupTouch(key);
    if (!o?.is('stream')) continue;
    const s = o.value;
    let gt = ids[i] as StreamId;
    const g = groups[i];
    let serve = false;
    let history = false;
    if (g) {
      if (gt !== MAX_ID) {
        serve = true;
        history = true;
      } else if (s.length && (s.lastEntry() as StreamEntry).id > g.lastId) {
        serve = true;
        gt = g.lastId;
      }
    } else if (s.length && (s.lastEntry() as StreamEntry).id > gt) {
      serve = true;
    }
    if (!serve) continue;
    parts.push(
      capture(c, () => {
        if (c.resp === 2) c.reply.arrayLen(2);
        c.reply.bulk(key);
        if (g) {
          const cons = readerConsumer(c, g, p.consumer, key, p.group as string, p.noack);
          if (history) serveHistory(c, s, cons, gt, p.count);
          else serveGroupNew(c, s, g, cons, gt, p.count, p.noack, key, p.group as string);
        } else {
          const entries = s.range(gt + 1n, MAX_ID, p.count, false);
          c.reply.arrayLen(entries.length);
          for (const e of entries) replyEntry(c, e);
        }
      }),
    );
  }
  if (parts.length > 0) {
    if (c.resp === 2) c.reply.arrayLen(parts.length);
    else c.reply.mapLen(parts.length);
    for (const x of parts) c.reply.raw(x);
    return;
  }
  if (p.timeout === -1) {
    c.reply.nilArray();
    return;
  }
  // Block: `$` becomes the concrete last ID, so a re-run waits after the same ID.
  const blockArgs = args.slice();
  for (let i = 0; i < p.nkeys; i++) {
    const at = p.streamsArg + p.nkeys + i;
    if (blockArgs[at] === '$') blockArgs[at] = formatId(ids[i] as StreamId);
  }
  const state: BlockState = new Map();
  for (const k of keys) state.set(k, keyState(c, k));
  c.ext.set(EXT_KEY, state);
  c.block({
    keys: [...new Set(keys)],
    timeoutAt: p.timeout > 0 ? c.node.clock.now() + p.timeout : 0,
    onTimeout: (cl) => cl.reply.nilArray(),
    args: blockArgs,
  });
}

/** A blocked reader re-run because one of its keys was modified (see the file comment). */
function retryBlocked(c: Client, args: string[], xreadgroup: boolean): void {
  const p = parseRead(c, args, xreadgroup);
  const keys = args.slice(p.streamsArg, p.streamsArg + p.nkeys);
  let state = c.ext.get(EXT_KEY) as BlockState | undefined;
  if (!state) {
    state = new Map();
    c.ext.set(EXT_KEY, state);
  }
  const count = p.count || BLOCKED_DEFAULT_COUNT;
  // Redis serves a waiter from the key whose readiness woke it, and looks at no other key.
  const at = c.readyKey === undefined ? -1 : keys.indexOf(c.readyKey);
  const order = at >= 0 ? [at] : keys.map((_, i) => i);
  for (const i of order) {
    const key = keys[i] as string;
    const before = state.get(key);
    const now = keyState(c, key);
    if (before && before.obj === now.obj && before.version === now.version) continue;
    state.set(key, now);
    const o = now.obj;
    if (!o?.is('stream')) {
      if (xreadgroup) {
        c.reply.error('UNBLOCKED the stream key no longer exists');
        c.ext.delete(EXT_KEY);
        return;
      }
      continue;
    }
    const s = o.value;
    let g: ConsumerGroup | undefined;
    let gt: StreamId;
    if (xreadgroup) {
      g = s.groups.get(p.group as string);
      if (!g) {
        c.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
        c.ext.delete(EXT_KEY);
        return;
      }
      gt = g.lastId;
    } else {
      gt = idArg(args[p.streamsArg + p.nkeys + i] as string);
    }
    if (s.lastId <= gt) continue;
    if (c.resp === 2) {
      c.reply.arrayLen(1);
      c.reply.arrayLen(2);
    } else c.reply.mapLen(1);
    c.reply.bulk(key);
    if (g) {
      const cons = readerConsumer(c, g, p.consumer, key, p.group as string, p.noack);
      serveGroupNew(c, s, g, cons, gt, count, p.noack, key, p.group as string);
    } else {
      const entries = s.range(gt + 1n, MAX_ID, count, false);
      c.reply.arrayLen(entries.length);
      for (const e of entries) replyEntry(c, e);
    }
    c.ext.delete(EXT_KEY);
    return;
  }
  // Nothing to serve: stay blocked (the engine keeps the original request).
  c.block({ keys, timeoutAt: 0, onTimeout: (cl) => cl.reply.nilArray() });
}

/** Keys of XREAD/XREADGROUP: the first half of the arguments after STREAMS. */
function streamKeys(from: number): (args: string[]) => number[] {
  return (args) => {
    for (let i = from; i < args.length; i++) {
      if (is(args[i], 'STREAMS')) {
        const n = Math.floor((args.length - i - 1) / 2);
        return Array.from({ length: n }, (_, k) => i + 1 + k);
      }
    }
    return [];
  };
}

export const streamReadCommands: CommandSpec[] = [
  {
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking', 'movablekeys'],
    acl: ['read', 'stream', 'slow', 'blocking'],
    group: 'stream',
    since: '5.0.0',
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    getKeys: streamKeys(1),
    handler: (c, a) => xreadGeneric(c, a, false),
  },
  {
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking', 'movablekeys'],
    acl: ['write', 'stream', 'slow', 'blocking'],
    group: 'stream',
    since: '5.0.0',
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    getKeys: streamKeys(4),
    handler: (c, a) => xreadGeneric(c, a, true),
  },
];
