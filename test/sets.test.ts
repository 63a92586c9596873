import { describe, expect, it } from 'vitest';
import { RedisSet } from '../src/types/set.js';
import { ioredis, keyEvents, raw, startSim } from './helpers.js';

describe('sets', () => {
  it('an intset replies in numeric order; a string member converts it for good', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SADD', 's', '10', '-3', '2', '9223372036854775807');
    expect(await c.call('SMEMBERS', 's')).toBe('*4\r\n$2\r\n-3\r\n$1\r\n2\r\n$2\r\n10\r\n$19\r\n9223372036854775807\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('SMEMBERS', 's')).toMatch(/^~4\r\n\$2\r\n-3\r\n/);
    const s = sim.node.db(0).entry('s')?.value as RedisSet;
    expect(s.encoding).toBe('intset');
    await c.call('SADD', 's', 'x');
    expect(s.encoding).toBe('hashtable');
    await c.call('SREM', 's', 'x');
    expect(s.encoding).toBe('hashtable');
  });

  it('emits sadd, srem, spop, smove, *store and del events', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const seen = await keyEvents(sim, r);
    await r.sadd('a', '1', '2', '3');
    await r.sadd('a', '1'); // nothing added: no event
    await r.srem('a', '3');
    await r.smove('a', 'b', '2');
    await r.smove('a', 'b', '1'); // empties a
    await r.sadd('c', '1');
    await r.sinterstore('d', 'b', 'c');
    await r.sunionstore('d', 'b', 'c');
    await r.sdiffstore('d', 'c', 'b'); // empty result: d deleted
    await r.spop('c');
    expect(await seen()).toEqual([
      'sadd a',
      'srem a',
      'srem a',
      'sadd b',
      'srem a',
      'del a',
      'sadd b',
      'sadd c',
      'sinterstore d',
      'sunionstore d',
      'del d',
      'spop c',
      'del c',
    ]);
  });

  it('SSCAN on a large set returns every member present throughout, despite changes', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const members = Array.from({ length: 2000 }, (_, i) => `m${i}`);
    await r.sadd('s', ...members);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await r.sscan('s', cursor, 'COUNT', '100')) as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(100);
      for (const m of items) seen.add(m);
      await r.srem('s', `m${1999 - calls}`);
      await r.sadd('s', `n${calls}`);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    for (let i = 0; i < 2000 - calls; i++) expect(seen.has(`m${i}`)).toBe(true);
    const [, matched] = (await r.sscan('s', '0', 'MATCH', 'n*', 'COUNT', '5000')) as [string, string[]];
    expect(matched.every((m) => m.startsWith('n'))).toBe(true);
  });

  it('SPOP and SRANDMEMBER counts', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await r.sadd('s', ...members);
    const picked = await r.srandmember('s', 10);
    expect(new Set(picked).size).toBe(10);
    expect(await r.srandmember('s', -300)).toHaveLength(300);
    expect(new Set(await r.srandmember('s', 90)).size).toBe(90);
    const popped = await r.spop('s', 95);
    expect(new Set(popped).size).toBe(95);
    expect(await r.scard('s')).toBe(5);
    for (const m of popped) expect(await r.sismember('s', m)).toBe(0);
    const few = await r.spop('s', 2);
    expect(few).toHaveLength(2);
    expect(await r.spop('s', 10)).toHaveLength(3);
    expect(await r.exists('s')).toBe(0);
  });

  it('SINTER iterates the smallest set and SINTERCARD stops at LIMIT', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const c = await raw(sim);
    await r.sadd('big', ...Array.from({ length: 5000 }, (_, i) => String(i)));
    await r.sadd('small', '7', '3', '99999');
    // The reply follows the smallest set's (intset) order.
    expect(await c.call('SINTER', 'big', 'small')).toBe('*2\r\n$1\r\n3\r\n$1\r\n7\r\n');
    expect(await r.sintercard(2, 'big', 'small')).toBe(2);
    expect(await c.call('SINTERCARD', '1', 'big', 'LIMIT', '10')).toBe(':10\r\n');
    expect(await r.sdiff('small', 'big')).toEqual(['99999']);
  });

  it('*STORE replaces any type and drops the TTL; an empty result deletes the destination', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.sadd('a', 'x', 'y');
    await r.set('d', 'string', 'EX', 100);
    expect(await r.sunionstore('d', 'a')).toBe(2);
    expect(await r.type('d')).toBe('set');
    expect(await r.ttl('d')).toBe(-1);
    expect(await r.sinterstore('d', 'a', 'nokey')).toBe(0);
    expect(await r.exists('d')).toBe(0);
  });

  it('accepts a plain Set stored by other code', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SADD', 's', 'a');
    const o = sim.node.db(0).entry('s');
    if (!o) throw new Error('no key');
    o.value = new Set(['3', '1']);
    expect(await c.call('SADD', 's', '2')).toBe(':1\r\n');
    expect(await c.call('SMEMBERS', 's')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(o.value).toBeInstanceOf(RedisSet);
  });
});
