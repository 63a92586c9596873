/**
 * Server commands over TCP: INFO (and ioredis's ready check on it), DBSIZE, FLUSHDB/FLUSHALL, TIME,
 * LASTSAVE/SAVE/BGSAVE, SHUTDOWN, ROLE, MONITOR. Time moves only with the manual clock.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RespError } from '../src/index.js';
import { ioredis, raw, startSim } from './helpers.js';

/** Parses INFO text into field → value. */
function fields(info: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

describe('INFO', () => {
  it('passes ioredis ready check (loading:0) and reports redis_version', async () => {
    const sim = await startSim();
    const r = ioredis(sim, { enableReadyCheck: true });
    await new Promise<void>((resolve) => r.once('ready', () => resolve()));
    expect(r.status).toBe('ready');
    // The ready check ran INFO and found loading:0.
    expect(sim.node.stats.command('info').calls).toBe(1);
    const info = fields((await r.info('server')) as string);
    expect(info.get('redis_version')).toBe('7.0.15');
    expect(fields((await r.info('persistence')) as string).get('loading')).toBe('0');
  });

  it('reports a configured version and maxmemory_policy', async () => {
    const sim = await startSim({ version: '7.2.4', config: { 'maxmemory-policy': 'allkeys-lru', maxmemory: '1m' } });
    const info = fields((await ioredis(sim).info()) as string);
    expect(info.get('redis_version')).toBe('7.2.4');
    expect(info.get('maxmemory_policy')).toBe('allkeys-lru');
    expect(info.get('maxmemory')).toBe('1000000');
    expect(info.get('maxmemory_human')).toBe('976.56K');
  });

  it('default sections in Redis order, blank line between, CRLF everywhere', async () => {
    const sim = await startSim();
    const text = (await ioredis(sim).info()) as string;
    const heads = text.split('\r\n').filter((l) => l.startsWith('#'));
    expect(heads).toEqual([
      '# Server',
      '# Clients',
      '# Memory',
      '# Persistence',
      '# Stats',
      '# Replication',
      '# CPU',
      '# Modules',
      '# Errorstats',
      '# Cluster',
      '# Keyspace',
    ]);
    expect(text).toContain('\r\n\r\n# Clients\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('"all" adds commandstats and latencystats; sections come in fixed order whatever asked', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const all = (await r.info('all')) as string;
    expect(all).toContain('# Commandstats\r\n');
    expect(all).toContain('# Latencystats\r\n');
    const two = (await r.call('INFO', 'keyspace', 'CPU')) as string;
    expect(two.indexOf('# CPU')).toBeLessThan(two.indexOf('# Keyspace'));
    expect(await r.call('INFO', 'nosuch')).toBe('');
  });

  it('is a verbatim string in RESP3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('HELLO', '3');
    const reply = await c.call('INFO', 'cluster');
    expect(reply).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
  });

  it('keyspace: keys, expires and avg_ttl on the node clock', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', '1', 'PX', 10_000);
    await r.set('b', '1', 'PX', 20_000);
    await r.set('c', '1');
    await r.select(2);
    await r.set('d', '1');
    expect(await r.info('keyspace')).toBe('# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=15000\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n');
    sim.clock.advance(10_001);
    expect(await r.info('keyspace')).toBe('# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=9999\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n');
  });

  it('stats: commands, expired keys, keyspace hits and misses, errors', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('RESETSTAT');
    await r.set('k', 'v', 'PX', 100);
    await r.get('k');
    await r.get('nope');
    await r.get('nope2');
    sim.clock.advance(101);
    await r.call('NOPE').catch(() => {});
    const s = fields((await r.info('stats')) as string);
    expect(s.get('keyspace_hits')).toBe('1');
    expect(s.get('keyspace_misses')).toBe('2');
    expect(s.get('expired_keys')).toBe('1');
    expect(s.get('total_error_replies')).toBe('1');
    // RESETSTAT, SET, 3×GET counted; the unknown command is not a processed command.
    expect(s.get('total_commands_processed')).toBe('5');
    const err = (await r.info('errorstats')) as string;
    expect(err).toBe('# Errorstats\r\nerrorstat_ERR:count=1\r\n');
  });

  it('commandstats: calls, rejected and failed calls per command and subcommand', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.config('RESETSTAT');
    await r.set('k', 'v');
    await r.call('GET').catch(() => {}); // rejected: arity
    await r.call('CONFIG', 'SET', 'hz', 'x').catch(() => {}); // failed
    const text = (await r.info('commandstats')) as string;
    expect(text).toMatch(/cmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/);
    expect(text).toMatch(/cmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0\r\n/);
    expect(text).toMatch(/cmdstat_config\|set:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1\r\n/);
    expect(text).toMatch(/cmdstat_config\|resetstat:calls=1,/);
  });

  it('clients: connected and blocked clients', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.ping();
    const pending = b.blpop('q', 0).catch(() => null);
    await sim.waitForBlocked(1, 'q');
    const c = fields((await a.info('clients')) as string);
    expect(c.get('connected_clients')).toBe('2');
    expect(c.get('blocked_clients')).toBe('1');
    await a.rpush('q', 'x');
    expect(await pending).toEqual(['q', 'x']);
    expect(fields((await a.info('clients')) as string).get('blocked_clients')).toBe('0');
  });

  it('server: uptime and server_time_usec follow the node clock', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_700_000_000_000 } });
    const r = ioredis(sim);
    sim.clock.advance(90_061_500);
    const s = fields((await r.info('server')) as string);
    expect(s.get('server_time_usec')).toBe('1700090061500000');
    expect(s.get('uptime_in_seconds')).toBe('90061');
    expect(s.get('uptime_in_days')).toBe('1');
    expect(s.get('tcp_port')).toBe(String(sim.port));
    expect(s.get('run_id')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('replication: master with no replicas', async () => {
    const sim = await startSim();
    const s = fields((await ioredis(sim).info('replication')) as string);
    expect(s.get('role')).toBe('master');
    expect(s.get('connected_slaves')).toBe('0');
    expect(s.get('master_replid')).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('DBSIZE FLUSHDB FLUSHALL', () => {
  it('DBSIZE counts live keys only, right after the clock passes a deadline', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', '1', 'PX', 50);
    await r.set('b', '1');
    expect(await r.dbsize()).toBe(2);
    sim.clock.advance(50);
    expect(await r.dbsize()).toBe(2); // the deadline millisecond: still there
    sim.clock.advance(1);
    expect(await r.dbsize()).toBe(1);
  });

  it('FLUSHDB empties the selected database only; FLUSHALL every one; options checked', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', '1');
    await r.select(1);
    await r.set('b', '1');
    expect(await r.flushdb('SYNC')).toBe('OK');
    expect(await r.dbsize()).toBe(0);
    await r.select(0);
    expect(await r.dbsize()).toBe(1);
    await expect(r.call('FLUSHALL', 'NOW')).rejects.toThrow('ERR syntax error');
    expect(await r.flushall('ASYNC')).toBe('OK');
    expect(await r.dbsize()).toBe(0);
  });

  it('FLUSHDB invalidates WATCH and expired keys do not come back', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const other = ioredis(sim);
    await r.set('k', '1', 'PX', 1000);
    await r.watch('k');
    await other.flushdb();
    const res = await r.multi().set('k', '2').exec();
    expect(res).toBeNull();
    sim.clock.advance(2000);
    expect(await r.exists('k')).toBe(0);
  });
});

