/**
 * The whole command table against a real Redis 7.0.15: COMMAND (every command's info: arity,
 * flags, key positions, ACL categories, tips, key specs, subcommands) and COMMAND DOCS (summary,
 * since, group, complexity, history, arguments, subcommands' docs). Order inside the replies is Redis's dict order (randomized per process), so
 * both sides are deep-sorted; contents are compared exactly. The control command (SIM) exists only
 * in redis-sim and is left out.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { deepSortReply, haveRealRedis, splitAggregate, useTargets } from './harness.js';

/** Each command's entry (deep-sorted raw bytes) by name. */
function byName(raw: string, docs: boolean): Map<string, string> {
  const agg = splitAggregate(raw);
  if (!agg) throw new Error(`not an aggregate: ${raw.slice(0, 80)}`);
  const out = new Map<string, string>();
  if (docs) {
    for (let i = 0; i < agg.items.length; i += 2) {
      const name = (agg.items[i] as string).split('\r\n')[1] as string;
      out.set(name, (agg.items[i] as string) + deepSortReply(agg.items[i + 1] as string));
    }
  } else {
    for (const it of agg.items) out.set(it.split('\r\n')[2] as string, deepSortReply(it));
  }
  return out;
}

describe.runIf(haveRealRedis)('compat: the whole command table', () => {
  const targets = useTargets();
  for (const resp of [2, 3] as const) {
    for (const cmd of [['COMMAND'], ['COMMAND', 'DOCS']]) {
      it(`${cmd.join(' ')} (RESP${resp})`, async () => {
        const t = targets();
        const get = async (port: number) => {
          const c = await RawClient.connectResp(port, resp);
          try {
            return byName(await c.call(...cmd), cmd.length === 2);
          } finally {
            c.close();
          }
        };
        const real = await get(t.real.port);
        const sim = await get(t.sim.port);
        sim.delete('sim');
        // CLIENT lacks CACHING, TRACKING, TRACKINGINFO, GETREDIR (client tracking: another issue).
        sim.delete('client');
        real.delete('client');
        expect([...real.keys()].filter((n) => !sim.has(n)).sort()).toEqual([]);
        expect([...sim.keys()].filter((n) => !real.has(n))).toEqual([]);
        const differ = [...sim.keys()].filter((n) => sim.get(n) !== real.get(n)).sort();
        expect(differ.map((n) => ({ n, sim: sim.get(n) }))).toEqual(differ.map((n) => ({ n, sim: real.get(n) })));
      });
    }
  }
});
