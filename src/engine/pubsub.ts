/**
 * The pub/sub registry of a node, as Redis 7.0's pubsub.c: who listens on which channel, pattern
 * and shard channel, and delivery of messages.
 *
 * - Channels and shard channels map to their subscribers in subscription order (Redis keeps a
 *   list per channel and appends); a message goes to them in that order.
 * - Patterns (glob, matched as KEYS does) are tried after the exact channel, each pattern's
 *   subscribers in subscription order. A client subscribed to a channel and to a pattern matching
 *   it gets the message twice ("message" and "pmessage"), and PUBLISH counts both.
 * - Shard channels (SSUBSCRIBE/SPUBLISH) are a separate namespace and ignore patterns.
 * - Frames: RESP2 clients get arrays, RESP3 clients push frames (`>`). Each frame is written to the
 *   receiver's reply buffer and flushed at once unless the receiver is the client whose command is
 *   running (its output goes out at the end of its read cycle, after its earlier replies), so the
 *   order of messages per publisher is the order of PUBLISH calls.
 *
 * The client side of the bookkeeping is Client.channels / patterns / shardChannels.
 */
import type { Client } from './client.js';
import { globMatch } from './glob.js';

/** The two channel namespaces: global (SUBSCRIBE/PUBLISH) and shard (SSUBSCRIBE/SPUBLISH). */
export type ChannelKind = 'global' | 'shard';

/** Writes a pub/sub frame header: an array in RESP2, a push frame in RESP3. */
function frame(c: Client, n: number): void {
  c.reply.pushLen(n);
}

const KEPT = 'pubsub.kept';

/**
 * Pub/sub frames are sent even under CLIENT REPLY OFF|SKIP (Redis's CLIENT_PUSHING). The
 * dispatcher drops a silenced command's output, so a frame written to a silenced client (from
 * `start` in its buffer to the end) is remembered here and put back by takeKeptPushes.
 */
function keepIfSilenced(c: Client, start: number): void {
  if (c.replyMode === 'on') return;
  let kept = c.ext.get(KEPT) as string[] | undefined;
  if (!kept) {
    kept = [];
    c.ext.set(KEPT, kept);
  }
  kept.push(c.reply.since(start));
}

/** The pub/sub frames written to a silenced client since the last call (see keepIfSilenced). */
export function takeKeptPushes(c: Client): string {
  const kept = c.ext.get(KEPT) as string[] | undefined;
  if (!kept) return '';
  c.ext.delete(KEPT);
  return kept.join('');
}

/** [subscribe|ssubscribe|psubscribe, name, count] confirmation. */
export function replySubscribed(c: Client, kind: 'subscribe' | 'ssubscribe' | 'psubscribe', name: string, count: number): void {
  const start = c.reply.length;
  frame(c, 3);
  c.reply.bulk(kind);
  c.reply.bulk(name);
  c.reply.int(count);
  keepIfSilenced(c, start);
}

/**
 * [unsubscribe|sunsubscribe|punsubscribe, name, count] confirmation; `name` null when a mass
 * unsubscribe found nothing to remove (a null bulk in RESP2, `_` in RESP3).
 */
export function replyUnsubscribed(
  c: Client,
  kind: 'unsubscribe' | 'sunsubscribe' | 'punsubscribe',
  name: string | null,
  count: number,
): void {
  const start = c.reply.length;
  frame(c, 3);
  c.reply.bulk(kind);
  c.reply.bulkOrNil(name);
  c.reply.int(count);
  keepIfSilenced(c, start);
}

/** Number of channels plus patterns (what SUBSCRIBE/PSUBSCRIBE and their opposites report). */
export function globalCount(c: Client): number {
  return c.channels.size + c.patterns.size;
}

/** Number of shard channels (what SSUBSCRIBE/SUNSUBSCRIBE report). */
export function shardCount(c: Client): number {
  return c.shardChannels.size;
}

