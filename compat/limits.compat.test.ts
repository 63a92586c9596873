/**
 * Connection limits and hostile input, byte-compared with a real redis-server over raw sockets
 * (issue 16): what each server sends before it closes the connection, and that it does close.
 * - A protocol error: the error reply, then the connection is closed (input after it is not run).
 * - Pre-auth limits (Redis 7.0, while a password is required): a multibulk of more than 10
 *   arguments or a bulk over 16384 bytes is a protocol error.
 * - POST / Host: lines (cross-protocol scripting): closed at once, nothing after them runs.
 * - maxclients: `-ERR max number of clients reached`, closed, counted in rejected_connections.
 * - client-query-buffer-limit: closed without a reply.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeCommand, RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

interface Outcome {
  data: string;
  closed: boolean;
}

/** Writes `input` on a fresh connection; returns what arrived until the server closed (or `waitMs` passed). */
function session(port: number, input: string | Buffer, waitMs = 1500): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      s.destroy();
      resolve({ data, closed });
    };
    const t = setTimeout(() => finish(false), waitMs);
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => s.write(typeof input === 'string' ? Buffer.from(input, 'latin1') : input));
  });
}

/**
 * Sends `input`, waits for the server's FIN, then keeps writing: a server that closed its socket
 * answers with a reset (the write fails); one that only half-closed keeps reading silently.
 */
function fullyClosedAfter(port: number, input: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(v);
    };
    s.on('connect', () => s.write(input));
    s.on('data', () => {});
    s.on('error', () => finish(true));
    s.on('end', () => {
      let n = 0;
      const poke = () => {
        if (done) return;
        if (n++ === 10) return finish(false);
        s.write('PING\r\n');
        setTimeout(poke, 50);
      };
      poke();
    });
  });
}

const call = RawClient.callOnce;

describe.runIf(haveRealRedis)('compat: connection limits', () => {
  const targets = useTargets();
  const both = async <T>(fn: (port: number) => Promise<T>): Promise<[T, T]> => {
    const t = targets();
    return [await fn(t.real.port), await fn(t.sim.port)];
  };

  it('a protocol error gets its reply and the connection closes; nothing after it runs', async () => {
    const inputs = [
      '*1\r\n$x\r\nSET pe 1\r\n',
      '*2\r\n$3\r\nGET\r\n+x\r\nSET pe 1\r\n',
      '*abc\r\n',
      'SET pe "1\r\nSET pe 2\r\n',
      `*1\r\n$${'9'.repeat(30)}\r\n`,
      'PING\r\n*1\r\n$-5\r\nSET pe 1\r\n',
    ];
    for (const input of inputs) {
      const [real, sim] = await both((p) => session(p, input));
      expect(sim, JSON.stringify(input)).toEqual(real);
      expect(real.closed).toBe(true);
    }
    const [r, s] = await both((p) => call(p, 'EXISTS', 'pe'));
    expect(s).toBe(r);
    // Closed, not half-closed: Redis stops reading and closes the socket.
    expect(await both((p) => fullyClosedAfter(p, '*1\r\n$x\r\n'))).toEqual([true, true]);
  });

  it('pre-auth limits: more than 10 arguments or a bulk over 16 KB closes an unauthenticated client', async () => {
    const t = targets();
    await both((p) => call(p, 'CONFIG', 'SET', 'requirepass', 'pw'));
    try {
      const inputs = [
        encodeCommand(Array.from({ length: 10 }, () => 'x')),
        encodeCommand(Array.from({ length: 11 }, () => 'x')),
        encodeCommand(['AUTH', 'x'.repeat(16384)]),
        encodeCommand(['AUTH', 'x'.repeat(16385)]),
        `*2\r\n$4\r\nAUTH\r\n$${1 << 20}\r\n`,
        'ECHO a b c d e f g h i j k l\r\n', // inline: no argument-count limit
      ];
      for (const input of inputs) {
        const [real, sim] = await both((p) => session(p, input, 800));
        expect(sim, input.slice(0, 40)).toEqual(real);
      }
    } finally {
      for (const port of [t.real.port, t.sim.port]) {
        const c = await RawClient.connect(port);
        await c.call('AUTH', 'pw');
        await c.call('CONFIG', 'SET', 'requirepass', '');
        c.close();
      }
    }
  });

  it('an HTTP POST with Host: lines is closed at once and its body never runs', async () => {
    const body = 'CONFIG SET maxmemory-samples 9\r\nSET xp 1\r\n';
    const http = `SET before 1\r\nPOST / HTTP/1.1\r\nHost: localhost:6379\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const [real, sim] = await both((p) => session(p, http));
    expect(sim).toEqual(real);
    expect(real.closed).toBe(true);
    const hostFirst = 'Host: example\r\nSET xp 1\r\n';
    const [real2, sim2] = await both((p) => session(p, hostFirst));
    expect(sim2).toEqual(real2);
    for (const q of [
      ['EXISTS', 'xp'],
      ['EXISTS', 'before'],
      ['CONFIG', 'GET', 'maxmemory-samples'],
    ]) {
      const [r, s] = await both((p) => call(p, ...q));
      expect(s, q.join(' ')).toBe(r);
    }
    await both((p) => call(p, 'DEL', 'before'));
  });

  it('maxclients: the connection beyond it gets the error, is closed and counted', async () => {
    const t = targets();
    const held: RawClient[] = [];
    try {
      const outcomes: Outcome[] = [];
      const rejected: number[] = [];
      for (const port of [t.real.port, t.sim.port]) {
        const admin = await RawClient.connect(port);
        held.push(admin);
        await admin.call('CONFIG', 'RESETSTAT');
        const clients = (await admin.call('INFO', 'clients')).match(/connected_clients:(\d+)/)?.[1];
        await admin.call('CONFIG', 'SET', 'maxclients', String(Number(clients) + 1));
        held.push(await RawClient.connect(port));
        outcomes.push(await session(port, 'PING\r\n'));
        const stats = await admin.call('INFO', 'stats');
        rejected.push(Number(stats.match(/rejected_connections:(\d+)/)?.[1]));
        await admin.call('CONFIG', 'SET', 'maxclients', '10000');
      }
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(outcomes[0]).toEqual({ data: '-ERR max number of clients reached\r\n', closed: true });
      expect(rejected).toEqual([1, 1]);
    } finally {
      for (const c of held) c.close();
    }
  });

  it('client-query-buffer-limit: a client whose unparsed input passes it is closed without a reply', async () => {
    await both((p) => call(p, 'CONFIG', 'SET', 'client-query-buffer-limit', '1mb'));
    try {
      const size = 3 << 20;
      const input = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$${size}\r\n`), Buffer.alloc(size - 100, 97)]);
      const [real, sim] = await both((p) => session(p, input, 3000));
      expect(sim).toEqual(real);
      expect(real).toEqual({ data: '', closed: true });
      // An inline request just under it is fine on both.
      const [r2, s2] = await both((p) => session(p, `ECHO ${'y'.repeat(60_000)}\r\n`, 300));
      expect(s2).toEqual(r2);
    } finally {
      await both((p) => call(p, 'CONFIG', 'SET', 'client-query-buffer-limit', '1gb'));
    }
  });
});
