/**
 * SLOWLOG, LATENCY, MEMORY and WAIT over TCP. SLOWLOG runs with slowlog-log-slower-than 0 (every
 * call is logged: deterministic), WAIT on the manual clock with waitForBlocked.
 */
import { describe, expect, it, vi } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

type Entry = [number, number, number, string[], string, string];

describe('SLOWLOG', () => {
  it('logs every call with slowlog-log-slower-than 0: id, virtual unix time, argv, peer, name', async () => {
    const sim = await startSim();
    sim.clock.set(1_700_000_000_500);
    const r = ioredis(sim);
    await r.config('SET', 'slowlog-log-slower-than', '0');
    await r.slowlog('RESET');
    await r.client('SETNAME', 'worker');
    await r.set('k', 'v');
    const entries = (await r.slowlog('GET')) as Entry[];
    // Newest first: SET, CLIENT SETNAME, SLOWLOG RESET (CONFIG SET came before the reset).
    expect(entries.map((e) => e[3])).toEqual([
      ['set', 'k', 'v'],
      ['client', 'SETNAME', 'worker'],
      ['slowlog', 'RESET'],
    ]);
    const [set] = entries as [Entry];
    expect(set[0]).toBe((entries[1]?.[0] as number) + 1);
    expect(set[1]).toBe(1_700_000_000);
    expect(set[2]).toBeGreaterThanOrEqual(0);
    expect(set[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(set[5]).toBe('worker');
    expect(entries[2]?.[5]).toBe('');
    expect(await r.slowlog('LEN')).toBe(4); // the SLOWLOG GET itself is now logged
  });

  it('truncates to 32 arguments and 128 bytes per argument', async () => {
    const sim = await startSim({ config: { 'slowlog-log-slower-than': '0' } });
    const r = ioredis(sim);
    const args = Array.from({ length: 40 }, (_, i) => String(i));
    await r.rpush('l', ...args);
    await r.set('s', 'x'.repeat(130));
    const entries = (await r.slowlog('GET', 2)) as Entry[];
    expect(entries[0]?.[3]).toEqual(['set', 's', `${'x'.repeat(128)}... (2 more bytes)`]);
    const argv = entries[1]?.[3] as string[];
    expect(argv).toHaveLength(32);
    expect(argv.slice(0, 3)).toEqual(['rpush', 'l', '0']);
    expect(argv[30]).toBe('28');
    expect(argv[31]).toBe('... (11 more arguments)');
  });

  it('GET count: default 10, -1 for all, 0 for none; max-len trims on the next push; RESET keeps ids', async () => {
    const sim = await startSim({ config: { 'slowlog-log-slower-than': '0' } });
    const r = ioredis(sim);
    for (let i = 0; i < 15; i++) await r.set(`k${i}`, '1');
    expect(await r.slowlog('GET')).toHaveLength(10);
    expect(((await r.slowlog('GET', -1)) as Entry[]).length).toBeGreaterThan(15);
    expect(await r.slowlog('GET', 0)).toEqual([]);
    // CONFIG SET is logged itself: that push trims to the new length.
    await r.config('SET', 'slowlog-max-len', '3');
    expect(await r.slowlog('LEN')).toBe(3);
    const before = ((await r.slowlog('GET', 1)) as Entry[])[0]?.[0] as number;
    expect(await r.slowlog('RESET')).toBe('OK');
    const after = ((await r.slowlog('GET', 1)) as Entry[])[0]?.[0] as number;
    expect(after).toBe(before + 2); // SLOWLOG GET 1 got before+1, then RESET got before+2
  });

  it('skips EXEC (skip_slowlog), logs the queued commands; nothing with a negative threshold or max-len 0', async () => {
    const sim = await startSim({ config: { 'slowlog-log-slower-than': '0' } });
    const r = ioredis(sim);
    await r.slowlog('RESET');
    await r.multi().set('a', '1').incr('a').exec();
    const names = ((await r.slowlog('GET', -1)) as Entry[]).map((e) => e[3][0]);
    expect(names).toEqual(['incr', 'set', 'multi', 'slowlog']);
    await r.config('SET', 'slowlog-log-slower-than', '-1');
    await r.slowlog('RESET');
    await r.set('x', '1');
    expect(await r.slowlog('LEN')).toBe(0);
    await r.config('SET', 'slowlog-log-slower-than', '0');
    expect(await r.slowlog('LEN')).toBe(1); // the CONFIG SET
    await r.config('SET', 'slowlog-max-len', '0');
    await r.set('x', '1');
    expect(await r.slowlog('LEN')).toBe(2); // max-len 0 stops logging (trimming happens on a push only)
  });

  it('a blocked command is logged when served, not when it blocks or times out', async () => {
    const sim = await startSim({ config: { 'slowlog-log-slower-than': '0' } });
    const [worker, producer] = [ioredis(sim), ioredis(sim)];
    await producer.slowlog('RESET');
    const timedOut = worker.blpop('none', 1);
    await sim.waitForBlocked(1, 'none');
    sim.clock.advance(1000);
    expect(await timedOut).toBeNull();
    const job = worker.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    await producer.rpush('q', 'j');
    expect(await job).toEqual(['q', 'j']);
    const argvs = ((await producer.slowlog('GET', -1)) as Entry[]).map((e) => e[3].join(' '));
    expect(argvs).toEqual(['blpop q 0', 'rpush q j', 'slowlog RESET']);
  });

  it('commands a script runs are logged with the Lua client peer ?:0', async () => {
    const sim = await startSim({ config: { 'slowlog-log-slower-than': '0' } });
    const r = ioredis(sim);
    await r.eval('return 1', 0); // loads the scripting engine
    await r.slowlog('RESET');
    await r.eval("redis.call('set', 'x', 'y')", 0);
    const [evalEntry, setEntry] = (await r.slowlog('GET', 2)) as Entry[];
    expect(evalEntry?.[3][0]).toBe('eval');
    expect(setEntry?.[3]).toEqual(['set', 'x', 'y']);
    expect(setEntry?.[4]).toBe('?:0');
  });
});

describe('LATENCY', () => {
  it('with the monitor off: empty LATEST/HISTORY, RESET 0, GRAPH error, DOCTOR text', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('LATENCY', 'LATEST')).toBe('*0\r\n');
    expect(await c.call('LATENCY', 'HISTORY', 'command')).toBe('*0\r\n');
    expect(await c.call('LATENCY', 'RESET')).toBe(':0\r\n');
    expect(await c.call('LATENCY', 'GRAPH', 'command')).toBe("-ERR No samples available for event 'command'\r\n");
    expect(await c.call('LATENCY', 'DOCTOR')).toMatch(/^\$288\r\nI'm sorry, Dave/);
  });

  it('records command samples over the threshold: LATEST, HISTORY, GRAPH and DOCTOR as Redis prints them', async () => {
    const sim = await startSim({ config: { 'latency-monitor-threshold': '5' } });
    sim.clock.set(1_700_000_000_000);
    const c = await raw(sim);
    /** Runs one command whose measured duration is `ms` (performance.now is what call() reads). */
    const slow = async (ms: number, ...cmd: string[]) => {
      let t = 0;
      const spy = vi.spyOn(performance, 'now').mockImplementation(() => (t += ms));
      try {
        return await c.call(...cmd);
      } finally {
        spy.mockRestore();
      }
    };
    await slow(10, 'SET', 'a', '1');
    await slow(20, 'SET', 'a', '2'); // same second: the sample keeps the larger latency
    await slow(3, 'SET', 'a', '3'); // under the threshold
    sim.clock.advance(1000);
    await slow(15, 'SET', 'a', '4');
    expect(await c.call('LATENCY', 'LATEST')).toBe('*1\r\n*4\r\n$7\r\ncommand\r\n:1700000001\r\n:15\r\n:20\r\n');
    expect(await c.call('LATENCY', 'HISTORY', 'command')).toBe('*2\r\n*2\r\n:1700000000\r\n:20\r\n*2\r\n:1700000001\r\n:15\r\n');
    // Byte for byte what Redis 7.0.15 printed for the same samples (DEBUG SLEEP 0.02, then 0.015 a second later).
    const graph = `command - high 20 ms, low 15 ms (all time high 20 ms)\n${'-'.repeat(80)}\n# \n| \n| \n|_\n  \n10\nss\n`;
    expect(await c.call('LATENCY', 'GRAPH', 'command')).toBe(`$${graph.length}\r\n${graph}\r\n`);
    const doctor =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
      '1. command: 2 latency spikes (average 17ms, mean deviation 2ms, period 0.50 sec). Worst all time event 20ms.\n\n' +
      'I have a few advices for you:\n\n' +
      "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 5000'.\n" +
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
    expect(await c.call('LATENCY', 'DOCTOR')).toBe(`$${doctor.length}\r\n${doctor}\r\n`);
    await slow(8, 'GET', 'a'); // a fast command
    expect(await c.call('LATENCY', 'HISTORY', 'fast-command')).toBe('*1\r\n*2\r\n:1700000001\r\n:8\r\n');
    expect(await c.call('LATENCY', 'RESET', 'COMMAND', 'nosuch')).toBe(':1\r\n');
    expect(await c.call('LATENCY', 'RESET')).toBe(':1\r\n');
    expect(await c.call('LATENCY', 'DOCTOR')).toMatch(/^\$196\r\nDave, no latency spike was observed/);
  });

  it('HISTOGRAM counts calls per command in cumulative buckets; RESP3 maps', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    for (let i = 0; i < 3; i++) await r.set('a', String(i));
    await r.config('SET', 'slowlog-max-len', '5');
    const flat = (await r.latency('HISTOGRAM', 'set', 'config', 'nosuch')) as unknown[];
    expect(flat[0]).toBe('set');
    const set = flat[1] as unknown[];
    expect(set.slice(0, 3)).toEqual(['calls', 3, 'histogram_usec']);
    const buckets = set[3] as number[];
    expect(buckets.length % 2).toBe(0);
    expect(buckets[buckets.length - 1]).toBe(3); // cumulative
    expect([1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056]).toContain(buckets[0]);
    expect(flat[2]).toBe('config|set');
    expect(flat).toHaveLength(4);
    const c = await raw(sim);
    await c.call('HELLO', '3');
    expect(await c.call('LATENCY', 'HISTOGRAM', 'config|set')).toMatch(
      /^%1\r\n\$10\r\nconfig\|set\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%1\r\n:\d+\r\n:1\r\n$/,
    );
    // latency-tracking no stops updating them.
    await r.config('SET', 'latency-tracking', 'no');
    await r.set('a', 'x');
    expect(((await r.latency('HISTOGRAM', 'set')) as unknown[][])[1]?.[1]).toBe(3);
    await r.config('SET', 'latency-tracking', 'yes');
    // CONFIG RESETSTAT forgets the histograms.
    await r.config('RESETSTAT');
    expect(await r.latency('HISTOGRAM', 'set')).toEqual([]);
  });
});

