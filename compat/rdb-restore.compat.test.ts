/**
 * RESTORE of payloads in every encoding Redis 7.0 still loads (RDB versions before 10: ziplist
 * hashes, zsets and lists, quicklists of ziplists, zipmaps, v1 zsets, v9 streams) and of corrupt
 * payloads with a valid checksum: the same replies from redis-sim and a real Redis 7.0.
 */
import { ListpackBuilder } from '../src/rdb/listpack.js';
import { asciiScore, len, payload, str, streamId, ziplist, zipmap } from '../test/rdb-payloads.js';
import { compatSuite } from './harness.js';

const b = (...parts: (number[] | Buffer)[]) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));

/** A v9 stream (RDB_TYPE_STREAM_LISTPACKS) with one node, one group and a PEL of one entry. */
function v9Stream(): string {
  const lp = new ListpackBuilder();
  // Master entry: count 2, deleted 0, 2 fields, a b, terminator.
  for (const v of [2, 0, 2]) lp.int(v);
  lp.str('a');
  lp.str('b');
  lp.int(0);
  // 5-1 with the master's fields; 5-2 with its own.
  for (const v of [2, 0, 0]) lp.int(v);
  lp.str('1');
  lp.str('2');
  lp.int(5);
  for (const v of [0, 0, 1, 1]) lp.int(v);
  lp.str('c');
  lp.str('hello');
  lp.int(6);
  const time = Buffer.alloc(8);
  time.writeBigInt64LE(1700000000000n);
  return payload(
    b(
      [15],
      len(1),
      str(streamId(5, 1)),
      str(lp.finish()),
      len(2),
      len(5),
      len(2),
      len(1),
      str('grp'),
      len(5),
      len(1),
      len(1),
      streamId(5, 1),
      time,
      len(3),
      len(1),
      str('alice'),
      time,
      len(1),
      streamId(5, 1),
    ),
    9,
  );
}

const reads = (key: string, type: string): string[][] => {
  switch (type) {
    case 'hash':
      return [
        ['HGETALL', key],
        ['OBJECT', 'ENCODING', key],
        ['HLEN', key],
      ];
    case 'zset':
      return [
        ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
        ['OBJECT', 'ENCODING', key],
      ];
    case 'list':
      return [
        ['LRANGE', key, '0', '-1'],
        ['OBJECT', 'ENCODING', key],
      ];
    case 'set':
      return [
        ['SORT', key, 'ALPHA'],
        ['OBJECT', 'ENCODING', key],
        ['SCARD', key],
      ];
    default:
      return [
        ['XRANGE', key, '-', '+'],
        ['XINFO', 'GROUPS', key],
        ['XPENDING', key, 'grp'],
        ['XLEN', key],
      ];
  }
};

const many = Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]).flat();

const OLD: { name: string; type: string; body: Buffer; version: number }[] = [
  { name: 'hash ziplist (13)', type: 'hash', body: b([13], str(ziplist(['f1', 'v1', 'n', '12', 'big', '-5000000000']))), version: 9 },
  {
    name: 'hash ziplist over the entry limit',
    type: 'hash',
    body: b([13], str(ziplist(Array.from({ length: 1100 }, (_, i) => String(i))))),
    version: 9,
  },
  { name: 'zset ziplist (12)', type: 'zset', body: b([12], str(ziplist(['c', '-3', 'a', '1', 'b', '2.5']))), version: 9 },
  { name: 'list ziplist (10)', type: 'list', body: b([10], str(ziplist(['x', '7', '-100', '70000', '3000000000', 'y']))), version: 6 },
  {
    name: 'list quicklist of ziplists (14)',
    type: 'list',
    body: b([14], len(2), str(ziplist(['a', 'b'])), str(ziplist(['1', '2', '3']))),
    version: 9,
  },
  {
    name: 'hash zipmap (9)',
    type: 'hash',
    body: b(
      [9],
      str(
        zipmap([
          ['name', 'redis'],
          ['ver', '2'],
        ]),
      ),
    ),
    version: 3,
  },
  { name: 'plain list (1)', type: 'list', body: b([1], len(3), str('a'), str('bb'), str('ccc')), version: 4 },
  { name: 'plain set (2) of integers becomes an intset', type: 'set', body: b([2], len(3), str('3'), str('1'), str('2')), version: 10 },
  { name: 'plain hash (4), small: listpack', type: 'hash', body: b([4], len(2), str('f'), str('v'), str('g'), str('w')), version: 10 },
  { name: 'plain hash (4), 200 fields', type: 'hash', body: b([4], len(200), ...many.map((s) => str(s))), version: 10 },
  {
    name: 'zset v1 (3) with ASCII scores',
    type: 'zset',
    body: b([3], len(3), str('a'), asciiScore('1.5'), str('b'), Buffer.from([254]), str('c'), Buffer.from([255])),
    version: 4,
  },
];

