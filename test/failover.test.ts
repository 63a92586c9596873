/**
 * FAILOVER (Redis 6.2's coordinated failover) between redis-sim nodes on the manual clock: the
 * write pause, waiting for the replica's ACK, PSYNC FAILOVER promoting it, TIMEOUT, FORCE, ABORT
 * and the errors; in-process replicas and over TCP, seen through ioredis and raw sockets.
 */
import { describe, expect, it } from 'vitest';
import type { RedisSim } from '../src/index.js';
import { infoFields, ioredis, raw, startSim, until } from './helpers.js';

const info = infoFields;

async function pair(): Promise<{ a: RedisSim; b: RedisSim }> {
  const a = await startSim();
  const b = await startSim();
  b.replicaOf(a);
  return { a, b };
}

describe('FAILOVER errors, as Redis', () => {
  it('argument and state errors', async () => {
    const a = await startSim();
    const c = await raw(a);
    expect(await c.call('FAILOVER', 'ABORT')).toBe('-ERR No failover in progress.\r\n');
    expect(await c.call('FAILOVER')).toBe('-ERR FAILOVER requires connected replicas.\r\n');
    expect(await c.call('FAILOVER', 'TIMEOUT', '0')).toBe('-ERR FAILOVER timeout must be greater than 0\r\n');
    expect(await c.call('FAILOVER', 'TIMEOUT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('FAILOVER', 'TIMEOUT')).toBe('-ERR syntax error\r\n');
    expect(await c.call('FAILOVER', 'TO', 'h', 'p')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('FAILOVER', 'TO', 'h')).toBe('-ERR syntax error\r\n');
    expect(await c.call('FAILOVER', 'FORCE', 'FORCE')).toBe('-ERR syntax error\r\n');
    expect(await c.call('FAILOVER', 'ABORT', 'FORCE')).toBe('-ERR syntax error\r\n');
    const b = await startSim();
    b.replicaOf(a);
    expect(await c.call('FAILOVER', 'FORCE')).toBe('-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n');
    expect(await c.call('FAILOVER', 'TO', '127.0.0.1', '1')).toBe('-ERR FAILOVER target HOST and PORT is not a replica.\r\n');
    const cb = await raw(b);
    expect(await cb.call('FAILOVER')).toBe('-ERR FAILOVER is not valid when server is a replica.\r\n');
  });
});

describe('FAILOVER in process', () => {
  it("waits for the replica's ACK on the virtual clock, then swaps roles; paused writes get READONLY", async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    await ra.set('k', 'v');
    const c = await raw(a);
    const oldId = info(a).master_replid;
    // The replica has applied SET but not acknowledged it yet (it acks every second of its clock).
    expect(await c.call('FAILOVER')).toBe('+OK\r\n');
    expect(info(a).master_failover_state).toBe('waiting-for-sync');
    expect(await c.call('FAILOVER')).toBe('-ERR FAILOVER already in progress.\r\n');
    expect(await c.call('REPLICAOF', 'NO', 'ONE')).toBe('-ERR REPLICAOF not allowed while failing over.\r\n');
    // Writes are paused (the client waits); reads are served.
    const w = ioredis(a);
    const write = w.set('during', '1').catch((e: Error) => e.message);
    await a.waitForBlocked(1);
    expect(await ra.get('k')).toBe('v');
    // CLIENT UNPAUSE lifts only CLIENT PAUSE's pause, not the failover's.
    expect(await ra.call('CLIENT', 'UNPAUSE')).toBe('OK');
    b.clock.advance(1000);
    await until(() => info(a).role === 'slave');
    expect(info(a).master_failover_state).toBe('no-failover');
    expect(info(a).master_port).toBe(String(b.port));
    expect(info(b).role).toBe('master');
    expect(info(b).connected_slaves).toBe('1');
    expect(await write).toBe("READONLY You can't write against a read only replica.");
    // The new primary continues the stream: the old one replicates it (PSYNC, no full resync).
    expect(info(b).master_replid2).toBe(oldId);
    expect(info(a).master_replid).toBe(info(b).master_replid);
    await ioredis(b).set('after', '2');
    expect(a.call('GET', 'after')).toBe('2');
    expect(a.call('GET', 'k')).toBe('v');
  });

  it('FAILOVER right after a sync that is already acknowledged fails over at once', async () => {
    const { a, b } = await pair();
    b.clock.advance(1000);
    expect(a.call('FAILOVER')).toBe('OK');
    expect(info(a).role).toBe('slave');
    expect(info(b).role).toBe('master');
  });

  it('TO picks the replica; TIMEOUT aborts when it never catches up and writes resume', async () => {
    const a = await startSim();
    const b = await startSim();
    const d = await startSim();
    b.replicaOf(a);
    d.replicaOf(a);
    const ra = ioredis(a);
    a.repl.hold(b.port);
    await ra.set('k', 'v');
    d.clock.advance(1000);
    b.clock.advance(1000);
    expect(await ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port), 'TIMEOUT', '500')).toBe('OK');
    expect(info(a).master_failover_state).toBe('waiting-for-sync');
    const w = ioredis(a);
    const write = w.set('during', '1');
    await a.waitForBlocked(1);
    a.clock.advance(499);
    expect(info(a).master_failover_state).toBe('waiting-for-sync');
    a.clock.advance(1);
    expect(info(a).master_failover_state).toBe('no-failover');
    expect(info(a).role).toBe('master');
    expect(await write).toBe('OK');
  });

  it('TIMEOUT with FORCE fails over to a replica that never caught up: its unreceived writes are lost', async () => {
    const { a, b } = await pair();
    const ra = ioredis(a);
    a.repl.hold();
    await ra.set('lost', '1');
    expect(await ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port), 'TIMEOUT', '100', 'FORCE')).toBe('OK');
    a.clock.advance(100);
    expect(info(a).role).toBe('slave');
    expect(info(b).role).toBe('master');
    // The old primary resynced fully from the new one: the write it alone had is gone.
    expect(a.call('GET', 'lost')).toBe(null);
    expect(b.call('GET', 'lost')).toBe(null);
  });

  it('FAILOVER ABORT resumes writes', async () => {
    const { a } = await pair();
    const ra = ioredis(a);
    a.repl.hold();
    await ra.set('k', 'v');
    expect(await ra.call('FAILOVER')).toBe('OK');
    const write = ioredis(a).set('during', '1');
    await a.waitForBlocked(1);
    expect(await ra.call('FAILOVER', 'ABORT')).toBe('OK');
    expect(await write).toBe('OK');
    expect(info(a).master_failover_state).toBe('no-failover');
    expect(info(a).role).toBe('master');
  });
});

