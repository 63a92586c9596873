/**
 * DUMP bytes against a real Redis 7.0: the same commands on both servers, then DUMP of every key
 * compared byte for byte (RDB type, encodings at each boundary, LZF, CRC-64). Hash-table sets and
 * hashes have no defined order in Redis, so those are checked by restoring each server's payload
 * into the other and comparing contents and encodings.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

type Cmd = string[];

const range = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
const cmds = (n: number, f: (i: number) => Cmd): Cmd[] => Array.from({ length: n }, (_, i) => f(i));

/** Setup commands per scenario; every key they create is dumped. */
const SCENARIOS: Record<string, Cmd[]> = {
  strings: [
    ['SET', 's1', 'a'],
    ['SET', 's2', '12345'],
    ['SET', 's3', '-1'],
    ['SET', 's4', '2147483647'],
    ['SET', 's5', '2147483648'],
    ['SET', 's6', '-2147483649'],
    ['SET', 's7', '007'],
    ['SET', 's8', '-0'],
    ['SET', 's9', 'x'.repeat(20)],
    ['SET', 's10', 'x'.repeat(21)],
    ['SET', 's11', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['SET', 's12', 'hello world '.repeat(200)],
    ['SET', 's13', '\x00\xff\r\n'.repeat(30)],
    ['SET', 's14', '9223372036854775807'],
    ['SET', 's15', range(300, (i) => [String((i * 7919) % 1000)]).join(',')],
    ['SET', 's16', '127'],
    ['SET', 's17', '-128'],
    ['SET', 's18', '32768'],
    ['INCRBYFLOAT', 's19', '1.5'],
    ['SET', 's20', 'abc'],
    ['APPEND', 's20', 'def'],
  ],
  lists: [
    ['RPUSH', 'l1', 'a', 'b', 'c'],
    [
      'RPUSH',
      'l2',
      '1',
      '-1',
      '200',
      '-5000',
      '70000',
      '-9000000',
      '3000000000',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
    ],
    ['RPUSH', 'l3', ...range(2000, (i) => [`item-${i}`])],
    ['RPUSH', 'l4', 'x'.repeat(5000), 'y', 'z'.repeat(100)],
    ['RPUSH', 'l5', 'w'.repeat(70), 'v'.repeat(4100)],
    ['RPUSH', 'l6', ...range(300, (i) => ['q'.repeat(i % 50)])],
  ],
  // The node layout follows the fill in force when DUMP runs (Redis: when the list was created).
  listFill: [
    ['CONFIG', 'SET', 'list-max-listpack-size', '5'],
    ['RPUSH', 'lf', ...range(23, (i) => [String(i)])],
  ],
  listFillBytes: [
    ['CONFIG', 'SET', 'list-max-listpack-size', '-1'],
    ['RPUSH', 'lb', ...range(900, (i) => [`e${i}`])],
  ],
  // list-compress-depth: interior nodes are LZF-compressed in the quicklist and written as LZF
  // blobs even with rdbcompression no; small nodes (< 48 bytes) and the ends stay raw.
  listCompress: [
    ['CONFIG', 'SET', 'list-max-listpack-size', '8'],
    ['CONFIG', 'SET', 'list-compress-depth', '1'],
    ['CONFIG', 'SET', 'rdbcompression', 'no'],
    ['RPUSH', 'lc1', ...range(40, (i) => [`element-${i % 5}-aaaaaaaaaaaa`])],
    ['RPUSH', 'lc2', ...range(20, (i) => [String(i * 7919)])],
    ['RPUSH', 'lc3', ...range(16, (i) => [`two-nodes-${i}-bbbbbbbbbbbbbbbbbbbbbbbbbbbb`])],
    ['RPUSH', 'lc4', ...range(24, (i) => [`r${i}-${'xyz'[i % 3]}${i * 31}`])],
  ],
  listCompressDepth2: [
    ['CONFIG', 'SET', 'list-max-listpack-size', '-1'],
    ['CONFIG', 'SET', 'list-compress-depth', '2'],
    ['CONFIG', 'SET', 'rdbcompression', 'no'],
    ['RPUSH', 'ld1', ...range(700, (i) => [`value-${i % 9}-cccccccccccccccc`])],
    ['RPUSH', 'ld2', ...range(360, (i) => [`v${i}`])],
  ],
  hashes: [
    ['HSET', 'h1', 'f', 'v', 'num', '12', 'neg', '-3', 'big', '9223372036854775807', 'float', '3.14'],
    ['HSET', 'h2', ...range(200, (i) => [`field:${i}`, `value:${i * 3}`])],
    ['HSET', 'h3', 'k', 'x'.repeat(64)],
    ['HSET', 'h4', ...range(512, (i) => [String(i), String(i)])],
  ],
  sets: [
    ['SADD', 'i1', '1', '2', '3', '-7'],
    ['SADD', 'i2', '1', '40000', '-40000'],
    ['SADD', 'i3', '5', '5000000000', '-1'],
    ['SADD', 'i4', ...range(512, (i) => [String(i * 3)])],
  ],
  zsets: [
    ['ZADD', 'z1', '1', 'a', '1.5', 'b', '-inf', 'c', 'inf', 'd', '1e20', 'e', '3.0000001', 'f', '-0', 'g', '0', 'h', '12345', '100'],
    ['ZADD', 'z2', ...range(129, (i) => [String(i / 7), `m${i}`])],
    ['ZADD', 'z3', '2', 'x'.repeat(65), '1', 'short'],
    ['ZADD', 'z4', '4611686018427387904', 'p62', '4611686018427387905', 'q', '-4611686018427387904', 'r', '123456789012', 's'],
  ],
  streams: [
    ['XADD', 'x1', '1-1', 'a', '1', 'b', '2'],
    ['XADD', 'x1', '1-2', 'a', '3', 'b', '4'],
    ['XADD', 'x1', '2-0', 'c', '5'],
    ['XADD', 'x1', '3-5', 'a', 'x'.repeat(30), 'b', 'y'],
    ['XADD', 'x1', '18446744073709551615-0', 'a', '-70000', 'b', '9223372036854775807'],
    ['XDEL', 'x1', '1-2'],
    ['XADD', 'x2', ...['1-1', 'f', 'v']],
    ['XDEL', 'x2', '1-1'],
    ...cmds(250, (i) => ['XADD', 'x3', `${1000 + i * 3}-${i % 4}`, 'field', `value number ${i}`, 'n', String(i * 1000)]),
    ['XTRIM', 'x3', 'MAXLEN', '180'],
    ['XDEL', 'x3', '1600-0', '1603-1'],
    ['XGROUP', 'CREATE', 'x3', 'g1', '0'],
    ['XGROUP', 'CREATE', 'x3', 'g2', '$', 'ENTRIESREAD', '7'],
    ['XGROUP', 'CREATE', 'x1', 'a-group', '2-0'],
    ['XADD', 'x4', 'MAXLEN', '3', '5-1', 'k', 'v'],
    ['XADD', 'x4', 'MAXLEN', '3', '5-2', 'k', 'v'],
    ['XADD', 'x4', 'MAXLEN', '3', '5-3', 'k', 'v'],
    ['XADD', 'x4', 'MAXLEN', '3', '5-4', 'other', 'v'],
    ['XADD', 'x4', 'MAXLEN', '3', '5-5', 'k', 'v'],
  ],
  streamNodes: [
    ['CONFIG', 'SET', 'stream-node-max-entries', '7'],
    ...cmds(40, (i) => ['XADD', 'xs', `${i + 1}-0`, 'a', String(i)]),
    ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
    ['CONFIG', 'SET', 'stream-node-max-bytes', '200'],
    ...cmds(40, (i) => ['XADD', 'xb', `${i + 1}-0`, 'a', 'z'.repeat(i)]),
    ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
  ],
};

/** Values with times (PEL delivery, consumer seen-time): compared through each other's RESTORE. */
const TIMED: Record<string, Cmd[]> = {
  streamGroups: [
    ...cmds(30, (i) => ['XADD', 'xg', `${i + 1}-1`, 'f', `v${i}`]),
    ['XGROUP', 'CREATE', 'xg', 'g1', '0'],
    ['XGROUP', 'CREATE', 'xg', 'g0', '0'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '5', 'STREAMS', 'xg', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '3', 'STREAMS', 'xg', '>'],
    ['XREADGROUP', 'GROUP', 'g0', 'carol', 'COUNT', '2', 'STREAMS', 'xg', '>'],
    ['XACK', 'xg', 'g1', '2-1'],
    ['XCLAIM', 'xg', 'g1', 'alice', '0', '1-1', 'RETRYCOUNT', '7'],
    ['XGROUP', 'CREATECONSUMER', 'xg', 'g1', 'idle'],
    ['XDEL', 'xg', '10-1'],
  ],
};

/** Hash-table values: compared by cross-restore, not bytes. */
const HASHTABLE: Record<string, Cmd[]> = {
  sets: [
    ['SADD', 'hs1', 'a', 'b', 'c'],
    ['SADD', 'hs2', ...range(513, (i) => [String(i)])],
  ],
  hashes: [['HSET', 'hh1', ...range(600, (i) => [`f${i}`, `v${i}`])]],
};

function payloadOf(raw: string): string {
  const m = /^\$(\d+)\r\n/.exec(raw);
  if (!m) throw new Error(`no payload: ${JSON.stringify(raw.slice(0, 80))}`);
  return raw.slice(m[0].length, m[0].length + Number(m[1]));
}

/** The settings scenarios change, back to their defaults. */
async function resetConfig(c: RawClient): Promise<void> {
  await c.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  await c.call('CONFIG', 'SET', 'list-compress-depth', '0');
  await c.call('CONFIG', 'SET', 'rdbcompression', 'yes');
}

async function setupAndDump(port: number, cmds: Cmd[]): Promise<Map<string, string>> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHALL');
    for (const cmd of cmds) await c.call(...cmd);
    const keys = (await c.call('KEYS', '*')).split('\r\n').filter((_l, i, a) => i > 0 && a[i - 1]?.startsWith('$'));
    const out = new Map<string, string>();
    for (const k of keys.sort()) out.set(k, payloadOf(await c.call('DUMP', k)));
    await resetConfig(c);
    return out;
  } finally {
    c.close();
  }
}