const BAD: { name: string; body: Buffer }[] = [
  // A list claiming 33,554,432 elements in a 30-byte payload.
  { name: 'huge count, few bytes', body: b([1], [0x80, 0x02, 0x00, 0x00, 0x00], str('a'), str('b')) },
  { name: 'huge set count', body: b([2], [0x80, 0x02, 0x00, 0x00, 0x00], str('1')) },
  { name: 'huge zset count', body: b([5], [0x80, 0x02, 0x00, 0x00, 0x00], str('1')) },
  { name: 'huge hash count', body: b([4], [0x80, 0x02, 0x00, 0x00, 0x00], str('1')) },
  { name: 'huge stream node count', body: b([19], [0x80, 0x02, 0x00, 0x00, 0x00]) },
  // Redis reads a short body on into the footer: 'abc' + version + 5 CRC bytes is a 10-byte string.
  { name: 'string running into the footer', body: b([0], [10], Buffer.from('abc')) },
  { name: 'truncated string', body: b([0], [20], Buffer.from('abc')) },
  { name: 'unknown type', body: b([8], str('x')) },
  { name: 'listpack with a wrong size', body: b([16], str(Buffer.from([20, 0, 0, 0, 2, 0, 0x81, 0x61, 2, 0x81, 0x62, 2, 0xff]))) },
  { name: 'intset of a bad width', body: b([11], str(Buffer.from([3, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0]))) },
  { name: 'empty list', body: b([18], len(0)) },
  { name: 'duplicate set member', body: b([2], len(2), str('a'), str('a')) },
  { name: 'lzf with bad data', body: b([0], [0xc3], len(3), len(30), [0xe0, 0xff, 0xff]) },
];

compatSuite('RESTORE of older RDB encodings', [
  ...OLD.map((o) => ({
    name: o.name,
    cmds: [['RESTORE', 'k', '0', payload(o.body, o.version)], ...reads('k', o.type)],
    // Hash tables: Redis's order is its dict's.
    unordered: o.type === 'hash' && (o.name.includes('200') || o.name.includes('limit')) ? [1] : undefined,
  })),
  { name: 'v9 stream (15) with a group', cmds: [['RESTORE', 'x', '0', v9Stream()], ...reads('x', 'stream'), ['XINFO', 'STREAM', 'x']] },
]);

compatSuite('RESTORE of corrupt payloads', [
  ...BAD.map((o) => ({
    name: o.name,
    cmds: [
      ['RESTORE', 'k', '0', payload(o.body)],
      ['EXISTS', 'k'],
    ],
  })),
  {
    name: 'with sanitize-dump-payload yes',
    cmds: [
      ['CONFIG', 'SET', 'sanitize-dump-payload', 'yes'],
      ...BAD.map((o) => ['RESTORE', 'k', '0', payload(o.body), 'REPLACE']),
      // Deep sanitization: an unsorted intset.
      ['RESTORE', 'k', '0', payload(b([11], str(Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0])))), 'REPLACE'],
      ['RESTORE', 'k', '0', payload(b([0], str('fine'))), 'REPLACE'],
      ['GET', 'k'],
      ['CONFIG', 'SET', 'sanitize-dump-payload', 'no'],
    ],
  },
  { name: 'a version from the future', cmds: [['RESTORE', 'k', '0', payload(b([0], str('v')), 11)]] },
]);

/** A listpack of `items` (as Redis builds it: integers where lpStringToInt64 accepts them). */
function lpOf(...items: string[]): Buffer {
  const lp = new ListpackBuilder();
  for (const it of items) lp.str(it);
  return lp.finish();
}

/**
 * Payloads with blobs Redis validates deeply under sanitize-dump-payload: a hash listpack (1), a
 * zset listpack (1), an intset (1), a quicklist of two listpack nodes (2), a v9 stream with one
 * node (1), and a string (none).
 */
const SANITIZED = [
  payload(b([16], str(lpOf('f', 'v', 'g', '7')))),
  payload(b([17], str(lpOf('a', '1', 'b', '2.5')))),
  payload(b([11], str(Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 5, 0])))),
  payload(b([18], len(2), len(2), str(lpOf('a', 'b')), len(2), str(lpOf('c')))),
  v9Stream(),
  payload(b([0], str('plain'))),
];

/** INFO stats reduced to its dump_payload_sanitizations line. */
const sanitizationsLine = (raw: string): string => /dump_payload_sanitizations:\d+/.exec(raw)?.[0] ?? raw;

compatSuite('sanitize-dump-payload and INFO dump_payload_sanitizations', [
  {
    name: 'RESTORE counts deep validations under yes and clients, none under no',
    resp: [2],
    normalize: (raw) => (raw.includes('# Stats') ? sanitizationsLine(raw) : raw),
    cmds: [
      ['CONFIG', 'RESETSTAT'],
      ...['no', 'yes', 'clients'].flatMap((mode) => [
        ['CONFIG', 'SET', 'sanitize-dump-payload', mode],
        ...SANITIZED.map((p) => ['RESTORE', 'k', '0', p, 'REPLACE']),
        ['INFO', 'stats'],
      ]),
      ['CONFIG', 'SET', 'sanitize-dump-payload', 'no'],
    ],
  },
]);
