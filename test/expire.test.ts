import { describe, expect, it } from 'vitest';
import { ioredis, raw, recordNotifications, startSim } from './helpers.js';

const T0 = 1_700_000_000_000;

/** Every key a full SCAN returns. */
async function scanAll(r: ReturnType<typeof ioredis>): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'COUNT', 3);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out.sort();
}

describe('expiry on the manual clock', () => {
  it('after advance no expired key is visible to DBSIZE, KEYS, SCAN, EXISTS', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    for (let i = 0; i < 10; i++) await r.set(`k${i}`, 'v', 'PX', 100 * (i + 1));
    await r.set('forever', 'v');
    sim.clock.advance(500);
    // At k4's deadline millisecond it still exists (Redis 7.0 expires at now > deadline).
    expect(await r.dbsize()).toBe(7);
    sim.clock.advance(1);
    expect(await r.dbsize()).toBe(6);
    expect((await r.keys('*')).sort()).toEqual(['forever', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(await scanAll(r)).toEqual(['forever', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(await r.exists('k4', 'k5')).toBe(1);
    expect(sim.node.db(0).size).toBe(6);
    sim.clock.advance(10_000);
    expect(await r.dbsize()).toBe(1);
    expect(await r.keys('k*')).toEqual([]);
  });

  it('an expired key is no change for rdb_changes_since_last_save (Redis counts none for expiry)', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    const changes = async () => Number(/rdb_changes_since_last_save:(\d+)/.exec(await r.info('persistence'))?.[1]);
    await r.set('a', '1', 'PX', 10);
    await r.set('b', '1', 'PX', 10);
    const before = await changes();
    sim.clock.advance(11); // active expiry deletes both
    expect(await r.exists('a', 'b')).toBe(0);
    expect(await changes()).toBe(before);
    await r.set('c', '1');
    expect(await changes()).toBe(before + 1);
  });

  it('advancing by less keeps the key; PTTL is exactly deadline minus now', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.pexpire('nokey', 10);
    await r.set('k', 'v');
    expect(await r.pexpire('k', 10_000)).toBe(1);
    for (const step of [1, 999, 3000, 5000, 999]) {
      const before = await r.pttl('k');
      sim.clock.advance(step);
      expect(await r.pttl('k')).toBe(before - step);
    }
    expect(await r.pttl('k')).toBe(1);
    expect(await r.ttl('k')).toBe(0);
    expect(await r.get('k')).toBe('v');
    sim.clock.advance(1);
    // The deadline millisecond itself: still there, PTTL 0 (Redis: expired only when now > when).
    expect(await r.pttl('k')).toBe(0);
    expect(await r.get('k')).toBe('v');
    sim.clock.advance(1);
    expect(await r.pttl('k')).toBe(-2);
    expect(await r.get('k')).toBeNull();
  });

  it('TTL rounds to the nearest second, PTTL never does', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k', 'v', 'PX', 1500);
    expect(await r.ttl('k')).toBe(2); // (1500 + 500) / 1000
    sim.clock.advance(1);
    expect(await r.ttl('k')).toBe(1); // 1499 ms
    expect(await r.pttl('k')).toBe(1499);
  });

  it('EXPIREAT/PEXPIREAT, EXPIRETIME and PEXPIRETIME read the virtual clock', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k', 'v');
    expect(await r.expireat('k', T0 / 1000 + 60)).toBe(1);
    expect(await r.call('EXPIRETIME', 'k')).toBe(T0 / 1000 + 60);
    expect(await r.call('PEXPIRETIME', 'k')).toBe(T0 + 60_000);
    expect(await r.pttl('k')).toBe(60_000);
    await r.pexpireat('k', T0 + 1234);
    expect(await r.call('EXPIRETIME', 'k')).toBe(T0 / 1000 + 1); // rounded
    sim.clock.set(T0 + 1233);
    expect(await r.pttl('k')).toBe(1);
    sim.clock.set(T0 + 1234);
    expect(await r.pttl('k')).toBe(0);
    expect(await r.exists('k')).toBe(1);
    sim.clock.set(T0 + 1235);
    expect(await r.exists('k')).toBe(0);
  });

  it('a fractional clock still reports whole milliseconds', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    sim.clock.advance(0.5);
    await r.set('k', 'v', 'PX', 100);
    expect(await r.pttl('k')).toBe(100);
    sim.clock.advance(99.4);
    expect(await r.pttl('k')).toBe(1);
    expect(await r.exists('k')).toBe(1);
    sim.clock.advance(0.6);
    // now = deadline + 0.5: still the deadline's whole millisecond, so the key is there.
    expect(await r.pttl('k')).toBe(0);
    expect(await r.exists('k')).toBe(1);
    sim.clock.advance(0.5);
    expect(await r.exists('k')).toBe(0);
  });

  it('deadlines beyond 2^53 are kept exactly', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const c = await raw(sim);
    await c.call('SET', 'k', 'v', 'PXAT', '9223372036854775807');
    expect(await c.call('PEXPIRETIME', 'k')).toBe(':9223372036854775807\r\n');
    expect(await c.call('EXPIRETIME', 'k')).toBe(':9223372036854776\r\n');
    expect(await c.call('PTTL', 'k')).toBe(`:${9223372036854775807n - BigInt(T0)}\r\n`);
    await c.call('RENAME', 'k', 'k2');
    expect(await c.call('PEXPIRETIME', 'k2')).toBe(':9223372036854775807\r\n');
    await c.call('SWAPDB', '0', '1');
    await c.call('SELECT', '1');
    expect(await c.call('PEXPIRETIME', 'k2')).toBe(':9223372036854775807\r\n');
  });

  it('expired keys publish `expired` once, when the clock passes their deadline', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const events = recordNotifications(sim);
    const r = ioredis(sim);
    await r.set('k', 'v', 'PX', 10);
    sim.clock.advance(10);
    expect(events).toEqual(['$:set:k', 'g:expire:k']);
    sim.clock.advance(1);
    expect(events).toEqual(['$:set:k', 'g:expire:k', 'x:expired:k']);
    expect(await r.get('k')).toBeNull();
  });
});

