/**
 * Server, client, config and command-introspection commands against a real redis-server.
 * Replies that carry times, ids, addresses or process facts are compared through `normalize`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { type CompatCase, compatSuite, expectSame, haveRealRedis } from './harness.js';

/** Replaces every integer reply and every digit run in bulk payloads (times, ids, ports). */
const digits = (raw: string) => raw.replace(/\d+/g, 'N');

compatSuite('server', [
  {
    name: 'DBSIZE FLUSHDB FLUSHALL',
    cmds: [
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['DBSIZE'],
      ['FLUSHDB', 'SYNC'],
      ['DBSIZE'],
      ['SET', 'a', '1'],
      ['FLUSHALL', 'ASYNC'],
      ['DBSIZE'],
      ['FLUSHALL', 'x'],
      ['FLUSHDB', 'sync', 'async'],
      ['FLUSHALL', 'SYNC', 'x'],
      ['DBSIZE', 'x'],
    ],
  },
  { name: 'TIME shape', cmds: [['TIME'], ['TIME', 'x']], normalize: digits },
  { name: 'LASTSAVE shape', cmds: [['LASTSAVE']], normalize: digits },
  { name: 'ROLE', cmds: [['ROLE']] },
  {
    name: 'SHUTDOWN errors',
    cmds: [
      ['SHUTDOWN', 'FOO'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['SHUTDOWN', 'ABORT', 'NOW'],
      ['SHUTDOWN', 'ABORT'],
    ],
  },
  {
    name: 'SHUTDOWN and SAVE inside MULTI',
    cmds: [['MULTI'], ['SHUTDOWN'], ['SAVE'], ['DISCARD']],
  },
  {
    name: 'BGSAVE errors',
    cmds: [
      ['BGSAVE', 'x'],
      ['BGSAVE', 'SCHEDULE', 'x'],
    ],
  },
  {
    name: 'INFO keyspace and section selection',
    cmds: [
      ['SET', 'a', '1'],
      ['INFO', 'keyspace'],
      ['INFO', 'nosuch'],
      ['INFO', 'CLUSTER'],
      ['INFO', 'cluster', 'keyspace', 'cluster'],
      ['INFO', 'modules'],
    ],
  },
  {
    name: 'INFO section headers',
    cmds: [['INFO'], ['INFO', 'all'], ['INFO', 'everything'], ['INFO', 'default', 'commandstats'], ['INFO', 'cpu', 'clients']],
    // Compare which sections come back, in which order, and each field's name.
    normalize: (raw) => {
      const body = raw.replace(/^[$=]\d+\r\n(txt:)?/, '');
      return body
        .split('\r\n')
        .filter((l) => l.startsWith('#'))
        .join('|');
    },
  },
  {
    name: 'INFO field names per section',
    cmds: [
      ['INFO', 'server'],
      ['INFO', 'clients'],
      ['INFO', 'memory'],
      ['INFO', 'persistence'],
      ['INFO', 'stats'],
      ['INFO', 'replication'],
      ['INFO', 'cpu'],
    ],
    normalize: (raw) =>
      raw
        .replace(/^[$=]\d+\r\n(txt:)?/, '')
        .split('\r\n')
        .map((l) => l.split(':')[0])
        .join('|'),
  },
  {
    name: 'INFO errorstats and commandstats counting',
    cmds: [
      ['CONFIG', 'RESETSTAT'],
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['NOPE'],
      ['GET'],
      ['CONFIG', 'SET', 'hz', 'x'],
      ['INFO', 'errorstats'],
      ['INFO', 'commandstats'],
    ],
    // Redis lists commands in its dict's order: compare the lines as a set.
    normalize: (raw) =>
      raw
        .replace(/usec=\d+,usec_per_call=[\d.]+/g, 'usec=U')
        .replace(/^[$=]\d+/, '$L')
        .split('\r\n')
        .sort()
        .join('\r\n'),
    resp: [2],
  },
  {
    name: 'MONITOR inside MULTI',
    cmds: [['MULTI'], ['MONITOR'], ['EXEC']],
  },
]);

compatSuite('config', [
  {
    name: 'CONFIG GET exact names and aliases',
    cmds: [
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'GET', 'MAXMEMORY'],
      ['CONFIG', 'GET', 'slave-read-only'],
      ['CONFIG', 'GET', 'lua-time-limit'],
      ['CONFIG', 'GET', 'nope'],
      ['CONFIG', 'GET', 'hz', 'timeout'],
      ['CONFIG', 'GET', 'hz', 'hz'],
      ['CONFIG', 'GET'],
      ['CONFIG', 'GET', 'rdb-key-save-delay'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'GET', 'oom-score-adj-values'],
      ['CONFIG', 'GET', 'maxmemory-policy'],
    ],
    unordered: [5],
  },
  {
    name: 'CONFIG GET patterns',
    cmds: [
      ['CONFIG', 'GET', 'maxmemory*'],
      ['CONFIG', 'GET', '*max-*-entries*'],
      ['CONFIG', 'GET', 'hash-max-*', 'zset-max-*'],
      ['CONFIG', 'GET', 'HZ*'],
      ['CONFIG', 'GET', '*delay*'],
      ['CONFIG', 'GET', '[a-b]*'],
    ],
    unordered: true,
  },
  {
    // Redis tests for glob characters with strpbrk and matches with stringmatch: both stop at a
    // NUL byte; a name without a glob character before its NUL is looked up by its full bytes.
    name: 'CONFIG GET and SET arguments with NUL bytes',
    cmds: [
      ['CONFIG', 'GET', 'max*\0'],
      ['CONFIG', 'GET', 'maxmemory\0xyz'],
      ['CONFIG', 'GET', 'time\0out*'],
      ['CONFIG', 'GET', '\0*'],
      ['CONFIG', 'GET', 'hz*\0', 'maxclients', 'max*\0abc'],
      ['CONFIG', 'GET', 'maxmemory-c*\0[', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory\0x', '1'],
      ['CONFIG', 'SET', 'daemonize\0', 'no'],
    ],
    unordered: true,
  },
  {
    name: 'CONFIG GET * names and values',
    cmds: [['CONFIG', 'GET', '*']],
    // Process-specific values differ (port, dir, pidfile, bind, daemonize as the harness started it).
    normalize: (raw) => {
      const skip = new Set(['port', 'dir', 'pidfile', 'bind', 'daemonize', 'loglevel', 'save', 'appendonly', 'protected-mode']);
      const parts = raw.split('\r\n');
      const pairs: string[] = [];
      let i = 1;
      const next = () => {
        const head = parts[i++] as string;
        return head === '$-1' || head === '_' ? '' : (parts[i++] as string);
      };
      while (i < parts.length - 1) {
        const k = next();
        const v = next();
        if (!skip.has(k)) pairs.push(`${k}=${v}`);
      }
      return pairs.sort().join('\n');
    },
  },
  {
    name: 'CONFIG SET memory, numbers, bools, enums',
    cmds: [
      ['CONFIG', 'SET', 'maxmemory', '1gb'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '10K'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '1.5gb'],
      ['CONFIG', 'SET', 'maxmemory', '-1'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'hz', '-1'],
      ['CONFIG', 'SET', 'hz', '600'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10'],
      ['CONFIG', 'SET', 'activerehashing', 'maybe'],
      ['CONFIG', 'SET', 'activerehashing', 'NO'],
      ['CONFIG', 'GET', 'activerehashing'],
      ['CONFIG', 'SET', 'activerehashing', 'yes'],
      ['CONFIG', 'SET', 'appendfsync', 'x'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LRU'],
      ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ['CONFIG', 'SET', 'maxclients', '-1'],
      ['CONFIG', 'SET', 'maxmemory-clients', '101%'],
      ['CONFIG', 'SET', 'maxmemory-clients', 'x'],
      ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '100'],
      ['CONFIG', 'SET', 'list-max-ziplist-size', 'x'],
      ['CONFIG', 'SET', 'lua-time-limit', 'x'],
      ['CONFIG', 'SET', 'oom-score-adj', 'relative'],
      ['CONFIG', 'GET', 'oom-score-adj'],
      ['CONFIG', 'SET', 'oom-score-adj', 'no'],
    ],
  },
  {
    name: 'CONFIG SET errors and several pairs',
    cmds: [
      ['CONFIG', 'SET', 'foo', 'bar'],
      ['CONFIG', 'SET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '1', 'hz'],
      ['CONFIG', 'SET', 'databases', '3'],
      ['CONFIG', 'SET', 'DATABASES', '3'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'maxmemory', '10', 'maxmemory', '20'],
      ['CONFIG', 'SET', 'maxmemory', '10', 'foo', '20'],
      ['CONFIG', 'SET', 'foo', '10', 'databases', '20'],
      ['CONFIG', 'SET', 'databases', '10', 'foo', '20'],
      ['CONFIG', 'SET', 'hz', '20', 'timeout', 'x'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '20', 'timeout', '30'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'SET', 'hz', '10', 'timeout', '0'],
      ['CONFIG', 'SET', 'slave-read-only', 'no', 'replica-read-only', 'yes'],
      ['CONFIG', 'SET', 'replicaof', 'no one'],
    ],
  },
  {
    name: 'CONFIG SET special parameters',
    cmds: [
      ['CONFIG', 'SET', 'save', '3600 1 300 100'],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'save', 'x'],
      ['CONFIG', 'SET', 'save', '10'],
      ['CONFIG', 'SET', 'save', '0 1'],
      ['CONFIG', 'SET', 'save', ''],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Elg$x'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Q'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 2mb 30'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'foo 1 2 3'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal x 2 3'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50.5 99'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', 'x'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '0 200 3000'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'save nosave'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'now save'],
      ['CONFIG', 'GET', 'shutdown-on-sigterm'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'default'],
      ['CONFIG', 'SET', 'shutdown-on-sigterm', 'x'],
    ],
  },
  {
    name: 'CONFIG REWRITE RESETSTAT HELP and errors',
    cmds: [
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'RESETSTAT'],
      ['CONFIG', 'HELP'],
      ['CONFIG', 'NOPE'],
      ['CONFIG'],
      ['CONFIG', 'RESETSTAT', 'x'],
    ],
  },
]);

