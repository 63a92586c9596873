import { describe, expect, it } from 'vitest';
import { ioredis, keyEvents, raw, startSim } from './helpers.js';

describe('sorted sets: replies', () => {
  it('ZADD options and ZRANGE WITHSCORES in RESP2 and RESP3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('ZADD', 'z', '1', 'a', '2.5', 'b', '1.1', 'c')).toBe(':3\r\n');
    expect(await c.call('ZADD', 'z', 'CH', 'GT', '0', 'a', '3', 'b')).toBe(':1\r\n');
    expect(await c.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toBe(
      '*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$18\r\n1.1000000000000001\r\n$1\r\nb\r\n$1\r\n3\r\n',
    );
    await c.call('HELLO', '3');
    expect(await c.call('ZRANGE', 'z', '0', '0', 'WITHSCORES')).toBe('*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
    expect(await c.call('ZSCORE', 'z', 'c')).toBe(',1.1000000000000001\r\n');
    expect(await c.call('ZSCORE', 'z', 'nope')).toBe('_\r\n');
    expect(await c.call('ZADD', 'z', 'INCR', 'inf', 'a')).toBe(',inf\r\n');
    expect(await c.call('ZINCRBY', 'z', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)\r\n');
    expect(await c.call('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\nc\r\n,1.1000000000000001\r\n');
    expect(await c.call('ZPOPMAX', 'z', '1')).toBe('*1\r\n*2\r\n$1\r\na\r\n,inf\r\n');
    expect(await c.call('ZMPOP', '1', 'z', 'MIN')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,3\r\n');
    expect(await c.call('ZMPOP', '1', 'z', 'MIN')).toBe('_\r\n');
    expect(await c.call('EXISTS', 'z')).toBe(':0\r\n');
  });

  it('rejects bad scores and ranges with Redis error texts', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.zadd('z', '1e400', 'a')).rejects.toThrow('ERR value is not a valid float');
    await expect(r.zadd('z', 'nan', 'a')).rejects.toThrow('ERR value is not a valid float');
    await expect(r.zrangebyscore('z', '(x', '1')).rejects.toThrow('ERR min or max is not a float');
    await expect(r.zrangebylex('z', 'a', '+')).rejects.toThrow('ERR min or max not valid string range item');
    await expect(r.call('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).rejects.toThrow(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
    await expect(r.call('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')).rejects.toThrow(
      'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    );
    // Ranges use plain strtod: an overflowing bound is an infinity, not an error.
    await r.zadd('z', 1, 'a');
    expect(await r.zcount('z', '-1e400', '1e400')).toBe(1);
    expect(await r.exists('z')).toBe(1);
  });

  it('orders equal scores by member bytes', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.zadd('z', 0, 'b', 0, 'a', 0, 'ab', 0, 'B', 0, '');
    expect(await r.zrange('z', 0, -1)).toEqual(['', 'B', 'a', 'ab', 'b']);
    expect(await r.zrangebylex('z', '[a', '(b')).toEqual(['a', 'ab']);
    expect(await r.zlexcount('z', '-', '+')).toBe(5);
  });

  it('ZRANDMEMBER: positive counts are distinct, negative ones may repeat, no key is empty', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const members = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await r.zadd('z', ...members.flatMap((m, i) => [i, m]));
    for (const n of [1, 3, 10, 19]) {
      const got = (await r.zrandmember('z', n)) as string[];
      expect(got.length).toBe(n);
      expect(new Set(got).size).toBe(n);
      for (const m of got) expect(members).toContain(m);
    }
    expect(await r.zrandmember('z', 100)).toEqual([...members].reverse());
    const rep = (await r.zrandmember('z', -200)) as string[];
    expect(rep.length).toBe(200);
    expect(new Set(rep).size).toBeLessThan(200);
    const ws = (await r.call('ZRANDMEMBER', 'z', '-3', 'WITHSCORES')) as string[];
    expect(ws.length).toBe(6);
    expect(Number(ws[1])).toBe(members.indexOf(ws[0] as string));
    expect(await r.zrandmember('nokey', 5)).toEqual([]);
    expect(await r.zrandmember('nokey')).toBe(null);
  });
});

describe('sorted sets: keyspace events and WATCH', () => {
  it('publishes Redis 7.0 event names for every write, and del when a zset empties', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const next = await keyEvents(sim, r);
    await r.zadd('z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    await r.zadd('z', 'NX', 1, 'a'); // nothing changes: no event
    await r.zincrby('z', 1, 'a');
    await r.zincrby('z', 0, 'a'); // same score: no event
    await r.zrem('z', 'nope');
    await r.zrem('z', 'a');
    await r.zremrangebyscore('z', 2, 2);
    await r.zremrangebyrank('z', 0, 0);
    await r.zadd('l', 0, 'x', 0, 'y');
    await r.zremrangebylex('l', '-', '+');
    await r.zpopmin('z');
    await r.zpopmax('z');
    expect(await next()).toEqual([
      'zadd z',
      'zincr z',
      'zrem z',
      'zremrangebyscore z',
      'zremrangebyrank z',
      'zadd l',
      'zremrangebylex l',
      'del l',
      'zpopmin z',
      'zpopmax z',
      'del z',
    ]);
    await r.zadd('a', 1, 'x', 2, 'y');
    await r.zadd('b', 1, 'y');
    await next();
    await r.zunionstore('d', 2, 'a', 'b');
    await r.zinterstore('d', 2, 'a', 'b');
    await r.zdiffstore('d', 2, 'a', 'b');
    await r.call('ZRANGESTORE', 'd', 'a', '0', '0');
    await r.zinterstore('d', 2, 'a', 'nokey');
    await r.zinterstore('d', 2, 'a', 'nokey'); // d is already gone: no event
    await r.zmpop(1, ['a'], 'MIN', 'COUNT', 5);
    expect(await next()).toEqual(['zunionstore d', 'zinterstore d', 'zdiffstore d', 'zrangestore d', 'del d', 'zpopmin a', 'del a']);
  });

  it('a ZADD that changes something invalidates a WATCH; one that changes nothing does not', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.zadd('z', 1, 'm');
    await a.watch('z');
    await b.zadd('z', 'NX', 5, 'm');
    expect(await a.multi().zcard('z').exec()).toEqual([[null, 1]]);
    await a.watch('z');
    await b.zadd('z', 2, 'm');
    expect(await a.multi().zcard('z').exec()).toBe(null);
  });
});

describe('sorted sets: blocking pops on the virtual clock', () => {
  it('BZPOPMIN times out exactly at its deadline with a null array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nz\r\n$3\r\n1.5\r\n');
    await sim.waitForBlocked(1, 'z');
    sim.clock.advance(1499);
    // Still blocked (checked in-process: a reply in flight could not be seen yet on the socket).
    expect(sim.node.blocking.count).toBe(1);
    expect(c.pending()).toBe('');
    sim.clock.advance(1);
    expect(await c.read()).toBe('*-1\r\n');
  });

  it('a ZADD wakes the first blocked client, which gets [key, member, score]', async () => {
    const sim = await startSim();
    const w1 = ioredis(sim);
    const w2 = ioredis(sim);
    const p1 = w1.bzpopmin('a', 'z', 0);
    await sim.waitForBlocked(1, 'z');
    const p2 = w2.bzpopmax('z', 0);
    await sim.waitForBlocked(2, 'z');
    const r = ioredis(sim);
    await r.zadd('z', 1, 'low', 2, 'high');
    expect(await p1).toEqual(['z', 'low', '1']);
    expect(await p2).toEqual(['z', 'high', '2']);
    expect(await r.exists('z')).toBe(0);
  });

  it('BZMPOP blocks, then pops COUNT members; RESP3 scores are doubles', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HELLO', '3');
    c.write('*7\r\n$6\r\nBZMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nz\r\n$3\r\nMAX\r\n$5\r\nCOUNT\r\n$1\r\n2\r\n');
    await sim.waitForBlocked(1, 'z');
    await ioredis(sim).zadd('z', 1, 'a', 2, 'b', 3, 'c');
    expect(await c.read()).toBe('*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  });

  it('a blocked pop stays blocked when its key gets another type, and is served later', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nk\r\n$1\r\n5\r\n');
    await sim.waitForBlocked(1, 'k');
    const r = ioredis(sim);
    await r.set('k', 'string');
    await r.del('k');
    expect(sim.node.blocking.count).toBe(1);
    expect(c.pending()).toBe('');
    await r.zadd('k', 7, 'm');
    expect(await c.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n7\r\n');
  });

  it('a client blocked on several keys is served from the key that became ready first', async () => {
    const sim = await startSim();
    const w = await raw(sim);
    w.write('*4\r\n$8\r\nBZPOPMIN\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'a');
    const r = ioredis(sim);
    await r.multi().zadd('b', 2, 'x').zadd('a', 1, 'y').exec();
    expect(await w.read()).toBe('*3\r\n$1\r\nb\r\n$1\r\nx\r\n$1\r\n2\r\n');
    expect(await r.zcard('a')).toBe(1);
  });

  it('inside MULTI a blocking pop answers at once with a null array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['BZPOPMIN', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MIN'], ['EXEC']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*2\r\n*-1\r\n*-1\r\n',
    ]);
  });

  it('an element added and popped inside one transaction wakes nobody', async () => {
    const sim = await startSim();
    const w = await raw(sim);
    w.write('*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nz\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'z');
    const r = ioredis(sim);
    await r.multi().zadd('z', 1, 'a').zpopmin('z').exec();
    await r.ping();
    expect(sim.node.blocking.count).toBe(1);
    expect(w.pending()).toBe('');
    await r.zadd('z', 2, 'b');
    expect(await w.read()).toBe('*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n');
  });
});

