/**
 * Streams against a real Redis, byte for byte in RESP2 and RESP3. IDs are explicit everywhere so
 * real time does not matter; only time-dependent numbers are normalized (idle times, delivery
 * and seen times).
 */
import { describe, expect, it } from 'vitest';
import { type Command, compatSuite, deepSortReply, haveRealRedis, runOn, useTargets } from './harness.js';
import { scenarioSuite } from './scenario.js';

/** Replaces millisecond timestamps (delivery time, seen-time) and idle values. */
function normTimes(raw: string): string {
  return raw
    .replace(/:1\d{12}\r\n/g, ':<time>\r\n')
    .replace(/(idle\r\n):\d+\r\n/g, '$1:<idle>\r\n')
    .replace(/(\*4\r\n\$\d+\r\n[0-9]+-[0-9]+\r\n\$\d+\r\n[^\r]*\r\n):\d+(\r\n:\d+\r\n)/g, '$1:<idle>$2');
}

function fill(key: string, n: number, from = 1, field = 'f', value = 'v'): Command[] {
  return Array.from({ length: n }, (_, i) => ['XADD', key, `${from + i}-0`, field, value]);
}

const STREAM_COMMANDS = [
  'xadd',
  'xlen',
  'xrange',
  'xrevrange',
  'xdel',
  'xtrim',
  'xsetid',
  'xread',
  'xreadgroup',
  'xack',
  'xpending',
  'xclaim',
  'xautoclaim',
];

