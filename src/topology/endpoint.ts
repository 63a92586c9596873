/**
 * A primary endpoint: one address that always leads to the current primary of a group of nodes,
 * as a managed service's endpoint (or a DNS name a failover repoints) does. It is a TCP proxy:
 * each client connection is forwarded, byte for byte, to the node that is the group's primary
 * when the client connects. A client that reconnects after a failover lands on the promoted node.
 *
 * - Which node is the primary: a member whose role is master. When several are (split brain),
 *   the one promoted last in this process wins (a promotion makes a node the group's newest
 *   primary, as a failover repoints the endpoint); members in other processes are asked ROLE,
 *   and among them the one the endpoint already points to, else the first, wins.
 * - When the primary changes (a member is promoted or demoted in this process, or refresh()),
 *   the clients connected through the endpoint to the old primary are disconnected
 *   (onFailover 'disconnect', the default), or stay connected to it ('keep': they see READONLY
 *   from a demoted node, or keep writing to a stale primary).
 * - With no primary in the group, a connection is closed at once (the client retries).
 */
import net from 'node:net';
import type { RedisNode } from '../engine/node.js';
import { nodeByPort } from '../faults/nodes.js';
import { ownedBy } from './owned-endpoints.js';
import type { Replication } from './replication.js';
import { onRoleChange } from './role-change.js';

export interface EndpointMember {
  host: string;
  port: number;
  /** The node, when it runs in this process (its role is read directly). */
  node?: RedisNode;
}

export interface PrimaryEndpointOptions {
  /** Port to listen on (0, the default: a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** What clients connected through the endpoint see when the primary changes (default 'disconnect'). */
  onFailover?: 'disconnect' | 'keep';
}

interface Proxied {
  client: net.Socket;
  backend: net.Socket;
  target: EndpointMember;
}

export class PrimaryEndpoint {
  private readonly server = net.createServer((s) => this.accept(s));
  private readonly conns = new Set<Proxied>();
  private current: EndpointMember | undefined;
  private addr = { host: '127.0.0.1', port: 0 };
  private readonly unsubscribe: () => void;
  onFailover: 'disconnect' | 'keep';

  private constructor(
    readonly members: EndpointMember[],
    opts: PrimaryEndpointOptions,
  ) {
    this.onFailover = opts.onFailover ?? 'disconnect';
    this.unsubscribe = onRoleChange((node) => {
      if (this.members.some((m) => m.node === node)) this.changed(this.localPrimary());
    });
  }

  /** Starts listening; members are nodes of this process or addresses (host, port). */
  static async start(members: EndpointMember[], opts: PrimaryEndpointOptions = {}): Promise<PrimaryEndpoint> {
    if (members.length === 0) throw new Error('PrimaryEndpoint: at least one member is needed');
    const ep = new PrimaryEndpoint(members, opts);
    ep.server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ep.server.once('error', reject);
      ep.server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const a = ep.server.address() as net.AddressInfo;
    ep.addr = { host: opts.host ?? '127.0.0.1', port: a.port };
    ep.current = ep.localPrimary();
    return ep;
  }

  /** An address given by host and port: the node of this process listening there, if any. */
  static member(host: string, port: number): EndpointMember {
    const lc = nodeByPort(port) as { node?: RedisNode } | undefined;
    return { host, port, node: lc?.node };
  }

  get port(): number {
    return this.addr.port;
  }

  get host(): string {
    return this.addr.host;
  }

  get url(): string {
    return `redis://${this.addr.host}:${this.addr.port}`;
  }

  /** Clients connected through the endpoint now. */
  get connections(): number {
    return this.conns.size;
  }

  /** The member new connections go to (asks members of other processes ROLE). */
  async primary(): Promise<EndpointMember | undefined> {
    const local = this.localPrimary();
    if (local || this.members.every((m) => m.node)) return local;
    const masters: EndpointMember[] = [];
    for (const m of this.members) if (!m.node && (await askRole(m)) === 'master') masters.push(m);
    return masters.find((m) => m === this.current) ?? masters[0];
  }