compatSuite('client', [
  {
    name: 'CLIENT SETNAME GETNAME',
    cmds: [
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'worker-1'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'a\nb'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
    ],
  },
  {
    name: 'CLIENT 7.2 subcommands are unknown in 7.0',
    cmds: [
      ['CLIENT', 'SETINFO', 'lib-name', 'x'],
      ['CLIENT', 'NO-TOUCH', 'on'],
      ['CLIENT', 'NOPE'],
    ],
  },
  {
    name: 'CLIENT LIST/INFO line shape',
    cmds: [
      ['CLIENT', 'SETNAME', 'me'],
      ['CLIENT', 'INFO'],
      ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'LIST', 'ID', '999999'],
    ],
    normalize: (raw) =>
      raw
        .replace(/^([$=])\d+/, '$1L')
        .replace(/(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=[^ ]*/g, '$1=X'),
  },
  {
    name: 'CLIENT LIST/KILL/UNBLOCK errors',
    cmds: [
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'x'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'FOO', 'bar'],
      ['CLIENT', 'KILL', 'ID', '999999', 'TYPE'],
      ['CLIENT', 'KILL', 'ADDR'],
      ['CLIENT', 'UNBLOCK', '1', 'foo'],
      ['CLIENT', 'UNBLOCK', 'x'],
      ['CLIENT', 'UNBLOCK', '999999'],
      ['CLIENT', 'UNBLOCK', '999999', 'ERROR'],
      ['CLIENT', 'UNBLOCK', '1', '2', '3'],
      ['CLIENT', 'PAUSE', 'x'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '1', 'foo'],
      ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', '1', 'ALL', 'x'],
      ['CLIENT', 'PAUSE', '0'],
      ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'REPLY', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'off'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'HELP'],
      ['CLIENT'],
    ],
  },
]);

