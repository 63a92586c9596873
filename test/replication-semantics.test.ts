/**
 * Replication details as Redis 7.0 has them: a replica never expires keys on its own clock
 * (they read as missing until the primary's DEL), WAIT waits for the client's own last offset
 * (woff), a held link holds the replica's ACKs too, CLIENT LIST flags S and M, chained
 * replication (A → B → C, in process and over TCP) and SIM REPL UNRECEIVED over TCP.
 */
import { describe, expect, it } from 'vitest';
import { infoFields, ioredis, raw, startSim, until } from './helpers.js';

const info = infoFields;

describe('expiry on a replica (expireIfNeeded)', () => {
  it("an expired key reads as missing on the replica but stays until the primary's DEL", async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    await ioredis(a).set('k', 'v', 'PX', 1000);
    // Only the replica's clock moves: it does not delete the key, it reports it expired.
    b.clock.advance(2000);
    const rb = ioredis(b);
    expect(await rb.get('k')).toBe(null);
    expect(await rb.exists('k')).toBe(0);
    expect(await rb.keys('*')).toEqual([]);
    expect(await rb.dbsize()).toBe(1); // DBSIZE counts it, as Redis's replica does
    expect(info(b, 'stats').expired_keys).toBe('0');
    // The primary expires it (its clock): the DEL arrives and the key is gone for good.
    a.clock.advance(1001);
    expect(await rb.dbsize()).toBe(0);
    expect(info(a, 'stats').expired_keys).toBe('1');
  });

  it('the stream applies to a key expired on the replica clock (the primary still has it)', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    const ra = ioredis(a);
    await ra.rpush('l', 'x');
    await ra.pexpire('l', 1000);
    b.clock.advance(5000);
    expect(b.call('LLEN', 'l')).toBe(0);
    await ra.rpush('l', 'y');
    await ra.persist('l');
    expect(b.call('LRANGE', 'l', '0', '-1')).toEqual(['x', 'y']);
  });

  it('a promoted replica expires what it kept', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    await ioredis(a).set('k', 'v', 'PX', 1000);
    b.clock.advance(2000);
    expect(b.call('DBSIZE')).toBe(1);
    await b.promote({ oldPrimary: a, fate: 'split-brain' });
    expect(b.call('DBSIZE')).toBe(0);
    expect(info(b, 'stats').expired_keys).toBe('1');
  });
});

describe('WAIT and ACKs', () => {
  it("WAIT waits for the client's own writes, not for later writes of other clients (woff)", async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    const mine = ioredis(a);
    const other = ioredis(a);
    await mine.set('mine', '1');
    b.clock.advance(1000); // the replica acknowledges
    a.repl.hold();
    await other.set('theirs', '2'); // not delivered
    // Our last command ran before the held write: the replica's ACK covers it.
    expect(await mine.wait(1, 0)).toBe(1);
    // A read after the held write moves our woff past it (woff follows every command).
    await mine.get('x');
    const w = mine.wait(1, 100);
    await a.waitForBlocked(1);
    a.clock.advance(100);
    expect(await w).toBe(0);
  });

  it('a held link holds the ACKs: the offset and lag on the primary stay as of the hold', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    await ioredis(a).set('k', 'v');
    b.clock.advance(1000);
    const before = /offset=(\d+)/.exec(info(a).slave0 as string)?.[1];
    a.repl.hold();
    b.clock.advance(3000);
    a.clock.advance(3000);
    expect(info(a).slave0).toMatch(new RegExp(`offset=${before},lag=3$`));
    a.repl.release();
    expect(info(a).slave0).toMatch(/lag=0$/);
  });

  it('with min-replicas-max-lag a held link ends in NOREPLICAS', async () => {
    const a = await startSim({ config: { 'min-replicas-to-write': 1, 'min-replicas-max-lag': 2 } });
    const b = await startSim();
    b.replicaOf(a);
    const ra = ioredis(a);
    expect(await ra.set('k', '1')).toBe('OK');
    a.repl.hold();
    a.clock.advance(3000);
    b.clock.advance(3000);
    await expect(ra.set('k', '2')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
  });
});

describe('writes inside scripts without flags', () => {
  it('on a read-only replica a script that writes fails with READONLY (scriptVerifyWriteCommandAllow)', async () => {
    const a = await startSim();
    const b = await startSim();
    b.replicaOf(a);
    const rb = ioredis(b);
    await expect(rb.eval("return redis.call('set','k','v')", 0)).rejects.toThrow(
      /^READONLY You can't write against a read only replica\. script: [0-9a-f]{40}, on @user_script:1\.$/,
    );
    expect(await rb.eval("return redis.call('get','k')", 0)).toBe(null);
    expect(b.call('DBSIZE')).toBe(0);
  });
});

