/**
 * One scenario, two targets. `scenario(title, body, opts)` defines the same test twice: against
 * redis-sim (manual clock: waiting moves virtual time, nothing sleeps) and against a real
 * redis-server (short real TTLs, real waits). The body gets a `Ctx` that hides the difference:
 *
 * - `t.node()` starts a server (RedisSim.start on port 0, or redis-server on a free port);
 *   `node.kill()`, `node.restartEmpty()` (same port, no data) work on both.
 * - `t.advance(ms)` lets time pass (sim: every node clock moves; real: a real wait).
 * - `t.runtime` is what the patterns take as their environment: the client's clock, `sleep`
 *   (sim: `clockRuntime`, a timer on the virtual clock that moves the clock to its deadline once
 *   the event loop has run what was ready), a seeded `random` and counter-based unique ids.
 *
 * Each file prints a table scenario × target (passed / FAILED / redis-sim-only / pending: <control>)
 * after its tests. A scenario marked `pendingSim` needs a redis-sim control that does not exist
 * yet: its body is written and skipped (`it.skip`, the control named in the title).
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, it } from 'vitest';
import { haveRedisServer, redisServerBin, spawnRedisServer } from '../../compat/redis-server-process.mjs';
import { Clock, loadScriptingEngine, RedisSim } from '../../src/index.js';
import { clockRuntime, fromIoredis, fromNodeRedis, type PatternClient } from '../../src/patterns/index.js';
import type { Runtime } from '../../src/patterns/runtime.js';
import { rng as seeded } from '../rng.js';

export type TargetName = 'redis-sim' | 'real-redis';

export interface NodeHandle {
  readonly port: number;
  /** The RedisSim (redis-sim target only; replaced by restartEmpty). */
  readonly sim: RedisSim | undefined;
  /** This node's clock (redis-sim target only). */
  readonly clock: Clock | undefined;
  /** The server process id (real target only). */
  readonly pid: number | undefined;
  /** Stops the server: connections reset, the port refuses. */
  kill(): Promise<void>;
  /** Starts it again on the same port with no data (a crash without persistence). */
  restartEmpty(): Promise<void>;
}

export interface NodeOptions {
  /** redis-sim: the node gets a clock of its own (still moved by `advance`) that a test can jump alone. */
  ownClock?: boolean;
}

export interface Ctx {
  readonly target: TargetName;
  readonly isSim: boolean;
  readonly runtime: Runtime;
  node(opts?: NodeOptions): Promise<NodeHandle>;
  /** An ioredis-backed PatternClient (failing fast while the server is down, reconnecting quickly). */
  client(node: NodeHandle): Promise<PatternClient>;
  /** A node-redis-backed PatternClient (RESP2, no offline queue). */
  nodeRedisClient(node: NodeHandle): Promise<PatternClient>;
  /** A plain ioredis client, for setup and inspection. */
  ioredis(node: NodeHandle): Promise<Redis>;
  /** Closes a client made by `client`/`nodeRedisClient` (a worker crashing: its connection drops). */
  crash(client: PatternClient): Promise<void>;
  /** Lets `ms` pass on every node and on the client's clock. */
  advance(ms: number): Promise<void>;
  /** Resolves once `n` clients are blocked on `key` of `node`. */
  waitBlocked(node: NodeHandle, n: number, key: string): Promise<void>;
  /** Waits until a client reconnected after a restart answers again. */
  ready(client: PatternClient): Promise<void>;
  /** Freezes the whole server process (a GC pause, SIGSTOP): nothing is read or answered. */
  freeze(node: NodeHandle): Promise<void>;
  /** Lets a frozen server run again. */
  thaw(node: NodeHandle): Promise<void>;
}

export interface ScenarioOptions {
  /** No real-Redis equivalent: runs on redis-sim only (say why). */
  simOnly?: string;
  /** Needs a redis-sim control that is being built: the sim run is pending (name the control). */
  pendingSim?: string;
  /** Real Redis cannot run this yet either (name why); reported pending. */
  pendingReal?: string;
}

type Body = (t: Ctx) => Promise<void>;

