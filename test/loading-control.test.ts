/**
 * simControl(): the typed client-side control of a server over the wire, with ioredis and
 * node-redis (RESP2 and RESP3), as a test worker drives a globalSetup server it did not start.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { type ControllableClient, simControl as fromControlEntry } from '../src/control/index.js';
import { RedisSim, simControl } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

type Kind = 'ioredis' | 'node-redis RESP2' | 'node-redis RESP3';
async function connect(kind: Kind, port: number): Promise<ControllableClient> {
  if (kind === 'ioredis') {
    const r = new Redis(port, { maxRetriesPerRequest: 0 });
    cleanups.push(() => r.disconnect());
    return r;
  }
  const c = createClient({ socket: { port, host: '127.0.0.1' }, RESP: kind === 'node-redis RESP3' ? 3 : 2 });
  await c.connect();
  cleanups.push(() => c.destroy());
  return c;
}

describe.each<Kind>(['ioredis', 'node-redis RESP2', 'node-redis RESP3'])('simControl over %s', (kind) => {
  it('clock: now, advance (new time), set, next, mode, pending, freeze/resume', async () => {
    const server = await RedisSim.start({ clock: { mode: 'manual', start: 1_000_000 } });
    cleanups.push(() => server.stop());
    const client = await connect(kind, server.port);
    const sim = simControl(client);
    expect(await sim.clock.now()).toBe(1_000_000);
    expect(await sim.clock.mode()).toBe('manual');
    server.call('SET', 'k', 'v', 'PX', '1500');
    expect(await sim.clock.pending()).toBe(1);
    expect(await sim.clock.advance(1000)).toBe(1_001_000);
    expect(server.call('EXISTS', 'k')).toBe(1);
    // The expiry timer is due 1 ms past the deadline: Redis expires a key once now > deadline.
    expect(await sim.clock.next()).toBe(1_001_501);
    expect(server.call('EXISTS', 'k')).toBe(0);
    expect(await sim.clock.next()).toBe(null);
    expect(await sim.clock.set(5_000_000)).toBe(5_000_000);
    await expect(sim.clock.advance('1000' as unknown as number)).rejects.toThrow('clock.advance(ms): ms must be a finite number >= 0');
    await expect(sim.clock.advance(Number.POSITIVE_INFINITY)).rejects.toThrow('got Infinity');
    await sim.clock.resume();
    expect(await sim.clock.mode()).toBe('offset'); // real time runs again, from 5_000_000
    await sim.clock.freeze();
    expect(await sim.clock.mode()).toBe('manual');
    expect(server.clock.now()).toBe(await sim.clock.now());
  });

  it('blocked: wait for a worker to block, count, list; a timeout rejects', async () => {
    const server = await RedisSim.start({ clock: 'manual' });
    cleanups.push(() => server.stop());
    const sim = simControl(await connect(kind, server.port));
    const worker = new Redis(server.port);
    cleanups.push(() => worker.disconnect());
    const popped = worker.blpop('jobs', 0);
    expect(await sim.blocked.wait(1, { key: 'jobs' })).toBe(1);
    expect(await sim.blocked.count()).toBe(1);
    expect(await sim.blocked.count('jobs')).toBe(1);
    expect(await sim.blocked.count('other')).toBe(0);
    expect(JSON.stringify(await sim.blocked.list())).toContain('jobs');
    await expect(sim.blocked.wait(2, { timeout: 30 })).rejects.toThrow('blocked.wait: fewer than 2 clients blocked after 30 ms');
    await sim.send('CLOCK', 'GET');
    server.call('RPUSH', 'jobs', 'j1');
    expect(await popped).toEqual(['jobs', 'j1']);
  });

  it('reset, a renamed control command, and the redis-sim/control entry point', async () => {
    const server = await RedisSim.start({ clock: { mode: 'manual', start: 42_000 }, controlCommand: 'ctl' });
    cleanups.push(() => server.stop());
    const client = await connect(kind, server.port);
    const sim = fromControlEntry(client, { command: 'CTL' });
    server.call('SET', 'k', 'v');
    await sim.clock.advance(10);
    await sim.reset();
    expect(server.call('DBSIZE')).toBe(0);
    expect(await sim.clock.now()).toBe(42_000);
    await expect(simControl(client).clock.now()).rejects.toThrow("unknown command 'SIM'");
  });
});

it('refuses what is not a client', () => {
  expect(() => simControl({} as ControllableClient)).toThrow(
    'simControl(client): expected an ioredis client, a node-redis client or a function',
  );
});
