import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

describe('protocol', () => {
  it('answers inline and multibulk commands, pipelined, in order', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na b\r\nECHO "x y"\n\r\n');
    expect(await c.read(3)).toBe('+PONG\r\n$3\r\na b\r\n$3\r\nx y\r\n');
  });

  it('answers thousands of pipelined commands in order', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    let req = '';
    let want = '';
    for (let i = 0; i < 5000; i++) {
      req += `*2\r\n$4\r\nECHO\r\n$${String(i).length}\r\n${i}\r\n`;
      want += `$${String(i).length}\r\n${i}\r\n`;
    }
    c.write(req);
    expect(await c.read(5000)).toBe(want);
  });

  it('is binary safe', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const key = Buffer.from([0, 1, 255, 13, 10, 0xc3]);
    const val = Buffer.from([0xff, 0xfe, 0, 10, 13]);
    await r.set(key, val);
    expect(Buffer.compare((await r.getBuffer(key)) as Buffer, val)).toBe(0);
  });

  it.each([
    ['*x\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*1\r\n$x\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\n+x\r\n', "-ERR Protocol error: expected '$', got '+'\r\n"],
    ['*1\r\n$536870913\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\n$-1\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['ECHO "unbalanced\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
  ])('rejects malformed request %j and closes the connection', async (bytes, reply) => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write(`PING\r\n${bytes}`);
    expect(await c.readUntilClose()).toBe(`+PONG\r\n${reply}`);
    // The server keeps serving other clients.
    const other = await raw(sim);
    expect(await other.call('PING')).toBe('+PONG\r\n');
  });

  it('rejects an over-long inline request', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('A'.repeat(70 * 1024));
    expect(await c.readUntilClose()).toBe('-ERR Protocol error: too big inline request\r\n');
  });

  it('replies unknown commands and wrong arity exactly as Redis', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('FOO', 'a', 'b')).toBe("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
    expect(await c.call('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await c.call('SIM', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try SIM HELP.\r\n");
  });

  it('speaks RESP3 after HELLO 3', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const hello = await c.call('HELLO', '3');
    expect(hello.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n')).toBe(true);
    expect(await c.call('GET', 'missing')).toBe('_\r\n');
  });

  it('survives abrupt disconnects mid-command', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc');
    c.close();
    const r = ioredis(sim);
    expect(await r.ping()).toBe('PONG');
  });
});
