/**
 * The stream worker (src/patterns/stream-worker.ts) on redis-sim and on a real redis-server:
 * one entry to one consumer of the group, XACK, XAUTOCLAIM of a dead consumer's entries after
 * min-idle-time, dead-lettering after N deliveries, and a consumer finishing its own backlog after
 * a restart.
 */
import { describe, expect } from 'vitest';
import { type StreamEntry, StreamWorker } from '../../src/patterns/index.js';
import { scenario } from './target.js';

const MIN_IDLE = 300;

describe('stream worker', () => {
  scenario('XREADGROUP gives each entry to one consumer, XACK clears the pending list', async (t) => {
    const node = await t.node();
    const a = new StreamWorker(await t.client(node), 'orders', 'billing', 'A', { count: 2, minIdleMs: MIN_IDLE });
    const b = new StreamWorker(await t.client(node), 'orders', 'billing', 'B', { count: 2, minIdleMs: MIN_IDLE });
    expect(await a.ensureGroup()).toBe(true);
    expect(await b.ensureGroup()).toBe(false);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await a.add({ order: String(i) }));
    const seen: Record<string, string[]> = { A: [], B: [] };
    const ra = await a.step(async (e) => void seen.A!.push(e.fields.order!));
    const rb = await b.step(async (e) => void seen.B!.push(e.fields.order!));
    expect(ra.acked).toEqual(ids.slice(0, 2));
    expect(rb.acked).toEqual(ids.slice(2));
    expect(seen).toEqual({ A: ['0', '1'], B: ['2', '3'] });
    const redis = await t.client(node);
    expect(await redis.send('XPENDING', 'orders', 'billing')).toEqual([0, null, null, null]);
  });

  scenario('a consumer dies: XAUTOCLAIM hands its entries to another after min-idle-time', async (t) => {
    const node = await t.node();
    const producer = new StreamWorker(await t.client(node), 'orders', 'billing', 'producer', { minIdleMs: MIN_IDLE });
    await producer.ensureGroup();
    const ids = [await producer.add({ order: 'a' }), await producer.add({ order: 'b' })];
    // Consumer A reads both and dies before acknowledging.
    const dying = await t.client(node);
    expect((await dying.xreadgroup('billing', 'A', 'orders', '>')).map((e) => e.id)).toEqual(ids);
    await t.crash(dying);

    const b = new StreamWorker(await t.client(node), 'orders', 'billing', 'B', { minIdleMs: MIN_IDLE });
    const done: StreamEntry[] = [];
    await t.advance(MIN_IDLE / 2);
    const early = await b.step(async (e) => void done.push(e));
    expect(early.claimed).toEqual([]);
    expect(done).toEqual([]);
    await t.advance(MIN_IDLE / 2 + 1);
    const late = await b.step(async (e, deliveries) => {
      expect(deliveries).toBe(2);
      done.push(e);
    });
    expect(late.claimed).toEqual(ids);
    expect(late.acked).toEqual(ids);
    expect(done.map((e) => e.fields.order)).toEqual(['a', 'b']);
    const redis = await t.client(node);
    expect(await redis.xpending('orders', 'billing', '-', '+', 10)).toEqual([]);
  });

  scenario('a poison entry is dead-lettered after N deliveries', async (t) => {
    const node = await t.node();
    const w = new StreamWorker(await t.client(node), 'orders', 'billing', 'A', { minIdleMs: MIN_IDLE, maxDeliveries: 3 });
    await w.ensureGroup();
    const poison = await w.add({ order: 'poison' });
    const good = await w.add({ order: 'good' });
    const attempts: number[] = [];
    const handler = async (e: StreamEntry, deliveries: number) => {
      if (e.fields.order === 'poison') {
        attempts.push(deliveries);
        throw new Error('cannot parse');
      }
    };
    const first = await w.step(handler);
    expect(first.failed).toEqual([poison]);
    expect(first.acked).toEqual([good]);
    for (let i = 0; i < 2; i++) {
      await t.advance(MIN_IDLE + 1);
      expect((await w.step(handler)).failed).toEqual([poison]);
    }
    await t.advance(MIN_IDLE + 1);
    const last = await w.step(handler);
    expect(last.deadLettered).toEqual([poison]);
    expect(attempts).toEqual([1, 2, 3]);
    const redis = await t.client(node);
    const dead = await redis.xrange('orders:dead', '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.fields).toEqual({ 'source-id': poison, deliveries: '4', order: 'poison' });
    expect(await redis.xpending('orders', 'billing', '-', '+', 10)).toEqual([]);
  });

  scenario('a consumer restarted under its name first finishes its own pending entries', async (t) => {
    const node = await t.node();
    const c1 = await t.client(node);
    const before = new StreamWorker(c1, 'orders', 'billing', 'A', { minIdleMs: MIN_IDLE });
    await before.ensureGroup();
    const id = await before.add({ order: 'x' });
    const gone = await before.add({ order: 'deleted later' });
    expect((await c1.xreadgroup('billing', 'A', 'orders', '>')).map((e) => e.id)).toEqual([id, gone]);
    await t.crash(c1);
    const redis = await t.client(node);
    await redis.send('XDEL', 'orders', gone);
    const after = new StreamWorker(await t.client(node), 'orders', 'billing', 'A', { minIdleMs: MIN_IDLE });
    const handled: string[] = [];
    const r = await after.step(async (e) => void handled.push(e.id));
    expect(r.acked).toEqual([id]);
    expect(handled).toEqual([id]);
    expect(r.claimed).toEqual([]);
    expect(await redis.xpending('orders', 'billing', '-', '+', 10)).toEqual([]);
  });
});
