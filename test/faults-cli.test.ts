/**
 * The CLI's node killed and restarted over the wire: alone in its process, a killed node cannot
 * be reached to restart it, so SIM NODE KILL ... RESTART <ms> [KEEP|LOSE] brings it back by itself
 * after that much real time, in the same process, on the same port (what a supervisor restarting a
 * crashed redis-server does). The process keeps running throughout.
 */
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, startCliProcess } from './cli-process.js';
import { connectError, onCleanup, RawClient } from './helpers.js';

beforeAll(ensureDist, 240_000);

describe('redis-sim CLI: SIM NODE KILL ... RESTART', () => {
  it('comes back by itself on the same port, with the data lost (LOSE) or kept (KEEP), the process alive', async () => {
    const cli = await startCliProcess(['--port', '0', '--clock', 'manual']);
    const redis = new Redis({ port: cli.port, retryStrategy: () => 20, maxRetriesPerRequest: null });
    redis.on('error', () => {});
    onCleanup(() => redis.disconnect());
    await redis.set('k', 'v');
    const ctl = await RawClient.connect(cli.port);
    onCleanup(() => ctl.close());
    // A long enough delay to see the port refused; the caller's own connection is reset (no reply).
    ctl.write('*6\r\n$3\r\nSIM\r\n$4\r\nNODE\r\n$4\r\nKILL\r\n$7\r\nRESTART\r\n$3\r\n500\r\n$4\r\nLOSE\r\n');
    expect(await ctl.readUntilClose()).toBe('');
    expect(await connectError(cli.port)).toBe('ECONNREFUSED');
    // ioredis reconnects once the node listens again: the data is gone.
    expect(await redis.get('k')).toBeNull();
    expect(cli.proc.exitCode).toBeNull();
    await redis.set('k', 'v2');
    const ctl2 = await RawClient.connect(cli.port);
    onCleanup(() => ctl2.close());
    ctl2.write('*5\r\n$3\r\nSIM\r\n$4\r\nNODE\r\n$4\r\nKILL\r\n$7\r\nRESTART\r\n$1\r\n0\r\n');
    await ctl2.readUntilClose();
    expect(await redis.get('k')).toBe('v2');
    const ctl3 = await RawClient.connect(cli.port);
    onCleanup(() => ctl3.close());
    expect(await ctl3.call('SIM', 'NODE', 'LIST')).toBe(`*1\r\n*4\r\n$4\r\nport\r\n:${cli.port}\r\n$5\r\nstate\r\n$2\r\nup\r\n`);
    expect(await ctl3.call('SIM', 'NODE', 'KILL', 'RESTART')).toBe('-ERR syntax error\r\n');
    expect(await ctl3.call('SIM', 'NODE', 'KILL', 'RESTART', '-1')).toBe('-ERR milliseconds must be a non-negative number\r\n');
    expect(await ctl3.call('SIM', 'NODE', 'KILL', 'RESTART', '10', 'MAYBE')).toBe('-ERR syntax error\r\n');
  }, 60_000);
});
