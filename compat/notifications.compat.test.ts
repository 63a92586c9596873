/**
 * Keyspace notification streams compared with real Redis: a listener connection subscribes to
 * every keyspace/keyevent channel, another runs a sequence of commands, and the ordered list of
 * events (ended by a marker message) must be the same.
 */
import { compatSuite } from './harness.js';
import { type Scenario, type Step, scenarioSuite } from './scenario.js';

/** A scenario whose transcript is the command replies plus the ordered event stream. */
function stream(name: string, cmds: readonly (readonly string[])[], classes = 'KEA', extra: readonly Step[] = []): Scenario {
  return {
    name,
    config: { 'notify-keyspace-events': classes },
    steps: [
      { c: 1, cmd: ['PSUBSCRIBE', '__key*__:*'] },
      ...cmds.map((cmd) => ({ c: 0, cmd })),
      ...extra,
      { c: 0, cmd: ['PUBLISH', '__keyend__:marker', 'end'] },
      { c: 1, until: '__keyend__' },
    ],
  };
}

compatSuite('notify-keyspace-events config', [
  {
    name: 'CONFIG SET / GET canonical forms and errors',
    cmds: [
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'gKmnE$'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'AmnKE'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'gglsdhzxetK'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Kq'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
    ],
  },
]);

scenarioSuite('keyspace notification streams', [
  stream('strings', [
    ['SET', 'a', '1'],
    ['SET', 'a', '2', 'EX', '100'],
    ['SET', 'a', '3', 'KEEPTTL'],
    ['SET', 'a', '4', 'NX'],
    ['SET', 'b', '1', 'XX'],
    ['INCR', 'n'],
    ['INCRBY', 'n', '5'],
    ['DECR', 'n'],
    ['INCRBYFLOAT', 'f', '1.5'],
    ['APPEND', 'a', 'x'],
    ['SETRANGE', 'a', '0', 'z'],
    ['GETDEL', 'a'],
    ['MSET', 'x', '1', 'y', '2'],
    ['MSETNX', 'x', '1', 'q', '2'],
    ['SETNX', 'x', '3'],
    ['SETNX', 'z', '3'],
    ['GETSET', 'z', '4'],
    ['SETEX', 's', '100', 'v'],
    ['PSETEX', 'p', '100000', 'v'],
    ['GETEX', 'z', 'EX', '50'],
    ['GETEX', 'z', 'PERSIST'],
    ['GETEX', 'z'],
    ['DEL', 'x', 'y', 'nokey'],
    ['UNLINK', 'z'],
  ]),
  stream('keys and expire', [
    ['SET', 'a', '1'],
    ['RENAME', 'a', 'b'],
    ['RENAME', 'b', 'b'],
    ['SET', 'c', '1'],
    ['RENAMENX', 'b', 'c'],
    ['COPY', 'b', 'd'],
    ['COPY', 'b', 'd', 'REPLACE'],
    ['MOVE', 'd', '1'],
    ['EXPIRE', 'b', '100'],
    ['PEXPIRE', 'b', '100000'],
    ['EXPIREAT', 'b', '4000000000'],
    ['EXPIRE', 'b', '100', 'NX'],
    ['PERSIST', 'b'],
    ['PERSIST', 'b'],
    ['EXPIRE', 'b', '0'],
    ['EXPIRE', 'nokey', '10'],
    ['SET', 'e', '1'],
    ['PEXPIREAT', 'e', '1'],
    ['SELECT', '5'],
    ['SET', 'in5', '1'],
    ['DEL', 'in5'],
    ['SELECT', '0'],
    ['FLUSHDB'],
  ]),
  stream('lists', [
    ['LPUSH', 'l', 'a', 'b'],
    ['RPUSH', 'l', 'c'],
    ['LPUSHX', 'nol', 'a'],
    ['RPUSHX', 'l', 'd'],
    ['LPOP', 'l'],
    ['RPOP', 'l', '1'],
    ['LSET', 'l', '0', 'x'],
    ['LINSERT', 'l', 'BEFORE', 'x', 'y'],
    ['LINSERT', 'l', 'BEFORE', 'nothere', 'y'],
    ['LREM', 'l', '1', 'y'],
    ['LTRIM', 'l', '0', '0'],
    ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'l2', 'l2'],
    ['LMPOP', '1', 'l2', 'LEFT'],
    ['RPUSH', 'l3', 'a', 'b'],
    ['LTRIM', 'l3', '5', '10'],
    ['BLPOP', 'l3', 'nol', '1'],
  ]),
  stream('sorted sets', [
    ['ZADD', 'z', '1', 'a', '2', 'b'],
    ['ZADD', 'z', '1', 'a'],
    ['ZINCRBY', 'z', '5', 'a'],
    ['ZREM', 'z', 'nope'],
    ['ZREM', 'z', 'a'],
    ['ZPOPMIN', 'z'],
    ['ZADD', 'z2', '1', 'x', '2', 'y', '3', 'w'],
    ['ZREMRANGEBYSCORE', 'z2', '1', '1'],
    ['ZREMRANGEBYRANK', 'z2', '0', '0'],
    ['ZUNIONSTORE', 'z3', '1', 'z2'],
    ['ZRANGESTORE', 'z4', 'z2', '0', '-1'],
    ['ZREMRANGEBYLEX', 'z2', '-', '+'],
  ]),
  stream('streams', [
    ['XADD', 's', '1-1', 'f', 'v'],
    ['XADD', 's', 'MAXLEN', '1', '2-1', 'f', 'v'],
    ['XGROUP', 'CREATE', 's', 'g', '0'],
    ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c1'],
    ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'],
    ['XCLAIM', 's', 'g', 'c1', '0', '2-1'],
    ['XACK', 's', 'g', '2-1'],
    ['XDEL', 's', '2-1'],
    ['XTRIM', 's', 'MAXLEN', '0'],
    ['XSETID', 's', '5-0'],
    ['XGROUP', 'DELCONSUMER', 's', 'g', 'c1'],
    ['XGROUP', 'SETID', 's', 'g', '0'],
    ['XGROUP', 'DESTROY', 's', 'g'],
  ]),
  stream('a transaction publishes its events in command order', [
    ['MULTI'],
    ['SET', 'a', '1'],
    ['LPUSH', 'l', 'x'],
    ['EXPIRE', 'a', '100'],
    ['DEL', 'a', 'l'],
    ['EXEC'],
  ]),
  stream(
    'new-key events (n) come before the command event',
    [
      ['SET', 'a', '1'],
      ['SET', 'a', '2'],
      ['RPUSH', 'l', 'x'],
      ['COPY', 'a', 'b'],
    ],
    'KEn$lg',
  ),
  stream(
    'classes filter events',
    [
      ['SET', 'a', '1'],
      ['LPUSH', 'l', 'x'],
      ['DEL', 'a'],
      ['EXPIRE', 'l', '100'],
    ],
    'Kl',
  ),
  stream(
    'keyevent only',
    [
      ['SET', 'a', '1'],
      ['DEL', 'a'],
    ],
    'E$g',
  ),
  stream(
    'no channel class: nothing',
    [
      ['SET', 'a', '1'],
      ['DEL', 'a'],
    ],
    'g$',
  ),
  stream(
    'expired events fire once, in deadline order',
    [
      // Deadlines far enough apart for Redis's 100 ms expire cycle to take them one at a time.
      ['SET', 'late', '1', 'PX', '600'],
      ['SET', 'early', '1', 'PX', '100'],
      ['SET', 'mid', '1', 'PX', '350'],
      ['SET', 'kept', '1', 'PX', '100000'],
    ],
    'KEA',
    [
      { sleep: 900 },
      // Lazy expiry would catch any key active expiry has not reached yet: the stream is the same.
      { c: 0, cmd: ['MGET', 'late', 'early', 'mid', 'kept'] },
      { c: 0, cmd: ['DBSIZE'] },
    ],
  ),
]);
