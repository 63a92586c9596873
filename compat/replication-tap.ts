/**
 * Attaching to a server's replication stream the way Redis's own tests do
 * (attach_to_replication_stream): a raw connection sends SYNC, skips the RDB payload and then
 * reads the commands the server propagates. Used to compare redis-sim's stream with a real
 * redis-server's for the same commands.
 *
 * Timing noise is removed on principle, not by pattern-guessing:
 * - the end of a scenario is found with a marker write (the stream is ordered, so every command
 *   propagated before the marker precedes it);
 * - PING (the replication cron's keepalive) and REPLCONF GETACK carry no data and depend on when
 *   the cron runs: they are dropped from both streams;
 * - millisecond timestamps near now (13-digit numbers within a day: PXAT / PEXPIREAT deadlines,
 *   XCLAIM TIME, stream IDs) are rewritten relative to the server's own TIME at the start of the
 *   scenario, in whole seconds, so `SET k v EX 100` compares as `PXAT T+100s` on both servers.
 */
import net from 'node:net';
import { parseReply } from '../src/protocol/reply-parser.js';
import { encodeCommand, RawClient } from '../test/raw-client.js';

export const MARKER_KEY = '__repl_tap_end__';

export class StreamTap {
  private buf = '';
  private acker: ReturnType<typeof setInterval> | undefined;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  /** Connects, sends SYNC and consumes the RDB payload ($<len>\r\n<bytes> or $EOF:<mark>...<mark>, after keepalive newlines). */
  static async attach(port: number): Promise<StreamTap> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const tap = new StreamTap(socket);
    // capa eof lets a real server stream the RDB without writing a file (diskless sync).
    // (Its +OK must be read first: SYNC is refused while a reply is pending.)
    socket.write(encodeCommand(['REPLCONF', 'capa', 'eof']));
    while (!tap.buf.startsWith('+OK\r\n')) await tap.more();
    tap.buf = tap.buf.slice(5);
    socket.write('SYNC\r\n');
    for (;;) {
      const rest = tap.buf.replace(/^\n+/, '');
      const eof = /^\$EOF:(.{40})\r\n/s.exec(rest);
      if (eof) {
        // Diskless: the payload ends with the same 40-byte mark.
        const end = rest.indexOf(eof[1] as string, eof[0].length);
        if (end >= 0) {
          tap.buf = rest.slice(end + 40);
          // After a diskless transfer the primary streams once it has a replica's ACK, and it
          // ignores one that arrives before it has seen the transfer end: like a replica, the tap
          // keeps acknowledging (every 100 ms of real time).
          socket.write(encodeCommand(['REPLCONF', 'ACK', '0']));
          tap.acker = setInterval(() => socket.write(encodeCommand(['REPLCONF', 'ACK', '0'])), 100);
          return tap;
        }
      }
      const m = /^\$(\d+)\r\n/.exec(rest);
      if (m) {
        const end = m[0].length + Number(m[1]);
        if (rest.length >= end) {
          tap.buf = rest.slice(end);
          return tap;
        }
      }
      await tap.more();
    }
  }

  private more(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`replication tap: timed out; have ${JSON.stringify(this.buf)}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Reads commands until the marker write, which is not returned. */
  async untilMarker(): Promise<string[][]> {
    const out: string[][] = [];
    for (;;) {
      const r = parseReply(this.buf);
      if (!r) {
        await this.more();
        continue;
      }
      this.buf = this.buf.slice(r[1]);
      const argv = r[0] as unknown as string[];
      if (argv.length === 3 && argv[1] === MARKER_KEY) return out;
      out.push(argv.map((a) => String(a)));
    }
  }

  close(): void {
    clearInterval(this.acker);
    this.socket.destroy();
  }
}

/** One step of a scenario: a command on client `on` (default 0), a pause, or a wait for blocked clients. */
export type Step = readonly string[] | { cmd: readonly string[]; on?: number; noReply?: boolean } | { sleep: number } | { blocked: number };

/** The server's current time in ms (TIME), the base for normalized timestamps. */
async function serverTime(c: RawClient): Promise<number> {
  const t = parseReply(await c.call('TIME'))?.[0] as unknown as string[];
  return Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000);
}

/** Rewrites 13-digit ms timestamps as T+<seconds> relative to `base`. */
export function normalizeTimes(argv: string[], base: number): string[] {
  return argv.map((a) =>
    a.replace(/\b\d{13}\b/g, (m) => {
      // Only times near now were computed from the clock; absolute ones given in the command stay.
      if (Math.abs(Number(m) - base) > 86400000) return m;
      // Floor: the real server's clock is at or a little after `base` when the command runs.
      const d = Math.floor((Number(m) - base) / 1000);
      return `T${d >= 0 ? '+' : ''}${d}s`;
    }),
  );
}

/**
 * Runs a scenario on the server at `port` with a replication tap attached, and returns the
 * propagated commands (normalized). `advance` moves the server's time for {sleep} steps: a real
 * server sleeps, redis-sim moves its virtual clock.
 */
export async function captureStream(port: number, steps: readonly Step[], advance: (ms: number) => Promise<void>): Promise<string[][]> {
  const clients: RawClient[] = [await RawClient.connect(port)];
  const client = async (i: number) => {
    while (clients.length <= i) clients.push(await RawClient.connect(port));
    return clients[i] as RawClient;
  };
  const main = clients[0] as RawClient;
  await main.call('FLUSHALL');
  await main.call('SCRIPT', 'FLUSH');
  const tap = await StreamTap.attach(port);
  try {
    // Until the primary has seen the transfer end (its RDB child reaped), a FLUSHALL would kill
    // that child and drop the tap: wait for the replica to be online.
    while (!/slave0:[^\r]*state=online/.test(await main.call('INFO', 'replication'))) await new Promise((r) => setTimeout(r, 5));
    const base = await serverTime(main);
    const pendingReplies: RawClient[] = [];
    for (const step of steps) {
      if (Array.isArray(step)) await main.call(...(step as string[]));
      else if ('sleep' in step) await advance(step.sleep);
      else if ('blocked' in step) {
        for (;;) {
          const info = await main.call('INFO', 'clients');
          const m = /blocked_clients:(\d+)/.exec(info);
          if (m && Number(m[1]) >= step.blocked) break;
          await new Promise((r) => setTimeout(r, 5));
        }
      } else if ('cmd' in step) {
        const c = await client(step.on ?? 0);
        if (step.noReply) {
          c.write(encodeCommand(step.cmd as string[]));
          pendingReplies.push(c);
        } else await c.call(...(step.cmd as string[]));
      }
    }
    for (const c of pendingReplies) await c.read(1);
    await main.call('SET', MARKER_KEY, '1');
    const cmds = await tap.untilMarker();
    return cmds
      .filter((a) => !(a.length === 1 && a[0]?.toLowerCase() === 'ping') && !(a[0]?.toLowerCase() === 'replconf'))
      .map((a) => normalizeTimes(a, base));
  } finally {
    tap.close();
    for (const c of clients) c.close();
  }
}
