/**
 * The database layout (engine/database.ts): plain strings stored bare in slots, promoted to a
 * RedisObject when a command needs one, SCAN over slots with holes compacted. These tests check
 * what a client sees across those representations, and the memory the layout exists for.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

const T0 = 1_700_000_000_000;

describe('bare strings and their metadata', () => {
  it('OBJECT IDLETIME and ENCODING read a bare string, and SET after a promotion stores it bare again', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const c = await raw(sim);
    await c.call('MSET', 'a', '123', 'b', 'hello');
    sim.clock.advance(7000);
    expect(await c.call('OBJECT', 'IDLETIME', 'a')).toBe(':7\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'a')).toBe('$3\r\nint\r\n');
    expect(await c.call('GET', 'b')).toBe('$5\r\nhello\r\n');
    expect(await c.call('OBJECT', 'IDLETIME', 'b')).toBe(':0\r\n');
    sim.clock.advance(3000);
    // 'a' is an object now (OBJECT promoted it): its access time moved with it.
    expect(await c.call('OBJECT', 'IDLETIME', 'a')).toBe(':10\r\n');
    expect(await c.call('SET', 'a', '1234567890123456789012345678901234567890123456')).toBe('+OK\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'a')).toBe('$3\r\nraw\r\n');
    expect(await c.call('OBJECT', 'IDLETIME', 'a')).toBe(':0\r\n');
    expect(await c.call('APPEND', 'b', '!')).toBe(':6\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'b')).toBe('$3\r\nraw\r\n');
    expect(await c.call('SET', 'b', 'x')).toBe('+OK\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'b')).toBe('$6\r\nembstr\r\n');
  });

  it('the LFU counter survives overwrites the same way whether the old value was bare or an object', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await c.call('SET', 'bare', 'v');
    await c.call('SET', 'obj', 'v');
    await c.call('OBJECT', 'FREQ', 'obj'); // promotes 'obj'
    for (let i = 0; i < 40; i++) await c.call('GET', 'bare');
    for (let i = 0; i < 40; i++) await c.call('GET', 'obj');
    await c.call('SET', 'bare', 'w');
    await c.call('SET', 'obj', 'w');
    const freq = await c.call('OBJECT', 'FREQ', 'bare');
    expect(freq).toBe(await c.call('OBJECT', 'FREQ', 'obj'));
    expect(freq).not.toBe(':5\r\n');
  });

  it('DEBUG OBJECT keeps one address for a key until it is replaced', async () => {
    const sim = await startSim({ config: { 'enable-debug-command': 'yes' } });
    const c = await raw(sim);
    await c.call('SET', 'k', 'hello');
    const at = (s: string) => /Value at:(0x[0-9a-f]+)/.exec(s)?.[1];
    const first = at(await c.call('DEBUG', 'OBJECT', 'k'));
    expect(first).toBeDefined();
    expect(at(await c.call('DEBUG', 'OBJECT', 'k'))).toBe(first);
    await c.call('SET', 'k', 'other');
    expect(at(await c.call('DEBUG', 'OBJECT', 'k'))).not.toBe(first);
  });
});

describe('SCAN over slots', () => {
  it('visits every key present for the whole iteration exactly once while most keys are deleted (compaction)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const n = 5000;
    for (let i = 0; i < n; i += 500) {
      const args: string[] = [];
      for (let j = i; j < i + 500; j++) args.push(`k:${j}`, String(j));
      await r.mset(...args);
    }
    await r.rpush('k:list', 'x'); // an object among the bare strings
    const keep = (i: number) => i % 5 === 0;
    const seen = new Map<string, number>();
    let cursor = '0';
    let deleted = false;
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 100);
      for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
      if (!deleted) {
        // Deletes 80% of the keys after the first page: holes exceed half, slots are compacted.
        const gone: string[] = [];
        for (let i = 0; i < n; i++) if (!keep(i)) gone.push(`k:${i}`);
        await r.del(...gone);
        await r.set('k:new', 'added during the iteration');
        deleted = true;
      }
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < n; i++) if (keep(i)) expect(seen.get(`k:${i}`)).toBe(1);
    expect(seen.get('k:list')).toBe(1);
    for (const count of seen.values()) expect(count).toBe(1);
    expect(await r.dbsize()).toBe(n / 5 + 2);
    expect(await r.randomkey()).toMatch(/^k:/);
  });
});

describe('memory per key', () => {
  it('small string keys cost well under 150 bytes of heap each', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const sim = await startSim();
    const c = await raw(sim);
    const n = 100_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i += 1000) {
      const args = ['MSET'];
      for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, 'vvvvvvvvvv');
      expect(await c.call(...args)).toBe('+OK\r\n');
    }
    gc();
    const perKey = (process.memoryUsage().heapUsed - before) / n;
    // Key (32) + value (32) + Map entry (~30) + slot arrays (~40): about 135; a RedisObject per
    // key made it about 210.
    expect(perKey).toBeLessThan(150);
    expect(await c.call('DBSIZE')).toBe(`:${n}\r\n`);
  });
});
