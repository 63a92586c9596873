/**
 * A primary made a replica unblocks its blocked clients, against a real Redis 7.0: the same steps
 * on three real redis-servers and on three redis-sim servers (over TCP, system clock), and the raw
 * bytes each client gets compared. Redis's disconnectAllBlockedClients (called by
 * replicationSetMaster) answers every client blocked on keys (BLPOP, BRPOP, BLMOVE, BZPOPMIN,
 * XREAD, XREADGROUP) or in WAIT with -UNBLOCKED and closes its connection (a command pipelined
 * behind is never run); a command postponed by CLIENT PAUSE is left to run after the pause; a
 * replica pointed at another primary does it again, "Already connected" does not. Waiting for
 * clients to block is polling INFO briefly in real time, as a real Redis needs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis } from './harness.js';
import { type RealRedis, startRealRedis } from './real-redis.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** x: the primary that is made a replica; y and z: primaries it then follows. */
interface Trio {
  x: number;
  y: number;
  z: number;
}

async function realTrio(): Promise<Trio> {
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = (await startRealRedis()) as RealRedis;
    cleanups.push(() => r.stop());
    ports.push(r.port);
  }
  return { x: ports[0] as number, y: ports[1] as number, z: ports[2] as number };
}

async function simTrio(): Promise<Trio> {
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await RedisSim.start({ port: 0, clock: 'system' });
    cleanups.push(() => s.stop());
    ports.push(s.port);
  }
  return { x: ports[0] as number, y: ports[1] as number, z: ports[2] as number };
}

async function client(port: number, resp: 2 | 3 = 2): Promise<RawClient> {
  const c = await RawClient.connectResp(port, resp);
  cleanups.push(() => c.close());
  return c;
}

async function infoField(c: RawClient, section: string, field: string): Promise<string | undefined> {
  const text = await c.call('INFO', section);
  return new RegExp(`^${field}:(.*)\r$`, 'm').exec(text)?.[1];
}

/** Polls for up to 10 s of real time. */
async function eventually(cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const blockedIs = (admin: RawClient, n: number) => async () => (await infoField(admin, 'clients', 'blocked_clients')) === String(n);

async function scenario(t: Trio): Promise<unknown[]> {
  const out: unknown[] = [];
  const admin = await client(t.x);
  await admin.call('XGROUP', 'CREATE', 'grp-stream', 'g', '$', 'MKSTREAM');
  // One client per kind of block; BLPOP has a PING pipelined behind it, BZPOPMIN speaks RESP3.
  const waiters: [string, RawClient, string[][]][] = [
    ['BLPOP + PING', await client(t.x), [['BLPOP', 'list', '0'], ['PING']]],
    ['BRPOP (timeout)', await client(t.x), [['BRPOP', 'list', 'other', '30']]],
    ['BLMOVE', await client(t.x), [['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0']]],
    ['BZPOPMIN RESP3', await client(t.x, 3), [['BZPOPMIN', 'zset', '0']]],
    ['XREAD BLOCK', await client(t.x), [['XREAD', 'BLOCK', '0', 'STREAMS', 'stream', '$']]],
    ['XREADGROUP BLOCK', await client(t.x), [['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'grp-stream', '>']]],
    ['WAIT', await client(t.x), [['WAIT', '1', '0']]],
  ];
  for (const [, c, cmds] of waiters) c.write(cmds.map((a) => encode(a)).join(''));
  await eventually(blockedIs(admin, waiters.length));
  // A write postponed by CLIENT PAUSE WRITE is not a blocked operation: it is left alone.
  out.push(['CLIENT PAUSE', await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')]);
  const paused = await client(t.x);
  paused.write(encode(['SET', 'k', 'v']));
  await eventually(blockedIs(admin, waiters.length + 1));

  out.push(['REPLICAOF y', await admin.call('REPLICAOF', '127.0.0.1', String(t.y))]);
  for (const [name, c] of waiters) out.push([name, await c.readUntilClose()]);
  out.push(['blocked_clients after', await infoField(admin, 'clients', 'blocked_clients')]);
  out.push(['postponed SET still waits', paused.pending(), paused.closed]);
  out.push(['CLIENT UNPAUSE', await admin.call('CLIENT', 'UNPAUSE')]);
  out.push(['postponed SET on a replica', await paused.read()]);
  out.push(['errorstats', await admin.call('INFO', 'errorstats')]);

  // A replica's readers block too (XREAD is not a write); pointing it at another primary unblocks them.
  await eventually(async () => (await infoField(admin, 'replication', 'master_link_status')) === 'up');
  const reader = await client(t.x);
  reader.write(encode(['XREAD', 'BLOCK', '0', 'STREAMS', 'stream', '$']));
  await eventually(blockedIs(admin, 1));
  out.push(['REPLICAOF y again', await admin.call('REPLICAOF', '127.0.0.1', String(t.y))]);
  out.push(['blocked after "Already connected"', await infoField(admin, 'clients', 'blocked_clients'), reader.pending()]);
  out.push(['REPLICAOF z', await admin.call('REPLICAOF', '127.0.0.1', String(t.z))]);
  out.push(['replica XREAD', await reader.readUntilClose()]);
  return out;
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
}

describe.skipIf(!haveRealRedis)('a primary made a replica unblocks its blocked clients, as Redis 7.0', () => {
  it('same bytes to each blocked client, same closing, pauses left alone', async () => {
    const real = await scenario(await realTrio());
    const sim = await scenario(await simTrio());
    expect(sim).toEqual(real);
    // The comparison is only worth something if Redis did unblock: the message it is about.
    expect(real).toContainEqual([
      'BLPOP + PING',
      '-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n',
    ]);
  }, 60_000);
});
