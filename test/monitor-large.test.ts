/**
 * MONITOR with huge arguments: Redis writes the whole line, quoted by sdscatrepr, whatever its
 * size. redis-sim builds it in linear time and pieces (src/engine/monitor.ts) and writes it piece
 * by piece: a 96 MB SET watched by a monitor used to exhaust the heap (quadratic concatenation,
 * a rope node per byte). The quoting of every byte is compared with a real Redis.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRealRedis } from '../compat/real-redis.js';
import { encodeCommand, startSim } from './helpers.js';

/** A raw MONITOR connection that keeps only the line count, total bytes, and each line's head and tail. */
async function monitor(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const lines: { bytes: number; head: string; tail: string }[] = [];
  let cur = { bytes: 0, head: '', tail: '' };
  let waiting: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    let from = 0;
    for (;;) {
      const nl = d.indexOf(10, from);
      const end = nl < 0 ? d.length : nl + 1;
      const part = d.toString('latin1', from, end);
      cur.bytes += part.length;
      if (cur.head.length < 4096) cur.head += part.slice(0, 4096 - cur.head.length);
      cur.tail = (cur.tail + part).slice(-200);
      if (nl < 0) break;
      lines.push(cur);
      cur = { bytes: 0, head: '', tail: '' };
      from = end;
      waiting?.();
    }
  });
  socket.write(encodeCommand(['MONITOR']));
  const next = async (n: number) => {
    while (lines.length < n) await new Promise<void>((r) => (waiting = r));
    return lines[n - 1] as { bytes: number; head: string; tail: string };
  };
  expect((await next(1)).head).toBe('+OK\r\n');
  return { next, close: () => socket.destroy() };
}

describe('MONITOR with huge arguments', () => {
  it('a 96 MB SET reaches the monitor as one line of the right size, and the server serves on', async () => {
    const sim = await startSim();
    const m = await monitor(sim.port);
    const value = 'v'.repeat(96 * 1024 * 1024);
    sim.call('SET', 'big', value);
    const line = await m.next(2);
    // +<secs>.<micros> [0 <addr>] "SET" "big" "vvv..."\r\n
    expect(line.bytes - line.head.indexOf(' "SET"')).toBe(' "SET" "big" ""\r\n'.length + value.length);
    expect(line.tail.endsWith(`${'v'.repeat(100)}"\r\n`)).toBe(true);
    expect(String(sim.call('GET', 'big')).length).toBe(value.length);
    m.close();
  }, 120_000);

  it('a 16 MB binary argument: every byte escaped (4 bytes each), in linear time', async () => {
    const sim = await startSim();
    const m = await monitor(sim.port);
    const value = '\x01'.repeat(16 * 1024 * 1024);
    sim.call('SET', 'bin', value);
    const line = await m.next(2);
    expect(line.bytes - line.head.indexOf(' "SET"')).toBe(' "SET" "bin" ""\r\n'.length + 4 * value.length);
    expect(line.tail.endsWith('\\x01\\x01"\r\n')).toBe(true);
    m.close();
  }, 120_000);

  it('quotes every byte as Redis does (compared with a real Redis)', async (ctx) => {
    const real = await startRealRedis();
    if (!real) return ctx.skip();
    try {
      let all = '';
      for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
      const value = `${all}plain text run${all}${'\x00'.repeat(100)}"quoted"\\`;
      const sim = await startSim();
      const lines: string[] = [];
      for (const port of [real.port, sim.port]) {
        const m = await monitor(port);
        const c = net.connect(port, '127.0.0.1');
        c.write(encodeCommand(['SET', 'k', value]));
        const line = await m.next(2);
        expect(line.bytes).toBeLessThan(4096);
        lines.push(line.head.slice(line.head.indexOf('] ') + 2));
        c.destroy();
        m.close();
      }
      expect(lines[1]).toBe(lines[0]);
    } finally {
      await real.stop();
    }
  });
});
