// RDB benchmark (issue 12): save and load of 1M keys of mixed types (strings, int strings, small
// hashes, lists, intsets, small zsets, streams, with some TTLs) in redis-sim and in redis-server,
// each timed by the server itself doing the work: SAVE (write dump.rdb), DEBUG RELOAD NOSAVE
// (read it back, replacing the data) and DEBUG RELOAD (both). Run `npm run build` first (the sim
// runs as dist/cli.js in its own process). BENCH_RDB_KEYS changes the key count. Ratios are
// redis-server time / redis-sim time (target: redis-sim within 3x, i.e. ratio >= 0.33).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnRedisServer } from '../compat/redis-server-process.mjs';
import { haveRealRedis, printTable, startSimProcess } from './lib.mjs';

const KEYS = Number(process.env.BENCH_RDB_KEYS ?? 1_000_000);

/** One key's command: a mix of every type, in proportions like a cache with some queues. */
function command(i) {
  const k = `key:${i}`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return ['set', k, `value-${i}-xxxxxxxxxxxxxxxxxxxx`];
    case 3:
      return ['set', k, String(i), 'EX', '100000'];
    case 4:
      return ['hset', k, 'name', `user${i}`, 'age', String(i % 90), 'city', 'somewhere'];
    case 5:
      return ['rpush', k, 'a', 'b', String(i), 'dddddddddddddddddddddddddddddd'];
    case 6:
      return ['sadd', k, '1', '2', String(i)];
    case 7:
      return ['zadd', k, '1', 'one', '2.5', 'two', String(i), 'three'];
    case 8:
      return ['xadd', k, '*', 'event', 'click', 'n', String(i)];
    default:
      return ['set', k, 'lorem ipsum dolor sit amet '.repeat(4)];
  }
}

async function fill(port) {
  const r = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: false });
  const batch = 5000;
  for (let from = 0; from < KEYS; from += batch) {
    const p = r.pipeline();
    for (let i = from; i < Math.min(KEYS, from + batch); i++) p.call(...command(i));
    await p.exec();
  }
  return r;
}

/** The server's own CPU seconds (INFO cpu: used_cpu_user + used_cpu_sys). */
async function cpu(r) {
  const info = await r.info('cpu');
  const field = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/**
 * Wall time of a command, and the CPU time the server spent on it: on a machine shared with other
 * work the wall times of both servers stretch unevenly, their CPU times much less.
 */
async function timed(r, ...args) {
  const c = await cpu(r);
  const t = performance.now();
  await r.call(...args);
  const wall = (performance.now() - t) / 1000;
  return { wall, cpu: (await cpu(r)) - c };
}

async function measure(port, dir) {
  const r = await fill(port);
  try {
    const save = await timed(r, 'SAVE');
    const size = statSync(join(dir, 'dump.rdb')).size;
    const load = await timed(r, 'DEBUG', 'RELOAD', 'NOSAVE');
    const reload = await timed(r, 'DEBUG', 'RELOAD');
    const keys = await r.dbsize();
    return {
      save: save.wall,
      load: load.wall,
      reload: reload.wall,
      saveCpu: save.cpu,
      loadCpu: load.cpu,
      reloadCpu: reload.cpu,
      size,
      keys,
    };
  } finally {
    r.disconnect();
  }
}

export async function run() {
  const simDir = mkdtempSync(join(tmpdir(), 'bench-rdb-sim-'));
  const realDir = mkdtempSync(join(tmpdir(), 'bench-rdb-real-'));
  try {
    const sim = await startSimProcess(['--dir', simDir, '--enable-debug-command', 'yes']);
    const s = await measure(sim.port, simDir);
    await sim.stop();
    const none = Number.NaN;
    let r = { save: none, load: none, reload: none, saveCpu: none, loadCpu: none, reloadCpu: none, size: none, keys: none };
    if (haveRealRedis()) {
      const real = await spawnRedisServer({ dir: realDir, args: ['--enable-debug-command', 'yes'] });
      r = await measure(real.port, realDir);
      await real.stop();
    }
    const row = (name, a, b) => ({ name, sim: a, real: b, ratio: b / a });
    return [
      row(`SAVE, ${KEYS} keys (s)`, s.save, r.save),
      row('DEBUG RELOAD NOSAVE: load (s)', s.load, r.load),
      row('DEBUG RELOAD: save + load (s)', s.reload, r.reload),
      row('SAVE, server CPU (s)', s.saveCpu, r.saveCpu),
      row('DEBUG RELOAD NOSAVE, server CPU (s)', s.loadCpu, r.loadCpu),
      row('DEBUG RELOAD, server CPU (s)', s.reloadCpu, r.reloadCpu),
      { name: 'file size (MB)', sim: s.size / 1e6, real: r.size / 1e6, ratio: r.size / s.size },
      { name: 'keys after reload', sim: s.keys, real: r.keys, ratio: r.keys / s.keys },
    ];
  } finally {
    rmSync(simDir, { recursive: true, force: true });
    rmSync(realDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  printTable('RDB: redis-sim beside redis-server (times in seconds; ratio = redis-server / redis-sim)', rows, 's');
}
