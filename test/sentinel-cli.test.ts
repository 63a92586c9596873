/**
 * `redis-sim --sentinel` in its own process, configured by a sentinel.conf, watching redis-sim
 * nodes of this (other) process over TCP as redis-sentinel does: it finds the replica in the
 * primary's INFO, answers clients, and SENTINEL FAILOVER reconfigures the nodes with REPLICAOF.
 * The Sentinel process runs on real time (PING and INFO every second): the test waits for its
 * I/O, never for a duration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startCliProcess } from './cli-process.js';
import { onCleanup, startSim } from './helpers.js';

async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('redis-sim --sentinel', () => {
  it('reads sentinel.conf, discovers the replica over TCP and fails over with REPLICAOF', async () => {
    const a = await startSim({ clock: 'system' });
    const b = await startSim({ clock: 'system' });
    b.repl.replicaOfAddress('127.0.0.1', a.port);
    await until(() => b.repl.linkUp === true, 'replica link up');
    const dir = mkdtempSync(join(tmpdir(), 'redis-sim-sentinel-cli-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        'port 26379',
        `dir ${dir}`,
        `sentinel monitor mymaster 127.0.0.1 ${a.port} 1`,
        'sentinel down-after-milliseconds mymaster 60000',
        'sentinel failover-timeout mymaster 120000',
        '',
      ].join('\n'),
    );
    const cli = await startCliProcess([conf, '--sentinel']);
    onCleanup(() => {
      cli.proc.kill('SIGKILL');
    });
    expect(cli.out()).toContain('Running mode=sentinel');
    const s = new Redis({ port: cli.port, lazyConnect: true, retryStrategy: () => null });
    s.on('error', () => {});
    onCleanup(() => s.disconnect());
    expect(await s.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')).toEqual(['127.0.0.1', String(a.port)]);
    expect(await s.call('ROLE')).toEqual(['sentinel', ['mymaster']]);
    const master = (await s.call('SENTINEL', 'master', 'mymaster')) as string[];
    expect(master[master.indexOf('down-after-milliseconds') + 1]).toBe('60000');
    expect(master[master.indexOf('runid') + 1]).toBe(a.node.runId);
    // The replica, from the primary's INFO (slave0:ip=...,port=...).
    await until(async () => ((await s.call('SENTINEL', 'replicas', 'mymaster')) as unknown[]).length === 1, 'replica discovered');
    await until(async () => {
      const r = ((await s.call('SENTINEL', 'replicas', 'mymaster')) as string[][])[0] as string[];
      return r[r.indexOf('master-link-status') + 1] === 'ok' && r[r.indexOf('runid') + 1] === b.node.runId;
    }, 'replica INFO read');
    expect(await s.call('SENTINEL', 'FAILOVER', 'mymaster')).toBe('OK');
    await until(() => b.repl.role === 'master' && a.repl.role === 'slave', 'b promoted, a demoted');
    expect(await s.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')).toEqual(['127.0.0.1', String(b.port)]);
    await s.call('SHUTDOWN').catch(() => {});
    expect(await cli.exited).toBe(0);
  }, 30000);

  it('refuses a configuration without a master', async () => {
    await expect(startCliProcess(['--sentinel'])).rejects.toThrow(/no master to monitor/);
  });
});
