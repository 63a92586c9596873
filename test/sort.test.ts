/**
 * SORT over TCP: numeric/ALPHA/BY/GET semantics, STORE (events, TTL, waking a blocked BLPOP),
 * and the sorted-set encoding change Redis makes.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

describe('SORT', () => {
  it('sorts numerically with byte-order ties, ALPHA, DESC and LIMIT', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.rpush('l', '10', '1e1', '2', '-1', '0x3');
    expect(await r.sort('l')).toEqual(['-1', '2', '0x3', '10', '1e1']);
    expect(await r.sort('l', 'DESC', 'LIMIT', '1', '2')).toEqual(['10', '0x3']);
    expect(await r.sort('l', 'ALPHA')).toEqual(['-1', '0x3', '10', '1e1', '2']);
    await r.rpush('bad', '1', 'x');
    await expect(r.sort('bad')).rejects.toThrow("One or more scores can't be converted into double");
  });

  it('BY and GET read strings and hash fields; missing values are nil', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.sadd('users', '1', '2', '3');
    await r.hset('user:1', 'name', 'ann', 'age', '40');
    await r.hset('user:2', 'name', 'bob', 'age', '20');
    await r.hset('user:3', 'name', 'cy');
    expect(await r.sort('users', 'BY', 'user:*->age', 'GET', 'user:*->name', 'GET', '#')).toEqual(['cy', '3', 'bob', '2', 'ann', '1']);
    expect(await r.sort('users', 'GET', 'nothere:*')).toEqual([null, null, null]);
    expect(await r.call('SORT_RO', 'users', 'BY', 'user:*->name', 'ALPHA', 'DESC')).toEqual(['3', '2', '1']);
  });

  it('STORE writes a list, drops the TTL, emits sortstore and wakes a blocked BLPOP', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const blocked = ioredis(sim);
    await r.rpush('src', '3', '1', '2');
    const pop = blocked.blpop('dst', 0);
    await sim.waitForBlocked(1, 'dst');
    expect(await r.sort('src', 'STORE', 'dst')).toBe(3);
    expect(await pop).toEqual(['dst', '1']);
    expect(await r.lrange('dst', 0, -1)).toEqual(['2', '3']);
    await r.expire('dst', 100);
    await r.sort('src', 'STORE', 'dst');
    expect(await r.ttl('dst')).toBe(-1);
    expect(await r.sort('nokey', 'STORE', 'dst')).toBe(0);
    expect(await r.exists('dst')).toBe(0);
  });

  it('converts a listpack sorted set to a skiplist, as Redis does', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('ZADD', 'z', '2', 'b', '1', 'a');
    expect(await c.call('OBJECT', 'ENCODING', 'z')).toBe('$8\r\nlistpack\r\n');
    expect(await c.call('SORT', 'z', 'BY', 'nosort', 'DESC')).toBe('*2\r\n$1\r\nb\r\n$1\r\na\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'z')).toBe('$8\r\nskiplist\r\n');
    expect(await c.call('SORT_RO', 'z', 'STORE', 'x')).toBe('-ERR syntax error\r\n');
  });
});
