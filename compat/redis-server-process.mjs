// A real redis-server process on a free loopback port, for the compat suite, the pattern tests and
// the benchmarks (plain JavaScript so that bench/*.mjs can import it; compat/real-redis.ts types it
// through redis-server-process.d.mts and adds the "given by REDIS_COMPAT_PORT" and skip logic).
//
// The server runs in a directory of its own (a fresh temporary one unless `dir` is given: then its
// dump.rdb is loaded at start, as redis-server does), with no save points, no AOF and warnings-only
// logging; `args` come last, so they override any of these. The handle can kill the process
// (SIGKILL: a crash), start it again on the same port and directory (restart), freeze and thaw it
// (SIGSTOP / SIGCONT: a GC pause, a stopped VM), and stop it for good (the temporary directory is
// removed, a given one kept).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary: REDIS_SERVER_BIN, or redis-server on the PATH. */
export function redisServerBin() {
  return process.env.REDIS_SERVER_BIN ?? 'redis-server';
}

/** True when the redis-server binary runs. */
export function haveRedisServer() {
  const r = spawnSync(redisServerBin(), ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/** A free loopback TCP port (free when asked: the caller binds it next). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export async function waitForPort(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
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

/** Sends SIGKILL to `child` and resolves once it has exited. */
function killChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts a redis-server. Options: `port` (default a free one), `dir` (default a fresh temporary
 * directory), `args` (extra arguments, last), `startTimeoutMs` (default 5000).
 */
export async function spawnRedisServer(opts = {}) {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'redis-compat-'));
  const args = [
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
    ...(opts.args ?? []),
  ];
  const timeout = opts.startTimeoutMs ?? 5000;
  const launch = async () => {
    const child = spawn(redisServerBin(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.resume();
    await waitForPort(port, timeout);
    return child;
  };
  let child = await launch();
  let stopped = false;
  return {
    port,
    dir,
    get pid() {
      return child.pid;
    },
    get child() {
      return child;
    },
    /** SIGKILL, as a crash: the port refuses until restart(). */
    kill: () => killChild(child),
    /** Kills it if running, then starts it again on the same port and directory (dump.rdb loaded if there). */
    restart: async () => {
      await killChild(child);
      child = await launch();
    },
    /** SIGSTOP: nothing is read or answered; connections stay open. */
    pause: () => {
      process.kill(child.pid, 'SIGSTOP');
    },
    /** SIGCONT: it carries on where it stopped. */
    resume: () => {
      process.kill(child.pid, 'SIGCONT');
    },
    /** Kills it (resumed first if paused) and removes its temporary directory. */
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGCONT');
      await killChild(child);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
