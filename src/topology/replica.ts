/**
 * The replica side of replication for one node (Redis's replication.c, slave half): the link to
 * its primary, the full or partial sync, and applying the stream.
 *
 * - Applying: the stream is parsed as client requests and run through the node on a "master
 *   client" (fromMaster: never refused as READONLY, never propagated again, replies dropped).
 *   The applied offset (slave_repl_offset) moves after each command, but not inside MULTI: a
 *   transaction counts once its EXEC is applied, as in Redis. REPLCONF GETACK is answered with
 *   the offset before it, and PING only moves the offset.
 * - REPLCONF ACK <offset> goes to the primary every second of the replica's clock.
 * - A primary in the same process is attached by passing objects: its stream bytes arrive
 *   through its StreamLink, a full sync copies the dataset value by value. A primary over TCP
 *   (another redis-sim, or a real redis-server) is reached with Redis's handshake: PING,
 *   REPLCONF listening-port, REPLCONF capa psync2, PSYNC, then the RDB (disk format: $len).
 * - When the link breaks, master_link_status is down; the replica reconnects on its replication
 *   cron (every second of virtual time) with PSYNC <replid> <offset+1>, continuing from the
 *   primary's backlog when it still holds that offset.
 */
import net from 'node:net';
import { Client } from '../engine/client.js';
import type { Timer } from '../engine/clock.js';
import type { RedisNode } from '../engine/node.js';
import type { RedisObject } from '../engine/values.js';
import { RequestParser } from '../protocol/parser.js';
import { dumpPayload, loadPayload } from '../rdb/payload.js';
import { encodeCommand, type Primary, type ReplicaHandle, type SyncResult } from './primary.js';
import { loadRdb } from './rdb-bridge.js';

/** Redis's repl_state, as INFO and ROLE show it. */
export type LinkState = 'connect' | 'connecting' | 'sync' | 'connected';

/** How the replica reaches its primary: another node's Primary in this process, or an address. */
export type PrimaryTarget = { kind: 'local'; primary: Primary; host: string; port: number } | { kind: 'tcp'; host: string; port: number };

const LIMITS = { maxBulkLen: Number.MAX_SAFE_INTEGER, authenticated: true };

export class ReplicaLink {
  state: LinkState = 'connect';
  /** Time of the last byte from the primary (master_last_io_seconds_ago). */
  lastIo: number;
  /** When the link went down (master_link_down_since_seconds). */
  downSince: number;
  /** Bytes read from the primary (slave_read_repl_offset) beyond the applied ones. */
  private unapplied = '';
  /** Received bytes not yet parsed into a command (the parser's buffer, as a string). */
  private raw = '';
  private rawPos = 0;
  private parser = new RequestParser();
  private masterClient: Client | undefined;
  private cron: Timer | undefined;
  /** In-process: our handle on the primary side. */
  private handle: ReplicaHandle | undefined;
  private socket: net.Socket | undefined;
  /** A test broke the link (SIM REPL BREAK): no reconnection until it is restored. */
  broken = false;
  /**
   * Set while this node fails over to its new primary (FAILOVER): PSYNC carries FAILOVER, and
   * this is called with whether the target accepted it.
   */
  failoverDone: ((ok: boolean) => void) | undefined;

  constructor(
    readonly node: RedisNode,
    /** This node's own replication state (its replid and offset follow the primary's). */
    readonly own: Primary,
    readonly target: PrimaryTarget,
    /**
     * The in-process primary's answer to PSYNC ... FAILOVER (Replication.acceptFailoverRequest),
     * handed in by topology/replication.ts, which builds ReplicaLinks.
     */
    private readonly acceptFailover: (primary: RedisNode, replid: string, from: string) => string | undefined,
  ) {
    this.lastIo = node.clock.now();
    this.downSince = node.clock.now();
  }

  get host(): string {
    return this.target.host;
  }

  get port(): number {
    return this.target.port;
  }

  get up(): boolean {
    return this.state === 'connected';
  }

  /** The offset this replica has read (applied plus a partially received transaction). */
  get readOffset(): number {
    return this.own.offset + this.unapplied.length;
  }

