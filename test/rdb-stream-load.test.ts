/**
 * Loading an RDB file from its path reads it as a stream (src/rdb/reader.ts): a bounded window
 * that slides over the file, grown only for a single string larger than it, with the CRC-64
 * computed as it goes. The same file loads the same data from a path as from a Buffer, a file cut
 * anywhere (inside a window or across a refill) is refused with Redis's error and leaves the data
 * as it was, and startup ({ rdb: path }, dir/dbfilename) and DEBUG RELOAD go through the stream.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdbError, type RedisSim } from '../src/index.js';
import { loadRdb } from '../src/rdb/load.js';
import { RdbReader } from '../src/rdb/reader.js';
import { raw, startSim } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'redis-sim-rdb-stream-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A node with ~4 MB of data: many small keys (several windows) and one 3 MB string (bigger than a window). */
async function bigData(sim: RedisSim): Promise<void> {
  for (let i = 0; i < 20000; i++) {
    sim.call('SET', `k:${i}`, `v-${i}-${'x'.repeat(i % 200)}`);
    if (i % 7 === 0) sim.call('HSET', `h:${i}`, 'a', String(i), 'b', 'y'.repeat(i % 90));
    if (i % 11 === 0) sim.call('RPUSH', `l:${i}`, 'p', 'q', String(i));
  }
  // Random bytes do not compress: the string is stored as it is.
  sim.call('SET', 'blob', randomBytes(3 << 20));
  sim.call('PEXPIRE', 'k:5', 1_000_000);
}

describe('loading an RDB file as a stream', () => {
  it('a path loads what the Buffer loads, through a bounded window', async () => {
    const a = await startSim();
    await bigData(a);
    const file = a.snapshot();
    expect(file.length).toBeGreaterThan(3.5 * 2 ** 20);
    const path = join(tempDir(), 'big.rdb');
    writeFileSync(path, file);

    const b = await startSim({ clock: { mode: 'manual', start: a.clock.now() } });
    b.restore(path);
    expect(b.snapshot().equals(file)).toBe(true);
    expect(b.call('DBSIZE')).toBe(a.call('DBSIZE'));
    expect(b.call('PTTL', 'k:5')).toBe(a.call('PTTL', 'k:5'));

    // The window: 1 MB, grown once to hold the 3 MB string, never to the file's size.
    const s = RdbReader.fromFile(path);
    try {
      s.take(9);
      s.take(3 << 20);
      expect(s.buf.length).toBeLessThan(8 << 20);
      expect(s.buf.length).toBeLessThan(file.length);
    } finally {
      s.close();
    }
  });

  it('a file cut anywhere is refused and the data stays as it was', async () => {
    const a = await startSim();
    await bigData(a);
    const file = a.snapshot();
    const path = join(tempDir(), 'cut.rdb');
    const b = await startSim();
    b.call('SET', 'keep', 'me');
    // Inside the first window, across window refills, inside the big string, in the checksum.
    for (const n of [5, 100, (1 << 20) + 3, (3 << 20) + 17, file.length - 40, file.length - 1]) {
      writeFileSync(path, file);
      truncateSync(path, n);
      expect(() => loadRdb(b.node, path)).toThrow(RdbError);
      expect(b.call('KEYS', '*')).toEqual(['keep']);
    }
    // A flipped byte deep in the file: the checksum computed across windows catches it.
    const bad = Buffer.from(file);
    const at = file.indexOf('k:19999');
    bad[at + 2] = '8'.charCodeAt(0);
    writeFileSync(path, bad);
    expect(() => loadRdb(b.node, path)).toThrow(/^Wrong RDB checksum expected: \([0-9a-f]+\) got \([0-9a-f]+\)\. Aborting now\.$/);
    expect(b.call('KEYS', '*')).toEqual(['keep']);
  });

  it('startup ({ rdb: path } and dir/dbfilename) and DEBUG RELOAD load from the file', async () => {
    const a = await startSim();
    await bigData(a);
    const dir = tempDir();
    const path = join(dir, 'dump.rdb');
    writeFileSync(path, a.snapshot());
    const b = await startSim({ rdb: path });
    expect(b.call('DBSIZE')).toBe(a.call('DBSIZE'));
    expect(Buffer.compare(b.callBuffer('GET', 'blob') as Buffer, a.callBuffer('GET', 'blob') as Buffer)).toBe(0);
    const c = await startSim({ config: { dir, 'enable-debug-command': 'yes' } });
    expect(c.call('DBSIZE')).toBe(a.call('DBSIZE'));
    const cc = await raw(c);
    await cc.call('SET', 'extra', '1');
    expect(await cc.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(c.call('GET', 'extra')).toBe('1');
    expect(c.call('DBSIZE')).toBe((a.call('DBSIZE') as number) + 1);
  });
});
