/**
 * HyperLogLog over TCP (ioredis and raw bytes): values as Redis lays them out, estimates, errors,
 * events, WATCH, dirty counter, expiry on the virtual clock, DUMP/RESTORE, scripts, CLIENT PAUSE,
 * binary and huge arguments. Expected bytes and register positions were taken from a real Redis
 * 7.0.15 (the compat suite compares the rest side by side).
 */
import { describe, expect, it } from 'vitest';
import { murmurHash64A, patLen } from '../src/types/hyperloglog.js';
import { ioredis, raw, recordNotifications, startSim } from './helpers.js';

const HDR = 'HYLL\x01\x00\x00\x00';
const EMPTY_STALE = `${HDR}\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff`;

async function setup() {
  const sim = await startSim();
  const r = ioredis(sim);
  const c = await raw(sim);
  return { sim, r, c };
}

const info = async (r: ReturnType<typeof ioredis>, section: string, field: string): Promise<string | undefined> =>
  new RegExp(`^${field}:(.*)\\r?$`, 'm').exec((await r.info(section)) as string)?.[1];

describe('hash and registers', () => {
  it('MurmurHash64A with Redis seed places elements as Redis does', async () => {
    const { c } = await setup();
    // Real Redis: PFADD h a b c; PFDEBUG DECODE h
    expect(await c.call('PFADD', 'h', 'a', 'b', 'c')).toBe(':1\r\n');
    expect(await c.call('PFDEBUG', 'DECODE', 'h')).toBe('$44\r\nZ:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\r\n');
    expect(patLen('a')).toBe((2 << 14) | 12711);
    expect(['a', 'b', 'c'].map((e) => patLen(e) & 16383).sort()).toEqual([12711, 15780, 8436]);
    // Empty input: h = seed, then the final mix.
    expect(typeof murmurHash64A('')).toBe('bigint');
    expect(murmurHash64A('abcdefgh')).not.toBe(murmurHash64A('abcdefgi'));
  });

  it('the value is the exact HLL string: header, stale cache bit, sparse opcodes', async () => {
    const { c } = await setup();
    expect(await c.call('PFADD', 'e')).toBe(':1\r\n');
    expect(await c.call('GET', 'e')).toBe(`$18\r\n${EMPTY_STALE}\r\n`);
    expect(await c.call('PFCOUNT', 'e')).toBe(':0\r\n');
    expect(await c.call('GET', 'e')).toBe(`$18\r\n${HDR}\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff\r\n`);
    await c.call('PFADD', 'h', 'a', 'b', 'c');
    expect(await c.call('GET', 'h')).toBe(`$27\r\n${HDR}\x00\x00\x00\x00\x00\x00\x00\x80\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a\r\n`);
    expect(await c.call('PFCOUNT', 'h')).toBe(':3\r\n');
    // The cached cardinality is now 3 with the validity bit clear.
    expect((await c.call('GETRANGE', 'h', '8', '15')).slice(4, 12)).toBe('\x03\x00\x00\x00\x00\x00\x00\x00');
    expect(await c.call('OBJECT', 'ENCODING', 'h')).toBe('$3\r\nraw\r\n');
    expect(await c.call('TYPE', 'h')).toBe('+string\r\n');
  });

  it('estimates thousands of elements; the sparse form turns dense past hll-sparse-max-bytes', async () => {
    const { r } = await setup();
    const els = Array.from({ length: 10000 }, (_, i) => `e${i}`);
    for (let i = 0; i < 1000; i += 100) await r.pfadd('h', ...els.slice(i, i + 100));
    expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('sparse');
    for (let i = 1000; i < 10000; i += 500) await r.pfadd('h', ...els.slice(i, i + 500));
    expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
    expect(await r.strlen('h')).toBe(12304);
    const n = await r.pfcount('h');
    expect(Math.abs(n - 10000)).toBeLessThan(200);
    // Adding known elements changes nothing.
    expect(await r.pfadd('h', 'e1', 'e2', 'e3')).toBe(0);
    expect(await r.pfcount('h')).toBe(n);
  });

  it('hll-sparse-max-bytes is read on every add', async () => {
    const { r } = await setup();
    await r.config('SET', 'hll-sparse-max-bytes', '25'); // the empty HLL is 18 bytes, one value adds 3
    await r.pfadd('h', 'a');
    expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('sparse');
    await r.pfadd('h', 'b', 'c');
    expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
    expect(await r.pfcount('h')).toBe(3);
  });
});

