import { describe, expect, it } from 'vitest';
import type { RedisObject } from '../src/engine/values.js';
import { BEYOND_SIM_LIMIT, MAX_STRING_BYTES, readBytes } from '../src/types/bitmap.js';
import { ioredis, raw, recordNotifications, startSim } from './helpers.js';

const bits = (buf: Buffer | null) => [...(buf ?? [])].map((b) => b.toString(2).padStart(8, '0')).join('');

describe('SETBIT / GETBIT', () => {
  it('sets bits most significant first, grows with zero bytes and replies the old bit', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('SETBIT', 'k', '1', '1')).toBe(':0\r\n');
    expect(await r.call('SETBIT', 'k', '1', '1')).toBe(':1\r\n');
    expect(await r.call('SETBIT', 'k', '17', '1')).toBe(':0\r\n');
    expect(await r.call('GET', 'k')).toBe('$3\r\n@\x00@\r\n');
    expect(await r.call('GETBIT', 'k', '17')).toBe(':1\r\n');
    expect(await r.call('GETBIT', 'k', '16')).toBe(':0\r\n');
    expect(await r.call('GETBIT', 'k', '4294967295')).toBe(':0\r\n');
    expect(await r.call('GETBIT', 'missing', '3')).toBe(':0\r\n');
    expect(await r.call('OBJECT', 'ENCODING', 'k')).toBe('$3\r\nraw\r\n');
  });

  it('validates the offset, then the bit, then the type', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    await r.call('RPUSH', 'l', 'a');
    expect(await r.call('SETBIT', 'l', '-1', '7')).toBe('-ERR bit offset is not an integer or out of range\r\n');
    expect(await r.call('SETBIT', 'l', '4294967296', '1')).toBe('-ERR bit offset is not an integer or out of range\r\n');
    expect(await r.call('SETBIT', 'l', '0', '2')).toBe('-ERR bit is not an integer or out of range\r\n');
    expect(await r.call('SETBIT', 'l', '0', '1')).toMatch(/^-WRONGTYPE/);
    expect(await r.call('GETBIT', 'l', 'x')).toBe('-ERR bit offset is not an integer or out of range\r\n');
    expect(await r.call('GETBIT', 'l', '0')).toMatch(/^-WRONGTYPE/);
  });

  it('keeps SETBIT O(1) amortized: bits go into one growing buffer, not a new string each time', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setbit('big', 8 * 1024 * 1024 - 1, 1); // 1 MB
    const obj = () => sim.node.db(0).entry('big') as RedisObject<'string'>;
    const before = readBytes(obj()).src;
    expect(Buffer.isBuffer(before)).toBe(true);
    for (let i = 0; i < 2000; i++) await r.setbit('big', i * 7, 1);
    // Same buffer: nothing was copied, and no string was built while only bits were written.
    expect(readBytes(obj()).src).toBe(before);
    expect(await r.bitcount('big')).toBe(2001);
    expect(await r.strlen('big')).toBe(1024 * 1024);
    // Growing doubles the capacity: 1000 appends of one byte each reallocate only a few times.
    const seen = new Set<unknown>();
    for (let i = 0; i < 1000; i++) {
      await r.setbit('grow', i * 8 + 7, 1);
      seen.add(readBytes(sim.node.db(0).entry('grow') as RedisObject<'string'>).src);
    }
    expect(seen.size).toBeLessThan(12);
    expect(await r.get('grow')).toBe('\x01'.repeat(1000));
  });

  it('refuses writes past what a V8 string can hold, after the type check, and creates nothing', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    const past = String(MAX_STRING_BYTES * 8); // the first bit of byte MAX_STRING_BYTES
    expect(await r.call('SETBIT', 'k', past, '1')).toBe(
      '-ERR bit offset is beyond the largest string redis-sim can hold (536870856 bytes)\r\n',
    );
    expect(await r.call('SETBIT', 'k', '4294967295', '1')).toBe(`-${BEYOND_SIM_LIMIT}\r\n`);
    expect(await r.call('BITFIELD', 'k', 'SET', 'u8', '#536870911', '1')).toBe(`-${BEYOND_SIM_LIMIT}\r\n`);
    expect(await r.call('EXISTS', 'k')).toBe(':0\r\n');
    await r.call('HSET', 'h', 'f', 'v');
    expect(await r.call('SETBIT', 'h', past, '1')).toMatch(/^-WRONGTYPE/);
    // Reads far away are fine: they never allocate.
    expect(await r.call('GETBIT', 'k', '4294967295')).toBe(':0\r\n');
    expect(await r.call('BITFIELD_RO', 'k', 'GET', 'i64', '4294967295')).toBe('*1\r\n:0\r\n');
  });

  it('honours proto-max-bulk-len as the offset limit', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    await r.call('CONFIG', 'SET', 'proto-max-bulk-len', '1048576');
    expect(await r.call('SETBIT', 'k', String(1048576 * 8), '1')).toBe('-ERR bit offset is not an integer or out of range\r\n');
    expect(await r.call('SETBIT', 'k', String(1048576 * 8 - 1), '1')).toBe(':0\r\n');
    expect(await r.call('STRLEN', 'k')).toBe(':1048576\r\n');
  });
});

