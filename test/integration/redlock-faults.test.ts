/**
 * Redlock over five redis-sim nodes, with the faults its safety argument assumes away: a node
 * killed, a node restarted empty (a crash without persistence), a node whose clock jumps. Each
 * alone leaves a quorum of 3 holding the lock; together they let a second client acquire a lock
 * the first still holds, and the first client's extend then fails: the unsafety Kleppmann
 * described, reproduced deterministically with manual clocks.
 *
 * Clocks: one manual root; every node runs a derived clock, so one node's clock can jump alone.
 * redlock measures validity with the client's real Date.now(); TTLs are long (10 s) so that the
 * real time the test takes never matters.
 */
import { Redis } from 'ioredis';
// @ts-expect-error TS7016: redlock 5 beta's "exports" has no "types" condition (see redlock.test.ts)
import RedlockImpl, { ExecutionError as ExecutionErrorImpl } from 'redlock';
import { describe, expect, it } from 'vitest';
import type { ExecutionError as ExecutionErrorT, default as RedlockT } from '../../node_modules/redlock/dist/index.js';
import { Clock, RedisSim } from '../../src/index.js';
import { onCleanup } from '../helpers.js';

const Redlock = RedlockImpl as typeof RedlockT;
const ExecutionError = ExecutionErrorImpl as typeof ExecutionErrorT;

const TTL = 10_000;

async function fiveNodes() {
  const root = new Clock({ mode: 'manual', start: 1_700_000_000_000 });
  const sims: RedisSim[] = [];
  for (let i = 0; i < 5; i++) {
    const sim = await RedisSim.start({ port: 0, clock: root.derive() });
    onCleanup(() => sim.stop());
    sims.push(sim);
  }
  /** A client process: its own connections to the five nodes, reconnecting fast. */
  const process = () => {
    const clients = sims.map((s) => {
      const r = new Redis({ host: '127.0.0.1', port: s.port, maxRetriesPerRequest: 0, retryStrategy: () => 5, enableOfflineQueue: false });
      r.on('error', () => {});
      return r;
    });
    const redlock = new Redlock(clients, { retryCount: 0, driftFactor: 0.01 });
    redlock.on('error', () => {});
    onCleanup(async () => {
      for (const c of clients) c.disconnect();
    });
    return { clients, redlock };
  };
  return { root, sims, process };
}

/** Waits until the client has seen its connection reset (after a kill). */
async function down(r: Redis | undefined): Promise<void> {
  if (r && (r.status === 'ready' || r.status === 'connect')) await new Promise((res) => r.once('close', res));
}

/** Waits until the client is connected again (after a restart). */
async function ready(r: Redis): Promise<void> {
  if (r.status !== 'ready') await new Promise((res) => r.once('ready', res));
}

describe('redlock over five nodes under faults', () => {
  it('each fault alone keeps the lock safe; a kill, an empty restart and a clock jump together let a second client in', async () => {
    const { sims, process } = await fiveNodes();
    const a = process();
    const b = process();
    await Promise.all([...a.clients, ...b.clients].map(ready));

    // Node 0 is killed: the lock is still acquired on a quorum (4 of 5).
    await sims[0]?.kill();
    await Promise.all([down(a.clients[0]), down(b.clients[0])]);
    const lock = await a.redlock.acquire(['res'], TTL);
    const [votes] = await Promise.all(lock.attempts);
    expect(votes?.votesFor.size).toBe(4);
    expect(votes?.votesAgainst.size).toBe(1);
    // B is refused: four nodes hold A's value.
    await expect(b.redlock.acquire(['res'], TTL)).rejects.toBeInstanceOf(ExecutionError);

    // Node 1 crashes and restarts empty: A's lock is on nodes 2, 3, 4 only; B is still refused.
    await sims[1]?.kill();
    await Promise.all([down(a.clients[1]), down(b.clients[1])]);
    await sims[1]?.restart({ keepData: false });
    await Promise.all([a.clients[1], b.clients[1]].map((c) => ready(c as Redis)));
    expect(await b.clients[1]?.get('res')).toBeNull();
    await expect(b.redlock.acquire(['res'], TTL)).rejects.toBeInstanceOf(ExecutionError);

    // Node 2's clock jumps past the TTL: the key expires there alone.
    sims[2]?.clock.advance(TTL + 1); // past the deadline (at it exactly the key still exists)
    expect(await b.clients[2]?.get('res')).toBeNull();
    expect(await b.clients[3]?.get('res')).toBe(lock.value);

    // Node 0 comes back (empty, as it was killed before the lock): nodes 0, 1, 2 grant B the lock.
    await sims[0]?.restart({ keepData: false });
    await Promise.all([a.clients[0], b.clients[0]].map((c) => ready(c as Redis)));
    const stolen = await b.redlock.acquire(['res'], TTL);
    const [bVotes] = await Promise.all(stolen.attempts);
    expect(bVotes?.votesFor.size).toBe(3);
    expect(stolen.value).not.toBe(lock.value);
    // Both clients now believe they hold 'res' (A's expiration is still in the future for it).
    expect(lock.expiration).toBeGreaterThan(Date.now());
    expect(stolen.expiration).toBeGreaterThan(Date.now());
    // A finds out only when it tries to extend: it has no quorum any more.
    await expect(lock.extend(TTL)).rejects.toBeInstanceOf(ExecutionError);
  }, 30_000);

  it('a node paused past the holder timeout makes redlock count it as a failure, not a vote', async () => {
    const { sims, process } = await fiveNodes();
    const a = process();
    await Promise.all(a.clients.map(ready));
    for (const c of a.clients) c.options.commandTimeout = 300;
    sims[4]?.faults.pause();
    const lock = await a.redlock.acquire(['p'], TTL);
    const [votes] = await Promise.all(lock.attempts);
    expect(votes?.votesFor.size).toBe(4);
    // The paused node's answer is the client's own timeout.
    expect([...(votes?.votesAgainst.values() ?? [])].map((e) => e.message)).toEqual(['Command timed out']);
    sims[4]?.faults.resume();
  });
});