describe('TIME LASTSAVE SAVE BGSAVE', () => {
  it('TIME is the node clock in seconds and microseconds', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_700_000_000_123.456 } });
    const r = ioredis(sim);
    expect(await r.time()).toEqual(['1700000000', '123456']);
    sim.clock.advance(1000);
    expect(await r.time()).toEqual(['1700000001', '123456']);
  });

  it('SAVE and BGSAVE move LASTSAVE to now (see test/rdb.test.ts for the files)', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_700_000_000_000 } });
    const r = ioredis(sim);
    expect(await r.lastsave()).toBe(1_700_000_000);
    sim.clock.advance(5000);
    expect(await r.save()).toBe('OK');
    expect(await r.lastsave()).toBe(1_700_000_005);
    sim.clock.advance(5000);
    expect(await r.bgsave()).toBe('Background saving started');
    // The background write completes on the event loop.
    while (fields((await r.info('persistence')) as string).get('rdb_bgsave_in_progress') === '1');
    expect(await r.lastsave()).toBe(1_700_000_010);
    expect(fields((await r.info('persistence')) as string).get('rdb_saves')).toBe('2');
    await r.set('a', '1');
    await r.mset('b', '2', 'c', '3');
    expect(fields((await r.info('persistence')) as string).get('rdb_changes_since_last_save')).toBe('3');
    await r.save();
    expect(fields((await r.info('persistence')) as string).get('rdb_changes_since_last_save')).toBe('0');
    await expect(r.call('BGSAVE', 'NOW')).rejects.toThrow('ERR syntax error');
  });
});