describe('EXPIRE family', () => {
  it('a deadline in the past deletes the key and publishes del', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const events = recordNotifications(sim);
    const r = ioredis(sim);
    await r.set('a', 'v');
    await r.set('b', 'v');
    await r.set('c', 'v');
    expect(await r.expire('a', -1)).toBe(1);
    expect(await r.pexpireat('b', T0)).toBe(1);
    expect(await r.pexpireat('c', T0 + 1)).toBe(1);
    expect(await r.exists('a', 'b', 'c')).toBe(1);
    expect(events.filter((e) => !e.startsWith('$'))).toEqual(['g:del:a', 'g:del:b', 'g:expire:c']);
  });

  it('NX XX GT LT decide on the current deadline (none counts as infinite)', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    const call = (...a: (string | number)[]) => r.call('EXPIRE', 'k', ...a.map(String));
    await r.set('k', 'v');
    expect(await call(100, 'XX')).toBe(0);
    expect(await call(100, 'GT')).toBe(0);
    expect(await call(100, 'LT')).toBe(1);
    expect(await call(100, 'NX')).toBe(0);
    expect(await call(50, 'GT')).toBe(0);
    expect(await call(150, 'GT')).toBe(1);
    expect(await call(150, 'LT')).toBe(0);
    expect(await call(120, 'XX', 'LT')).toBe(1);
    expect(await r.ttl('k')).toBe(120);
    expect(await r.persist('k')).toBe(1);
    expect(await r.persist('k')).toBe(0);
    expect(await call(10, 'NX')).toBe(1);
  });

  it('option and overflow errors are byte-exact', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    expect(await c.call('EXPIRE', 'k', '1', 'NX', 'XX')).toBe('-ERR NX and XX, GT or LT options at the same time are not compatible\r\n');
    expect(await c.call('EXPIRE', 'k', '1', 'GT', 'LT')).toBe('-ERR GT and LT options at the same time are not compatible\r\n');
    expect(await c.call('PEXPIRE', 'k', '1', 'soon')).toBe('-ERR Unsupported option soon\r\n');
    expect(await c.call('EXPIRE', 'k', '9223372036854775808')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('EXPIRE', 'k', '9223372036854775')).toBe("-ERR invalid expire time in 'expire' command\r\n");
    expect(await c.call('PEXPIRE', 'k', '9223372036854775807')).toBe("-ERR invalid expire time in 'pexpire' command\r\n");
    expect(await c.call('EXPIREAT', 'k', '-9223372036854776')).toBe("-ERR invalid expire time in 'expireat' command\r\n");
    expect(await c.call('EXPIREAT', 'nokey', '1')).toBe(':0\r\n');
    expect(await c.call('TTL', 'k')).toBe(':-1\r\n');
    expect(await c.call('TTL', 'nokey')).toBe(':-2\r\n');
  });

  it('a replica keeps past deadlines for its master to delete', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = ioredis(sim);
    await r.set('k', 'v');
    sim.node.role = 'slave';
    expect(await r.pexpireat('k', T0 - 1)).toBe(1);
    expect(sim.node.db(0).hasKey('k')).toBe(true);
  });
});
