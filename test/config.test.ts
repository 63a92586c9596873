/**
 * CONFIG over TCP: GET patterns and aliases, SET validation and atomicity, parameters that change
 * behaviour (requirepass, hz, notify-keyspace-events, proto-max-bulk-len), RESETSTAT, REWRITE,
 * and start-up configuration normalized like CONFIG SET.
 */
import { describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { ioredis, raw, startSim } from './helpers.js';

/** CONFIG GET's flat reply as an object. */
function asObject(flat: unknown): Record<string, string> {
  const a = flat as string[];
  const o: Record<string, string> = {};
  for (let i = 0; i < a.length; i += 2) o[a[i] as string] = a[i + 1] as string;
  return o;
}

describe('CONFIG GET', () => {
  it('exact names, aliases, glob patterns, several at once', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '0']);
    expect(await r.config('GET', 'slave-read-only')).toEqual(['slave-read-only', 'yes']);
    const mm = asObject(await r.config('GET', 'maxmemory*'));
    expect(Object.keys(mm).sort()).toEqual([
      'maxmemory',
      'maxmemory-clients',
      'maxmemory-eviction-tenacity',
      'maxmemory-policy',
      'maxmemory-samples',
    ]);
    const two = asObject(await r.call('CONFIG', 'GET', 'hz', 'timeout'));
    expect(two).toEqual({ hz: '10', timeout: '0' });
    expect(await r.config('GET', 'nope')).toEqual([]);
  });

  it('every Redis 7.0 parameter is known (CONFIG GET * lists 190+ names, aliases included)', async () => {
    const sim = await startSim();
    const all = asObject(await ioredis(sim).config('GET', '*'));
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(190);
    for (const name of ['appendonly', 'list-max-ziplist-size', 'client-output-buffer-limit', 'tls-port', 'shutdown-on-sigterm']) {
      expect(all).toHaveProperty(name);
    }
    // Hidden parameters only by exact name.
    expect(all).not.toHaveProperty('rdb-key-save-delay');
    expect(await ioredis(sim).config('GET', 'rdb-key-save-delay')).toEqual(['rdb-key-save-delay', '0']);
  });

  it('RESP3 reply is a map', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HELLO', '3');
    expect(await c.call('CONFIG', 'GET', 'hz')).toBe('%1\r\n$2\r\nhz\r\n$2\r\n10\r\n');
  });
});

describe('CONFIG SET', () => {
  it('memory units are stored in bytes; bools and enums in canonical form', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.config('SET', 'maxmemory', '2GB')).toBe('OK');
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '2147483648']);
    await r.config('SET', 'maxmemory', '5k');
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '5000']);
    await r.config('SET', 'activerehashing', 'NO');
    expect(await r.config('GET', 'activerehashing')).toEqual(['activerehashing', 'no']);
    await r.config('SET', 'maxmemory-policy', 'VOLATILE-TTL');
    expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'volatile-ttl']);
    await r.config('SET', 'hz', '1000');
    expect(await r.config('GET', 'hz')).toEqual(['hz', '500']);
  });

  it("Redis's error texts", async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CONFIG', 'SET', 'foo', 'bar')).toBe("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '1.5gb')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n",
    );
    expect(await c.call('CONFIG', 'SET', 'databases', '4')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n",
    );
    expect(await c.call('CONFIG', 'SET', 'hz', '-1')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive\r\n",
    );
    expect(await c.call('CONFIG', 'SET', 'appendfsync', 'sometimes')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no\r\n",
    );
    expect(await c.call('CONFIG', 'SET', 'dir', '/tmp')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
    );
    expect(await c.call('CONFIG', 'SET', 'save', '10')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n",
    );
  });

  it('several pairs are all or nothing', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.config('SET', 'hz', '20', 'timeout', 'x')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer",
    );
    expect(await r.config('GET', 'hz')).toEqual(['hz', '10']);
    expect(await r.config('SET', 'hz', '20', 'timeout', '30')).toBe('OK');
    expect(asObject(await r.call('CONFIG', 'GET', 'hz', 'timeout'))).toEqual({ hz: '20', timeout: '30' });
    await expect(r.config('SET', 'hz', '1', 'HZ', '2')).rejects.toThrow('duplicate parameter');
  });

  it('requirepass takes effect for new connections', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'requirepass', 's3cret');
    const c = await raw(sim);
    expect(await c.call('GET', 'x')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 's3cret')).toBe('+OK\r\n');
    expect(await c.call('GET', 'x')).toBe('$-1\r\n');
  });

  it('proto-max-bulk-len limits request bulk lengths', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('SET', 'proto-max-bulk-len', '1mb');
    const c = await raw(sim);
    c.write('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
    expect(await c.readUntilClose()).toBe('-ERR Protocol error: invalid bulk length\r\n');
  });
});

describe('CONFIG RESETSTAT REWRITE HELP', () => {
  it('RESETSTAT zeroes INFO counters', async () => {
    const sim = await startSim();
    const r = ioredis(sim, { enableReadyCheck: false });
    await r.get('a');
    await r.call('NOPE').catch(() => {});
    expect(await r.config('RESETSTAT')).toBe('OK');
    const stats = (await r.info('stats')) as string;
    expect(stats).toContain('keyspace_misses:0\r\n');
    expect(stats).toContain('total_error_replies:0\r\n');
    expect(await r.info('errorstats')).toBe('# Errorstats\r\n');
  });

  it('REWRITE fails: no config file', async () => {
    const sim = await startSim();
    await expect(ioredis(sim).config('REWRITE')).rejects.toThrow('ERR The server is running without a config file');
  });

  it('HELP text', async () => {
    const sim = await startSim();
    const lines = (await ioredis(sim).call('CONFIG', 'HELP')) as string[];
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe('GET <pattern>');
  });
});

describe('start-up configuration', () => {
  it('is normalized like CONFIG SET; an invalid value fails the start', async () => {
    const sim = await startSim({ config: { maxmemory: '100mb', 'maxmemory-policy': 'ALLKEYS-LFU' } });
    const r = ioredis(sim);
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '104857600']);
    expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lfu']);
    await expect(RedisSim.start({ port: 0, clock: 'manual', config: { maxmemory: 'lots' } })).rejects.toThrow(
      "config 'maxmemory' 'lots': argument must be a memory value",
    );
  });

  it('databases sets the number of databases', async () => {
    const sim = await startSim({ databases: 2 });
    const c = await raw(sim);
    expect(await c.call('SELECT', '1')).toBe('+OK\r\n');
    expect(await c.call('SELECT', '2')).toBe('-ERR DB index is out of range\r\n');
    expect(await c.call('CONFIG', 'GET', 'databases')).toBe('*2\r\n$9\r\ndatabases\r\n$1\r\n2\r\n');
  });
});
