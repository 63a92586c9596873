import { describe, expect, it } from 'vitest';
import { RedisHash } from '../src/types/hash.js';
import { ioredis, keyEvents, raw, startSim } from './helpers.js';

describe('hashes', () => {
  it('HSET/HGETALL keep listpack order in RESP2 and RESP3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('HSET', 'h', 'b', '1', 'a', '2')).toBe(':2\r\n');
    expect(await c.call('HSET', 'h', 'b', '3', 'c', '4')).toBe(':1\r\n');
    expect(await c.call('HGETALL', 'h')).toBe('*6\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('HGETALL', 'h')).toBe('%3\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n');
    expect(await c.call('HMGET', 'h', 'a', 'zz')).toBe('*2\r\n$1\r\n2\r\n_\r\n');
    expect(await c.call('HGETALL', 'nokey')).toBe('%0\r\n');
  });

  it('emits hset, hdel, hincrby, hincrbyfloat and del when emptied', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const seen = await keyEvents(sim, r);
    await r.hset('h', 'a', '1');
    await r.hsetnx('h', 'a', '2'); // no event: not set
    await r.hsetnx('h', 'b', '2');
    await r.hmset('h', { c: '3' });
    await r.hincrby('h', 'n', 2);
    await r.hincrbyfloat('h', 'f', 1.5);
    await r.hdel('h', 'zz'); // no event: nothing removed
    await r.hdel('h', 'a', 'b', 'c', 'n');
    await r.hdel('h', 'f');
    expect(await seen()).toEqual(['hset h', 'hset h', 'hset h', 'hincrby h', 'hincrbyfloat h', 'hdel h', 'hdel h', 'del h']);
    expect(await r.exists('h')).toBe(0);
  });

  it('a hash write invalidates WATCH', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.hset('h', 'x', '1');
    await a.watch('h');
    await b.hincrby('h', 'x', 1);
    expect(await a.multi().hget('h', 'x').exec()).toBeNull();
  });

  it('HINCRBY overflow and HINCRBYFLOAT long double formatting', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HSET', 'h', 'big', '9223372036854775806', 'f', '10000000000');
    expect(await c.call('HINCRBY', 'h', 'big', '1')).toBe(':9223372036854775807\r\n');
    expect(await c.call('HINCRBY', 'h', 'big', '1')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(await c.call('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('$29\r\n10000000000.09999999962747097\r\n');
    expect(await c.call('HINCRBYFLOAT', 'h', 'big', '1')).toBe('$19\r\n9223372036854775808\r\n');
  });

  it('converts to a hashtable for good and reports the encoding', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '4');
    await c.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    const h = sim.node.db(0).entry('h')?.value as RedisHash;
    expect(h.encoding).toBe('listpack');
    await c.call('HSET', 'h', 'e', '5');
    expect(h.encoding).toBe('hashtable');
    await c.call('HDEL', 'h', 'e', 'd');
    expect(h.encoding).toBe('hashtable');
  });

  it('HSCAN on a large hash returns every field present throughout, despite changes', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const r = ioredis(sim);
    const fields: string[] = [];
    for (let i = 0; i < 1000; i++) fields.push(`f${i}`, `v${i}`);
    await r.hset('h', ...fields);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await r.hscan('h', cursor, 'COUNT', '50')) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        seen.add(items[i] as string);
        const f = items[i] as string;
        expect(items[i + 1]).toBe(f.startsWith('new') ? 'x' : `v${f.slice(1)}`);
      }
      // Churn while iterating: delete some not-yet-seen fields, add new ones.
      await r.hdel('h', `f${999 - calls}`);
      await r.hset('h', `new${calls}`, 'x');
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(10);
    for (let i = 0; i < 1000 - calls; i++) expect(seen.has(`f${i}`)).toBe(true);
    // One step is bounded by COUNT.
    const page = await c.call('HSCAN', 'h', '0', 'COUNT', '3');
    expect(page.split('\r\n')[2]).not.toBe('0');
    expect(page).toMatch(/^\*2\r\n\$\d+\r\n\d+\r\n\*6\r\n/);
  });

  it('HRANDFIELD count rules', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const fields: string[] = [];
    for (let i = 0; i < 700; i++) fields.push(`f${i}`, `v${i}`);
    await r.hset('big', ...fields);
    await r.hset('small', 'a', '1', 'b', '2', 'c', '3');
    for (const key of ['big', 'small']) {
      const size = await r.hlen(key);
      const distinct = (await r.hrandfield(key, 2)) as string[];
      expect(distinct).toHaveLength(2);
      expect(new Set(distinct).size).toBe(2);
      const all = (await r.hrandfield(key, size + 5)) as string[];
      expect(new Set(all).size).toBe(size);
      const rep = (await r.hrandfield(key, -(size * 3))) as string[];
      expect(rep).toHaveLength(size * 3);
      const wv = (await r.hrandfield(key, 3, 'WITHVALUES')) as string[];
      expect(wv).toHaveLength(6);
      for (let i = 0; i < 6; i += 2) expect(await r.hget(key, wv[i] as string)).toBe(wv[i + 1]);
    }
    expect(await r.hrandfield('nokey')).toBeNull();
    const c = await raw(sim);
    expect(await c.call('HRANDFIELD', 'small', '-99999999999')).toBe('-ERR value is out of range\r\n');
  });

  it('accepts a plain Map stored by other code', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HSET', 'h', 'a', '1');
    const o = sim.node.db(0).entry('h');
    if (!o) throw new Error('no key');
    o.value = new Map([
      ['x', '1'],
      ['y', '2'],
    ]);
    expect(await c.call('HSET', 'h', 'z', '3')).toBe(':1\r\n');
    expect(await c.call('HKEYS', 'h')).toBe('*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n');
    expect(o.value).toBeInstanceOf(RedisHash);
  });
});
