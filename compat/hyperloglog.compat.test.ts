/**
 * HyperLogLog compared with real Redis byte for byte: the HLL strings themselves (GET after every
 * step, sparse and dense), estimates from 1 to 30,000 elements, the sparse -> dense promotion
 * (by size and by a register above 32), the cached cardinality, PFDEBUG outputs, corrupt and
 * foreign strings, errors and their order, MULTI, scripts, notifications and WATCH.
 */
import { type Command, type CompatCase, compatSuite } from './harness.js';
import { type Scenario, scenarioSuite } from './scenario.js';

const range = (from: number, to: number, f: (i: number) => string = (i) => `e${i}`): string[] => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(f(i));
  return out;
};

/** Adds elements from..to in batches of `batch`, each batch followed by `after` commands. */
function batches(
  key: string,
  from: number,
  to: number,
  batch: number,
  after: (i: number) => Command[],
  f?: (i: number) => string,
): Command[] {
  const cmds: Command[] = [];
  for (let i = from; i < to; i += batch) {
    cmds.push(['PFADD', key, ...range(i, Math.min(to, i + batch), f)]);
    cmds.push(...after(i));
  }
  return cmds;
}

const HDR_SPARSE = 'HYLL\x01\x00\x00\x00';
const VALID_CACHE_0 = '\x00\x00\x00\x00\x00\x00\x00\x00';
const STALE_CACHE = '\x00\x00\x00\x00\x00\x00\x00\x80';
/** XZERO opcode for `n` zero registers. */
const xzero = (n: number) => String.fromCharCode(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
/** VAL opcode: `len` registers of value `v`. */
const val = (v: number, len: number) => String.fromCharCode(0x80 | ((v - 1) << 2) | (len - 1));
/** ZERO opcode for `n` zero registers. */
const zero = (n: number) => String.fromCharCode(n - 1);

/** A dense HLL whose registers are given by `reg(i)` (6 bits each, LSB first). */
function dense(reg: (i: number) => number, cache = STALE_CACHE): string {
  const bytes = new Uint8Array(12288 + 1);
  for (let i = 0; i < 16384; i++) {
    const v = reg(i);
    const bit = i * 6;
    const b = bit >> 3;
    const fb = bit & 7;
    bytes[b] = (bytes[b] as number) | ((v << fb) & 0xff);
    bytes[b + 1] = (bytes[b + 1] as number) | (v >> (8 - fb));
  }
  return `HYLL\x00\x00\x00\x00${cache}${Buffer.from(bytes.subarray(0, 12288)).toString('latin1')}`;
}

const state = (k: string): Command[] => [
  ['GET', k],
  ['PFDEBUG', 'ENCODING', k],
];

const cases: CompatCase[] = [
  {
    name: 'PFADD / PFCOUNT basics, the value bytes and the cached cardinality',
    cmds: [
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['GET', 'h'],
      ['PFADD', 'h', 'a'],
      ['PFADD', 'h', 'a', 'b', 'c', 'd'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['PFADD', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h', 'e'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['PFADD', 'new'],
      ['GET', 'new'],
      ['PFCOUNT', 'new'],
      ['GET', 'new'],
      ['PFCOUNT', 'missing'],
      ['EXISTS', 'missing'],
      ['TYPE', 'h'],
      ['OBJECT', 'ENCODING', 'h'],
      ['STRLEN', 'h'],
      ['PFADD', 'h', ''],
      ['PFCOUNT', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
    ],
  },
  {
    name: 'arity and argument errors',
    cmds: [
      ['PFADD'],
      ['PFCOUNT'],
      ['PFMERGE'],
      ['PFDEBUG'],
      ['PFDEBUG', 'GETREG'],
      ['PFDEBUG', 'GETREG', 'a', 'b'],
      ['PFSELFTEST', 'x'],
      ['PFDEBUG', 'GETREG', 'nokey'],
      ['PFDEBUG', 'NOSUCH', 'nokey'],
      ['PFADD', 'h', 'x'],
      ['PFDEBUG', 'NOSUCH', 'h'],
      ['PFDEBUG', 'nosuch\x00tail', 'h'],
      ['PFDEBUG', 'encoding\x00x', 'h'],
      ['PFDEBUG', 'EnCoDiNg', 'h'],
      ['PFDEBUG', 'todense', 'h'],
      ['PFDEBUG', 'decode', 'h'],
      ['PFDEBUG', 'todense', 'h'],
    ],
  },
  {
    name: 'WRONGTYPE: other types and strings that are not HLLs, in argument order',
    cmds: [
      ['RPUSH', 'l', 'x'],
      ['SET', 's', 'hello'],
      ['SET', 'i', '12345678901234567'],
      ['SET', 'short', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
      ['SET', 'magic', `HYLX\x01\x00\x00\x00${VALID_CACHE_0}${xzero(16384)}`],
      ['SET', 'enc2', `HYLL\x02\x00\x00\x00${VALID_CACHE_0}${xzero(16384)}`],
      ['SET', 'dshort', `HYLL\x00\x00\x00\x00${VALID_CACHE_0}${'\x00'.repeat(100)}`],
      ['PFADD', 'h', 'a'],
      ...['l', 's', 'i', 'short', 'magic', 'enc2', 'dshort'].flatMap((k): Command[] => [
        ['PFADD', k, 'a'],
        ['PFADD', k],
        ['PFCOUNT', k],
        ['PFCOUNT', 'h', k],
        ['PFCOUNT', k, 'l'],
        ['PFMERGE', k, 'h'],
        ['PFMERGE', 'h', k],
        ['PFMERGE', 'nokey', 'h', k],
        ['PFDEBUG', 'ENCODING', k],
        ['PFDEBUG', 'NOSUCH', k],
        ['GET', k],
      ]),
      ['EXISTS', 'nokey'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
    ],
  },
  {
    name: 'thousands of elements: estimates, promotion to dense, cache',
    cmds: [
      ...batches('big', 0, 4000, 250, (i) => [
        ['PFCOUNT', 'big'],
        ['PFCOUNT', 'big'],
        ...(i % 1000 === 0 ? state('big') : [['PFDEBUG', 'ENCODING', 'big'] as Command]),
      ]),
      ...state('big'),
      ['STRLEN', 'big'],
      ['PFADD', 'big', 'e1', 'e2'],
      ['PFCOUNT', 'big'],
      ['GET', 'big'],
      ...batches('big', 4000, 30000, 2000, () => [['PFCOUNT', 'big']]),
      ...state('big'),
      ['OBJECT', 'ENCODING', 'big'],
    ],
  },
  {
    name: 'sparse representation one element at a time (splits and merges of opcodes)',
    cmds: [
      ...batches('sp', 0, 300, 1, (i) => (i % 3 === 0 ? [['PFDEBUG', 'DECODE', 'sp']] : [])),
      ...state('sp'),
      ['PFCOUNT', 'sp'],
      ['PFDEBUG', 'DECODE', 'sp'],
    ],
  },
  {
    name: 'sparse grows to hll-sparse-max-bytes then turns dense',
    cmds: [
      ...batches('g', 0, 2600, 20, () => [
        ['STRLEN', 'g'],
        ['PFDEBUG', 'ENCODING', 'g'],
      ]),
      ['GET', 'g'],
      ['PFCOUNT', 'g'],
    ],
  },
  {
    name: 'hll-sparse-max-bytes: small and zero limits',
    cmds: [
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '40'],
      ...batches('a', 0, 30, 1, () => [
        ['PFDEBUG', 'ENCODING', 'a'],
        ['STRLEN', 'a'],
      ]),
      ['GET', 'a'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '0'],
      ['PFADD', 'z', 'x'],
      ['PFDEBUG', 'ENCODING', 'z'],
      ['PFADD', 'z'],
      ['PFDEBUG', 'ENCODING', 'z'],
      ['PFCOUNT', 'z'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
    ],
  },
  {
    name: 'PFCOUNT of several keys: the union, no key modified',
    cmds: [
      ['PFADD', 'a', ...range(0, 1000)],
      ['PFADD', 'b', ...range(500, 1500)],
      ['PFADD', 'c', ...range(0, 8000)],
      ['PFADD', 'd', 'x', 'y'],
      ['PFCOUNT', 'a', 'b'],
      ['PFCOUNT', 'a', 'b', 'nokey'],
      ['PFCOUNT', 'nokey', 'nokey2'],
      ['PFCOUNT', 'a', 'c'],
      ['PFCOUNT', 'c', 'd', 'a', 'b'],
      ['PFCOUNT', 'a', 'a'],
      ['GET', 'a'],
      ['GET', 'd'],
      ['PFCOUNT', 'a'],
      ['PFCOUNT', 'b'],
      ['PFCOUNT', 'c'],
      ['PFCOUNT', 'd'],
    ],
  },
  {
    name: 'PFMERGE: sparse, dense, missing and existing destinations',
    cmds: [
      ['PFADD', 's1', ...range(0, 100)],
      ['PFADD', 's2', ...range(50, 200)],
      ['PFADD', 'big', ...range(0, 5000)],
      ['PFMERGE', 'd1', 's1', 's2'],
      ...state('d1'),
      ['PFCOUNT', 'd1'],
      ['PFMERGE', 'd1', 's1'],
      ['GET', 'd1'],
      ['PFMERGE', 'd2', 's1', 'big'],
      ...state('d2'),
      ['PFCOUNT', 'd2'],
      ['PFMERGE', 's1', 'big'],
      ...state('s1'),
      ['PFCOUNT', 's1'],
      ['PFMERGE', 'only'],
      ['GET', 'only'],
      ['PFMERGE', 'only'],
      ['GET', 'only'],
      ['PFMERGE', 'e', 'nokey1', 'nokey2'],
      ['GET', 'e'],
      ['PFMERGE', 's2', 's2'],
      ['GET', 's2'],
      ['PFMERGE', 'big', 's2'],
      ['PFCOUNT', 'big'],
      ['PFDEBUG', 'ENCODING', 'big'],
    ],
  },
  {
    name: 'registers above 32 promote a sparse destination; dense values up to 63',
    cmds: [
      ['SET', 'hi', dense((i) => (i % 97 === 0 ? 40 : i % 5 === 0 ? 3 : 0))],
      ['SET', 'max', dense((i) => (i % 1000 === 0 ? 63 : 1), `\x05${'\x00'.repeat(7)}`)],
      ['PFCOUNT', 'hi'],
      ['PFCOUNT', 'max'],
      ['PFCOUNT', 'hi', 'max'],
      ['PFADD', 'sp', 'a', 'b'],
      ['PFMERGE', 'sp', 'hi'],
      ...state('sp'),
      ['PFCOUNT', 'sp'],
      ['PFADD', 'sp2', 'q'],
      ['PFDEBUG', 'GETREG', 'sp2'],
      ['PFMERGE', 'x', 'max'],
      ['PFCOUNT', 'x'],
      ['PFADD', 'max', ...range(0, 100)],
      ['PFCOUNT', 'max'],
    ],
  },
  {
    name: 'PFDEBUG GETREG / DECODE / ENCODING / TODENSE',
    cmds: [
      ['PFADD', 'h', ...range(0, 50)],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['GET', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFADD', 'h2', 'x'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['GET', 'h2'],
      ['PFCOUNT', 'h2'],
      ['PFADD', 'empty'],
      ['PFDEBUG', 'DECODE', 'empty'],
      ['SET', 'hdr', `${HDR_SPARSE}${VALID_CACHE_0}`],
      ['PFDEBUG', 'DECODE', 'hdr'],
      ['PFDEBUG', 'ENCODING', 'hdr'],
    ],
  },
  {
    name: 'HLL strings written with SET: valid, cached, embstr unshared',
    cmds: [
      [
        'SET',
        'k',
        `${HDR_SPARSE}${STALE_CACHE}${xzero(8436)}${val(1, 1)}${xzero(4274)}${val(2, 1)}${xzero(3068)}${val(1, 1)}${xzero(603)}`,
      ],
      ['OBJECT', 'ENCODING', 'k'],
      ['PFCOUNT', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['GET', 'k'],
      ['SET', 'c', `${HDR_SPARSE}\xff\xff\xff\xff\xff\xff\xff\x7f${xzero(16384)}`],
      ['PFCOUNT', 'c'],
      ['PFCOUNT', 'c', 'k'],
      ['SET', 'c2', `${HDR_SPARSE}\x39\x30\x00\x00\x00\x00\x00\x00${xzero(16384)}`],
      ['PFCOUNT', 'c2'],
      ['OBJECT', 'ENCODING', 'c2'],
      ['PFADD', 'c2', 'a'],
      ['GET', 'c2'],
      ['SET', 'e', `${HDR_SPARSE}${VALID_CACHE_0}${xzero(16384)}`],
      ['PFDEBUG', 'ENCODING', 'e'],
      ['OBJECT', 'ENCODING', 'e'],
      ['SET', 'f', `HYLL\x01\xaa\xbb\xcc${STALE_CACHE}${zero(64)}${val(32, 4)}${xzero(16316)}`],
      ['PFCOUNT', 'f'],
      ['GET', 'f'],
      ['PFADD', 'f', ...range(0, 20)],
      ['GET', 'f'],
      ['PFDEBUG', 'TODENSE', 'f'],
      ['GETRANGE', 'f', '0', '15'],
      ['APPEND', 'e', 'x'],
      ['PFCOUNT', 'e'],
    ],
  },
  {
    name: 'corrupt sparse HLLs: INVALIDOBJ and what was changed before',
    cmds: [
      // Too few registers: PFADD finds no opcode for a high register.
      ['SET', 'few', `${HDR_SPARSE}${STALE_CACHE}${xzero(100)}`],
      ['PFADD', 'few', 'a'],
      ['PFADD', 'few', ...range(0, 50)],
      ['GET', 'few'],
      ['PFCOUNT', 'few'],
      ['PFCOUNT', 'few', 'x'],
      ['PFMERGE', 'd', 'few'],
      ['EXISTS', 'd'],
      ['PFDEBUG', 'TODENSE', 'few'],
      ['PFDEBUG', 'GETREG', 'few'],
      ['PFDEBUG', 'DECODE', 'few'],
      // Too many registers.
      ['SET', 'many', `${HDR_SPARSE}${STALE_CACHE}${xzero(16384)}${val(3, 2)}`],
      ['PFADD', 'many', 'a', 'b'],
      ['GET', 'many'],
      ['PFCOUNT', 'many'],
      ['PFCOUNT', 'many', 'many'],
      ['PFDEBUG', 'TODENSE', 'many'],
      ['PFMERGE', 'many'],
      ['SET', 'many2', `${HDR_SPARSE}${STALE_CACHE}${xzero(16384)}${xzero(5)}`],
      ['PFCOUNT', 'many2'],
      ['PFCOUNT', 'many2', 'x'],
      // Empty register data, truncated XZERO.
      ['SET', 'none', `${HDR_SPARSE}${STALE_CACHE}`],
      ['PFADD', 'none', 'a'],
      ['PFADD', 'none'],
      ['PFCOUNT', 'none'],
      ['SET', 'trunc', `${HDR_SPARSE}${STALE_CACHE}${xzero(16384).slice(0, 1)}`],
      ['PFCOUNT', 'trunc'],
      ['PFADD', 'trunc', 'a'],
      ['GET', 'trunc'],
      ['SET', 'trunc2', `${HDR_SPARSE}${STALE_CACHE}\x7f`],
      ['PFCOUNT', 'trunc2'],
      ['PFADD', 'trunc2', 'zz'],
      ['GET', 'trunc2'],
      ['PFDEBUG', 'DECODE', 'trunc2'],
      // A corrupt HLL that only needs a promotion to be noticed.
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '0'],
      ['SET', 'pr', `${HDR_SPARSE}${STALE_CACHE}${xzero(16000)}`],
      ['PFADD', 'pr', 'e1'],
      ['GET', 'pr'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
    ],
  },
  {
    name: 'CVE-2025-32023 checks: ZERO/XZERO runs past the last register, run-length overflow',
    cmds: [
      ['SET', 'x', `${HDR_SPARSE}${STALE_CACHE}${xzero(16384).repeat(132072)}\xff`],
      ['PFCOUNT', 'x'],
      ['PFCOUNT', 'x', 'x'],
      ['PFDEBUG', 'GETREG', 'x'],
      ['PFMERGE', 'd', 'x'],
      ['SET', 'z', `${HDR_SPARSE}${STALE_CACHE}${zero(64).repeat(300)}\xff`],
      ['PFCOUNT', 'z'],
      ['PFCOUNT', 'z', 'z'],
      ['PFDEBUG', 'TODENSE', 'z'],
      ['PFADD', 'z', 'a'],
      ['SET', 'zz', `${HDR_SPARSE}${STALE_CACHE}${zero(64).repeat(255)}${zero(63)}${val(5, 1)}`],
      ['PFCOUNT', 'zz'],
      ['PFCOUNT', 'zz', 'x'],
      ['PFDEBUG', 'GETREG', 'zz'],
      ['PFADD', 'zz', ...range(0, 40)],
      ['GET', 'zz'],
      ['PFCOUNT', 'zz'],
      ['PFDEBUG', 'DECODE', 'zz'],
    ],
  },
  {
    name: 'binary elements and keys',
    cmds: [
      ['PFADD', 'k\x00\xff', ...range(0, 256, (i) => String.fromCharCode(i)), '\x00\x00', 'a\x00b', '\xff'.repeat(1000)],
      ['PFCOUNT', 'k\x00\xff'],
      ['GET', 'k\x00\xff'],
      ['PFADD', 'long', 'x'.repeat(100000), 'y'.repeat(7), 'z'.repeat(8), 'w'.repeat(9), 'v'.repeat(15), 'u'.repeat(16), 'u'.repeat(17)],
      ['GET', 'long'],
      ['PFADD', 'nums', ...range(0, 2000, (i) => String(i * 7919))],
      ['PFCOUNT', 'nums'],
      ['GET', 'nums'],
    ],
  },
  {
    name: 'MULTI / EXEC and scripts',
    cmds: [
      ['MULTI'],
      ['PFADD', 'h', 'a', 'b'],
      ['PFCOUNT', 'h'],
      ['PFMERGE', 'm', 'h'],
      ['PFDEBUG', 'ENCODING', 'm'],
      ['PFCOUNT', 'h', 'm'],
      ['EXEC'],
      ['MULTI'],
      ['PFADD'],
      ['EXEC'],
      ['EVAL', "redis.call('pfadd', KEYS[1], 'x', 'y', 'z'); return redis.call('pfcount', KEYS[1])", '1', 's'],
      ['EVAL', "return redis.pcall('pfadd', 'l', 'x')", '0'],
      ['RPUSH', 'l', 'x'],
      ['EVAL', "return redis.pcall('pfadd', 'l', 'x')", '0'],
      ['EVAL', "return redis.pcall('pfcount', 'l')", '0'],
      ['EVAL_RO', "return redis.call('pfcount', KEYS[1])", '1', 's'],
      ['EVAL', "#!lua flags=no-writes\nreturn redis.call('pfcount', KEYS[1])", '1', 's'],
      ['EVAL', "return redis.call('pfdebug', 'encoding', KEYS[1])", '1', 's'],
      ['GET', 's'],
    ],
  },
  {
    name: 'COMMAND LIST FILTERBY ACLCAT hyperloglog',
    cmds: [['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'hyperloglog']],
    unordered: true,
  },
  {
    name: 'PFSELFTEST',
    cmds: [['PFSELFTEST']],
  },
  {
    name: 'COMMAND INFO / DOCS / GETKEYS',
    cmds: [
      ['COMMAND', 'INFO', 'pfadd', 'pfcount', 'pfmerge', 'pfdebug', 'pfselftest'],
      ['COMMAND', 'DOCS', 'pfadd'],
      ['COMMAND', 'DOCS', 'pfcount'],
      ['COMMAND', 'DOCS', 'pfmerge'],
      ['COMMAND', 'DOCS', 'pfdebug'],
      ['COMMAND', 'DOCS', 'pfselftest'],
      ['COMMAND', 'GETKEYS', 'PFMERGE', 'd', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'PFCOUNT', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'PFDEBUG', 'GETREG', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFMERGE', 'd', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFCOUNT', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PFADD', 'a', 'b'],
    ],
  },
];

compatSuite('hyperloglog', cases);

/** Listener on connection 1 sees the event stream; connection 2 WATCHes. */
const scenarios: Scenario[] = [
  {
    name: 'events of PFADD / PFMERGE / PFCOUNT / PFDEBUG',
    config: { 'notify-keyspace-events': 'KEA' },
    steps: [
      { c: 1, cmd: ['PSUBSCRIBE', '__key*__:*'] },
      { c: 0, cmd: ['PFADD', 'h', 'a'] },
      { c: 0, cmd: ['PFADD', 'h', 'a'] },
      { c: 0, cmd: ['PFADD', 'h'] },
      { c: 0, cmd: ['PFCOUNT', 'h'] },
      { c: 0, cmd: ['PFCOUNT', 'h'] },
      { c: 0, cmd: ['PFCOUNT', 'nokey'] },
      { c: 0, cmd: ['PFCOUNT', 'h', 'nokey'] },
      { c: 0, cmd: ['PFMERGE', 'd', 'h', 'nokey2'] },
      { c: 0, cmd: ['PFMERGE', 'd'] },
      { c: 0, cmd: ['PFDEBUG', 'TODENSE', 'd'] },
      { c: 0, cmd: ['PFDEBUG', 'GETREG', 'nokey3'] },
      { c: 0, cmd: ['PFADD', 'e'] },
      { c: 0, cmd: ['PUBLISH', '__keyend__:marker', 'end'] },
      { c: 1, until: '__keyend__' },
    ],
  },
  {
    name: 'keymiss and new events: read lookups (PFCOUNT, PFMERGE sources and dest) vs write lookups',
    config: { 'notify-keyspace-events': 'KEmn$' },
    steps: [
      { c: 1, cmd: ['PSUBSCRIBE', '__key*__:*'] },
      { c: 0, cmd: ['PFCOUNT', 'm1'] },
      { c: 0, cmd: ['PFCOUNT', 'm1', 'm2'] },
      { c: 0, cmd: ['PFADD', 'a', 'x'] },
      { c: 0, cmd: ['PFMERGE', 'd', 'a', 'm3'] },
      { c: 0, cmd: ['PFDEBUG', 'ENCODING', 'm4'] },
      { c: 0, cmd: ['PFADD', 'a'] },
      { c: 0, cmd: ['PUBLISH', '__keyend__:marker', 'end'] },
      { c: 1, until: '__keyend__' },
    ],
  },
  {
    name: 'WATCH: PFADD and PFCOUNT with a stale cache invalidate, a cached PFCOUNT and PFDEBUG do not',
    steps: [
      { c: 0, cmd: ['PFADD', 'h', 'a'] },
      { c: 2, cmd: ['WATCH', 'h'] },
      { c: 0, cmd: ['PFCOUNT', 'h'] },
      { c: 2, cmd: ['MULTI'] },
      { c: 2, cmd: ['PING'] },
      { c: 2, cmd: ['EXEC'] },
      { c: 2, cmd: ['WATCH', 'h'] },
      { c: 0, cmd: ['PFCOUNT', 'h'] },
      { c: 0, cmd: ['PFADD', 'h', 'a'] },
      { c: 0, cmd: ['PFDEBUG', 'TODENSE', 'h'] },
      { c: 2, cmd: ['MULTI'] },
      { c: 2, cmd: ['PING'] },
      { c: 2, cmd: ['EXEC'] },
      { c: 2, cmd: ['WATCH', 'h'] },
      { c: 0, cmd: ['PFADD', 'h', 'b'] },
      { c: 2, cmd: ['MULTI'] },
      { c: 2, cmd: ['PING'] },
      { c: 2, cmd: ['EXEC'] },
      { c: 2, cmd: ['WATCH', 'h'] },
      { c: 0, cmd: ['PFMERGE', 'h'] },
      { c: 2, cmd: ['MULTI'] },
      { c: 2, cmd: ['PING'] },
      { c: 2, cmd: ['EXEC'] },
    ],
  },
];

scenarioSuite('hyperloglog', scenarios);
