/**
 * The two adapters (src/patterns/adapters.ts) on redis-sim and on a real redis-server: every
 * PatternClient method answers in the documented shape through ioredis and through node-redis.
 */
import { describe, expect } from 'vitest';
import { errorCode, type PatternClient } from '../../src/patterns/index.js';
import { type Ctx, type NodeHandle, scenario } from './target.js';

const makers: Record<string, (t: Ctx, node: NodeHandle) => Promise<PatternClient>> = {
  ioredis: (t, node) => t.client(node),
  'node-redis': (t, node) => t.nodeRedisClient(node),
};

describe('adapters', () => {
  for (const [name, make] of Object.entries(makers)) {
    scenario(`${name}: every PatternClient method answers in the documented shape`, async (t) => {
      const node = await t.node();
      const c = await make(t, node);
      expect(await c.send('PING')).toBe('PONG');
      expect(await c.get('k')).toBeNull();
      expect(await c.set('k', 'v')).toBe(true);
      expect(await c.set('k', 'w', { nx: true })).toBe(false);
      expect(await c.set('missing', 'w', { xx: true })).toBe(false);
      expect(await c.set('k', 'w', { xx: true, px: 5000 })).toBe(true);
      expect(await c.get('k')).toBe('w');
      expect(await c.pttl('k')).toBeGreaterThan(4000);
      expect(await c.set('s', 'x', { ex: 10 })).toBe(true);
      expect(await c.pttl('s')).toBeGreaterThan(9000);
      expect(await c.pttl('nokey')).toBe(-2);
      expect(await c.del('k', 's', 'nokey')).toBe(2);
      expect(await c.incr('n')).toBe(1);
      expect(await c.eval('return {KEYS[1], ARGV[1], 7, false}', ['a'], ['b'])).toEqual(['a', 'b', 7, null]);
      const sha = await c.scriptLoad('return ARGV[1]');
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await c.evalsha(sha, [], ['x'])).toBe('x');
      const err = await c.evalsha('0'.repeat(40), [], []).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('NOSCRIPT');

      expect(await c.lpush('l', 'a', 'b')).toBe(2);
      expect(await c.rpush('l', 'z')).toBe(3);
      expect(await c.lrange('l', 0, -1)).toEqual(['b', 'a', 'z']);
      expect(await c.brpop('l', 0)).toBe('z');
      expect(await c.blmove('l', 'm', 'RIGHT', 'LEFT', 0)).toBe('a');
      expect(await c.brpoplpush('l', 'm', 0)).toBe('b');
      expect(await c.llen('m')).toBe(2);
      expect(await c.lrem('m', 1, 'a')).toBe(1);
      expect(await c.sadd('set', 'x', 'y', 'x')).toBe(2);
      expect((await c.smembers('set')).sort()).toEqual(['x', 'y']);

      expect(await c.xgroupCreate('st', 'g', '$')).toBe(true);
      expect(await c.xgroupCreate('st', 'g', '$')).toBe(false);
      const id1 = await c.xadd('st', { f: '1', g: 'x' });
      const id2 = await c.xadd('st', { f: '2' });
      expect(await c.xreadgroup('g', 'c1', 'st', '>', { count: 1 })).toEqual([{ id: id1, fields: { f: '1', g: 'x' } }]);
      expect(await c.xreadgroup('g', 'c1', 'st', '>')).toEqual([{ id: id2, fields: { f: '2' } }]);
      expect(await c.xreadgroup('g', 'c1', 'st', '>')).toEqual([]);
      const pending = await c.xpending('st', 'g', '-', '+', 10);
      expect(pending.map((p) => [p.id, p.consumer, p.deliveries])).toEqual([
        [id1, 'c1', 1],
        [id2, 'c1', 1],
      ]);
      expect(await c.xpending('st', 'g', '-', '+', 10, 'nobody')).toEqual([]);
      const claimed = await c.xautoclaim('st', 'g', 'c2', 0, '0-0', 1);
      expect(claimed).toEqual({ next: id2, entries: [{ id: id1, fields: { f: '1', g: 'x' } }], deleted: [] });
      expect(await c.xack('st', 'g', id1, id2)).toBe(2);
      expect((await c.xrange('st', '-', '+')).map((e) => e.id)).toEqual([id1, id2]);
    });
  }
});
