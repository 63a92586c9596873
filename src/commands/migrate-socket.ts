/**
 * MIGRATE's connections to target instances (Redis 7.0 cluster.c migrateGetSocket and friends).
 *
 * - One cached connection per "host:port" (the arguments as given, so "localhost" and
 *   "127.0.0.1" are two entries), at most 64; a 65th evicts one at random.
 * - A new connection starts with no database selected (last_dbid -1): MIGRATE sends SELECT
 *   whenever the target database differs from the one the connection last succeeded with.
 * - serverCron closes a connection idle for more than 10 s (whole seconds of server time, checked
 *   every second): here a timer on the node's clock, so with a manual clock the cache empties
 *   when the test moves time by 11 s.
 * - Network I/O is real: the connect, write and read timeouts are real milliseconds.
 * - INFO's migrate_cached_sockets is the cache's size.
 */
import net from 'node:net';
import type { Timer } from '../engine/clock.js';
import type { RedisNode } from '../engine/node.js';

const CACHE_ITEMS = 64;
/** Closed once idle for more than 10 s, found by a once-a-second check: by 11 s at the latest. */
const IDLE_CLOSE_MS = 11_000;

/** Why a socket operation failed: a timeout (no retry, as ETIMEDOUT) or another error. */
export type IoFailure = 'timeout' | 'error';

export class MigrateSocket {
  lastDbid = -1;
  private buf: Buffer = Buffer.alloc(0);
  private dead = false;
  private waiter: (() => void) | undefined;
  idleTimer: Timer | undefined;

  constructor(private readonly sock: net.Socket) {
    // A refused connection arrives here already destroyed: its first write fails.
    this.dead = sock.destroyed;
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    const die = () => {
      this.dead = true;
      this.wake();
    };
    sock.on('error', die);
    sock.on('close', die);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** connSyncWrite of the whole buffer within `timeoutMs`. */
  write(data: Buffer, timeoutMs: number): Promise<IoFailure | undefined> {
    if (this.dead) return Promise.resolve('error');
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve('timeout'), timeoutMs);
      this.sock.write(data, (err) => {
        clearTimeout(t);
        resolve(err ? 'error' : undefined);
      });
    });
  }

  /**
   * connSyncReadLine: one reply line without its CR LF (Redis reads it into a 1024-byte buffer:
   * longer lines are cut to 1023 bytes, the rest read as the next line... which the replies of
   * RESTORE, AUTH and SELECT never need).
   */
  async readLine(timeoutMs: number): Promise<string | IoFailure> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        let line = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 1);
        if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
        return line.subarray(0, 1023).toString('latin1');
      }
      if (this.dead) return 'error';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      const timedOut = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          this.waiter = undefined;
          resolve(true);
        }, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve(false);
        };
      });
      if (timedOut) return 'timeout';
    }
  }

  close(): void {
    this.dead = true;
    this.sock.destroy();
  }
}

const caches = new WeakMap<RedisNode, Map<string, MigrateSocket>>();

function cacheOf(node: RedisNode): Map<string, MigrateSocket> {
  let m = caches.get(node);
  if (!m) {
    m = new Map();
    caches.set(node, m);
    node.shutdownHooks.add(() => closeAllSockets(node));
  }
  return m;
}

function touch(node: RedisNode, name: string, cs: MigrateSocket): void {
  node.clock.clearTimer(cs.idleTimer);
  cs.idleTimer = node.clock.setTimer(node.clock.now() + IDLE_CLOSE_MS, () => {
    cs.idleTimer = undefined;
    if (cacheOf(node).get(name) === cs) closeSocket(node, name);
  });
}

/** migrateGetSocket: the cached connection for host:port, or a new one (undefined: could not connect). */
export async function getSocket(node: RedisNode, host: string, port: string, timeoutMs: number): Promise<MigrateSocket | undefined> {
  const name = `${host}:${port}`;
  const cache = cacheOf(node);
  const cached = cache.get(name);
  if (cached) {
    touch(node, name, cached);
    return cached;
  }
  if (cache.size === CACHE_ITEMS) {
    const names = [...cache.keys()];
    closeSocket(node, names[Math.floor(Math.random() * names.length)] as string);
  }
  // atoi(port): leading digits, else 0 (a connect to port 0 is refused).
  const portNum = Number.parseInt(port, 10);
  const sock = await new Promise<net.Socket | undefined>((resolve) => {
    const s = net.connect({ host, port: portNum >= 0 && portNum < 65536 ? portNum : 0 });
    s.on('error', () => {});
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.off('error', fail);
      if (!ok) s.destroy();
      resolve(ok ? s : undefined);
    };
    // Redis's blocking connect: a name that does not resolve, or no answer within the timeout, is
    // a failure to connect; a refused or reset connection "connects" (the socket becomes
    // writable) and fails at the first write: "IOERR error or timeout writing to target instance".
    const fail = (e: NodeJS.ErrnoException) => done(e.syscall !== 'getaddrinfo' && e.syscall !== 'queryA');
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('error', fail);
    s.once('connect', () => {
      s.setNoDelay(true);
      done(true);
    });
  });
  if (!sock) return undefined;
  const cs = new MigrateSocket(sock);
  cache.set(name, cs);
  node.migrateCachedSockets = cache.size;
  touch(node, name, cs);
  return cs;
}

/** migrateCloseSocket: drops the cached connection for host:port (the next MIGRATE reconnects). */
export function closeSocket(node: RedisNode, name: string): void {
  const cache = cacheOf(node);
  const cs = cache.get(name);
  if (!cs) return;
  node.clock.clearTimer(cs.idleTimer);
  cs.close();
  cache.delete(name);
  node.migrateCachedSockets = cache.size;
}

/** Closes every cached connection (the node stops). */
export function closeAllSockets(node: RedisNode): void {
  for (const name of [...(caches.get(node)?.keys() ?? [])]) closeSocket(node, name);
}
