/**
 * Protocol fuzzer (issue 16): random and mutated RESP and inline input, split at random points,
 * written over several connections at once, with and without a password. After each batch the
 * server must answer PING on a fresh connection and must have logged no internal error (an
 * exception that escaped a command or the parser). Any failure is shrunk by fast-check to a
 * small batch and printed with its seed.
 *
 * `npm test` runs it for a few seconds; FUZZ_PROTOCOL_MS=<ms> runs it longer
 * (`npm run fuzz:protocol` runs it for 10 minutes).
 */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedisSim } from '../src/index.js';
import { encodeCommand, RawClient, startSim } from './helpers.js';

const DURATION_MS = Number(process.env.FUZZ_PROTOCOL_MS ?? 3000);

/** Commands that are safe to fire at random (no SHUTDOWN, DEBUG, CONFIG, blocking forever...). */
const NAMES = [
  'PING',
  'ECHO',
  'SET',
  'GET',
  'DEL',
  'INCR',
  'APPEND',
  'LPUSH',
  'RPOP',
  'LRANGE',
  'HSET',
  'HGETALL',
  'SADD',
  'SMEMBERS',
  'ZADD',
  'ZRANGE',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'AUTH',
  'HELLO',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'PSUBSCRIBE',
  'PUBLISH',
  'CLIENT',
  'SELECT',
  'EXISTS',
  'TYPE',
  'XADD',
  'XRANGE',
  'BLPOP',
  'RESET',
  'QUIT',
  'post',
  'Host:',
  'GETRANGE',
  'STRLEN',
  'MGET',
  'OBJECT',
] as const;

const arg = fc.oneof(
  fc.constantFrom(
    'k',
    'k2',
    'ch',
    '0',
    '1',
    '-1',
    '0.1',
    'pw',
    'default',
    '3',
    '2',
    'SETNAME',
    'REPLY',
    'OFF',
    'ON',
    '*',
    'x'.repeat(20_000),
  ),
  fc.string({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a).toString('latin1')),
);

const command = fc.tuple(fc.constantFrom(...NAMES), fc.array(arg, { maxLength: 6 })).map(([n, a]) => [n, ...a]);

/** A well-formed multibulk request. */
const resp = command.map((c) => encodeCommand(c));

/** An inline request: arguments joined by spaces, sometimes quoted, sometimes broken. */
const inline = fc
  .tuple(command, fc.constantFrom('\r\n', '\n', '\r', ''), fc.boolean())
  .map(([c, eol, quote]) => `${c.map((a) => (quote ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ')}${eol}`);

/** Headers with odd lengths and counts. */
const header = fc
  .oneof(
    fc.constantFrom(
      '*',
      '$',
      '*-1',
      '*0',
      '$-1',
      '*1',
      '*3',
      '$0',
      '*2147483648',
      `$${2 ** 40}`,
      '*abc',
      '$+1',
      '*-0',
      '$ 1',
      '*1\r\n$3\r\nGET',
    ),
    fc.integer({ min: -3, max: 40 }).map((n) => `*${n}`),
    fc.integer({ min: -3, max: 70_000 }).map((n) => `$${n}`),
  )
  .map((h) => `${h}\r\n`);

const randomBytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('latin1'));

/** A request with one mutation: a byte flipped, cut short, or bytes inserted. */
const mutated = fc
  .tuple(fc.oneof(resp, inline), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert'))
  .map(([s, at, byte, how]) => {
    if (s.length === 0) return s;
    const i = at % s.length;
    if (how === 'flip') return s.slice(0, i) + String.fromCharCode(byte) + s.slice(i + 1);
    if (how === 'cut') return s.slice(0, i);
    return s.slice(0, i) + String.fromCharCode(byte) + s.slice(i);
  });

const piece = fc.oneof(
  { weight: 4, arbitrary: resp },
  { weight: 2, arbitrary: inline },
  { weight: 3, arbitrary: mutated },
  header,
  randomBytes,
);

/** One connection's input: pieces joined, then split at random points. */
const stream = fc
  .tuple(fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }))
  .map(([auth, pieces, cuts]) => {
    const input = (auth ? encodeCommand(['AUTH', 'pw']) : '') + pieces.join('');
    const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
    const chunks: string[] = [];
    let last = 0;
    for (const p of points) {
      chunks.push(input.slice(last, p));
      last = p;
    }
    chunks.push(input.slice(last));
    return chunks.filter((c) => c.length > 0);
  });

const batch = fc.array(stream, { minLength: 1, maxLength: 6 });

/** Writes each connection's chunks with a turn of the event loop between them, then hangs up. */
async function play(port: number, chunks: string[]): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  s.on('data', () => {});
  await new Promise<void>((resolve) => {
    s.once('connect', () => resolve());
    s.once('close', () => resolve());
  });
  for (const c of chunks) {
    if (s.destroyed) break;
    s.write(Buffer.from(c, 'latin1'));
    await new Promise((r) => setImmediate(r));
  }
  // Give the server a moment to read the last chunk, then hang up (sometimes abruptly).
  await new Promise((r) => setImmediate(r));
  if (chunks.length % 2 === 0) s.destroy();
  else s.end();
}

async function alive(sim: RedisSim): Promise<void> {
  const c = await RawClient.connect(sim.port);
  try {
    if (sim.node.config.get('requirepass') !== '') await c.call('AUTH', 'pw');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  } finally {
    c.close();
  }
}

describe('protocol fuzzer', () => {
  for (const password of [false, true]) {
    it(
      `random and mutated RESP/inline input over many connections ${password ? 'with' : 'without'} AUTH`,
      async () => {
        const errors: string[] = [];
        const sim = await startSim({
          requirepass: password ? 'pw' : undefined,
          log: (level, msg) => {
            if (level === 'warning' && /internal error|Error:|TypeError|RangeError/.test(msg)) errors.push(msg);
          },
        });
        sim.call('CONFIG', 'SET', 'client-query-buffer-limit', '4mb');
        await fc.assert(
          fc.asyncProperty(batch, async (conns) => {
            await Promise.all(conns.map((chunks) => play(sim.port, chunks)));
            await alive(sim);
            expect(errors).toEqual([]);
          }),
          {
            numRuns: Number.MAX_SAFE_INTEGER,
            interruptAfterTimeLimit: DURATION_MS / 2,
            markInterruptAsFailure: false,
          },
        );
        // The fuzzed clients are gone: none is left blocked or subscribed.
        await alive(sim);
      },
      DURATION_MS + 60_000,
    );
  }
});
