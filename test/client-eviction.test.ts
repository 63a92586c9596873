/**
 * Client eviction (maxmemory-clients) beyond what compat/client-eviction.compat.test.ts compares
 * with a real redis-server: the log line, a client evicted for its MULTI queue, and CONFIG
 * RESETSTAT clearing evicted_clients.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { RawClient, startSim } from './helpers.js';

const HALF_SENT = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$300000\r\n${'x'.repeat(1000)}`;

describe('client eviction', () => {
  it('logs "Evicting client: <CLIENT LIST line>" at notice level and counts it', async () => {
    const lines: string[] = [];
    const sim = await startSim({ log: (level: string, msg: string) => lines.push(`${level} ${msg}`) });
    const admin = await RawClient.connect(sim.port);
    try {
      await admin.call('CLIENT', 'NO-EVICT', 'on');
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200000');
      const s = net.connect(sim.port, '127.0.0.1');
      s.on('error', () => {});
      const closed = new Promise((r) => s.on('close', r));
      await new Promise((r) => s.once('connect', r));
      s.write(HALF_SENT);
      await closed;
      expect(lines.filter((l) => l.includes('Evicting client'))).toEqual([
        expect.stringMatching(/^notice Evicting client: id=\d+ .* qbuf=1000 qbuf-free=299000 argv-mem=4 .* tot-mem=329\d{3} .*cmd=NULL/),
      ]);
      expect(await admin.call('INFO', 'stats')).toContain('evicted_clients:1\r\n');
      await admin.call('CONFIG', 'RESETSTAT');
      expect(await admin.call('INFO', 'stats')).toContain('evicted_clients:0\r\n');
    } finally {
      admin.close();
      await sim.stop();
    }
  });

  it('a client whose MULTI queue passes the limit is evicted; nothing it sends after runs', async () => {
    const sim = await startSim();
    const admin = await RawClient.connect(sim.port);
    const big = await RawClient.connect(sim.port);
    try {
      await admin.call('CLIENT', 'NO-EVICT', 'on');
      // A 200 KB queued argument: the client's own memory (multi-mem) passes the limit.
      await big.call('MULTI');
      await big.call('SET', 'a', 'v'.repeat(200_000));
      await admin.call('CONFIG', 'SET', 'maxmemory-clients', '150000');
      big.write('*3\r\n$3\r\nSET\r\n$4\r\nmark\r\n$1\r\n1\r\n');
      await expect(big.read()).rejects.toThrow(/closed/);
      expect(await admin.call('EXISTS', 'mark')).toBe(':0\r\n');
      expect(await admin.call('INFO', 'stats')).toContain('evicted_clients:1\r\n');
    } finally {
      admin.close();
      big.close();
      await sim.stop();
    }
  });
});