describe('sorted sets: encoding and large sets', () => {
  it('OBJECT ENCODING: listpack until 128 members or a 65-byte member, then skiplist for good', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.zadd('z', ...Array.from({ length: 128 }, (_, i) => [i, `m${i}`]).flat());
    expect(await r.object('ENCODING', 'z')).toBe('listpack');
    await r.zadd('z', 128, 'm128');
    expect(await r.object('ENCODING', 'z')).toBe('skiplist');
    await r.zremrangebyrank('z', 0, 100);
    expect(await r.object('ENCODING', 'z')).toBe('skiplist');
    await r.zadd('long', 1, 'x'.repeat(65));
    expect(await r.object('ENCODING', 'long')).toBe('skiplist');
    // A stored result is compacted again when it fits.
    await r.zunionstore('u', 1, 'z');
    expect(await r.object('ENCODING', 'u')).toBe('listpack');
    await r.config('SET', 'zset-max-listpack-entries', '2');
    await r.zadd('small', 1, 'a', 2, 'b', 3, 'c');
    expect(await r.object('ENCODING', 'small')).toBe('skiplist');
  });

  it('-0 reads back as 0 from a listpack and as -0 from a skiplist, as in Redis', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.zadd('small', '-0', 'a');
    expect(await r.zscore('small', 'a')).toBe('0');
    await r.zadd('big', 1, 'x'.repeat(100), '-0', 'a');
    expect(await r.zscore('big', 'a')).toBe('-0');
  });

  it('ZSCAN walks a large zset with a cursor; a small one comes whole with cursor 0', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const n = 1000;
    await r.zadd('z', ...Array.from({ length: n }, (_, i) => [i + 0.5, `m${i}`]).flat());
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = await r.zscan('z', cursor, 'COUNT', 100);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen.size).toBe(n);
    expect(seen.get('m7')).toBe('7.5');
    expect(calls).toBeGreaterThan(5);
    const [, matched] = await r.zscan('z', '0', 'MATCH', 'm99*', 'COUNT', 5000);
    expect(matched).toEqual([
      'm99',
      '99.5',
      'm990',
      '990.5',
      'm991',
      '991.5',
      'm992',
      '992.5',
      'm993',
      '993.5',
      'm994',
      '994.5',
      'm995',
      '995.5',
      'm996',
      '996.5',
      'm997',
      '997.5',
      'm998',
      '998.5',
      'm999',
      '999.5',
    ]);
    await r.zadd('small', 1, 'a', 2, 'b');
    expect(await r.zscan('small', '12345')).toEqual(['0', ['a', '1', 'b', '2']]);
  });

  it('handles 100k members with rank, range and pop staying fast', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const n = 100_000;
    for (let from = 0; from < n; from += 10_000) {
      const batch: (string | number)[] = [];
      for (let i = from; i < from + 10_000; i++) batch.push(n - i, `m${i}`);
      await r.zadd('z', ...batch);
    }
    expect(await r.zcard('z')).toBe(n);
    expect(await r.zrank('z', 'm0')).toBe(n - 1);
    expect(await r.zrange('z', 50_000, 50_002)).toEqual(['m49999', 'm49998', 'm49997']);
    expect(await r.zcount('z', '(10', '20')).toBe(10);
    expect(await r.zpopmin('z', 2)).toEqual(['m99999', '1', 'm99998', '2']);
    expect(await r.zrangebyscore('z', 99_999, '+inf')).toEqual(['m1', 'm0']);
  }, 60_000);
});