const realAvailable = (() => {
  const ok = haveRedisServer();
  if (!ok && process.env.CI) throw new Error(`patterns: no real redis-server found (${redisServerBin()}); CI must install it`);
  return ok;
})();

const results = new Map<string, Record<TargetName, string>>();

function record(title: string, target: TargetName, status: string): void {
  const row = results.get(title) ?? { 'redis-sim': '', 'real-redis': '' };
  row[target] = status;
  results.set(title, row);
}

afterAll(() => {
  if (results.size === 0) return;
  const w = Math.max(8, ...[...results.keys()].map((k) => k.length));
  const lines = [`| ${'scenario'.padEnd(w)} | redis-sim | real-redis |`, `| ${'-'.repeat(w)} | --- | --- |`];
  for (const [title, row] of results) lines.push(`| ${title.padEnd(w)} | ${row['redis-sim']} | ${row['real-redis']} |`);
  console.log(`\n${lines.join('\n')}\n`);
});

/** Defines `title` on both targets (see the file comment). */
export function scenario(title: string, body: Body, opts: ScenarioOptions = {}): void {
  if (opts.pendingSim) {
    record(title, 'redis-sim', `pending: ${opts.pendingSim}`);
    it.skip(`[redis-sim] ${title} (pending: ${opts.pendingSim})`, () => run('redis-sim', body));
  } else {
    it(`[redis-sim] ${title}`, async () => {
      record(title, 'redis-sim', 'FAILED');
      await run('redis-sim', body);
      record(title, 'redis-sim', 'passed');
    });
  }
  if (opts.simOnly) {
    record(title, 'real-redis', `redis-sim-only: ${opts.simOnly}`);
  } else if (opts.pendingReal) {
    record(title, 'real-redis', `pending: ${opts.pendingReal}`);
    it.skip(`[real-redis] ${title} (pending: ${opts.pendingReal})`, () => run('real-redis', body));
  } else if (!realAvailable) {
    record(title, 'real-redis', 'skipped: no redis-server');
    it.skip(`[real-redis] ${title} (no redis-server)`, () => {});
  } else {
    it(`[real-redis] ${title}`, async () => {
      record(title, 'real-redis', 'FAILED');
      await run('real-redis', body);
      record(title, 'real-redis', 'passed');
    });
  }
}

async function run(target: TargetName, body: Body): Promise<void> {
  const ctx = target === 'redis-sim' ? new SimCtx() : new RealCtx();
  try {
    await body(ctx);
  } finally {
    await ctx.cleanup();
  }
}

abstract class BaseCtx implements Ctx {
  abstract readonly target: TargetName;
  abstract readonly isSim: boolean;
  abstract readonly runtime: Runtime;
  protected readonly cleanups: (() => Promise<void> | void)[] = [];
  private readonly closers = new Map<PatternClient, () => Promise<void>>();
  private ids = 0;
  protected readonly random = seeded(14);

  protected uniqueId = (): string => `id-${++this.ids}`;

  abstract node(opts?: NodeOptions): Promise<NodeHandle>;
  abstract advance(ms: number): Promise<void>;
  abstract waitBlocked(node: NodeHandle, n: number, key: string): Promise<void>;
  abstract freeze(node: NodeHandle): Promise<void>;
  abstract thaw(node: NodeHandle): Promise<void>;

  async ioredis(node: NodeHandle): Promise<Redis> {
    const r = new Redis({
      port: node.port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 5,
      lazyConnect: true,
    });
    r.on('error', () => {});
    this.cleanups.push(() => r.disconnect());
    await r.connect();
    return r;
  }

  async client(node: NodeHandle): Promise<PatternClient> {
    const r = await this.ioredis(node);
    const c = fromIoredis(r);
    this.closers.set(c, async () => r.disconnect());
    return c;
  }

  async nodeRedisClient(node: NodeHandle): Promise<PatternClient> {
    const r = createClient({
      socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: () => 5 },
      disableOfflineQueue: true,
    });
    r.on('error', () => {});
    await r.connect();
    const close = async () => {
      if (r.isOpen) r.destroy();
    };
    this.cleanups.push(close);
    const c = fromNodeRedis(r);
    this.closers.set(c, close);
    return c;
  }

  async crash(client: PatternClient): Promise<void> {
    await this.closers.get(client)?.();
  }

  async ready(client: PatternClient): Promise<void> {
    // The client reconnects on its own (retryStrategy 5 ms); wait for its first answer.
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await client.send('PING');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) await fn();
  }
}