describe('MEMORY', () => {
  it('USAGE follows the model (Redis 7.0.15 values for these encodings)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', '1');
    await r.set('c', 'x'.repeat(44));
    await r.set('d', 'x'.repeat(45));
    await r.hset('h', 'f', 'v', 'f2', 'v2');
    await r.sadd('s2', 'a', 'b', 'c');
    await r.rpush('l', 'a', 'b', 'c');
    expect(await r.memory('USAGE', 'a')).toBe(48);
    expect(await r.memory('USAGE', 'c')).toBe(96);
    expect(await r.memory('USAGE', 'd')).toBe(112);
    expect(await r.memory('USAGE', 'h')).toBe(80);
    expect(await r.memory('USAGE', 's2')).toBe(232);
    expect(await r.memory('USAGE', 'l')).toBe(144);
    expect(await r.memory('USAGE', 'missing')).toBeNull();
    await r.sadd('big', ...Array.from({ length: 1000 }, (_, i) => `member:${i}`));
    const sampled = (await r.memory('USAGE', 'big', 'SAMPLES', '0')) as number;
    expect(sampled).toBeGreaterThan(1000 * 40);
    await expect(r.memory('USAGE', 'a', 'SAMPLES', '-1')).rejects.toThrow('ERR syntax error');
  });

  it('STATS has Redis field names with the model values; DOCTOR, MALLOC-STATS and PURGE', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await r.set('a', '1');
    await r.select(2);
    await r.set('b', '2');
    const stats = (await r.memory('STATS')) as unknown[];
    const keys = stats.filter((_, i) => i % 2 === 0);
    expect(keys.slice(0, 10)).toEqual([
      'peak.allocated',
      'total.allocated',
      'startup.allocated',
      'replication.backlog',
      'clients.slaves',
      'clients.normal',
      'cluster.links',
      'aof.buffer',
      'lua.caches',
      'functions.caches',
    ]);
    expect(keys).toContain('db.0');
    expect(keys).toContain('db.2');
    expect(stats[stats.indexOf('keys.count') + 1]).toBe(2);
    expect(stats[stats.indexOf('dataset.bytes') + 1]).toBeGreaterThan(0);
    expect(await r.memory('DOCTOR')).toMatch(/^Hi Sam, this instance is empty/);
    await r.set('big', 'x'.repeat(6 * 1024 * 1024));
    expect(await r.memory('DOCTOR')).toBe(
      "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n",
    );
    expect(await r.memory('MALLOC-STATS')).toBe('Stats not supported for the current allocator');
    expect(await r.memory('PURGE')).toBe('OK');
  });
});