export class PubSub {
  /** channel → subscribers, in subscription order. */
  readonly channels = new Map<string, Set<Client>>();
  /** pattern → subscribers, in subscription order. */
  readonly patterns = new Map<string, Set<Client>>();
  /** shard channel → subscribers, in subscription order. */
  readonly shardChannels = new Map<string, Set<Client>>();

  private table(kind: ChannelKind): Map<string, Set<Client>> {
    return kind === 'global' ? this.channels : this.shardChannels;
  }

  private own(c: Client, kind: ChannelKind): Set<string> {
    return kind === 'global' ? c.channels : c.shardChannels;
  }

  /** Subscribes `c` to a channel; false if it already was. */
  subscribe(c: Client, channel: string, kind: ChannelKind = 'global'): boolean {
    const mine = this.own(c, kind);
    if (mine.has(channel)) return false;
    mine.add(channel);
    const table = this.table(kind);
    let subs = table.get(channel);
    if (!subs) {
      subs = new Set();
      table.set(channel, subs);
    }
    subs.add(c);
    return true;
  }

  /** Unsubscribes `c` from a channel; false if it was not subscribed. */
  unsubscribe(c: Client, channel: string, kind: ChannelKind = 'global'): boolean {
    const mine = this.own(c, kind);
    if (!mine.delete(channel)) return false;
    const table = this.table(kind);
    const subs = table.get(channel);
    if (subs) {
      subs.delete(c);
      // Like Redis, forget a channel with no subscribers (PUBSUB CHANNELS no longer lists it).
      if (subs.size === 0) table.delete(channel);
    }
    return true;
  }

  /** Subscribes `c` to a pattern; false if it already was. */
  psubscribe(c: Client, pattern: string): boolean {
    if (c.patterns.has(pattern)) return false;
    c.patterns.add(pattern);
    let subs = this.patterns.get(pattern);
    if (!subs) {
      subs = new Set();
      this.patterns.set(pattern, subs);
    }
    subs.add(c);
    return true;
  }

  /** Unsubscribes `c` from a pattern; false if it was not subscribed. */
  punsubscribe(c: Client, pattern: string): boolean {
    if (!c.patterns.delete(pattern)) return false;
    const subs = this.patterns.get(pattern);
    if (subs) {
      subs.delete(c);
      if (subs.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /**
   * Publishes `message` on `channel` (PUBLISH, keyspace notifications): exact subscribers first,
   * then every matching pattern's subscribers. Returns the number of deliveries.
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        const start = c.reply.length;
        frame(c, 3);
        c.reply.raw('$7\r\nmessage\r\n');
        c.reply.bulk(channel);
        c.reply.bulk(message);
        keepIfSilenced(c, start);
        c.flush();
        receivers++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) {
          const start = c.reply.length;
          frame(c, 4);
          c.reply.raw('$8\r\npmessage\r\n');
          c.reply.bulk(pattern);
          c.reply.bulk(channel);
          c.reply.bulk(message);
          keepIfSilenced(c, start);
          c.flush();
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** Publishes on a shard channel (SPUBLISH): patterns are not consulted. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const c of subs) {
      const start = c.reply.length;
      frame(c, 3);
      c.reply.raw('$8\r\nsmessage\r\n');
      c.reply.bulk(channel);
      c.reply.bulk(message);
      keepIfSilenced(c, start);
      c.flush();
    }
    return subs.size;
  }

  /** Number of subscribers of a channel (PUBSUB NUMSUB / SHARDNUMSUB), patterns excluded. */
  numsub(channel: string, kind: ChannelKind = 'global'): number {
    return this.table(kind).get(channel)?.size ?? 0;
  }

  /** Drops every subscription of a client with no confirmation frames (disconnect, RESET). */
  unsubscribeAll(c: Client): void {
    for (const ch of [...c.channels]) this.unsubscribe(c, ch, 'global');
    for (const ch of [...c.shardChannels]) this.unsubscribe(c, ch, 'shard');
    for (const p of [...c.patterns]) this.punsubscribe(c, p);
  }
}
