/**
 * RDB files between redis-sim and a real redis-server 7.0: a file redis-sim SAVEs is served by a
 * redis-server started on it (--dir/--dbfilename) with the same keys, values, TTLs, encodings and
 * DEBUG DIGEST, and the same function libraries; a real redis-server's SAVE, loaded by redis-sim, gives the same back.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis } from './harness.js';
import { type RedisServerProcess, spawnRedisServer } from './redis-server-process.mjs';

const dirs: string[] = [];
const servers: RedisServerProcess[] = [];
afterAll(async () => {
  for (const r of servers) await r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'redis-sim-rdbfile-'));
  dirs.push(d);
  return d;
}

/** A redis-server on `dir`/dump.rdb (loaded at start when present). */
async function realServer(dir: string): Promise<RedisServerProcess> {
  const real = await spawnRedisServer({ dir, args: ['--dbfilename', 'dump.rdb', '--enable-debug-command', 'yes'] });
  servers.push(real);
  return real;
}

const range = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();

/** Data in every type and encoding, in two databases, with TTLs. */
const FILL: string[][] = [
  ['SET', 'str', 'hello'],
  ['SET', 'int', '12345'],
  ['SET', 'long', 'lorem ipsum '.repeat(50)],
  ['SET', 'ttl', 'v', 'PX', '3600000'],
  ['RPUSH', 'list', ...range(700, (i) => [`element-${i}`])],
  ['HSET', 'hlp', 'a', '1', 'b', 'two'],
  ['HSET', 'hht', ...range(600, (i) => [`f${i}`, `v${i}`])],
  ['EXPIRE', 'hht', '7200'],
  ['SADD', 'sint', '1', '2', '3', '100000'],
  ['SADD', 'sht', 'x', 'y', 'z'],
  ['ZADD', 'zlp', '1', 'a', '2.5', 'b'],
  ['ZADD', 'zsl', ...range(200, (i) => [String(i * 1.5), `m${i}`])],
  ['XADD', 'stream', '1-1', 'a', '1'],
  ['XADD', 'stream', '2-1', 'a', '2', 'b', '3'],
  ['XGROUP', 'CREATE', 'stream', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'stream', '>'],
  ['FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)"],
  ['SELECT', '5'],
  ['SET', 'in5', 'five'],
  ['SELECT', '0'],
];

const KEYS = ['str', 'int', 'long', 'ttl', 'list', 'hlp', 'hht', 'sint', 'sht', 'zlp', 'zsl', 'stream'];

async function describeData(port: number): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out = [await c.call('DEBUG', 'DIGEST'), await c.call('DBSIZE')];
    for (const k of KEYS) {
      out.push(k, await c.call('TYPE', k), await c.call('OBJECT', 'ENCODING', k));
      // The absolute deadline, as the file holds it.
      out.push(await c.call('PEXPIRETIME', k));
      if (!['hht', 'sht'].includes(k)) out.push(await c.call('DUMP', k));
    }
    out.push(await c.call('XINFO', 'GROUPS', 'stream'));
    out.push(await c.call('FUNCTION', 'LIST', 'WITHCODE'), await c.call('FCALL', 'echo1', '0', 'hi'));
    await c.call('SELECT', '5');
    out.push(await c.call('GET', 'in5'));
    return out;
  } finally {
    c.close();
  }
}

describe.runIf(haveRealRedis)('compat: RDB files', () => {
  it('redis-server serves a file redis-sim saved', async () => {
    const dir = tempDir();
    const sim = await RedisSim.start({ port: 0, config: { dir, 'enable-debug-command': 'yes' } });
    try {
      const c = await RawClient.connect(sim.port);
      for (const cmd of FILL) await c.call(...cmd);
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      c.close();
      const real = await realServer(dir);
      expect(await describeData(real.port)).toEqual(await describeData(sim.port));
      await real.stop();
    } finally {
      await sim.stop();
    }
  });

  it('redis-sim serves a file redis-server saved', async () => {
    const dir = tempDir();
    const real = await realServer(dir);
    const c = await RawClient.connect(real.port);
    for (const cmd of FILL) await c.call(...cmd);
    expect(await c.call('SAVE')).toBe('+OK\r\n');
    c.close();
    const copy = tempDir();
    copyFileSync(join(dir, 'dump.rdb'), join(copy, 'dump.rdb'));
    // Started on the directory, as redis-server would be, and from the path.
    const onDir = await RedisSim.start({ port: 0, config: { dir: copy, 'enable-debug-command': 'yes' } });
    const fromPath = await RedisSim.start({
      port: 0,
      rdb: join(dir, 'dump.rdb'),
      config: { dir: tempDir(), 'enable-debug-command': 'yes' },
    });
    try {
      const want = await describeData(real.port);
      expect(await describeData(onDir.port)).toEqual(want);
      expect(await describeData(fromPath.port)).toEqual(want);
    } finally {
      await real.stop();
      await onDir.stop();
      await fromPath.stop();
    }
  });
});
