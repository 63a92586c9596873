/**
 * Consumer groups on the manual clock: several consumers, a crashed one, claims once its entries
 * have been idle long enough, blocking XREADGROUP. No test sleeps: time moves with the clock.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

const T0 = 1_700_000_000_000;

async function jobs(sim: { port: number }, n: number) {
  const r = ioredis(sim);
  for (let i = 1; i <= n; i++) await r.xadd('jobs', `${i}-0`, 'job', `j${i}`);
  await r.xgroup('CREATE', 'jobs', 'workers', '0');
  return r;
}

describe('consumer groups: a stalled consumer and claims on the clock', () => {
  it('XAUTOCLAIM takes a crashed consumer’s entries once they are idle for min-idle-time', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = await jobs(sim, 6);
    const a = await r.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', 2, 'STREAMS', 'jobs', '>');
    const b = await r.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', 2, 'STREAMS', 'jobs', '>');
    const c = await r.xreadgroup('GROUP', 'workers', 'carol', 'COUNT', 2, 'STREAMS', 'jobs', '>');
    expect(a).toEqual([
      [
        'jobs',
        [
          ['1-0', ['job', 'j1']],
          ['2-0', ['job', 'j2']],
        ],
      ],
    ]);
    expect(b).toEqual([
      [
        'jobs',
        [
          ['3-0', ['job', 'j3']],
          ['4-0', ['job', 'j4']],
        ],
      ],
    ]);
    expect(c).toEqual([
      [
        'jobs',
        [
          ['5-0', ['job', 'j5']],
          ['6-0', ['job', 'j6']],
        ],
      ],
    ]);
    expect(await r.xack('jobs', 'workers', '1-0', '2-0')).toBe(2);
    // bob crashes; carol finishes after 10 s.
    sim.clock.advance(10_000);
    expect(await r.xack('jobs', 'workers', '5-0', '6-0')).toBe(2);
    sim.clock.advance(19_999);
    // 29.999 s idle: not yet claimable with min-idle-time 30 s.
    expect(await r.xautoclaim('jobs', 'workers', 'alice', 30_000, '0')).toEqual(['0-0', [], []]);
    expect(await r.xpending('jobs', 'workers', '-', '+', 10)).toEqual([
      ['3-0', 'bob', 29_999, 1],
      ['4-0', 'bob', 29_999, 1],
    ]);
    sim.clock.advance(1);
    expect(await r.xpending('jobs', 'workers', 'IDLE', 30_000, '-', '+', 10)).toEqual([
      ['3-0', 'bob', 30_000, 1],
      ['4-0', 'bob', 30_000, 1],
    ]);
    expect(await r.xautoclaim('jobs', 'workers', 'alice', 30_000, '0', 'COUNT', 1)).toEqual(['4-0', [['3-0', ['job', 'j3']]], []]);
    expect(await r.xautoclaim('jobs', 'workers', 'alice', 30_000, '4-0')).toEqual(['0-0', [['4-0', ['job', 'j4']]], []]);
    expect(await r.xpending('jobs', 'workers', '-', '+', 10)).toEqual([
      ['3-0', 'alice', 0, 2],
      ['4-0', 'alice', 0, 2],
    ]);
    expect(await r.xpending('jobs', 'workers')).toEqual([2, '3-0', '4-0', [['alice', '2']]]);
    // bob and carol were last seen when they read, 30 s ago (XACK does not count); alice just now.
    const consumers = (await r.xinfo('CONSUMERS', 'jobs', 'workers')) as unknown[];
    expect(consumers).toEqual([
      ['name', 'alice', 'pending', 2, 'idle', 0],
      ['name', 'bob', 'pending', 0, 'idle', 30_000],
      ['name', 'carol', 'pending', 0, 'idle', 30_000],
    ]);
    // alice sees her history (with the delivery count bumped again).
    sim.clock.advance(500);
    expect(await r.xreadgroup('GROUP', 'workers', 'alice', 'STREAMS', 'jobs', '0')).toEqual([
      [
        'jobs',
        [
          ['3-0', ['job', 'j3']],
          ['4-0', ['job', 'j4']],
        ],
      ],
    ]);
    expect(await r.xpending('jobs', 'workers', '-', '+', 10, 'alice')).toEqual([
      ['3-0', 'alice', 0, 3],
      ['4-0', 'alice', 0, 3],
    ]);
  });

  it('XAUTOCLAIM reports entries deleted from the stream and drops them from the PEL', async () => {
    const sim = await startSim();
    const r = await jobs(sim, 4);
    await r.xreadgroup('GROUP', 'workers', 'bob', 'STREAMS', 'jobs', '>');
    await r.xdel('jobs', '2-0', '3-0');
    sim.clock.advance(60_000);
    expect(await r.xautoclaim('jobs', 'workers', 'alice', 60_000, '0', 'JUSTID')).toEqual(['0-0', ['1-0', '4-0'], ['2-0', '3-0']]);
    expect(await r.xpending('jobs', 'workers')).toEqual([2, '1-0', '4-0', [['alice', '2']]]);
    // JUSTID does not count a delivery.
    expect(await r.xpending('jobs', 'workers', '-', '+', 10)).toEqual([
      ['1-0', 'alice', 0, 1],
      ['4-0', 'alice', 0, 1],
    ]);
  });

  it('XCLAIM honours min-idle-time, IDLE, TIME, RETRYCOUNT and FORCE on the node clock', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: T0 } });
    const r = await jobs(sim, 3);
    await r.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', 2, 'STREAMS', 'jobs', '>');
    sim.clock.advance(4_000);
    expect(await r.xclaim('jobs', 'workers', 'alice', 5_000, '1-0')).toEqual([]);
    sim.clock.advance(1_000);
    expect(await r.xclaim('jobs', 'workers', 'alice', 5_000, '1-0', 'IDLE', 1_234)).toEqual([['1-0', ['job', 'j1']]]);
    expect(await r.xclaim('jobs', 'workers', 'alice', 0, '2-0', 'TIME', T0 + 1_000, 'RETRYCOUNT', 9, 'JUSTID')).toEqual(['2-0']);
    // A delivery time in the future is taken as now.
    expect(await r.xclaim('jobs', 'workers', 'carol', 0, '3-0', 'FORCE', 'TIME', T0 + 999_999, 'JUSTID')).toEqual(['3-0']);
    expect(await r.xpending('jobs', 'workers', '-', '+', 10)).toEqual([
      ['1-0', 'alice', 1_234, 2],
      ['2-0', 'alice', 4_000, 9],
      ['3-0', 'carol', 0, 1],
    ]);
    const full = (await r.xinfo('STREAM', 'jobs', 'FULL')) as unknown[];
    const groups = full[full.indexOf('groups') + 1] as unknown[][];
    const g = groups[0] as unknown[];
    expect(g[g.indexOf('pending') + 1]).toEqual([
      ['1-0', 'alice', T0 + 5_000 - 1_234, 2],
      ['2-0', 'alice', T0 + 1_000, 9],
      ['3-0', 'carol', T0 + 5_000, 1],
    ]);
    const consumers = g[g.indexOf('consumers') + 1] as unknown[][];
    expect(consumers.map((c) => [c[1], c[3]])).toEqual([
      ['alice', T0 + 5_000],
      ['bob', T0],
      ['carol', T0 + 5_000],
    ]);
  });

  it('NOACK reads create no pending entries; DELCONSUMER drops a consumer’s pending entries', async () => {
    const sim = await startSim();
    const r = await jobs(sim, 4);
    await r.xreadgroup('GROUP', 'workers', 'fast', 'COUNT', 2, 'NOACK', 'STREAMS', 'jobs', '>');
    await r.xreadgroup('GROUP', 'workers', 'slow', 'STREAMS', 'jobs', '>');
    expect(await r.xpending('jobs', 'workers')).toEqual([2, '3-0', '4-0', [['slow', '2']]]);
    expect(await r.xgroup('DELCONSUMER', 'jobs', 'workers', 'slow')).toBe(2);
    expect(await r.xpending('jobs', 'workers')).toEqual([0, null, null, null]);
    expect(await r.xinfo('GROUPS', 'jobs')).toEqual([
      ['name', 'workers', 'consumers', 1, 'pending', 0, 'last-delivered-id', '4-0', 'entries-read', 4, 'lag', 0],
    ]);
  });
});

describe('consumer groups: blocking XREADGROUP', () => {
  it('blocked consumers of one group are served one XADD at a time, in arrival order', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
    const w1 = ioredis(sim);
    const w2 = ioredis(sim);
    const p1 = w1.xreadgroup('GROUP', 'g', 'w1', 'BLOCK', 0, 'STREAMS', 'q', '>');
    await sim.waitForBlocked(1, 'q');
    const p2 = w2.xreadgroup('GROUP', 'g', 'w2', 'BLOCK', 0, 'STREAMS', 'q', '>');
    await sim.waitForBlocked(2, 'q');
    // In 7.0 a blocked reader's consumer is created only when it is served.
    expect(await r.xinfo('CONSUMERS', 'q', 'g')).toEqual([]);
    await r.xadd('q', '1-0', 'n', '1');
    expect(await p1).toEqual([['q', [['1-0', ['n', '1']]]]]);
    await sim.waitForBlocked(1, 'q');
    await r.xadd('q', '2-0', 'n', '2');
    expect(await p2).toEqual([['q', [['2-0', ['n', '2']]]]]);
    expect(await r.xpending('q', 'g')).toEqual([
      2,
      '1-0',
      '2-0',
      [
        ['w1', '1'],
        ['w2', '1'],
      ],
    ]);
  });

  it('BLOCK times out on the clock; the consumer is not created', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
    const c = await raw(sim);
    c.write(
      '*9\r\n$10\r\nXREADGROUP\r\n$5\r\nGROUP\r\n$1\r\ng\r\n$1\r\nc\r\n$5\r\nBLOCK\r\n$4\r\n2000\r\n$7\r\nSTREAMS\r\n$1\r\nq\r\n$1\r\n>\r\n',
    );
    await sim.waitForBlocked(1, 'q');
    sim.clock.advance(1_999);
    expect(c.pending()).toBe('');
    sim.clock.advance(1);
    expect(await c.read()).toBe('*-1\r\n');
    expect(await r.xinfo('CONSUMERS', 'q', 'g')).toEqual([]);
  });

  it('a blocked reader gets NOGROUP when its group is destroyed and UNBLOCKED when its key is deleted', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
    const w = ioredis(sim);
    const attempt = () => w.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'q', '>').catch((e: Error) => e.message);
    let p = attempt();
    await sim.waitForBlocked(1, 'q');
    // Writes that Redis does not signal leave it blocked.
    await r.xgroup('SETID', 'q', 'g', '0');
    await r.xgroup('CREATECONSUMER', 'q', 'g', 'other');
    expect(sim.node.blocking.count).toBe(1);
    await r.xgroup('DESTROY', 'q', 'g');
    expect(await p).toBe('NOGROUP the consumer group this client was blocked on no longer exists');
    await r.xgroup('CREATE', 'q', 'g', '$');
    p = attempt();
    await sim.waitForBlocked(1, 'q');
    await r.del('q');
    expect(await p).toBe('UNBLOCKED the stream key no longer exists');
  });

  it('FLUSHALL and FLUSHDB unblock XREADGROUP readers with UNBLOCKED; XREAD readers keep waiting', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const w = ioredis(sim);
    const x = ioredis(sim);
    for (const flush of [() => r.flushall(), () => r.flushdb()]) {
      await r.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
      const p = w.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'q', '>').catch((e: Error) => e.message);
      const reader = x.xread('BLOCK', 0, 'STREAMS', 'q', '$');
      await sim.waitForBlocked(2, 'q');
      await flush();
      expect(await p).toBe('UNBLOCKED the stream key no longer exists');
      expect(sim.node.blocking.count).toBe(1);
      await r.xadd('q', '1-0', 'f', 'v');
      expect(await reader).toEqual([['q', [['1-0', ['f', 'v']]]]]);
      await r.del('q');
    }
  });

  it('a blocked reader is served entries after the group’s last ID at serve time (SETID moved back)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xadd('q', '1-0', 'n', '1');
    await r.xgroup('CREATE', 'q', 'g', '$');
    const w = ioredis(sim);
    const p = w.xreadgroup('GROUP', 'g', 'c', 'COUNT', 5, 'BLOCK', 0, 'STREAMS', 'q', '>');
    await sim.waitForBlocked(1, 'q');
    await r.xgroup('SETID', 'q', 'g', '0');
    await r.xadd('q', '2-0', 'n', '2');
    expect(await p).toEqual([
      [
        'q',
        [
          ['1-0', ['n', '1']],
          ['2-0', ['n', '2']],
        ],
      ],
    ]);
  });
});
