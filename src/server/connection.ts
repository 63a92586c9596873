/**
 * One TCP client: reads bytes, parses requests, runs them through the node and writes the
 * replies of everything read in one batch.
 *
 * How a connection ends, as in Redis's networking.c:
 * - The peer hangs up (end of stream or a read error): the client is freed at once, from every
 *   engine structure, before anything else is served (a blocked client that hung up never takes
 *   the next element).
 * - A protocol error: Redis's error reply, then the connection closes (no further input is read
 *   or run; the socket is closed once the reply is flushed, not half-closed).
 * - The query buffer (bytes received and not yet parsed into a command) grows past
 *   client-query-buffer-limit: logged ("Closing client that reached max query buffer length")
 *   and closed at once, without a reply.
 * - A command named POST or Host: (an HTTP request sent to Redis, cross-protocol scripting): the
 *   "Possible SECURITY ATTACK detected" warning (at most once a minute) and the connection is
 *   closed at once; nothing more is run and replies not yet written are dropped.
 * - Pending output beyond client-output-buffer-limit for the client's class: logged and closed
 *   at once (see limits.ts).
 * - Client eviction (maxmemory-clients): the clients using the most memory are closed at once
 *   when all clients together reach the limit (see client-eviction.ts).
 */

import type { Socket } from 'node:net';
import { authRequired } from '../acl/store.js';
import { Client, type ClientTransport } from '../engine/client.js';
import { clientInfoLine } from '../engine/client-info.js';
import { quoteRepr, type RedisNode } from '../engine/node.js';
import { ProtocolError, RequestParser } from '../protocol/parser.js';
import type { ReplyChunk } from '../protocol/reply.js';
import { Backlog } from './backlog.js';
import { type ClientEviction, clientEvictionOf } from './client-eviction.js';
import type { FaultGate, GatedConnection } from './fault-gate.js';
import { outputBufferLimitReached } from './limits.js';
import { QueryBufferAccount } from './query-buffer.js';
import { readIntoSharedBuffer } from './shared-reads.js';

const SECURITY_WARNING =
  'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.';

/** Whether a command name is POST or Host: (any case), without allocating a lowercase copy. */
function isHttpVerb(name: string): boolean {
  const n = name.length;
  if (n === 4) return (name.charCodeAt(0) | 32) === 112 /* p */ && name.toLowerCase() === 'post';
  return n === 5 && name.charCodeAt(4) === 58 /* : */ && name.toLowerCase() === 'host:';
}

/** The smallest value CONFIG accepts for client-query-buffer-limit (1 MB). */
const MIN_QUERY_BUFFER_LIMIT = 1024 * 1024;

/** When each node last logged the security warning (Redis logs it at most once every 60 s). */
const securityLoggedAt = new WeakMap<RedisNode, number>();

export class Connection implements ClientTransport, GatedConnection {
  readonly client: Client;
  private readonly parser = new RequestParser();
  /** Commands read behind a blocked or held one (server/backlog.ts). */
  private readonly backlog = new Backlog();
  private closing = false;
  private released_ = false;
  private readonly eviction: ClientEviction;
  readonly remoteAddress: string;
  readonly localAddress: string;