describe('bitmaps are strings', () => {
  it('GET, APPEND, SETRANGE, GETRANGE, STRLEN and INCR keep working between bit writes', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('k', 'ab');
    await r.setbit('k', 7, 0); // 'a' = 0x61 -> 0x60 '`'
    expect(await r.get('k')).toBe('`b');
    expect(await r.append('k', 'cd')).toBe(4);
    expect(await r.get('k')).toBe('`bcd');
    await r.setbit('k', 39, 1);
    expect(await r.get('k')).toBe('`bcd\x01');
    expect(await r.setrange('k', 1, 'XY')).toBe(5);
    expect(await r.getrange('k', 0, -1)).toBe('`XYd\x01');
    expect(await r.setbit('k', 8, 1)).toBe(0); // 'X' 0x58 -> 0xd8
    expect(await r.getrangeBuffer('k', 1, 1)).toEqual(Buffer.from([0xd8]));
    expect(await r.strlen('k')).toBe(5);
    await r.set('n', '10');
    await r.setbit('n', 15, 1); // '0' -> '1'
    expect(await r.incr('n')).toBe(12);
    expect(await r.object('ENCODING', 'n')).toBe('int');
  });

  it('COPY and RENAME of a bitmap are independent values', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setbit('a', 0, 1);
    await r.copy('a', 'b');
    await r.setbit('b', 1, 1);
    await r.setbit('a', 2, 1);
    expect(bits(await r.getBuffer('a'))).toBe('10100000');
    expect(bits(await r.getBuffer('b'))).toBe('11000000');
    await r.rename('a', 'c');
    await r.setbit('c', 3, 1);
    expect(bits(await r.getBuffer('c'))).toBe('10110000');
  });

  it('DUMP and RESTORE round-trip a bitmap', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setbit('k', 100, 1);
    const dump = await r.dumpBuffer('k');
    await r.restore('k2', 0, dump);
    expect(await r.getBuffer('k2')).toEqual(await r.getBuffer('k'));
    expect(await r.bitpos('k2', 1)).toBe(100);
    await r.setbit('k2', 0, 1);
    expect(await r.getbit('k', 0)).toBe(0);
  });

  it('a value assigned through the API replaces the bitmap', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setbit('k', 0, 1);
    const o = sim.node.db(0).entry('k') as RedisObject<'string'>;
    o.value = 'zz';
    expect(await r.get('k')).toBe('zz');
    expect(await r.bitcount('k')).toBe(10);
    await r.setbit('k', 0, 1);
    expect(await r.getBuffer('k')).toEqual(Buffer.from([0xfa, 0x7a]));
  });

  it('binary keys and empty strings', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    const key = 'b\x00\xff\r\nk';
    expect(await r.call('SETBIT', key, '15', '1')).toBe(':0\r\n');
    expect(await r.call('GET', key)).toBe('$2\r\n\x00\x01\r\n');
    await r.call('SET', 'e', '');
    expect(await r.call('BITCOUNT', 'e')).toBe(':0\r\n');
    expect(await r.call('BITPOS', 'e', '0')).toBe(':-1\r\n');
    expect(await r.call('BITPOS', 'missing', '0')).toBe(':0\r\n');
    expect(await r.call('BITOP', 'OR', 'd', 'e')).toBe(':0\r\n');
    expect(await r.call('EXISTS', 'd')).toBe(':0\r\n');
    expect(await r.call('BITFIELD', 'e', 'GET', 'u8', '0')).toBe('*1\r\n:0\r\n');
  });
});