describe('SHUTDOWN ROLE', () => {
  it('SHUTDOWN closes the connection without a reply and stops the server', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    expect(await c.readUntilClose()).toBe('');
    const late = new Redis({ port: sim.port, lazyConnect: true, retryStrategy: () => null });
    late.on('error', () => {});
    await expect(late.connect()).rejects.toThrow();
  });

  it('SHUTDOWN option errors and ABORT', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.call('SHUTDOWN', 'SAVE', 'NOSAVE')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SHUTDOWN', 'ABORT')).rejects.toThrow('ERR No shutdown in progress.');
    expect(await r.ping()).toBe('PONG');
  });

  it('ROLE of a master', async () => {
    const sim = await startSim();
    expect(await ioredis(sim).call('ROLE')).toEqual(['master', 0, []]);
  });
});

describe('MONITOR', () => {
  it("streams other clients' commands with the node time, db and address; not its own", async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_700_000_000_250 } });
    const mon = await raw(sim);
    expect(await mon.call('MONITOR')).toBe('+OK\r\n');
    const r = await raw(sim);
    await r.call('select', '3');
    await r.call('set', 'k', 'a b"c');
    const lines = await mon.read(2);
    const port = (await r.call('CLIENT', 'INFO')).match(/addr=127\.0\.0\.1:(\d+)/)?.[1];
    expect(lines).toBe(
      // Like Redis, the database shown is the one after the command ran.
      `+1700000000.250000 [3 127.0.0.1:${port}] "select" "3"\r\n+1700000000.250000 [3 127.0.0.1:${port}] "set" "k" "a b\\"c"\r\n`,
    );
  });

  it('admin commands are not shown; MONITOR shows in CLIENT LIST as flag O', async () => {
    const sim = await startSim();
    const mon = await raw(sim);
    await mon.call('MONITOR');
    const r = ioredis(sim, { enableReadyCheck: false });
    await r.config('GET', 'hz');
    await r.ping();
    expect(await mon.read(1)).toMatch(/"ping"\r\n$/);
    const list = (await r.client('LIST')) as string;
    expect(list).toMatch(/flags=O /);
  });

  it('EVAL, EVALSHA and FCALL are shown before the commands their script runs, even when they fail', async () => {
    const sim = await startSim();
    const mon = await raw(sim);
    await mon.call('MONITOR');
    const r = await raw(sim);
    await r.call('EVAL', "return redis.call('set','k','v')", '0');
    await r.call('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0');
    await r.call('FCALL', 'nofunc', '0');
    const lines = (await mon.read(4)).split('\r\n').map((l) => l.replace(/^\+[\d.]+ \[0 [^\]]+\] /, ''));
    expect(lines.slice(0, 4)).toEqual([
      `"EVAL" "return redis.call('set','k','v')" "0"`,
      '"set" "k" "v"',
      '"EVALSHA" "ffffffffffffffffffffffffffffffffffffffff" "0"',
      '"FCALL" "nofunc" "0"',
    ]);
  });

  it('is refused where a client needs one reply per command (EXEC, the in-process API)', async () => {
    const sim = await startSim();
    expect(sim.command('MONITOR')).toEqual(new RespError("ERR MONITOR isn't allowed for DENY BLOCKING client"));
    const c = await raw(sim);
    await c.call('MULTI');
    await c.call('MONITOR');
    expect(await c.call('EXEC')).toBe("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
    expect(sim.node.monitors.size).toBe(0);
  });

  it('a client in MONITOR mode is removed when it disconnects', async () => {
    const sim = await startSim();
    const mon = await raw(sim);
    await mon.call('MONITOR');
    expect(sim.node.monitors.size).toBe(1);
    mon.close();
    const r = ioredis(sim);
    await r.ping();
    await expect.poll(() => sim.node.monitors.size).toBe(0);
  });
});
