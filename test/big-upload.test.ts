/**
 * Uploading one large value costs O(n), as in Redis (issue 16: 16/32/64/128 MB took
 * 0.6/2.1/17.8/92 s because every chunk received copied everything pending). A big bulk argument
 * is collected in chunks and joined once.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestParser } from '../src/protocol/parser.js';
import { encodeCommand, startSim } from './helpers.js';

const limits = { maxBulkLen: 512 * 1024 * 1024, authenticated: true };

function sha(b: Buffer | string): string {
  return createHash('sha256')
    .update(typeof b === 'string' ? Buffer.from(b, 'latin1') : b)
    .digest('hex');
}

describe('large uploads', () => {
  it('a 64 MB SET through a raw socket completes quickly and GET returns it', async () => {
    const sim = await startSim();
    const size = 64 * 1024 * 1024;
    const value = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) value.fill((i >> 12) & 0xff, i, i + 4096);
    value[size - 1] = 0x0d; // a \r at the very end of the payload
    const s = await new Promise<net.Socket>((resolve) => {
      const x = net.connect(sim.port, '127.0.0.1', () => resolve(x));
    });
    const reply = new Promise<string>((resolve) => s.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    const t0 = performance.now();
    s.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${size}\r\n`);
    // In 1 MiB writes, as a client streaming a file would: the server sees many small reads.
    for (let off = 0; off < size; off += 1 << 20) s.write(value.subarray(off, off + (1 << 20)));
    s.write('\r\n');
    expect(await reply).toBe('+OK\r\n');
    const ms = performance.now() - t0;
    s.destroy();
    // Quadratic accumulation took 17.8 s here; linear is well under a second on an idle machine.
    expect(ms).toBeLessThan(8000);

    // Read the GET reply as Buffers (RawClient's string buffer is not made for 64 MB).
    const g = await new Promise<net.Socket>((resolve) => {
      const x = net.connect(sim.port, '127.0.0.1', () => resolve(x));
    });
    const header = `$${size}\r\n`;
    const total = header.length + size + 2 + ':1\r\n'.length;
    const got = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      let n = 0;
      g.on('data', (d: Buffer) => {
        parts.push(d);
        n += d.length;
        if (n >= total) resolve(Buffer.concat(parts, n));
      });
      g.write(encodeCommand(['GET', 'k']) + encodeCommand(['EXISTS', 'k']));
    });
    g.destroy();
    expect(got.length).toBe(total);
    expect(got.subarray(0, header.length).toString('latin1')).toBe(header);
    expect(sha(got.subarray(header.length, header.length + size))).toBe(sha(value));
    expect(got.subarray(header.length + size).toString('latin1')).toBe('\r\n:1\r\n');
  }, 60_000);

  it('a big argument split at every possible kind of boundary parses exactly', () => {
    const big = `${'x'.repeat(40_000)}\r\n${'y'.repeat(30_000)}`;
    const req = Buffer.from(encodeCommand(['SET', 'k', big]) + encodeCommand(['PING']), 'latin1');
    for (const step of [1, 7, 4096, 65_536, 69_999, req.length]) {
      const p = new RequestParser();
      const out: string[][] = [];
      for (let off = 0; off < req.length; off += step) {
        p.feed(req.subarray(off, off + step));
        for (let cmd = p.next(limits); cmd !== undefined; cmd = p.next(limits)) out.push(cmd);
      }
      expect(out.length, `step ${step}`).toBe(2);
      expect(out[0]?.[2] === big, `step ${step}`).toBe(true);
      expect(out[1]).toEqual(['PING']);
      expect(p.pendingBytes).toBe(0);
    }
  });
});
