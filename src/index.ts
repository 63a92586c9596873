/**
 * redis-sim's public API: start a node listening on TCP, drive its clock, seed and inspect data.
 *
 *   const sim = await RedisSim.start({ port: 0, clock: 'manual' });
 *   const redis = new Redis(sim.port);
 *   await redis.set('k', 'v', 'PX', 1000);
 *   sim.clock.advance(1000);   // the key is gone, its `expired` event published
 *   await sim.stop();
 */

import { loadAclAtStartup } from './acl/file.js';
import { aclHooks } from './acl/hooks.js';
import { loadFunctions } from './commands/functions.js';
import { COMMANDS } from './commands/index.js';
import { Client } from './engine/client.js';
import type { Clock } from './engine/clock.js';
import { type NodeOptions, RedisNode } from './engine/node.js';
import { unpauseClients } from './engine/pause.js';
import { recordStart, resetNode } from './engine/reset.js';
import { faultsOf, type NodeFaults, resetFaults } from './faults/faults.js';
import type { Journal } from './faults/journal.js';
import { type NodeLifecycle, registerNode, unregisterNode } from './faults/nodes.js';
import { checkStartOptions } from './options.js';
import { parseReply, type RespValue } from './protocol/reply-parser.js';
import { loadRdb } from './rdb/load.js';
import { recordLoad } from './rdb/persistence.js';
import { saveRdb } from './rdb/save.js';
import { startupLoad, stopPersistence } from './rdb/startup.js';
import { RedisReplyError, type ReplyValue, toArg, toReplyValue } from './reply-values.js';
import { Server } from './server/server.js';
import { ReplicationControl } from './topology/control.js';
import { Replication } from './topology/replication.js';

export { loadScriptingEngine } from './commands/scripting.js';
export * from './control/index.js';
export { Clock, type ClockMode, type ClockOptions, type DeriveOptions } from './engine/clock.js';
export { DEFAULT_VERSION, type NodeOptions, RedisNode } from './engine/node.js';
export { type CommandFault, type CommandFaultAction, type CommandFaultOptions, ERROR_TEXTS } from './faults/command-faults.js';
export type { Latency, NodeFaults, Partition, PartitionMode } from './faults/faults.js';
export type { Journal, JournalEntry, JournalQuery, ReplyKind } from './faults/journal.js';
export type { ClientSelector } from './faults/selector.js';
export { RedisSimOptionError } from './options.js';
export * from './protocol/reply-parser.js';
export { RdbError } from './rdb/errors.js';
export { RedisReplyError, type ReplyValue } from './reply-values.js';
export { ReplicationControl } from './topology/control.js';
export { type EndpointMember, PrimaryEndpoint, type PrimaryEndpointOptions } from './topology/endpoint.js';

/** What the old primary does when a replica is promoted (see RedisSim.promote). */
export type OldPrimaryFate = 'demote' | 'kill' | 'split-brain';

/** Internal (the CLI's): leave the Lua engine to load on the first script. */
export const LAZY_SCRIPTING: unique symbol = Symbol('redis-sim.lazyScripting');

export interface RedisSimOptions extends Omit<NodeOptions, 'config' | 'commands'> {
  /**
   * Configuration parameters by name, as in redis.conf (e.g. { maxmemory: '1mb', hz: 50,
   * appendonly: false }): names and values are checked as redis-server checks them.
   */
  config?: Record<string, string | number | boolean>;
  /** @internal */
  [LAZY_SCRIPTING]?: boolean;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind, or a list as Redis's `bind` ("127.0.0.1 -::1", "* -::*"); default 127.0.0.1. */
  host?: string;
  /** Number of databases (default 16). */
  databases?: number;
  /** Password of the default user (requirepass). */
  requirepass?: string;
  /**
   * Data to start with: an RDB file's path or bytes (a fixture, or an earlier snapshot()). Without
   * it, `dir`/`dbfilename` given in `config` load that file when it exists, as redis-server does.
   */
  rdb?: string | Buffer;
  /**
   * Users as redis.conf's `user` lines declare them, each [name, ...rules] (e.g. ['alice', 'on',
   * '>secret', '~app:*', '+@read']), created at start before the aclfile is read; with an
   * aclfile configured too, the start fails, as in Redis (docs/acl.md).
   */
  users?: readonly (readonly string[])[];
}

