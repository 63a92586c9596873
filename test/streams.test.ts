/**
 * Streams: IDs on the virtual clock, the node-based entry store against a plain model, XREAD
 * blocking on the manual clock, keyspace events, WATCH.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, keyEvents, raw, startSim } from './helpers.js';

describe('streams: IDs on the virtual clock', () => {
  it('* takes the ms part from the node clock and the sequence from the last ID', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_000_000 } });
    const r = ioredis(sim);
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000000-0');
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000000-1');
    sim.clock.advance(2.7);
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000002-0');
    // The clock moves backwards: IDs stay monotonic, the sequence grows on the last ms.
    sim.clock.set(500_000);
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000002-1');
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000002-2');
    sim.clock.set(1_000_003);
    expect(await r.xadd('s', '*', 'f', 'v')).toBe('1000003-0');
    expect(await r.xadd('s', '1000003-*', 'f', 'v')).toBe('1000003-1');
    expect(await r.xadd('s', '1000010-*', 'f', 'v')).toBe('1000010-0');
    await expect(r.xadd('s', '1000010-0', 'f', 'v')).rejects.toThrow(
      'ERR The ID specified in XADD is equal or smaller than the target stream top item',
    );
    expect(await r.xlen('s')).toBe(8);
  });

  it('XADD after XSETID to the greatest ID reports an exhausted stream', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xadd('s', '1-0', 'f', 'v');
    await r.xsetid('s', '18446744073709551615-18446744073709551615');
    await expect(r.xadd('s', '*', 'f', 'v')).rejects.toThrow('ERR The stream has exhausted the last possible ID, unable to add more items');
    expect(await r.xinfo('STREAM', 's')).toContain('18446744073709551615-18446744073709551615');
  });
});

/** A small deterministic PRNG for the model test. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

describe('streams: entry store against a model', () => {
  it('XADD/XDEL/XTRIM/XRANGE/XREVRANGE agree with a plain array over many nodes', async () => {
    const sim = await startSim();
    sim.call('CONFIG', 'SET', 'stream-node-max-entries', '7');
    const rand = rng(12345);
    type E = { id: string; ms: number; seq: number; v: string };
    let model: E[] = [];
    let ms = 1;
    const cmp = (a: E, ms2: number, seq2: number) => a.ms - ms2 || a.seq - seq2;
    const asEntries = (list: E[]) => list.map((e) => [e.id, ['f', e.v]]);
    for (let step = 0; step < 3000; step++) {
      const op = rand();
      if (op < 0.55) {
        ms += Math.floor(rand() * 3);
        const seq = model.length && model[model.length - 1]?.ms === ms ? (model[model.length - 1] as E).seq + 1 : 0;
        const id = `${ms}-${seq}`;
        const got = sim.command('XADD', 's', id, 'f', String(step));
        if (typeof got === 'string') model.push({ id, ms, seq, v: String(step) });
      } else if (op < 0.75 && model.length) {
        const victim = model[Math.floor(rand() * model.length)] as E;
        expect(sim.call('XDEL', 's', victim.id, '999999999-0')).toBe(1);
        model = model.filter((e) => e !== victim);
      } else if (op < 0.8) {
        const maxlen = Math.floor(rand() * (model.length + 3));
        const approx = rand() < 0.5;
        const n = sim.call('XTRIM', 's', 'MAXLEN', approx ? '~' : '=', String(maxlen)) as number;
        if (!approx) expect(model.length - n).toBe(Math.min(model.length, maxlen));
        model = model.slice(n);
      } else if (op < 0.83 && model.length) {
        const pivot = model[Math.floor(rand() * model.length)] as E;
        const n = sim.call('XTRIM', 's', 'MINID', `${pivot.ms}-${pivot.seq}`) as number;
        const keep = model.filter((e) => cmp(e, pivot.ms, pivot.seq) >= 0);
        expect(n).toBe(model.length - keep.length);
        model = keep;
      } else {
        const a = Math.floor(rand() * (ms + 2));
        const b = a + Math.floor(rand() * 20);
        const count = Math.floor(rand() * 6);
        const inRange = model.filter((e) => e.ms >= a && e.ms <= b);
        const fwd = sim.call('XRANGE', 's', String(a), String(b), 'COUNT', String(count || 1000));
        expect(fwd).toEqual(asEntries(inRange.slice(0, count || 1000)));
        const rev = sim.call('XREVRANGE', 's', `${b}`, `(${a}-0`);
        expect(rev).toEqual(asEntries(inRange.filter((e) => cmp(e, a, 0) > 0).reverse()));
      }
      if (step % 100 === 0) {
        expect(sim.call('XLEN', 's')).toBe(model.length);
        if (model.length || sim.call('EXISTS', 's')) expect(sim.call('XRANGE', 's', '-', '+')).toEqual(asEntries(model));
      }
    }
    expect(sim.call('XRANGE', 's', '-', '+')).toEqual(asEntries(model));
  });

  it('COPY gives an independent stream with its groups and pending entries', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xadd('s', '1-0', 'a', '1');
    await r.xadd('s', '2-0', 'b', '2');
    await r.xgroup('CREATE', 's', 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's', '>');
    expect(await r.copy('s', 'd')).toBe(1);
    await r.xack('s', 'g', '1-0');
    await r.xadd('s', '3-0', 'c', '3');
    expect(await r.xlen('d')).toBe(2);
    expect((await r.xpending('d', 'g')) as unknown[]).toEqual([2, '1-0', '2-0', [['c', '2']]]);
    expect((await r.xpending('s', 'g')) as unknown[]).toEqual([1, '2-0', '2-0', [['c', '1']]]);
    expect(await r.object('ENCODING', 'd')).toBe('stream');
  });
});

describe('streams: XREAD blocking on the manual clock', () => {
  it('BLOCK times out exactly at its deadline with a null array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$4\r\n1500\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$1\r\n$\r\n');
    await sim.waitForBlocked(1, 's');
    sim.clock.advance(1499);
    expect(c.pending()).toBe('');
    sim.clock.advance(1);
    expect(await c.read()).toBe('*-1\r\n');
  });

  it('$ waits for entries after the last ID at block time; XDEL, XSETID and XGROUP CREATE do not wake it', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xadd('s', '1-0', 'f', 'v');
    const c = await raw(sim);
    c.write('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$1\r\n$\r\n');
    await sim.waitForBlocked(1, 's');
    await r.xdel('s', '1-0');
    await r.xsetid('s', '5-0');
    await r.xgroup('CREATE', 's', 'g', '0');
    expect(c.pending()).toBe('');
    await r.xadd('s', '7-0', 'k', 'x');
    expect(await c.read()).toBe('*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n7-0\r\n*2\r\n$1\r\nk\r\n$1\r\nx\r\n');
  });

  it('XGROUP DESTROY signals the key: a reader waiting below the last ID gets an empty batch (as 7.0)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.xadd('s', '1-0', 'f', 'v');
    await r.xgroup('CREATE', 's', 'g', '0');
    const c = await raw(sim);
    c.write('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$1\r\n$\r\n');
    await sim.waitForBlocked(1, 's');
    await r.xdel('s', '1-0');
    await r.xsetid('s', '5-0');
    expect(c.pending()).toBe('');
    await r.xgroup('DESTROY', 's', 'g');
    expect(await c.read()).toBe('*1\r\n*2\r\n$1\r\ns\r\n*0\r\n');
  });

  it('a blocked XREAD on several keys is served from the key that got data; RESP3 uses a map', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HELLO', '3');
    c.write('*8\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'b');
    const r = ioredis(sim);
    await r.set('a', 'not a stream');
    expect(c.pending()).toBe('');
    await r.xadd('b', '3-0', 'f', 'v');
    expect(await c.read()).toBe('%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
  });

  it('several readers blocked on one stream are all served by one XADD', async () => {
    const sim = await startSim();
    const readers = [ioredis(sim), ioredis(sim), ioredis(sim)];
    const pending = readers.map((x) => x.xread('BLOCK', 0, 'STREAMS', 's', '$'));
    await sim.waitForBlocked(3, 's');
    await ioredis(sim).xadd('s', '1-0', 'f', 'v');
    for (const p of pending) expect(await p).toEqual([['s', [['1-0', ['f', 'v']]]]]);
  });

  it('inside MULTI XREAD BLOCK answers at once with a null array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'], ['EXEC']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '*1\r\n*-1\r\n',
    ]);
  });
});

describe('streams: keyspace events and WATCH', () => {
  it('publishes Redis 7.0 event names', async () => {
    const sim = await startSim();
    const next = await keyEvents(sim);
    const r = ioredis(sim);
    await r.xadd('s', 'MAXLEN', '1', '1-0', 'f', 'v');
    await r.xadd('s', 'MAXLEN', '1', '2-0', 'f', 'v');
    await r.xdel('s', '2-0');
    await r.xdel('s', '2-0');
    await r.xadd('s', '3-0', 'f', 'v');
    await r.xtrim('s', 'MAXLEN', 0);
    await r.xsetid('s', '9-0');
    await r.xgroup('CREATE', 's', 'g', '$');
    await r.xgroup('SETID', 's', 'g', '0');
    await r.xgroup('CREATECONSUMER', 's', 'g', 'c1');
    await r.xadd('s', '10-0', 'f', 'v');
    await r.xreadgroup('GROUP', 'g', 'c2', 'STREAMS', 's', '>');
    await r.xgroup('DELCONSUMER', 's', 'g', 'c2');
    await r.xgroup('DESTROY', 's', 'g');
    expect(await next()).toEqual([
      'xadd s',
      'xadd s',
      'xtrim s',
      'xdel s',
      'xadd s',
      'xtrim s',
      'xsetid s',
      'xgroup-create s',
      'xgroup-setid s',
      'xgroup-createconsumer s',
      'xadd s',
      'xgroup-createconsumer s',
      'xgroup-delconsumer s',
      'xgroup-destroy s',
    ]);
  });

  it('XADD, XDEL and XTRIM invalidate WATCH; XSETID, XACK and XGROUP do not (as in 7.0)', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await b.xadd('s', '1-0', 'f', 'v');
    await b.xgroup('CREATE', 's', 'g', '0');
    for (const write of [
      () => b.xsetid('s', '50-0'),
      () => b.xgroup('SETID', 's', 'g', '0'),
      () => b.xgroup('CREATECONSUMER', 's', 'g', 'x'),
      () => b.xack('s', 'g', '1-0'),
    ]) {
      await a.watch('s');
      await write();
      expect(await a.multi().ping().exec()).toEqual([[null, 'PONG']]);
    }
    for (const write of [() => b.xadd('s', '60-0', 'f', 'v'), () => b.xdel('s', '60-0'), () => b.xtrim('s', 'MAXLEN', 0)]) {
      await a.watch('s');
      await write();
      expect(await a.multi().ping().exec()).toBe(null);
    }
  });
});
