/**
 * Derived clocks: many nodes on one root clock, one of them drifting (another rate) or jumped
 * (another offset), timers interleaved in time order across all of them.
 */
import { describe, expect, it } from 'vitest';
import { Clock } from '../src/engine/clock.js';
import { RedisSim } from '../src/index.js';
import { ioredis, onCleanup, raw } from './helpers.js';

describe('derived clocks', () => {
  it('follow the root at their own rate and offset; advance on one jumps it alone', () => {
    const root = new Clock({ mode: 'manual', start: 1_000_000 });
    const fast = root.derive({ rate: 1.5 });
    const ahead = root.derive({ offset: 2000 });
    expect(fast.mode).toBe('derived');
    root.advance(1000);
    expect(root.now()).toBe(1_001_000);
    expect(fast.now()).toBe(1_001_500);
    expect(ahead.now()).toBe(1_003_000);
    ahead.advance(500);
    expect(ahead.now()).toBe(1_003_500);
    expect(root.now()).toBe(1_001_000);
    fast.rate = 0.5;
    root.advance(1000);
    expect(fast.now()).toBe(1_002_000);
    expect(() => {
      root.rate = 2;
    }).toThrow(RangeError);
  });

  it('fires the timers of every clock in root-time order, each at its own deadline', () => {
    const root = new Clock({ mode: 'manual', start: 0 });
    const fast = root.derive({ rate: 2 });
    const slow = root.derive({ rate: 0.5 });
    const seen: string[] = [];
    slow.setTimer(400, () => seen.push(`slow@${slow.now()} root@${root.now()}`));
    fast.setTimer(400, () => seen.push(`fast@${fast.now()} root@${root.now()}`));
    root.setTimer(300, () => seen.push(`root@${root.now()}`));
    root.advance(1000);
    expect(seen).toEqual(['fast@400 root@200', 'root@300', 'slow@400 root@800']);
    // A derived clock stopped (rate 0 / freeze) fires nothing until it moves itself.
    slow.freeze();
    slow.setTimer(slow.now() + 10, () => seen.push('slow again'));
    root.advance(1000);
    expect(seen).toHaveLength(3);
    slow.resume();
    root.advance(20);
    expect(seen[3]).toBe('slow again');
  });

  it('a node on a derived clock expires keys by its own time; SIM CLOCK RATE reads and sets the drift', async () => {
    const root = new Clock({ mode: 'manual', start: 1_700_000_000_000 });
    const a = await RedisSim.start({ port: 0, clock: root.derive() });
    const b = await RedisSim.start({ port: 0, clock: root.derive({ rate: 2 }) });
    onCleanup(() => a.stop());
    onCleanup(() => b.stop());
    const ra = ioredis(a);
    const rb = ioredis(b);
    await ra.set('k', 'v', 'PX', 1000);
    await rb.set('k', 'v', 'PX', 1000);
    root.advance(600);
    expect(await ra.get('k')).toBe('v');
    expect(await rb.get('k')).toBeNull();
    const c = await raw(b);
    expect(await c.call('SIM', 'CLOCK', 'MODE')).toBe('$7\r\nderived\r\n');
    expect(await c.call('SIM', 'CLOCK', 'RATE')).toBe('$1\r\n2\r\n');
    expect(await c.call('SIM', 'CLOCK', 'RATE', '0.5')).toBe('$3\r\n0.5\r\n');
    const t0 = Number((await c.call('SIM', 'CLOCK', 'GET')).slice(1));
    root.advance(1000);
    expect(Number((await c.call('SIM', 'CLOCK', 'GET')).slice(1)) - t0).toBe(500);
    const ca = await raw(a);
    expect(await ca.call('SIM', 'CLOCK', 'RATE', '2')).toBe('$1\r\n2\r\n');
    const root2 = await RedisSim.start({ port: 0, clock: 'manual' });
    onCleanup(() => root2.stop());
    const cr = await raw(root2);
    expect(await cr.call('SIM', 'CLOCK', 'RATE', '2')).toBe('-ERR only a derived clock (clock.derive()) has a rate\r\n');
  });
});
