/**
 * List commands over TCP: every command, its replies (raw bytes, RESP2 and RESP3 where they
 * differ), its errors, keyspace events, and O(1) ends on a large list.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

type Step = [cmd: string[], reply: string];

async function run(steps: Step[], resp: 2 | 3 = 2): Promise<void> {
  const sim = await startSim();
  const c = await raw(sim);
  if (resp === 3) await c.call('HELLO', '3');
  for (const [cmd, reply] of steps) expect({ cmd: cmd.join(' '), reply: await c.call(...cmd) }).toEqual({ cmd: cmd.join(' '), reply });
}

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_INT = '-ERR value is not an integer or out of range\r\n';
const SYNTAX = '-ERR syntax error\r\n';

describe('push and pop', () => {
  it('LPUSH/RPUSH return the new length and keep order', () =>
    run([
      [['LPUSH', 'l', 'a', 'b'], ':2\r\n'],
      [['RPUSH', 'l', 'c', 'd'], ':4\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n'],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LPUSH', 's', 'a'], WRONGTYPE],
      [['RPUSH', 's', 'a'], WRONGTYPE],
      [['LPUSH', 'l'], "-ERR wrong number of arguments for 'lpush' command\r\n"],
    ]));

  it('LPUSHX/RPUSHX only push onto an existing list', () =>
    run([
      [['LPUSHX', 'l', 'a'], ':0\r\n'],
      [['EXISTS', 'l'], ':0\r\n'],
      [['RPUSH', 'l', 'x'], ':1\r\n'],
      [['LPUSHX', 'l', 'a', 'b'], ':3\r\n'],
      [['RPUSHX', 'l', 'z'], ':4\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nz\r\n'],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LPUSHX', 's', 'a'], WRONGTYPE],
    ]));

  it('LPOP/RPOP without and with count', () =>
    run([
      [['LPOP', 'l'], '$-1\r\n'],
      [['LPOP', 'l', '2'], '*-1\r\n'],
      [['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ':5\r\n'],
      [['LPOP', 'l'], '$1\r\na\r\n'],
      [['RPOP', 'l'], '$1\r\ne\r\n'],
      [['LPOP', 'l', '0'], '*0\r\n'],
      [['RPOP', 'l', '2'], '*2\r\n$1\r\nd\r\n$1\r\nc\r\n'],
      [['LPOP', 'l', '10'], '*1\r\n$1\r\nb\r\n'],
      [['EXISTS', 'l'], ':0\r\n'],
      [['LPOP', 'l', '-1'], '-ERR value is out of range, must be positive\r\n'],
      [['LPOP', 'l', 'x'], '-ERR value is out of range, must be positive\r\n'],
      [['LPOP', 'l', '1', '2'], "-ERR wrong number of arguments for 'lpop' command\r\n"],
      [['RPOP', 'l', '1', '2'], "-ERR wrong number of arguments for 'rpop' command\r\n"],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LPOP', 's'], WRONGTYPE],
      [['RPOP', 's', '0'], WRONGTYPE],
    ]));

  it('null replies in RESP3', () =>
    run(
      [
        [['LPOP', 'l'], '_\r\n'],
        [['LPOP', 'l', '1'], '_\r\n'],
        [['LINDEX', 'l', '0'], '_\r\n'],
        [['LMPOP', '1', 'l', 'LEFT'], '_\r\n'],
        [['LPOS', 'l', 'x'], '_\r\n'],
      ],
      3,
    ));
});

describe('read commands', () => {
  it('LLEN, LINDEX, LRANGE', () =>
    run([
      [['LLEN', 'l'], ':0\r\n'],
      [['LINDEX', 'l', 'x'], '$-1\r\n'],
      [['RPUSH', 'l', 'a', 'b', 'c'], ':3\r\n'],
      [['LLEN', 'l'], ':3\r\n'],
      [['LINDEX', 'l', '0'], '$1\r\na\r\n'],
      [['LINDEX', 'l', '-1'], '$1\r\nc\r\n'],
      [['LINDEX', 'l', '3'], '$-1\r\n'],
      [['LINDEX', 'l', '-4'], '$-1\r\n'],
      [['LINDEX', 'l', 'x'], NOT_INT],
      [['LRANGE', 'l', '1', '100'], '*2\r\n$1\r\nb\r\n$1\r\nc\r\n'],
      [['LRANGE', 'l', '-100', '0'], '*1\r\n$1\r\na\r\n'],
      [['LRANGE', 'l', '2', '1'], '*0\r\n'],
      [['LRANGE', 'l', '3', '5'], '*0\r\n'],
      [['LRANGE', 'nokey', '0', '-1'], '*0\r\n'],
      [['LRANGE', 'nokey', 'a', '-1'], NOT_INT],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LLEN', 's'], WRONGTYPE],
      [['LINDEX', 's', '0'], WRONGTYPE],
      [['LRANGE', 's', '0', '1'], WRONGTYPE],
    ]));

  it('LPOS with RANK, COUNT and MAXLEN', () =>
    run([
      [['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'], ':8\r\n'],
      [['LPOS', 'l', 'c'], ':2\r\n'],
      [['LPOS', 'l', 'c', 'RANK', '2'], ':6\r\n'],
      [['LPOS', 'l', 'c', 'RANK', '-1'], ':7\r\n'],
      [['LPOS', 'l', 'c', 'COUNT', '0'], '*3\r\n:2\r\n:6\r\n:7\r\n'],
      [['LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '-1'], '*2\r\n:7\r\n:6\r\n'],
      [['LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '3'], '*1\r\n:2\r\n'],
      [['LPOS', 'l', 'c', 'RANK', '4'], '$-1\r\n'],
      [['LPOS', 'l', 'z', 'COUNT', '1'], '*0\r\n'],
      [['LPOS', 'nokey', 'z', 'COUNT', '1'], '*0\r\n'],
      [
        ['LPOS', 'l', 'c', 'RANK', '0'],
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
      ],
      [['LPOS', 'l', 'c', 'COUNT', '-1'], "-ERR COUNT can't be negative\r\n"],
      [['LPOS', 'l', 'c', 'MAXLEN', '-1'], "-ERR MAXLEN can't be negative\r\n"],
      [['LPOS', 'l', 'c', 'RANK', 'x'], NOT_INT],
      [['LPOS', 'l', 'c', 'FOO'], SYNTAX],
      [['LPOS', 'l', 'c', 'RANK'], SYNTAX],
    ]));
});

describe('in-place changes', () => {
  it('LSET', () =>
    run([
      [['LSET', 'l', '0', 'x'], '-ERR no such key\r\n'],
      [['RPUSH', 'l', 'a', 'b'], ':2\r\n'],
      [['LSET', 'l', '-1', 'B'], '+OK\r\n'],
      [['LSET', 'l', '2', 'x'], '-ERR index out of range\r\n'],
      [['LSET', 'l', 'x', 'x'], NOT_INT],
      [['LRANGE', 'l', '0', '-1'], '*2\r\n$1\r\na\r\n$1\r\nB\r\n'],
    ]));

  it('LINSERT', () =>
    run([
      [['LINSERT', 'l', 'BEFORE', 'a', 'x'], ':0\r\n'],
      [['LINSERT', 'l', 'MIDDLE', 'a', 'x'], SYNTAX],
      [['RPUSH', 'l', 'a', 'b', 'c'], ':3\r\n'],
      [['LINSERT', 'l', 'before', 'a', '0'], ':4\r\n'],
      [['LINSERT', 'l', 'AFTER', 'c', 'd'], ':5\r\n'],
      [['LINSERT', 'l', 'AFTER', 'a', 'a2'], ':6\r\n'],
      [['LINSERT', 'l', 'BEFORE', 'zz', 'x'], ':-1\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*6\r\n$1\r\n0\r\n$1\r\na\r\n$2\r\na2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n'],
    ]));

  it('LREM from the head, the tail, and all', () =>
    run([
      [['LREM', 'l', '0', 'a'], ':0\r\n'],
      [['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a'], ':5\r\n'],
      [['LREM', 'l', '-1', 'a'], ':1\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n'],
      [['LREM', 'l', '1', 'a'], ':1\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n'],
      [['LREM', 'l', '0', 'zz'], ':0\r\n'],
      [['LREM', 'l', 'x', 'a'], NOT_INT],
      [['RPUSH', 'm', 'x', 'x'], ':2\r\n'],
      [['LREM', 'm', '0', 'x'], ':2\r\n'],
      [['EXISTS', 'm'], ':0\r\n'],
    ]));

  it('LTRIM', () =>
    run([
      [['LTRIM', 'l', '0', '1'], '+OK\r\n'],
      [['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ':5\r\n'],
      [['LTRIM', 'l', '1', '-2'], '+OK\r\n'],
      [['LRANGE', 'l', '0', '-1'], '*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n'],
      [['LTRIM', 'l', '0', '100'], '+OK\r\n'],
      [['LLEN', 'l'], ':3\r\n'],
      [['LTRIM', 'l', 'x', '1'], NOT_INT],
      [['LTRIM', 'l', '2', '1'], '+OK\r\n'],
      [['EXISTS', 'l'], ':0\r\n'],
    ]));
});

describe('moves', () => {
  it('LMOVE and RPOPLPUSH', () =>
    run([
      [['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], '$-1\r\n'],
      [['LMOVE', 'a', 'b', 'UP', 'RIGHT'], SYNTAX],
      [['RPUSH', 'a', '1', '2', '3'], ':3\r\n'],
      [['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], '$1\r\n1\r\n'],
      [['LMOVE', 'a', 'b', 'right', 'left'], '$1\r\n3\r\n'],
      [['RPOPLPUSH', 'a', 'b'], '$1\r\n2\r\n'],
      [['EXISTS', 'a'], ':0\r\n'],
      [['LRANGE', 'b', '0', '-1'], '*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n'],
      [['LMOVE', 'b', 'b', 'LEFT', 'RIGHT'], '$1\r\n2\r\n'],
      [['LRANGE', 'b', '0', '-1'], '*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n'],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LMOVE', 'b', 's', 'LEFT', 'LEFT'], WRONGTYPE],
      [['LLEN', 'b'], ':3\r\n'],
      [['RPOPLPUSH', 's', 'b'], WRONGTYPE],
    ]));

  it('LMPOP', () =>
    run([
      [['LMPOP', '2', 'a', 'b', 'LEFT'], '*-1\r\n'],
      [['RPUSH', 'b', '1', '2', '3'], ':3\r\n'],
      [['LMPOP', '2', 'a', 'b', 'LEFT'], '*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n'],
      [['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '5'], '*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n'],
      [['EXISTS', 'b'], ':0\r\n'],
      [['LMPOP', '0', 'a', 'LEFT'], '-ERR numkeys should be greater than 0\r\n'],
      [['LMPOP', 'x', 'a', 'LEFT'], '-ERR numkeys should be greater than 0\r\n'],
      [['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'], '-ERR count should be greater than 0\r\n'],
      [['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'], SYNTAX],
      [['LMPOP', '2', 'a', 'LEFT'], SYNTAX],
      [['LMPOP', '1', 'a', 'UP'], SYNTAX],
      [['LMPOP', '1', 'a', 'LEFT', 'COUNT'], SYNTAX],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['LMPOP', '2', 'a', 's', 'LEFT'], WRONGTYPE],
    ]));
});

describe('events and speed', () => {
  it('publishes Redis 7.0 keyspace events', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const sub = ioredis(sim);
    await r.config('SET', 'notify-keyspace-events', 'KEA');
    const got: string[] = [];
    sub.on('pmessage', (_p, ch, msg) => {
      if (ch.startsWith('__keyevent@0__:')) got.push(`${ch.slice(15)} ${msg}`);
    });
    await sub.psubscribe('__keyevent@0__:*');
    await r.rpush('l', 'a', 'b');
    await r.lpush('l', 'z');
    await r.lset('l', 0, 'y');
    await r.linsert('l', 'AFTER', 'y', 'x');
    await r.lrem('l', 1, 'x');
    await r.ltrim('l', 0, 1);
    await r.lmove('l', 'm', 'LEFT', 'RIGHT');
    await r.rpop('l');
    await r.ping();
    await sub.ping();
    expect(got).toEqual(['rpush l', 'lpush l', 'lset l', 'linsert l', 'lrem l', 'ltrim l', 'rpush m', 'lpop l', 'rpop l', 'del l']);
  });

  it('keeps both ends O(1) on a list of a million elements', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const chunk = Array.from({ length: 10000 }, (_, i) => String(i));
    for (let i = 0; i < 100; i++) sim.call('RPUSH', 'big', ...chunk);
    expect(await r.llen('big')).toBe(1_000_000);
    const t0 = performance.now();
    const p = r.pipeline();
    for (let i = 0; i < 20000; i++) p.lpush('big', 'x').rpop('big');
    await p.exec();
    const big = performance.now() - t0;
    const t1 = performance.now();
    const q = r.pipeline();
    for (let i = 0; i < 20000; i++) q.lpush('small', 'x').rpop('small');
    await q.exec();
    const small = performance.now() - t1;
    expect(await r.llen('big')).toBe(1_000_000);
    expect(await r.lindex('big', 0)).toBe('x');
    // Generous bound: an O(n) end operation would be thousands of times slower.
    expect(big).toBeLessThan(small * 5 + 200);
  }, 60_000);
});

describe('Deque (the list representation)', () => {
  it('matches an array model under random pushes, pops, inserts and removals across wrap-around', async () => {
    const { Deque } = await import('../src/types/deque.js');
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const d = new Deque<string>();
    const model: string[] = [];
    for (let step = 0; step < 20000; step++) {
      const v = String(rand(5));
      switch (rand(8)) {
        case 0:
          d.pushFront(v);
          model.unshift(v);
          break;
        case 1:
          d.pushBack(v);
          model.push(v);
          break;
        case 2:
          expect(d.popFront()).toBe(model.shift());
          break;
        case 3:
          expect(d.popBack()).toBe(model.pop());
          break;
        case 4: {
          const i = rand(model.length + 1);
          d.insertAt(i, v);
          model.splice(i, 0, v);
          break;
        }
        case 5: {
          const limit = rand(3);
          const fromTail = rand(2) === 1;
          let removed = 0;
          const idx = model.map((_, k) => (fromTail ? model.length - 1 - k : k));
          const drop = new Set<number>();
          for (const k of idx) {
            if (model[k] === v && (limit === 0 || removed < limit)) {
              drop.add(k);
              removed++;
            }
          }
          expect(d.removeMatching(v, limit, fromTail)).toBe(removed);
          const kept = model.filter((_, k) => !drop.has(k));
          model.length = 0;
          model.push(...kept);
          break;
        }
        case 6: {
          const n = rand(3);
          d.dropFront(n);
          model.splice(0, n);
          break;
        }
        default: {
          const n = rand(3);
          d.dropBack(n);
          model.splice(Math.max(0, model.length - n), n);
        }
      }
      expect(d.length).toBe(model.length);
      if (step % 500 === 0) expect(d.toArray()).toEqual(model);
    }
    expect(d.toArray()).toEqual(model);
  });
});