const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');

describe.runIf(haveRealRedis)('compat: DUMP bytes equal Redis 7.0', () => {
  const targets = useTargets();
  for (const [name, cmds] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      const t = targets();
      const real = await setupAndDump(t.real.port, cmds);
      const sim = await setupAndDump(t.sim.port, cmds);
      expect(real.size).toBeGreaterThan(0);
      expect([...sim.keys()]).toEqual([...real.keys()]);
      for (const [k, p] of real) expect({ key: k, dump: hex(sim.get(k) as string) }).toEqual({ key: k, dump: hex(p) });
    });
  }

  for (const [name, cmds] of Object.entries({ ...SCENARIOS, ...TIMED })) {
    it(`${name}: each server restores the other's DUMP and dumps it back unchanged`, async () => {
      const t = targets();
      const real = await setupAndDump(t.real.port, cmds);
      const sim = await setupAndDump(t.sim.port, cmds);
      expect(real.size).toBeGreaterThan(0);
      const rc = await RawClient.connect(t.real.port);
      const sc = await RawClient.connect(t.sim.port);
      try {
        // The same list fill as when the values were dumped.
        for (const c of [rc, sc]) for (const cmd of cmds.filter((x) => x[0] === 'CONFIG')) await c.call(...cmd);
        for (const [k, p] of real) {
          expect(await sc.call('RESTORE', `r:${k}`, '0', p)).toBe('+OK\r\n');
          expect(hex(payloadOf(await sc.call('DUMP', `r:${k}`)))).toBe(hex(p));
        }
        for (const [k, p] of sim) {
          expect(await rc.call('RESTORE', `s:${k}`, '0', p)).toBe('+OK\r\n');
          expect(hex(payloadOf(await rc.call('DUMP', `s:${k}`)))).toBe(hex(p));
        }
      } finally {
        for (const c of [rc, sc]) await resetConfig(c);
        rc.close();
        sc.close();
      }
    });
  }

  for (const [name, cmds] of Object.entries(HASHTABLE)) {
    it(`${name} (hashtable) cross-restore`, async () => {
      const t = targets();
      const real = await setupAndDump(t.real.port, cmds);
      const sim = await setupAndDump(t.sim.port, cmds);
      const rc = await RawClient.connect(t.real.port);
      const sc = await RawClient.connect(t.sim.port);
      try {
        for (const [k, p] of real) {
          // Each server restores the other's payload under a new name.
          expect(await sc.call('RESTORE', `x:${k}`, '0', p)).toBe('+OK\r\n');
          expect(await rc.call('RESTORE', `x:${k}`, '0', sim.get(k) as string)).toBe('+OK\r\n');
          const type = await rc.call('TYPE', k);
          const read = type === '+set\r\n' ? ['SMEMBERS'] : ['HGETALL'];
          for (const c of [rc, sc]) {
            const a = (await c.call(...read, k)).split('\r\n').sort();
            const b = (await c.call(...read, `x:${k}`)).split('\r\n').sort();
            expect(b).toEqual(a);
          }
          expect(await sc.call('OBJECT', 'ENCODING', `x:${k}`)).toBe(await rc.call('OBJECT', 'ENCODING', k));
          expect(await rc.call('OBJECT', 'ENCODING', `x:${k}`)).toBe(await rc.call('OBJECT', 'ENCODING', k));
        }
      } finally {
        rc.close();
        sc.close();
      }
    });
  }
});
