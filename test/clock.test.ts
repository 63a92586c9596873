import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock } from '../src/engine/clock.js';
import { ioredis, raw, startSim } from './helpers.js';

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

describe('Clock.hold (one time reading per command, as Redis caches it in call())', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  /** Real time under the test's control: Date.now() answers `real.t`. */
  function fakeRealTime(start: number): { t: number } {
    const real = { t: start };
    vi.spyOn(Date, 'now').mockImplementation(() => real.t);
    return real;
  }

  it('a running clock answers one reading while held; nested holds share it; release lets time run', () => {
    const real = fakeRealTime(10_000);
    const clock = new Clock({ mode: 'offset', offset: 5 });
    clock.hold();
    real.t += 7;
    expect(clock.now()).toBe(10_005);
    clock.hold();
    real.t += 3;
    expect(clock.now()).toBe(10_005);
    clock.release();
    expect(clock.now()).toBe(10_005);
    expect(clock.unheldNow()).toBe(10_015);
    clock.release();
    expect(clock.now()).toBe(10_015);
    clock.release(); // an extra release is harmless
    real.t += 1;
    expect(clock.now()).toBe(10_016);
  });

  it('moving the clock while held moves the held time; timers fired meanwhile see their deadlines', () => {
    const real = fakeRealTime(1_000);
    const clock = new Clock({ mode: 'system' });
    const seen: number[] = [];
    clock.setTimer(1_500, () => seen.push(clock.now()));
    clock.hold();
    real.t += 2;
    clock.advance(1_000);
    expect(seen).toEqual([1_500]);
    expect(clock.now()).toBe(2_000); // held at 1000, moved by 1000
    clock.set(500);
    expect(clock.now()).toBe(500);
    clock.freeze();
    real.t += 50;
    expect(clock.now()).toBe(500);
    clock.resume();
    expect(clock.now()).toBe(500);
    clock.release();
    real.t += 4;
    expect(clock.now()).toBe(504);
  });

  it('a derived clock holds its root; a manual clock is unaffected', () => {
    const real = fakeRealTime(0);
    const root = new Clock({ mode: 'system' });
    const fast = root.derive({ rate: 2 });
    fast.hold();
    real.t += 10;
    expect(root.now()).toBe(0);
    expect(fast.now()).toBe(0);
    fast.release();
    expect(fast.now()).toBe(20);
    const manual = new Clock({ mode: 'manual', start: 42 });
    manual.hold();
    manual.advance(8);
    expect(manual.now()).toBe(50);
    manual.release();
    expect(manual.now()).toBe(50);
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

  it('refuses times TIME and PTTL could not show: negative, past 2^53-1 ms, not finite', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_000_000 } });
    const c = await raw(sim);
    const max = String(Number.MAX_SAFE_INTEGER);
    const setErr = `-ERR the time must be between 0 and ${max} ms since the epoch\r\n`;
    expect(await c.call('SIM', 'CLOCK', 'SET', '1e20')).toBe(setErr);
    expect(await c.call('SIM', 'CLOCK', 'SET', '-1')).toBe(setErr);
    expect(await c.call('SIM', 'CLOCK', 'SET', 'inf')).toBe('-ERR milliseconds must be a number\r\n');
    expect(await c.call('SIM', 'CLOCK', 'ADVANCE', '1e308')).toBe(
      `-ERR the clock cannot go past ${max} ms since the epoch (it is at 1000000)\r\n`,
    );
    expect(await c.call('SIM', 'CLOCK', 'ADVANCE', 'NaN')).toBe('-ERR milliseconds must be a number\r\n');
    // Nothing moved; then the very last millisecond is reachable and every reply stays an integer.
    expect(await c.call('SIM', 'CLOCK', 'GET')).toBe(':1000000\r\n');
    expect(await c.call('SET', 'k', 'v', 'EX', '100')).toBe('+OK\r\n');
    expect(await c.call('SIM', 'CLOCK', 'SET', max)).toBe(`:${max}\r\n`);
    expect(await c.call('TIME')).toBe(`*2\r\n$13\r\n${max.slice(0, -3)}\r\n$6\r\n${max.slice(-3)}000\r\n`);
    expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
    expect(await c.call('SIM', 'CLOCK', 'ADVANCE', '1')).toMatch(/^-ERR the clock cannot go past/);
    expect(() => sim.clock.set(1e20)).toThrow(RangeError);
    expect(() => sim.clock.advance(1)).toThrow(RangeError);
    expect(await c.call('PING')).toBe('+PONG\r\n');
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