export interface WaitForBlockedOptions {
  /** Count only clients blocked on this key. */
  key?: string | Buffer;
  /** The key's database (default 0). */
  db?: number;
  /** Reject after this many ms of real time (default: wait forever). */
  timeout?: number;
}

export class RedisSim implements NodeLifecycle {
  readonly node: RedisNode;
  private readonly server: Server;
  private addr = { port: 0, host: '127.0.0.1' };
  private stopped = false;
  private killedFlag = false;
  /** The RDB kill() saved, which restart() loads when it keeps the data. */
  private killSnapshot: Buffer | undefined;
  private fake: Client | undefined;
  private replCtl: ReplicationControl | undefined;
  /** A restart scheduled by kill({ restartAfter }). */
  private restartTimer: NodeJS.Timeout | undefined;

  private constructor(opts: RedisSimOptions) {
    // Unknown options and invalid values fail here, naming the option and what it accepts.
    const config = checkStartOptions(opts);
    const controlCommand = typeof opts.controlCommand === 'string' ? opts.controlCommand.toLowerCase() : opts.controlCommand;
    this.node = new RedisNode({ ...opts, config, controlCommand, commands: COMMANDS, acl: aclHooks });
    loadAclAtStartup(this.node, opts.users);
    this.server = new Server(this.node);
    // Replication state from the start: min-replicas-to-write refuses writes with no replica at all.
    Replication.of(this.node);
    this.node.onShutdownRequest = () => {
      void this.stop();
    };
  }

  /** Creates a node and starts listening; resolves once connections are accepted. */
  static async start(opts: RedisSimOptions = {}): Promise<RedisSim> {
    const sim = new RedisSim(opts);
    startupLoad(sim.node, opts.rdb, checkStartOptions(opts));
    const host = opts.host ?? '127.0.0.1';
    // In-process calls cannot wait for the Lua engine's first load, so it loads with the node;
    // the CLI leaves it to the first script (its clients can wait), to start faster.
    const engine = opts[LAZY_SCRIPTING] ? undefined : loadFunctions();
    sim.addr = await sim.server.listen({ port: opts.port ?? 0, host });
    await engine;
    sim.node.config.setRaw('port', String(sim.addr.port));
    sim.node.config.setRaw('bind', host);
    registerNode(sim);
    recordStart(sim.node);
    return sim;
  }

  /**
   * The node's faults: pause/resume (a frozen process), drop, partition/heal, latency, per-command
   * faults (`faults.commands.add`), slow scripts. The control command drives the same object.
   */
  get faults(): NodeFaults {
    return faultsOf(this.node);
  }

  /** The command journal (off by default: `journal.start()`). */
  get journal(): Journal {
    return faultsOf(this.node).journal;
  }

  /** True between kill() and restart(). */
  get killed(): boolean {
    return this.killedFlag;
  }

  /** True while the node is paused (faults.pause()). */
  get paused(): boolean {
    return faultsOf(this.node).paused;
  }

