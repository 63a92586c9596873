/**
 * Replication between redis-sim nodes, seen by real clients: in-process replicas (objects, no
 * TCP), the stream controls (hold, release, delay, break, restore), WAIT and min-replicas on the
 * manual clock, promotion losing unreplicated writes, and PSYNC / REPLICAOF over TCP.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import type { RedisSim } from '../src/index.js';
import { infoFields, ioredis, onCleanup, raw, startSim, until } from './helpers.js';

async function pair(): Promise<{ a: RedisSim; b: RedisSim }> {
  const a = await startSim();
  const b = await startSim();
  b.replicaOf(a);
  return { a, b };
}

/** Yields to the event loop until `cond` holds (TCP between nodes is real I/O, not time). */

const info = infoFields;

describe('in-process replica', () => {
  it('copies the dataset with its TTLs, then applies the stream', async () => {
    const a = await startSim();
    const r = ioredis(a);
    await r.set('k', 'v', 'PX', 5000);
    await r.rpush('l', 'x', 'y');
    const b = await startSim();
    b.replicaOf(a);
    expect(b.call('GET', 'k')).toBe('v');
    expect(b.call('PEXPIRETIME', 'k')).toBe(a.call('PEXPIRETIME', 'k'));
    await r.hset('h', 'f', '1');
    await r.lpop('l');
    expect(b.call('HGET', 'h', 'f')).toBe('1');
    expect(b.call('LRANGE', 'l', '0', '-1')).toEqual(['y']);
  });

  it('ROLE and INFO replication on both sides', async () => {
    const { a, b } = await pair();
    await ioredis(a).set('k', 'v');
    // The replica acknowledges its offset every second of its clock.
    b.clock.advance(1000);
    const ia = info(a);
    const ib = info(b);
    expect(ia.role).toBe('master');
    expect(ia.connected_slaves).toBe('1');
    expect(ia.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${b.port},state=online,offset=\\d+,lag=0$`));
    expect(ib.role).toBe('slave');
    expect(ib.master_host).toBe('127.0.0.1');
    expect(ib.master_port).toBe(String(a.port));
    expect(ib.master_link_status).toBe('up');
    expect(ib.master_sync_in_progress).toBe('0');
    expect(ib.slave_repl_offset).toBe(ia.master_repl_offset);
    expect(ib.master_replid).toBe(ia.master_replid);
    const roleA = (await ioredis(a).role()) as unknown[];
    expect(roleA[0]).toBe('master');
    expect(roleA[1]).toBe(Number(ia.master_repl_offset));
    expect(roleA[2]).toEqual([['127.0.0.1', String(b.port), ia.master_repl_offset]]);
    expect(await ioredis(b).role()).toEqual(['slave', '127.0.0.1', a.port, 'connected', Number(ia.master_repl_offset)]);
  });

  it('a replica refuses writes with READONLY unless replica-read-only is no', async () => {
    const { b } = await pair();
    const rb = ioredis(b);
    await expect(rb.set('k', 'v')).rejects.toThrow("READONLY You can't write against a read only replica.");
    expect(await rb.get('k')).toBe(null);
    await rb.config('SET', 'replica-read-only', 'no');
    expect(await rb.set('k', 'v')).toBe('OK');
  });

  it("expiry on the primary's clock reaches the replica as DEL", async () => {
    const { a, b } = await pair();
    await ioredis(a).set('k', 'v', 'PX', 1000);
    a.clock.advance(1000);
    // At the deadline the key still exists (Redis expires it once now > deadline).
    expect(b.call('EXISTS', 'k')).toBe(1);
    a.clock.advance(1);
    // The replica's own clock has not moved: the key is gone because the primary's DEL arrived.
    expect(b.call('EXISTS', 'k')).toBe(0);
  });

  it('PING every repl-ping-replica-period seconds of virtual time moves the offsets', async () => {
    const { a, b } = await pair();
    const before = Number(info(a).master_repl_offset);
    a.clock.advance(10_000);
    const after = Number(info(a).master_repl_offset);
    expect(after - before).toBe('*1\r\n$4\r\nping\r\n'.length);
    expect(Number(info(b).slave_repl_offset)).toBe(after);
  });
});

describe('stream controls', () => {
  it('hold keeps writes from the replica; release(n) delivers the next n; release() the rest', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.set('warm', '1');
    a.repl.hold();
    await ra.set('x', '1');
    await ra.set('y', '2');
    await ra.set('z', '3');
    expect(b.call('MGET', 'x', 'y', 'z')).toEqual([null, null, null]);
    expect(a.repl.pending()).toBe(3);
    expect(a.repl.release(1)).toBe(1);
    expect(b.call('MGET', 'x', 'y', 'z')).toEqual(['1', null, null]);
    expect(a.repl.release()).toBe(2);
    expect(b.call('MGET', 'x', 'y', 'z')).toEqual(['1', '2', '3']);
    await ra.set('after', '1');
    expect(b.call('GET', 'after')).toBe('1');
  });

  it('delay delivers each command later on the virtual clock', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    a.repl.delay(500);
    await ra.set('k', 'v');
    a.clock.advance(499);
    expect(b.call('GET', 'k')).toBe(null);
    a.clock.advance(1);
    expect(b.call('GET', 'k')).toBe('v');
  });

  it('break takes master_link_status down; restore continues from the backlog (PSYNC)', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.set('k', '1');
    expect(b.repl.break()).toBe(true);
    expect(info(b).master_link_status).toBe('down');
    expect(info(a).connected_slaves).toBe('0');
    await ra.set('k', '2');
    expect(b.call('GET', 'k')).toBe('1');
    b.repl.restore();
    expect(info(b).master_link_status).toBe('up');
    expect(b.call('GET', 'k')).toBe('2');
    expect(info(b).slave_repl_offset).toBe(info(a).master_repl_offset);
  });

  it('SIM REPL over the wire', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    expect(await ra.call('SIM', 'REPL', 'HOLD')).toBe(1);
    await ra.set('k', 'v');
    // Commands of the stream: SELECT 0, then the write.
    expect(await ra.call('SIM', 'REPL', 'PENDING')).toBe(2);
    expect(await ioredis(b).call('SIM', 'REPL', 'UNRECEIVED')).toEqual(['set k v']);
    expect(await ra.call('SIM', 'REPL', 'RELEASE')).toBe(2);
    expect(b.call('GET', 'k')).toBe('v');
  });
});

describe('WAIT and min-replicas on the manual clock', () => {
  it('WAIT returns 0 while the stream is held and 1 after release (ioredis)', async () => {
    const { a } = await pair();
    const ra = ioredis(a);
    a.repl.hold();
    await ra.set('k', 'v');
    const w = ra.wait(1, 100);
    await a.waitForBlocked(1);
    a.clock.advance(100);
    expect(await w).toBe(0);
    a.repl.release();
    expect(await ra.wait(1, 0)).toBe(1);
  });

  it('WAIT through node-redis counts real acknowledgements', async () => {
    const { a } = await pair();
    const c = createClient({ socket: { port: a.port, host: '127.0.0.1' } });
    onCleanup(() => {
      c.destroy();
    });
    await c.connect();
    await c.set('k', 'v');
    expect(await c.wait(1, 0)).toBe(1);
    // Fewer replicas than asked: the timeout on the virtual clock answers how many acknowledged.
    const w = c.wait(2, 50);
    await a.waitForBlocked(1);
    a.clock.advance(50);
    expect(await w).toBe(1);
  });

  it('min-replicas-to-write with no replica refuses writes, shebang scripts that write, and EXEC', async () => {
    const a = await startSim();
    const c = await raw(a);
    await c.call('CONFIG', 'SET', 'min-replicas-to-write', '1');
    expect(await c.call('SET', 'k', 'v')).toBe('-NOREPLICAS Not enough good replicas to write.\r\n');
    expect(await c.call('EVAL', "#!lua\nreturn redis.call('set', 'k', 'v')", '0')).toBe(
      '-NOREPLICAS Not enough good replicas to write.\r\n',
    );
    expect(await c.call('EVAL', "#!lua flags=no-writes\nreturn redis.call('get', 'k')", '0')).toBe('$-1\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
  });

  it('replica-serve-stale-data no: MASTERDOWN while the link is down', async () => {
    const { b } = await pair();
    const c = await raw(b);
    await c.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    b.repl.break();
    expect(await c.call('GET', 'k')).toBe("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n");
    // Commands flagged stale still run (PING is not one of them in Redis 7.0).
    expect(await c.call('PING')).toMatch(/^-MASTERDOWN/);
    expect(await c.call('INFO', 'replication')).toMatch(/master_link_status:down/);
    b.repl.restore();
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
  });

  it('min-replicas-to-write refuses writes while the link is down', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.config('SET', 'min-replicas-to-write', '1');
    expect(await ra.set('k', '1')).toBe('OK');
    b.repl.break();
    await expect(ra.set('k', '2')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
    // Inside MULTI the write is refused when queued, and EXEC then aborts.
    const c = await raw(a);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'k', '3')).toBe('-NOREPLICAS Not enough good replicas to write.\r\n');
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await ra.get('k')).toBe('1');
    b.repl.restore();
    expect(await ra.set('k', '4')).toBe('OK');
  });
});

describe('failover', () => {
  it('a write acknowledged by the primary is lost by promoting a replica that had not received it', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.set('kept', '1');
    a.repl.hold();
    expect(await ra.set('acked', 'yes')).toBe('OK');
    const lost = await b.promote({ oldPrimary: a, fate: 'demote' });
    expect(lost).toEqual(['set acked yes']);
    const rb = ioredis(b);
    expect(await rb.get('kept')).toBe('1');
    expect(await rb.get('acked')).toBe(null);
    // The demoted primary resynchronized from the new one: its unreplicated write is gone too.
    expect(await ra.get('acked')).toBe(null);
    await expect(ra.set('x', '1')).rejects.toThrow('READONLY');
    expect(info(a).master_port).toBe(String(b.port));
  });

  it('a SET NX lock is acquired twice across a failover (split brain), step by step', async () => {
    const { a, b } = await pair();
    const clientA = ioredis(a);
    const clientB = ioredis(b);
    // 1. Client 1 takes the lock on the primary; the replica has not received it yet.
    a.repl.hold();
    expect(await clientA.set('lock', 'client-1', 'PX', 30000, 'NX')).toBe('OK');
    // 2. The primary fails over before the write reached the replica.
    expect(await b.promote({ oldPrimary: a, fate: 'split-brain' })).toEqual([expect.stringMatching(/^SET lock client-1 PXAT \d+$/)]);
    // 3. Client 2 asks the new primary for the same lock and gets it.
    expect(await clientB.set('lock', 'client-2', 'PX', 30000, 'NX')).toBe('OK');
    // Both believe they hold it: the old primary still answers client 1.
    expect(await clientA.get('lock')).toBe('client-1');
    expect(await clientB.get('lock')).toBe('client-2');
  });

  it('killing the old primary disconnects its clients', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a, { retryStrategy: () => null });
    await ra.set('k', 'v');
    await b.promote({ oldPrimary: a, fate: 'kill' });
    expect(a.killed).toBe(true);
    await expect(ra.get('k')).rejects.toThrow();
    expect(await ioredis(b).get('k')).toBe('v');
    expect(info(b).role).toBe('master');
    expect(info(b).master_replid2).not.toBe('0000000000000000000000000000000000000000');
  });
});

describe('kill and restart', () => {
  it("a killed primary takes its replicas' links down; restarted, a killed replica continues with PSYNC", async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.set('k', '1');
    await b.kill();
    await ra.set('k', '2');
    expect(info(a).connected_slaves).toBe('0');
    await b.restart();
    expect(info(b).master_link_status).toBe('up');
    expect(b.call('GET', 'k')).toBe('2');
    await a.kill();
    expect(info(b).master_link_status).toBe('down');
  });
});

describe('over TCP', () => {
  it('PSYNC continues from the backlog; an unknown replid gets a full resync', async () => {
    const a = await startSim();
    const tap = await raw(a);
    tap.write('SYNC\r\n');
    await until(() => tap.pending().length >= 4);
    const ra = ioredis(a);
    await ra.set('k', 'v');
    const { master_replid: replid, master_repl_offset: off } = info(a);
    await ra.set('k2', 'v2');
    const c = await raw(a);
    c.write(`*3\r\n$5\r\nPSYNC\r\n$40\r\n${replid}\r\n$${String(Number(off) + 1).length}\r\n${Number(off) + 1}\r\n`);
    const want = '*3\r\n$3\r\nset\r\n$2\r\nk2\r\n$2\r\nv2\r\n';
    await until(() => c.pending().length >= `+CONTINUE\r\n${want}`.length);
    expect(c.pending()).toBe(`+CONTINUE\r\n${want}`);
    const f = await raw(a);
    f.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
    await until(() => f.pending().includes('REDIS'));
    expect(f.pending()).toMatch(new RegExp(`^\\+FULLRESYNC ${replid} ${Number(off) + want.length}\\r\\n\\$\\d+\\r\\nREDIS0010`));
  });

  it('REPLICAOF over TCP between two redis-sim servers: full sync, then the stream', async () => {
    const a = await startSim();
    const ra = ioredis(a);
    await ra.set('before', '1');
    await ra.zadd('z', 1, 'm');
    const b = await startSim();
    const rb = ioredis(b);
    expect(await rb.call('REPLICAOF', '127.0.0.1', String(a.port))).toBe('OK');
    expect(await rb.call('REPLICAOF', '127.0.0.1', String(a.port))).toBe('OK Already connected to specified master');
    await until(() => info(b).master_link_status === 'up');
    expect(await rb.get('before')).toBe('1');
    expect(await rb.zscore('z', 'm')).toBe('1');
    await ra.set('after', '2');
    await until(async () => (await rb.get('after')) === '2');
    expect(await rb.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(info(b).role).toBe('master');
  });

  it('REPLCONF errors as Redis', async () => {
    const a = await startSim();
    const c = await raw(a);
    expect(await c.call('REPLCONF', 'listening-port')).toBe('-ERR syntax error\r\n');
    expect(await c.call('REPLCONF', 'bogus', '1')).toBe('-ERR Unrecognized REPLCONF option: bogus\r\n');
    expect(await c.call('REPLCONF', 'listening-port', '7000', 'capa', 'eof')).toBe('+OK\r\n');
  });
});
