/**
 * Strings near Redis's 512 MB limit (proto-max-bulk-len), over raw sockets (issue 16):
 * - SETRANGE on a large value writes in place (a growable byte buffer, as Redis's sds), so a run
 *   of SETRANGEs on a 256 MB value costs the bytes written, not a copy of the value each time;
 *   APPEND stays O(appended) whether the value is a rope or such a buffer.
 * - STRLEN and GETRANGE read such a value without turning it into one JS string; DUMP/RESTORE
 *   round-trips a 64 MB value built that way.
 * - Past proto-max-bulk-len: Redis's "string exceeds maximum allowed size (proto-max-bulk-len)".
 *   Between V8's longest string less a reply's framing (536870856 bytes) and 512 MB, where Redis
 *   would still grow the value, redis-sim refuses with its own error instead of crashing.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, startSim } from './helpers.js';

const MB = 1024 * 1024;
const PROTO_ERR = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
const SIM_ERR = '-ERR string exceeds the largest string redis-sim can hold (536870856 bytes)\r\n';

describe('strings near 512 MB', () => {
  it('SETRANGE/APPEND on a 256 MB value are in place; STRLEN and GETRANGE read it', { timeout: 60_000 }, async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      const size = 256 * MB;
      expect(await c.call('SETRANGE', 'big', String(size - 1), 'z')).toBe(`:${size}\r\n`);
      const chunk = 'abcdefgh'.repeat(128);
      // The first in-place write moves the value into a byte buffer, the first APPEND then gives
      // it room to grow (one O(n) copy each, as Redis's sds reallocation).
      await c.call('SETRANGE', 'big', '0', '\0');
      await c.call('APPEND', 'big', 'y');
      const t0 = performance.now();
      // 200 writes of 1 KB across the value: a copy of 256 MB each would move 50 GB.
      for (let i = 0; i < 200; i++) {
        expect(await c.call('SETRANGE', 'big', String(i * MB + i), chunk)).toBe(`:${size + 1}\r\n`);
      }
      for (let i = 0; i < 50; i++) await c.call('APPEND', 'big', chunk);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(5000);
      const len = size + 1 + 50 * chunk.length;
      expect(await c.call('STRLEN', 'big')).toBe(`:${len}\r\n`);
      expect(await c.call('GETRANGE', 'big', String(7 * MB + 5), String(7 * MB + 12))).toBe('$8\r\n\0\0abcdef\r\n');
      expect(await c.call('GETRANGE', 'big', String(size - 2), String(size + 3))).toBe('$6\r\n\0zyabc\r\n');
      expect(await c.call('GETRANGE', 'big', '-3', '-1')).toBe('$3\r\nfgh\r\n');
      // The next SETRANGE past 512 MB is Redis's error; the value is unchanged.
      expect(await c.call('SETRANGE', 'big', String(512 * MB), 'x')).toBe(PROTO_ERR);
      expect(await c.call('APPEND', 'big', 'x'.repeat(1000))).toBe(`:${len + 1000}\r\n`);
      expect(await c.call('DEL', 'big')).toBe(':1\r\n');
    } finally {
      c.close();
    }
  });

  it('DUMP and RESTORE a 64 MB value built by SETRANGE', { timeout: 60_000 }, async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      await c.call('SETRANGE', 'v', String(64 * MB - 4), 'tail');
      for (let i = 0; i < 64; i++) await c.call('SETRANGE', 'v', String(i * MB), `mark${i}`);
      const dump = await c.call('DUMP', 'v');
      const payload = dump.slice(dump.indexOf('\r\n') + 2, -2);
      expect(await c.call('RESTORE', 'copy', '0', payload)).toBe('+OK\r\n');
      expect(await c.call('STRLEN', 'copy')).toBe(`:${64 * MB}\r\n`);
      expect(await c.call('GETRANGE', 'copy', String(33 * MB), String(33 * MB + 5))).toBe('$6\r\nmark33\r\n');
      expect(await c.call('GETRANGE', 'copy', '-4', '-1')).toBe('$4\r\ntail\r\n');
    } finally {
      c.close();
    }
  });

  it("past 512 MB: Redis's error; between V8's limit and 512 MB: redis-sim's own error, no crash", { timeout: 60_000 }, async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      expect(await c.call('SETRANGE', 'k', String(512 * MB), 'x')).toBe(PROTO_ERR);
      expect(await c.call('SETRANGE', 'k', String(512 * MB - 1), 'x')).toBe(SIM_ERR);
      expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
      expect(await c.call('SETRANGE', 'k', String(536870856 - 1), 'x')).toBe(':536870856\r\n');
      expect(await c.call('APPEND', 'k', 'y')).toBe(SIM_ERR);
      expect(await c.call('SETRANGE', 'k', String(512 * MB - 1), 'x')).toBe(SIM_ERR);
      expect(await c.call('SETRANGE', 'k', '0', 'head')).toBe(':536870856\r\n');
      expect(await c.call('GETRANGE', 'k', '0', '3')).toBe('$4\r\nhead\r\n');
      expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('+OK\r\n');
      expect(await c.call('APPEND', 'k', 'y')).toBe(PROTO_ERR);
      expect(await c.call('DEL', 'k')).toBe(':1\r\n');
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
    }
  });
});