  /**
   * Kills the node: every connection is reset and the port refuses new ones. The node saves an
   * RDB snapshot of its data as it goes down (as a clean shutdown with persistence does); restart()
   * then loads it back, or starts empty (a crash without persistence). The clock keeps running.
   *
   * With `restartAfter` (milliseconds of real time: a dead node's virtual clock cannot be reached
   * to move it) the node restarts by itself, with `keepData` as restart() takes it: what a
   * supervisor restarting a crashed process does, and the only way back for a node that is alone
   * in its process (the CLI's) and was killed over the wire.
   */
  async kill(opts: { restartAfter?: number; keepData?: boolean } = {}): Promise<void> {
    if (this.stopped || this.killedFlag) return;
    const after = opts.restartAfter;
    if (after !== undefined && !(Number.isFinite(after) && after >= 0))
      throw new RangeError('kill({ restartAfter }): a finite number of milliseconds >= 0');
    this.killedFlag = true;
    this.killSnapshot = saveRdb(this.node);
    const faults = faultsOf(this.node);
    faults.scripts.abort();
    faults.resume();
    unpauseClients(this.node);
    // Replication links die with the process: its replicas see the link down, and as a replica
    // it stops following its primary until restart().
    Replication.of(this.node).killed();
    await this.server.close(true);
    if (after !== undefined) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopped || !this.killedFlag) return;
        this.restart({ keepData: opts.keepData ?? true }).catch((e: Error) =>
          this.node.log('warning', `Scheduled restart failed: ${e.message}`),
        );
      }, after);
    }
  }

  /**
   * Restarts a killed node on the same port. keepData (default true): the node loads the RDB
   * snapshot kill() saved, so exactly what an RDB keeps survives: keys, TTLs (a master drops the
   * keys whose deadline passed while it was down), functions, encodings as a load derives them;
   * false: it starts empty. Either way the script cache is empty (EVALSHA gets NOSCRIPT) and no
   * client is connected.
   */
  async restart(opts: { keepData?: boolean } = {}): Promise<void> {
    if (this.stopped) throw new Error('restart: the node was stopped');
    if (!this.killedFlag) throw new Error('restart: the node is not killed');
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const snapshot = this.killSnapshot;
    this.killSnapshot = undefined;
    if (opts.keepData === false || snapshot === undefined) {
      this.node.flushAllData();
      this.command('FUNCTION', 'FLUSH');
    } else recordLoad(this.node, loadRdb(this.node, snapshot));
    this.command('SCRIPT', 'FLUSH');
    await this.server.listen({ port: this.addr.port, host: this.addr.host });
    this.killedFlag = false;
    // A refusing partition of every client still set closes the new listeners again.
    faultsOf(this.node).netChanged();
    Replication.of(this.node).restarted();
  }

  get port(): number {
    return this.addr.port;
  }

  get host(): string {
    return this.addr.host;
  }

  /** redis://host:port */
  get url(): string {
    return `redis://${this.addr.host}:${this.addr.port}`;
  }

  /** The node's clock: now(), advance(ms), set(ms), next(), freeze(), resume(). */
  get clock(): Clock {
    return this.node.clock;
  }

  private fakeClient(): Client {
    if (!this.fake) {
      this.fake = new Client(this.node, undefined, { fake: true });
      // In-process calls cannot wait: blocking commands reply at once, as inside MULTI.
      this.fake.noBlock = true;
    }
    return this.fake;
  }

  /**
   * Runs a command in-process and returns the raw parsed reply: RESP wrappers (RespStatus,
   * RespError, ...) and byte strings (one character per byte). Most code wants call().
   */
  command(...args: (string | number | Buffer)[]): RespValue {
    const c = this.fakeClient();
    c.reply.take();
    this.node.execute(c, args.map(toArg));
    const out = c.reply.take();
    const parsed = parseReply(out);
    if (!parsed) throw new Error('command produced no complete reply (blocking commands cannot run in-process)');
    return parsed[0];
  }

  /**
   * Runs a command in-process, as a client of its own would (database 0 unless SELECTed through
   * this same call path), and returns what a client library returns: strings (UTF-8), numbers,
   * arrays, null; an error reply is thrown as a RedisReplyError with its `code` (WRONGTYPE, ...).
   * String arguments are sent UTF-8 encoded, Buffers as they are.
   *
   *   sim.call('SET', 'k', 'héllo ✓');   // 'OK'
   *   sim.call('GET', 'k');              // 'héllo ✓'
   */
  call(...args: (string | number | Buffer)[]): ReplyValue {
    const v = toReplyValue(this.command(...args), false);
    if (v instanceof RedisReplyError) throw v;
    return v;
  }

  /** Like call(), with every string of the reply a Buffer (binary values). */
  callBuffer(...args: (string | number | Buffer)[]): ReplyValue {
    const v = toReplyValue(this.command(...args), true);
    if (v instanceof RedisReplyError) throw v;
    return v;
  }

  /** The node's data as an RDB file (what SAVE writes; load it with restore() or `rdb`). */
  snapshot(): Buffer {
    return saveRdb(this.node);
  }

  /**
   * Replaces the node's data with an RDB file (a snapshot() or a real Redis's dump.rdb). A file
   * that is not valid throws an RdbError and leaves the data as it was.
   */
  restore(rdb: Buffer | string): void {
    recordLoad(this.node, loadRdb(this.node, rdb));
  }

  /** Empties every database. */
  flushAll(): void {
    this.node.flushAllData();
  }

  /** Replication controls: hold/release/delay the stream, break/restore the link, promote (docs/replication.md). */
  get repl(): ReplicationControl {
    if (!this.replCtl) this.replCtl = new ReplicationControl(this.node);
    return this.replCtl;
  }

  /** Makes this node a replica of `primary` in the same process (objects, no TCP); null: REPLICAOF NO ONE. */
  replicaOf(primary: RedisSim | null): void {
    if (primary === null) this.repl.promote();
    else this.repl.replicaOf(primary.node);
  }

  /**
   * Failover: promotes this replica and returns the writes of its old primary it never applied
   * (lost). The old primary is then demoted to a replica of this node (its clients get READONLY
   * on writes; its extra writes are discarded by the full resync), killed (sim.kill(): its clients are
   * disconnected), or left a primary (split brain: its clients keep writing where nobody reads).
   */
  async promote(opts: { oldPrimary?: RedisSim; fate?: OldPrimaryFate } = {}): Promise<string[]> {
    const lost = this.repl.promote();
    const old = opts.oldPrimary;
    const fate = opts.fate ?? 'demote';
    if (old && fate === 'kill') await old.kill();
    else if (old && fate === 'demote') old.replicaOf(this);
    return lost;
  }

  /**
   * Puts the node back as it started, for the next test: data, scripts, functions, config, client
   * connections (all closed), pause, stats, faults and the journal, and the clock back to its start
   * time (see engine/reset.ts, faults/faults.ts resetFaults). Over the wire: `SIM RESET`.
   */
  reset(): void {
    resetNode(this.node, () => this.fakeClient());
    resetFaults(this.node);
  }

  /**
   * Resolves once at least `count` clients are blocked (on `key` of database `db`, default 0,
   * when a key is given); with `timeout` (ms of real time) rejects if that does not happen in time.
   * The old form waitForBlocked(count, key?, db?) still works.
   */
  waitForBlocked(count: number, opts?: WaitForBlockedOptions | string, db?: number): Promise<void> {
    const o: WaitForBlockedOptions = typeof opts === 'string' ? { key: opts, db } : (opts ?? {});
    if (!Number.isInteger(count) || count < 0)
      throw new TypeError(`waitForBlocked(count): count must be an integer >= 0; got ${String(count)}`);
    const key = o.key === undefined ? undefined : toArg(o.key);
    const dbIndex = key === undefined ? o.db : (o.db ?? 0);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cancel = this.node.blocking.onBlocked(count, key, dbIndex, () => {
        if (timer) clearTimeout(timer);
        resolve();
      });
      if (o.timeout !== undefined) {
        timer = setTimeout(() => {
          cancel();
          const now = this.node.blocking.countBlocked(key, dbIndex);
          reject(
            new Error(
              `waitForBlocked: ${now} of ${count} clients blocked${o.key === undefined ? '' : ` on '${o.key}'`} after ${o.timeout} ms`,
            ),
          );
        }, o.timeout);
      }
    });
  }

  /** Closes every connection and the listener, and stops the node's timers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.restartTimer);
    unregisterNode(this);
    faultsOf(this.node).scripts.abort();
    stopPersistence(this.node);
    await this.server.close();
    this.node.shutdown();
  }
}
export { RedisSentinel, type SentinelMasterOptions, type SentinelOptions } from './sentinel/sentinel.js';
