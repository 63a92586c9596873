import { describe, expect, it } from 'vitest';
import { RedisObject } from '../src/engine/values.js';
import { createList } from '../src/rdb/quicklist.js';
import type { QuickList } from '../src/types/quicklist.js';
import { ioredis, raw, recordNotifications, startSim } from './helpers.js';

const T0 = 1_700_000_000_000;

describe('DEL EXISTS TYPE KEYS', () => {
  it('count, type names and glob matching', async () => {
    const sim = await startSim();
    const events = recordNotifications(sim, true);
    const c = await raw(sim);
    await c.call('MSET', 'hello', '1', 'hallo', '2', 'h[a]llo', '3', 'other', '4');
    expect(await c.call('EXISTS', 'hello', 'hello', 'nokey')).toBe(':2\r\n');
    expect(await c.call('TYPE', 'hello')).toBe('+string\r\n');
    expect(await c.call('TYPE', 'nokey')).toBe('+none\r\n');
    expect(await c.call('KEYS', 'h[ae]llo')).toMatch(/^\*2\r\n/);
    expect(await c.call('KEYS', 'h\\[a\\]llo')).toBe('*1\r\n$7\r\nh[a]llo\r\n');
    expect(await c.call('DEL', 'hello', 'hello', 'nokey', 'hallo')).toBe(':2\r\n');
    expect(await c.call('UNLINK', 'other')).toBe(':1\r\n');
    expect(events.filter((e) => e.includes(':g:'))).toEqual(['0:g:del:hello', '0:g:del:hallo', '0:g:del:other']);
    await c.call('HELLO', '3');
    expect(await c.call('TYPE', 'nokey')).toBe('+none\r\n');
  });
});

describe('SCAN', () => {
  it('returns every key present for the whole iteration exactly once, despite writes in between', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const stable: string[] = [];
    for (let i = 0; i < 200; i++) {
      stable.push(`s${i}`);
      await r.set(`s${i}`, 'v');
      await r.set(`t${i}`, 'v');
    }
    const seen = new Map<string, number>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 7);
      for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
      // Churn: delete transient keys, add new ones, rewrite stable ones.
      await r.del(`t${round}`, `t${199 - round}`);
      await r.set(`new${round}`, 'v');
      await r.set(`s${(round * 13) % 200}`, 'changed');
      round++;
      cursor = next;
    } while (cursor !== '0');
    for (const k of stable) expect([k, seen.get(k)]).toEqual([k, 1]);
    for (const n of seen.values()) expect(n).toBe(1);
  });

  it('filters by MATCH and TYPE and replies byte-exact', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SET', 'a1', 'v');
    await c.call('ZADD', 'a2', '1', 'm');
    expect(await c.call('SCAN', '0', 'MATCH', 'a*', 'TYPE', 'zset')).toBe('*2\r\n$1\r\n0\r\n*1\r\n$2\r\na2\r\n');
    expect(await c.call('SCAN', '0', 'TYPE', 'String')).toBe('*2\r\n$1\r\n0\r\n*1\r\n$2\r\na1\r\n');
    expect(await c.call('SCAN', 'abc')).toBe('-ERR invalid cursor\r\n');
    expect(await c.call('SCAN', '0', 'COUNT', '0')).toBe('-ERR syntax error\r\n');
    const first = await c.call('SCAN', '0', 'COUNT', '1');
    expect(first).toMatch(/^\*2\r\n\$1\r\n[1-9]\r\n\*1\r\n\$2\r\na1\r\n$/);
  });

  it('skips keys that expire mid-iteration', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    for (let i = 0; i < 20; i++) await r.set(`k${i}`, 'v', 'PX', i < 10 ? 50 : 5000);
    const [cur, firstKeys] = await r.scan('0', 'COUNT', 5);
    sim.clock.advance(51); // past the deadline (at it exactly the keys still exist)
    const rest: string[] = [];
    let cursor = cur;
    while (cursor !== '0') {
      const [next, keys] = await r.scan(cursor, 'COUNT', 5);
      rest.push(...keys);
      cursor = next;
    }
    expect(firstKeys.length).toBe(5);
    expect(rest.every((k) => Number(k.slice(1)) >= 10)).toBe(true);
    expect(rest.length).toBe(10);
  });
});

