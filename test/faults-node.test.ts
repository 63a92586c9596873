/**
 * Node faults: a paused node (a frozen process: nothing processed or written until it resumes),
 * a killed node (connections reset, the port refuses) restarted with its data kept or lost. The
 * control command is never held: a test talking only over the wire can always end a pause.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { connectError, ioredis, nodeRedis, onCleanup, RawClient, raw, startSim } from './helpers.js';

describe('SIM NODE PAUSE / RESUME', () => {
  it('holds commands and their replies; the control command runs, even behind a held command', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    expect(await a.call('SET', 'k', '1')).toBe('+OK\r\n');
    expect(await ctl.call('SIM', 'NODE', 'PAUSE')).toBe('+OK\r\n');
    const before = Number((await ctl.call('SIM', 'CLOCK', 'GET')).slice(1));
    a.write('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    // The same connection sends a control command behind its held GET: it runs at once (the
    // clock moves), its reply waits for the GET's.
    a.write('*4\r\n$3\r\nSIM\r\n$5\r\nCLOCK\r\n$7\r\nADVANCE\r\n$3\r\n100\r\n');
    expect(await ctl.call('SIM', 'NODE', 'LIST')).toContain('paused');
    // Round trips until the node has read a's bytes (no sleep): the clock has moved by 100.
    let t0 = before;
    for (let i = 0; i < 1000 && t0 === before; i++) t0 = Number((await ctl.call('SIM', 'CLOCK', 'GET')).slice(1));
    expect(t0).toBe(before + 100);
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '1000')).toBe(`:${t0 + 1000}\r\n`);
    expect(await ctl.call('SIM', 'CLOCK', 'GET')).toBe(`:${t0 + 1000}\r\n`);
    expect(a.pending()).toBe('');
    expect(await ctl.call('SIM', 'NODE', 'RESUME')).toBe('+OK\r\n');
    expect(await a.read(2)).toBe(`$1\r\n1\r\n:${t0}\r\n`);
    expect(await ctl.call('SIM', 'NODE', 'LIST')).not.toContain('paused');
  });

  it('a control connection alone ends the pause it set, with PAUSE <ms> on the virtual clock', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const other = await raw(sim);
    expect(await c.call('SIM', 'NODE', 'PAUSE', '500')).toBe('+OK\r\n');
    other.write('*1\r\n$4\r\nPING\r\n');
    expect(await c.call('SIM', 'CLOCK', 'ADVANCE', '499')).toMatch(/^:\d+\r\n$/);
    expect(other.pending()).toBe('');
    await c.call('SIM', 'CLOCK', 'ADVANCE', '1');
    expect(await other.read()).toBe('+PONG\r\n');
  });

  it('CLIENT PAUSE never holds the control command', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'PAUSE', '100000', 'ALL')).toBe('+OK\r\n');
    expect(await c.call('SIM', 'CLOCK', 'ADVANCE', '100000')).toMatch(/^:\d+\r\n$/);
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('a paused node makes ioredis and node-redis time out on their own', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { commandTimeout: 300 });
    if (io.status !== 'ready') await new Promise((r) => io.once('ready', r));
    expect(await io.ping()).toBe('PONG');
    // node-redis 5 cannot time out a command it has written; its socketTimeout closes an idle socket.
    const nr = nodeRedis(createClient({ socket: { port: sim.port, host: '127.0.0.1', reconnectStrategy: false, socketTimeout: 300 } }));
    await nr.connect();
    expect(await nr.ping()).toBe('PONG');
    sim.faults.pause();
    expect(sim.paused).toBe(true);
    await Promise.all([
      expect(io.get('k')).rejects.toThrow('Command timed out'),
      expect(nr.get('k')).rejects.toThrow("Socket timeout timeout. Expecting data, but didn't receive any in 300ms."),
    ]);
    sim.faults.resume();
    expect(await io.set('k', 'v')).toBe('OK');
  });
});

describe('kill and restart', () => {
  it('resets connections, refuses the port, and restarts with the data kept or lost', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    await c.call('SCRIPT', 'LOAD', 'return 1');
    await sim.kill();
    expect(sim.killed).toBe(true);
    await c.readUntilClose();
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    await sim.restart();
    const d = await raw(sim);
    expect(await d.call('GET', 'k')).toBe('$1\r\nv\r\n');
    // The script cache does not survive a restart.
    expect(await d.call('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db')).toBe('*1\r\n:0\r\n');
    await sim.kill();
    await sim.restart({ keepData: false });
    const e = await raw(sim);
    expect(await e.call('DBSIZE')).toBe(':0\r\n');
  });

  it('kill({ restartAfter }) comes back by itself after that much real time (data kept or lost); stop() cancels it', async () => {
    const sim = await startSim();
    sim.call('SET', 'k', 'v');
    await sim.kill({ restartAfter: 50, keepData: false });
    expect(sim.killed).toBe(true);
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    const io = ioredis(sim, { retryStrategy: () => 10, maxRetriesPerRequest: null });
    io.on('error', () => {});
    expect(await io.get('k')).toBeNull();
    expect(sim.killed).toBe(false);
    await expect(sim.kill({ restartAfter: -1 })).rejects.toThrow(RangeError);
    const other = await startSim();
    await other.kill({ restartAfter: 10 });
    await other.stop();
    expect(other.killed).toBe(true);
  });

  it('over the wire: one node kills and restarts another of the process (KEEP / LOSE)', async () => {
    const a = await startSim();
    const b = await startSim();
    const ctl = await raw(a);
    const cb = await raw(b);
    await cb.call('SET', 'k', 'v');
    expect(await ctl.call('SIM', 'NODE', 'KILL', String(b.port))).toBe('+OK\r\n');
    await cb.readUntilClose();
    expect(await connectError(b.port)).toBe('ECONNREFUSED');
    expect(await ctl.call('SIM', 'NODE', 'LIST')).toContain('killed');
    expect(await ctl.call('SIM', 'NODE', 'RESTART', String(b.port), 'KEEP')).toBe('+OK\r\n');
    const cb2 = await RawClient.connect(b.port);
    onCleanup(() => cb2.close());
    expect(await cb2.call('GET', 'k')).toBe('$1\r\nv\r\n');
    await ctl.call('SIM', 'NODE', 'KILL', String(b.port));
    await cb2.readUntilClose();
    expect(await ctl.call('SIM', 'NODE', 'RESTART', String(b.port), 'LOSE')).toBe('+OK\r\n');
    const cb3 = await RawClient.connect(b.port);
    onCleanup(() => cb3.close());
    expect(await cb3.call('GET', 'k')).toBe('$-1\r\n');
    expect(await ctl.call('SIM', 'NODE', 'RESTART', String(b.port))).toBe(`-ERR the node on port ${b.port} is not killed\r\n`);
    expect(await ctl.call('SIM', 'NODE', 'RESTART', '1')).toBe('-ERR no node of this process listens on port 1\r\n');
  });

  it('ioredis reconnects to a restarted node and sees its data (kept) or an empty node (lost)', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { maxRetriesPerRequest: null, retryStrategy: () => 5 });
    await io.set('k', 'v');
    const closed = new Promise((r) => io.once('close', r));
    await sim.kill();
    await closed;
    await sim.restart();
    await new Promise((r) => io.once('ready', r));
    expect(await io.get('k')).toBe('v');
    const closed2 = new Promise((r) => io.once('close', r));
    await sim.kill();
    await closed2;
    // A command sent while the node is down waits in ioredis's offline queue, then runs.
    const pending = io.get('k');
    await sim.restart({ keepData: false });
    expect(await pending).toBeNull();
  });

  it('node-redis reconnects to a restarted node', async () => {
    const sim = await startSim();
    const nr = nodeRedis(createClient({ socket: { port: sim.port, host: '127.0.0.1', reconnectStrategy: () => 5 } }));
    await nr.connect();
    await nr.set('k', 'v');
    const down = new Promise((r) => nr.once('error', r));
    await sim.kill();
    await down;
    await sim.restart();
    await new Promise((r) => nr.once('ready', r));
    expect(await nr.get('k')).toBe('v');
  });
});