compatSuite('command', [
  {
    name: 'COMMAND INFO of server commands',
    cmds: [
      ['COMMAND', 'INFO', 'get'],
      ['COMMAND', 'INFO', 'info', 'dbsize', 'nope'],
      ['COMMAND', 'INFO', 'client|kill', 'CLIENT|LIST', 'config|get'],
      ['COMMAND', 'INFO', 'flushall', 'time', 'shutdown', 'monitor', 'role', 'save', 'bgsave', 'lastsave'],
      ['COMMAND', 'INFO', 'command|getkeys', 'command|docs', 'config|set', 'client|nope'],
    ],
  },
  {
    name: 'COMMAND DOCS of server commands',
    cmds: [
      ['COMMAND', 'DOCS', 'get'],
      ['COMMAND', 'DOCS', 'nope'],
      ['COMMAND', 'DOCS', 'client|kill', 'flushall', 'shutdown', 'info'],
      ['COMMAND', 'DOCS', 'config|set', 'nope', 'dbsize'],
    ],
  },
  {
    name: 'COMMAND GETKEYS and GETKEYSANDFLAGS',
    cmds: [
      ['COMMAND', 'GETKEYS', 'get', 'a'],
      ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'nope', 'a'],
      ['COMMAND', 'GETKEYS', 'set', 'a'],
      ['COMMAND', 'GETKEYS', 'ping'],
      ['COMMAND', 'GETKEYS', 'client', 'list'],
      ['COMMAND', 'GETKEYS', 'client', 'nope'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'a'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'xread', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['COMMAND', 'GETKEYS', 'zunionstore', 'd', '5', 'a'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'lmpop', '2', 'a', 'b', 'LEFT'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'blmove', 'a', 'b', 'LEFT', 'RIGHT', '0'],
      ['COMMAND', 'GETKEYS', 'eval', 'return 1', '0'],
      ['COMMAND', 'GETKEYS', 'eval', 'return 1', '2', 'k1', 'k2', 'x'],
      ['COMMAND', 'GETKEYS', 'eval', 'return 1', '5', 'k1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'getex', 'k', 'EX', '1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a', 'b'],
    ],
  },
  {
    name: 'COMMAND LIST filters and errors',
    cmds: [
      ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'config*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'module', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nope'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat'],
      ['COMMAND', 'LIST', 'FILTERBY', 'x', 'y'],
      ['COMMAND', 'LIST', 'x'],
      ['COMMAND', 'COUNT', 'x'],
      ['COMMAND', 'HELP'],
      ['COMMAND', 'NOPE'],
    ],
    unordered: [0],
  },
]);

/**
 * DEBUG needs enable-debug-command: these cases run against a redis-server of their own started
 * with it, and a redis-sim node configured the same way.
 */
describe.runIf(haveRealRedis)('compat: DEBUG (enable-debug-command yes)', () => {
  let real: ChildProcess | undefined;
  let realPort = 0;
  let sim: RedisSim | undefined;
  beforeAll(async () => {
    realPort = await freePort();
    real = spawn(
      process.env.REDIS_SERVER_BIN ?? 'redis-server',
      ['--port', String(realPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 250; i++) {
      try {
        (await RawClient.connect(realPort)).close();
        break;
      } catch {
        // Waiting for a real process to come up is the one place a short sleep is needed.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    sim = await RedisSim.start({ port: 0, clock: 'system', config: { 'enable-debug-command': 'yes' } });
  });
  afterAll(async () => {
    real?.kill('SIGKILL');
    await sim?.stop();
  });

  const cases: CompatCase[] = [
    {
      name: 'DIGEST of an empty dataset, DIGEST-VALUE of missing keys',
      cmds: [
        ['DEBUG', 'DIGEST'],
        ['DEBUG', 'DIGEST-VALUE'],
        ['DEBUG', 'DIGEST-VALUE', 'nope', 'nope2'],
      ],
    },
    {
      name: 'DIGEST and DIGEST-VALUE equal Redis for every type',
      cmds: [
        ['SET', 's', 'hello'],
        ['SET', 'n', '12345'],
        ['RPUSH', 'l', 'a', 'b', 'c'],
        ['SADD', 'set', 'x', 'y', '3'],
        ['HSET', 'h', 'f', 'v', 'g', 'w'],
        ['ZADD', 'z', '1.5', 'a', '2', 'b', '-inf', 'c'],
        ['XADD', 'st', '1-1', 'f', 'v'],
        ['XADD', 'st', '2-5', 'f2', 'v2', 'f3', 'v3'],
        ['DEBUG', 'DIGEST-VALUE', 's', 'n', 'l', 'set', 'h', 'z', 'st'],
        ['DEBUG', 'DIGEST'],
        ['PEXPIRE', 's', '100000'],
        ['DEBUG', 'DIGEST-VALUE', 's'],
        ['SELECT', '3'],
        ['SET', 's', 'hello'],
        ['DEBUG', 'DIGEST'],
      ],
    },
    {
      name: 'PROTOCOL types',
      cmds: [
        ['DEBUG', 'PROTOCOL', 'string'],
        ['DEBUG', 'PROTOCOL', 'integer'],
        ['DEBUG', 'PROTOCOL', 'double'],
        ['DEBUG', 'PROTOCOL', 'bignum'],
        ['DEBUG', 'PROTOCOL', 'null'],
        ['DEBUG', 'PROTOCOL', 'array'],
        ['DEBUG', 'PROTOCOL', 'set'],
        ['DEBUG', 'PROTOCOL', 'map'],
        ['DEBUG', 'PROTOCOL', 'verbatim'],
        ['DEBUG', 'PROTOCOL', 'true'],
        ['DEBUG', 'PROTOCOL', 'false'],
        ['DEBUG', 'PROTOCOL', 'nope'],
      ],
    },
    {
      name: 'errors, SLEEP, SET-ACTIVE-EXPIRE, RELOAD options, HELP',
      cmds: [
        ['DEBUG', 'NOPE'],
        ['DEBUG', 'JMAP'],
        ['DEBUG', 'SLEEP'],
        ['DEBUG', 'SLEEP', '0'],
        ['DEBUG', 'SLEEP', 'x'],
        ['DEBUG', 'SLEEP', '0', 'x'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
        ['DEBUG', 'OBJECT', 'nope'],
        ['DEBUG', 'RELOAD', 'x'],
        ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE', 'x'],
        ['DEBUG', 'HELP'],
        ['DEBUG'],
      ],
    },
    {
      name: 'OBJECT line shape',
      cmds: [
        ['SET', 'n', '1'],
        ['SET', 's', 'a string'],
        ['DEBUG', 'OBJECT', 'n'],
        ['DEBUG', 'OBJECT', 's'],
      ],
      normalize: (raw) => raw.replace(/at:0x[0-9a-f]+/, 'at:P').replace(/lru:\d+ lru_seconds_idle:\d+/, 'lru:L'),
    },
    {
      name: 'OBJECT serialized length of small (uncompressed) values',
      cmds: [
        ['RPUSH', 'l', 'a', 'b', '100', '-5000'],
        ['HSET', 'h', 'f', 'v', 'g', '12'],
        ['SADD', 's', '1', '2', '40000'],
        ['SADD', 't', 'a', 'b'],
        ['ZADD', 'z', '1', 'a', '2.5', 'b'],
        ['SET', 'n', '70000'],
        ['DEBUG', 'OBJECT', 'l'],
        ['DEBUG', 'OBJECT', 'h'],
        ['DEBUG', 'OBJECT', 's'],
        ['DEBUG', 'OBJECT', 't'],
        ['DEBUG', 'OBJECT', 'z'],
        ['DEBUG', 'OBJECT', 'n'],
      ],
      normalize: (raw) => raw.replace(/at:0x[0-9a-f]+/, 'at:P').replace(/lru:\d+ lru_seconds_idle:\d+/, 'lru:L'),
    },
  ];
  for (const cs of cases) {
    for (const resp of [2, 3] as const) {
      it(`${cs.name} (RESP${resp})`, async () => {
        await expectSame({ real: { port: realPort, stop: async () => {} }, sim: sim as RedisSim }, cs, resp);
      });
    }
  }
});

compatSuite('debug disabled by default', [
  {
    name: 'DEBUG refused',
    cmds: [
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'HELP'],
    ],
  },
]);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