  /** Re-reads the roles (members in other processes) and applies onFailover when the primary changed. */
  async refresh(): Promise<EndpointMember | undefined> {
    const p = await this.primary();
    this.changed(p);
    return p;
  }

  /** Disconnects every client connected through the endpoint. */
  disconnectClients(): void {
    for (const c of [...this.conns]) this.drop(c);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.disconnectClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The master of this process promoted last, among the members that run here. */
  private localPrimary(): EndpointMember | undefined {
    let best: EndpointMember | undefined;
    let bestEpoch = -1;
    for (const m of this.members) {
      const node = m.node;
      if (node?.role !== 'master') continue;
      // node.replication is only ever its Replication (installed by Replication.of).
      const epoch = node.replication ? (node.replication as Replication).promotedEpoch : 0;
      if (epoch > bestEpoch) {
        best = m;
        bestEpoch = epoch;
      }
    }
    return best;
  }

  private changed(p: EndpointMember | undefined): void {
    if (p === this.current) return;
    this.current = p;
    if (this.onFailover === 'keep') return;
    for (const c of [...this.conns]) if (c.target !== p) this.drop(c);
  }

  private drop(c: Proxied): void {
    this.conns.delete(c);
    c.client.destroy();
    c.backend.destroy();
  }

  private accept(client: net.Socket): void {
    client.pause();
    client.on('error', () => {});
    void this.primary().then((target) => {
      if (!target || client.destroyed) {
        client.destroy();
        return;
      }
      this.current = target;
      const backend = net.connect(target.port, target.host);
      backend.on('error', () => {});
      const c: Proxied = { client, backend, target };
      this.conns.add(c);
      backend.setNoDelay(true);
      client.setNoDelay(true);
      backend.on('connect', () => {
        client.pipe(backend);
        backend.pipe(client);
        client.resume();
      });
      const close = () => {
        if (this.conns.has(c)) this.drop(c);
      };
      client.on('close', close);
      backend.on('close', close);
    });
  }
}

/** ROLE of a node in another process: 'master', 'slave', or undefined when unreachable. */
function askRole(m: EndpointMember): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(m.port, m.host);
    let buf = '';
    const done = (v: string | undefined) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(undefined));
    s.on('error', () => done(undefined));
    s.on('connect', () => s.write('*1\r\n$4\r\nROLE\r\n'));
    s.on('data', (d) => {
      buf += d.toString('latin1');
      // *N\r\n$len\r\n<role>\r\n ...; an error (NOAUTH...) counts as unknown.
      if (buf.startsWith('-')) return done(undefined);
      const m2 = /^\*\d+\r\n\$\d+\r\n(\w+)\r\n/.exec(buf);
      if (m2) done(m2[1]);
    });
  });
}

/** SIM ENDPOINT START: an endpoint owned by `owner` (stopped when it shuts down). */
export async function startOwnedEndpoint(
  owner: RedisNode,
  members: EndpointMember[],
  opts: PrimaryEndpointOptions,
): Promise<PrimaryEndpoint> {
  const ep = await PrimaryEndpoint.start(members, opts);
  let m = ownedBy.get(owner);
  if (!m) {
    m = new Map();
    ownedBy.set(owner, m);
  }
  m.set(ep.port, ep);
  return ep;
}

export function ownedEndpoint(owner: RedisNode, port: number): PrimaryEndpoint | undefined {
  return ownedBy.get(owner)?.get(port);
}

export async function stopOwnedEndpoint(owner: RedisNode, port: number): Promise<boolean> {
  const ep = ownedBy.get(owner)?.get(port);
  if (!ep) return false;
  ownedBy.get(owner)?.delete(port);
  await ep.stop();
  return true;
}
