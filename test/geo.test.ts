import { describe, expect, it } from 'vitest';
import { decodeScore, geoDistance, geohashString, geoScoreBits } from '../src/types/geohash.js';
import { ioredis, keyEvents, raw, recordNotifications, startSim } from './helpers.js';

const PALERMO = ['13.361389', '38.115556', 'Palermo'];
const CATANIA = ['15.087269', '37.502669', 'Catania'];

describe('geo: replies byte for byte', () => {
  it('GEOADD, GEOPOS, GEODIST, GEOHASH in RESP2 and RESP3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA)).toBe(':2\r\n');
    expect(await c.call('ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES')).toBe(
      '*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n',
    );
    expect(await c.call('GEOPOS', 'Sicily', 'Palermo', 'nope')).toBe(
      '*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n',
    );
    expect(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania')).toBe('$11\r\n166274.1516\r\n');
    expect(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'mi')).toBe('$8\r\n103.3182\r\n');
    expect(await c.call('GEODIST', 'Sicily', 'Palermo', 'nope')).toBe('$-1\r\n');
    expect(await c.call('GEOHASH', 'Sicily', 'Palermo', 'nope')).toBe('*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('GEOPOS', 'Sicily', 'Palermo', 'nope')).toBe('*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
    // Distances stay bulk strings in RESP3 (Redis formats them itself, 4 decimals).
    expect(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'KM')).toBe('$8\r\n166.2742\r\n');
    expect(await c.call('GEODIST', 'nokey', 'a', 'b')).toBe('_\r\n');
  });

  it('GEOSEARCH with every WITH option, in both protocols', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA);
    const args = ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST', 'WITHHASH', 'WITHCOORD'];
    expect(await c.call(...args)).toBe(
      '*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n' +
        '*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n',
    );
    await c.call('HELLO', '3');
    expect(await c.call(...args)).toBe(
      '*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n' +
        '*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n',
    );
    expect(await c.call('GEORADIUS', 'Sicily', '15', '37', '100', 'km', 'WITHDIST')).toBe('*1\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n');
    expect(await c.call('GEORADIUS', 'Sicily', '15', '37', '1', 'km')).toBe('*0\r\n');
  });

  it('huge arguments: radius 1e308, COUNT LLONG_MAX, a 300-digit longitude in the error', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA);
    expect(
      await c.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1e308', 'km', 'COUNT', '9223372036854775807', 'WITHDIST'),
    ).toBe('*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n');
    const err = await c.call('GEOADD', 'k', '1e300', '1', 'a');
    expect(err.startsWith('-ERR invalid longitude,latitude pair 1000000000000000052504760255204420248704468581108159')).toBe(true);
    expect(err.endsWith('540160.000000,1.000000\r\n')).toBe(true);
    expect(await c.call('GEOADD', 'k', '0.0000005', '86', 'a')).toBe('-ERR invalid longitude,latitude pair 0.000000,86.000000\r\n');
    expect(await c.call('GEOADD', 'k', '-0.0', '86', 'a')).toBe('-ERR invalid longitude,latitude pair -0.000000,86.000000\r\n');
    expect(await c.call('GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT', '9223372036854775808')).toBe(
      '-ERR value is not an integer or out of range\r\n',
    );
    expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
  });
});

