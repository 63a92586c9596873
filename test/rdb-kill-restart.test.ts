/**
 * A killed node restarted with its data kept goes through an RDB snapshot (kill() saves it as a
 * clean shutdown does, restart() loads it), so what survives is exactly what an RDB keeps: keys,
 * values and TTLs, functions; encodings derived again as a load derives them (a hashtable set of
 * small integers comes back an intset, as in Redis after a restart); keys whose deadline passed
 * while the node was down are dropped by the load on a master; the load shows in INFO persistence.
 */
import { describe, expect, it } from 'vitest';
import { raw, startSim } from './helpers.js';

describe('kill / restart with the data kept', () => {
  it('restores what an RDB keeps, re-deriving encodings and dropping keys expired while down', async () => {
    const sim = await startSim({ clock: 'manual' });
    sim.call('SET', 's', 'v');
    sim.call('SET', 'ttl', 'v', 'PX', '5000');
    sim.call('SET', 'gone', 'v', 'PX', '500');
    // A set made a hashtable by a non-integer member keeps that encoding in memory when the
    // member leaves; an RDB load makes it an intset again.
    sim.call('SADD', 'set', '1', '2', '3', 'x');
    sim.call('SREM', 'set', 'x');
    expect(sim.call('OBJECT', 'ENCODING', 'set')).toBe('hashtable');
    sim.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    const dumpBefore = sim.callBuffer('DUMP', 's');

    await sim.kill();
    sim.clock.advance(1000);
    await sim.restart();

    const c = await raw(sim);
    expect(await c.call('GET', 's')).toBe('$1\r\nv\r\n');
    expect(sim.callBuffer('DUMP', 's')).toEqual(dumpBefore);
    expect(sim.call('PTTL', 'ttl')).toBe(4000);
    expect(sim.call('EXISTS', 'gone')).toBe(0);
    expect(sim.call('OBJECT', 'ENCODING', 'set')).toBe('intset');
    expect(sim.call('SMEMBERS', 'set')).toEqual(['1', '2', '3']);
    expect(sim.call('FCALL', 'f', '0')).toBe(1);
    // The load is recorded as a startup load is.
    const info = String(sim.call('INFO', 'persistence'));
    expect(info).toContain('rdb_last_load_keys_loaded:3\r\n');
    expect(info).toContain('rdb_last_load_keys_expired:1\r\n');
  });

  it('keepData false starts empty', async () => {
    const sim = await startSim();
    sim.call('SET', 's', 'v');
    await sim.kill();
    await sim.restart({ keepData: false });
    expect(sim.call('DBSIZE')).toBe(0);
  });
});
