/**
 * The RDB file within redis-sim: saveRdb/loadRdb round trips with values, TTLs and encodings;
 * truncated or corrupt files refused with Redis's wording and the data left as it was; expired
 * keys dropped on load by a master only; SAVE, BGSAVE, LASTSAVE, INFO persistence, DEBUG RELOAD /
 * LOADAOF, SHUTDOWN SAVE, save points on the virtual clock, and RedisSim's rdb/snapshot/restore.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdbError, RedisSim } from '../src/index.js';
import { loadRdb } from '../src/rdb/load.js';
import { saveRdb } from '../src/rdb/save.js';
import { type RawClient, raw, startSim } from './helpers.js';
import { len, payload } from './rdb-payloads.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'redis-sim-rdb-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function fill(c: RawClient): Promise<void> {
  await c.call('SET', 's', 'hello');
  await c.call('SET', 'n', '42');
  await c.call('SET', 'big', 'abc'.repeat(100), 'PX', '100000');
  await c.call('RPUSH', 'l', 'a', 'b', '1', '2');
  await c.call('HSET', 'h', 'f', 'v', 'g', '7');
  await c.call('SADD', 'is', '3', '1', '2');
  await c.call('SADD', 'ss', 'x', 'y');
  await c.call('ZADD', 'z', '1.5', 'a', '2', 'b');
  await c.call('XADD', 'x', '1-1', 'f', 'v');
  await c.call('XGROUP', 'CREATE', 'x', 'g', '0');
  await c.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>');
  await c.call('SELECT', '3');
  await c.call('SET', 'in3', 'v');
  await c.call('SELECT', '0');
}

const KEYS = ['s', 'n', 'big', 'l', 'h', 'is', 'ss', 'z', 'x'];

async function state(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (const k of KEYS) {
    out.push(await c.call('DUMP', k), await c.call('OBJECT', 'ENCODING', k), await c.call('PTTL', k));
  }
  out.push(await c.call('DBSIZE'), await c.call('XINFO', 'GROUPS', 'x'));
  await c.call('SELECT', '3');
  out.push(await c.call('GET', 'in3'));
  await c.call('SELECT', '0');
  return out;
}

describe('saveRdb / loadRdb', () => {
  it('round-trips every type with TTLs, encodings and databases', async () => {
    const a = await startSim();
    const ca = await raw(a);
    await fill(ca);
    const file = a.snapshot();
    expect(file.subarray(0, 9).toString()).toBe('REDIS0010');
    const b = await startSim({ rdb: file, clock: { mode: 'manual', start: a.clock.now() } });
    const cb = await raw(b);
    expect(await state(cb)).toEqual(await state(ca));
  });

  it('refuses every truncation of a file and keeps the data it had', async () => {
    const a = await startSim();
    await fill(await raw(a));
    const file = a.snapshot();
    const b = await startSim();
    const cb = await raw(b);
    await cb.call('SET', 'keep', 'me');
    for (let n = 0; n < file.length; n++) {
      expect(() => loadRdb(b.node, file.subarray(0, n))).toThrow(RdbError);
    }
    expect(await cb.call('KEYS', '*')).toBe('*1\r\n$4\r\nkeep\r\n');
  });

  it("reports Redis's errors: signature, version, checksum", async () => {
    const a = await startSim();
    await (await raw(a)).call('SET', 'k', 'v');
    const file = Buffer.from(a.snapshot());
    const b = await startSim();
    expect(() => b.restore(Buffer.from('NOTREDIS0010'))).toThrow('Wrong signature trying to load DB from file');
    const v11 = Buffer.from(file);
    v11.write('0011', 5, 'latin1');
    expect(() => b.restore(v11)).toThrow("Can't handle RDB format version 11");
    const bad = Buffer.from(file);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    expect(() => b.restore(bad)).toThrow(/^Wrong RDB checksum expected: \([0-9a-f]+\) got \([0-9a-f]+\)\. Aborting now\.$/);
    // A zero checksum means the file was saved with rdbchecksum no.
    bad.fill(0, bad.length - 8);
    b.restore(bad);
    expect(b.call('GET', 'k')).toBe('v');
  });

  it('drops keys already expired when loading on a master, keeps them on a replica', async () => {
    const a = await startSim();
    const ca = await raw(a);
    await ca.call('SET', 'soon', 'v', 'PX', '1000');
    await ca.call('SET', 'later', 'v', 'PX', '5000');
    const file = a.snapshot();
    const b = await startSim({ clock: { mode: 'manual', start: a.clock.now() + 2000 } });
    b.restore(file);
    expect(b.call('KEYS', '*')).toEqual(['later']);
    expect(b.call('INFO', 'persistence')).toBeTypeOf('string');
    const r = await startSim({ clock: { mode: 'manual', start: a.clock.now() + 2000 } });
    r.node.role = 'slave';
    r.restore(file);
    // Kept (its master will expire it); reads hide it, DBSIZE counts it.
    expect(r.call('DBSIZE')).toBe(2);
  });

  it('a tiny payload claiming 33M elements fails without allocating for them', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const before = process.memoryUsage().heapUsed;
    for (const type of [1, 2, 4, 5, 18, 19]) {
      const p = payload(Buffer.concat([Buffer.from([type]), Buffer.from([0x80, 0x02, 0, 0, 0]), len(1), Buffer.from('a')]));
      expect(p.length).toBeLessThan(30);
      expect(await c.call('RESTORE', 'k', '0', p)).toBe('-ERR Bad data format\r\n');
    }
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('saveRdb is the same bytes as SAVE writes', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir } });
    const c = await raw(sim);
    await fill(c);
    expect(await c.call('SAVE')).toBe('+OK\r\n');
    expect(readFileSync(join(dir, 'dump.rdb'))).toEqual(saveRdb(sim.node));
  });
});

function infoField(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  if (!m) throw new Error(`no ${name}`);
  return (m[1] as string).trim();
}

describe('SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, SHUTDOWN and save points', () => {
  it('SAVE writes dump.rdb in dir, LASTSAVE and INFO persistence move', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir, dbfilename: 'data.rdb' } });
    const c = await raw(sim);
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    let info = sim.call('INFO', 'persistence') as string;
    expect(infoField(info, 'rdb_changes_since_last_save')).toBe('2');
    sim.clock.advance(5000);
    expect(await c.call('SAVE')).toBe('+OK\r\n');
    expect(existsSync(join(dir, 'data.rdb'))).toBe(true);
    expect(await c.call('LASTSAVE')).toBe(`:${Math.floor(sim.clock.now() / 1000)}\r\n`);
    info = sim.call('INFO', 'persistence') as string;
    expect(infoField(info, 'rdb_changes_since_last_save')).toBe('0');
    expect(infoField(info, 'rdb_saves')).toBe('1');
    expect(infoField(info, 'rdb_last_bgsave_status')).toBe('ok');
    // A node started on that directory serves the data.
    const again = await startSim({ config: { dir, dbfilename: 'data.rdb' } });
    expect(again.call('MGET', 'a', 'b')).toEqual(['1', '2']);
    expect(infoField(again.call('INFO', 'persistence') as string, 'rdb_last_load_keys_loaded')).toBe('2');
  });

  it('BGSAVE snapshots at once and completes on the event loop', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir } });
    const c = await raw(sim);
    await c.call('SET', 'before', '1');
    // One read: the file cannot be written before the later commands run.
    const replies = await c.pipeline([['BGSAVE'], ['BGSAVE'], ['SAVE'], ['SET', 'after', '1'], ['INFO', 'persistence']]);
    expect(replies.slice(0, 3)).toEqual([
      '+Background saving started\r\n',
      '-ERR Background save already in progress\r\n',
      '-ERR Background save already in progress\r\n',
    ]);
    let info = replies[4] as string;
    expect(infoField(info, 'rdb_bgsave_in_progress')).toBe('1');
    // Poll until the write finished (real file I/O; no clock involved).
    while (infoField(info, 'rdb_bgsave_in_progress') === '1') info = await c.call('INFO', 'persistence');
    expect(infoField(info, 'rdb_last_bgsave_status')).toBe('ok');
    expect(infoField(info, 'rdb_last_bgsave_time_sec')).toBe('0');
    // The write made after the snapshot is still a change since the last save.
    expect(infoField(info, 'rdb_changes_since_last_save')).toBe('1');
    const loaded = await startSim({ rdb: join(dir, 'dump.rdb') });
    expect(loaded.call('KEYS', '*')).toEqual(['before']);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    await c.call('BGSAVE');
    expect(await c.call('EXEC')).toBe('*1\r\n+Background saving scheduled\r\n');
  });

  it('BGSAVE into a missing directory fails: rdb_last_bgsave_status err', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir } });
    const c = await raw(sim);
    rmSync(dir, { recursive: true });
    expect(await c.call('SAVE')).toBe('-ERR\r\n');
    await c.call('BGSAVE');
    let info = await c.call('INFO', 'persistence');
    while (infoField(info, 'rdb_bgsave_in_progress') === '1') info = await c.call('INFO', 'persistence');
    expect(infoField(info, 'rdb_last_bgsave_status')).toBe('err');
  });

  it('save points fire on the virtual clock', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir, save: '10 2' } });
    const c = await raw(sim);
    await c.call('SET', 'a', '1');
    sim.clock.advance(20_000);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
    await c.call('SET', 'b', '1');
    sim.clock.advance(200);
    let info = await c.call('INFO', 'persistence');
    while (infoField(info, 'rdb_bgsave_in_progress') === '1') info = await c.call('INFO', 'persistence');
    expect(infoField(info, 'rdb_saves')).toBe('1');
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
  });

  it('DEBUG RELOAD saves and reloads; DEBUG LOADAOF reloads', async () => {
    const dir = tempDir();
    const sim = await startSim({ config: { dir, 'enable-debug-command': 'yes' } });
    const c = await raw(sim);
    await c.call('HSET', 'h', 'f', 'v');
    await c.call('SET', 't', 'v', 'EX', '100');
    const before = await c.call('DEBUG', 'DIGEST');
    expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(await c.call('DEBUG', 'DIGEST')).toBe(before);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    await c.call('SET', 'extra', '1');
    // NOSAVE loads the file as it is: "extra" is gone.
    expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'extra')).toBe(':0\r\n');
    await c.call('SET', 'extra', '1');
    expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'extra', 'h')).toBe(':2\r\n');
    writeFileSync(join(dir, 'dump.rdb'), 'garbage');
    expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE')).toBe('-ERR Error trying to load the RDB dump\r\n');
    expect(await c.call('EXISTS', 'extra', 'h')).toBe(':2\r\n');
    expect(await c.call('DEBUG', 'LOADAOF')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'extra', 'h')).toBe(':2\r\n');
  });

  it('SHUTDOWN SAVE writes the file; NOSAVE does not', async () => {
    const dir = tempDir();
    const sim = await RedisSim.start({ port: 0, clock: 'manual', config: { dir } });
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    await c.call('SHUTDOWN', 'NOSAVE').catch(() => '');
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
    const sim2 = await RedisSim.start({ port: 0, clock: 'manual', config: { dir } });
    const c2 = await raw(sim2);
    await c2.call('SET', 'k', 'v2');
    await c2.call('SHUTDOWN', 'SAVE').catch(() => '');
    const sim3 = await startSim({ config: { dir } });
    expect(sim3.call('GET', 'k')).toBe('v2');
  });

  it('a corrupt dump.rdb in dir makes start fail with the reason', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dump.rdb'), Buffer.from('REDIS0010\xfa\x05', 'latin1'));
    await expect(RedisSim.start({ port: 0, config: { dir } })).rejects.toThrow(
      'Short read or OOM loading DB. Unrecoverable error, aborting now.',
    );
  });
});
