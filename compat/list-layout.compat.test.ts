/**
 * Quicklist node layout against Redis 7.0: seeded random histories of LPUSH, RPUSH, LINSERT,
 * LREM, LSET, LTRIM, LPOP, RPOP and LMOVE, with small, integer, medium and large elements (large
 * ones become plain nodes under DEBUG QUICKLIST-PACKED-THRESHOLD), under several
 * list-max-listpack-size and list-compress-depth values. Every reply is compared, then the DUMP
 * of every list byte for byte (the DUMP holds each node, so equal bytes mean equal boundaries).
 * Then each real payload is RESTOREd into redis-sim and dumped again unchanged, and more random
 * operations on the restored copies (whose nodes are the loaded ones) still dump the same, as do
 * all lists after DEBUG RELOAD.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { rng } from '../test/rng.js';
import { haveRealRedis } from './harness.js';
import { type StartedRealRedis, startRealRedis } from './real-redis.js';

type Cmd = string[];

const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');

function payloadOf(raw: string): string {
  const m = /^\$(\d+)\r\n/.exec(raw);
  if (!m) throw new Error(`no payload: ${JSON.stringify(raw.slice(0, 80))}`);
  return raw.slice(m[0].length, m[0].length + Number(m[1]));
}

/** The element of a LINDEX reply (null for nil). */
function bulkOf(raw: string): string | null {
  return raw.startsWith('$-1') ? null : payloadOf(raw);
}

interface Setting {
  fill: number;
  depth: number;
  rdbcompression: 'yes' | 'no';
  /** DEBUG QUICKLIST-PACKED-THRESHOLD (0 = the 1 GiB default). */
  plainAt: number;
}

const SETTINGS: Setting[] = [
  { fill: -2, depth: 0, rdbcompression: 'yes', plainAt: 0 },
  { fill: -1, depth: 0, rdbcompression: 'no', plainAt: 0 },
  { fill: -1, depth: 1, rdbcompression: 'no', plainAt: 0 },
  { fill: 3, depth: 0, rdbcompression: 'no', plainAt: 0 },
  { fill: 5, depth: 2, rdbcompression: 'yes', plainAt: 0 },
  { fill: 4, depth: 1, rdbcompression: 'no', plainAt: 0 },
  { fill: 1, depth: 0, rdbcompression: 'no', plainAt: 0 },
  { fill: 128, depth: 0, rdbcompression: 'no', plainAt: 0 },
  { fill: -2, depth: 0, rdbcompression: 'no', plainAt: 1500 },
  { fill: 4, depth: 0, rdbcompression: 'no', plainAt: 200 },
  { fill: -1, depth: 1, rdbcompression: 'yes', plainAt: 1000 },
];

const KEYS = ['la', 'lb'];

/** A random element: short strings and integers repeat (LREM/LINSERT pivots), larger ones vary. */
function element(r: () => number): string {
  const x = r();
  if (x < 0.3) return `s${Math.floor(r() * 6)}`;
  if (x < 0.5) return String(Math.floor(r() * 40000) - 20000);
  if (x < 0.8) return `m${Math.floor(r() * 1000)}-${'abcdefgh'.repeat(5 + Math.floor(r() * 30))}`;
  if (x < 0.93) return `b${Math.floor(r() * 1000)}-${'0123456789'.repeat(100 + Math.floor(r() * 300))}`;
  return `x${'z'.repeat(10 + Math.floor(r() * 60))}`;
}

/** Both servers, one command: replies must be equal; returns the real reply. */
async function both(real: RawClient, sim: RawClient, cmd: Cmd): Promise<string> {
  const a = await real.call(...cmd);
  const b = await sim.call(...cmd);
  expect({ cmd: cmd.map((s) => (s.length > 40 ? `${s.slice(0, 40)}...(${s.length})` : s)), reply: b }).toEqual({
    cmd: cmd.map((s) => (s.length > 40 ? `${s.slice(0, 40)}...(${s.length})` : s)),
    reply: a,
  });
  return a;
}

/** One random operation on `keys`, pivots and indexes read from the real server. */
async function randomOp(real: RawClient, sim: RawClient, r: () => number, keys: string[]): Promise<void> {
  const key = keys[Math.floor(r() * keys.length)] as string;
  const other = keys[Math.floor(r() * keys.length)] as string;
  const len = Number((await real.call('LLEN', key)).slice(1, -2));
  const pick = async (): Promise<string> => {
    if (len === 0 || r() < 0.1) return element(r);
    return bulkOf(await real.call('LINDEX', key, String(Math.floor(r() * len)))) ?? element(r);
  };
  const x = r();
  if (x < 0.3 || len === 0) {
    const n = 1 + Math.floor(r() * 4);
    await both(real, sim, [r() < 0.5 ? 'LPUSH' : 'RPUSH', key, ...Array.from({ length: n }, () => element(r))]);
  } else if (x < 0.5) {
    await both(real, sim, ['LINSERT', key, r() < 0.5 ? 'BEFORE' : 'AFTER', await pick(), element(r)]);
  } else if (x < 0.58) {
    await both(real, sim, ['LREM', key, String(Math.floor(r() * 5) - 2), await pick()]);
  } else if (x < 0.7) {
    await both(real, sim, ['LSET', key, String(Math.floor(r() * len * 2) - len), element(r)]);
  } else if (x < 0.75) {
    const a = Math.floor(r() * 3);
    const b = Math.floor(r() * 3);
    await both(real, sim, ['LTRIM', key, String(a), String(-1 - b)]);
  } else if (x < 0.88) {
    const cmd = [r() < 0.5 ? 'LPOP' : 'RPOP', key];
    if (r() < 0.4) cmd.push(String(1 + Math.floor(r() * 3)));
    await both(real, sim, cmd);
  } else {
    const end = () => (r() < 0.5 ? 'LEFT' : 'RIGHT');
    await both(real, sim, ['LMOVE', key, other, end(), end()]);
  }
}

