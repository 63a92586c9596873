/**
 * One TCP client: reads bytes, parses requests, runs them through the node and writes the
 * replies of everything read in one batch. A protocol error gets Redis's error reply and closes
 * the connection after it; commands read before the error run normally.
 */
import type { Socket } from 'node:net';
import { Client, type ClientTransport } from '../engine/client.js';
import type { RedisNode } from '../engine/node.js';
import { ProtocolError, RequestParser } from '../protocol/parser.js';
import type { ReplyChunk } from '../protocol/reply.js';
import { Backlog } from './backlog.js';
import type { FaultGate, GatedConnection } from './fault-gate.js';

export class Connection implements ClientTransport, GatedConnection {
  readonly client: Client;
  private readonly parser = new RequestParser();
  /** Commands read behind a blocked or held one (server/backlog.ts). */
  private readonly backlog = new Backlog();
  private closing = false;
  private released_ = false;
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
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
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

  private onData(chunk: Buffer): void {
    this.node.stats.netInputBytes += chunk.length;
    if (this.closing) return;
    this.parser.feed(chunk);
    this.process();
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
          args = this.parser.next(this.node.parserLimits(c.authenticated));
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
        // Behind a blocked or held command, commands wait (the control command runs at once).
        if (waiting) this.backlog.add(this.node, c, args);
        else if (this.gate?.active && this.gate.hold(this, args)) this.backlog.hold(args);
        else this.node.execute(c, args);
      }
    } finally {
      c.inCycle = false;
    }
    c.flush();
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
  }

  /** Closes with a TCP reset (a killed node, a dropped or refused connection). */
  reset(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.resetAndDestroy();
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.end();
  }

  /** Closes at once, dropping pending output (CLIENT KILL, server stop). */
  destroy(): void {
    this.closing = true;
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
    this.node.removeClient(this.client);
  }
}
