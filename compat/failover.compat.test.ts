/**
 * FAILOVER against a real Redis 7.0: the same steps on a pair of real redis-servers and on a pair
 * of redis-sim servers replicating over TCP (system clock, so the replica acknowledges every
 * second as Redis's does), raw replies compared byte for byte, INFO replication's failover and
 * role fields compared at each step. Waiting for the real failover is real time (polled briefly).
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

interface Pair {
  primary: number;
  replica: number;
}

async function realPair(): Promise<Pair> {
  const p = (await startRealRedis()) as RealRedis;
  cleanups.push(() => p.stop());
  const r = (await startRealRedis(['--replicaof', '127.0.0.1', String(p.port)])) as RealRedis;
  cleanups.push(() => r.stop());
  return { primary: p.port, replica: r.port };
}

async function simPair(): Promise<Pair> {
  const p = await RedisSim.start({ port: 0, clock: 'system' });
  cleanups.push(() => p.stop());
  const r = await RedisSim.start({ port: 0, clock: 'system' });
  cleanups.push(() => r.stop());
  r.call('REPLICAOF', '127.0.0.1', String(p.port));
  return { primary: p.port, replica: r.port };
}

/** A redis-sim primary with a real replica (`mixed: 'sim-primary'`) or the other way round. */
async function mixedPair(kind: 'sim-primary' | 'real-primary'): Promise<Pair> {
  if (kind === 'sim-primary') {
    const p = await RedisSim.start({ port: 0, clock: 'system' });
    cleanups.push(() => p.stop());
    const r = (await startRealRedis(['--replicaof', '127.0.0.1', String(p.port)])) as RealRedis;
    cleanups.push(() => r.stop());
    return { primary: p.port, replica: r.port };
  }
  const p = (await startRealRedis()) as RealRedis;
  cleanups.push(() => p.stop());
  const r = await RedisSim.start({ port: 0, clock: 'system' });
  cleanups.push(() => r.stop());
  r.call('REPLICAOF', '127.0.0.1', String(p.port));
  return { primary: p.port, replica: r.port };
}

async function client(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  cleanups.push(() => c.close());
  return c;
}

async function info(c: RawClient): Promise<Record<string, string>> {
  const text = await c.call('INFO', 'replication');
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

/** Polls for up to 10 s of real time. */
async function eventually(cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fields = (i: Record<string, string>) => ({
  role: i.role,
  master_failover_state: i.master_failover_state,
  connected_slaves: i.connected_slaves,
  master_link_status: i.master_link_status,
});

/** The scenario, run on one pair; returns what a test compares. */
async function scenario(pair: Pair): Promise<unknown[]> {
  const out: unknown[] = [];
  const p = await client(pair.primary);
  const r = await client(pair.replica);
  await eventually(async () => (await info(r)).master_link_status === 'up' && (await info(p)).connected_slaves === '1');
  // Errors, in Redis's order of checks.
  for (const args of [
    ['FAILOVER', 'ABORT'],
    ['FAILOVER', 'TIMEOUT', '0'],
    ['FAILOVER', 'TIMEOUT', '-5'],
    ['FAILOVER', 'TIMEOUT', 'x'],
    ['FAILOVER', 'TIMEOUT'],
    ['FAILOVER', 'TIMEOUT', '10', 'TIMEOUT', '20'],
    ['FAILOVER', 'TO', '127.0.0.1'],
    ['FAILOVER', 'TO', '127.0.0.1', 'port'],
    ['FAILOVER', 'FORCE'],
    ['FAILOVER', 'FORCE', 'TIMEOUT', '10'],
    ['FAILOVER', 'TO', '127.0.0.1', '1'],
    ['FAILOVER', 'TO', 'localhost', String(pair.replica)],
    ['FAILOVER', 'ABORT', 'TIMEOUT', '10'],
    ['FAILOVER', 'bogus'],
  ]) {
    out.push([args.join(' ').replace(String(pair.replica), '<replica port>'), await p.call(...args)]);
  }
  out.push(['replica FAILOVER', await r.call('FAILOVER')]);
  out.push(['replica PSYNC FAILOVER', await r.call('PSYNC', 'abc', '1', 'FAILOVER')]);
  out.push(['primary PSYNC FAILOVER', await p.call('PSYNC', 'abc', '1', 'FAILOVER')]);
  // A write the replica has not acknowledged yet, then FAILOVER in the same pipeline: waiting.
  const piped = await p.pipeline([['SET', 'k', 'v'], ['FAILOVER'], ['INFO', 'replication']]);
  out.push(['SET, FAILOVER', piped[0], piped[1]]);
  out.push(['state after FAILOVER', /master_failover_state:(\S+)/.exec(piped[2] as string)?.[1]]);
  out.push(['second FAILOVER', await p.call('FAILOVER')]);
  out.push(['REPLICAOF during', await p.call('REPLICAOF', 'NO', 'ONE')]);
  await eventually(async () => (await info(p)).role === 'slave' && (await info(p)).master_failover_state === 'no-failover');
  await eventually(async () => (await info(p)).master_link_status === 'up' && (await info(r)).connected_slaves === '1');
  out.push(['old primary', fields(await info(p))]);
  out.push(['new primary', fields(await info(r))]);
  out.push(['old primary GET', await p.call('GET', 'k')]);
  out.push(['old primary SET', await p.call('SET', 'x', '1')]);
  // Back, with TO and a TIMEOUT: the new primary fails over to the old one.
  const to = ['FAILOVER', 'TO', '127.0.0.1', String(pair.primary), 'TIMEOUT', '5000'];
  out.push(['FAILOVER TO', await r.call(...to)]);
  await eventually(async () => (await info(r)).role === 'slave' && (await info(r)).master_failover_state === 'no-failover');
  await eventually(async () => (await info(p)).role === 'master' && (await info(p)).connected_slaves === '1');
  out.push(['after TO: old', fields(await info(p))]);
  out.push(['after TO: new', fields(await info(r))]);
  // ABORT while waiting: hold the replica back with a pipeline the replica cannot ack at once.
  out.push(['FAILOVER then ABORT', await p.pipeline([['SET', 'k', 'w'], ['FAILOVER'], ['FAILOVER', 'ABORT']])]);
  out.push(['after ABORT', (await info(p)).master_failover_state, (await info(p)).role]);
  return out;
}

describe.runIf(haveRealRedis)('compat: FAILOVER', () => {
  it('errors, states and roles match a real pair', async () => {
    const real = await scenario(await realPair());
    const sim = await scenario(await simPair());
    expect(sim).toEqual(real);
  }, 60_000);

  it('interop: a real replica takes over from a redis-sim primary, and the other way round', async () => {
    const real = await scenario(await realPair());
    expect(await scenario(await mixedPair('sim-primary'))).toEqual(real);
    expect(await scenario(await mixedPair('real-primary'))).toEqual(real);
  }, 90_000);
});