describe('CLIENT LIST on both sides of a link', () => {
  it('flags=S for a replica on the primary, flags=M for the primary link on the replica (over TCP)', async () => {
    const a = await startSim();
    const b = await startSim();
    const rb = ioredis(b);
    await rb.call('REPLICAOF', '127.0.0.1', String(a.port));
    await until(() => info(b).master_link_status === 'up');
    const ra = ioredis(a);
    const onPrimary = String(await ra.call('CLIENT', 'LIST', 'TYPE', 'replica'));
    expect(onPrimary).toMatch(/ flags=S .* cmd=(psync|replconf) /);
    expect(onPrimary.trim().split('\n')).toHaveLength(1);
    const onReplica = String(await rb.call('CLIENT', 'LIST', 'TYPE', 'master'));
    expect(onReplica).toMatch(new RegExp(`addr=127\\.0\\.0\\.1:${a.port} .* flags=M `));
    // Redis counts neither replicas among connected_clients, but does count its master link.
    expect(info(a, 'clients').connected_clients).toBe('1');
    expect(info(b, 'clients').connected_clients).toBe('2');
  });
});

describe('chained replication', () => {
  it('A → B → C in process: B relays A’s stream; C follows, and after promoting B continues', async () => {
    const a = await startSim();
    const b = await startSim();
    const c = await startSim();
    b.replicaOf(a);
    c.replicaOf(b);
    const ra = ioredis(a);
    await ra.set('k', '1');
    await ra.hset('h', 'f', 'v');
    expect(c.call('GET', 'k')).toBe('1');
    expect(c.call('HGET', 'h', 'f')).toBe('v');
    expect(info(c).master_replid).toBe(info(a).master_replid);
    expect(info(c).slave_repl_offset).toBe(info(a).master_repl_offset);
    // B holds its relay: C lags behind A.
    b.repl.hold();
    await ra.set('k', '2');
    expect(b.call('GET', 'k')).toBe('2');
    expect(c.call('GET', 'k')).toBe('1');
    b.repl.release();
    expect(c.call('GET', 'k')).toBe('2');
    await b.promote({ oldPrimary: a });
    await ioredis(b).set('k', '3');
    expect(c.call('GET', 'k')).toBe('3');
    expect(a.call('GET', 'k')).toBe('3');
  });

  it('A → B → C over TCP', async () => {
    const a = await startSim();
    const b = await startSim();
    const c = await startSim();
    const ra = ioredis(a);
    await ra.set('before', '1');
    await ioredis(b).call('REPLICAOF', '127.0.0.1', String(a.port));
    await until(() => info(b).master_link_status === 'up');
    await ioredis(c).call('REPLICAOF', '127.0.0.1', String(b.port));
    await until(() => info(c).master_link_status === 'up');
    expect(c.call('GET', 'before')).toBe('1');
    await ra.set('after', '2');
    await ra.sadd('s', 'm');
    await until(() => c.call('SISMEMBER', 's', 'm') === 1);
    expect(c.call('GET', 'after')).toBe('2');
    await until(() => info(c).slave_repl_offset === info(a).master_repl_offset);
    expect(info(c).master_replid).toBe(info(a).master_replid);
  });
});

describe('SIM REPL UNRECEIVED over TCP', () => {
  it('a replica over TCP lists the writes its primary has and it never applied', async () => {
    const a = await startSim();
    const b = await startSim();
    await ioredis(b).call('REPLICAOF', '127.0.0.1', String(a.port));
    await until(() => info(b).master_link_status === 'up' && info(a).connected_slaves === '1');
    const ra = ioredis(a);
    await ra.set('seen', '1');
    await until(() => b.call('GET', 'seen') === '1');
    a.repl.hold();
    await ra.set('lock', 'client-1');
    await ra.incr('n');
    const cb = await raw(b);
    expect(await cb.call('SIM', 'REPL', 'UNRECEIVED')).toBe('*2\r\n$17\r\nset lock client-1\r\n$6\r\nincr n\r\n');
    expect(await cb.call('SIM', 'REPL', 'PROMOTE')).toBe('*2\r\n$17\r\nset lock client-1\r\n$6\r\nincr n\r\n');
  });
});
