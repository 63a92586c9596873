/**
 * Replies of any size are sent whole, as Redis sends them (issues 16 and 18). A V8 string stops at
 * about 512 MiB: a reply, or the replies of one pipelined read, above that must be written in
 * pieces, never joined. Each test streams the received bytes through a hash (the test itself could
 * not hold them in one string either) and compares with the hash of the exact expected bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeCommand, RawClient, startSim } from './helpers.js';

/** Resolves with the hash of the first `total` bytes received, failing on a close before them. */
function receive(socket: net.Socket, total: number): Promise<{ hash: string; extra: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let got = 0;
    let extra = '';
    socket.on('data', (d: Buffer) => {
      const take = Math.min(d.length, total - got);
      if (take > 0) h.update(d.subarray(0, take));
      got += take;
      if (take < d.length) extra += d.subarray(take).toString('latin1');
      if (got === total && extra.length >= 7) resolve({ hash: h.digest('hex'), extra });
    });
    socket.on('close', () => reject(new Error(`closed after ${got} of ${total} bytes; then ${JSON.stringify(extra)}`)));
    socket.on('error', () => {});
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Feeds `times` copies of `piece` to a hash. */
function repeat(h: Hash, piece: Buffer, times: number): void {
  for (let i = 0; i < times; i++) h.update(piece);
}

describe('replies of any size', () => {
  it('512 pipelined GETs of a 1 MiB value (512 MiB of replies in one read) arrive whole, then PING', async () => {
    const sim = await startSim();
    const admin = await RawClient.connect(sim.port);
    const value = Buffer.alloc(1 << 20);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7 + 3) & 0xff;
    expect(await admin.call('SET', 'big', value)).toBe('+OK\r\n');
    admin.close();

    const s = await connect(sim.port);
    const n = 512;
    const one = Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    const got = receive(s, one.length * n);
    s.write(encodeCommand(['GET', 'big']).repeat(n) + encodeCommand(['PING']));
    const expected = createHash('sha256');
    repeat(expected, one, n);
    const r = await got;
    expect(r.hash).toBe(expected.digest('hex'));
    expect(r.extra).toBe('+PONG\r\n');
    s.destroy();
  }, 120_000);

  it('SRANDMEMBER s -548398 with a 971-byte member (a ~536 MB reply) is sent whole, then PING', async () => {
    const sim = await startSim();
    const admin = await RawClient.connect(sim.port);
    const member = 'm'.repeat(971);
    expect(await admin.call('SADD', 's', member)).toBe(':1\r\n');
    admin.close();

    const s = await connect(sim.port);
    const count = 548398;
    const header = Buffer.from(`*${count}\r\n`);
    const item = Buffer.from(`$971\r\n${member}\r\n`);
    const got = receive(s, header.length + item.length * count);
    s.write(encodeCommand(['SRANDMEMBER', 's', `-${count}`]) + encodeCommand(['PING']));
    const expected = createHash('sha256');
    expected.update(header);
    repeat(expected, item, count);
    const r = await got;
    expect(r.hash).toBe(expected.digest('hex'));
    expect(r.extra).toBe('+PONG\r\n');
    s.destroy();
  }, 120_000);

  it('CLIENT REPLY OFF drops a spilled reply exactly (marks count spilled bytes)', async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      const value = 'v'.repeat(3 << 20);
      await c.call('SET', 'big', value);
      // A 3 MiB reply spills before CLIENT REPLY SKIP drops the next one, and OFF drops the rest.
      c.write(
        encodeCommand(['GET', 'big']) +
          encodeCommand(['CLIENT', 'REPLY', 'SKIP']) +
          encodeCommand(['GET', 'big']) +
          encodeCommand(['STRLEN', 'big']),
      );
      const first = await c.read(1, 10_000);
      expect(first.length).toBe(`$${value.length}\r\n`.length + value.length + 2);
      expect(await c.read(1)).toBe(`:${value.length}\r\n`);
    } finally {
      c.close();
    }
  }, 60_000);
});
