/**
 * A primary that becomes a replica (REPLICAOF host port, sim.replicaOf(), a promotion that demotes
 * it, FAILOVER) answers every client blocked on keys or in WAIT with -UNBLOCKED and closes its
 * connection, as Redis 7.0's disconnectAllBlockedClients; on the manual clock, seen through
 * ioredis and raw sockets. REPLICAOF NO ONE unblocks nobody.
 */
import { describe, expect, it } from 'vitest';
import { infoFields, ioredis, raw, startSim, until } from './helpers.js';

const UNBLOCKED = 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)';

const failure = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ value: v }),
    (e: Error) => ({ error: e.message }),
  );

describe('a primary made a replica unblocks its blocked clients', () => {
  it('REPLICAOF host port: every key waiter and WAIT gets -UNBLOCKED; the clients reconnect', async () => {
    const a = await startSim();
    const b = await startSim();
    const admin = ioredis(a);
    await admin.xgroup('CREATE', 'gs', 'g', '$', 'MKSTREAM');
    const [c0, c1, c2, c3, c4, c5, c6] = [ioredis(a), ioredis(a), ioredis(a), ioredis(a), ioredis(a), ioredis(a), ioredis(a)];
    const results = [
      failure(c0.blpop('list', 0)),
      failure(c1.brpop('list', 'other', 5)),
      failure(c2.blmove('src', 'dst', 'LEFT', 'RIGHT', 0)),
      failure(c3.bzpopmin('zset', 0)),
      failure(c4.xread('BLOCK', 0, 'STREAMS', 'stream', '$')),
      failure(c5.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'gs', '>')),
      failure(c6.call('WAIT', '1', '0')),
    ];
    await a.waitForBlocked(7);
    expect(await admin.call('REPLICAOF', '127.0.0.1', String(b.port))).toBe('OK');
    expect(await Promise.all(results)).toEqual(results.map(() => ({ error: UNBLOCKED })));
    expect(infoFields(a, 'clients').blocked_clients).toBe('0');
    expect(infoFields(a, 'errorstats').errorstat_UNBLOCKED).toBe('count=7');
    // BRPOP's 5 s timeout was cleared with it: nothing more happens when the clock passes it.
    a.clock.advance(10_000);
    expect(infoFields(a, 'errorstats').errorstat_UNBLOCKED).toBe('count=7');
    // Disconnected, ioredis reconnects: the node now answers as a replica.
    await Promise.all([c0, c1].map((c) => new Promise((r) => c.once('ready', r))));
    await b.call('SET', 'k', 'from-b');
    expect(await c0.get('k')).toBe('from-b');
    await expect(c1.lpush('list', 'x')).rejects.toThrow("READONLY You can't write against a read only replica.");
  });

  it('the connection is closed after the error: a command pipelined behind the blocked one never runs', async () => {
    const a = await startSim();
    const b = await startSim();
    const c = await raw(a);
    c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n');
    await a.waitForBlocked(1, { key: 'q' });
    b.call('SET', 'after', 'untouched');
    a.call('REPLICAOF', '127.0.0.1', String(b.port));
    expect(await c.readUntilClose()).toBe(`-${UNBLOCKED}\r\n`);
    await until(() => a.call('GET', 'after') === 'untouched');
  });

  it('in process: sim.replicaOf() and a promotion that demotes the old primary', async () => {
    const a = await startSim();
    const b = await startSim();
    const ra = ioredis(a);
    const popped = failure(ra.blpop('q', 0));
    await a.waitForBlocked(1);
    a.replicaOf(b);
    expect(await popped).toEqual({ error: UNBLOCKED });

    // a follows b now: promoting a demotes b, its old primary, whose blocked reader is unblocked.
    const rb = ioredis(b);
    const read = failure(rb.xread('BLOCK', 0, 'STREAMS', 's', '$'));
    await b.waitForBlocked(1);
    await a.promote({ oldPrimary: b });
    expect(infoFields(b, 'replication').role).toBe('slave');
    expect(await read).toEqual({ error: UNBLOCKED });
  });

  it('REPLICAOF NO ONE unblocks nobody; a replica pointed at another primary unblocks its readers, "Already connected" does not', async () => {
    const a = await startSim();
    const b = await startSim();
    const d = await startSim();
    b.replicaOf(a);
    const rb = ioredis(b);
    // XREAD is not a write: it blocks on a replica.
    const first = failure(rb.xread('BLOCK', 0, 'STREAMS', 's', '$'));
    await b.waitForBlocked(1);
    expect(b.call('REPLICAOF', '127.0.0.1', String(a.port))).toBe('OK Already connected to specified master');
    expect(infoFields(b, 'clients').blocked_clients).toBe('1');
    expect(b.call('REPLICAOF', '127.0.0.1', String(d.port))).toBe('OK');
    expect(await first).toEqual({ error: UNBLOCKED });

    const second = failure(ioredis(b).xread('BLOCK', 0, 'STREAMS', 's', '$'));
    await b.waitForBlocked(1);
    expect(b.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(infoFields(b, 'clients').blocked_clients).toBe('1');
    // Still blocked, and served by the new primary's own write.
    b.call('XADD', 's', '1-1', 'f', 'v');
    expect(await second).toEqual({ value: [['s', [['1-1', ['f', 'v']]]]] });
  });

  it('FAILOVER: the old primary unblocks its key waiters; a write paused by the failover gets READONLY instead', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    const ra = ioredis(a);
    const popped = failure(ioredis(a).blpop('q', 0));
    await a.waitForBlocked(1, { key: 'q' });
    // A write the replica has not acknowledged yet: FAILOVER waits for its ACK.
    await ra.set('k', 'v');
    expect(await ra.call('FAILOVER')).toBe('OK');
    expect(infoFields(a, 'replication').master_failover_state).toBe('waiting-for-sync');
    const write = failure(ioredis(a).set('during', '1'));
    await a.waitForBlocked(2);
    // The replica acknowledges the stream a second later on its clock: then a fails over to it.
    b.clock.advance(1000);
    expect(await popped).toEqual({ error: UNBLOCKED });
    expect(await write).toEqual({ error: "READONLY You can't write against a read only replica." });
    expect(infoFields(a, 'replication').role).toBe('slave');
    expect(infoFields(b, 'replication').role).toBe('master');
  });
});
