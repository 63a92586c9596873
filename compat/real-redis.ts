/**
 * Finds the real redis-server the compat suite compares against: one given by REDIS_COMPAT_PORT,
 * or a fresh `redis-server` started on a free loopback port. In CI (CI=true) a missing server is
 * an error; on a developer machine the compat tests are skipped with one line saying so.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RealRedis {
  port: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let warned = false;

/**
 * Starts (or finds) a real Redis; undefined when there is none and we are not in CI. `extraArgs`
 * (e.g. ['--enable-debug-command', 'yes']) are passed to a server started here; with
 * REDIS_COMPAT_PORT they cannot be, so a caller that needs them gets undefined then.
 */
export async function startRealRedis(extraArgs: readonly string[] = []): Promise<RealRedis | undefined> {
  const given = process.env.REDIS_COMPAT_PORT;
  if (given) return extraArgs.length > 0 ? undefined : { port: Number(given), stop: async () => {} };
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    if (process.env.CI) throw new Error(`compat: no real redis-server found (${bin}); CI must install it`);
    if (!warned) {
      warned = true;
      process.stderr.write('compat: redis-server not found, skipping compat tests (apt-get install -y redis-server)\n');
    }
    return undefined;
  }
  const port = await freePort();
  // Its files (SAVE, BGSAVE, DEBUG RELOAD) go to a directory of its own, removed when it stops.
  const dir = mkdtempSync(join(tmpdir(), 'redis-compat-'));
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      '--dir',
      dir,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await waitForPort(port, 5000);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`real redis-server did not start on port ${port}`);
    // Waiting for a real process to come up is the one place a short sleep is needed.
    await new Promise((r) => setTimeout(r, 20));
  }
}
