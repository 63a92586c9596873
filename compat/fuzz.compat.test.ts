/**
 * Randomized differential testing: random command sequences run on a real redis-server and on
 * redis-sim from an empty state, every reply compared byte for byte in RESP2 and RESP3. A difference
 * is shrunk to a minimal sequence and printed as a transcript with the seed and path to replay it.
 *
 *   FUZZ_MS=600000 npm run fuzz            a longer run
 *   FUZZ_SEED=123 FUZZ_PATH=4:1:0 npm run fuzz   replays one failure exactly
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cmd, commandArb, transactionArb } from './fuzz/commands.js';
import { Pair, transcript } from './fuzz/runner.js';
import { haveRealRedis, useTargets } from './harness.js';

const BUDGET_MS = Number(process.env.FUZZ_MS ?? 45_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FUZZ_PATH;

describe.runIf(haveRealRedis)('fuzz: random command sequences, redis-sim vs redis-server', () => {
  const targets = useTargets();
  const pairs: Pair[] = [];
  afterAll(() => {
    for (const p of pairs) p.close();
  });

  it(
    'replies byte-identically',
    async () => {
      const t = targets();
      const p2 = await Pair.open(t.real.port, t.sim.port, 2);
      const p3 = await Pair.open(t.real.port, t.sim.port, 3);
      pairs.push(p2, p3);
      const one = commandArb((name) => t.sim.node.lookupCommand(name) !== undefined);
      const seqArb = fc
        .array(fc.oneof({ weight: 9, arbitrary: one.map((c) => [c]) }, { weight: 1, arbitrary: transactionArb(one) }), {
          minLength: 1,
          maxLength: 25,
        })
        .map((chunks) => chunks.flat() as Cmd[]);
      let runs = 0;
      let commands = 0;
      const started = Date.now();
      const result = await fc.check(
        fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), seqArb, async (resp, seq) => {
          const o = await (resp === 2 ? p2 : p3).run(seq);
          runs++;
          commands += o.steps.length;
          return o.firstDiff < 0;
        }),
        { seed: SEED, path: PATH, numRuns: PATH ? 1 : 1_000_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
      );
      const minutes = (Date.now() - started) / 60000;
      console.log(
        `fuzz: seed ${SEED}, ${runs} sequences, ${commands} commands compared (${Math.round(commands / minutes)} commands/minute)`,
      );
      if (result.failed && result.counterexample) {
        const [resp, seq] = result.counterexample;
        const o = await (resp === 2 ? p2 : p3).run(seq);
        const text = `fuzz difference — replay with FUZZ_SEED=${SEED} FUZZ_PATH=${result.counterexamplePath} npm run fuzz\n${transcript(o, resp)}`;
        console.log(text);
        expect.fail(text);
      }
      expect(result.failed).toBe(false);
    },
    BUDGET_MS + 120_000,
  );
});
