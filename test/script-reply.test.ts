/**
 * What happens to a script's writes when its reply is huge or the script fails mid-way (issue 16,
 * "script reply rollback"). Redis never rolls a script back: writes made before an error stay
 * (and are propagated), and a reply of any size is sent whole (a normal client has no output
 * limit). Checked against redis-server 7.0.15 by hand: a script that SETs a key and returns 300
 * strings of 2 MB sends all 600 MB, and the key is set, on both servers. redis-sim's own Lua
 * memory limit (Redis has none) ends a script with "not enough memory" without undoing its writes.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeCommand, RawClient, startSim } from './helpers.js';

describe('script replies and failures never roll writes back', () => {
  it('a script that writes, then runs out of Lua memory: the error, and the write stays', async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    try {
      const r = await c.call('EVAL', "redis.call('set','w','1') return string.rep('ab', 268435456)", '0');
      expect(r).toMatch(/^-ERR Error running script [0-9a-f]{40}, not enough memory\r\n$/);
      expect(await c.call('GET', 'w')).toBe('$1\r\n1\r\n');
      // pcall catches it as a Lua error, as Redis's pcall would catch any Lua error.
      expect(await c.call('EVAL', "local ok, e = pcall(string.rep, 'ab', 268435456) return {tostring(ok), e}", '0')).toBe(
        '*2\r\n$5\r\nfalse\r\n$17\r\nnot enough memory\r\n',
      );
    } finally {
      c.close();
    }
  });

  it('a script that writes and returns a 150 MB table: every byte is sent, the write stays', { timeout: 60_000 }, async () => {
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    const s = net.connect(sim.port, '127.0.0.1');
    try {
      await new Promise((r) => s.once('connect', r));
      const item = 500_000;
      const expected = `*300\r\n`.length + 300 * (`$${item}\r\n`.length + item + 2);
      let got = 0;
      let head = '';
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${got} of ${expected} bytes`)), 50_000);
        s.on('data', (d: Buffer) => {
          if (head.length < 32) head += d.toString('latin1', 0, 32);
          got += d.length;
          if (got >= expected) {
            clearTimeout(t);
            resolve();
          }
        });
        s.write(
          encodeCommand([
            'EVAL',
            `redis.call('set','w2','1') local t = {} local v = string.rep('y', ${item}) for i=1,300 do t[i] = v end return t`,
            '0',
          ]),
        );
      });
      expect(got).toBe(expected);
      expect(head.startsWith('*300\r\n$500000\r\nyy')).toBe(true);
      expect(await c.call('GET', 'w2')).toBe('$1\r\n1\r\n');
    } finally {
      s.destroy();
      c.close();
    }
  });
});
