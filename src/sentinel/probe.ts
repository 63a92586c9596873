/**
 * How a Sentinel sees one Redis instance: does it answer PING, and what does its INFO say (run
 * ID, role, replica priority and offset, link to its primary, its replicas). Two kinds:
 *
 * - LocalProbe: a RedisSim of this process, read directly (no TCP): exact and synchronous, and
 *   told of kills, restarts and promotions by topology events.
 * - TcpProbe: any address (another redis-sim process, a real redis-server), as redis-sentinel
 *   does it: one connection, a PING and an INFO each ping round, REPLICAOF to reconfigure. What it
 *   knows is what the last replies said; a closed connection is "not answering".
 */
import net from 'node:net';
import type { RedisNode } from '../engine/node.js';
import { parseReply, RespError, type RespValue, RespVerbatim } from '../protocol/reply-parser.js';
import { Replication } from '../topology/replication.js';

/** What the Sentinel needs of a node of this process (RedisSim has all of it). */
export interface WatchedNode {
  readonly node: RedisNode;
  readonly host: string;
  readonly port: number;
  readonly killed: boolean;
  readonly paused: boolean;
}

export interface LinkState {
  up: boolean;
  host: string;
  port: number;
  /** master_link_down_since_seconds × 1000 (0 while up). */
  downMs: number;
}

export interface Probe {
  readonly host: string;
  readonly port: number;
  /** Would it answer a PING now (TCP: was the last PING answered on a live connection)? */
  readonly answering: boolean;
  /** The connection is closed (refused): Sentinel's "disconnected" flag. */
  readonly disconnected: boolean;
  readonly runId: string;
  readonly role: 'master' | 'slave';
  readonly priority: number;
  readonly announced: boolean;
  readonly replOffset: number;
  /** A replica's link to its primary (undefined: it follows none). */
  readonly link: LinkState | undefined;
  /** The replicas its INFO lists (TCP; in-process replicas are found through the registry). */
  readonly reportedReplicas: readonly { host: string; port: number }[];
  /** A ping round: TCP sends PING and INFO (answers arrive later); local does nothing. */
  poll(): void;
  /** REPLICAOF NO ONE. */
  promote(): void;
  /** REPLICAOF the given primary. */
  follow(primary: Probe): void;
  /** Is this the node `n` of this process? */
  is(n: RedisNode): boolean;
  close(): void;
}

export class LocalProbe implements Probe {
  /** The node was stopped for good (sim.stop()). */
  gone = false;

  constructor(readonly sim: WatchedNode) {}

  get host(): string {
    return this.sim.host;
  }
  get port(): number {
    return this.sim.port;
  }
  get answering(): boolean {
    return !this.gone && !this.sim.killed && !this.sim.paused;
  }
  get disconnected(): boolean {
    return this.gone || this.sim.killed;
  }
  get runId(): string {
    return this.sim.node.runId;
  }
  get role(): 'master' | 'slave' {
    return this.sim.node.role;
  }
  get priority(): number {
    return Number(this.sim.node.config.get('replica-priority'));
  }
  get announced(): boolean {
    return this.sim.node.config.get('replica-announced') === 'yes';
  }
  get replOffset(): number {
    return Replication.of(this.sim.node).primary.offset;
  }
  get link(): LinkState | undefined {
    const l = Replication.of(this.sim.node).replica;
    if (!l) return undefined;
    const nowSec = Math.floor(this.sim.node.clock.now() / 1000);
    return { up: l.up, host: l.host, port: l.port, downMs: l.up ? 0 : (nowSec - Math.floor(l.downSince / 1000)) * 1000 };
  }
  get reportedReplicas(): { host: string; port: number }[] {
    return [];
  }
  poll(): void {}
  promote(): void {
    Replication.of(this.sim.node).promote();
  }
  follow(primary: Probe): void {
    const r = Replication.of(this.sim.node);
    if (primary instanceof LocalProbe) r.replicaOfNode(primary.sim.node);
    else r.replicaOf(primary.host, primary.port);
  }
  is(n: RedisNode): boolean {
    return this.sim.node === n;
  }
  close(): void {}
}