describe('geo: argument errors in Redis order', () => {
  it('reports WRONGTYPE before argument errors, and each error text', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('str', 'x');
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo');
    await expect(r.call('GEORADIUS', 'str', '500', '1', 'x', 'km')).rejects.toThrow('WRONGTYPE');
    await expect(r.call('GEORADIUS', 'Sicily', '500', '1', 'x', 'km')).rejects.toThrow(
      'ERR invalid longitude,latitude pair 500.000000,1.000000',
    );
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', 'x', 'km')).rejects.toThrow('ERR need numeric radius');
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', '-1', 'x')).rejects.toThrow('ERR radius cannot be negative');
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', '1', 'x')).rejects.toThrow(
      'ERR unsupported unit provided. please use M, KM, FT, MI',
    );
    await expect(r.call('GEORADIUSBYMEMBER', 'Sicily', 'nope', '1', 'km')).rejects.toThrow('ERR could not decode requested zset member');
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', '1', 'km', 'COUNT', '0')).rejects.toThrow('ERR COUNT must be > 0');
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', '1', 'km', 'ANY')).rejects.toThrow('ERR the ANY argument requires COUNT argument');
    await expect(r.call('GEORADIUS', 'Sicily', '5', '1', '1', 'km', 'STORE', 'd', 'WITHDIST')).rejects.toThrow(
      'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
    );
    await expect(r.call('GEORADIUS_RO', 'Sicily', '5', '1', '1', 'km', 'STORE', 'd')).rejects.toThrow('ERR syntax error');
    await expect(r.call('GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'km', 'ASC', 'WITHDIST')).rejects.toThrow(
      'ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH',
    );
    await expect(r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'WITHDIST', 'ASC', 'WITHHASH')).rejects.toThrow(
      'ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH',
    );
    await expect(r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '-1', 'km')).rejects.toThrow(
      'ERR height or width cannot be negative',
    );
    await expect(r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', 'h', 'km')).rejects.toThrow(
      'ERR need numeric height',
    );
    await expect(r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km')).rejects.toThrow(
      'ERR syntax error',
    );
    await expect(r.call('GEOSEARCHSTORE', 'd', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'WITHHASH')).rejects.toThrow(
      'ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
    );
    await expect(r.call('GEOADD', 'Sicily', 'NX', 'XX', '1', '1', 'a')).rejects.toThrow('ERR syntax error');
    await expect(r.call('GEOADD', 'Sicily', '1', '1', 'a', '2', '2')).rejects.toThrow('ERR syntax error');
    await expect(r.call('GEODIST', 'Sicily', 'a', 'b', 'yd')).rejects.toThrow('ERR unsupported unit provided');
    await expect(r.call('GEOADD', 'Sicily', '1', '1')).rejects.toThrow("ERR wrong number of arguments for 'geoadd' command");
  });

  it('a missing source skips what needs the key: GEORADIUSBYMEMBER does not parse member or radius', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.call('GEORADIUSBYMEMBER', 'nokey', 'm', 'x', 'bad', 'WITHDIST')).toEqual([]);
    expect(await r.call('GEOSEARCH', 'nokey', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km')).toEqual([]);
    await expect(r.call('GEOSEARCH', 'nokey', 'FROMMEMBER', 'm', 'BYRADIUS', 'x', 'km')).rejects.toThrow('ERR need numeric radius');
    await r.zadd('dst', 1, 'x');
    expect(await r.call('GEORADIUS', 'nokey', '1', '1', '1', 'km', 'STORE', 'dst')).toBe(0);
    expect(await r.exists('dst')).toBe(0);
  });
});

