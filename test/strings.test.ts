import { describe, expect, it } from 'vitest';
import { RedisObject } from '../src/engine/values.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../src/protocol/longdouble.js';
import { ioredis, raw, recordNotifications, startSim } from './helpers.js';

function incrFloat(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (!x || !y) return 'invalid';
  const s = addLongDouble(x, y);
  return s.kind === 'finite' ? formatLongDouble(s) : 'nonfinite';
}

describe('long double arithmetic (INCRBYFLOAT)', () => {
  it('rounds like x87 extended precision and prints %.17Lf without trailing zeros', () => {
    expect(incrFloat('0.1', '0.2')).toBe('0.3');
    expect(incrFloat('10000000000', '0.1')).toBe('10000000000.09999999962747097');
    expect(incrFloat('1.1', '2.2')).toBe('3.3');
    expect(incrFloat('0', '1.23456789012345678901234567890')).toBe('1.23456789012345679');
    expect(incrFloat('0', '123456789012345678901234567890')).toBe('123456789012345678899921813504');
    expect(incrFloat('9007199254740993', '0.5')).toBe('9007199254740993.5');
    expect(incrFloat('18446744073709551617', '1')).toBe('18446744073709551616');
    expect(incrFloat('1.5', '-1.5')).toBe('0');
    expect(incrFloat('0', '-1e-30')).toBe('0');
    expect(incrFloat('0', '0x1p-3')).toBe('0.125');
  });

  it('rounds ties to even when printing 17 decimals', () => {
    expect(incrFloat('0', '0.000003814697265625')).toBe('0.00000381469726562');
    expect(incrFloat('0', '0.000011444091796875')).toBe('0.00001144409179688');
  });

  it('accepts the long double range and rejects overflow, underflow to zero and NaN', () => {
    expect(incrFloat('1e4000', '0').length).toBe(4000); // 9999…65463…: just below 10^4000
    expect(incrFloat('1.18973149535723176502e+4932', '0').length).toBe(4933);
    expect(incrFloat('1.18973149535723176508e+4932', '0')).toBe('invalid');
    expect(incrFloat('0', '1e-5000')).toBe('invalid');
    expect(incrFloat('0', '3.6e-4951')).toBe('0'); // the smallest subnormal: valid, prints 0
    expect(incrFloat('0', '1.8e-4951')).toBe('invalid'); // rounds to zero: ERANGE
    expect(incrFloat('0', 'nan')).toBe('invalid');
    expect(incrFloat('0', 'inf')).toBe('nonfinite');
    expect(incrFloat('1.18973149535723176502e+4932', '1.18973149535723176502e+4932')).toBe('nonfinite');
    for (const bad of ['', ' 1', '1 ', '1e', '0x', '.', '-', '1_0', 'x'.repeat(5120)]) expect(incrFloat('0', bad)).toBe('invalid');
    expect(parseLongDouble('0'.repeat(5119))).not.toBeNull();
    expect(parseLongDouble('0'.repeat(5120))).toBeNull(); // MAX_LONG_DOUBLE_CHARS
  });
});

