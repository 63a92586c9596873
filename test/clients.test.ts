/**
 * Real clients against redis-sim: node-redis speaking RESP3, and redis-parser (the parser ioredis
 * uses) decoding redis-sim's RESP2 output independently of our own reply parser.
 */
import { createRequire } from 'node:module';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { onCleanup, raw, startSim } from './helpers.js';

const require = createRequire(import.meta.url);
const RedisParser = require('redis-parser') as new (opts: {
  returnReply: (r: unknown) => void;
  returnError: (e: Error) => void;
  returnBuffers?: boolean;
}) => { execute(b: Buffer): void };

describe('node-redis (RESP3)', () => {
  it('connects with HELLO 3 and runs commands', async () => {
    const sim = await startSim();
    const client = createClient({ url: sim.url, RESP: 3 });
    client.on('error', () => {});
    await client.connect();
    onCleanup(() => client.destroy());
    expect(await client.ping()).toBe('PONG');
    expect(await client.set('k', 'v')).toBe('OK');
    expect(await client.get('k')).toBe('v');
    expect(await client.get('missing')).toBeNull();
    const hello = (await client.sendCommand(['HELLO', '3'])) as Record<string, unknown>;
    expect(hello.proto).toBe(3);
    expect(hello.version).toBe('7.0.15');
  });
});

describe('redis-parser decodes redis-sim RESP2 output', () => {
  it('parses a pipeline of mixed replies', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write('PING\r\nSET a 1\r\nGET a\r\nGET nope\r\nECHO "x\\r\\ny"\r\nNOSUCH\r\n');
    const bytes = await c.read(6);
    const replies: unknown[] = [];
    const parser = new RedisParser({
      returnReply: (r) => replies.push(r),
      returnError: (e) => replies.push(`error: ${e.message}`),
    });
    parser.execute(Buffer.from(bytes, 'latin1'));
    expect(replies).toEqual(['PONG', 'OK', '1', null, 'x\r\ny', "error: ERR unknown command 'NOSUCH', with args beginning with: "]);
  });
});
