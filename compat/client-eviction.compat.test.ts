/**
 * Client eviction (maxmemory-clients, Redis 7.0), side by side with a real redis-server over raw
 * sockets: which client is closed when all clients together reach the limit, CLIENT NO-EVICT,
 * the percentage form, evicted_clients in INFO stats, and CLIENT LIST's memory fields of a
 * client with a big argument half sent (Redis reserves room for all of it at once).
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

const BIG = 300_000;
/** A SET whose 300000-byte value is only 1000 bytes in: the client holds room for all of it. */
const HALF_SENT = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${BIG}\r\n${'x'.repeat(1000)}`;

interface Probe {
  closed: () => boolean;
  close: () => void;
}

/** Opens a connection, optionally runs `setup` on it, then writes `input` and leaves it there. */
async function leave(port: number, input: string, setup?: string): Promise<Probe> {
  const s = net.connect(port, '127.0.0.1');
  let closed = false;
  s.on('close', () => {
    closed = true;
  });
  s.on('error', () => {});
  s.on('data', () => {});
  await new Promise((r) => s.once('connect', r));
  if (setup) {
    await new Promise<void>((r) => {
      s.once('data', () => r());
      s.write(setup);
    });
  }
  s.write(input);
  return { closed: () => closed, close: () => s.destroy() };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

async function evictedClients(admin: RawClient): Promise<number> {
  return Number((await admin.call('INFO', 'stats')).match(/evicted_clients:(\d+)/)?.[1]);
}

/** CLIENT LIST fields of the client named `name`. */
async function fields(admin: RawClient, name: string): Promise<Record<string, string>> {
  const list = await admin.call('CLIENT', 'LIST');
  const line = list.split('\n').find((l) => l.includes(` name=${name} `)) ?? '';
  return Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
}

describe.runIf(haveRealRedis)('compat: client eviction (maxmemory-clients)', () => {
  const targets = useTargets();

  /** Runs `fn` on a fresh admin connection to each server (real first), resetting the limits after. */
  async function both<T>(fn: (port: number, admin: RawClient) => Promise<T>): Promise<[T, T]> {
    const t = targets();
    const out: T[] = [];
    for (const port of [t.real.port, t.sim.port]) {
      const admin = await RawClient.connect(port);
      try {
        await admin.call('CONFIG', 'RESETSTAT');
        // The admin connection counts toward the limit but is never evicted itself.
        await admin.call('CLIENT', 'NO-EVICT', 'on');
        out.push(await fn(port, admin));
      } finally {
        await admin.call('CONFIG', 'SET', 'maxmemory-clients', '0');
        await admin.call('CONFIG', 'SET', 'maxmemory', '0');
        admin.close();
      }
    }
    return out as [T, T];
  }

  it('CLIENT LIST: a half-sent big argument holds room for all of it (qbuf, qbuf-free, tot-mem less rbs)', async () => {
    const [real, sim] = await both(async (port, admin) => {
      const p = await leave(port, HALF_SENT, '*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$4\r\nhalf\r\n');
      await settle();
      const f = await fields(admin, 'half');
      p.close();
      return {
        qbuf: f.qbuf,
        free: f['qbuf-free'],
        argv: f['argv-mem'],
        multi: f['multi-mem'],
        omem: f.omem,
        mem: Number(f['tot-mem']) - Number(f.rbs),
      };
    });
    expect(sim).toEqual(real);
    expect(real.qbuf).toBe('1000');
  });

  it('CLIENT LIST: multi-mem of queued commands and WATCHed keys, argv-mem of the running command', async () => {
    const [real, sim] = await both(async (port, admin) => {
      const c = await RawClient.connect(port);
      try {
        await c.call('CLIENT', 'SETNAME', 'tx');
        await c.call('WATCH', 'w1', 'w2');
        await c.call('MULTI');
        for (let i = 0; i < 3; i++) await c.call('SET', `key${i}`, 'v'.repeat(i * 10));
        const f = await fields(admin, 'tx');
        await c.call('DISCARD');
        const self = (await admin.call('CLIENT', 'INFO')).match(/ argv-mem=\S+/)?.[0];
        return { multi: f.multi, multiMem: f['multi-mem'], argvMem: f['argv-mem'], self };
      } finally {
        c.close();
      }
    });
    expect(sim).toEqual(real);
    expect(real.multi).toBe('3');
  });

  it('the client using the most memory is evicted once all clients reach the limit', async () => {
    const [real, sim] = await both(async (port, admin) => {
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200000');
      const small = await leave(port, 'PING\r\n');
      const big = await leave(port, HALF_SENT);
      await settle();
      const out = { big: big.closed(), small: small.closed(), evicted: await evictedClients(admin), admin: await admin.call('PING') };
      small.close();
      big.close();
      return out;
    });
    expect(sim).toEqual(real);
    expect(real).toEqual({ big: true, small: false, evicted: 1, admin: '+PONG\r\n' });
  });

  it('a CLIENT NO-EVICT client is never evicted but its memory counts: others go instead', async () => {
    const [real, sim] = await both(async (port, admin) => {
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '1mb');
      const bystander = await leave(port, 'PING\r\n');
      const guarded = await leave(port, HALF_SENT, '*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\non\r\n');
      await settle();
      // Under the limit: nothing is evicted.
      const under = { guarded: guarded.closed(), bystander: bystander.closed(), evicted: await evictedClients(admin) };
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200000');
      await admin.call('PING');
      await settle();
      const over = { guarded: guarded.closed(), bystander: bystander.closed(), evicted: await evictedClients(admin) };
      guarded.close();
      bystander.close();
      return { under, over };
    });
    expect(sim).toEqual(real);
    expect(real).toEqual({
      under: { guarded: false, bystander: false, evicted: 0 },
      over: { guarded: false, bystander: true, evicted: 1 },
    });
  });

  it('a percentage of maxmemory; a limit under 128 KB counts as 128 KB', async () => {
    const [real, sim] = await both(async (port, admin) => {
      await admin.call('CONFIG', 'SET', 'maxmemory', '2mb');
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '10%');
      const shown = await admin.call('CONFIG', 'GET', 'maxmemory-clients');
      const a = await leave(port, HALF_SENT);
      await settle();
      const pct = a.closed();
      a.close();
      // 1 byte means 128 KB: a client of ~40 KB survives, the half-sent one does not.
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '1');
      const small = await leave(port, `ECHO ${'s'.repeat(100)}\r\n`);
      const b = await leave(port, HALF_SENT);
      await settle();
      const out = { shown, pct, small: small.closed(), b: b.closed(), evicted: await evictedClients(admin) };
      small.close();
      b.close();
      return out;
    });
    expect(sim).toEqual(real);
    expect(real).toMatchObject({ pct: true, small: false, b: true, evicted: 2 });
  });

  it('a subscriber whose unread output piles up is evicted', async () => {
    const [real, sim] = await both(async (port, admin) => {
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '1mb');
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      await new Promise<void>((r) => {
        s.once('data', () => r());
        s.write('SUBSCRIBE ch\r\n');
      });
      s.pause(); // reads nothing more: the kernel's buffers fill, then the server's
      const msg = 'm'.repeat(1 << 20);
      for (let i = 0; i < 24; i++) {
        await admin.call('PUBLISH', 'ch', msg);
        await new Promise((r) => setTimeout(r, 20));
      }
      await settle();
      // A paused socket does not see the server's FIN: ask the server who is left subscribed.
      const out = { subscribers: await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'), evicted: await evictedClients(admin) };
      s.destroy();
      return out;
    });
    expect(sim).toEqual(real);
    expect(real).toEqual({ subscribers: '$0\r\n\r\n', evicted: 1 });
  });
});
