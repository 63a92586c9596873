/**
 * DUMP/RESTORE within redis-sim: every type round-trips (also to another node), the footer
 * rejects corruption, and TTL/ABSTTL/IDLETIME follow the node's virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { type RawClient, raw, startSim } from './helpers.js';

/** The payload of a DUMP reply. */
async function dumpOf(c: RawClient, key: string): Promise<string> {
  const reply = await c.call('DUMP', key);
  const m = /^\$(\d+)\r\n/.exec(reply);
  if (!m) throw new Error(`no payload: ${reply}`);
  return reply.slice(m[0].length, m[0].length + Number(m[1]));
}

describe('DUMP and RESTORE', () => {
  it('round-trips every type to another node', async () => {
    const a = await startSim();
    const b = await startSim();
    const ca = await raw(a);
    const cb = await raw(b);
    await ca.call('SET', 's', 'v\r\n\x00\xff');
    await ca.call('RPUSH', 'l', 'x', 'y');
    await ca.call('HSET', 'h', 'f', '1', 'g', '2');
    await ca.call('SADD', 'is', '3', '1');
    await ca.call('SADD', 'hs', 'a', 'b');
    await ca.call('ZADD', 'z', '1', 'a', 'inf', 'b');
    await ca.call('XADD', 'x', '5-1', 'k', 'v');
    await ca.call('XADD', 'x', '6-1', 'k', 'w');
    await ca.call('XDEL', 'x', '6-1');
    await ca.call('XGROUP', 'CREATE', 'x', 'g', '0');
    await ca.call('XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 'x', '>');
    const reads: [string, ...string[]][] = [
      ['GET', 's'],
      ['LRANGE', 'l', '0', '-1'],
      ['HGETALL', 'h'],
      ['SMEMBERS', 'is'],
      ['OBJECT', 'ENCODING', 'is'],
      ['OBJECT', 'ENCODING', 'hs'],
      ['SCARD', 'hs'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['XRANGE', 'x', '-', '+'],
      ['XINFO', 'STREAM', 'x'],
      ['XPENDING', 'x', 'g', '-', '+', '10'],
    ];
    for (const key of ['s', 'l', 'h', 'is', 'hs', 'z', 'x']) {
      expect(await cb.call('RESTORE', key, '0', await dumpOf(ca, key))).toBe('+OK\r\n');
    }
    // Delivery times are absolute (as in Redis's RDB): compare idle times at the same instant.
    b.clock.set(a.clock.now());
    for (const cmd of reads) {
      const want = await ca.call(...cmd);
      expect(await cb.call(...cmd)).toBe(want);
    }
    expect(await cb.call('RESTORE', 's', '0', await dumpOf(ca, 's'))).toBe('-BUSYKEY Target key name already exists.\r\n');
  });

  it('rejects corrupted payloads', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HSET', 'h', 'f', 'v');
    const p = await dumpOf(c, 'h');
    for (let i = 0; i < p.length; i++) {
      const bad = p.slice(0, i) + String.fromCharCode(p.charCodeAt(i) ^ 1) + p.slice(i + 1);
      expect(await c.call('RESTORE', 'x', '0', bad)).toBe('-ERR DUMP payload version or checksum are wrong\r\n');
    }
    expect(await c.call('EXISTS', 'x')).toBe(':0\r\n');
  });

  it('TTL, ABSTTL and IDLETIME use the virtual clock', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    const p = await dumpOf(c, 'k');
    expect(await c.call('RESTORE', 'k1', '5000', p)).toBe('+OK\r\n');
    expect(await c.call('PTTL', 'k1')).toBe(':5000\r\n');
    const now = Math.floor(sim.clock.now());
    expect(await c.call('RESTORE', 'k2', String(now + 2000), p, 'ABSTTL')).toBe('+OK\r\n');
    expect(await c.call('RESTORE', 'k3', String(now - 1), p, 'ABSTTL')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'k3')).toBe(':0\r\n');
    expect(await c.call('RESTORE', 'k4', '0', p, 'IDLETIME', '100')).toBe('+OK\r\n');
    expect(await c.call('OBJECT', 'IDLETIME', 'k4')).toBe(':100\r\n');
    sim.clock.advance(2001);
    expect(await c.call('EXISTS', 'k2')).toBe(':0\r\n');
    expect(await c.call('PTTL', 'k1')).toBe(':2999\r\n');
    // A past TTL with REPLACE deletes the existing key.
    expect(await c.call('RESTORE', 'k1', String(now), p, 'ABSTTL', 'REPLACE')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'k1')).toBe(':0\r\n');
  });
});
