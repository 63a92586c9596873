/**
 * The Sentinel endpoint, seen by real clients: raw bytes of its replies and of its pub/sub
 * events, ioredis with `sentinels` and node-redis's createSentinel following a failover by
 * themselves, and sdown/odown/failover driven by the virtual clock (no sleeps).
 */
import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { describe, expect, it } from 'vitest';
import { RedisSentinel, type RedisSim, RedisSimOptionError, type SentinelOptions } from '../src/index.js';
import { onCleanup, startSim, until } from './helpers.js';
import { RawClient } from './raw-client.js';

async function topology(opts: Partial<SentinelOptions['masters'][number]> = {}): Promise<{ a: RedisSim; b: RedisSim; s: RedisSentinel }> {
  const a = await startSim();
  const b = await startSim();
  b.replicaOf(a);
  const s = await RedisSentinel.start({ port: 0, masters: [{ name: 'mymaster', primary: a, ...opts }] });
  onCleanup(() => s.stop());
  return { a, b, s };
}

async function rawTo(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  onCleanup(() => c.close());
  return c;
}

/** A raw client subscribed to every channel; returns a function giving the events received so far. */
async function events(s: RedisSentinel): Promise<{ raw: RawClient; lines: () => string[] }> {
  const c = await rawTo(s.port);
  expect(await c.call('PSUBSCRIBE', '*')).toBe('*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n');
  return {
    raw: c,
    lines: () =>
      [...c.pending().matchAll(/\$\d+\r\npmessage\r\n\$1\r\n\*\r\n\$\d+\r\n([^\r]*)\r\n\$\d+\r\n([^\r]*)\r\n/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      ),
  };
}

/** Yields to the event loop until `cond` holds (the clients' own I/O, not time). */

describe('Sentinel replies', () => {
  it('get-master-addr-by-name, ROLE, MYID and errors, byte for byte', async () => {
    const { a, b, s } = await topology();
    const c = await rawTo(s.port);
    const port = String(a.port);
    expect(await c.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')).toBe(`*2\r\n$9\r\n127.0.0.1\r\n$${port.length}\r\n${port}\r\n`);
    expect(await c.call('SENTINEL', 'get-master-addr-by-name', 'nope')).toBe('*-1\r\n');
    expect(await c.call('ROLE')).toBe('*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n');
    expect(await c.call('SENTINEL', 'MYID')).toBe(`$40\r\n${s.myid}\r\n`);
    expect(await c.call('SENTINEL', 'master', 'nope')).toBe('-ERR No such master with that name\r\n');
    expect(await c.call('GET', 'k')).toBe("-ERR unknown command 'GET', with args beginning with: 'k' \r\n");
    expect(await c.call('SENTINEL', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try SENTINEL HELP.\r\n");
    expect(await c.call('SENTINEL', 'master')).toBe("-ERR wrong number of arguments for 'sentinel|master' command\r\n");
    expect(await c.call('SENTINEL', 'sentinels', 'mymaster')).toBe('*0\r\n');
    expect(await c.call('SENTINEL', 'ckquorum', 'mymaster')).toBe(
      '+OK 1 usable Sentinels. Quorum and failover authorization can be reached\r\n',
    );
    expect(await c.call('PING')).toBe('+PONG\r\n');
    const r = new Redis({ port: s.port, lazyConnect: true });
    onCleanup(() => r.disconnect());
    const masters = (await r.call('SENTINEL', 'masters')) as string[][];
    expect(masters).toHaveLength(1);
    const m = masters[0] as string[];
    expect(m.filter((_, i) => i % 2 === 0)).toEqual([
      'name',
      'ip',
      'port',
      'runid',
      'flags',
      'link-pending-commands',
      'link-refcount',
      'last-ping-sent',
      'last-ok-ping-reply',
      'last-ping-reply',
      'down-after-milliseconds',
      'info-refresh',
      'role-reported',
      'role-reported-time',
      'config-epoch',
      'num-slaves',
      'num-other-sentinels',
      'quorum',
      'failover-timeout',
      'parallel-syncs',
    ]);
    const field = (list: string[], k: string) => list[list.indexOf(k) + 1];
    expect(field(m, 'flags')).toBe('master');
    expect(field(m, 'num-slaves')).toBe('1');
    expect(field(m, 'runid')).toBe(a.node.runId);
    const replicas = (await r.call('SENTINEL', 'replicas', 'mymaster')) as string[][];
    const rep = replicas[0] as string[];
    expect(field(rep, 'name')).toBe(`127.0.0.1:${b.port}`);
    expect(field(rep, 'flags')).toBe('slave');
    expect(field(rep, 'master-link-status')).toBe('ok');
    expect(field(rep, 'master-port')).toBe(String(a.port));
    expect(await r.call('SENTINEL', 'slaves', 'mymaster')).toHaveLength(1);
  });

  it('HELLO 3 says mode sentinel and has no role; INFO has the sentinel section', async () => {
    const { a, s } = await topology();
    const c = await rawTo(s.port);
    const hello = await c.call('HELLO', '3');
    expect(hello.startsWith('%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n')).toBe(true);
    expect(hello).toContain('$4\r\nmode\r\n$8\r\nsentinel\r\n');
    expect(hello).not.toContain('role');
    const info = await c.call('INFO');
    expect(info.startsWith('$')).toBe(true);
    expect(info).toContain('redis_mode:sentinel\r\n');
    expect(info).toContain(`master0:name=mymaster,status=ok,address=127.0.0.1:${a.port},slaves=1,sentinels=1\r\n`);
    expect(info.match(/^# \w+/gm)).toEqual(['# Server', '# Clients', '# Stats', '# CPU', '# Sentinel']);
    expect(await c.call('CLIENT', 'SETNAME', 'watcher')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$7\r\nwatcher\r\n');
  });

  it('refuses unknown options by name', async () => {
    const a = await startSim();
    await expect(RedisSentinel.start({ masters: [{ name: 'm', primary: a }], prot: 1 } as never)).rejects.toThrow(RedisSimOptionError);
    await expect(RedisSentinel.start({ masters: [] })).rejects.toThrow(/masters/);
    await expect(RedisSentinel.start({ masters: [{ name: 'm', primary: a, quorum: 0 }] })).rejects.toThrow(/quorum/);
  });
});

describe('failover seen on the Sentinel pub/sub', () => {
  it('a promotion by the test publishes +switch-master (raw bytes)', async () => {
    const { a, b, s } = await topology();
    const sub = await rawTo(s.port);
    expect(await sub.call('SUBSCRIBE', '+switch-master')).toBe('*3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n');
    await b.promote({ oldPrimary: a });
    const msg = `mymaster 127.0.0.1 ${a.port} 127.0.0.1 ${b.port}`;
    expect(await sub.read()).toBe(`*3\r\n$7\r\nmessage\r\n$14\r\n+switch-master\r\n$${msg.length}\r\n${msg}\r\n`);
    expect(s.masterAddress('mymaster')).toEqual({ host: '127.0.0.1', port: b.port });
  });

  it('a killed primary is sdown after down-after-milliseconds of virtual time, then odown, then failed over', async () => {
    const { a, b, s } = await topology({ downAfterMilliseconds: 5000 });
    const ev = await events(s);
    await a.kill();
    s.clock.advance(5000);
    await new Promise((r) => setImmediate(r));
    expect(ev.lines()).toEqual([]);
    s.clock.advance(1);
    const A = `127.0.0.1 ${a.port}`;
    const B = `127.0.0.1 ${b.port}`;
    await until(() => ev.lines().some((l) => l.startsWith('+slave ')));
    expect(ev.lines()).toEqual([
      `+sdown master mymaster ${A}`,
      `+odown master mymaster ${A} #quorum 1/1`,
      '+new-epoch 1',
      `+try-failover master mymaster ${A}`,
      `+vote-for-leader ${s.myid} 1`,
      `+elected-leader master mymaster ${A}`,
      `+failover-state-select-slave master mymaster ${A}`,
      `+selected-slave slave 127.0.0.1:${b.port} ${B} @ mymaster ${A}`,
      `+failover-state-send-slaveof-noone slave 127.0.0.1:${b.port} ${B} @ mymaster ${A}`,
      `+failover-state-wait-promotion slave 127.0.0.1:${b.port} ${B} @ mymaster ${A}`,
      `-role-change slave 127.0.0.1:${b.port} ${B} @ mymaster ${A} new reported role is master`,
      `+promoted-slave slave 127.0.0.1:${b.port} ${B} @ mymaster ${A}`,
      `+failover-state-reconf-slaves master mymaster ${A}`,
      `+failover-end master mymaster ${A}`,
      `+switch-master mymaster ${A} ${B}`,
      `+slave slave 127.0.0.1:${a.port} ${A} @ mymaster ${B}`,
    ]);
    expect(b.repl.role).toBe('master');
    // The dead old primary is a replica entry now; it is sdown again after down-after.
    s.clock.advance(5001);
    await until(() => ev.lines().length > 16);
    expect(ev.lines()[16]).toBe(`+sdown slave 127.0.0.1:${a.port} ${A} @ mymaster ${B}`);
    // Restarted, it is turned into a replica of the new primary.
    await a.restart();
    await until(() => ev.lines().length > 19);
    expect(ev.lines().slice(17)).toEqual([
      `-sdown slave 127.0.0.1:${a.port} ${A} @ mymaster ${B}`,
      `-role-change slave 127.0.0.1:${a.port} ${A} @ mymaster ${B} new reported role is master`,
      `+convert-to-slave slave 127.0.0.1:${a.port} ${A} @ mymaster ${B}`,
    ]);
    expect(a.repl.role).toBe('slave');
  });

  it('a paused primary is noticed at the next ping round', async () => {
    const { a, s } = await topology({ downAfterMilliseconds: 2000, quorum: 2 });
    const ev = await events(s);
    s.clock.advance(1000);
    a.faults.pause();
    s.clock.advance(1000 + 2000);
    await new Promise((r) => setImmediate(r));
    expect(ev.lines()).toEqual([]);
    s.clock.advance(1);
    await until(() => ev.lines().length > 0);
    // quorum 2 with one Sentinel: subjectively down only, never objectively.
    expect(ev.lines()).toEqual([`+sdown master mymaster 127.0.0.1 ${a.port}`]);
    const c = await rawTo(s.port);
    expect(await c.call('SENTINEL', 'ckquorum', 'mymaster')).toBe(
      '-NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master\r\n',
    );
    a.faults.resume();
    s.clock.advance(1000);
    await until(() => ev.lines().length > 1);
    expect(ev.lines()[1]).toBe(`-sdown master mymaster 127.0.0.1 ${a.port}`);
  });

  it('SENTINEL FAILOVER promotes the replica with the lowest priority, then the largest offset', async () => {
    const a = await startSim();
    const b = await startSim();
    const c = await startSim();
    b.replicaOf(a);
    c.replicaOf(a);
    b.call('CONFIG', 'SET', 'replica-priority', '50');
    const s = await RedisSentinel.start({ port: 0, masters: [{ name: 'mymaster', primary: a }] });
    onCleanup(() => s.stop());
    const cl = await rawTo(s.port);
    expect(await cl.call('SENTINEL', 'FAILOVER', 'mymaster')).toBe('+OK\r\n');
    expect(b.repl.role).toBe('master');
    expect(c.repl.role).toBe('slave');
    expect(a.repl.role).toBe('slave');
    expect(() => a.call('SET', 'x', '1')).toThrow(/^READONLY/);
    b.call('SET', 'x', '2');
    expect(c.call('GET', 'x')).toBe('2');
    expect(a.call('GET', 'x')).toBe('2');
    const addr = await cl.call('SENTINEL', 'get-master-addr-by-name', 'mymaster');
    expect(addr).toContain(`\r\n${b.port}\r\n`);
    expect(await cl.call('SENTINEL', 'FAILOVER', 'nope')).toBe('-ERR No such master with that name\r\n');
  });

  it('NOGOODSLAVE when no replica can be promoted', async () => {
    const a = await startSim();
    const s = await RedisSentinel.start({ port: 0, masters: [{ name: 'mymaster', primary: a }] });
    onCleanup(() => s.stop());
    const cl = await rawTo(s.port);
    expect(await cl.call('SENTINEL', 'FAILOVER', 'mymaster')).toBe('-NOGOODSLAVE No suitable replica to promote\r\n');
  });
});

describe('clients follow the failover by themselves', () => {
  it('ioredis with sentinels reconnects to the promoted node after +switch-master', async () => {
    const { a, b, s } = await topology();
    const r = new Redis({ sentinels: [{ host: '127.0.0.1', port: s.port }], name: 'mymaster', failoverDetector: true });
    onCleanup(() => r.disconnect());
    r.on('error', () => {});
    const subscribed = new Promise((res) => r.once('failoverSubscribed' as never, res));
    await r.set('before', '1');
    await subscribed;
    expect(a.call('GET', 'before')).toBe('1');
    const reconnected = new Promise((res) => r.once('ready', res));
    // Split brain: the old primary still takes writes, so only a client that moved writes to B.
    await b.promote({ oldPrimary: a, fate: 'split-brain' });
    await reconnected;
    await r.set('after', '2');
    expect(b.call('GET', 'after')).toBe('2');
    expect(a.call('GET', 'after')).toBe(null);
  });

  it('ioredis follows an automatic failover of a killed primary, on the virtual clock', async () => {
    const { a, b, s } = await topology({ downAfterMilliseconds: 1000 });
    const r = new Redis({
      sentinels: [{ host: '127.0.0.1', port: s.port }],
      name: 'mymaster',
      failoverDetector: true,
      retryStrategy: () => 1,
    });
    onCleanup(() => r.disconnect());
    r.on('error', () => {});
    await r.set('k', '1');
    const reconnected = new Promise((res) => r.once('ready', res));
    await a.kill();
    a.clock.advance(1001);
    expect(b.repl.role).toBe('master');
    await reconnected;
    expect(await r.set('k2', '2')).toBe('OK');
    expect(b.call('GET', 'k2')).toBe('2');
  });

  it("node-redis's createSentinel follows the failover", async () => {
    const { a, b, s } = await topology();
    const sentinel = createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: s.port }] });
    sentinel.on('error', () => {});
    onCleanup(async () => {
      await sentinel.close().catch(() => {});
    });
    await sentinel.connect();
    await sentinel.set('before', '1');
    expect(a.call('GET', 'before')).toBe('1');
    const changed = new Promise<unknown>((res) =>
      sentinel.on('topology-change', (e: { type: string }) => {
        if (e.type === 'MASTER_CHANGE') res(e);
      }),
    );
    await b.promote({ oldPrimary: a, fate: 'split-brain' });
    await changed;
    await sentinel.set('after', '2');
    expect(b.call('GET', 'after')).toBe('2');
    expect(a.call('GET', 'after')).toBe(null);
  });
});
