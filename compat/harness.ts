/**
 * The differential harness: the same raw commands go to a real redis-server and to redis-sim,
 * and the raw reply bytes are compared, in RESP2 and RESP3.
 *
 * Looseness is explicit and per reply: `unordered` sorts the elements of an array/set/map reply
 * (for SCAN, SMEMBERS, HGETALL on large hashes and other replies where Redis gives no order),
 * and `normalize` rewrites a reply on both sides (for times and ids).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { parseReply } from '../src/protocol/reply-parser.js';
import { RawClient } from '../test/raw-client.js';
import { type RealRedis, startRealRedis } from './real-redis.js';

export type Command = readonly string[];

export interface CompatCase {
  name: string;
  /** Commands sent in order; each reply is compared. */
  cmds: readonly Command[];
  /** Protocol versions to compare in (default both). */
  resp?: readonly (2 | 3)[];
  /** Indexes of replies whose top-level elements are compared as a multiset (or true for all). */
  unordered?: readonly number[] | true;
  /** Rewrites a raw reply before comparison (applied to both sides). */
  normalize?: (raw: string, index: number) => string;
}

export interface Targets {
  real: RealRedis;
  sim: RedisSim;
}

const real = await startRealRedis();
/** True when a real Redis is available (compat suites skip otherwise, outside CI). */
export const haveRealRedis = real !== undefined;

/** Splits an aggregate reply into its header and its elements' raw bytes. */
export function splitAggregate(raw: string): { header: string; items: string[] } | undefined {
  const t = raw[0];
  if (t !== '*' && t !== '~' && t !== '%' && t !== '>') return undefined;
  const nl = raw.indexOf('\r\n');
  const header = raw.slice(0, nl + 2);
  let n = Number(raw.slice(1, nl));
  if (n < 0) return undefined;
  if (t === '%') n *= 2;
  const items: string[] = [];
  let pos = nl + 2;
  for (let i = 0; i < n; i++) {
    const r = parseReply(raw, pos);
    if (!r) return undefined;
    items.push(raw.slice(pos, r[1]));
    pos = r[1];
  }
  return { header, items };
}

/** Sorts an aggregate reply's elements (maps by their key/value pairs). */
export function sortReply(raw: string): string {
  const agg = splitAggregate(raw);
  if (!agg) return raw;
  if (raw[0] === '%') {
    const pairs: string[] = [];
    for (let i = 0; i < agg.items.length; i += 2) pairs.push((agg.items[i] as string) + (agg.items[i + 1] as string));
    return agg.header + pairs.sort().join('');
  }
  return agg.header + [...agg.items].sort().join('');
}

/**
 * Sorts every aggregate at every depth. For replies that embed hash-ordered lists (COMMAND INFO and
 * DOCS of container commands list their subcommands in dict order, which a real Redis randomizes
 * per process with its hash seed): both sides are normalized, so contents are still compared exactly.
 */
export function deepSortReply(raw: string): string {
  const agg = splitAggregate(raw);
  if (!agg) return raw;
  const items = agg.items.map(deepSortReply);
  if (raw[0] === '%') {
    const pairs: string[] = [];
    for (let i = 0; i < items.length; i += 2) pairs.push((items[i] as string) + (items[i + 1] as string));
    return agg.header + pairs.sort().join('');
  }
  return agg.header + items.sort().join('');
}

/** Runs `cmds` on one server from an empty state and returns the raw replies. */
export async function runOn(port: number, cmds: readonly Command[], resp: 2 | 3): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHALL');
    if (resp === 3) await c.call('HELLO', '3');
    const out: string[] = [];
    for (const cmd of cmds) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** Both targets for custom multi-connection scenarios; stopped after the suite. */
export function useTargets(): () => Targets {
  let targets: Targets | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    if (!real) return;
    // Files the sim writes (SAVE, BGSAVE, DEBUG RELOAD) go to a directory of its own.
    dir = mkdtempSync(join(tmpdir(), 'redis-sim-compat-'));
    targets = { real, sim: await RedisSim.start({ port: 0, clock: 'system', config: { dir } }) };
  });
  afterAll(async () => {
    await targets?.sim.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!targets) throw new Error('no compat targets');
    return targets;
  };
}

/** Runs a case on both servers and asserts the replies are byte-identical. */
export async function expectSame(t: Targets, cs: CompatCase, resp: 2 | 3): Promise<void> {
  const [r, s] = await Promise.all([runOn(t.real.port, cs.cmds, resp), runOn(t.sim.port, cs.cmds, resp)]);
  const fix = (raw: string, i: number) => {
    let v = cs.normalize ? cs.normalize(raw, i) : raw;
    if (cs.unordered === true || cs.unordered?.includes(i)) v = sortReply(v);
    return v;
  };
  const rows = cs.cmds.map((cmd, i) => ({ cmd: cmd.join(' '), real: fix(r[i] as string, i), sim: fix(s[i] as string, i) }));
  expect(rows.map((x) => ({ cmd: x.cmd, reply: x.sim }))).toEqual(rows.map((x) => ({ cmd: x.cmd, reply: x.real })));
}

/** Declares a compat suite: one test per case and protocol version. */
export function compatSuite(name: string, cases: readonly CompatCase[]): void {
  describe.runIf(haveRealRedis)(`compat: ${name}`, () => {
    const targets = useTargets();
    for (const cs of cases) {
      for (const resp of cs.resp ?? [2, 3]) {
        it(`${cs.name} (RESP${resp})`, async () => {
          await expectSame(targets(), cs, resp);
        });
      }
    }
  });
}

afterAll(async () => {
  await real?.stop();
});
