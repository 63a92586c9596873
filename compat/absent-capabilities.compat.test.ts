/**
 * Commands of capabilities a redis-sim node does not have, answered as a Redis 7.0.15 without them
 * answers: CLUSTER / READONLY / READWRITE / ASKING without cluster support, MODULE without modules
 * (and with the default enable-module-command no), LOLWUT, RESTORE-ASKING, BGREWRITEAOF with
 * appendonly no.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { compatSuite, deepSortReply, haveRealRedis, runOn } from './harness.js';
import { type RealRedis, startRealRedis } from './real-redis.js';

compatSuite('absent capabilities', [
  {
    name: 'CLUSTER without cluster support',
    cmds: [
      ['CLUSTER'],
      ['CLUSTER', 'INFO'],
      ['CLUSTER', 'HELP'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'NODES'],
      ['CLUSTER', 'MYID'],
      ['CLUSTER', 'KEYSLOT', 'foo'],
      ['CLUSTER', 'KEYSLOT'],
      ['CLUSTER', 'INFO', 'extra'],
      ['CLUSTER', 'RESET', 'HARD'],
      ['CLUSTER', 'GETKEYSINSLOT', '1', '10'],
      ['cluster', 'nosuch'],
      ['READONLY'],
      ['READWRITE'],
      ['ASKING'],
      ['READONLY', 'x'],
      ['EVAL', "return redis.pcall('cluster', 'info')", '0'],
      ['EVAL', "return redis.pcall('cluster', 'reset')", '0'],
      ['EVAL', "return redis.pcall('readonly')", '0'],
      ['EVAL', "return redis.call('cluster', 'slots')", '0'],
    ],
  },
  {
    name: 'MODULE without modules',
    cmds: [
      ['MODULE', 'LIST'],
      ['MODULE', 'HELP'],
      ['MODULE'],
      ['MODULE', 'FOO'],
      ['MODULE', 'LIST', 'x'],
      ['MODULE', 'LOAD', '/nonexistent/module.so'],
      ['MODULE', 'LOAD', '/nonexistent/module.so', 'a', 'b'],
      ['MODULE', 'LOADEX', '/nonexistent/module.so', 'CONFIG', 'a', 'b', 'ARGS', 'x'],
      ['MODULE', 'UNLOAD', 'foo'],
      ['MODULE', 'UNLOAD'],
      ['EVAL', "return redis.pcall('module', 'list')", '0'],
    ],
  },
  {
    name: 'LOLWUT',
    cmds: [
      ['LOLWUT'],
      ['LOLWUT', 'VERSION', '7'],
      ['LOLWUT', 'VERSION'],
      ['LOLWUT', 'foo', 'bar'],
      ['LOLWUT', 'VERSION', 'x'],
      ['LOLWUT', 'VERSION', '4'],
      ['LOLWUT', 'VERSION', '-1'],
      ['LOLWUT', 'VERSION', '59'],
      ['LOLWUT', 'VERSION', '5', 'abc'],
      // Schotter: with at most two rows of squares nothing is random.
      ['LOLWUT', 'VERSION', '5', '10', '2', '2'],
      ['LOLWUT', 'VERSION', '5', '66', '8', '2'],
      ['LOLWUT', 'VERSION', '5', '1', '1', '1'],
      ['LOLWUT', 'VERSION', '5', '2', '3', '1'],
      ['LOLWUT', 'VERSION', '5', '5000', '300', '0'],
      ['LOLWUT', 'VERSION', '4294967301', '7', '5', '-3'],
      ['LOLWUT', 'VERSION', '4', '9', '1', '1'],
      ['EVAL', "return redis.call('lolwut')", '0'],
      // Skyscrapers: with one row (or one column) every tower has height 0: all white.
      ['LOLWUT', 'VERSION', '6', '1', '1'],
      ['LOLWUT', 'VERSION', '6', '-5', '-5'],
      ['LOLWUT', 'VERSION', '6', '30', '1'],
      ['LOLWUT', 'VERSION', '6', '5000', '0'],
      ['LOLWUT', 'VERSION', '4294967302', '3', '1'],
      ['LOLWUT', 'VERSION', '6', 'x'],
      ['LOLWUT', 'VERSION', '6', '10', 'y'],
    ],
  },
  {
    // Skyscrapers are random (C's rand()): compared as the grid of pixels, each pixel's color
    // replaced by a placeholder, and the text around it.
    name: 'LOLWUT VERSION 6 draws a grid of colored pixels',
    cmds: [
      ['LOLWUT', 'VERSION', '6'],
      ['LOLWUT', 'VERSION', '6', '40', '10'],
      ['LOLWUT', 'VERSION', '6', '3', '30'],
      ['LOLWUT', 'VERSION', '6', '1000', '2'],
    ],
    normalize: (raw) => raw.replace(/\x1b\[0;(30;40|90;100|37;47|97;107)m \x1b\[0m/g, 'p').replace(/^[$=]\d+/, ''),
  },
  {
    name: 'RESTORE-ASKING is RESTORE',
    cmds: [
      ['SET', 'k', 'v'],
      ['DUMP', 'k'],
      ['RESTORE-ASKING', 'k2', '0', '\x00\x01v\x0a\x00\x8f\x61\xd0\x8d\x80\x34\x6f\xb4'],
      ['RESTORE-ASKING', 'k', '0', 'bad'],
      ['RESTORE-ASKING', 'k'],
    ],
  },
  {
    name: 'COMMAND INFO of the new commands',
    cmds: [
      ['COMMAND', 'INFO', 'cluster', 'readonly', 'readwrite', 'asking', 'module', 'lolwut', 'bgrewriteaof', 'restore-asking'],
      ['COMMAND', 'DOCS', 'cluster', 'readonly', 'readwrite', 'asking', 'module', 'lolwut', 'bgrewriteaof', 'restore-asking'],
    ],
    normalize: (raw) => deepSortReply(raw),
  },
]);

/** BGREWRITEAOF writes an appendonlydir even with appendonly no (into the real server's own dir). */
describe.runIf(haveRealRedis)('compat: BGREWRITEAOF with appendonly no', () => {
  let real: RealRedis | undefined;
  let sim: RedisSim;
  beforeAll(async () => {
    real = await startRealRedis();
    sim = await RedisSim.start({ port: 0 });
  });
  afterAll(async () => {
    await real?.stop();
    await sim.stop();
  });

  const persistence = (raw: string) =>
    raw
      .split('\r\n')
      .filter((l) => /^(aof_rewrites|aof_last_rewrite_time_sec|aof_last_bgrewrite_status|aof_enabled):/.test(l))
      .join('\n');

  for (const resp of [2, 3] as const) {
    it(`replies "started" and INFO persistence counts the rewrite (RESP${resp})`, async () => {
      const cmds = [['INFO', 'persistence'], ['BGREWRITEAOF'], ['BGREWRITEAOF', 'x'], ['EVAL', "return redis.pcall('bgrewriteaof')", '0']];
      const r = await runOn((real as RealRedis).port, cmds, resp);
      const s = await runOn(sim.port, cmds, resp);
      expect(s.slice(1)).toEqual(r.slice(1));
      // Let the real server's forked rewrite finish before reading its counters.
      let after = '';
      for (let i = 0; i < 100; i++) {
        after = (await runOn((real as RealRedis).port, [['INFO', 'persistence']], resp))[0] as string;
        if (after.includes('aof_rewrite_in_progress:0')) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const simAfter = (await runOn(sim.port, [['INFO', 'persistence']], resp))[0] as string;
      // aof_last_rewrite_time_sec is the real rewrite's wall-clock duration (whole seconds: 0, or
      // 1 and more on a loaded machine); redis-sim's rewrite takes none. Compared: -1 (never) or a
      // duration.
      const delta = (before: string, now: string) =>
        `${persistence(before)}\n--\n${persistence(now)}`
          .replace(/aof_rewrites:(\d+)/g, (_m, n) => `aof_rewrites:+${Number(n) - Number(/aof_rewrites:(\d+)/.exec(before)?.[1])}`)
          .replace(/aof_last_rewrite_time_sec:(\d+)/g, 'aof_last_rewrite_time_sec:<duration>');
      expect(delta(s[0] as string, simAfter)).toEqual(delta(r[0] as string, after));
    });
  }
});
