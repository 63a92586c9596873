// Core benchmark (issue 2): GET, SET, INCR with 50 clients, unpipelined and 16-deep pipelines, against a
// redis-sim process and a real redis-server; start-up time of an in-process server (benchmark.js); and
// FLUSHALL of 100k keys.
import Benchmark from 'benchmark';
import { RedisSim } from '../dist/index.js';
import { compare, encode, haveRealRedis, load, printTable, startRealRedis, startSimProcess } from './lib.mjs';

const MS = Number(process.env.BENCH_MS ?? 2000);

function startupTime() {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite();
    suite
      .add('start+stop', {
        defer: true,
        fn: async (deferred) => {
          const sim = await RedisSim.start({ port: 0 });
          await sim.stop();
          deferred.resolve();
        },
      })
      .on('complete', function () {
        resolve(this[0].stats.mean * 1000);
      })
      .run({ async: true });
  });
}

async function flushAllTime(port) {
  const net = await import('node:net');
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const roundTrip = (payload, replies) =>
    new Promise((resolve) => {
      let got = 0;
      const onData = (d) => {
        got += d.toString('latin1').split('\r\n').length - 1;
        if (got >= replies) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
      s.write(payload);
    });
  for (let b = 0; b < 100; b++) {
    const args = ['MSET'];
    for (let i = 0; i < 1000; i++) args.push(`key:${b}:${i}`, 'value');
    await roundTrip(encode(args), 1);
  }
  const t0 = process.hrtime.bigint();
  await roundTrip(encode(['FLUSHALL']), 1);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  s.destroy();
  return ms;
}

export async function run() {
  const real = haveRealRedis() ? await startRealRedis() : undefined;
  const sim = await startSimProcess();
  const servers = { real, sim };
  const rows = [];
  try {
    const cmds = {
      SET: (i) => encode(['SET', `key:${i % 10000}`, 'xxxxxxxxxx']),
      GET: (i) => encode(['GET', `key:${i % 10000}`]),
      INCR: (i) => encode(['INCR', `counter:${i % 100}`]),
    };
    for (const pipeline of [1, 16]) {
      for (const [name, makeCommand] of Object.entries(cmds)) {
        rows.push(
          await compare(`${name} 50 clients, pipeline ${pipeline}`, servers, (port) =>
            load({ port, clients: 50, pipeline, ms: MS, makeCommand }),
          ),
        );
      }
    }
    const flush = await compare('FLUSHALL of 100k keys (ms)', servers, flushAllTime);
    // For a time, lower is better: report the ratio as real/sim so > 1 still means "faster than Redis".
    flush.ratio = flush.real / flush.sim;
    rows.push(flush);
  } finally {
    await sim.stop();
    await real?.stop();
  }
  const startup = await startupTime();
  rows.push({ name: 'in-process start to listening + stop (ms)', sim: startup, real: Number.NaN, ratio: Number.NaN });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('core: redis-sim beside redis-server', await run());
}
