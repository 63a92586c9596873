/**
 * Client-side caching (server-assisted), as Redis 7.0's tracking.c.
 *
 * - Default mode: after a read-only command the keys it named are remembered for the client
 *   (with OPTIN only after CLIENT CACHING YES, with OPTOUT unless CLIENT CACHING NO). The table is
 *   global over databases (key name → client ids). When a remembered key is modified, every
 *   client id in its entry gets one `invalidate [key]` message and the entry is dropped.
 * - BCAST mode: nothing is remembered; every modified key matching one of the prefixes (the
 *   empty prefix by default) is collected and, once the event loop turns (Redis's beforeSleep,
 *   here a microtask), each subscribed client gets one message per prefix with the keys in
 *   byte order (Redis's radix tree order).
 * - NOLOOP: no message about keys the client modified itself.
 * - Delivery: RESP3 clients get a push `>2 invalidate <keys>`. With REDIRECT the message goes to
 *   the target instead: a RESP3 target gets the push, a RESP2 target in pub/sub mode gets a
 *   `message` on `__redis__:invalidate`, any other RESP2 target nothing. When the target is gone
 *   a RESP3 tracking client gets `>2 tracking-redir-broken <id>` (every time), and the `R` flag.
 * - A message for the client whose command is running is queued and sent after its reply (and
 *   after the replies of a whole transaction).
 * - FLUSHDB / FLUSHALL send a null ("all keys") to every tracking client and clear the table.
 * - tracking-table-max-keys: above it, random keys are invalidated as if modified.
 * Ids in the table are removed lazily: a client that stopped tracking or disconnected is skipped.
 */
import type { Client } from './client.js';
import { type CommandSpec, keyPositions } from './command.js';
import type { RedisNode } from './node.js';

/** The tracking options of one client (Redis's CLIENT_TRACKING_* flags). */
export interface ClientTracking {
  /** Client id the messages go to, 0 for none. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING given for the next command (yes under OPTIN, no under OPTOUT). */
  caching: boolean;
  brokenRedirect: boolean;
  /** BCAST prefixes, kept sorted (Redis lists them in radix order). */
  prefixes: string[];
  /** Messages about keys this client's running command modified, sent after its reply. */
  pending: (string | null)[];
}

interface BcastState {
  /** Keys modified since the last broadcast → the client that modified it last. */
  keys: Map<string, Client | undefined>;
  clients: Set<Client>;
}