describe('RANDOMKEY', () => {
  it('returns a live key, null when empty', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    expect(await r.randomkey()).toBeNull();
    await r.set('a', 'v');
    await r.set('b', 'v');
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add((await r.randomkey()) as string);
    expect([...seen].sort()).toEqual(['a', 'b']);
    sim.node.setActiveExpire(false); // only lookups expire: RANDOMKEY must skip the dead key
    await r.pexpire('a', 10);
    sim.clock.advance(11);
    for (let i = 0; i < 10; i++) expect(await r.randomkey()).toBe('b');
  });
});

describe('RENAME COPY MOVE', () => {
  it('RENAME moves the value and its deadline; events rename_from, rename_to', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const events = recordNotifications(sim, true);
    const r = ioredis(sim);
    await r.set('a', '1', 'PX', 5000);
    await r.set('b', '2');
    expect(await r.rename('a', 'b')).toBe('OK');
    expect(await r.get('b')).toBe('1');
    expect(await r.pttl('b')).toBe(5000);
    expect(await r.exists('a')).toBe(0);
    expect(await r.renamenx('b', 'b')).toBe(0);
    expect(await r.rename('b', 'b')).toBe('OK');
    await r.set('c', '3');
    expect(await r.renamenx('b', 'c')).toBe(0);
    expect(await r.renamenx('b', 'd')).toBe(1);
    await expect(r.rename('nokey', 'x')).rejects.toThrow('ERR no such key');
    expect(events.filter((e) => e.includes('rename'))).toEqual([
      '0:g:rename_from:a',
      '0:g:rename_to:b',
      '0:g:rename_from:b',
      '0:g:rename_to:d',
    ]);
    sim.clock.advance(5000);
    expect(await r.exists('d')).toBe(1); // the deadline millisecond itself
    sim.clock.advance(1);
    expect(await r.exists('d')).toBe(0);
  });

  it('COPY is a deep copy of every type, with the deadline; event copy_to', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const events = recordNotifications(sim, true);
    const r = ioredis(sim);
    const db = sim.node.db(0);
    const now = sim.clock.now();
    const list = createList(sim.node);
    list.pushBack('a');
    list.pushBack('b');
    db.set('l', new RedisObject('list', list, now));
    db.set('h', new RedisObject('hash', new Map([['f', 'v']]), now));
    db.set('s', new RedisObject('set', new Set(['x']), now));
    await r.zadd('z', 1, 'm');
    await r.set('str', 'v', 'PX', 700);
    for (const k of ['l', 'h', 's', 'z', 'str']) expect(await r.copy(k, `${k}2`)).toBe(1);
    const val = (k: string) => db.entry(k)?.value as unknown;
    (val('l') as QuickList).pushBack('c');
    (val('h') as Map<string, string>).set('g', 'w');
    (val('s') as Set<string>).add('y');
    await r.zadd('z', 2, 'n');
    expect((val('l2') as QuickList).toArray()).toEqual(['a', 'b']);
    expect([...(val('h2') as Map<string, string>)]).toEqual([['f', 'v']]);
    expect([...(val('s2') as Set<string>)]).toEqual(['x']);
    expect(await r.zrange('z2', 0, -1)).toEqual(['m']);
    expect(await r.pttl('str2')).toBe(700);
    expect(await r.copy('str', 'l2')).toBe(0);
    expect(await r.copy('str', 'l2', 'REPLACE')).toBe(1);
    expect(await r.type('l2')).toBe('string');
    expect(await r.copy('str', 'str', 'DB', 3)).toBe(1);
    await expect(r.copy('str', 'str')).rejects.toThrow('ERR source and destination objects are the same');
    expect(events.filter((e) => e.includes('copy_to'))).toEqual([
      '0:g:copy_to:l2',
      '0:g:copy_to:h2',
      '0:g:copy_to:s2',
      '0:g:copy_to:z2',
      '0:g:copy_to:str2',
      '0:g:copy_to:l2',
      '3:g:copy_to:str',
    ]);
    sim.clock.advance(701);
    expect(sim.node.db(3).size).toBe(0);
  });

  it('MOVE carries the deadline to the other database; events move_from, move_to', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const events = recordNotifications(sim, true);
    const r = ioredis(sim);
    await r.set('k', 'v', 'PX', 900);
    expect(await r.move('k', 2)).toBe(1);
    expect(await r.exists('k')).toBe(0);
    await r.select(2);
    expect(await r.pttl('k')).toBe(900);
    await r.set('j', 'x');
    await r.select(0);
    await r.set('j', 'y');
    expect(await r.move('j', 2)).toBe(0);
    await expect(r.move('j', 0)).rejects.toThrow('ERR source and destination objects are the same');
    await expect(r.move('j', 16)).rejects.toThrow('ERR DB index is out of range');
    expect(events.filter((e) => e.includes('move'))).toEqual(['0:g:move_from:k', '2:g:move_to:k']);
    sim.clock.advance(901);
    expect(sim.node.db(2).size).toBe(1);
  });
});