describe('GET and SET', () => {
  it('replies byte-exact in RESP2 and RESP3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await c.call('SET', 'k', 'w', 'NX')).toBe('$-1\r\n');
    expect(await c.call('SET', 'k', 'w', 'GET')).toBe('$1\r\nv\r\n');
    expect(await c.call('SET', 'k', 'v', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(await c.call('SET', 'k', 'v', 'NX', 'XX')).toBe('-ERR syntax error\r\n');
    expect(await c.call('SET', 'k', 'v', 'EX', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('GET', 'nokey')).toBe('_\r\n');
    expect(await c.call('SET', 'k', 'w', 'XX', 'GET')).toBe('$1\r\nw\r\n');
    expect(await c.call('SET', 'n', 'x', 'XX')).toBe('_\r\n');
  });

  it('is binary safe', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const v = Buffer.from([0, 1, 0xff, 13, 10, 0x80]);
    const k = Buffer.from([0xc3, 0x28]);
    expect(await c.call('SET', k, v)).toBe('+OK\r\n');
    expect(await c.call('GET', k)).toBe(`$6\r\n${v.toString('latin1')}\r\n`);
    expect(await c.call('STRLEN', k)).toBe(':6\r\n');
    expect(await c.call('APPEND', k, Buffer.from([0xfe]))).toBe(':7\r\n');
  });

  it('SET variants publish set (and expire) events; GET needs the string type', async () => {
    const sim = await startSim();
    const events = recordNotifications(sim);
    const r = ioredis(sim);
    await r.set('a', '1', 'EX', 10);
    await r.set('a', '2', 'KEEPTTL');
    await r.set('b', '1', 'NX');
    await r.set('b', '1', 'NX'); // refused: no event
    await r.setex('c', 5, 'x');
    await r.mset('d', '1', 'e', '2');
    await r.msetnx('d', '1', 'f', '2'); // refused
    expect(events).toEqual(['$:set:a', 'g:expire:a', '$:set:a', '$:set:b', '$:set:c', 'g:expire:c', '$:set:d', '$:set:e']);
    expect(await r.ttl('a')).toBe(10);
    sim.call('ZADD', 'z', '1', 'm');
    await expect(r.get('z')).rejects.toThrow('WRONGTYPE');
    expect(await r.mget('z', 'a', 'nokey')).toEqual([null, '2', null]);
  });
});

describe('expiring SETs on the virtual clock', () => {
  it('EX and PX expire exactly at their deadline', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('s', 'v', 'EX', 2);
    await r.set('p', 'v', 'PX', 1500);
    sim.clock.advance(1499);
    expect(await r.pttl('p')).toBe(1);
    expect(await r.pttl('s')).toBe(501);
    sim.clock.advance(1);
    // The deadline millisecond: still there with PTTL 0 (Redis expires at now > deadline).
    expect(await r.pttl('p')).toBe(0);
    expect(await r.get('p')).toBe('v');
    sim.clock.advance(1);
    expect(await r.exists('p')).toBe(0);
    expect(await r.exists('s')).toBe(1);
    sim.clock.advance(500);
    expect(await r.get('s')).toBeNull();
    expect(sim.node.db(0).size).toBe(0);
  });

  it('EXAT and PXAT are absolute on the virtual clock', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_000_000_000_000 } });
    const r = ioredis(sim);
    await r.set('a', 'v', 'EXAT', 1_000_000_010);
    await r.set('b', 'v', 'PXAT', 1_000_000_000_250);
    expect(await r.pttl('a')).toBe(10_000);
    expect(await r.pexpiretime('b')).toBe(1_000_000_000_250);
    expect(await r.call('EXPIRETIME', 'a')).toBe(1_000_000_010);
    sim.clock.advance(250);
    expect(await r.exists('b')).toBe(1);
    sim.clock.advance(1);
    expect(await r.exists('b')).toBe(0);
    // A deadline already past is accepted; the key is gone at its next lookup.
    expect(await r.set('c', 'v', 'EXAT', 1)).toBe('OK');
    expect(await r.get('c')).toBeNull();
  });

  it('SETEX/PSETEX set TTLs; KEEPTTL keeps, plain SET and GETSET clear, INCR/APPEND keep', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setex('k', 100, 'v');
    await r.psetex('m', 2500, 'v');
    expect(await r.pttl('m')).toBe(2500);
    await r.set('k', 'w', 'KEEPTTL');
    expect(await r.ttl('k')).toBe(100);
    await r.getset('k', 'x');
    expect(await r.ttl('k')).toBe(-1);
    await r.set('n', '1', 'PX', 1000);
    await r.incr('n');
    await r.incrbyfloat('n', '0.5');
    await r.append('n', '0');
    await r.setrange('n', 0, '3');
    expect(await r.pttl('n')).toBe(1000);
    expect(await r.get('n')).toBe('3.50');
  });

  it('GETEX sets, persists or deletes, with the right events', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 5_000_000 } });
    const events = recordNotifications(sim);
    const r = ioredis(sim);
    await r.set('k', 'v');
    expect(await r.getex('k', 'PX', 300)).toBe('v');
    expect(await r.pttl('k')).toBe(300);
    expect(await r.getex('k', 'PERSIST')).toBe('v');
    expect(await r.getex('k', 'PERSIST')).toBe('v'); // nothing to remove: no event
    expect(await r.ttl('k')).toBe(-1);
    expect(await r.getex('k', 'PXAT', 5_000_000)).toBe('v'); // now: deleted
    expect(await r.exists('k')).toBe(0);
    expect(events).toEqual(['$:set:k', 'g:expire:k', 'g:persist:k', 'g:del:k']);
    expect(await r.getex('nokey', 'EX', 0)).toBeNull();
  });
});

describe('string editing', () => {
  it('APPEND, SETRANGE, GETRANGE and their events', async () => {
    const sim = await startSim();
    const events = recordNotifications(sim);
    const c = await raw(sim);
    expect(await c.call('SETRANGE', 'k', '0', '')).toBe(':0\r\n');
    expect(await c.call('SETRANGE', 'k', '3', 'ab')).toBe(':5\r\n');
    expect(await c.call('GET', 'k')).toBe('$5\r\n\0\0\0ab\r\n');
    expect(await c.call('SETRANGE', 'k', '0', '')).toBe(':5\r\n');
    expect(await c.call('APPEND', 'k', 'cd')).toBe(':7\r\n');
    expect(await c.call('GETRANGE', 'k', '-4', '-1')).toBe('$4\r\nabcd\r\n');
    expect(await c.call('GETRANGE', 'k', '5', '2')).toBe('$0\r\n\r\n');
    expect(await c.call('SUBSTR', 'k', '3', '3')).toBe('$1\r\na\r\n');
    expect(await c.call('SETRANGE', 'k', '-1', 'x')).toBe('-ERR offset is out of range\r\n');
    expect(await c.call('SETRANGE', 'k', '536870912', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(await c.call('GETDEL', 'k')).toBe('$7\r\n\0\0\0abcd\r\n');
    expect(await c.call('GETDEL', 'k')).toBe('$-1\r\n');
    expect(events).toEqual(['$:setrange:k', '$:append:k', 'g:del:k']);
  });

  it('the size limit follows proto-max-bulk-len', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'proto-max-bulk-len', '1048576');
    await expect(r.setrange('k', 1048576, 'x')).rejects.toThrow('string exceeds maximum allowed size');
    expect(await r.setrange('k', 1048575, 'x')).toBe(1048576);
    await expect(r.append('k', 'y')).rejects.toThrow('string exceeds maximum allowed size');
  });
});

