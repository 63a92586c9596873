/**
 * Per-client state, independent of the transport: the selected database, protocol version,
 * authentication, transaction queue, blocking state, subscriptions. A TCP Connection owns one;
 * scripts run their redis.call through a fake Client of their own.
 */
import { Reply, type ReplyChunk } from '../protocol/reply.js';
import type { AclSubject } from './acl.js';
import type { Database } from './database.js';
import type { RedisNode } from './node.js';
import type { ClientTracking } from './tracking.js';
import type { ValueType } from './values.js';

/** What a connection does with bytes the node has for a client. */
export interface ClientTransport {
  /** Queues output: a latin1 string or bytes. A large reply arrives as several chunks. */
  write(data: ReplyChunk): void;
  /** Closes the connection after pending output is written. */
  close(): void;
  /** Called when a blocked client is released, so the transport resumes reading commands. */
  resume(): void;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly fd: number;
  /** Redis's query buffer accounting (CLIENT LIST's qbuf, qbuf-free), if the transport keeps one. */
  readonly queryBuffer?: { numbers(idleMs: number): { qbuf: number; free: number } };
  /** Output accepted from the node and not yet taken by the socket (CLIENT LIST's omem). */
  readonly outputBytes?: number;
}

/** A request to block, set by a blocking command's handler through `client.block()`. */
export interface BlockRequest {
  keys: string[];
  /** Absolute deadline on the node clock, or 0 to wait forever. */
  timeoutAt: number;
  /** Writes the reply for a timeout (e.g. a null array for BLPOP). */
  onTimeout: (c: Client) => void;
  /** The arguments to run again when a key becomes ready (defaults to the original ones). */
  args?: string[];
  /**
   * The value type that can serve this client (Redis 7.0's blocking type: 'list' for BLPOP,
   * 'zset' for BZPOPMIN, 'stream' for XREAD). When set, the client is re-run only while the
   * ready key exists with that type: a key set to another type leaves it blocked, as in Redis
   * 7.0. When unset, it is re-run whenever one of its keys is signalled.
   */
  type?: ValueType;
  /**
   * Redis's BLOCKED_WAIT (WAIT waiting for replica acknowledgements): not a key waiter, but like
   * key waiters it is ended with -UNBLOCKED when the node becomes a replica.
   */
  replicaWait?: boolean;
}

export interface MultiState {
  queue: string[][];
  /** A command was rejected while queueing: EXEC must fail with EXECABORT. */
  dirty: boolean;
  /** A denyoom command was queued (mstate.cmd_flags & CMD_DENYOOM): EXEC is refused when out of memory. */
  denyoom?: boolean;
  /** A write command was queued (mstate.cmd_flags & CMD_WRITE): EXEC is a write for NOREPLICAS and READONLY. */
  write?: boolean;
  /** The queued commands' argument bytes + 8 per argument (mstate.argv_len_sums, CLIENT LIST's multi-mem). */
  argvBytes?: number;
}

export class Client {
  readonly id: number;
  name = '';
  libName = '';
  libVer = '';
  db: Database;
  readonly reply: Reply;
  authenticated: boolean;
  /** The ACL user the client is authenticated as (the default user until AUTH; fake clients: the superuser). */
  user: AclSubject;
  /** CLIENT REPLY mode. */
  replyMode: 'on' | 'off' | 'skip' | 'skipnext' = 'on';
  /** Close the connection once the current output is written (QUIT, protocol errors, CLIENT KILL). */
  closeAfterReply = false;
  closed = false;
  /**
   * The arguments of the command being run from the connection, kept while it is blocked as
   * Redis keeps a blocked client's argv (CLIENT LIST's argv-mem); undefined between commands.
   */
  currentArgv: readonly string[] | undefined = undefined;
  multi: MultiState | undefined;
  /** Inside EXEC or a script: blocking commands must behave like their non-blocking forms. */
  noBlock = false;
  /** Set by a blocking handler that found nothing to serve. */
  blockRequest: BlockRequest | undefined;
  /** The command a blocked client waits to run again; undefined when not blocked. */
  blocked:
    | {
        args: string[];
        request: BlockRequest;
        since: number;
        /** Set for a client parked by an introspection wait (SIM BLOCKED WAIT): not a key waiter. */
        cancel?: () => void;
      }
    | undefined;
  /** True while a blocked command is being retried because one of its keys is ready. */
  retrying = false;
  /**
   * While a blocked command is re-run: the key whose readiness woke it. Redis 7.0 serves a
   * waiter from that key only (BLPOP a b served by a push to b pops from b even if a also got
   * data in the same transaction), so multi-key blocking commands look at this key alone.
   */
  readyKey: string | undefined;
  /** Pub/sub state: channels, patterns and shard channels this client is subscribed to. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  monitor = false;
  readonly createdAt: number;
  lastInteraction: number;
  /** woff: master_repl_offset after this client's last command that ran (WAIT waits for it). */
  woff = 0;
  lastCommand = 'NULL';
  /** Extra per-feature state (e.g. watched keys), keyed by feature. */
  readonly ext = new Map<string, unknown>();
  /** A replica's link to its master: what it runs is not propagated again (engine/propagate.ts). */
  fromMaster = false;
  /**
   * Replication links (set by topology/): 'replica' on a primary for a replica's connection
   * (CLIENT LIST flags=S, type slave), 'primary' on a replica for its link to its primary
   * (flags=M, type master).
   */
  replLink: 'replica' | 'primary' | undefined;
  /** Addresses shown by CLIENT LIST for a client with no transport of its own (the link to a primary). */
  peer: { addr: string; laddr: string; fd: number } | undefined;
  /** The client scripts' redis.call runs on (Redis's CLIENT_SCRIPT flag). */
  readonly script: boolean;
  /** True while the transport is processing this client's input: output is flushed at its end. */
  inCycle = false;
  /** CLIENT TRACKING state (engine/tracking.ts); undefined when tracking is off. */
  tracking: ClientTracking | undefined;

  constructor(
    readonly node: RedisNode,
    readonly transport: ClientTransport | undefined,
    opts: { resp?: 2 | 3; fake?: boolean; script?: boolean } = {},
  ) {
    this.script = opts.script === true;
    this.id = node.nextClientId();
    this.db = node.db(0);
    this.reply = new Reply(opts.resp ?? 2);
    this.reply.onError = (msg) => node.stats.error(msg);
    // createClient: authenticated at once while the default user is "nopass" and on.
    const start = node.acl.initialUser(opts.fake === true);
    this.user = start.user;
    this.authenticated = start.authenticated;
    this.createdAt = node.clock.now();
    this.lastInteraction = this.createdAt;
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  set resp(v: 2 | 3) {
    this.reply.resp = v;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  /** In RESP2 a client with subscriptions may only run (un)subscribe commands, PING, QUIT, RESET. */
  get inPubSubMode(): boolean {
    return this.resp === 2 && this.subscriptionCount > 0;
  }

  /**
   * Asks to block on `keys` (called by blocking commands that found nothing to serve). Inside
   * MULTI/EXEC or a script a blocking command never blocks: it gets its timeout reply at once.
   */
  block(req: BlockRequest): void {
    if (this.noBlock) req.onTimeout(this);
    else this.blockRequest = req;
  }

  /** Sends pending output now unless the transport will flush it at the end of its read cycle. */
  flush(): void {
    if (this.inCycle || this.closed) return;
    const t = this.transport;
    if (t) this.reply.drain((chunk) => t.write(chunk));
    else this.reply.take();
    if (this.closeAfterReply) t?.close();
  }
}
