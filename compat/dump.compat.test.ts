/**
 * DUMP and RESTORE against a real Redis 7.0: each server restores its own DUMP output and the
 * replies after it are compared; errors with foreign or corrupted payloads are compared directly.
 * (Byte equality of the payloads and cross-server restores: rdb-dump.compat.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { compatSuite, haveRealRedis, useTargets } from './harness.js';

compatSuite('dump/restore errors', [
  {
    name: 'DUMP of a missing key, RESTORE errors in Redis order',
    cmds: [
      ['DUMP', 'nokey'],
      ['SET', 'k', 'v'],
      ['RESTORE', 'k', '0', 'garbage'],
      ['RESTORE', 'new', '0', 'garbage'],
      ['RESTORE', 'new', '0', ''],
      ['RESTORE', 'new', '-1', 'garbage'],
      ['RESTORE', 'new', 'x', 'garbage'],
      ['RESTORE', 'new', '0', 'garbage', 'FOO'],
      ['RESTORE', 'new', '0', 'garbage', 'IDLETIME', '-1'],
      ['RESTORE', 'new', '0', 'garbage', 'IDLETIME', 'x'],
      ['RESTORE', 'new', '0', 'garbage', 'FREQ', '256'],
      ['RESTORE', 'new', '0', 'garbage', 'FREQ', '-1'],
      ['RESTORE', 'new', '0', 'garbage', 'IDLETIME', '1', 'FREQ', '1'],
      ['RESTORE', 'new', '0', 'garbage', 'FREQ', '1', 'IDLETIME', '1'],
      ['RESTORE', 'new', '0', 'garbage', 'IDLETIME'],
      ['RESTORE', 'k', '-1', 'garbage'],
      ['RESTORE', 'k', '0', 'garbage', 'REPLACE'],
      ['RESTORE', 'k', '0', '0123456789abcdef', 'REPLACE', 'ABSTTL'],
      ['RESTORE', 'k'],
      ['DUMP'],
    ],
  },
]);

type Step = string[] | { restoreAs: string; from: string; extra?: string[] };

/** Runs steps on one server: `restoreAs` DUMPs `from` and RESTOREs the payload to a new key. */
async function run(port: number, steps: Step[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHALL');
    const out: string[] = [];
    for (const s of steps) {
      if (Array.isArray(s)) {
        out.push(await c.call(...s));
        continue;
      }
      const raw = await c.call('DUMP', s.from);
      const m = /^\$(\d+)\r\n/.exec(raw);
      if (!m) throw new Error(`DUMP failed: ${raw}`);
      const payload = raw.slice(m[0].length, m[0].length + Number(m[1]));
      out.push(await c.call('RESTORE', s.restoreAs, '0', payload, ...(s.extra ?? [])));
      // A corrupted copy of the same payload.
      const bad = payload.slice(0, -1) + String.fromCharCode((payload.charCodeAt(payload.length - 1) + 1) & 0xff);
      out.push(await c.call('RESTORE', 'corrupt', '0', bad));
    }
    return out;
  } finally {
    c.close();
  }
}

const bigHash = ['HSET', 'bh', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()];

describe.runIf(haveRealRedis)('compat: dump/restore round trips', () => {
  const targets = useTargets();
  it('every type restores to an equal value with its encoding', async () => {
    const steps: Step[] = [
      ['SET', 's', 'hello\r\n\x00\xff'],
      ['SET', 'n', '12345'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['HSET', 'h', 'z', '1', 'a', '2'],
      bigHash,
      ['SADD', 'is', '5', '1', '3'],
      ['SADD', 'ss', 'x', 'y'],
      ['ZADD', 'z', '1.5', 'a', '-inf', 'b', '3', 'c'],
      ['XADD', 'x', '1-1', 'f', 'v'],
      ['XADD', 'x', '2-1', 'f', 'w', 'g', 'u'],
      ['XGROUP', 'CREATE', 'x', 'grp', '0'],
      ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'x', '>'],
      { restoreAs: 's2', from: 's' },
      { restoreAs: 'n2', from: 'n' },
      { restoreAs: 'l2', from: 'l' },
      { restoreAs: 'h2', from: 'h' },
      { restoreAs: 'bh2', from: 'bh' },
      { restoreAs: 'is2', from: 'is' },
      { restoreAs: 'ss2', from: 'ss' },
      { restoreAs: 'z2', from: 'z' },
      { restoreAs: 'x2', from: 'x' },
      ['GET', 's2'],
      ['OBJECT', 'ENCODING', 'n2'],
      ['LRANGE', 'l2', '0', '-1'],
      ['HGETALL', 'h2'],
      ['OBJECT', 'ENCODING', 'h2'],
      ['HLEN', 'bh2'],
      ['OBJECT', 'ENCODING', 'bh2'],
      ['SMEMBERS', 'is2'],
      ['OBJECT', 'ENCODING', 'is2'],
      ['SCARD', 'ss2'],
      ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'z2'],
      ['XRANGE', 'x2', '-', '+'],
      ['XPENDING', 'x2', 'grp'],
      ['XLEN', 'x2'],
      ['TTL', 's2'],
      ['RESTORE', 's2', '0', 'x'],
      { restoreAs: 's2', from: 's', extra: ['REPLACE'] },
      { restoreAs: 'gone', from: 's', extra: ['ABSTTL'] },
      ['EXISTS', 'gone'],
    ];
    const t = targets();
    const [real, sim] = await Promise.all([run(t.real.port, steps), run(t.sim.port, steps)]);
    expect(sim).toEqual(real);
  });
  it('a TTL in the past restores nothing and deletes a replaced key', async () => {
    const steps: Step[] = [
      ['SET', 'k', 'v'],
      ['DUMP', 'nokey'],
    ];
    const t = targets();
    const go = async (port: number) => {
      const base = await run(port, steps);
      const c = await RawClient.connect(port);
      try {
        const raw = await c.call('DUMP', 'k');
        const m = /^\$(\d+)\r\n/.exec(raw) as RegExpExecArray;
        const payload = raw.slice(m[0].length, m[0].length + Number(m[1]));
        return [
          ...base,
          await c.call('RESTORE', 'k', '1', payload, 'REPLACE', 'ABSTTL'),
          await c.call('EXISTS', 'k'),
          await c.call('RESTORE', 'k2', '100000', payload, 'IDLETIME', '50'),
          await c.call('PTTL', 'k2').then((r) => (/^:(99\d{3}|100000)\r\n$/.test(r) ? ':ok\r\n' : r)),
          await c.call('OBJECT', 'IDLETIME', 'k2'),
          await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'),
          await c.call('RESTORE', 'k3', '0', payload, 'FREQ', '100'),
          await c.call('OBJECT', 'FREQ', 'k3'),
          await c.call('RESTORE', 'k4', '0', payload, 'FREQ', '0'),
          await c.call('RESTORE', 'k5', '0', payload, 'IDLETIME', '10'),
          await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'),
        ];
      } finally {
        c.close();
      }
    };
    const [real, sim] = await Promise.all([go(t.real.port), go(t.sim.port)]);
    expect(sim).toEqual(real);
  });
});