class SimCtx extends BaseCtx {
  readonly target = 'redis-sim' as const;
  readonly isSim = true;
  /** The client's clock, shared by every node that has no clock of its own. */
  readonly clock = new Clock({ mode: 'manual', start: 1_700_000_000_000 });
  private readonly ownClocks: Clock[] = [];
  readonly runtime: Runtime = clockRuntime(this.clock, {
    advance: (ms) => this.moveAll(ms),
    random: this.random,
    uniqueId: this.uniqueId,
  });

  private moveAll(ms: number): void {
    this.clock.advance(ms);
    for (const c of this.ownClocks) c.advance(ms);
  }

  async advance(ms: number): Promise<void> {
    this.moveAll(ms);
  }

  async node(opts: NodeOptions = {}): Promise<NodeHandle> {
    const clock = opts.ownClock ? new Clock({ mode: 'manual', start: this.clock.now() }) : this.clock;
    if (opts.ownClock) this.ownClocks.push(clock);
    // redis-sim loads its Lua engine on the first EVAL of a process, and that EVAL replies later
    // than commands sent after it by other clients; real Redis has it loaded from the start.
    await loadScriptingEngine();
    let sim: RedisSim | undefined = await RedisSim.start({ port: 0, clock });
    const port = sim.port;
    this.cleanups.push(() => sim?.stop());
    return {
      port,
      get sim() {
        return sim;
      },
      clock,
      pid: undefined,
      kill: async () => {
        await sim?.stop();
        sim = undefined;
      },
      restartEmpty: async () => {
        await sim?.stop();
        sim = await RedisSim.start({ port, clock });
      },
    };
  }

  async waitBlocked(node: NodeHandle, n: number, key: string): Promise<void> {
    await node.sim!.waitForBlocked(n, key);
  }

  // The whole node stops as under SIGSTOP: commands wait unread, nothing is answered, sockets stay open.
  async freeze(node: NodeHandle): Promise<void> {
    node.sim!.faults.pause();
  }

  async thaw(node: NodeHandle): Promise<void> {
    node.sim!.faults.resume();
  }
}

class RealCtx extends BaseCtx {
  readonly target = 'real-redis' as const;
  readonly isSim = false;
  readonly runtime: Runtime = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: this.random,
    uniqueId: this.uniqueId,
  };

  async advance(ms: number): Promise<void> {
    // A real key is expired once the server's clock is past its deadline; a few ms of margin
    // absorb timer rounding.
    await new Promise((r) => setTimeout(r, ms + 5));
  }

  async node(): Promise<NodeHandle> {
    const server = await spawnRedisServer();
    this.cleanups.push(() => server.stop());
    return {
      port: server.port,
      sim: undefined,
      clock: undefined,
      get pid() {
        return server.child.exitCode === null && server.child.signalCode === null ? server.pid : undefined;
      },
      kill: () => server.kill(),
      // Same port, a fresh process with no persistence: empty.
      restartEmpty: () => server.restart(),
    };
  }

  async freeze(node: NodeHandle): Promise<void> {
    process.kill(node.pid!, 'SIGSTOP');
  }

  async thaw(node: NodeHandle): Promise<void> {
    process.kill(node.pid!, 'SIGCONT');
  }

  async waitBlocked(node: NodeHandle, n: number, key: string): Promise<void> {
    // Real Redis has no "wait until blocked": poll CLIENT LIST for clients blocked in a command on `key`'s kind.
    const r = await this.ioredis(node);
    const deadline = Date.now() + 5000;
    for (;;) {
      const list = (await r.call('CLIENT', 'LIST')) as string;
      const blocked = list.split('\n').filter((l) => / flags=\S*b/.test(l)).length;
      if (blocked >= n) return;
      if (Date.now() > deadline) throw new Error(`only ${blocked} of ${n} clients blocked on ${key}`);
      await new Promise((res) => setTimeout(res, 2));
    }
  }
}
