/**
 * Connection limits driven by the virtual clock, and the limits' log lines (issue 16). The byte
 * comparisons with a real redis-server are in compat/limits.compat.test.ts.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopback, protectedModeRefuses } from '../src/server/limits.js';
import { encodeCommand, RawClient, startSim } from './helpers.js';

function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function closedPromise(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) resolve();
    s.on('close', () => resolve());
  });
}

function logger(): { lines: string[]; log: (level: string, msg: string) => void; seen: (re: RegExp) => Promise<void> } {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  return {
    lines,
    log: (level, msg) => {
      const line = `${level} ${msg}`;
      lines.push(line);
      for (const w of waiters) if (w.re.test(line)) w.resolve();
    },
    seen: (re) =>
      new Promise((resolve) => {
        if (lines.some((l) => re.test(l))) resolve();
        else waiters.push({ re, resolve });
      }),
  };
}

const OBUF_LOG = /^warning Client id=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/;

describe('timeout: idle clients are closed on the virtual clock', () => {
  it('closes a client idle for more than timeout seconds, not blocked or subscribed ones', async () => {
    const sim = await startSim();
    sim.call('CONFIG', 'SET', 'timeout', '10');
    const idle = await RawClient.connect(sim.port);
    const active = await RawClient.connect(sim.port);
    const blocked = await RawClient.connect(sim.port);
    const sub = await RawClient.connect(sim.port);
    try {
      expect(await idle.call('PING')).toBe('+PONG\r\n');
      blocked.write(encodeCommand(['BLPOP', 'k', '0']));
      await sim.waitForBlocked(1, 'k');
      await sub.call('SUBSCRIBE', 'ch');
      sim.clock.advance(5000);
      expect(await active.call('PING')).toBe('+PONG\r\n');
      sim.clock.advance(5000);
      // 10 s idle: Redis closes only when now - lastinteraction > timeout (whole seconds).
      expect(await idle.call('PING')).toBe('+PONG\r\n');
      sim.clock.advance(11_000);
      await idle.readUntilClose();
      expect(idle.closed).toBe(true);
      // `active` last spoke 16 s ago: closed too; the blocked and the subscribed clients stay.
      await active.readUntilClose();
      expect(await sub.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      expect(sim.call('SIM', 'BLOCKED', 'COUNT')).toBe(1);
      sim.call('LPUSH', 'k', 'v');
      expect(await blocked.read()).toBe('*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
      // Once served it is an ordinary client again, idle from its last reply.
      sim.clock.advance(12_000);
      await blocked.readUntilClose();
      sim.call('CONFIG', 'SET', 'timeout', '0');
    } finally {
      for (const c of [idle, active, blocked, sub]) c.close();
    }
  });

  it('timeout 0 (the default) never closes anyone', async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      sim.clock.advance(10 * 365 * 86_400_000);
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
    }
  });
});

describe('client-output-buffer-limit', () => {
  it('drops a subscriber that never reads once its output passes the pubsub hard limit (32 MB)', async () => {
    const { lines, log } = logger();
    const sim = await startSim({ log });
    const s = await rawSocket(sim.port);
    s.write(encodeCommand(['SUBSCRIBE', 'ch']));
    await new Promise<void>((resolve) => s.once('data', () => resolve()));
    s.pause(); // never reads again
    const closed = closedPromise(s);
    const msg = 'x'.repeat(1 << 20);
    let delivered = 0;
    for (let i = 0; i < 64; i++) delivered += sim.call('PUBLISH', 'ch', msg) as number;
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(64);
    expect(sim.call('PUBSUB', 'NUMSUB', 'ch')).toEqual(['ch', 0]);
    expect(lines.some((l) => OBUF_LOG.test(l))).toBe(true);
    s.resume(); // a paused socket would not notice the close
    await closed;
  });

  it('the soft limit closes a client that stays above it for more than soft-seconds of the node clock', async () => {
    const sim = await startSim();
    sim.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 1mb 10');
    const s = await rawSocket(sim.port);
    s.write(encodeCommand(['SUBSCRIBE', 'ch']));
    await new Promise<void>((resolve) => s.once('data', () => resolve()));
    s.pause();
    const msg = 'x'.repeat(1 << 20);
    for (let i = 0; i < 24; i++) sim.call('PUBLISH', 'ch', msg);
    expect(sim.call('PUBSUB', 'NUMSUB', 'ch')).toEqual(['ch', 1]);
    sim.clock.advance(10_000);
    expect(sim.call('PUBLISH', 'ch', 'y')).toBe(1); // 10 s above the soft limit: not more than 10
    sim.clock.advance(1000);
    expect(sim.call('PUBLISH', 'ch', 'y')).toBe(1); // delivered, then found over the limit
    expect(sim.call('PUBSUB', 'NUMSUB', 'ch')).toEqual(['ch', 0]);
    const closed = closedPromise(s);
    s.resume();
    await closed;
  });

  it('normal clients have no limit by default; a configured one closes a client that does not read', async () => {
    const { seen, log } = logger();
    const sim = await startSim({ log });
    sim.call('SET', 'big', 'v'.repeat(1 << 20));
    const s = await rawSocket(sim.port);
    s.pause();
    const closed = closedPromise(s);
    sim.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 8mb 0 0');
    s.write(encodeCommand(['GET', 'big']).repeat(64));
    await seen(OBUF_LOG);
    s.resume();
    await closed;
    const c = await RawClient.connect(sim.port);
    try {
      expect(await c.call('CLIENT', 'LIST')).not.toMatch(/cmd=get/);
    } finally {
      c.close();
    }
  });
});

describe('client-query-buffer-limit and the cross-protocol guard log as Redis', () => {
  it('logs the client and the first 64 bytes of its query buffer when closing it', async () => {
    const { lines, log } = logger();
    const sim = await startSim({ log });
    sim.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb');
    const s = await rawSocket(sim.port);
    const closed = closedPromise(s);
    s.on('error', () => {});
    s.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${4 << 20}\r\n`);
    s.write(Buffer.alloc(2 << 20, 120));
    await closed;
    const line = lines.find((l) => l.includes('max query buffer'));
    expect(line).toMatch(
      /^warning Closing client that reached max query buffer length: id=\d+ addr=127\.0\.0\.1:\d+ .* \(qbuf initial bytes: "x{64}"\)$/,
    );
    expect(sim.call('EXISTS', 'k')).toBe(0);
  });

  it('logs "Possible SECURITY ATTACK" at most once a minute of the node clock', async () => {
    const { lines, log } = logger();
    const sim = await startSim({ log });
    const attack = async () => {
      const s = await rawSocket(sim.port);
      const closed = closedPromise(s);
      s.write('POST / HTTP/1.1\r\nHost: x\r\n\r\nSET k 1\r\n');
      await closed;
    };
    const count = () => lines.filter((l) => l.includes('Possible SECURITY ATTACK detected')).length;
    await attack();
    await attack();
    expect(count()).toBe(1);
    sim.clock.advance(61_000);
    await attack();
    expect(count()).toBe(2);
    expect(sim.call('EXISTS', 'k')).toBe(0);
  });
});

describe('protected mode and bind', () => {
  it('protected mode refuses only non-loopback peers, only without a password, only when enabled', async () => {
    const sim = await startSim();
    expect(sim.call('CONFIG', 'GET', 'protected-mode')).toEqual(['protected-mode', 'yes']);
    const c = await RawClient.connect(sim.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['127.0.0.2', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', undefined]) expect(isLoopback(a)).toBe(false);
    expect(protectedModeRefuses(sim.node, '10.0.0.1')).toBe(true);
    expect(protectedModeRefuses(sim.node, '127.0.0.1')).toBe(false);
    sim.call('CONFIG', 'SET', 'requirepass', 'pw');
    expect(protectedModeRefuses(sim.node, '10.0.0.1')).toBe(false);
    sim.call('CONFIG', 'SET', 'requirepass', '');
    sim.call('CONFIG', 'SET', 'protected-mode', 'no');
    expect(protectedModeRefuses(sim.node, '10.0.0.1')).toBe(false);
  });

  it("binds a Redis bind list: '* -::*' starts, and an optional address that does not exist is skipped", async () => {
    const all = await startSim({ host: '* -::*' });
    const c = await RawClient.connect(all.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
    // 192.0.2.1 (TEST-NET-1) is assigned to no interface here: optional, so skipped.
    const some = await startSim({ host: '127.0.0.1 -192.0.2.1' });
    const d = await RawClient.connect(some.port);
    expect(await d.call('PING')).toBe('+PONG\r\n');
    d.close();
    await expect(startSim({ host: '127.0.0.1 192.0.2.1' })).rejects.toThrow(/EADDRNOTAVAIL/);
  });
});