describe('BITCOUNT / BITPOS', () => {
  it('counts in byte and bit ranges with negative indexes', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('s', 'foobar');
    expect(await r.bitcount('s')).toBe(26);
    expect(await r.bitcount('s', 1, 1)).toBe(6);
    expect(await r.bitcount('s', -2, -1)).toBe(7);
    expect(await r.call('BITCOUNT', 's', '5', '30', 'BIT')).toBe(17);
    expect(await r.call('BITCOUNT', 's', '-1', '-2', 'NOPE')).toBe(0);
    await expect(r.call('BITCOUNT', 's', '0', '1', 'NOPE')).rejects.toThrow('ERR syntax error');
    await expect(r.call('BITCOUNT', 's', '0')).rejects.toThrow('ERR syntax error');
    expect(await r.call('BITCOUNT', 'missing', 'x')).toBe(0);
  });

  it('finds the first 0 or 1 bit, with BIT ranges and an explicit end', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', Buffer.from([0xff, 0xf0, 0x00]));
    expect(await r.bitpos('a', 0)).toBe(12);
    expect(await r.bitpos('a', 1, 2)).toBe(-1);
    expect(await r.call('BITPOS', 'a', '1', '7', '15', 'BIT')).toBe(7);
    expect(await r.call('BITPOS', 'a', '0', '0', '11', 'BIT')).toBe(-1);
    await r.set('ones', Buffer.from([0xff]));
    expect(await r.bitpos('ones', 0)).toBe(8);
    expect(await r.bitpos('ones', 0, 0, -1)).toBe(-1);
    await expect(r.bitpos('a', 2)).rejects.toThrow('ERR The bit argument must be 1 or 0.');
  });
});

describe('BITOP', () => {
  it('combines zero-padded sources, replaces any destination type and drops its TTL', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', Buffer.from([0xf0, 0x0f]));
    await r.set('b', Buffer.from([0x3c]));
    await r.rpush('d', 'x');
    await r.pexpire('d', 1000);
    expect(await r.bitop('AND', 'd', 'a', 'b')).toBe(2);
    expect(await r.getBuffer('d')).toEqual(Buffer.from([0x30, 0x00]));
    expect(await r.pttl('d')).toBe(-1);
    await r.bitop('OR', 'd', 'a', 'b');
    expect(await r.getBuffer('d')).toEqual(Buffer.from([0xfc, 0x0f]));
    await r.bitop('XOR', 'd', 'a', 'b', 'missing');
    expect(await r.getBuffer('d')).toEqual(Buffer.from([0xcc, 0x0f]));
    await r.bitop('NOT', 'd', 'a');
    expect(await r.getBuffer('d')).toEqual(Buffer.from([0x0f, 0xf0]));
    expect(await r.object('ENCODING', 'd')).toBe('raw');
    // The result is a bitmap too: bits can be set on it in place.
    await r.setbit('d', 0, 1);
    expect(await r.getBuffer('d')).toEqual(Buffer.from([0x8f, 0xf0]));
    expect(await r.bitop('AND', 'd', 'missing')).toBe(0);
    expect(await r.exists('d')).toBe(0);
    await expect(r.bitop('NOT', 'd', 'a', 'b')).rejects.toThrow('ERR BITOP NOT must be called with a single source key.');
    await expect(r.bitop('NAND', 'd', 'a')).rejects.toThrow('ERR syntax error');
  });

  it('works in place (destination among the sources)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.setbit('a', 0, 1);
    await r.set('b', Buffer.from([0x01, 0x01]));
    expect(await r.bitop('OR', 'a', 'a', 'b')).toBe(2);
    expect(await r.getBuffer('a')).toEqual(Buffer.from([0x81, 0x01]));
  });
});

describe('BITFIELD', () => {
  it('GET/SET/INCRBY signed and unsigned fields with overflow control', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.call('BITFIELD', 'k', 'SET', 'i8', 0, -100, 'GET', 'i8', 0, 'GET', 'u8', 0)).toEqual([0, -100, 156]);
    expect(await r.call('BITFIELD', 'k', 'INCRBY', 'u2', 100, 1, 'OVERFLOW', 'SAT', 'INCRBY', 'u2', 102, 5)).toEqual([1, 3]);
    expect(await r.call('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 100, 5, 'GET', 'u2', 100)).toEqual([null, 1]);
    expect(await r.call('BITFIELD', 'k', 'SET', 'i32', 0, '-2147483648', 'GET', 'i32', 0, 'GET', 'u31', 1)).toEqual([
      -1677721600, // the old first 4 bytes: 0x9c 0x00 0x00 0x00 (the u2 fields are in byte 12)
      -2147483648,
      0,
    ]);
    await expect(r.call('BITFIELD', 'k', 'GET', 'u64', 0)).rejects.toThrow(
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    );
    await expect(r.call('BITFIELD', 'k', 'OVERFLOW', 'X')).rejects.toThrow('ERR Invalid OVERFLOW type specified');
    await expect(r.call('BITFIELD_RO', 'k', 'SET', 'u8', '0', '1')).rejects.toThrow('ERR BITFIELD_RO only supports the GET subcommand');
  });

  it('replies exact int64 values and RESP3 nulls', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775807', 'GET', 'i64', '0', 'GET', 'u63', '1')).toBe(
      '*3\r\n:0\r\n:-9223372036854775807\r\n:1\r\n',
    );
    expect(await r.call('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', '-2')).toBe('*1\r\n$-1\r\n');
    await r.call('HELLO', '3');
    expect(await r.call('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', '-2', 'GET', 'u4', '#0')).toBe('*2\r\n_\r\n:8\r\n');
  });

  it('parses every operation before running any', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('BITFIELD', 'k', 'SET', 'u8', '0', '1', 'GET', 'u8', 'x')).toBe(
      '-ERR bit offset is not an integer or out of range\r\n',
    );
    expect(await r.call('EXISTS', 'k')).toBe(':0\r\n');
    expect(await r.call('BITFIELD', 'k', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0')).toBe('-ERR syntax error\r\n');
    expect(await r.call('EXISTS', 'k')).toBe(':0\r\n');
  });
});