describe('geo: searches', () => {
  it('COUNT sorts and keeps the nearest; COUNT ANY stops at the first matches in walk order', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    // Points scattered around (0, 0), all at different distances.
    for (let i = 0; i < 50; i++) await r.geoadd('ring', ((i * 37) % 50) / 60 - 0.41, ((i * 23) % 50) / 70 - 0.33, `p${i}`);
    const all = (await r.call('GEOSEARCH', 'ring', 'FROMLONLAT', '0', '0', 'BYRADIUS', '500', 'km', 'ASC', 'WITHDIST')) as [
      string,
      string,
    ][];
    expect(all).toHaveLength(50);
    const nearest3 = await r.call('GEOSEARCH', 'ring', 'FROMLONLAT', '0', '0', 'BYRADIUS', '500', 'km', 'COUNT', '3');
    expect(nearest3).toEqual(all.slice(0, 3).map((x) => x[0]));
    const desc = (await r.call('GEOSEARCH', 'ring', 'FROMLONLAT', '0', '0', 'BYRADIUS', '500', 'km', 'DESC', 'COUNT', '2', 'WITHDIST')) as [
      string,
      string,
    ][];
    expect(desc.map((x) => x[1])).toEqual([all[49]?.[1], all[48]?.[1]]);
    const any = (await r.call('GEOSEARCH', 'ring', 'FROMLONLAT', '0', '0', 'BYRADIUS', '500', 'km', 'COUNT', '3', 'ANY')) as string[];
    expect(any).toHaveLength(3);
    // ANY takes the first three found walking the centre cell in score order, not the nearest.
    const unsorted = (await r.call('GEOSEARCH', 'ring', 'FROMLONLAT', '0', '0', 'BYRADIUS', '500', 'km')) as string[];
    expect(any).toEqual(unsorted.slice(0, 3));
    expect(any).not.toEqual(nearest3);
  });

  it('BYBOX keeps points inside the rectangle, not the circle around it', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.geoadd('g', 0, 0, 'centre', 0.9, 0, 'east', 0, 0.9, 'north', 0.6, 0.6, 'corner');
    // 200 km wide, 100 km tall: east (100 km away) is inside, north (100 km) is not, corner is not.
    expect(await r.call('GEOSEARCH', 'g', 'FROMMEMBER', 'centre', 'BYBOX', '201', '101', 'km', 'ASC')).toEqual(['centre', 'east']);
    expect(await r.call('GEOSEARCH', 'g', 'FROMMEMBER', 'centre', 'BYBOX', '140', '140', 'km', 'ASC')).toEqual(['centre', 'corner']);
    // The circle of 100 km reaches the corner (94 km) but not east (100.08 km).
    expect(await r.call('GEOSEARCH', 'g', 'FROMMEMBER', 'centre', 'BYRADIUS', '100', 'km', 'ASC')).toEqual(['centre', 'corner']);
  });

  it('binary and empty members and keys work end to end', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('GEOADD', '\x00k\xff', '1', '1', '\x00\r\n', '1.0001', '1', '')).toBe(':2\r\n');
    expect(await c.call('GEOSEARCH', '\x00k\xff', 'FROMMEMBER', '', 'BYRADIUS', '1', 'km', 'ASC')).toBe(
      '*2\r\n$0\r\n\r\n$3\r\n\x00\r\n\r\n',
    );
    expect(await c.call('GEODIST', '\x00k\xff', '', '\x00\r\n')).toBe('$7\r\n11.3349\r\n');
  });

  it('a large index answers a small search without visiting every member', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const args: (string | number)[] = [];
    for (let i = 0; i < 20000; i++) args.push(((i * 7919) % 36000) / 100 - 180, ((i * 104729) % 17000) / 100 - 85, `m${i}`);
    await r.geoadd('big', ...args);
    const node = sim.node;
    const zs = node.db(0).get('big', 'zset')?.value;
    let visited = 0;
    const orig = zs?.firstInRange.bind(zs);
    if (zs && orig) {
      zs.firstInRange = (range) => {
        const n = orig(range);
        if (n) visited++;
        return n;
      };
    }
    const hits = (await r.call('GEOSEARCH', 'big', 'FROMLONLAT', '10', '10', 'BYRADIUS', '50', 'km')) as string[];
    // At most the 9 cells are looked up, whatever the index size.
    expect(visited).toBeLessThanOrEqual(9);
    expect(hits.length).toBeLessThan(100);
  });
});