describe('WAIT', () => {
  it('0 replicas: WAIT 0 answers 0 at once; WAIT 1 t blocks until t ms of virtual time pass', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.wait(0, 0)).toBe(0);
    const p = r.wait(1, 500);
    await sim.waitForBlocked(1);
    sim.clock.advance(499);
    expect(sim.node.blocking.count).toBe(1);
    sim.clock.advance(1);
    expect(await p).toBe(0);
  });

  it('timeout 0 waits forever; CLIENT UNBLOCK answers 0 or the UNBLOCKED error', async () => {
    const sim = await startSim();
    const [w, admin] = [ioredis(sim), ioredis(sim)];
    const id = (await w.client('ID')) as number;
    const p = w.wait(2, 0);
    await sim.waitForBlocked(1);
    sim.clock.advance(1e9);
    expect(sim.node.blocking.count).toBe(1);
    expect(await admin.info('clients')).toContain('blocked_clients:1\r\n');
    expect(await admin.client('LIST', 'ID', String(id))).toMatch(/ flags=b .* cmd=wait/);
    expect(await admin.client('UNBLOCK', id)).toBe(1);
    expect(await p).toBe(0);
    const p2 = w.wait(1, 0).catch((e: Error) => e.message);
    await sim.waitForBlocked(1);
    expect(await admin.client('UNBLOCK', id, 'ERROR')).toBe(1);
    expect(await p2).toBe('UNBLOCKED client unblocked via CLIENT UNBLOCK');
  });

  it('inside MULTI answers at once; errors', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.multi().wait(5, 0).exec()).toEqual([[null, 0]]);
    await expect(r.wait(0, -1)).rejects.toThrow('ERR timeout is negative');
    await expect(r.call('WAIT', '0', '1.5')).rejects.toThrow('ERR timeout is not an integer or out of range');
    await expect(r.call('WAIT', 'x', '0')).rejects.toThrow('ERR value is not an integer or out of range');
  });
});