describe('keyspace events, WATCH and expiry', () => {
  it('SETBIT/BITFIELD fire setbit only on change, BITOP set or del', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'notify-keyspace-events', 'KEAn');
    const events = recordNotifications(sim);
    await r.setbit('k', 3, 1);
    await r.setbit('k', 3, 1); // unchanged: nothing
    await r.setbit('k', 3, 0);
    await r.setbit('k', 20, 0); // grows: a change even though the bit is 0
    await r.call('BITFIELD', 'k', 'SET', 'u8', 0, 0); // unchanged
    await r.call('BITFIELD', 'k', 'INCRBY', 'u8', 0, 1);
    await r.call('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 9); // creates f, changes nothing
    await r.call('BITFIELD', 'k', 'GET', 'u8', 0);
    await r.bitop('NOT', 'd', 'k');
    await r.bitop('AND', 'd', 'missing');
    await r.bitop('AND', 'd', 'missing'); // nothing to delete
    expect(events).toEqual(['n:new:k', '$:setbit:k', '$:setbit:k', '$:setbit:k', '$:setbit:k', 'n:new:f', 'n:new:d', '$:set:d', 'g:del:d']);
  });

  it('invalidates WATCH only when a bit changes', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.setbit('k', 1, 1);
    await a.watch('k');
    await b.setbit('k', 1, 1); // same bit value: no change
    expect(await a.multi().get('k').exec()).toEqual([[null, '@']]);
    await a.watch('k');
    await b.call('BITFIELD', 'k', 'SET', 'u1', 1, 0);
    expect(await a.multi().get('k').exec()).toBeNull();
    await a.watch('d');
    await b.bitop('OR', 'd', 'k');
    expect(await a.multi().get('d').exec()).toBeNull();
  });

  it('bit writes keep the TTL; an expired bitmap reads as missing', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('k', 'x', 'PX', 1000);
    await r.setbit('k', 100, 1);
    await r.call('BITFIELD', 'k', 'INCRBY', 'u8', 0, 1);
    expect(await r.pttl('k')).toBe(1000);
    sim.clock.advance(1000); // the deadline millisecond: still there
    expect(await r.getbit('k', 100)).toBe(1);
    sim.clock.advance(1);
    expect(await r.getbit('k', 100)).toBe(0);
    expect(await r.bitcount('k')).toBe(0);
    expect(await r.bitpos('k', 0)).toBe(0);
    expect(await r.setbit('k', 0, 1)).toBe(0);
    expect(await r.getBuffer('k')).toEqual(Buffer.from([0x80]));
    expect(await r.pttl('k')).toBe(-1);
  });
});

describe('MULTI and scripts', () => {
  it('run inside MULTI and from Lua', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const res = await r.multi().setbit('k', 0, 1).bitcount('k').bitfield('k', 'GET', 'u8', 0).exec();
    expect(res).toEqual([
      [null, 0],
      [null, 1],
      [null, [128]],
    ]);
    expect(
      await r.eval(
        "redis.call('SETBIT', KEYS[1], 9, 1); return redis.call('BITFIELD', KEYS[1], 'GET', 'u16', 0, 'OVERFLOW', 'FAIL', 'INCRBY', 'u1', 0, 1)",
        1,
        'k',
      ),
    ).toEqual([32832, null]);
    await expect(r.eval("return redis.call('BITFIELD', KEYS[1], 'SET', 'u8', 0, 1)", 1, 'k').then(() => 0)).resolves.toBe(0);
    await expect(r.call('EVAL_RO', "return redis.call('SETBIT', KEYS[1], 0, 1)", '1', 'k')).rejects.toThrow(
      /Write commands are not allowed from read-only scripts/,
    );
  });
});