describe('keys that arrive by RENAME, MOVE or COPY', () => {
  it('wake clients blocked on the destination', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const b1 = ioredis(sim);
    const b2 = ioredis(sim);
    const p1 = b1.blpop('dst', 0);
    await sim.waitForBlocked(1, 'dst');
    await r.rpush('src', 'x');
    await r.rename('src', 'dst');
    expect(await p1).toEqual(['dst', 'x']);
    await b2.select(1);
    const p2 = b2.blpop('moved', 0);
    await sim.waitForBlocked(1, 'moved', 1);
    await r.rpush('moved', 'y');
    await r.move('moved', 1);
    expect(await p2).toEqual(['moved', 'y']);
  });
});

describe('OBJECT', () => {
  it('IDLETIME counts whole seconds on the clock; only real accesses reset it', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k', 'v');
    sim.clock.advance(2500);
    expect(await r.object('IDLETIME', 'k')).toBe(2);
    await r.type('k');
    await r.exists('k');
    await r.ttl('k');
    expect(await r.object('IDLETIME', 'k')).toBe(2);
    await r.touch('k');
    expect(await r.object('IDLETIME', 'k')).toBe(0);
    sim.clock.advance(10_000);
    await r.get('k');
    expect(await r.object('IDLETIME', 'k')).toBe(0);
    expect(await r.object('IDLETIME', 'nokey')).toBeNull();
  });

  it('FREQ needs an LFU policy, IDLETIME refuses one', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k', 'abc');
    await expect(r.object('FREQ', 'k')).rejects.toThrow(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    await expect(r.object('IDLETIME', 'k')).rejects.toThrow('ERR An LFU maxmemory policy is selected, idle time not tracked.');
    expect(await r.object('FREQ', 'k')).toBe(5);
    await r.get('k');
    expect(await r.object('FREQ', 'k')).toBe(6);
    for (let i = 0; i < 11; i++) await r.get('k');
    expect(await r.object('FREQ', 'k')).toBe(7);
    await r.set('k', 'overwritten'); // the new value keeps the counter (dbSetValue under LFU)
    expect(await r.object('FREQ', 'k')).toBe(7);
    sim.clock.advance(3 * 60_000);
    expect(await r.object('FREQ', 'k')).toBe(4);
  });

  it('REFCOUNT, ENCODING of sorted sets, HELP', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SET', 'small', '42');
    await c.call('SET', 'big', '42000');
    expect(await c.call('OBJECT', 'REFCOUNT', 'small')).toBe(':2147483647\r\n');
    expect(await c.call('OBJECT', 'REFCOUNT', 'big')).toBe(':1\r\n');
    await c.call('ZADD', 'z', '1', 'a');
    expect(await c.call('OBJECT', 'ENCODING', 'z')).toBe('$8\r\nlistpack\r\n');
    await c.call('ZADD', 'z', '2', 'x'.repeat(65));
    expect(await c.call('OBJECT', 'ENCODING', 'z')).toBe('$8\r\nskiplist\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'nokey')).toBe('$-1\r\n');
    const help = await c.call('OBJECT', 'HELP');
    expect(help.startsWith('*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n')).toBe(true);
    expect(await c.call('OBJECT', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try OBJECT HELP.\r\n");
  });
});
