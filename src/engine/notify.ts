/**
 * Keyspace notifications, as Redis 7.0's notify.c.
 *
 * `notify-keyspace-events` holds class letters. K and E choose the channels, the others the
 * events; nothing is published unless at least one of K/E and the event's class are both set:
 *
 *   K  __keyspace@<db>__:<key>   with the event name as message
 *   E  __keyevent@<db>__:<event> with the key as message
 *   g generic (del, expire, rename_from/rename_to, ...)   $ string   l list   s set   h hash
 *   z sorted set   x expired   e evicted   t stream   m key miss   d module   n new key
 *   A  alias for "g$lshzxetd" (m and n are excluded on purpose, as in Redis)
 *
 * The keyspace message goes first, then the keyevent one, each through the node's pub/sub, so
 * pattern subscribers (`PSUBSCRIBE __key*__:*`) get them too.
 *
 * Emitted by this server: every class the command families emit (g $ l s h z t), x when a key's
 * deadline passes on the node clock (lazy and active expiry alike, once per key), n from dbAdd
 * (Database.add), and m ("keymiss") for the lookups that count as keyspace misses (value reads by
 * commands without the write flag), e ("evicted") for keys evicted under maxmemory (eviction.ts).
 * Never emitted: d (no modules).
 */
import type { RedisNode } from './node.js';

/** Notification classes, as the letters of notify-keyspace-events. */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

const NOTIFY_KEYSPACE = 1 << 0; // K
const NOTIFY_KEYEVENT = 1 << 1; // E
const NOTIFY_GENERIC = 1 << 2; // g
const NOTIFY_STRING = 1 << 3; // $
const NOTIFY_LIST = 1 << 4; // l
const NOTIFY_SET = 1 << 5; // s
const NOTIFY_HASH = 1 << 6; // h
const NOTIFY_ZSET = 1 << 7; // z
const NOTIFY_EXPIRED = 1 << 8; // x
const NOTIFY_EVICTED = 1 << 9; // e
const NOTIFY_STREAM = 1 << 10; // t
const NOTIFY_KEY_MISS = 1 << 11; // m
const NOTIFY_MODULE = 1 << 13; // d
const NOTIFY_NEW = 1 << 14; // n

/** "A": every event class except key-miss (m) and new-key (n), as Redis's NOTIFY_ALL. */
export const NOTIFY_ALL =
  NOTIFY_GENERIC |
  NOTIFY_STRING |
  NOTIFY_LIST |
  NOTIFY_SET |
  NOTIFY_HASH |
  NOTIFY_ZSET |
  NOTIFY_EXPIRED |
  NOTIFY_EVICTED |
  NOTIFY_STREAM |
  NOTIFY_MODULE;

/** The bit of each letter (Redis's NOTIFY_* values). */
export const NOTIFY_BITS: Readonly<Record<string, number>> = {
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/**
 * Parses class letters into flags as keyspaceEventsStringToFlags: any order, repeats allowed,
 * 'A' adds NOTIFY_ALL; -1 when a character is not a class.
 */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const ch of classes) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else {
      const bit = NOTIFY_BITS[ch];
      if (bit === undefined) return -1;
      flags |= bit;
    }
  }
  return flags;
}

/**
 * Flags back to letters as keyspaceEventsFlagsToString (what CONFIG GET shows): "A" when every
 * class of NOTIFY_ALL is set (then a set 'n' is not shown, exactly as Redis), else the classes in
 * the order g$lshzxetdn; then K, E and m.
 */
export function keyspaceEventsFlagsToString(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = 'A';
  else for (const ch of 'g$lshzxetdn') if (flags & (NOTIFY_BITS[ch] as number)) out += ch;
  for (const ch of 'KEm') if (flags & (NOTIFY_BITS[ch] as number)) out += ch;
  return out;
}

/** Every class letter spelled out (no 'A'), in Redis's display order: a lossless stored form. */
export function keyspaceEventsFlagsToLetters(flags: number): string {
  let out = '';
  for (const ch of 'g$lshzxetdnKEm') if (flags & (NOTIFY_BITS[ch] as number)) out += ch;
  return out;
}

export class Notifier {
  /** Parsed notify-keyspace-events; re-read when CONFIG SET changes it. */
  private flags = 0;

  constructor(readonly node: RedisNode) {
    this.configure(node.config.get('notify-keyspace-events'));
    node.config.onChange('notify-keyspace-events', (v) => this.configure(v));
  }

  private configure(value: string): void {
    const f = keyspaceEventsStringToFlags(value);
    // CONFIG SET validates; an invalid value from a startup option disables notifications.
    this.flags = Math.max(f, 0);
  }

  /** Whether events of class `cls` are published at all (lets callers skip work). */
  enabled(cls: NotifyClass): boolean {
    return (this.flags & (NOTIFY_BITS[cls] as number)) !== 0 && (this.flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) !== 0;
  }

  /** Publishes a keyspace/keyevent notification for `key` in database `db` if enabled. */
  notify(db: number, cls: NotifyClass, event: string, key: string): void {
    const flags = this.flags;
    if ((flags & (NOTIFY_BITS[cls] as number)) === 0) return;
    const pubsub = this.node.pubsub;
    if (flags & NOTIFY_KEYSPACE) pubsub.publish(`__keyspace@${db}__:${key}`, event);
    if (flags & NOTIFY_KEYEVENT) pubsub.publish(`__keyevent@${db}__:${event}`, key);
  }
}