const CHANNEL = '__redis__:invalidate';

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Tracking {
  /** Number of clients with tracking on: the hot paths test this alone. */
  clients = 0;
  /** key → ids of the clients that may cache it. */
  readonly table = new Map<string, Set<number>>();
  totalItems = 0;
  readonly prefixes = new Map<string, BcastState>();
  /** Clients with queued messages (see ClientTracking.pending). */
  private readonly pendingClients = new Set<Client>();
  private broadcastScheduled = false;

  constructor(private readonly node: RedisNode) {}

  enable(
    c: Client,
    redirect: number,
    opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean },
    prefixes: string[],
  ): void {
    let st = c.tracking;
    if (!st) {
      this.clients++;
      st = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: false,
        brokenRedirect: false,
        prefixes: [],
        pending: [],
      };
      c.tracking = st;
    }
    st.redirect = redirect;
    st.brokenRedirect = false;
    st.bcast = opts.bcast;
    st.optin = opts.optin;
    st.optout = opts.optout;
    st.noloop = opts.noloop;
    if (opts.bcast) {
      for (const p of prefixes.length === 0 ? [''] : prefixes) {
        let bs = this.prefixes.get(p);
        if (!bs) {
          bs = { keys: new Map(), clients: new Set() };
          this.prefixes.set(p, bs);
        }
        if (!bs.clients.has(c)) {
          bs.clients.add(c);
          st.prefixes.push(p);
        }
      }
      st.prefixes.sort(byteOrder);
    }
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. The client's ids stay in the table (lazy removal). */
  disable(c: Client): void {
    const st = c.tracking;
    if (!st) return;
    for (const p of st.prefixes) {
      const bs = this.prefixes.get(p);
      if (!bs) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixes.delete(p);
    }
    c.tracking = undefined;
    this.pendingClients.delete(c);
    this.clients--;
  }

  /**
   * After a read-only command (not EVAL_RO / EVALSHA_RO / FCALL_RO themselves): remembers its keys
   * for the client, unless BCAST or the OPTIN/OPTOUT rules say no. Also applies
   * tracking-table-max-keys.
   */
  rememberKeys(c: Client, spec: CommandSpec, args: string[]): void {
    const st = c.tracking;
    if (!st || st.bcast) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    // Shard channels are keys in the command table, not keys to track.
    if (spec.group === 'pubsub') return;
    this.rememberKeyList(
      c,
      keyPositions(spec, args).map((i) => args[i] as string),
    );
  }

  /** Remembers `keys` for tracking client `c` (also the declared keys of a script it runs). */
  rememberKeyList(c: Client, keys: readonly string[]): void {
    const st = c.tracking;
    if (!st || st.bcast) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    for (const key of keys) {
      let ids = this.table.get(key);
      if (!ids) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
    this.limitUsedSlots();
  }

  /** A key changed (signalModifiedKey): invalidates it for its trackers, queues it for BCAST. */
  invalidateKey(key: string, bcast = true): void {
    if (bcast && this.prefixes.size > 0) this.rememberForBroadcast(key);
    const ids = this.table.get(key);
    if (!ids) return;
    for (const id of ids) {
      const target = this.node.clients.get(id);
      const st = target?.tracking;
      if (!target || !st || st.bcast) continue;
      // The client whose command is running: NOLOOP skips it, otherwise after its reply.
      if (target.inCycle) {
        if (st.noloop) continue;
        st.pending.push(key);
        this.pendingClients.add(target);
      } else this.send(target, key, false);
    }
    this.totalItems -= ids.size;
    this.table.delete(key);
  }

  /** FLUSHDB / FLUSHALL: a null ("every key") to each tracking client; the table is emptied. */
  invalidateAll(): void {
    if (this.clients > 0) {
      for (const c of this.node.clients.values()) {
        const st = c.tracking;
        if (!st) continue;
        if (c.inCycle) {
          st.pending.push(null);
          this.pendingClients.add(c);
        } else this.send(c, null, false);
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  /** Sends the messages queued for running clients (after their command's reply). */
  flushPending(): void {
    if (this.pendingClients.size === 0) return;
    for (const c of this.pendingClients) {
      const st = c.tracking;
      if (!st || c.closed) continue;
      const keys = st.pending.splice(0);
      for (const k of keys) this.send(c, k, false);
    }
    this.pendingClients.clear();
  }

  private rememberForBroadcast(key: string): void {
    const by = this.currentClient();
    for (const [prefix, bs] of this.prefixes) {
      if (key.startsWith(prefix)) bs.keys.set(key, by);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      queueMicrotask(() => this.broadcast());
    }
  }

  /** The client running a command now (for NOLOOP in BCAST mode), if any. */
  private currentClient(): Client | undefined {
    for (const c of this.pendingClients) if (c.inCycle) return c;
    for (const bs of this.prefixes.values()) for (const c of bs.clients) if (c.inCycle) return c;
    return undefined;
  }

  /** Redis's trackingBroadcastInvalidationMessages (beforeSleep): one message per prefix per client. */
  broadcast(): void {
    this.broadcastScheduled = false;
    // Prefixes in byte order, as Redis walks its radix tree.
    for (const prefix of [...this.prefixes.keys()].sort(byteOrder)) {
      const bs = this.prefixes.get(prefix) as BcastState;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort(byteOrder);
      for (const c of bs.clients) {
        if (c.closed) continue;
        const list = c.tracking?.noloop ? keys.filter((k) => bs.keys.get(k) !== c) : keys;
        if (list.length > 0) this.send(c, list, true);
      }
      bs.keys.clear();
    }
  }

  /** Over tracking-table-max-keys: invalidate random keys (as if modified, no broadcast). */
  private limitUsedSlots(): void {
    const max = Number(this.node.config.get('tracking-table-max-keys'));
    if (max === 0 || this.table.size <= max) return;
    let effort = 100;
    while (effort-- > 0 && this.table.size > max) {
      const n = Math.floor(Math.random() * this.table.size);
      let i = 0;
      for (const key of this.table.keys()) {
        if (i++ === n) {
          this.invalidateKey(key, false);
          break;
        }
      }
    }
  }

  /**
   * Redis's sendTrackingMessage for tracking client `c`: `keys` is one key, a list (BCAST) or
   * null (flush). The null is written in the tracking client's protocol.
   */
  private send(c: Client, keys: string | string[] | null, _bcast: boolean): void {
    const st = c.tracking;
    if (!st) return;
    const nullProto = c.resp === 3 ? '_\r\n' : '$-1\r\n';
    let to = c;
    let redirected = false;
    if (st.redirect !== 0) {
      const r = this.node.clients.get(st.redirect);
      if (!r || r.closed) {
        st.brokenRedirect = true;
        if (c.resp === 3) {
          c.reply.pushLen(2);
          c.reply.bulk('tracking-redir-broken');
          c.reply.int(st.redirect);
          this.keepAndFlush(c);
        }
        return;
      }
      to = r;
      redirected = true;
    }
    if (to.resp === 3) {
      to.reply.pushLen(2);
      to.reply.bulk('invalidate');
    } else if (redirected && to.subscriptionCount > 0) {
      to.reply.arrayLen(3);
      to.reply.raw('$7\r\nmessage\r\n');
      to.reply.bulk(CHANNEL);
    } else return;
    if (keys === null) to.reply.raw(nullProto);
    else if (typeof keys === 'string') {
      to.reply.arrayLen(1);
      to.reply.bulk(keys);
    } else {
      to.reply.arrayLen(keys.length);
      for (const k of keys) to.reply.bulk(k);
    }
    this.keepAndFlush(to);
  }

  private keepAndFlush(c: Client): void {
    c.flush();
  }
}