  /** Starts connecting (REPLICAOF): in-process at once, over TCP asynchronously. */
  start(): void {
    this.armCron();
    this.connect();
  }

  private connect(): void {
    if (this.broken || this.state !== 'connect') return;
    if (this.target.kind === 'local') this.connectLocal(this.target.primary);
    else this.connectTcp(this.target.host, this.target.port);
  }

  /** The PSYNC arguments this replica asks with: its primary's ID and the next byte it needs. */
  private psyncArgs(): { replid: string; offset: number } | undefined {
    if (!this.own.backlog) return undefined;
    return { replid: this.own.replid, offset: this.own.offset + 1 };
  }

  private newMasterClient(): Client {
    if (this.masterClient) this.node.removeClient(this.masterClient);
    const c = new Client(this.node, undefined, { fake: true });
    c.fromMaster = true;
    c.name = '';
    // Listed by CLIENT LIST as Redis lists its master client (flags=M, type master), but not
    // counted as an accepted connection. Its socket is not one of the node's server's (fd=-1).
    c.replLink = 'primary';
    const s = this.socket;
    c.peer = s
      ? { addr: `${s.remoteAddress}:${s.remotePort}`, laddr: `${s.localAddress}:${s.localPort}`, fd: -1 }
      : { addr: `${this.target.host}:${this.target.port}`, laddr: `127.0.0.1:${this.node.config.get('port')}`, fd: -1 };
    this.node.clients.set(c.id, c);
    this.masterClient = c;
    this.parser = new RequestParser();
    this.unapplied = '';
    this.raw = '';
    this.rawPos = 0;
    return c;
  }

  // ---- in-process ----------------------------------------------------------------------------

  /** The target's answer to PSYNC ... FAILOVER: the failover ends (ok) or is aborted. */
  private failoverAnswered(ok: boolean): void {
    const done = this.failoverDone;
    this.failoverDone = undefined;
    done?.(ok);
  }

  private connectLocal(primary: Primary): void {
    if (this.failoverDone) {
      const args = this.psyncArgs();
      const err = this.acceptFailover(primary.node, args?.replid ?? '?', `addr=127.0.0.1:${this.node.config.get('port')}`);
      if (err !== undefined) {
        this.node.log('warning', `Unable to PSYNC FAILOVER: ${err}`);
        this.failoverAnswered(false);
        return;
      }
    }
    const result: SyncResult = primary.attach(
      {
        ip: '127.0.0.1',
        node: this.node,
        write: (d) => this.receive(d),
        close: () => this.linkLost(),
      },
      this.psyncArgs(),
    );
    this.handle = result.handle;
    result.handle.listeningPort = Number(this.node.config.get('port')) || 0;
    result.handle.capa.add('eof').add('psync2');
    this.newMasterClient();
    if (result.kind === 'full') {
      this.copyDataset(primary.node);
      this.own.adoptPrimary(result.replid, result.offset);
    } else {
      if (result.replid !== this.own.replid) {
        // +CONTINUE with a new ID: the primary was promoted; our old ID becomes replid2.
        this.own.replid2 = this.own.replid;
        this.own.secondReplOffset = this.own.offset + 1;
        this.own.replid = result.replid;
      }
    }
    this.established();
    if (result.kind === 'continue') this.receive(result.data);
    this.sendAck();
    this.failoverAnswered(true);
  }

  /** A full sync in one process: the primary's values copied one by one (deep copies, with TTLs). */
  private copyDataset(from: RedisNode): void {
    const to = this.node;
    to.flushAllData();
    const n = Math.min(from.databaseCount, to.databaseCount);
    for (let i = 0; i < n; i++) {
      const src = from.db(i);
      const dst = to.db(i);
      src.forEach((key, o) => {
        dst.add(key, copyValue(from, to, o));
        const at = src.expires.get(key);
        if (at !== undefined) dst.setExpire(key, at);
      });
    }
  }

  // ---- TCP -----------------------------------------------------------------------------------

