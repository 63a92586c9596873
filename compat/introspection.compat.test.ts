import { compatSuite } from './harness.js';

const big = (n: number, ch = 'x') => ch.repeat(n);
const many = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();

const SUBS = [
  'wait',
  'slowlog|get',
  'slowlog|len',
  'slowlog|reset',
  'slowlog|help',
  'memory|usage',
  'memory|stats',
  'memory|doctor',
  'memory|purge',
  'memory|malloc-stats',
  'memory|help',
  'latency|doctor',
  'latency|history',
  'latency|graph',
  'latency|reset',
  'latency|histogram',
  'latency|latest',
  'latency|help',
];

compatSuite('introspection', [
  {
    name: 'COMMAND INFO, DOCS and GETKEYS metadata',
    cmds: [
      ['COMMAND', 'INFO', ...SUBS],
      ['COMMAND', 'DOCS', ...SUBS],
      ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k'],
      ['COMMAND', 'GETKEYS', 'WAIT', '0', '0'],
    ],
  },
  {
    name: 'HELP texts',
    cmds: [
      ['SLOWLOG', 'HELP'],
      ['LATENCY', 'HELP'],
      ['MEMORY', 'HELP'],
      ['slowlog', 'help', 'x'],
    ],
  },
  {
    name: 'containers: arity and unknown subcommands',
    cmds: [['SLOWLOG'], ['SLOWLOG', 'FOO'], ['LATENCY'], ['LATENCY', 'nope', 'x'], ['MEMORY'], ['MEMORY', 'FOO']],
  },
  {
    name: 'SLOWLOG argument errors',
    cmds: [
      ['SLOWLOG', 'GET', '1', '2'],
      ['SLOWLOG', 'get', 'a', 'b', 'c'],
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', '1.5'],
      ['SLOWLOG', 'LEN', 'x'],
      ['SLOWLOG', 'RESET', 'x'],
    ],
  },
  {
    name: 'SLOWLOG disabled or empty',
    cmds: [
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
      ['SLOWLOG', 'RESET'],
      ['SET', 'a', '1'],
      ['SLOWLOG', 'GET'],
      ['SLOWLOG', 'GET', '-1'],
      ['SLOWLOG', 'GET', '0'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
    ],
  },
  {
    name: 'SLOWLOG LEN and GET counts with every command logged',
    cmds: [
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['SET', 'a', '1'],
      ['GET', 'a'],
      ['MULTI'],
      ['INCR', 'a'],
      ['EXEC'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-max-len', '2'],
      ['SLOWLOG', 'LEN'],
      ['PING'],
      ['SLOWLOG', 'LEN'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-max-len', '128'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
      ['SLOWLOG', 'RESET'],
    ],
  },
  {
    name: 'SLOWLOG GET entry shape (ids, times, durations and peers normalized)',
    cmds: [
      ['EVAL', 'return 1', '0'], // redis-sim loads its Lua engine on the first EVAL
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['CLIENT', 'SETNAME', 'probe'],
      ['SET', 'k', big(200)],
      ['RPUSH', 'l', ...many(40, (i) => [String(i)])],
      ['EVAL', "redis.call('set', 'x', 'y') return 1", '0'],
      ['SLOWLOG', 'GET', '-1'],
      ['SLOWLOG', 'GET', '2'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
      ['SLOWLOG', 'RESET'],
    ],
    normalize: (raw, i) =>
      i === 7 || i === 8
        ? raw
            .replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, '*6\r\n:ID\r\n:T\r\n:D\r\n')
            .replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$P\r\nPEER\r\n')
        : raw,
  },
  {
    name: 'LATENCY with the monitor off',
    cmds: [
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'HISTORY'],
      ['LATENCY', 'HISTORY', 'a', 'b'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'RESET', 'command', 'fork'],
      ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'GRAPH'],
      ['LATENCY', 'DOCTOR'],
      ['LATENCY', 'DOCTOR', 'x'],
      ['LATENCY', 'LATEST', 'x'],
    ],
  },
  {
    name: 'LATENCY HISTOGRAM of unknown or unused commands',
    cmds: [
      ['CONFIG', 'RESETSTAT'],
      ['LATENCY', 'HISTOGRAM', 'nosuch', 'set', 'config|nosuch', 'a|b|c'],
    ],
  },
  {
    name: 'LATENCY HISTOGRAM shape (bucket counts normalized)',
    cmds: [
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'a', '1'],
      ['SET', 'a', '2'],
      ['LATENCY', 'HISTOGRAM', 'SET', 'get', 'set'],
    ],
    normalize: (raw, i) => (i === 3 ? raw.replace(/(histogram_usec\r\n)[%*]\d+\r\n(:\d+\r\n)+/g, '$1H\r\n') : raw),
  },
  {
    name: 'WAIT',
    cmds: [
      ['WAIT'],
      ['WAIT', '0'],
      ['WAIT', '0', '0'],
      ['WAIT', '-1', '0'],
      ['WAIT', '-5', '100'],
      ['WAIT', 'x', '0'],
      ['WAIT', 'x', 'y'],
      ['WAIT', '0', 'x'],
      ['WAIT', '0', '-1'],
      ['WAIT', '1', '0.5'],
      ['WAIT', '1', '-1'],
      ['WAIT', '1', '99999999999999999999'],
      ['WAIT', '1.0', '0'],
      ['WAIT', '1', '30'], // blocks 30 ms (real time on both servers), then no replica acknowledged
    ],
  },
  {
    name: 'WAIT inside MULTI answers at once, in a script is refused',
    cmds: [['MULTI'], ['WAIT', '1', '0'], ['WAIT', '0', '0'], ['EXEC'], ['EVAL', "return redis.call('wait', 0, 0)", '0']],
  },
  {
    name: 'MEMORY USAGE errors and missing keys',
    cmds: [
      ['MEMORY', 'USAGE'],
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
      ['MEMORY', 'USAGE', 'nokey', 'FOO', '1'],
      ['MEMORY', 'USAGE', 'nokey', 'samples', '1', 'samples', '2'],
    ],
  },
  {
    name: 'MEMORY USAGE of strings',
    cmds: [
      ['SET', 'a', '1'],
      ['SET', 'b', 'x'],
      ['SET', 'c', big(44)],
      ['SET', 'd', big(45)],
      ['SET', 'e', big(200)],
      ['SET', big(58, 'k'), 'x'],
      ['SET', 'n', '12345678901'],
      ['SET', 'f', big(5000)],
      ['SET', 'neg', '-100'],
      ['APPEND', 'ap', 'abc'],
      ...['a', 'b', 'c', 'd', 'e', big(58, 'k'), 'n', 'f', 'neg', 'ap'].map((k) => ['MEMORY', 'USAGE', k]),
    ],
  },
  {
    name: 'MEMORY USAGE of small collections',
    cmds: [
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['SADD', 's', '1', '2', '3'],
      ['SADD', 's32', '1', '100000'],
      ['SADD', 's64', '1', '10000000000'],
      ['SADD', 's2', 'a', 'b', 'c'],
      ['HSET', 'h', 'f', 'v', 'f2', 'v2'],
      ['HSET', 'h2', 'num', '12345', 'neg', '-7', 'long', big(70)],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZADD', 'z2', '1.5', 'member', '-3', 'other'],
      ...['l', 's', 's32', 's64', 's2', 'h', 'h2', 'z', 'z2'].map((k) => ['MEMORY', 'USAGE', k]),
    ],
  },
  {
    name: 'MEMORY USAGE of larger values and every encoding (skip lists excepted: random levels)',
    cmds: [
      ['HSET', 'hbig', ...many(200, (i) => [`field:${i}`, `value:${i}`])],
      ['HSET', 'hlong', 'f', big(100)],
      ['HSET', 'h129', ...many(129, (i) => [`f${i}`, 'v'])],
      ['HSET', 'hnum', 'a', '1', 'b', '300', 'c', '70000', 'd', '-5000000', 'e', '99999999999'],
      ['SADD', 'sbig', ...many(200, (i) => [`m:${i}`])],
      ['SADD', 'ibig', ...many(600, (i) => [String(i)])],
      ['RPUSH', 'lbig', ...many(200, (i) => [`item:${i}`])],
      ['RPUSH', 'llong', big(100), big(5000, 'y')],
      ['RPUSH', 'l1000', ...many(1000, (i) => [String(i)])],
      ['RPUSH', 'lnodes', ...many(3000, (i) => [`element-${i}`])],
      ['SET', 's4k', big(4000)],
      ['SET', 's70k', big(70000)],
      ['ZADD', 'zfrac', '0.1', 'a', '3.14159', 'b', '1e20', 'c', '-2.5', 'd'],
      ...['hbig', 'hlong', 'h129', 'hnum', 'sbig', 'ibig', 'lbig', 'llong', 'l1000', 's4k', 's70k', 'zfrac'].flatMap((k) => [
        ['MEMORY', 'USAGE', k],
        ['MEMORY', 'USAGE', k, 'SAMPLES', '0'],
      ]),
      ['MEMORY', 'USAGE', 'lnodes', 'SAMPLES', '0'],
      ['HSET', 'h300', ...many(300, (i) => [`f${i}`, 'v'])],
      ['HSET', 'h600', ...many(600, (i) => [`f${i}`, 'v'])],
      ['SADD', 'i1100', ...many(1100, (i) => [String(i)])],
      ['SADD', 'i2000', ...many(2000, (i) => [String(i)])],
      ['SADD', 's1000', ...many(1000, (i) => [`m${i}`])],
      ...['h300', 'h600', 'i1100', 'i2000', 's1000'].map((k) => ['MEMORY', 'USAGE', k, 'SAMPLES', '0']),
      // Node limits as list-max-listpack-size is when MEMORY USAGE runs (it was so at the pushes).
      ['CONFIG', 'SET', 'list-max-listpack-size', '5'],
      ['RPUSH', 'l5', ...many(23, (i) => [`e${i}`])],
      ['MEMORY', 'USAGE', 'l5', 'SAMPLES', '0'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-1'],
      ['RPUSH', 'l4k', ...many(900, (i) => [`element-${i}`])],
      ['MEMORY', 'USAGE', 'l4k', 'SAMPLES', '0'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ],
  },
  {
    name: 'MEMORY USAGE of streams: listpack nodes, radix tree, groups, PELs and consumers',
    cmds: [
      ['XADD', 's1', '1-1', 'a', '1'],
      ...many(250, (i) => [`${i + 1}-1`]).map((id) => ['XADD', 's250', id, 'field', `value${id.slice(0, -2)}`]),
      ...many(10, (i) => [`${i + 1}-1`]).map((id) => ['XADD', 'sp', id, 'f', 'v']),
      ['XGROUP', 'CREATE', 'sp', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '10', 'STREAMS', 'sp', '>'],
      ['XADD', 'big', '1-1', 'f', big(5000)],
      ['XADD', 'e', '1-1', 'f', 'v'],
      ['XDEL', 'e', '1-1'],
      ...many(30, (i) => [String(i)]).map((i) => [
        'XADD',
        'sx',
        `${1700000000000 + Number(i) * 7}-${Number(i) % 3}`,
        'name',
        `n${i}`,
        'n',
        i,
      ]),
      ...['s1', 's250', 'sp', 'big', 'e', 'sx'].flatMap((k) => [
        ['MEMORY', 'USAGE', k],
        ['MEMORY', 'USAGE', k, 'SAMPLES', '1'],
      ]),
    ],
  },
  {
    name: 'MEMORY STATS field names, order and types (numbers normalized)',
    cmds: [
      ['SET', 'a', '1'],
      ['SELECT', '3'],
      ['SET', 'b', '1'],
      ['EXPIRE', 'b', '100'],
      ['SELECT', '0'],
      ['MEMORY', 'STATS'],
    ],
    normalize: (raw, i) =>
      i === 5
        ? raw
            .replace(/:\d+\r\n/g, ':N\r\n')
            .replace(/,[0-9.e+-]+\r\n/g, ',D\r\n')
            .replace(/\$\d+\r\n[0-9.]+\r\n/g, '$D\r\n')
        : raw,
  },
  {
    name: 'MEMORY DOCTOR, PURGE and arities',
    cmds: [
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'DOCTOR', 'x'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'PURGE', 'x'],
      ['MEMORY', 'STATS', 'x'],
      ['MEMORY', 'MALLOC-STATS', 'x'],
    ],
  },
]);
