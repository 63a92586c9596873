/**
 * Blocking list commands and the blocking core, over TCP with several real connections on the
 * manual clock: FIFO service, serving after the command/transaction, BLMOVE chains, timeouts on
 * the virtual clock, CLIENT UNBLOCK, disconnects, FLUSHALL, INFO/CLIENT LIST, SIM BLOCKED.
 * Nothing sleeps: `sim.waitForBlocked` orders "worker blocks, producer pushes".
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

/** Lets replies already written by the server reach the client sockets. */
async function settle(...conns: { ping(): Promise<unknown> }[]): Promise<void> {
  for (const c of conns) await c.ping();
}

describe('blocking pops', () => {
  it('serves a blocked BRPOP when a producer pushes', async () => {
    const sim = await startSim();
    const [worker, producer] = [ioredis(sim), ioredis(sim)];
    const job = worker.brpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    expect(sim.node.blocking.count).toBe(1);
    await producer.lpush('q', 'job1');
    expect(await job).toEqual(['q', 'job1']);
    expect(sim.node.blocking.count).toBe(0);
    expect(await producer.exists('q')).toBe(0);
  });

  it('does not block when a list has data; a multi-key BLPOP takes the first non-empty key', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('RPUSH', 'b', 'x');
    await c.call('RPUSH', 'c', 'y');
    expect(await c.call('BLPOP', 'a', 'b', 'c', '0')).toBe('*2\r\n$1\r\nb\r\n$1\r\nx\r\n');
    expect(await c.call('BRPOP', 'a', 'b', 'c', '0')).toBe('*2\r\n$1\r\nc\r\n$1\r\ny\r\n');
  });

  it('serves clients blocked on one key first-come first-served', async () => {
    const sim = await startSim();
    const [a, b, c, p] = [ioredis(sim), ioredis(sim), ioredis(sim), ioredis(sim)];
    const ra = a.brpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    const rb = b.brpop('q', 0);
    await sim.waitForBlocked(2, 'q');
    const rc = c.brpop('q', 0);
    await sim.waitForBlocked(3, 'q');
    await p.rpush('q', '1', '2');
    expect(await ra).toEqual(['q', '2']);
    expect(await rb).toEqual(['q', '1']);
    expect(sim.node.blocking.count).toBe(1);
    await p.rpush('q', '3');
    expect(await rc).toEqual(['q', '3']);
  });

  it('serves a multi-key waiter from the key that became ready (Redis 7.0), after the transaction', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    const got = w.blpop('k1', 'k2', 0);
    await sim.waitForBlocked(1);
    const tx = await p.multi().rpush('k2', 'x').rpush('k1', 'y').exec();
    expect(tx).toEqual([
      [null, 1],
      [null, 1],
    ]);
    expect(await got).toEqual(['k2', 'x']);
    expect(await p.lrange('k1', 0, -1)).toEqual(['y']);
  });

  it('an element pushed and popped in the same transaction wakes nobody', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    const got = w.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    await p.multi().lpush('q', 'a').lpop('q').exec();
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    await p.lpush('q', 'b');
    expect(await got).toEqual(['q', 'b']);
  });

  it('clients are served after a script, never in the middle of it', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    const got = w.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    // Pushed and popped inside one script: nobody wakes.
    expect(await p.eval("redis.call('RPUSH', KEYS[1], 'a'); return redis.call('LPOP', KEYS[1])", 1, 'q')).toBe('a');
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    // The script sees its own pushes untouched; the waiter is served once it has finished.
    expect(await p.eval("redis.call('RPUSH', KEYS[1], 'b', 'c'); return redis.call('LLEN', KEYS[1])", 1, 'q')).toBe(2);
    expect(await got).toEqual(['q', 'b']);
    expect(await p.lrange('q', 0, -1)).toEqual(['c']);
  });

  it('blocking commands inside MULTI behave like their non-blocking forms', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const replies = await c.pipeline([
      ['MULTI'],
      ['BLPOP', 'q', '0'],
      ['BRPOP', 'q', '0'],
      ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'q', 'd', '0'],
      ['BLMPOP', '0', '1', 'q', 'LEFT'],
      ['RPUSH', 'q', 'v'],
      ['BLPOP', 'q', '0'],
      ['EXEC'],
    ]);
    expect(replies.at(-1)).toBe('*7\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n:1\r\n*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
    expect(sim.node.blocking.count).toBe(0);
  });

  it('BLMPOP pops up to COUNT elements from the ready key', async () => {
    const sim = await startSim();
    const [w, p] = [await raw(sim), ioredis(sim)];
    w.write(
      '*7\r\n$6\r\nBLMPOP\r\n$1\r\n0\r\n$1\r\n2\r\n$2\r\nm1\r\n$2\r\nm2\r\n$5\r\nRIGHT\r\n$5\r\nCOUNT\r\n$1\r\n5\r\n'.replace('*7', '*8'),
    );
    await sim.waitForBlocked(1, 'm2');
    await p.rpush('m2', '1', '2', '3');
    expect(await w.read()).toBe('*2\r\n$2\r\nm2\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n');
  });

  it('runs the commands pipelined behind a blocked command after it is served, in order', async () => {
    const sim = await startSim();
    const [w, p] = [await raw(sim), ioredis(sim)];
    w.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n');
    await sim.waitForBlocked(1, 'q');
    await settle(p);
    expect(w.pending()).toBe('');
    await p.rpush('q', 'v');
    expect(await w.read(2)).toBe('*2\r\n$1\r\nq\r\n$1\r\nv\r\n$5\r\nafter\r\n');
  });
});