  private connectTcp(host: string, port: number): void {
    this.state = 'connecting';
    const sock = net.connect(port, host);
    this.socket = sock;
    sock.setNoDelay(true);
    let buf = '';
    let phase: 'pong' | 'auth' | 'port' | 'capa' | 'psync' | 'rdb' | 'stream' = 'pong';
    let full: { replid: string; offset: number } | undefined;
    const send = (argv: string[]) => sock.write(encodeCommand(argv), 'latin1');
    const fail = (why: string) => {
      this.node.log('warning', `replication: ${why}`);
      sock.destroy();
    };
    const line = (): string | undefined => {
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return undefined;
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      return l;
    };
    sock.on('connect', () => {
      send(['PING']);
    });
    sock.on('data', (chunk: Buffer) => {
      this.lastIo = this.node.clock.now();
      if (phase === 'stream') {
        this.receive(chunk.toString('latin1'));
        this.node.flushAll();
        return;
      }
      buf += chunk.toString('latin1');
      for (;;) {
        if (phase === 'rdb') {
          // Newlines are the primary's keepalives while it prepares the RDB.
          while (buf.startsWith('\n')) buf = buf.slice(1);
          const nl = buf.indexOf('\r\n');
          if (nl < 0) return;
          if (buf[0] !== '$' || buf.startsWith('$EOF:')) return fail('unexpected RDB transfer format');
          const len = Number(buf.slice(1, nl));
          if (buf.length < nl + 2 + len) return;
          const rdb = Buffer.from(buf.slice(nl + 2, nl + 2 + len), 'latin1');
          const rest = buf.slice(nl + 2 + len);
          buf = '';
          try {
            loadRdb(this.node, rdb);
          } catch (e) {
            return fail(`cannot load the primary's RDB: ${(e as Error).message}`);
          }
          const f = full as { replid: string; offset: number };
          this.newMasterClient();
          this.own.adoptPrimary(f.replid, f.offset);
          phase = 'stream';
          this.established();
          this.sendAck();
          if (rest.length > 0) this.receive(rest);
          this.node.flushAll();
          return;
        }
        const l = line();
        if (l === undefined) return;
        if (phase === 'pong') {
          if (l.startsWith('-') && !l.startsWith('-NOAUTH') && !l.startsWith('-NOPERM') && !l.startsWith('-ERR operation not permitted'))
            return fail(`error reply to PING: ${l}`);
          const auth = this.node.config.get('masterauth');
          if (auth !== '') {
            const user = this.node.config.get('masteruser');
            send(user !== '' ? ['AUTH', user, auth] : ['AUTH', auth]);
            phase = 'auth';
          } else {
            send(['REPLCONF', 'listening-port', this.node.config.get('port')]);
            phase = 'port';
          }
        } else if (phase === 'auth') {
          if (l.startsWith('-')) return fail(`unable to AUTH to the primary: ${l}`);
          send(['REPLCONF', 'listening-port', this.node.config.get('port')]);
          phase = 'port';
        } else if (phase === 'port') {
          // An error here is only logged by Redis: the primary may not know the option.
          send(['REPLCONF', 'capa', 'psync2']);
          phase = 'capa';
        } else if (phase === 'capa') {
          const p = this.psyncArgs();
          const psync = ['PSYNC', p ? p.replid : '?', p ? String(p.offset) : '-1'];
          if (this.failoverDone) psync.push('FAILOVER');
          send(psync);
          phase = 'psync';
          this.state = 'sync';
        } else if (phase === 'psync') {
          if (l.startsWith('+FULLRESYNC')) {
            const [, replid, off] = l.split(' ');
            full = { replid: replid as string, offset: Number(off) };
            phase = 'rdb';
            this.failoverAnswered(true);
          } else if (l.startsWith('+CONTINUE')) {
            const newId = l.split(' ')[1];
            if (newId && newId !== this.own.replid) {
              this.own.replid2 = this.own.replid;
              this.own.secondReplOffset = this.own.offset + 1;
              this.own.replid = newId;
            }
            this.newMasterClient();
            phase = 'stream';
            this.established();
            this.failoverAnswered(true);
            const rest = buf;
            buf = '';
            if (rest.length > 0) this.receive(rest);
            this.node.flushAll();
            return;
          } else {
            if (this.failoverDone) {
              // The target refused PSYNC FAILOVER: the failover is aborted (we become a primary again).
              this.node.log('warning', `Unable to PSYNC FAILOVER: ${l}`);
              sock.destroy();
              this.failoverAnswered(false);
              return;
            }
            return fail(`unexpected reply to PSYNC: ${l}`);
          }
        }
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (this.socket === sock) {
        this.socket = undefined;
        this.linkLost();
      }
    });
  }

  // ---- the stream ----------------------------------------------------------------------------

  private established(): void {
    this.state = 'connected';
    this.lastIo = this.node.clock.now();
    this.node.log('notice', 'MASTER <-> REPLICA sync: Finished with success');
  }

  /** Stream bytes from the primary: parsed and applied command by command. */
  receive(data: string): void {
    if (this.state !== 'connected') return;
    const c = this.masterClient;
    if (!c) return;
    this.lastIo = this.node.clock.now();
    this.raw += data;
    this.parser.feed(Buffer.from(data, 'latin1'));
    for (;;) {
      const before = this.parser.pendingBytes;
      let args: string[] | undefined;
      try {
        args = this.parser.next(LIMITS);
      } catch {
        this.node.log('warning', 'replication: protocol error in the stream from the primary');
        this.linkLost();
        return;
      }
      if (args === undefined) break;
      const consumed = before - this.parser.pendingBytes;
      const bytes = this.raw.slice(this.rawPos, this.rawPos + consumed);
      this.rawPos += consumed;
      const name = (args[0] as string).toLowerCase();
      if (name === 'replconf' && (args[1] ?? '').toLowerCase() === 'getack') {
        // The ACK carries the offset before this GETACK (Redis updates it after the command).
        this.sendAck();
      } else if (name !== 'ping') {
        // Keys the stream touches are never expired here: expiry is the primary's (its DELs).
        this.node.applyingStream = true;
        try {
          this.node.execute(c, args);
        } finally {
          this.node.applyingStream = false;
        }
        c.reply.take();
      }
      this.unapplied += bytes;
      if (!c.multi) this.own.feedFromPrimary(this.takeApplied());
    }
    this.raw = this.raw.slice(this.rawPos);
    this.rawPos = 0;
  }

  private takeApplied(): string {
    const s = this.unapplied;
    this.unapplied = '';
    return s;
  }

  /** REPLCONF ACK <offset>: in-process straight to our handle, over TCP on the socket. */
  sendAck(): void {
    if (this.state !== 'connected') return;
    if (this.handle) this.handle.primary.ack(this.handle, this.own.offset);
    else this.socket?.write(encodeCommand(['REPLCONF', 'ACK', String(this.own.offset)]), 'latin1');
  }

  /** The link broke (socket closed, primary dropped us): master_link_status:down. */
  linkLost(): void {
    if (this.state === 'connect') return;
    this.state = 'connect';
    this.downSince = this.node.clock.now();
    const h = this.handle;
    this.handle = undefined;
    if (h) h.primary.detach(h, false);
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
    // A partially received transaction is discarded (the master client is freed).
    if (this.masterClient?.multi) this.masterClient.multi = undefined;
    this.unapplied = '';
    if (this.masterClient) this.node.removeClient(this.masterClient);
    this.masterClient = undefined;
  }

  /** Our handle on the primary's side (in-process only): the link a test holds or delays. */
  get primaryHandle(): ReplicaHandle | undefined {
    return this.handle;
  }

  // ---- cron ----------------------------------------------------------------------------------

  private armCron(): void {
    if (this.cron && !this.cron.cancelled) return;
    const now = this.node.clock.now();
    this.cron = this.node.clock.setTimer(Math.floor(now / 1000) * 1000 + 1000, () => {
      this.cron = undefined;
      if (this.state === 'connect') this.connect();
      else this.sendAck();
      this.node.flushAll();
      this.armCron();
    });
  }

  /** REPLICAOF NO ONE / another primary: drop the link and stop the cron. */
  stop(): void {
    this.node.clock.clearTimer(this.cron);
    this.cron = undefined;
    this.linkLost();
  }
}

/** A deep copy of a value through the DUMP payload codec (the RDB object encoding). */
function copyValue(from: RedisNode, to: RedisNode, o: RedisObject): RedisObject {
  return loadPayload(to, dumpPayload(from, o), to.clock.now());
}
