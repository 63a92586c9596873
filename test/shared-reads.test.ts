/**
 * Every connection reads into one shared buffer (src/server/shared-reads.ts): what a connection
 * has not run yet (an incomplete command, a big argument still arriving, the commands behind a
 * blocked one) must survive other connections' reads overwriting that buffer. Each case runs with
 * the shared buffer and with Node's 'data' events (the fallback), byte for byte the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sharedReads, sharedReadsAvailable } from '../src/server/shared-reads.js';
import { encodeCommand, type RawClient, raw, startSim, until } from './helpers.js';
import { rng } from './rng.js';

/** `n` bytes from a seeded generator, as a latin1 string (every byte value occurs). */
function randomBytes(n: number, seed: number): string {
  const next = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(next() * 256));
  return s;
}

/** The qbuf= of client `id` in CLIENT LIST, asked through `admin`. */
async function qbuf(admin: RawClient, id: string): Promise<number> {
  const line = await admin.call('CLIENT', 'LIST', 'ID', id);
  return Number(/ qbuf=(\d+)/.exec(line)?.[1]);
}

/**
 * Waits (a bounded number of round trips, never failing) until the server holds unparsed bytes of
 * client `id` or `c` got a reply: the piece just written was read. A piece that ends exactly after
 * a complete argument leaves neither, and the case still holds, only less sharply.
 */
async function pieceRead(admin: RawClient, id: string, c: RawClient): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await qbuf(admin, id)) > 0 || c.pending().length > 0) return;
}

/** Another connection's traffic: a 64 KB value written and read back, which fills the read buffer. */
async function churn(other: RawClient, seed: number): Promise<void> {
  const v = randomBytes(64 * 1024, seed);
  const [set, get] = await other.pipeline([
    ['SET', `churn${seed}`, v],
    ['GET', `churn${seed}`],
  ]);
  expect(set).toBe('+OK\r\n');
  expect(get).toBe(`$${v.length}\r\n${v}\r\n`);
}

describe.each([
  ['a shared read buffer', true],
  ["Node's 'data' events", false],
])('reads through %s', (_name, shared) => {
  afterEach(() => {
    sharedReads.enabled = true;
  });

  async function setup() {
    sharedReads.enabled = shared;
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    const admin = await raw(sim);
    const id = (await a.call('CLIENT', 'ID')).slice(1, -2);
    return { sim, a, b, admin, id };
  }

  it('keeps an incomplete command while other connections read', async () => {
    const { a, b, admin, id } = await setup();
    const value = randomBytes(300, 1);
    const req = encodeCommand(['SET', 'k', value]);
    const cut = req.length - 100;
    a.write(req.slice(0, cut));
    await until(async () => (await qbuf(admin, id)) > 0);
    await churn(b, 2);
    a.write(req.slice(cut));
    expect(await a.read()).toBe('+OK\r\n');
    expect(await a.call('GET', 'k')).toBe(`$${value.length}\r\n${value}\r\n`);
  });

  it('keeps a big argument arriving in pieces while other connections read', async () => {
    const { a, b, admin, id } = await setup();
    const value = randomBytes(200 * 1024, 3);
    const req = encodeCommand(['SET', 'big', value]);
    for (const [i, cut] of [50 * 1024, 120 * 1024].entries()) {
      a.write(req.slice(i === 0 ? 0 : 50 * 1024, cut));
      await until(async () => (await qbuf(admin, id)) > 0);
      await churn(b, 10 + i);
    }
    a.write(req.slice(120 * 1024));
    expect(await a.read()).toBe('+OK\r\n');
    expect(await a.call('GET', 'big')).toBe(`$${value.length}\r\n${value}\r\n`);
  });

  it('keeps the commands read behind a blocked command until it is served', async () => {
    const { sim, a, b } = await setup();
    const echoes = [randomBytes(1000, 4), randomBytes(5, 5), randomBytes(20_000, 6)];
    a.write(encodeCommand(['BLPOP', 'q', '0']) + echoes.map((e) => encodeCommand(['ECHO', e])).join(''));
    await sim.waitForBlocked(1, 'q');
    await churn(b, 7);
    expect(await b.call('LPUSH', 'q', 'v')).toBe(':1\r\n');
    expect(await a.read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
    for (const e of echoes) expect(await a.read()).toBe(`$${e.length}\r\n${e}\r\n`);
  });

  it('splits a pipeline at every byte boundary', async () => {
    const { a, b, admin, id } = await setup();
    const req = `${encodeCommand(['SET', 'x', 'ab\r\ncd'])}${encodeCommand(['GET', 'x'])}PING\r\n`;
    const want = '+OK\r\n$6\r\nab\r\ncd\r\n+PONG\r\n';
    for (let cut = 1; cut < req.length; cut += 3) {
      a.write(req.slice(0, cut));
      await pieceRead(admin, id, a);
      await b.call('SET', 'other', randomBytes(200, cut));
      a.write(req.slice(cut));
      expect(await a.read(3)).toBe(want);
    }
  });
});

describe('shared reads', () => {
  it('are in use on this Node (its internals have the onread fields)', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(sharedReadsAvailable()).toBe(true);
  });
});