describe('FAILOVER over TCP', () => {
  it('between two redis-sim servers: the old primary sends PSYNC FAILOVER and follows the new one', async () => {
    const a = await startSim();
    const b = await startSim();
    const ra = ioredis(a);
    const rb = ioredis(b);
    await ra.set('k', 'v');
    await rb.call('REPLICAOF', '127.0.0.1', String(a.port));
    await until(() => info(b).master_link_status === 'up' && info(a).connected_slaves === '1');
    expect(await ra.call('FAILOVER')).toBe('OK');
    b.clock.advance(1000);
    await until(() => info(a).role === 'slave' && info(a).master_link_status === 'up');
    expect(info(a).master_failover_state).toBe('no-failover');
    expect(info(b).role).toBe('master');
    await rb.set('after', '1');
    await until(() => a.call('GET', 'after') === '1');
  });

  it('PSYNC FAILOVER errors on the target', async () => {
    const a = await startSim();
    const c = await raw(a);
    expect(await c.call('PSYNC', 'abc', '1', 'FAILOVER')).toBe("-ERR PSYNC FAILOVER can't be sent to a master.\r\n");
    const b = await startSim();
    b.replicaOf(a);
    const cb = await raw(b);
    expect(await cb.call('PSYNC', 'abc', '1', 'FAILOVER')).toBe('-ERR PSYNC FAILOVER replid must match my replid.\r\n');
  });
});
