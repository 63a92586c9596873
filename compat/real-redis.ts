/**
 * Finds the real redis-server the compat suite compares against: one given by REDIS_COMPAT_PORT,
 * or a fresh `redis-server` started on a free loopback port. In CI (CI=true) a missing server is
 * an error; on a developer machine the compat tests are skipped with one line saying so.
 *
 * The process itself (spawn, wait for the port, kill/restart on the same port, SIGSTOP/SIGCONT) is
 * compat/redis-server-process.mjs, shared with the pattern tests and the benchmarks.
 */
import {
  freePort,
  haveRedisServer,
  type RedisServerProcess,
  redisServerBin,
  spawnRedisServer,
  waitForPort,
} from './redis-server-process.mjs';

export type { RedisServerProcess };
export { freePort, waitForPort };

export interface RealRedis {
  port: number;
  stop(): Promise<void>;
}

/** A server this process started: the whole process handle (dir, kill, restart, pause, resume). */
export type StartedRealRedis = RealRedis & RedisServerProcess;

export interface RealRedisOptions {
  /** Extra redis-server arguments (e.g. ['--enable-debug-command', 'yes']). */
  args?: readonly string[];
  /** Its working directory (dump.rdb loaded from there); default a temporary one removed by stop(). */
  dir?: string;
  /** A given port (default a free one). */
  port?: number;
}

let warned = false;

/** True when a redis-server can be started here (in CI a missing one throws). */
function canStart(): boolean {
  if (haveRedisServer()) return true;
  if (process.env.CI) throw new Error(`compat: no real redis-server found (${redisServerBin()}); CI must install it`);
  if (!warned) {
    warned = true;
    process.stderr.write('compat: redis-server not found, skipping compat tests (apt-get install -y redis-server)\n');
  }
  return false;
}

/**
 * Starts (or finds) a real Redis; undefined when there is none and we are not in CI.
 *
 * - startRealRedis(): the server REDIS_COMPAT_PORT names when set (it is never stopped here),
 *   else a fresh one.
 * - startRealRedis(extraArgs) / startRealRedis({ args, dir, port }): a server started here with
 *   those arguments, directory and port, also when REDIS_COMPAT_PORT is set (a given server
 *   cannot take them; undefined if no redis-server binary is here); the handle can kill it, restart it on the same port and directory, and
 *   freeze it (SIGSTOP / SIGCONT).
 */
export async function startRealRedis(): Promise<RealRedis | undefined>;
export async function startRealRedis(opts: readonly string[] | RealRedisOptions): Promise<StartedRealRedis | undefined>;
export async function startRealRedis(opts: readonly string[] | RealRedisOptions = []): Promise<RealRedis | undefined> {
  const o: RealRedisOptions = Array.isArray(opts) ? { args: opts as readonly string[] } : (opts as RealRedisOptions);
  const given = process.env.REDIS_COMPAT_PORT;
  const plain = (o.args?.length ?? 0) === 0 && o.dir === undefined && o.port === undefined;
  if (given && plain) return { port: Number(given), stop: async () => {} };
  // A given server and no binary here (a server in a container): those options cannot be had.
  if (given && !haveRedisServer()) return undefined;
  if (!canStart()) return undefined;
  return spawnRedisServer({ args: o.args ?? [], dir: o.dir, port: o.port });
}
