/**
 * Test helpers: start a redis-sim node on a free port (manual clock by default) and open clients
 * that are closed when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { RedisSim, type RedisSimOptions } from '../src/index.js';
import { RawClient } from './raw-client.js';

export { encodeCommand, RawClient } from './raw-client.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  const fns = cleanups.splice(0).reverse();
  for (const fn of fns) await fn();
});

/**
 * Starts a node on 127.0.0.1 and a free port; it stops after the test. Unless the test gives a
 * `dir`, it gets an empty directory of its own (SAVE, BGSAVE and DEBUG RELOAD write files there),
 * removed after the test.
 */
export async function startSim(opts: RedisSimOptions = {}): Promise<RedisSim> {
  const config = { ...(opts.config ?? {}) };
  if (config.dir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sim-test-'));
    config.dir = dir;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  }
  const sim = await RedisSim.start({ port: 0, clock: 'manual', ...opts, config });
  cleanups.push(() => sim.stop());
  return sim;
}

/** An ioredis client to `sim`, closed after the test. */
export function ioredis(sim: { port: number }, opts: Record<string, unknown> = {}): Redis {
  const r = new Redis({ port: sim.port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 0, ...opts });
  r.on('error', () => {});
  cleanups.push(() => {
    r.disconnect();
  });
  return r;
}

/**
 * Takes a node-redis client (made with the options the test needs): its errors are swallowed (a
 * test that kills or faults the node expects them) and it is destroyed after the test.
 */
export function nodeRedis<C extends { on(event: 'error', fn: () => void): unknown; isOpen: boolean; destroy(): void }>(client: C): C {
  client.on('error', () => {});
  cleanups.push(() => {
    if (client.isOpen) client.destroy();
  });
  return client;
}

/** A raw socket client to `sim`, closed after the test. */
export async function raw(sim: { port: number }): Promise<RawClient> {
  const c = await RawClient.connect(sim.port);
  cleanups.push(() => c.close());
  return c;
}

/** Registers extra cleanup for the current test. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/**
 * Subscribes to every keyevent of database 0 (setting notify-keyspace-events to KEA through `admin`)
 * and returns a function that gives the "event key" lines received so far.
 */
export async function keyEvents(sim: { port: number }, admin: Redis = ioredis(sim)): Promise<() => Promise<string[]>> {
  await admin.config('SET', 'notify-keyspace-events', 'KEA');
  const sub = ioredis(sim);
  const seen: string[] = [];
  sub.on('pmessage', (_p: string, channel: string, message: string) => {
    if (channel.startsWith('__keyevent@0__:')) seen.push(`${channel.slice('__keyevent@0__:'.length)} ${message}`);
  });
  await sub.psubscribe('__keyevent@0__:*');
  return async () => {
    // A round trip on the subscriber delivers every message published before it.
    await sub.ping();
    return seen.splice(0);
  };
}

/**
 * Records every keyspace notification the node raises, enabled or not, as "class:event:key"
 * (prefixed with "db:" when `withDb`).
 */
export function recordNotifications(sim: RedisSim, withDb = false): string[] {
  const events: string[] = [];
  const node = sim.node;
  const orig = node.notify.bind(node);
  node.notify = (db, cls, event, key) => {
    events.push(`${withDb ? `${db.index}:` : ''}${cls}:${event}:${key}`);
    orig(db, cls, event, key);
  };
  return events;
}

/** Connects to 127.0.0.1:`port`: resolves 'connected', or the connection's error code (ECONNREFUSED, ECONNRESET). */
export function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

/**
 * Waits, turn by turn of the event loop (never by time), until `cond` holds: for work that another
 * socket or an in-process link finishes without the clock moving (a replica's sync, a reconnect).
 */
export async function until(cond: () => boolean | Promise<boolean>, tries = 5000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

/** One INFO section of an in-process node as name → value. */
export function infoFields(sim: RedisSim, section = 'replication'): Record<string, string> {
  const text = String(sim.call('INFO', section));
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}
