import { describe, expect, it } from 'vitest';
import { Clock } from '../src/engine/clock.js';
import { ioredis, startSim } from './helpers.js';

describe('Clock', () => {
  it('fires timers in deadline order, each at its own time', () => {
    const clock = new Clock({ mode: 'manual', start: 1000 });
    const seen: [string, number][] = [];
    clock.setTimer(3000, () => seen.push(['b', clock.now()]));
    clock.setTimer(2000, () => seen.push(['a', clock.now()]));
    clock.setTimer(3000, () => seen.push(['c', clock.now()]));
    clock.advance(999);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([['a', 2000]]);
    clock.advance(5000);
    expect(seen).toEqual([
      ['a', 2000],
      ['b', 3000],
      ['c', 3000],
    ]);
    expect(clock.now()).toBe(7000);
  });

  it('next() jumps to the next deadline; set() backwards fires nothing', () => {
    const clock = new Clock({ mode: 'manual', start: 0 });
    let fired = 0;
    clock.setTimer(500, () => fired++);
    expect(clock.next()).toBe(500);
    expect(fired).toBe(1);
    expect(clock.next()).toBeUndefined();
    clock.set(100);
    expect(clock.now()).toBe(100);
  });

  it('freeze and resume keep the time continuous', () => {
    const clock = new Clock({ mode: 'system' });
    clock.freeze();
    const t = clock.now();
    expect(clock.mode).toBe('manual');
    clock.advance(10_000);
    expect(clock.now()).toBe(t + 10_000);
    clock.resume();
    expect(clock.now()).toBeGreaterThanOrEqual(t + 10_000);
  });
});

describe('SIM CLOCK over the wire', () => {
  it('reads and moves the node clock', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_000_000 } });
    const r = ioredis(sim);
    expect(await r.call('SIM', 'CLOCK', 'GET')).toBe(1_000_000);
    expect(await r.call('SIM', 'CLOCK', 'ADVANCE', '2500')).toBe(1_002_500);
    expect(sim.clock.now()).toBe(1_002_500);
    expect(await r.call('SIM', 'CLOCK', 'MODE')).toBe('manual');
    expect(await r.call('SIM', 'CLOCK', 'SET', '5000')).toBe(5000);
  });

  it('can be renamed or disabled', async () => {
    const renamed = await startSim({ controlCommand: 'ctl' });
    const r = ioredis(renamed);
    expect(await r.call('CTL', 'CLOCK', 'ADVANCE', '10')).toBeTypeOf('number');
    await expect(r.call('SIM', 'CLOCK', 'GET')).rejects.toThrow(/unknown command 'SIM'/);
    const off = await startSim({ controlCommand: false });
    await expect(ioredis(off).call('SIM', 'CLOCK', 'GET')).rejects.toThrow(/unknown command/);
  });
});