async function applySetting(c: RawClient, s: Setting): Promise<void> {
  await c.call('CONFIG', 'SET', 'list-max-listpack-size', String(s.fill));
  await c.call('CONFIG', 'SET', 'list-compress-depth', String(s.depth));
  await c.call('CONFIG', 'SET', 'rdbcompression', s.rdbcompression);
  expect(await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', String(s.plainAt))).toBe('+OK\r\n');
}

async function expectSameDumps(real: RawClient, sim: RawClient, keys: string[], label: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const k of keys) {
    const a = await real.call('DUMP', k);
    const b = await sim.call('DUMP', k);
    if (a.startsWith('$-1')) {
      expect(b).toBe(a);
      continue;
    }
    expect({ label, key: k, dump: hex(b.startsWith('$') ? payloadOf(b) : b) }).toEqual({ label, key: k, dump: hex(payloadOf(a)) });
    out.set(k, payloadOf(a));
    // DEBUG OBJECT's quicklist fields: node count, average, fill, compression, listpack bytes.
    const ql = async (c: RawClient) => {
      const info = await c.call('DEBUG', 'OBJECT', k);
      return `${/serializedlength:\d+/.exec(info)?.[0]} ${/ql_nodes:[^\r]*/.exec(info)?.[0]}`;
    };
    const qa = await ql(real);
    expect(qa).toMatch(/ql_nodes/);
    expect({ label, key: k, debug: await ql(sim) }).toEqual({ label, key: k, debug: qa });
  }
  return out;
}

describe.runIf(haveRealRedis)('compat: quicklist node layout equals Redis 7.0 (DUMP bytes)', () => {
  let realServer: StartedRealRedis | undefined;
  let sim: RedisSim | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    realServer = await startRealRedis(['--enable-debug-command', 'yes']);
    // DEBUG RELOAD writes dump.rdb: into a directory of its own.
    dir = mkdtempSync(join(tmpdir(), 'redis-sim-list-layout-'));
    sim = await RedisSim.start({ port: 0, clock: 'manual', config: { 'enable-debug-command': 'yes', dir } });
  });
  afterAll(async () => {
    await sim?.stop();
    await realServer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  SETTINGS.forEach((setting, si) => {
    it(`fill ${setting.fill}, depth ${setting.depth}, rdbcompression ${setting.rdbcompression}, plain at ${setting.plainAt || '1 GiB'}`, async () => {
      const rc = await RawClient.connect((realServer as StartedRealRedis).port);
      const sc = await RawClient.connect((sim as RedisSim).port);
      try {
        for (const c of [rc, sc]) {
          await c.call('FLUSHALL');
          await applySetting(c, setting);
        }
        for (let round = 0; round < 4; round++) {
          const r = rng(1000 * si + round + 1);
          for (let i = 0; i < 120; i++) await randomOp(rc, sc, r, KEYS);
          const dumps = await expectSameDumps(rc, sc, KEYS, `round ${round}`);
          // RESTORE of the real payloads keeps their nodes: DUMP again gives the same bytes, and
          // further operations on the restored copies still match.
          const restored: string[] = [];
          for (const [k, p] of dumps) {
            const copy = `r:${k}:${round}`;
            expect(await rc.call('RESTORE', copy, '0', p)).toBe('+OK\r\n');
            expect(await sc.call('RESTORE', copy, '0', p)).toBe('+OK\r\n');
            expect(hex(payloadOf(await sc.call('DUMP', copy)))).toBe(hex(p));
            restored.push(copy);
          }
          if (restored.length > 0) {
            for (let i = 0; i < 40; i++) await randomOp(rc, sc, r, restored);
            await expectSameDumps(rc, sc, restored, `restored, round ${round}`);
          }
        }
        // An RDB file saved and loaded back (DEBUG RELOAD) keeps the nodes too.
        const keys = [...KEYS, ...Array.from({ length: 4 }, (_, round) => KEYS.map((k) => `r:${k}:${round}`)).flat()];
        await expectSameDumps(rc, sc, keys, 'before reload');
        for (const c of [rc, sc]) expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
        await expectSameDumps(rc, sc, keys, 'after reload');
      } finally {
        for (const c of [rc, sc]) {
          await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0');
          c.close();
        }
      }
    }, 60_000);
  });
});