describe('BLMOVE and BRPOPLPUSH', () => {
  it('a served BLMOVE pushes to its destination and that key is served in the same cycle', async () => {
    const sim = await startSim();
    const [a, b, p] = [ioredis(sim), ioredis(sim), ioredis(sim)];
    const moved = a.blmove('src', 'dst', 'LEFT', 'RIGHT', 0);
    await sim.waitForBlocked(1, 'src');
    const popped = b.blpop('dst', 0);
    await sim.waitForBlocked(1, 'dst');
    await p.rpush('src', 'm');
    expect(await moved).toBe('m');
    expect(await popped).toEqual(['dst', 'm']);
    expect(await p.exists('src', 'dst')).toBe(0);
  });

  it('BRPOPLPUSH moves tail to head once data arrives', async () => {
    const sim = await startSim();
    const [a, p] = [ioredis(sim), ioredis(sim)];
    await p.rpush('dst', 'old');
    const moved = a.brpoplpush('src', 'dst', 0);
    await sim.waitForBlocked(1, 'src');
    await p.rpush('src', '1', '2');
    expect(await moved).toBe('2');
    expect(await p.lrange('dst', 0, -1)).toEqual(['2', 'old']);
    expect(await p.lrange('src', 0, -1)).toEqual(['1']);
  });

  it('a served BLMOVE whose destination has another type gets WRONGTYPE and moves nothing', async () => {
    const sim = await startSim();
    const [a, p] = [await raw(sim), ioredis(sim)];
    await p.set('dst', 'x');
    a.write('*6\r\n$6\r\nBLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'src');
    await p.rpush('src', 'm');
    expect(await a.read()).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await p.lrange('src', 0, -1)).toEqual(['m']);
    expect(sim.node.blocking.count).toBe(0);
  });
});

