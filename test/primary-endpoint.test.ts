/**
 * The primary endpoint: one address that forwards to the current primary of a group. ioredis
 * connected through it is disconnected at a failover and reconnects to the promoted node; with
 * onFailover 'keep' it stays on the old one; SIM ENDPOINT drives the same over the wire.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { PrimaryEndpoint, type RedisSim } from '../src/index.js';
import { onCleanup, raw, startSim, until } from './helpers.js';

async function group(onFailover?: 'disconnect' | 'keep'): Promise<{ a: RedisSim; b: RedisSim; ep: PrimaryEndpoint }> {
  const a = await startSim();
  const b = await startSim();
  b.replicaOf(a);
  const ep = await PrimaryEndpoint.start([a, b], { onFailover });
  onCleanup(() => ep.stop());
  return { a, b, ep };
}

/** ioredis through the endpoint, reconnecting at once (retry delays are real time). */
function client(ep: PrimaryEndpoint): Redis {
  const r = new Redis({ port: ep.port, host: '127.0.0.1', retryStrategy: () => 1, maxRetriesPerRequest: 20 });
  r.on('error', () => {});
  onCleanup(() => r.disconnect());
  return r;
}

/** The port of the node the client is connected to (CLIENT INFO's laddr). */
async function nodePort(r: Redis): Promise<number> {
  const info = String(await r.call('CLIENT', 'INFO'));
  return Number(/laddr=[^ ]*:(\d+)/.exec(info)?.[1]);
}

describe('primary endpoint', () => {
  it('forwards to the primary; after promote(), ioredis is disconnected and reconnects to the new primary', async () => {
    const { a, b, ep } = await group();
    const r = client(ep);
    await r.set('k', 'v');
    expect(await nodePort(r)).toBe(a.port);
    expect(a.call('GET', 'k')).toBe('v');
    const closed = new Promise((resolve) => r.once('close', resolve));
    await b.promote({ oldPrimary: a, fate: 'demote' });
    await closed;
    // The same client, reconnected by itself: writes land on the promoted node.
    expect(await r.set('k2', 'v2')).toBe('OK');
    expect(await nodePort(r)).toBe(b.port);
    expect(b.call('GET', 'k2')).toBe('v2');
    expect(a.call('GET', 'k2')).toBe('v2');
  });

  it('follows FAILOVER: paused writes through the endpoint end with the connection, then succeed on the new primary', async () => {
    const { a, b, ep } = await group();
    const r = client(ep);
    await r.set('k', 'v');
    const admin = await raw(a);
    expect(await admin.call('FAILOVER')).toBe('+OK\r\n');
    const write = r.set('during', '1');
    await a.waitForBlocked(1);
    b.clock.advance(1000);
    // ioredis resends the write after reconnecting, this time to the promoted node.
    expect(await write).toBe('OK');
    expect(await nodePort(r)).toBe(b.port);
    expect(b.call('GET', 'during')).toBe('1');
  });

  it("split brain: the endpoint points to the promoted node; with 'keep' old clients keep writing to the stale primary", async () => {
    const { a, b, ep } = await group('keep');
    const old = client(ep);
    await old.set('k', 'old');
    await b.promote({ oldPrimary: a, fate: 'split-brain' });
    const fresh = client(ep);
    await fresh.set('k', 'new');
    expect(await nodePort(fresh)).toBe(b.port);
    expect(await old.set('k', 'stale')).toBe('OK');
    expect(await nodePort(old)).toBe(a.port);
    expect(a.call('GET', 'k')).toBe('stale');
    expect(b.call('GET', 'k')).toBe('new');
    expect(ep.connections).toBe(2);
  });

  it('SIM ENDPOINT over the wire: START, PRIMARY, STOP', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    const c = await raw(a);
    const started = await c.call('SIM', 'ENDPOINT', 'START', '127.0.0.1', String(a.port), '127.0.0.1', String(b.port));
    const port = Number(/^:(\d+)\r\n$/.exec(started)?.[1]);
    expect(port).toBeGreaterThan(0);
    const primary = await c.call('SIM', 'ENDPOINT', 'PRIMARY', String(port));
    expect(primary).toBe(`$${`127.0.0.1:${a.port}`.length}\r\n127.0.0.1:${a.port}\r\n`);
    const r = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 1 });
    r.on('error', () => {});
    onCleanup(() => r.disconnect());
    await r.set('x', '1');
    expect(a.call('GET', 'x')).toBe('1');
    await b.promote({ oldPrimary: a });
    await until(async () => (await c.call('SIM', 'ENDPOINT', 'PRIMARY', String(port))).includes(String(b.port)));
    expect(await r.set('y', '2')).toBe('OK');
    expect(b.call('GET', 'y')).toBe('2');
    expect(await c.call('SIM', 'ENDPOINT', 'STOP', String(port))).toBe('+OK\r\n');
    expect(await c.call('SIM', 'ENDPOINT', 'PRIMARY', String(port))).toBe(`-ERR no endpoint of this node listens on port ${port}\r\n`);
    expect(await c.call('SIM', 'ENDPOINT', 'START')).toBe("-ERR wrong number of arguments for 'sim|endpoint|start' command\r\n");
  });

  it('members in another process are asked ROLE (REFRESH)', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    // Given as plain addresses, as nodes of another process would be.
    const ep = await PrimaryEndpoint.start([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]);
    onCleanup(() => ep.stop());
    expect((await ep.primary())?.port).toBe(a.port);
    const r = client(ep);
    await r.set('k', 'v');
    const closed = new Promise((resolve) => r.once('close', resolve));
    await b.promote({ oldPrimary: a });
    expect((await ep.refresh())?.port).toBe(b.port);
    await closed;
    expect(await r.set('k', 'w')).toBe('OK');
    expect(b.call('GET', 'k')).toBe('w');
  });
});
