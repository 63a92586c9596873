/**
 * Test helpers: start a redis-sim node on a free port (manual clock by default) and open clients
 * that are closed when the test ends.
 */
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

/** Starts a node on 127.0.0.1 and a free port; it stops after the test. */
export async function startSim(opts: RedisSimOptions = {}): Promise<RedisSim> {
  const sim = await RedisSim.start({ port: 0, clock: 'manual', ...opts });
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