describe('timeouts on the virtual clock', () => {
  it('BRPOP with timeout 5 returns nil exactly when the clock reaches 5 s', async () => {
    const sim = await startSim();
    const [w, p] = [await raw(sim), ioredis(sim)];
    w.write('*3\r\n$5\r\nBRPOP\r\n$1\r\nq\r\n$1\r\n5\r\n');
    await sim.waitForBlocked(1, 'q');
    sim.clock.advance(4999);
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    expect(w.pending()).toBe('');
    sim.clock.advance(1);
    expect(await w.read()).toBe('*-1\r\n');
    expect(sim.node.blocking.count).toBe(0);
  });

  it('decimal timeouts round up to whole ms; 0 waits forever', async () => {
    const sim = await startSim();
    const [a, b, p] = [await raw(sim), await raw(sim), ioredis(sim)];
    a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$6\r\n0.0015\r\n');
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(2, 'q');
    sim.clock.advance(1);
    await settle(p);
    expect(sim.node.blocking.count).toBe(2);
    sim.clock.advance(1);
    expect(await a.read()).toBe('*-1\r\n');
    sim.clock.advance(10 * 365 * 86400 * 1000);
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    await p.rpush('q', 'v');
    expect(await b.read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
  });

  it('timeouts reply the null array for every blocking list command (BLMOVE too), in RESP3 null', async () => {
    const sim = await startSim();
    const [a, b, p] = [await raw(sim), await raw(sim), ioredis(sim)];
    await b.call('HELLO', '3');
    a.write('*6\r\n$6\r\nBLMOVE\r\n$1\r\ns\r\n$1\r\nd\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n1\r\n');
    b.write('*4\r\n$10\r\nBRPOPLPUSH\r\n$1\r\ns\r\n$1\r\nd\r\n$1\r\n1\r\n');
    await sim.waitForBlocked(2, 's');
    sim.clock.advance(1000);
    expect(await a.read()).toBe('*-1\r\n');
    expect(await b.read()).toBe('_\r\n');
    await settle(p);
  });

  it('timeout errors are Redis 7.0 texts', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const neg = '-ERR timeout is negative\r\n';
    const nan = '-ERR timeout is not a float or out of range\r\n';
    expect(await c.call('BLPOP', 'q', '-1')).toBe(neg);
    expect(await c.call('BLPOP', 'q', 'inf')).toBe(neg);
    expect(await c.call('BLPOP', 'q', '1e16')).toBe(neg);
    expect(await c.call('BLPOP', 'q', 'x')).toBe(nan);
    expect(await c.call('BLPOP', 'q', 'nan')).toBe(nan);
    expect(await c.call('BLPOP', 'q', '1e5000')).toBe(nan);
    expect(await c.call('BRPOP', 'q', ' 1')).toBe(nan);
    expect(await c.call('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '-1')).toBe(neg);
    expect(await c.call('BLMOVE', 'q', 'd', 'UP', 'LEFT', '-1')).toBe('-ERR syntax error\r\n');
    expect(await c.call('BRPOPLPUSH', 'q', 'd', 'x')).toBe(nan);
    expect(await c.call('BLMPOP', '-1', '1', 'q', 'LEFT')).toBe(neg);
    expect(await c.call('BLMPOP', '0', '0', 'q', 'LEFT')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(await c.call('BLMPOP', '0', '1', 'q', 'LEFT', 'COUNT', '0')).toBe('-ERR count should be greater than 0\r\n');
    expect(await c.call('BLMPOP', 'x', '1', 'q', 'UP')).toBe('-ERR syntax error\r\n');
    await c.call('SET', 's', 'v');
    expect(await c.call('BLPOP', 'q', 's', '0')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(sim.node.blocking.count).toBe(0);
  });
});

describe('no stale waiters', () => {
  it('a key set to another type leaves the waiter blocked (Redis 7.0)', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    const got = w.blpop('s', 0);
    await sim.waitForBlocked(1, 's');
    await p.set('s', 'str');
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    await p.del('s');
    await p.rpush('s', 'v');
    expect(await got).toEqual(['s', 'v']);
  });

  it('CLIENT UNBLOCK with TIMEOUT and ERROR', async () => {
    const sim = await startSim();
    const [a, b, p] = [await raw(sim), await raw(sim), await raw(sim)];
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    const idb = (await b.call('CLIENT', 'ID')).slice(1, -2);
    a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(2, 'q');
    expect(await p.call('CLIENT', 'UNBLOCK', ida)).toBe(':1\r\n');
    expect(await a.read()).toBe('*-1\r\n');
    expect(await p.call('CLIENT', 'UNBLOCK', idb, 'ERROR')).toBe(':1\r\n');
    expect(await b.read()).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await p.call('CLIENT', 'UNBLOCK', ida)).toBe(':0\r\n');
    expect(sim.node.blocking.count).toBe(0);
    await p.call('RPUSH', 'q', 'v');
    expect(await p.call('LLEN', 'q')).toBe(':1\r\n');
  });

  it('a blocked client that disconnects or is killed leaves no waiter', async () => {
    const sim = await startSim();
    const [a, b, p] = [await raw(sim), await raw(sim), await raw(sim)];
    const idb = (await b.call('CLIENT', 'ID')).slice(1, -2);
    a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n5\r\n');
    await sim.waitForBlocked(2, 'q');
    a.close();
    expect(await p.call('CLIENT', 'KILL', 'ID', idb)).toBe(':1\r\n');
    for (let i = 0; i < 50 && sim.node.blocking.count > 0; i++) await p.call('PING');
    expect(sim.node.blocking.count).toBe(0);
    expect(sim.clock.pending).toBe(0); // b's timeout timer is gone too
    await p.call('RPUSH', 'q', 'v');
    expect(await p.call('LRANGE', 'q', '0', '-1')).toBe('*1\r\n$1\r\nv\r\n');
  });

  it('FLUSHALL keeps waiters blocked and a later push serves them', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    const got = w.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    await p.flushall();
    await settle(p);
    expect(sim.node.blocking.count).toBe(1);
    await p.rpush('q', 'v');
    expect(await got).toEqual(['q', 'v']);
  });

  it('INFO blocked_clients, CLIENT LIST b flag, commandstats counted once', async () => {
    const sim = await startSim();
    const [w, p] = [ioredis(sim), ioredis(sim)];
    await p.config('RESETSTAT');
    const got = w.blpop('q', 0);
    await sim.waitForBlocked(1, 'q');
    expect(await p.info('clients')).toContain('blocked_clients:1\r\n');
    const list = (await p.client('LIST')) as string;
    expect(list.split('\n').filter((l) => / flags=b /.test(l))).toHaveLength(1);
    await p.rpush('q', 'v');
    await got;
    expect(await p.info('clients')).toContain('blocked_clients:0\r\n');
    const stats = (await p.info('commandstats')) as string;
    expect(stats).toMatch(/cmdstat_blpop:calls=1,/);
  });
});

describe('in-process calls', () => {
  it('sim.command never blocks: a blocking command replies like its non-blocking form', async () => {
    const sim = await startSim();
    expect(sim.command('BLPOP', 'q', '0')).toBeNull();
    expect(sim.command('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0')).toBeNull();
    expect(sim.node.blocking.count).toBe(0);
    sim.call('RPUSH', 'q', 'v');
    expect(sim.command('BRPOP', 'q', '0')).toEqual(['q', 'v']);
  });
});

describe('SIM BLOCKED introspection over the wire', () => {
  it('COUNT, LIST and WAIT', async () => {
    const sim = await startSim();
    const [a, b, ctl, waiter] = [await raw(sim), await raw(sim), await raw(sim), await raw(sim)];
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    const idb = (await b.call('CLIENT', 'ID')).slice(1, -2);
    // WAIT parks the caller until 2 clients are blocked on q.
    waiter.write('*5\r\n$3\r\nSIM\r\n$7\r\nBLOCKED\r\n$4\r\nWAIT\r\n$1\r\n2\r\n$1\r\nq\r\n');
    a.write('*4\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\nr\r\n$1\r\n0\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'COUNT')).toBe(':1\r\n');
    expect(waiter.pending()).toBe('');
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    expect(await waiter.read()).toBe(':2\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'COUNT')).toBe(':2\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'COUNT', 'r')).toBe(':1\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'COUNT', 'zz')).toBe(':0\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'LIST')).toBe(
      `*2\r\n*6\r\n$2\r\ndb\r\n:0\r\n$3\r\nkey\r\n$1\r\nq\r\n$7\r\nclients\r\n*2\r\n:${ida}\r\n:${idb}\r\n` +
        `*6\r\n$2\r\ndb\r\n:0\r\n$3\r\nkey\r\n$1\r\nr\r\n$7\r\nclients\r\n*1\r\n:${ida}\r\n`,
    );
    // Already satisfied: replies at once; a timeout (real ms) gives nil.
    expect(await waiter.call('SIM', 'BLOCKED', 'WAIT', '1', '*')).toBe(':2\r\n');
    expect(await waiter.call('SIM', 'BLOCKED', 'WAIT', '5', '*', '20')).toBe('$-1\r\n');
    expect(await ctl.call('SIM', 'BLOCKED', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try SIM HELP.\r\n");
    expect(await ctl.call('SIM', 'BLOCKED', 'WAIT')).toBe("-ERR wrong number of arguments for 'sim|blocked|wait' command\r\n");
    expect(await ctl.call('SIM', 'HELP')).toContain('+BLOCKED WAIT <n> [<key>|*] [<timeout-ms>]\r\n');
    // The parked waiter never counted itself.
    expect(sim.node.blocking.count).toBe(2);
  });
});