describe('counters', () => {
  it('INCR family replies, errors and events, byte-exact', async () => {
    const sim = await startSim();
    const events = recordNotifications(sim);
    const c = await raw(sim);
    expect(await c.call('INCR', 'n')).toBe(':1\r\n');
    expect(await c.call('INCRBY', 'n', '-5')).toBe(':-4\r\n');
    expect(await c.call('DECRBY', 'n', '-9223372036854775808')).toBe('-ERR decrement would overflow\r\n');
    expect(await c.call('SET', 'n', '9223372036854775807')).toBe('+OK\r\n');
    expect(await c.call('INCR', 'n')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(await c.call('DECRBY', 'n', '9223372036854775807')).toBe(':0\r\n');
    expect(await c.call('DECRBY', 'n', '9223372036854775807')).toBe(':-9223372036854775807\r\n');
    expect(await c.call('DECR', 'n')).toBe(':-9223372036854775808\r\n');
    expect(await c.call('DECR', 'n')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(await c.call('SET', 'n', '9007199254740993')).toBe('+OK\r\n');
    expect(await c.call('INCR', 'n')).toBe(':9007199254740994\r\n');
    expect(await c.call('SET', 'n', '01')).toBe('+OK\r\n');
    expect(await c.call('INCR', 'n')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('INCRBYFLOAT', 'f', '0.1')).toBe('$3\r\n0.1\r\n');
    expect(await c.call('INCRBYFLOAT', 'f', 'inf')).toBe('-ERR increment would produce NaN or Infinity\r\n');
    expect(await c.call('INCRBYFLOAT', 'f', 'x')).toBe('-ERR value is not a valid float\r\n');
    expect(events).toEqual([
      '$:incrby:n',
      '$:incrby:n',
      '$:set:n',
      '$:incrby:n',
      '$:incrby:n',
      '$:incrby:n',
      '$:set:n',
      '$:incrby:n',
      '$:set:n',
      '$:incrbyfloat:f',
    ]);
  });
});

describe('OBJECT ENCODING', () => {
  it('strings: int, embstr, raw', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const enc = (k: string) => r.object('ENCODING', k);
    for (const [v, e] of [
      ['12', 'int'],
      ['-9223372036854775808', 'int'],
      ['9223372036854775808', 'embstr'],
      ['-0', 'embstr'],
      [' 1', 'embstr'],
      ['01', 'embstr'],
      ['x'.repeat(44), 'embstr'],
      ['x'.repeat(45), 'raw'],
    ] as const) {
      await r.set('k', v);
      expect([v, await enc('k')]).toEqual([v, e]);
    }
    await r.append('a', '1');
    expect(await enc('a')).toBe('int');
    await r.append('a', '');
    expect(await enc('a')).toBe('raw');
    await r.incr('a');
    expect(await enc('a')).toBe('int');
    await r.incrbyfloat('a', 1);
    expect(await r.get('a')).toBe('3');
    expect(await enc('a')).toBe('embstr');
    await r.copy('a', 'b');
    expect(await enc('b')).toBe('embstr');
    expect(await enc('nokey')).toBeNull();
  });

  it('plain Map/Set values (seeded through the API) convert one way, by the config thresholds', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const db = sim.node.db(0);
    const now = sim.clock.now();
    const h = new Map([['f', 'v']]);
    db.set('h', new RedisObject('hash', h, now));
    const s = new Set(['1', '2']);
    db.set('s', new RedisObject('set', s, now));
    expect(await r.object('ENCODING', 'h')).toBe('listpack');
    expect(await r.object('ENCODING', 's')).toBe('intset');
    s.add('x');
    expect(await r.object('ENCODING', 's')).toBe('hashtable');
    s.delete('x');
    expect(await r.object('ENCODING', 's')).toBe('hashtable'); // stays converted
    await r.config('SET', 'hash-max-listpack-entries', '2');
    h.set('g', 'v');
    expect(await r.object('ENCODING', 'h')).toBe('listpack');
    h.set('i', 'v');
    expect(await r.object('ENCODING', 'h')).toBe('hashtable');
    h.delete('i');
    expect(await r.object('ENCODING', 'h')).toBe('hashtable');
    const h2 = new Map([['f', 'x'.repeat(65)]]);
    db.set('h2', new RedisObject('hash', h2, now));
    expect(await r.object('ENCODING', 'h2')).toBe('hashtable');
    const list = (await import('../src/rdb/quicklist.js')).createList(sim.node);
    list.pushBack('a');
    db.set('l', new RedisObject('list', list, now));
    expect(await r.object('ENCODING', 'l')).toBe('quicklist');
  });
});
