/**
 * maxmemory, compared with a real redis-server where the outcome is deterministic on both: a limit
 * of 1 byte is below any server's memory, so under noeviction every denyoom command is refused and
 * under an eviction policy every evictable key goes (whichever order each server picks). Every case
 * ends by restoring maxmemory 0 and noeviction.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { type CompatCase, compatSuite, haveRealRedis, useTargets } from './harness.js';

const RESTORE = [
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
  ['CONFIG', 'SET', 'notify-keyspace-events', ''],
] as const;

/** Three keys, two with a deadline, then maxmemory 1 under `policy`. */
function evictAll(policy: string): CompatCase {
  return {
    name: `${policy} with maxmemory 1 evicts every evictable key, then refuses writes`,
    cmds: [
      ['SET', 'p', 'v'],
      ['SET', 't1', 'v', 'EX', '100'],
      ['RPUSH', 't2', 'a', 'b'],
      ['EXPIRE', 't2', '200'],
      ['CONFIG', 'SET', 'maxmemory-policy', policy],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['DBSIZE'],
      ['EXISTS', 'p'],
      ['SET', 'x', 'v'],
      ['GET', 'p'],
      ...RESTORE,
    ],
  };
}

compatSuite('eviction', [
  {
    name: 'noeviction: denyoom commands refused, reads and DEL run',
    cmds: [
      ['SET', 'a', '1'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'b', '2'],
      ['INCR', 'a'],
      ['LPUSH', 'l', 'x'],
      ['GET', 'a'],
      ['DEL', 'a'],
      ['EXISTS', 'a'],
      ...RESTORE,
      ['SET', 'b', '2'],
    ],
  },
  {
    name: 'noeviction inside MULTI: every queued command refused, EXEC aborts',
    cmds: [
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['MULTI'],
      ['GET', 'a'],
      ['SET', 'c', '1'],
      ['PING'],
      ['EXEC'],
      ['MULTI'],
      ['DISCARD'],
      ...RESTORE,
    ],
  },
  {
    name: 'the OOM check comes before the subscribed-context check',
    cmds: [['CONFIG', 'SET', 'maxmemory', '1'], ['SUBSCRIBE', 'ch'], ['SET', 'a', '1'], ['RESET'], ...RESTORE],
  },
  evictAll('allkeys-random'),
  evictAll('allkeys-lru'),
  evictAll('allkeys-lfu'),
  evictAll('volatile-lru'),
  evictAll('volatile-lfu'),
  evictAll('volatile-random'),
  evictAll('volatile-ttl'),
]);

/** The "evicted_keys:N" line of INFO stats. */
async function evictedKeys(c: RawClient): Promise<number> {
  const m = /evicted_keys:(\d+)/.exec(await c.call('INFO', 'stats'));
  return Number(m?.[1]);
}

describe.runIf(haveRealRedis)('compat: eviction with several connections', () => {
  const targets = useTargets();

  async function scenario(port: number, resp: 2 | 3): Promise<string[]> {
    const out: string[] = [];
    const open = () => RawClient.connectResp(port, resp);
    const [admin, a, sub] = [await open(), await open(), await open()];
    try {
      await admin.call('FLUSHALL');
      const before = await evictedKeys(admin);
      out.push(await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEe'));
      out.push(await sub.call('PSUBSCRIBE', '__key*@0__:*'));
      out.push(await a.call('SET', 'k', 'v'));
      out.push(await a.call('WATCH', 'k'));
      out.push(await a.call('MULTI'));
      out.push(await a.call('PING'));
      out.push(await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'));
      out.push(await admin.call('CONFIG', 'SET', 'maxmemory', '1')); // evicts k at once
      out.push(await admin.call('CONFIG', 'SET', 'maxmemory', '0'));
      out.push(await a.call('EXEC')); // WATCH saw the eviction
      out.push(await sub.read(2)); // keyspace then keyevent message
      out.push(`evicted ${(await evictedKeys(admin)) - before}`);
      out.push(await a.call('EXISTS', 'k'));
    } finally {
      for (const cmd of [
        ['CONFIG', 'SET', 'maxmemory', '0'],
        ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
        ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ]) {
        await admin.call(...cmd);
      }
      for (const c of [admin, a, sub]) c.close();
    }
    return out;
  }

  for (const resp of [2, 3] as const) {
    it(`WATCH + eviction: EXEC nil, "evicted" events, evicted_keys (RESP${resp})`, async () => {
      const t = targets();
      const [real, sim] = [await scenario(t.real.port, resp), await scenario(t.sim.port, resp)];
      expect(sim).toEqual(real);
      expect(real).toContain('evicted 1');
    });
  }
});