compatSuite('streams', [
  {
    name: 'COMMAND INFO, DOCS and GETKEYS',
    cmds: [
      ...STREAM_COMMANDS.map((c): Command => ['COMMAND', 'INFO', c]),
      ...STREAM_COMMANDS.map((c): Command => ['COMMAND', 'DOCS', c]),
      ['COMMAND', 'INFO', 'xgroup|create', 'xgroup|setid', 'xgroup|destroy', 'xgroup|createconsumer', 'xgroup|delconsumer', 'xgroup|help'],
      ['COMMAND', 'INFO', 'xinfo|stream', 'xinfo|groups', 'xinfo|consumers', 'xinfo|help'],
      ['COMMAND', 'INFO', 'xgroup', 'xinfo'],
      ['COMMAND', 'DOCS', 'xgroup', 'xinfo'],
      ['COMMAND', 'DOCS', 'xgroup|create', 'xinfo|stream'],
      ['COMMAND', 'GETKEYS', 'XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0'],
      ['COMMAND', 'GETKEYS', 'XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'a', '>'],
      ['COMMAND', 'GETKEYS', 'XGROUP', 'CREATE', 'k', 'g', '$'],
    ],
    // Container commands list their subcommands in dict order, randomized per real-Redis process.
    normalize: (raw, i) => (i >= STREAM_COMMANDS.length * 2 + 2 && i <= STREAM_COMMANDS.length * 2 + 3 ? deepSortReply(raw) : raw),
  },
  {
    name: 'XADD explicit IDs and errors',
    cmds: [
      ['XADD', 's', '1-1', 'a', '1'],
      ['XADD', 's', '1-1', 'a', '1'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '0-0', 'a', '1'],
      ['XADD', 's2', '0-0', 'a', '1'],
      ['EXISTS', 's2'],
      ['XADD', 's', '1-*', 'b', '2'],
      ['XADD', 's', '5-*', 'b', '2'],
      ['XADD', 's', '5', 'b', '2'],
      ['XADD', 's', '6', 'b', '2', 'c', '3'],
      ['XADD', 's', 'abc', 'a', '1'],
      ['XADD', 's', '7-x', 'a', '1'],
      ['XADD', 's', '-', 'a', '1'],
      ['XADD', 's', '+', 'a', '1'],
      ['XADD', 's', '8-0', 'a'],
      ['XADD', 's', '8-0', 'a', '1', 'b'],
      ['XADD', 's', '8-0'],
      ['XADD', 's', '18446744073709551615-18446744073709551615', 'a', '1'],
      ['XADD', 's', '*', 'a', '1'],
      ['XADD', 's', '18446744073709551616-0', 'a', '1'],
      ['XADD', 's', ' 5-0', 'a', '1'],
      ['XLEN', 's'],
      ['XRANGE', 's', '-', '+'],
    ],
  },
  {
    name: 'XADD odd ID spellings (strtoull)',
    cmds: [
      ['XADD', 's', '+5-0', 'a', '1'],
      ['XADD', 's', '00010-0', 'a', '1'],
      ['XADD', 's', '20-0005', 'a', '1'],
      ['XADD', 's', '-5', 'a', '1'],
      ['XADD', 's', '30--5', 'a', '1'],
      ['XADD', 's', '30--05', 'a', '1'],
      ['XADD', 's', '40-*', 'a', '1'],
      ['XADD', 's', '40-*', 'a', '1'],
      ['XADD', 's', '*-1', 'a', '1'],
      ['XADD', 's', '50-18446744073709551615', 'a', '1'],
      ['XADD', 's', '50-*', 'a', '1'],
      ['XADD', 's', '50-18446744073709551616', 'a', '1'],
      ['XADD', 's', '51-*', 'a', '1'],
      ['XADD', 's', `${'9'.repeat(130)}`, 'a', '1'],
      ['XADD', 's', '60-1\x00junk', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
    ],
  },
  {
    name: 'XADD options: NOMKSTREAM MAXLEN MINID LIMIT',
    cmds: [
      ['XADD', 'n', 'NOMKSTREAM', '1-0', 'a', '1'],
      ['EXISTS', 'n'],
      ['XADD', 's', 'MAXLEN', '2', '1-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '2', '2-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '=', '2', '3-0', 'a', '1'],
      ['XADD', 's', 'maxlen', '~', '2', '4-0', 'a', '1'],
      ['XLEN', 's'],
      ['XADD', 's', 'MINID', '4', '5-0', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XADD', 's', 'MAXLEN', '-1', '6-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', 'x', '6-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '6-0', 'a', '1'],
      ['XADD', 's', 'LIMIT', '5', '6-0', 'a', '1'],
      ['XADD', 's', 'LIMIT', '0', '6-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '1', 'LIMIT', '5', '7-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '~', '1', 'LIMIT', '-1', '7-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '~', '1', 'LIMIT', '10', '7-0', 'a', '1'],
      ['XADD', 's', 'MINID', '-', '8-0', 'a', '1'],
      ['XADD', 's', 'MINID', '~', 'x', '8-0', 'a', '1'],
      ['XADD', 's', 'NOMKSTREAM', 'MAXLEN', '1', '9-0', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XADD', 's', 'MAXLEN'],
      ['XADD', 's', 'MAXLEN', '5'],
    ],
  },
  {
    name: 'approximate trimming removes whole nodes only',
    cmds: [
      ...fill('s', 250),
      ['XTRIM', 's', 'MAXLEN', '~', '120'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '10'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MINID', '~', '249'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MINID', '249'],
      ['XLEN', 's'],
      ['XINFO', 'STREAM', 's'],
    ],
  },
  {
    name: 'trimming with LIMIT and node limits from the configuration',
    cmds: [
      ['CONFIG', 'SET', 'stream-node-max-entries', '10'],
      ...fill('s', 55),
      ['XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '25'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '5'],
      ['XTRIM', 's', 'MAXLEN', '0', 'LIMIT', '5'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '0'],
      ['XINFO', 'STREAM', 's'],
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
    ],
    resp: [2],
  },
  {
    name: 'node splits by size (stream-node-max-bytes)',
    cmds: [
      ...Array.from({ length: 30 }, (_, i): Command => ['XADD', 'big', `${i + 1}-0`, 'field', 'x'.repeat(300 + i * 7)]),
      ...Array.from(
        { length: 30 },
        (_, i): Command => ['XADD', 'nums', `${i + 1}-${i * 1000}`, `f${i % 3}`, String(i * 12345), 'g', '-17'],
      ),
      ['XINFO', 'STREAM', 'big'],
      ['XINFO', 'STREAM', 'nums'],
      ['XTRIM', 'big', 'MAXLEN', '~', '20'],
      ['XLEN', 'big'],
    ],
  },
  {
    name: 'radix tree shapes with many nodes',
    cmds: [
      ['CONFIG', 'SET', 'stream-node-max-entries', '2'],
      ...[
        '1-0',
        '1-5',
        '2-0',
        '255-0',
        '256-0',
        '257-3',
        '65535-0',
        '65536-0',
        '16777216-7',
        '1099511627776-0',
        '1099511627776-18446744073709551615',
        '1099511627777-0',
        '72057594037927936-1',
        '18446744073709551615-0',
        '18446744073709551615-9',
      ].map((id): Command => ['XADD', 's', id, 'f', 'v']),
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '65535-0', '65536-0'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '1-0', '1-5'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '18446744073709551615-0'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MINID', '1099511627776-1'],
      ['XINFO', 'STREAM', 's'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '3'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['XINFO', 'STREAM', 's'],
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
    ],
    resp: [2],
  },
  {
    name: 'XTRIM errors',
    cmds: [
      ['XTRIM', 'missing', 'MAXLEN', '1'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XTRIM', 's', 'LIMIT', '1'],
      ['XTRIM', 's', 'LIMIT', '0', 'x'],
      ['XTRIM', 's', 'FOO', '1'],
      ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '1'],
      ['XTRIM', 's', 'NOMKSTREAM', 'MAXLEN', '1'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['XTRIM', 's', 'MAXLEN'],
      ['SET', 'str', 'x'],
      ['XTRIM', 'str', 'MAXLEN', '0'],
      ['XADD', 'str', '1-0', 'a', '1'],
      ['XINFO', 'STREAM', 's'],
    ],
  },
  {
    name: 'XRANGE and XREVRANGE',
    cmds: [
      ...fill('s', 6),
      ['XADD', 's', '6-1', 'x', 'y', 'z', 'w'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '2', '4'],
      ['XRANGE', 's', '(2-0', '(4-0'],
      ['XRANGE', 's', '(2', '+', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '-1'],
      ['XRANGE', 's', '-', '+', 'COUNT', 'x'],
      ['XRANGE', 's', '-', '+', 'LIMIT', '1'],
      ['XRANGE', 's', '-', '+', 'COUNT'],
      ['XRANGE', 's', '(-', '+'],
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', '5', '3'],
      ['XRANGE', 's', '6', '6'],
      ['XREVRANGE', 's', '+', '-'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '3'],
      ['XREVRANGE', 's', '(6-1', '(1', 'COUNT', '2'],
      ['XREVRANGE', 's', '3', '5'],
      ['XRANGE', 'missing', '-', '+'],
      ['XRANGE', 'missing', '-', '+', 'COUNT', '0'],
      ['XRANGE', 'missing', 'bad', '+'],
      ['SET', 'str', 'x'],
      ['XRANGE', 'str', '-', '+'],
      ['XLEN', 'str'],
      ['XLEN', 'missing'],
    ],
  },
  {
    name: 'XDEL and stream metadata',
    cmds: [
      ...fill('s', 5),
      ['XDEL', 's', '1-0', '3-0', '9-0'],
      ['XDEL', 's', '1-0'],
      ['XDEL', 's', 'bad'],
      ['XDEL', 'missing', 'bad'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '1'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '2-0', '4-0', '5-0'],
      ['XLEN', 's'],
      ['EXISTS', 's'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '5-0', 'a', '1'],
      ['XADD', 's', '6-0', 'a', '1'],
      ['XINFO', 'STREAM', 's'],
    ],
  },
  {
    name: 'XDEL of a whole node and appending after it',
    cmds: [
      ...fill('s', 101),
      ['XDEL', 's', '101-0'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '102-0', 'f', 'v'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MINID', '102'],
      ['XINFO', 'STREAM', 's'],
    ],
  },
  {
    name: 'XSETID',
    cmds: [
      ...fill('s', 3),
      ['XSETID', 's', '2-0'],
      ['XSETID', 's', '10-0'],
      ['XADD', 's', '10-0', 'a', '1'],
      ['XSETID', 's', '20-0', 'ENTRIESADDED', '1'],
      ['XSETID', 's', '20-0', 'ENTRIESADDED', '-1'],
      ['XSETID', 's', '20-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '30-0'],
      ['XSETID', 's', '20-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '15-0'],
      ['XSETID', 's', '20-0', 'FOO'],
      ['XSETID', 's', '+'],
      ['XSETID', 'missing', '1-0'],
      ['XSETID', 's', '30-0', 'ENTRIESADDED', '9223372036854775807'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '30-*', 'a', '1'],
      ['XINFO', 'STREAM', 's'],
    ],
  },
  {
    name: 'XINFO STREAM FULL, HELP and errors',
    cmds: [
      ...fill('s', 12),
      ['XGROUP', 'CREATE', 's', 'g2', '0'],
      ['XGROUP', 'CREATE', 's', 'g1', '$'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '2'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-5'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x'],
      ['XINFO', 'STREAM', 's', 'FULL', 'x'],
      ['XINFO', 'STREAM', 's', 'foo'],
      ['XINFO', 'STREAM', 's', 'FULL', 'LIMIT', '1'],
      ['XINFO', 'STREAM', 'missing'],
      ['XINFO', 'HELP'],
      ['XINFO', 'HELP', 'x'],
      ['XINFO', 'FOO', 's'],
      ['XINFO'],
      ['XINFO', 'GROUPS'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'GROUPS', 'missing'],
      ['XINFO', 'CONSUMERS', 's', 'nog'],
      ['XINFO', 'CONSUMERS', 's', 'g1'],
      ['SET', 'str', 'x'],
      ['XINFO', 'STREAM', 'str'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
    ],
    normalize: normTimes,
  },
  {
    name: 'XGROUP subcommands',
    cmds: [
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's', 'g2', 'bad'],
      ['XGROUP', 'CREATE', 's', 'g2', '-'],
      ['XGROUP', 'CREATE', 's', 'g2', '5', 'FOO'],
      ['XGROUP', 'CREATE', 's', 'g2', '5', 'ENTRIESREAD', '-2'],
      ['XGROUP', 'CREATE', 's', 'g2', '5', 'ENTRIESREAD', 'x'],
      ['XGROUP', 'CREATE', 's', 'g2', '5', 'ENTRIESREAD', '3'],
      ['XGROUP', 'CREATE', 's', 'g3', '5', 'ENTRIESREAD'],
      ['XGROUP', 'CREATE', 's', 'g3', '5', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'SETID', 's', 'g', '7'],
      ['XGROUP', 'SETID', 's', 'g', '+', 'ENTRIESREAD', '5'],
      ['XGROUP', 'SETID', 's', 'nog', '7'],
      ['XGROUP', 'SETID', 's', 'g', '7', 'MKSTREAM'],
      ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '1', 'x'],
      ['XGROUP', 'SETID', 'missing', 'g', '7'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'nog', 'bob'],
      ['XGROUP', 'DESTROY', 's', 'g2'],
      ['XGROUP', 'DESTROY', 's', 'g2'],
      ['XGROUP', 'DESTROY', 'missing', 'g2'],
      ['XGROUP', 'HELP'],
      ['XGROUP', 'HELP', 'x'],
      ['XGROUP', 'FOO'],
      ['XGROUP'],
      ['XGROUP', 'CREATE', 's'],
      ['XGROUP', 'DESTROY', 's', 'g', 'x'],
      ['SET', 'str', 'x'],
      ['XGROUP', 'CREATE', 'str', 'g', '$'],
      ['XINFO', 'GROUPS', 's'],
    ],
  },
  {
    name: 'XREADGROUP, XACK and XPENDING',
    cmds: [
      ...fill('s', 5),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'carol', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'bob'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
      ['XPENDING', 's', 'g', '(1-0', '+', '1'],
      ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', '100000', '-', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '-1'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', 'IDLE', '5', '-', '+'],
      ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '1'],
      ['XPENDING', 's', 'g', '-', '+', 'x'],
      ['XPENDING', 's', 'g', 'bad', '+', '1'],
      ['XPENDING', 's', 'g', '-', '+', '1', 'alice', 'extra'],
      ['XPENDING', 's', 'nog'],
      ['XPENDING', 'missing', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-0'],
      ['XACK', 's', 'g', '1-0', '3-0', '9-0'],
      ['XACK', 's', 'g', '1-0'],
      ['XACK', 's', 'g', 'bad'],
      ['XACK', 's', 'nog', 'bad'],
      ['XACK', 'missing', 'g', '1-0'],
      ['XPENDING', 's', 'g'],
      ['XDEL', 's', '2-0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XPENDING', 's', 'g'],
    ],
    normalize: normTimes,
  },
  {
    name: 'XREADGROUP errors and edge cases',
    cmds: [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'bad'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'missing', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'COUNT', '1', 'STREAMS', 's', '>', 'x'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'FOO', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 'x', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '-1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 'x', 'STREAMS', 's', '>'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 's', '>', '>'],
      ['SET', 'str', 'x'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>'],
      ['MULTI'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'],
      ['EXEC'],
    ],
    normalize: normTimes,
  },
  {
    name: 'XREADGROUP reassigns entries after SETID back',
    cmds: [
      ...fill('s', 3),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'],
      ['XGROUP', 'SETID', 's', 'g', '1-0'],
      ['XREADGROUP', 'GROUP', 'g', 'b', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'b', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
    ],
    normalize: normTimes,
  },
  {
    name: 'XREAD',
    cmds: [
      ...fill('s', 3),
      ...fill('t', 2, 10),
      ['XREAD', 'STREAMS', 's', '0'],
      ['XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '1', '0'],
      ['XREAD', 'STREAMS', 's', 't', '$', '$'],
      ['XREAD', 'STREAMS', 's', 'missing', '0', '0'],
      ['XREAD', 'STREAMS', 'missing', '$'],
      ['XREAD', 'STREAMS', 's', '>'],
      ['XREAD', 'STREAMS', 's'],
      ['XREAD', 'STREAMS', 's', 't', '0'],
      ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XREAD', 'NOACK', 'STREAMS', 's', '0'],
      ['XREAD', 'COUNT', '-5', 'STREAMS', 's', '0'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0'],
      ['XREAD', 'BLOCK', '1.5', 'STREAMS', 's', '0'],
      ['XREAD', 'STREAMS', 's', 'bad'],
      ['XREAD', 'STREAMS', 's', '-'],
      ['XREAD', 'COUNT', '1'],
      ['XREAD', 'FOO', 'STREAMS', 's', '0'],
      ['XREAD', 'BLOCK', '10', 'STREAMS', 's', '0'],
      ['SET', 'str', 'x'],
      ['XREAD', 'STREAMS', 'str', '0'],
      ['XREAD', 'STREAMS', 's', 'str', '0', '0'],
      ['XDEL', 's', '3-0'],
      ['XREAD', 'STREAMS', 's', '2-0'],
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
      ['EXEC'],
      ['EVAL', "return redis.pcall('xread', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')", '1', 's'],
      ['EVAL', "return redis.pcall('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', KEYS[1], '>')", '1', 's'],
      ['EVAL', "return redis.call('XREAD', 'COUNT', '1', 'STREAMS', KEYS[1], '0')", '1', 's'],
    ],
  },
  {
    name: 'XCLAIM',
    cmds: [
      ...fill('s', 5),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'b', '0', '1-0', '2-0'],
      ['XCLAIM', 's', 'g', 'b', '0', '3-0', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'b', '100000', '4-0'],
      ['XCLAIM', 's', 'g', 'c', '0', '4-0', 'RETRYCOUNT', '7', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'c', '0', '9-0', 'FORCE'],
      ['XDEL', 's', '5-0'],
      ['XCLAIM', 's', 'g', 'c', '0', '5-0'],
      ['XADD', 's', '6-0', 'f', 'v'],
      ['XCLAIM', 's', 'g', 'd', '0', '6-0', 'FORCE'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'LASTID', '10-0', 'JUSTID'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XPENDING', 's', 'g'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'IDLE', '-5', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'd', 'x', '1-0'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'FOO'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'IDLE'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'IDLE', 'x'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'TIME', 'x'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'RETRYCOUNT', 'x'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'LASTID', 'x'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'JUSTID', '2-0'],
      ['XCLAIM', 's', 'nog', 'd', 'x', '1-0'],
      ['XCLAIM', 'missing', 'g', 'd', '0', '1-0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ],
    normalize: normTimes,
  },
  {
    name: 'XAUTOCLAIM',
    cmds: [
      ...fill('s', 8),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'],
      ['XDEL', 's', '3-0', '4-0'],
      ['XAUTOCLAIM', 's', 'g', 'b', '0', '0', 'COUNT', '2'],
      ['XAUTOCLAIM', 's', 'g', 'b', '0', '3-0', 'COUNT', '2'],
      ['XAUTOCLAIM', 's', 'g', 'b', '0', '(5-0', 'COUNT', '2', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'b', '0', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '100000', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'c', 'x', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', 'bad'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'FOO'],
      ['XAUTOCLAIM', 's', 'nog', 'c', '0', '0'],
      ['XAUTOCLAIM', 'missing', 'g', 'c', '0', '0'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ],
    normalize: normTimes,
  },
  {
    name: 'consumer group lag and entries-read',
    cmds: [
      ...fill('s', 5),
      ['XGROUP', 'CREATE', 's', 'g1', '0'],
      ['XGROUP', 'CREATE', 's', 'g2', '3-0'],
      ['XGROUP', 'CREATE', 's', 'g3', '$'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g1', 'c', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XDEL', 's', '4-0'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g1', 'c', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XADD', 's', '6-0', 'f', 'v'],
      ['XTRIM', 's', 'MAXLEN', '1'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'STREAM', 's'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '20', 'MAXDELETEDID', '9-0'],
      ['XINFO', 'GROUPS', 's'],
    ],
  },
]);

/** A seeded random walk over the stream and group commands, compared reply by reply. */
function randomWalk(seed: number, steps: number): Command[] {
  let x = seed >>> 0;
  const rand = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const cmds: Command[] = [['CONFIG', 'SET', 'stream-node-max-entries', '4']];
  let ms = 1;
  const id = () => `${1 + Math.floor(rand() * (ms + 2))}-${Math.floor(rand() * 3)}`;
  const groups = ['g1', 'g2'];
  const consumers = ['alice', 'bob', 'carol'];
  for (let i = 0; i < steps; i++) {
    const r = rand();
    if (r < 0.3) {
      ms += Math.floor(rand() * 2);
      const trim = rand();
      const opts =
        trim < 0.1 ? ['MAXLEN', '~', '6'] : trim < 0.2 ? ['MAXLEN', '8'] : trim < 0.25 ? ['MINID', `${Math.max(1, ms - 5)}`] : [];
      cmds.push(['XADD', 's', ...opts, rand() < 0.5 ? `${ms}-*` : `${ms}-${Math.floor(rand() * 4)}`, pick(['f', 'g']), String(i)]);
    } else if (r < 0.38) cmds.push(['XDEL', 's', id(), id()]);
    else if (r < 0.42) cmds.push(['XTRIM', 's', pick(['MAXLEN', 'MINID']), pick(['~', '=']), pick(['3', '10', `${ms - 3}`])]);
    else if (r < 0.47) cmds.push(['XGROUP', 'CREATE', 's', pick(groups), pick(['0', '$', id()]), 'MKSTREAM']);
    else if (r < 0.5) cmds.push(['XGROUP', 'SETID', 's', pick(groups), pick(['0', '$', id()])]);
    else if (r < 0.52) cmds.push(['XGROUP', 'DESTROY', 's', pick(groups)]);
    else if (r < 0.54) cmds.push(['XGROUP', 'DELCONSUMER', 's', pick(groups), pick(consumers)]);
    else if (r < 0.66) {
      const noack = rand() < 0.15 ? ['NOACK'] : [];
      cmds.push([
        'XREADGROUP',
        'GROUP',
        pick(groups),
        pick(consumers),
        'COUNT',
        pick(['1', '2', '5']),
        ...noack,
        'STREAMS',
        's',
        rand() < 0.8 ? '>' : '0',
      ]);
    } else if (r < 0.72) cmds.push(['XACK', 's', pick(groups), id(), id()]);
    else if (r < 0.76)
      cmds.push([
        'XCLAIM',
        's',
        pick(groups),
        pick(consumers),
        '0',
        id(),
        id(),
        ...(rand() < 0.5 ? ['JUSTID'] : []),
        ...(rand() < 0.2 ? ['FORCE'] : []),
      ]);
    else if (r < 0.8)
      cmds.push([
        'XAUTOCLAIM',
        's',
        pick(groups),
        pick(consumers),
        '0',
        pick(['0', id()]),
        'COUNT',
        pick(['1', '3', '10']),
        ...(rand() < 0.5 ? ['JUSTID'] : []),
      ]);
    else if (r < 0.85)
      cmds.push(['XPENDING', 's', pick(groups), ...(rand() < 0.5 ? [] : ['-', '+', '10', ...(rand() < 0.5 ? [pick(consumers)] : [])])]);
    else if (r < 0.9) cmds.push(['XINFO', pick(['GROUPS', 'STREAM']), 's']);
    else if (r < 0.93) cmds.push(['XINFO', 'CONSUMERS', 's', pick(groups)]);
    else if (r < 0.97) cmds.push(['XRANGE', 's', '-', '+']);
    else cmds.push(['XREAD', 'COUNT', '3', 'STREAMS', 's', id()]);
  }
  cmds.push(['XINFO', 'STREAM', 's', 'FULL'], ['CONFIG', 'SET', 'stream-node-max-entries', '100']);
  return cmds;
}

compatSuite(
  'streams: random walks',
  [1, 2, 3, 4].map((seed) => ({ name: `seed ${seed}`, cmds: randomWalk(seed, 400), normalize: normTimes, resp: [2] as const })),
);

describe.runIf(haveRealRedis)('compat: random walks exercise more than errors', () => {
  const targets = useTargets();
  it('most replies of a walk are not errors, and reads deliver entries', async () => {
    const cmds = randomWalk(1, 400);
    const replies = await runOn(targets().sim.port, cmds, 2);
    const errors = replies.filter((r) => r.startsWith('-')).length;
    expect(errors / replies.length).toBeLessThan(0.3);
    const delivered = replies.filter(
      (r, i) => cmds[i]?.[0] === 'XREADGROUP' && r.startsWith('*1\r\n*2\r\n$1\r\ns\r\n*') && !r.includes('\r\n*0\r\n'),
    );
    expect(delivered.length).toBeGreaterThan(10);
    const claimed = replies.filter((r, i) => cmds[i]?.[0] === 'XAUTOCLAIM' && !r.startsWith('*3\r\n$3\r\n0-0\r\n*0\r\n'));
    expect(claimed.length).toBeGreaterThan(5);
  });
});

/** Blocking readers: connection 2 (and 3) block, connection 1 writes; on both servers, RESP2 and RESP3. */
const X = (...cmd: string[]) => ({ c: 1, cmd });
const block = (c: number, ...cmd: string[]) => ({ c, cmd, replies: 0 });
const served = (c: number) => ({ c, read: 1 });

scenarioSuite('blocking stream readers', [
  {
    name: 'XREAD BLOCK $ is served by XADD, not by XDEL or XSETID',
    steps: [
      X('XADD', 's', '1-0', 'f', 'v'),
      block(2, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'),
      { blocked: 1 },
      X('XDEL', 's', '1-0'),
      X('XSETID', 's', '5-0'),
      X('XADD', 's', '6-0', 'g', 'w'),
      served(2),
    ],
  },
  {
    name: 'XREADGROUP BLOCK: served by XADD, NOGROUP on DESTROY, UNBLOCKED on DEL',
    steps: [
      X('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'),
      block(2, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'),
      { blocked: 1 },
      X('XINFO', 'GROUPS', 's'),
      X('XADD', 's', '1-0', 'f', 'v'),
      served(2),
      block(2, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'),
      { blocked: 1 },
      X('XGROUP', 'DESTROY', 's', 'g'),
      served(2),
      X('XGROUP', 'CREATE', 's', 'g', '$'),
      block(2, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'),
      { blocked: 1 },
      X('DEL', 's'),
      served(2),
    ],
  },
  {
    name: 'a reader blocked on two keys is served from the first key signalled in a transaction',
    steps: [
      block(2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k1', 'k2', '$', '$'),
      { blocked: 1 },
      X('MULTI'),
      X('XADD', 'k2', '1-0', 'f', 'v'),
      X('XADD', 'k1', '1-0', 'f', 'v'),
      X('EXEC'),
      served(2),
    ],
  },
  {
    name: 'FLUSHALL unblocks XREADGROUP with UNBLOCKED and leaves XREAD waiting',
    steps: [
      X('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'),
      block(2, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'),
      block(3, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'),
      { blocked: 2 },
      X('FLUSHALL'),
      served(2),
      X('XADD', 's', '1-0', 'f', 'v'),
      served(3),
    ],
  },
  {
    name: 'XREAD BLOCK times out with a null array; a key set to another type keeps XREAD blocked',
    steps: [
      { c: 2, cmd: ['XREAD', 'BLOCK', '20', 'STREAMS', 's', '$'] },
      block(2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'x', 's', '$', '$'),
      { blocked: 1 },
      X('SET', 'x', 'str'),
      X('XADD', 's', '1-0', 'f', 'v'),
      served(2),
    ],
  },
]);