describe('errors', () => {
  it('arity, subcommands and missing keys', async () => {
    const { c } = await setup();
    expect(await c.call('PFADD')).toBe("-ERR wrong number of arguments for 'pfadd' command\r\n");
    expect(await c.call('PFCOUNT')).toBe("-ERR wrong number of arguments for 'pfcount' command\r\n");
    expect(await c.call('PFMERGE')).toBe("-ERR wrong number of arguments for 'pfmerge' command\r\n");
    expect(await c.call('PFDEBUG', 'GETREG')).toBe("-ERR wrong number of arguments for 'pfdebug' command\r\n");
    expect(await c.call('PFSELFTEST', 'x')).toBe("-ERR wrong number of arguments for 'pfselftest' command\r\n");
    expect(await c.call('PFDEBUG', 'NOPE', 'k')).toBe('-ERR The specified key does not exist\r\n');
    await c.call('PFADD', 'k', 'a');
    expect(await c.call('PFDEBUG', 'NOPE', 'k')).toBe("-ERR Unknown PFDEBUG subcommand 'NOPE'\r\n");
    expect(await c.call('PFDEBUG', 'TODENSE', 'k')).toBe(':1\r\n');
    expect(await c.call('PFDEBUG', 'TODENSE', 'k')).toBe(':0\r\n');
    expect(await c.call('PFDEBUG', 'DECODE', 'k')).toBe('-ERR HLL encoding is not sparse\r\n');
  });

  it('WRONGTYPE for other types and for strings that are not HLLs', async () => {
    const { c, r } = await setup();
    await c.call('RPUSH', 'l', 'a');
    expect(await c.call('PFADD', 'l', 'a')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    const notHll = '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n';
    for (const v of [
      'x',
      '12345',
      `${HDR}\x00`,
      `HYLL\x02\x00\x00\x00${'\x00'.repeat(8)}\x7f\xff`,
      `HYLL\x00\x00\x00\x00${'\x00'.repeat(100)}`,
    ]) {
      await c.call('SET', 's', v);
      expect(await c.call('PFADD', 's', 'a')).toBe(notHll);
      expect(await c.call('PFCOUNT', 's')).toBe(notHll);
      expect(await c.call('PFMERGE', 'd', 's')).toBe(notHll);
      expect(await c.call('PFDEBUG', 'ENCODING', 's')).toBe(notHll);
    }
    // The destination of PFMERGE is checked too (it is read as a source first); nothing created.
    expect(await c.call('PFMERGE', 's', 'nokey')).toBe(notHll);
    expect(await c.call('EXISTS', 'd')).toBe(':0\r\n');
    expect(await info(r, 'errorstats', 'errorstat_WRONGTYPE')).toMatch(/^count=\d+$/);
  });

  it('INVALIDOBJ for corrupt sparse data; registers set before stay set', async () => {
    const { c, r } = await setup();
    // 100 zero registers only: adding an element whose register is beyond fails.
    await c.call('SET', 'few', `${HDR}\x00\x00\x00\x00\x00\x00\x00\x80\x40\x63`);
    const bad = '-INVALIDOBJ Corrupted HLL object detected\r\n';
    expect(await c.call('PFADD', 'few', 'a')).toBe(bad);
    expect(await c.call('PFCOUNT', 'few')).toBe(bad);
    expect(await c.call('PFCOUNT', 'few', 'x')).toBe(bad);
    expect(await c.call('PFMERGE', 'd', 'few')).toBe(bad);
    expect(await c.call('PFDEBUG', 'GETREG', 'few')).toBe(bad);
    // An opcode running past register 16383 (Debian's CVE-2025-32023 checks).
    await c.call('SET', 'over', `${HDR}\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x00`);
    expect(await c.call('PFCOUNT', 'over')).toBe(bad);
    expect(await c.call('PFCOUNT', 'over', 'over')).toBe(bad);
    expect(await c.call('PFDEBUG', 'TODENSE', 'over')).toBe(bad);
    expect(await info(r, 'errorstats', 'errorstat_INVALIDOBJ')).toBe('count=8');
  });
});

describe('PFCOUNT / PFMERGE', () => {
  it('PFCOUNT of several keys is the union and modifies nothing', async () => {
    const { r } = await setup();
    await r.pfadd('a', ...Array.from({ length: 1000 }, (_, i) => `x${i}`));
    await r.pfadd('b', ...Array.from({ length: 1000 }, (_, i) => `x${i + 500}`));
    const before = await r.get('a');
    const n = await r.pfcount('a', 'b', 'missing');
    expect(Math.abs(n - 1500)).toBeLessThan(50);
    expect(await r.get('a')).toBe(before);
    expect(await r.exists('missing')).toBe(0);
    expect(await r.pfcount('missing', 'missing2')).toBe(0);
  });

  it('PFMERGE creates or updates the destination; dense when a source is dense', async () => {
    const { r } = await setup();
    await r.pfadd('s', 'a', 'b');
    await r.pfadd('big', ...Array.from({ length: 5000 }, (_, i) => `x${i}`));
    expect(await r.pfmerge('d', 's')).toBe('OK');
    expect(await r.call('PFDEBUG', 'ENCODING', 'd')).toBe('sparse');
    expect(await r.pfcount('d')).toBe(2);
    expect(await r.pfmerge('d', 'big')).toBe('OK');
    expect(await r.call('PFDEBUG', 'ENCODING', 'd')).toBe('dense');
    expect(await r.pfcount('d')).toBe(await r.pfcount('s', 'big'));
    expect(await r.pfmerge('only')).toBe('OK');
    expect(await r.pfcount('only')).toBe(0);
  });

  it('PFDEBUG GETREG converts to dense and lists the 16384 registers', async () => {
    const { r } = await setup();
    await r.pfadd('h', 'a', 'b', 'c');
    const regs = (await r.call('PFDEBUG', 'GETREG', 'h')) as number[];
    expect(regs).toHaveLength(16384);
    expect([regs[8436], regs[12711], regs[15780]]).toEqual([1, 2, 1]);
    expect(regs.reduce((a, b) => a + b, 0)).toBe(4);
    expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
    expect(await r.pfcount('h')).toBe(3);
  });
});

describe('keyspace effects', () => {
  it('events: new + pfadd on creation, pfadd on change and merge, none for PFCOUNT', async () => {
    const { sim, r } = await setup();
    await r.config('SET', 'notify-keyspace-events', 'KEAn');
    const events = recordNotifications(sim);
    await r.pfadd('h', 'a');
    await r.pfadd('h', 'a');
    await r.pfcount('h');
    await r.pfmerge('d', 'h');
    await r.call('PFDEBUG', 'TODENSE', 'd');
    expect(events).toEqual(['n:new:h', '$:pfadd:h', 'n:new:d', '$:pfadd:d']);
  });

  it('dirty counter: one per changed register, PFCOUNT only when it recomputes', async () => {
    const { r } = await setup();
    const dirty = async () => Number(await info(r, 'persistence', 'rdb_changes_since_last_save'));
    const d0 = await dirty();
    await r.pfadd('h', 'a', 'b', 'c');
    expect(await dirty()).toBe(d0 + 4); // creation + 3 registers
    await r.pfadd('h', 'a', 'd');
    expect(await dirty()).toBe(d0 + 5);
    await r.pfcount('h');
    expect(await dirty()).toBe(d0 + 6);
    await r.pfcount('h');
    expect(await dirty()).toBe(d0 + 6);
    await r.pfmerge('h');
    await r.call('PFDEBUG', 'TODENSE', 'h');
    expect(await dirty()).toBe(d0 + 8);
  });

  it('WATCH: a PFCOUNT that refreshes the cache aborts EXEC, a cached one does not', async () => {
    const { sim, r } = await setup();
    const other = ioredis(sim);
    await r.pfadd('h', 'a');
    await r.watch('h');
    await other.pfcount('h');
    expect(await r.multi().ping().exec()).toBeNull();
    await r.watch('h');
    await other.pfcount('h');
    await other.pfadd('h', 'a');
    expect(await r.multi().ping().exec()).toEqual([[null, 'PONG']]);
  });

  it('expiry on the virtual clock; PFADD and PFMERGE keep the TTL', async () => {
    const { sim, r } = await setup();
    await r.pfadd('h', 'a');
    await r.pexpire('h', 1000);
    sim.clock.advance(500);
    await r.pfadd('h', 'b');
    await r.pfmerge('h', 'nokey');
    expect(await r.pttl('h')).toBe(500);
    expect(await r.pfcount('h')).toBe(2);
    sim.clock.advance(500); // the deadline millisecond: still there
    expect(await r.pfcount('h')).toBe(2);
    sim.clock.advance(1);
    expect(await r.pfcount('h')).toBe(0);
    expect(await r.exists('h')).toBe(0);
    expect(await r.pfadd('h')).toBe(1);
    expect(await r.pttl('h')).toBe(-1);
  });

  it('an HLL copied with SET is embstr until a PF command unshares it', async () => {
    const { r } = await setup();
    await r.pfadd('h', 'a');
    const v = await r.getBuffer('h');
    await r.set('copy', v as Buffer);
    expect(await r.object('ENCODING', 'copy')).toBe('embstr');
    expect(await r.pfcount('copy')).toBe(1);
    expect(await r.object('ENCODING', 'copy')).toBe('raw');
  });

  it('DUMP / RESTORE round-trips the HLL string', async () => {
    const { r } = await setup();
    await r.pfadd('h', ...Array.from({ length: 3000 }, (_, i) => `x${i}`));
    const n = await r.pfcount('h');
    const payload = await r.dumpBuffer('h');
    await r.restore('h2', 0, payload as Buffer);
    expect(await r.getBuffer('h2')).toEqual(await r.getBuffer('h'));
    expect(await r.pfcount('h2')).toBe(n);
    expect(await r.call('PFDEBUG', 'ENCODING', 'h2')).toBe(await r.call('PFDEBUG', 'ENCODING', 'h'));
    // A small sparse HLL restores as embstr (as in Redis), raw again once a PF command touches it.
    await r.pfadd('s', 'a');
    await r.restore('s2', 0, (await r.dumpBuffer('s')) as Buffer);
    expect(await r.object('ENCODING', 's2')).toBe('embstr');
    expect(await r.pfcount('s2')).toBe(1);
    expect(await r.object('ENCODING', 's2')).toBe('raw');
  });

  it('commandstats names and keyspace hits of PFMERGE sources', async () => {
    const { r } = await setup();
    await r.pfadd('a', 'x');
    const hits0 = Number(await info(r, 'stats', 'keyspace_hits'));
    const misses0 = Number(await info(r, 'stats', 'keyspace_misses'));
    await r.pfmerge('d', 'a', 'nokey');
    expect(Number(await info(r, 'stats', 'keyspace_hits'))).toBe(hits0 + 1);
    expect(Number(await info(r, 'stats', 'keyspace_misses'))).toBe(misses0 + 2); // d and nokey
    await r.pfcount('a');
    await r.call('PFDEBUG', 'ENCODING', 'a');
    const stats = (await r.info('commandstats')) as string;
    for (const name of ['pfadd', 'pfmerge', 'pfcount', 'pfdebug']) expect(stats).toContain(`cmdstat_${name}:calls=1,`);
  });
});

describe('transactions, scripts, pause', () => {
  it('MULTI queues PF commands; read-only scripts may not call PFCOUNT', async () => {
    const { r } = await setup();
    expect(await r.multi().pfadd('h', 'a').pfcount('h').exec()).toEqual([
      [null, 1],
      [null, 1],
    ]);
    expect(await r.eval("return redis.call('pfadd', KEYS[1], 'b')", 1, 'h')).toBe(1);
    await expect(r.call('EVAL_RO', "return redis.call('pfcount', KEYS[1])", 1, 'h')).rejects.toThrow(
      /Write commands are not allowed from read-only scripts/,
    );
  });

  it('CLIENT PAUSE WRITE holds PFCOUNT (may-replicate) until the pause ends', async () => {
    const { sim, r } = await setup();
    const other = ioredis(sim);
    await r.pfadd('h', 'a');
    await r.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    let done = false;
    const p = other.pfcount('h').then((n) => {
      done = true;
      return n;
    });
    expect(await r.get('nokey')).toBeNull();
    await r.ping();
    expect(done).toBe(false);
    sim.clock.advance(1000);
    expect(await p).toBe(1);
  });

  it('PFSELFTEST passes', async () => {
    const { r } = await setup();
    expect(await r.call('PFSELFTEST')).toBe('OK');
  }, 30000);
});

describe('binary and huge arguments', () => {
  it('binary keys and elements, a 10 MB element, 100k elements in one call', async () => {
    const { r } = await setup();
    const key = Buffer.from([0, 255, 10, 13]);
    expect(await r.pfadd(key, Buffer.from([0]), Buffer.from([0, 0]), Buffer.alloc(0))).toBe(1);
    expect(await r.pfcount(key)).toBe(3);
    expect(await r.pfadd('big', 'x'.repeat(10 * 1024 * 1024))).toBe(1);
    expect(await r.pfcount('big')).toBe(1);
    const many = Array.from({ length: 100000 }, (_, i) => String(i));
    expect(await r.pfadd('many', ...many)).toBe(1);
    const n = await r.pfcount('many');
    expect(Math.abs(n - 100000)).toBeLessThan(2000);
  });
});
