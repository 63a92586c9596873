/**
 * Set commands against a real Redis 7.0, raw bytes in RESP2 and RESP3. All-integer small sets are
 * intsets (numeric order), so their replies are compared in order; other sets are hash tables with
 * no order in Redis and are compared as multisets.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import type { Command } from './harness.js';
import { compatSuite, haveRealRedis, useTargets } from './harness.js';

function members(key: string, n: number, prefix = ''): Command {
  const out = ['SADD', key];
  for (let i = 0; i < n; i++) out.push(`${prefix}${i}`);
  return out;
}

compatSuite('sets', [
  {
    name: 'SADD SREM SCARD SISMEMBER SMISMEMBER on an intset',
    cmds: [
      ['SADD', 's', '3', '1', '2', '1'],
      ['SADD', 's', '-5', '10'],
      ['SMEMBERS', 's'],
      ['SCARD', 's'],
      ['SCARD', 'nokey'],
      ['SISMEMBER', 's', '1'],
      ['SISMEMBER', 's', '01'],
      ['SISMEMBER', 'nokey', '1'],
      ['SMISMEMBER', 's', '1', '7', '-5'],
      ['SMISMEMBER', 'nokey', '1', '2'],
      ['SREM', 's', '1', '1', '99'],
      ['SMEMBERS', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['SMEMBERS', 'nokey'],
    ],
  },
  {
    name: 'intset order with int64 extremes',
    cmds: [
      ['SADD', 's', '9223372036854775807', '-9223372036854775808', '0', '100', '-1', '9007199254740993', '9007199254740992'],
      ['SMEMBERS', 's'],
      ['SSCAN', 's', '0'],
      ['SRANDMEMBER', 's', '100'],
      ['OBJECT', 'ENCODING', 's'],
    ],
  },
  {
    name: 'conversion to hashtable',
    cmds: [
      ['SADD', 'a', '1', '2'],
      ['SADD', 'a', '01'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SMEMBERS', 'a'],
      ['SADD', 'b', '1'],
      ['SADD', 'b', '9223372036854775808'],
      ['OBJECT', 'ENCODING', 'b'],
      members('c', 512),
      ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'c', '512'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SREM', 'c', '512', '0'],
      ['OBJECT', 'ENCODING', 'c'],
    ],
    unordered: [3],
  },
  {
    name: 'string members (unordered)',
    cmds: [
      ['SADD', 's', 'a', 'b', 'c'],
      ['SMEMBERS', 's'],
      ['SUNION', 's'],
      ['SRANDMEMBER', 's', '5'],
    ],
    unordered: [1, 2, 3],
  },
  {
    name: 'SREM deletes the key when emptied',
    cmds: [
      ['SADD', 's', 'a', 'b'],
      ['SREM', 's', 'a', 'b', 'c'],
      ['EXISTS', 's'],
      ['SREM', 'nokey', 'a'],
    ],
  },
  {
    name: 'WRONGTYPE',
    cmds: [
      ['SET', 'str', 'x'],
      ['SADD', 'str', 'a'],
      ['SREM', 'str', 'a'],
      ['SCARD', 'str'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '2'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '0'],
      ['SSCAN', 'str', '0'],
      ['SADD', 's', '1'],
      ['SINTER', 's', 'str'],
      ['SINTER', 'nokey', 'str'],
      ['SINTER', 'str', 'nokey'],
      ['SUNION', 's', 'str'],
      ['SUNION', 'nokey', 'str'],
      ['SDIFF', 'nokey', 'str'],
      ['SINTERSTORE', 'd', 's', 'str'],
      ['SUNIONSTORE', 'str', 's'],
      ['GET', 'str'],
      ['SINTERCARD', '2', 's', 'str'],
    ],
  },
  {
    name: 'SMOVE',
    cmds: [
      ['SADD', 'src', '1', '2', 'a'],
      ['SADD', 'dst', '5'],
      ['SMOVE', 'src', 'dst', '1'],
      ['SMOVE', 'src', 'dst', '1'],
      ['SMOVE', 'src', 'src', 'a'],
      ['SMOVE', 'src', 'src', 'zz'],
      ['SMOVE', 'nokey', 'dst', 'a'],
      ['SMOVE', 'src', 'new', 'a'],
      ['SMEMBERS', 'dst'],
      ['SMEMBERS', 'new'],
      ['SMOVE', 'src', 'dst', '2'],
      ['EXISTS', 'src'],
      ['SET', 'str', 'x'],
      ['SMOVE', 'dst', 'str', '5'],
      ['SMOVE', 'str', 'dst', '5'],
      ['SMOVE', 'nokey', 'str', '5'],
      ['SMEMBERS', 'dst'],
    ],
  },
  {
    name: 'SPOP shapes',
    cmds: [
      ['SADD', 's', '3', '1', '2'],
      ['SPOP', 's', '0'],
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '3'],
      ['SPOP', 'nokey', '-1'],
      ['SPOP', 's', '-1'],
      ['SPOP', 's', 'x'],
      ['SPOP', 's', '1', '2'],
      ['SPOP', 's', '3'],
      ['EXISTS', 's'],
      ['SADD', 's', '7'],
      ['SPOP', 's'],
      ['EXISTS', 's'],
      ['SADD', 's', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      ['SPOP', 's', '100'],
    ],
  },
  {
    name: 'SRANDMEMBER shapes',
    cmds: [
      ['SADD', 's', '3', '1', '2'],
      ['SRANDMEMBER', 's', '3'],
      ['SRANDMEMBER', 's', '10'],
      ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '5'],
      ['SRANDMEMBER', 'nokey', '-5'],
      ['SRANDMEMBER', 's', 'x'],
      ['SRANDMEMBER', 's', '1', '2'],
      ['SRANDMEMBER', 's', '-9223372036854775808'],
      ['SADD', 'one', 'x'],
      ['SRANDMEMBER', 'one'],
      ['SRANDMEMBER', 'one', '-3'],
      ['SRANDMEMBER', 'one', '1'],
    ],
  },
  {
    name: 'SINTER SUNION SDIFF on intsets (ordered)',
    cmds: [
      ['SADD', 'a', '5', '1', '3', '7', '9'],
      ['SADD', 'b', '3', '9', '1', '4'],
      ['SADD', 'c', '9', '1', '100'],
      ['SINTER', 'a', 'b'],
      ['SINTER', 'a', 'b', 'c'],
      ['SINTER', 'a', 'nokey'],
      ['SINTER', 'a'],
      ['SINTER', 'a', 'a'],
      ['SUNION', 'a', 'b', 'c', 'nokey'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'a', 'b', 'c'],
      ['SDIFF', 'a', 'nokey'],
      ['SDIFF', 'nokey', 'a'],
      ['SDIFF', 'a', 'a'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SINTERCARD', '3', 'a', 'b', 'c'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '2', 'LIMIT', '10'],
    ],
  },
  {
    name: 'set algebra with strings (unordered)',
    cmds: [
      ['SADD', 'a', 'x', 'y', 'z', '1'],
      ['SADD', 'b', 'y', '1', 'q'],
      ['SINTER', 'a', 'b'],
      ['SUNION', 'a', 'b'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'b', 'a'],
    ],
    unordered: [2, 3, 4, 5],
  },
  {
    name: '*STORE',
    cmds: [
      ['SADD', 'a', '5', '1', '3'],
      ['SADD', 'b', '3', '1', '4'],
      ['SET', 'd', 'old'],
      ['EXPIRE', 'd', '1000'],
      ['SINTERSTORE', 'd', 'a', 'b'],
      ['TTL', 'd'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SUNIONSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'],
      ['SDIFFSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['SUNIONSTORE', 'd', 'nokey'],
      ['SDIFFSTORE', 'd', 'a', 'a'],
      ['SUNIONSTORE', 'a', 'a', 'b'],
      ['SMEMBERS', 'a'],
      ['SADD', 'x', 'str'],
      ['SUNIONSTORE', 'u', 'a', 'x'],
      ['OBJECT', 'ENCODING', 'u'],
    ],
  },
  {
    name: 'SINTERCARD errors',
    cmds: [
      ['SADD', 'a', '1'],
      ['SINTERCARD', '0', 'a'],
      ['SINTERCARD', '-1', 'a'],
      ['SINTERCARD', 'x', 'a'],
      ['SINTERCARD', '2', 'a'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
      ['SINTERCARD', '1', 'a', 'LIMIT', 'x'],
      ['SINTERCARD', '1', 'a', 'FOO'],
      ['SINTERCARD', '1', 'a', 'LIMIT'],
      ['SINTERCARD', '1'],
    ],
  },
  {
    name: 'SSCAN on an intset and errors',
    cmds: [
      ['SADD', 's', '30', '1', '20', '11'],
      ['SSCAN', 's', '0'],
      ['SSCAN', 's', '0', 'COUNT', '1'],
      ['SSCAN', 's', '999'],
      ['SSCAN', 's', '0', 'MATCH', '1*'],
      ['SSCAN', 's', 'x'],
      ['SSCAN', 's', '-1'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['SSCAN', 's', '0', 'MATCH'],
      ['SSCAN', 's', '0', 'TYPE', 'set'],
      ['SSCAN', 'nokey', '0', 'COUNT', '0'],
      ['SSCAN', 'nokey', '0'],
    ],
  },
  {
    name: 'large sets (unordered)',
    cmds: [
      members('big', 600, 'm'),
      members('big2', 300, 'm'),
      ['SCARD', 'big'],
      ['SINTER', 'big', 'big2'],
      ['SDIFF', 'big', 'big2'],
      ['SINTERCARD', '2', 'big', 'big2', 'LIMIT', '7'],
    ],
    unordered: [3, 4],
    resp: [2],
  },
]);

/** Iterates SSCAN/HSCAN to the end on one server; returns the sorted distinct items and the call count. */
async function fullScan(port: number, setup: string[][], scan: (cursor: string) => string[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHALL');
    for (const cmd of setup) await c.call(...cmd);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const reply = await c.call(...scan(cursor));
      const parts = reply.split('\r\n');
      cursor = parts[2] as string;
      // *2, $n, cursor, *m, then $len/item pairs.
      for (let i = 5; i < parts.length; i += 2) if (parts[i] !== undefined && parts[i] !== '') seen.add(parts[i] as string);
      calls++;
    } while (cursor !== '0' && calls < 10000);
    return [...seen].sort();
  } finally {
    c.close();
  }
}

describe.runIf(haveRealRedis)('compat: full SSCAN/HSCAN iterations', () => {
  const targets = useTargets();
  it('a large set and a large hash iterate to the same contents, with MATCH', async () => {
    const t = targets();
    const setup = [
      ['SADD', 's', ...Array.from({ length: 1500 }, (_, i) => `m${i}`)],
      ['HSET', 'h', ...Array.from({ length: 700 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ];
    for (const scan of [
      (cur: string) => ['SSCAN', 's', cur, 'COUNT', '37'],
      (cur: string) => ['SSCAN', 's', cur, 'MATCH', 'm1*'],
      (cur: string) => ['HSCAN', 'h', cur, 'COUNT', '50'],
      (cur: string) => ['HSCAN', 'h', cur, 'MATCH', '*9'],
    ]) {
      const [real, sim] = await Promise.all([fullScan(t.real.port, setup, scan), fullScan(t.sim.port, setup, scan)]);
      expect(sim.length).toBeGreaterThan(10);
      expect(sim).toEqual(real);
    }
  });
});