  constructor(
    private readonly node: RedisNode,
    private readonly socket: Socket,
    readonly fd: number,
    private readonly onClose: (conn: Connection) => void,
    /** The node's socket-level faults (server/fault-gate.ts). */
    private readonly gate?: FaultGate,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '127.0.0.1'}:${socket.remotePort ?? 0}`;
    this.localAddress = `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? 0}`;
    this.client = new Client(node, this);
    node.addClient(this.client);
    this.eviction = clientEvictionOf(node);
    this.eviction.attach(this.client, this);
    socket.setNoDelay(true);
    // Output the socket took lowers the client's memory (Redis re-measures after writeToClient).
    socket.on('drain', () => this.eviction.update(this.client));
    this.sharedMemory = readIntoSharedBuffer(socket, (chunk) => this.onData(chunk));
    if (this.sharedMemory === undefined) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Redis frees a client as soon as a read reports the end of the stream or an error
    // (readQueryFromClient → freeClientAsync): a blocked client that hung up must never be served
    // the next element. 'close' comes later (after our side's FIN is flushed), so 'end' and
    // 'error' release the client too; release() is idempotent. Output already queued on the
    // socket is still flushed by Node after 'end' (a half-closing client gets its replies).
    socket.on('end', () => this.released());
    socket.on('error', () => this.released());
    socket.on('close', () => {
      this.released();
      this.onClose(this);
    });
  }

  /** Bytes received and not yet parsed into a command. */
  get queryBufferLength(): number {
    return this.parser.pendingBytes;
  }

  /** Redis's query buffer sizes (CLIENT LIST's qbuf and qbuf-free). */
  readonly queryBuffer = new QueryBufferAccount();

  /** Output not yet taken by the socket (CLIENT LIST's omem). */
  get outputBytes(): number {
    return this.socket.writableLength;
  }
  /** The current read was large enough to hold a big argument (PROTO_MBULK_BIG_ARG). */
  private bigRead = false;
  /** The memory reads land in when shared by every connection (server/shared-reads.ts); else undefined. */
  private readonly sharedMemory: ArrayBufferLike | undefined;

  private onData(chunk: Buffer): void {
    this.node.stats.netInputBytes += chunk.length;
    if (this.closing) return;
    this.queryBuffer.onRead(this.parser.pendingBytes, chunk.length);
    this.bigRead = this.parser.pendingBytes + chunk.length >= 32 * 1024;
    this.parser.feed(chunk);
    this.client.lastInteraction = this.node.clock.now();
    // client-query-buffer-limit is at least 1 MB (its CONFIG minimum): below that, no lookup.
    const pending = this.parser.pendingBytes;
    if (pending > MIN_QUERY_BUFFER_LIMIT && pending > Number(this.node.config.get('client-query-buffer-limit'))) {
      const head = this.parser.peek(64);
      this.node.log(
        'warning',
        `Closing client that reached max query buffer length: ${clientInfoLine(this.client)} (qbuf initial bytes: ${quoteRepr(head)})`,
      );
      this.destroy();
      return;
    }
    if (this.sharedMemory === undefined) this.process();
    else {
      try {
        this.process();
      } finally {
        // The shared read buffer is reused by the next read: keep a copy of what was not run yet.
        this.parser.retain(this.sharedMemory);
      }
    }
    // After a read Redis re-measures the client, and evicts clients in beforeSleep.
    if (this.eviction.active) {
      this.eviction.update(this.client);
      this.eviction.evict();
    }
  }

  /** Runs every complete command in the buffer (stopping while the client is blocked). */
  private process(): void {
    const c = this.client;
    c.inCycle = true;
    try {
      while (!c.closeAfterReply && !this.closing) {
        const waiting = this.backlog.waiting(c);
        let args: string[] | undefined;
        try {
          args = this.parser.next(this.node.parserLimits(!authRequired(c)));
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          if (waiting) this.backlog.protocolError(e.message);
          else {
            c.reply.error(`ERR ${e.message}`);
            c.closeAfterReply = true;
          }
          break;
        }
        if (args === undefined) break;
        if (this.bigRead) {
          let big = 0;
          for (const a of args) if (a.length > big) big = a.length;
          this.queryBuffer.onCommand(big);
        }
        if (isHttpVerb(args[0] as string)) {
          this.securityAttack();
          return;
        }
        // Behind a blocked or held command, commands wait (the control command runs at once).
        if (waiting) this.backlog.add(this.node, c, args);
        else if (this.gate?.active && this.gate.hold(this, args)) this.backlog.hold(args);
        else this.run(c, args);
      }
    } finally {
      c.inCycle = false;
      const big = this.parser.bigArg;
      if (big) {
        this.queryBuffer.onBigArg(big.received, big.room - 2);
        // Redis already holds the arguments before the big one (argv-mem).
        c.currentArgv = big.argsSoFar;
      } else this.queryBuffer.afterProcess(this.parser.pendingBytes);
    }
    c.flush();
  }

  /**
   * processCommand: client eviction runs first (a client evicted there never runs its command),
   * then the command; the client is re-measured after it (its output grew).
   */
  private run(c: Client, args: string[]): void {
    const ev = this.eviction;
    if (ev.active) {
      ev.evict();
      if (this.closing) return;
    }
    c.currentArgv = args;
    this.node.execute(c, args);
    if (!c.blocked) c.currentArgv = undefined;
    if (ev.active) ev.update(c);
  }

  /** securityWarningCommand: log (rate limited) and free the client, dropping pending output. */
  private securityAttack(): void {
    const now = this.node.clock.now();
    const last = securityLoggedAt.get(this.node);
    if (last === undefined || Math.abs(now - last) > 60_000) {
      this.node.log('warning', SECURITY_WARNING);
      securityLoggedAt.set(this.node, now);
    }
    this.client.reply.take();
    this.destroy();
  }

  write(data: ReplyChunk): void {
    if (this.closing) return;
    if (this.gate?.active) this.gate.write(this, data);
    else this.send(data);
  }

  /** Writes to the socket now (the fault gate's way out). */
  send(data: ReplyChunk): void {
    if (this.closing) return;
    this.node.stats.netOutputBytes += data.length;
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
    if (this.eviction.active) this.eviction.update(this.client);
    if (outputBufferLimitReached(this.client, this.socket.writableLength)) {
      this.node.log('warning', `Client ${clientInfoLine(this.client)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.destroy();
    }
  }

  /** Closes with a TCP reset (a killed node, a dropped or refused connection). */
  reset(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.resetAndDestroy();
  }

  /** Closes once pending output is written (QUIT, protocol errors): the socket is then closed, not half-open. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.released();
    this.socket.end(() => this.socket.destroy());
  }

  /** Closes at once, dropping pending output (CLIENT KILL, limits, server stop). */
  destroy(): void {
    this.closing = true;
    this.released();
    this.socket.destroy();
  }

  /** A blocked client was released: run the commands it sent meanwhile. */
  resume(): void {
    if (this.closing || this.client.blocked) return;
    if (this.backlog.length > 0 || this.parser.pendingBytes > 0) setImmediate(() => this.drain());
  }

  /** Runs the commands that waited (released by a fault or an unblock), then reads on. */
  drain(): void {
    const c = this.client;
    if (this.closing || c.blocked) return;
    if (this.backlog.length > 0) {
      c.inCycle = true;
      try {
        this.backlog.drain(this.node, c, (args) => this.gate?.active === true && this.gate.hold(this, args));
      } finally {
        c.inCycle = false;
      }
      c.flush();
    }
    if (!this.closing && !c.blocked && this.backlog.length === 0 && this.parser.pendingBytes > 0) this.process();
  }

  /** The peer hung up (or the socket failed or closed): forget the client everywhere, once. */
  private released(): void {
    this.closing = true;
    if (this.released_) return;
    this.released_ = true;
    this.backlog.clear();
    this.gate?.detach(this);
    this.eviction.detach(this.client);
    this.node.removeClient(this.client);
  }
}
