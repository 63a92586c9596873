/**
 * MIGRATE's redis-sim side (byte comparisons with Redis: compat/migrate.compat.test.ts): other
 * clients are held until MIGRATE replies, the cached connection closes after 10 s idle on the
 * node's clock, and MULTI/EXEC refuses it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from './raw-client.js';

const started: RedisSim[] = [];
async function sim(clock: 'manual' | 'system' = 'manual'): Promise<RedisSim> {
  const s = await RedisSim.start({ port: 0, clock });
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

function cachedSockets(info: string): number {
  return Number(/migrate_cached_sockets:(\d+)/.exec(info)?.[1]);
}

describe('MIGRATE', () => {
  it('holds every other client until it has replied: nobody sees the key half migrated', async () => {
    const source = await sim();
    const target = await sim();
    const t = await RawClient.connect(target.port);
    const a = await RawClient.connect(source.port);
    const b = await RawClient.connect(source.port);
    const d = await RawClient.connect(source.port);
    try {
      await a.call('SET', 'k', 'v');
      // The target holds writes until its clock moves: the RESTORE waits there.
      expect(await t.call('CLIENT', 'PAUSE', '10000', 'WRITE')).toBe('+OK\r\n');
      const order: string[] = [];
      const migrating = a.call('MIGRATE', '127.0.0.1', String(target.port), 'k', '0', '5000').then((r) => {
        order.push(`migrate ${r}`);
      });
      // The RESTORE is held on the target (postponed: a blocked client there)...
      expect(await t.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
      const reading = b.call('GET', 'k').then((r) => {
        order.push(`get ${r}`);
      });
      // ...and the source holds the other client's GET until MIGRATE has replied.
      expect(await d.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
      expect(order).toEqual([]);
      await t.call('SIM', 'CLOCK', 'ADVANCE', '10000');
      await Promise.all([migrating, reading]);
      expect(order).toEqual(['migrate +OK\r\n', 'get $-1\r\n']);
      expect(await t.call('GET', 'k')).toBe('$1\r\nv\r\n');
    } finally {
      a.close();
      b.close();
      d.close();
      t.close();
    }
  });

  it('closes its cached connection after more than 10 s idle on the node clock', async () => {
    const source = await sim();
    const target = await sim('system');
    const c = await RawClient.connect(source.port);
    try {
      await c.call('SET', 'k', 'v');
      expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), 'k', '0', '5000', 'COPY')).toBe('+OK\r\n');
      expect(cachedSockets(await c.call('INFO', 'stats'))).toBe(1);
      await c.call('SIM', 'CLOCK', 'ADVANCE', '10000');
      expect(cachedSockets(await c.call('INFO', 'stats'))).toBe(1);
      // Used again: the idle time starts over, and no SELECT is needed for the same db.
      expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), 'k', '0', '5000', 'REPLACE')).toBe('+OK\r\n');
      await c.call('SIM', 'CLOCK', 'ADVANCE', '10000');
      expect(cachedSockets(await c.call('INFO', 'stats'))).toBe(1);
      await c.call('SIM', 'CLOCK', 'ADVANCE', '1000');
      expect(cachedSockets(await c.call('INFO', 'stats'))).toBe(0);
      expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
    } finally {
      c.close();
    }
  });

  it('reconnects once when the target closed the cached connection', async () => {
    const source = await sim();
    const target = await sim('system');
    const c = await RawClient.connect(source.port);
    const t = await RawClient.connect(target.port);
    try {
      await c.call('MSET', 'a', '1', 'b', '2');
      expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), 'a', '0', '5000')).toBe('+OK\r\n');
      expect(await t.call('CLIENT', 'KILL', 'SKIPME', 'yes')).toMatch(/^:[12]\r\n$/);
      expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), 'b', '0', '5000')).toBe('+OK\r\n');
      expect(await t.call('MGET', 'a', 'b')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    } finally {
      c.close();
      t.close();
    }
  });

  it('propagates as DEL of the migrated keys and emits "del" events', async () => {
    const source = await sim();
    const target = await sim('system');
    const c = await RawClient.connect(source.port);
    const sub = await RawClient.connect(source.port);
    try {
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Eg');
      await sub.call('SUBSCRIBE', '__keyevent@0__:del');
      await c.call('MSET', 'a', '1', 'b', '2');
      expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', 'a', 'b')).toBe('+OK\r\n');
      expect(await sub.read()).toBe('*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\na\r\n');
      expect(await sub.read()).toBe('*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\nb\r\n');
    } finally {
      c.close();
      sub.close();
    }
  });

  it('is refused inside MULTI/EXEC, where nothing may wait', async () => {
    const source = await sim();
    const target = await sim('system');
    const c = await RawClient.connect(source.port);
    try {
      await c.call('SET', 'k', 'v');
      await c.call('MULTI');
      await c.call('MIGRATE', '127.0.0.1', String(target.port), 'k', '0', '5000');
      expect(await c.call('EXEC')).toBe('*1\r\n-ERR MIGRATE cannot run inside MULTI/EXEC or a script in redis-sim\r\n');
      expect(await c.call('EXISTS', 'k')).toBe(':1\r\n');
    } finally {
      c.close();
    }
  });
});