/** INFO's "field:value" lines as a map. */
function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

export class TcpProbe implements Probe {
  private socket: net.Socket | undefined;
  private connected = false;
  private buf = '';
  private readonly waiting: ((v: RespValue) => void)[] = [];
  private pingInFlight = false;
  private answered = false;
  private info = new Map<string, string>();
  private closed = false;
  /** Bumped by every REPLICAOF sent: an INFO sent before it describes the old role and is ignored. */
  private generation = 0;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.closed || this.socket) return;
    const s = net.connect(this.port, this.host);
    this.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      this.connected = true;
      this.poll();
    });
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (;;) {
        const r = parseReply(this.buf);
        if (!r) break;
        this.buf = this.buf.slice(r[1]);
        this.waiting.shift()?.(r[0]);
      }
    });
    const down = () => {
      this.connected = false;
      this.answered = false;
      this.pingInFlight = false;
      this.socket = undefined;
      this.buf = '';
      this.waiting.length = 0;
    };
    s.on('error', down);
    s.on('close', down);
  }

  private send(args: string[], then: (v: RespValue) => void): void {
    if (!this.socket || !this.connected) return;
    this.waiting.push(then);
    this.socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  }

  poll(): void {
    if (!this.socket) {
      this.connect();
      return;
    }
    if (!this.connected) return;
    // A PING still unanswered from the last round: the instance does not answer (paused, busy).
    if (this.pingInFlight) {
      this.answered = false;
      return;
    }
    this.pingInFlight = true;
    this.send(['PING'], (v) => {
      this.pingInFlight = false;
      // Sentinel counts PONG, LOADING and MASTERDOWN as valid replies.
      const ok = !(v instanceof RespError) || /^(LOADING|MASTERDOWN)/.test(v.message);
      this.answered = ok;
    });
    const gen = this.generation;
    this.send(['INFO'], (v) => {
      if (gen !== this.generation) return;
      if (typeof v === 'string') this.info = infoFields(v);
      else if (v instanceof RespVerbatim) this.info = infoFields(v.text);
    });
  }

  get answering(): boolean {
    return this.connected && this.answered;
  }
  get disconnected(): boolean {
    return !this.connected;
  }
  get runId(): string {
    return this.info.get('run_id') ?? '';
  }
  get role(): 'master' | 'slave' {
    return this.info.get('role') === 'slave' ? 'slave' : 'master';
  }
  get priority(): number {
    return Number(this.info.get('slave_priority') ?? 100);
  }
  get announced(): boolean {
    return this.info.get('replica_announced') !== '0';
  }
  get replOffset(): number {
    return Number(this.info.get('slave_repl_offset') ?? this.info.get('master_repl_offset') ?? 0);
  }
  get link(): LinkState | undefined {
    if (this.info.get('role') !== 'slave') return undefined;
    const up = this.info.get('master_link_status') === 'up';
    return {
      up,
      host: this.info.get('master_host') ?? '?',
      port: Number(this.info.get('master_port') ?? 0),
      downMs: up ? 0 : Number(this.info.get('master_link_down_since_seconds') ?? -1) * 1000,
    };
  }
  get reportedReplicas(): { host: string; port: number }[] {
    const out: { host: string; port: number }[] = [];
    for (const [k, v] of this.info) {
      if (!/^slave\d+$/.test(k)) continue;
      const ip = /(?:^|,)ip=([^,]*)/.exec(v)?.[1];
      const port = /(?:^|,)port=(\d+)/.exec(v)?.[1];
      if (ip && port) out.push({ host: ip, port: Number(port) });
    }
    return out;
  }
  promote(): void {
    this.generation++;
    this.send(['REPLICAOF', 'NO', 'ONE'], () => {});
    this.info.set('role', 'master');
  }
  follow(primary: Probe): void {
    this.generation++;
    this.send(['REPLICAOF', primary.host, String(primary.port)], () => {});
    this.info.set('role', 'slave');
    this.info.set('master_host', primary.host);
    this.info.set('master_port', String(primary.port));
  }
  is(_n: RedisNode): boolean {
    return false;
  }
  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
  }
}
