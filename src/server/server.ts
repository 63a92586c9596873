/**
 * The TCP listener of a node: accepts connections and hands each to a Connection.
 *
 * Binding follows Redis's `bind`: a space-separated list of addresses, `*` for every IPv4
 * address and `::*` for every IPv6 address; an address prefixed with `-` is optional (if it
 * cannot be bound because it does not exist here, e.g. no IPv6, it is skipped). All listeners
 * share one port; an IPv6 wildcard listens on IPv6 only, as Redis sets IPV6_V6ONLY.
 *
 * Admission (acceptCommonHandler, clientAcceptHandler): maxclients first, then protected mode.
 */
import net from 'node:net';
import type { Client } from '../engine/client.js';
import type { RedisNode } from '../engine/node.js';
import { faultsOf } from '../faults/faults.js';
import { Connection } from './connection.js';
import { FaultGate } from './fault-gate.js';
import { IdleReaper, MAX_CLIENTS_ERROR, PROTECTED_MODE_ERROR, protectedModeRefuses } from './limits.js';

export interface ListenOptions {
  port: number;
  /** One address or a Redis `bind` list ("127.0.0.1 -::1", "* -::*"). */
  host: string;
}

/** Errors that make an optional (`-`) bind address skippable, as in Redis's listenToPort. */
const SKIPPABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EINVAL']);

export class Server {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private readonly byClient = new Map<Client, Connection>();
  private readonly reaper: IdleReaper;
  private nextFd = 8;
  /** Where listen() bound (host and port of each listener), to listen there again. */
  private bound: { host: string; port: number }[] = [];
  /** Listeners closed by a refusing partition of every client (new connections refused). */
  private suspended = false;
  /** Between listen() and close() (false while killed or stopped). */
  private up = false;

  /** Socket-level faults (pause, partitions, latency, drops) of the node. */
  private readonly gate: FaultGate;

  constructor(private readonly node: RedisNode) {
    this.gate = new FaultGate(faultsOf(node), {
      suspend: () => this.suspendListening(),
      resume: () => this.resumeListening(),
      isSuspended: () => this.suspended,
    });
    this.reaper = new IdleReaper(node, (c) => this.byClient.get(c)?.destroy());
  }

  private accept(socket: net.Socket): void {
    const node = this.node;
    socket.on('error', () => {});
    if (node.clients.size >= Number(node.config.get('maxclients'))) {
      node.stats.rejectedConnections++;
      socket.end(MAX_CLIENTS_ERROR, () => socket.destroy());
      return;
    }
    if (protectedModeRefuses(node, socket.remoteAddress)) {
      node.stats.rejectedConnections++;
      socket.end(PROTECTED_MODE_ERROR, () => socket.destroy());
      return;
    }
    const conn = new Connection(
      node,
      socket,
      this.nextFd++,
      (cn) => {
        this.connections.delete(cn);
        this.byClient.delete(cn.client);
      },
      this.gate,
    );
    this.connections.add(conn);
    this.byClient.set(conn.client, conn);
    this.reaper.added(conn.client);
    this.gate.attach(conn);
  }

  /** Listens on every address of the bind list; resolves with the port and the first address. */
  async listen(opts: ListenOptions): Promise<{ port: number; host: string }> {
    const addrs = opts.host.split(/\s+/).filter((a) => a !== '');
    if (addrs.length === 0) addrs.push('127.0.0.1');
    let port = opts.port;
    let first: string | undefined;
    this.bound = [];
    this.suspended = false;
    for (const spec of addrs) {
      const optional = spec.startsWith('-');
      const a = optional ? spec.slice(1) : spec;
      const host = a === '*' ? '0.0.0.0' : a === '::*' ? '::' : a;
      try {
        port = await this.listenOne(host, port);
        this.bound.push({ host, port });
        first ??= host;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (optional && SKIPPABLE.has(code)) continue;
        await this.close();
        throw e;
      }
    }
    if (first === undefined) throw new Error('Failed listening on every bind address');
    this.up = true;
    return { port, host: first };
  }

  private listenOne(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      const onError = (e: Error) => reject(e);
      server.once('error', onError);
      server.listen({ port, host, ipv6Only: net.isIPv6(host) }, () => {
        server.off('error', onError);
        this.servers.push(server);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Closes the listening sockets, keeping the connections: a connection attempt now gets
   * ECONNREFUSED (the kernel answers the SYN with a reset, as for a port nothing listens on).
   * net.Server.close() closes the listening descriptor at once; its callback (which waits for
   * every accepted connection to end) is not needed.
   */
  suspendListening(): void {
    if (this.suspended) return;
    this.suspended = true;
    for (const s of this.servers.splice(0)) s.close();
  }

  /** Listens again where listen() bound (the same port: new connections are accepted again). */
  async resumeListening(): Promise<void> {
    if (!this.suspended) return;
    this.suspended = false;
    if (!this.up) return; // killed meanwhile: restart() listens
    for (const b of this.bound) {
      try {
        await this.listenOne(b.host, b.port);
      } catch (e) {
        this.node.log('warning', `Could not listen again on ${b.host}:${b.port}: ${(e as Error).message}`);
      }
    }
  }

  /** Stops listening and closes every connection (with a TCP reset when `reset`: a killed node). */
  close(reset = false): Promise<void> {
    this.reaper.cancel();
    this.suspended = false;
    this.up = false;
    for (const c of this.connections) {
      if (reset) c.reset();
      else c.destroy();
    }
    this.connections.clear();
    const servers = this.servers.splice(0);
    return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => {});
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The connection of a client (CLIENT LIST's qbuf). */
  connectionOf(c: Client): Connection | undefined {
    return this.byClient.get(c);
  }
}