describe('geo: keyspace, WATCH, expiry, MULTI', () => {
  it('notifies zadd for GEOADD, georadiusstore/geosearchstore for stores, del for an emptied destination', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const next = await keyEvents(sim, r);
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    await r.geoadd('Sicily', 'NX', 13.361389, 38.115556, 'Palermo'); // nothing changes: no event
    await r.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd1');
    await r.call('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '10', 'km', 'STOREDIST', 'd2');
    await r.call('GEOSEARCHSTORE', 'd3', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '300', 'km', 'STOREDIST');
    await r.call('GEOSEARCHSTORE', 'd3', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km');
    await r.call('GEOSEARCHSTORE', 'd3', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'); // already gone
    await r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km');
    expect(await next()).toEqual(['zadd Sicily', 'georadiusstore d1', 'georadiusstore d2', 'geosearchstore d3', 'del d3']);
    expect(await r.zrange('d2', 0, -1, 'WITHSCORES')).toEqual(['Palermo', '0']);
  });

  it('a store invalidates a WATCH on its destination; a read-only search does not', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.geoadd('Sicily', 13.361389, 38.115556, 'Palermo');
    await a.watch('dst', 'Sicily');
    await b.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km');
    expect(await a.multi().exists('dst').exec()).toEqual([[null, 0]]);
    await a.watch('dst');
    await b.call('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km');
    expect(await a.multi().exists('dst').exec()).toBe(null);
  });

  it('an expired geo key is gone for every command (virtual clock)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    await r.pexpire('Sicily', 1000);
    sim.clock.advance(1000); // the deadline millisecond: still there
    expect(await r.geodist('Sicily', 'Palermo', 'Catania', 'KM')).toBe('166.2742');
    sim.clock.advance(1);
    expect(await r.geopos('Sicily', 'Palermo')).toEqual([null]);
    expect(await r.geodist('Sicily', 'Palermo', 'Catania')).toBe(null);
    expect(await r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km')).toEqual([]);
    // STORE onto an expiring destination replaces it without a TTL.
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo');
    await r.set('dst', 'x', 'PX', 5000);
    expect(await r.call('GEORADIUS', 'Sicily', '13', '38', '100', 'km', 'STORE', 'dst')).toBe(1);
    expect(await r.pttl('dst')).toBe(-1);
    expect(await r.type('dst')).toBe('zset');
  });

  it('runs inside MULTI and from Lua; GEOADD is ZADD underneath', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const events = recordNotifications(sim);
    const res = await r
      .multi()
      .geoadd('Sicily', 13.361389, 38.115556, 'Palermo')
      .call('GEOADD', 'Sicily', '200', '0', 'bad')
      .geohash('Sicily', 'Palermo')
      .exec();
    expect(res?.[0]).toEqual([null, 1]);
    expect(String(res?.[1]?.[0])).toContain('ERR invalid longitude,latitude pair 200.000000,0.000000');
    expect(res?.[2]).toEqual([null, ['sqc8b49rny0']]);
    expect(events).toEqual(['z:zadd:Sicily']);
    expect(await r.eval("return redis.call('GEOPOS', KEYS[1], 'Palermo')", 1, 'Sicily')).toEqual([
      ['13.36138933897018433', '38.11555639549629859'],
    ]);
    expect(await r.zscore('Sicily', 'Palermo')).toBe('3479099956230698');
    expect(await r.object('ENCODING', 'Sicily')).toBe('listpack');
    const dump = await r.dumpBuffer('Sicily');
    await r.restore('copy', 0, dump);
    expect(await r.geohash('copy', 'Palermo')).toEqual(['sqc8b49rny0']);
  });

  it('INFO commandstats counts GEOADD under its own name (its ZADD is internal)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo');
    await r.call('GEOADD', 'Sicily', '1', '100', 'bad').catch(() => {});
    await r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'ASC');
    const info = await r.info('commandstats');
    expect(info).toMatch(/cmdstat_geoadd:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
    expect(info).toMatch(/cmdstat_geosearch:calls=1,/);
    expect(info).not.toContain('cmdstat_zadd');
  });

  it('searches that may write still count their source lookup in keyspace hits/misses (lookupKeyRead)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.call('CONFIG', 'RESETSTAT');
    await r.call('GEORADIUS', 'nokey', '1', '1', '1', 'km');
    await r.call('GEOSEARCHSTORE', 'd', 'nokey', 'FROMMEMBER', 'a', 'BYRADIUS', '1', 'km');
    await r.geoadd('newk', 1, 1, 'a'); // ZADD's write lookup: not counted
    await r.call('GEORADIUS', 'newk', '1', '1', '1', 'km', 'STORE', 'd2');
    const stats = await r.info('stats');
    expect(stats).toContain('keyspace_hits:1\r\n');
    expect(stats).toContain('keyspace_misses:2\r\n');
  });

  it('a store counts one change per stored member, a deleted destination one', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    const changes = async () => Number(/rdb_changes_since_last_save:(\d+)/.exec(await r.info('persistence'))?.[1]);
    const before = await changes();
    await r.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd');
    expect(await changes()).toBe(before + 2);
    await r.call('GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km');
    expect(await changes()).toBe(before + 3);
  });
});

describe('geo: arithmetic', () => {
  it('encodes, decodes and measures as Redis does', () => {
    expect(geoScoreBits(13.361389, 38.115556)).toBe(3479099956230698n);
    expect(decodeScore(3479099956230698)).toEqual([13.361389338970184, 38.1155563954963]);
    expect(geohashString(3479099956230698)).toBe('sqc8b49rny0');
    // Scores outside the 52-bit range decode as (uint64_t)score does: clamped corners.
    expect(decodeScore(-5)).toEqual([180, 85.05112878]);
    expect(decodeScore(Number.POSITIVE_INFINITY)).toEqual(decodeScore(0));
    expect(geoDistance(0, 0, 0, 0)).toBe(0);
    // Values as glibc's sin/cos/asin give them (antipodes: asin(1)).
    expect(geoDistance(0, 0, 180, 0)).toBe(20020734.00000016);
    expect(geoDistance(10, 0, 20, 0)).toBe(1112263.0000000088);
    expect(geoDistance(13.361389338970184, 38.1155563954963, 15.087267458438873, 37.50266842333162)).toBe(166274.15156960033);
  });
});
