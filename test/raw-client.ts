/**
 * A raw RESP client for byte-exact tests: sends bytes, reads whole replies as the exact bytes the
 * server wrote (latin1), and sees when the server closes the connection.
 */
import net from 'node:net';
import { parseReply } from '../src/protocol/reply-parser.js';

/** Encodes a command as a RESP multibulk request. */
export function encodeCommand(args: readonly (string | Buffer)[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const str = Buffer.isBuffer(a) ? a.toString('latin1') : a;
    s += `$${Buffer.byteLength(str, 'latin1')}\r\n${str}\r\n`;
  }
  return s;
}

export class RawClient {
  private buf = '';
  private closedFlag = false;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }
  /** Connects and, for RESP3, switches the connection with HELLO 3 first. */
  static async connectResp(port: number, resp: 2 | 3): Promise<RawClient> {
    const c = await RawClient.connect(port);
    if (resp === 3) await c.call('HELLO', '3');
    return c;
  }

  /** One command on a fresh connection, closed after its reply (the raw reply text). */
  static async callOnce(port: number, ...args: string[]): Promise<string> {
    const c = await RawClient.connect(port);
    try {
      return await c.call(...args);
    } finally {
      c.close();
    }
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  private waitData(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for a reply; have ${JSON.stringify(this.buf)}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Writes raw bytes (a latin1 string or a Buffer). */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Reads exactly `n` complete replies and returns their raw bytes. */
  async read(n = 1, timeoutMs = 5000): Promise<string> {
    for (;;) {
      let pos = 0;
      let count = 0;
      while (count < n) {
        const r = parseReply(this.buf, pos);
        if (!r) break;
        pos = r[1];
        count++;
      }
      if (count === n) {
        const out = this.buf.slice(0, pos);
        this.buf = this.buf.slice(pos);
        return out;
      }
      if (this.closedFlag) throw new Error(`connection closed; have ${JSON.stringify(this.buf)}`);
      await this.waitData(timeoutMs);
    }
  }

  /** Sends one command and returns its raw reply. */
  async call(...args: (string | Buffer)[]): Promise<string> {
    this.write(encodeCommand(args));
    return this.read(1);
  }

  /** Sends several commands in one write (a pipeline) and returns each raw reply. */
  async pipeline(cmds: readonly (readonly (string | Buffer)[])[], timeoutMs = 5000): Promise<string[]> {
    this.write(cmds.map(encodeCommand).join(''));
    const out: string[] = [];
    for (let i = 0; i < cmds.length; i++) out.push(await this.read(1, timeoutMs));
    return out;
  }

  /** Waits for the server to close the connection and returns everything it sent meanwhile. */
  async readUntilClose(timeoutMs = 5000): Promise<string> {
    while (!this.closedFlag) await this.waitData(timeoutMs);
    const out = this.buf;
    this.buf = '';
    return out;
  }

  /** Whatever has arrived and not been read yet. */
  pending(): string {
    return this.buf;
  }

  close(): void {
    this.socket.destroy();
  }
}
