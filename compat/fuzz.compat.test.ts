/**
 * Randomized differential testing: random command sequences run on a real redis-server and on
 * redis-sim from an empty state, every reply compared byte for byte in RESP2 and RESP3. A difference
 * is shrunk to a minimal sequence and printed as a transcript with the seed and path to replay it.
 *
 *   FUZZ_MS=600000 npm run fuzz            a longer run
 *   FUZZ_SEED=123 FUZZ_PATH=4:1:0 npm run fuzz   replays one failure exactly
 *
 * Besides connection A, a sequence uses blocking connections B and C, a writer W and a subscriber
 * S (see fuzz/runner.ts); every normalization (orders Redis leaves to its hash tables) is listed
 * and justified there. Replays generate the same commands; a real redis-server started afresh
 * has a new hash seed, which is why no compared reply may depend on dict order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScriptingEngine } from '../src/index.js';
import { type Cmd, commandArb, transactionArb } from './fuzz/commands.js';
import { Pair, transcript } from './fuzz/runner.js';
import { haveRealRedis, useTargets } from './harness.js';

const BUDGET_MS = Number(process.env.FUZZ_MS ?? 120_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FUZZ_PATH;

describe.runIf(haveRealRedis)('fuzz: random command sequences, redis-sim vs redis-server', () => {
  const targets = useTargets();
  const pairs: Pair[] = [];
  // redis-sim loads its Lua engine on first use and answers "loading" to a script command inside
  // MULTI meanwhile (docs/scripting.md); the fuzzer compares a loaded engine.
  beforeAll(async () => {
    await loadScriptingEngine();
  });
  afterAll(() => {
    for (const p of pairs) p.close();
  });

  it('runner: B is served and released, W invalidates WATCH, S receives events in order', async () => {
    const t = targets();
    const p = await Pair.open(t.real.port, t.sim.port, 2);
    pairs.push(p);
    const o = await p.run([
      ['@B', 'BLPOP', 'k1', '0'],
      ['@S', 'PSUBSCRIBE', '__keyevent@0__:*'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      ['WATCH', 'k2'],
      ['@W', 'SET', 'k2', 'x'],
      ['MULTI'],
      ['GET', 'k2'],
      ['EXEC'],
      ['LPUSH', 'k1', 'a'],
      ['@B', 'BRPOP', 'k3', '0'],
    ]);
    expect(o.firstDiff).toBe(-1);
    const replies = o.steps.map((st) => [st.cmd.join(' '), st.real]);
    expect(replies).toContainEqual(['@B BLPOP k1 0', '(blocked)']);
    expect(replies).toContainEqual(['EXEC', '*-1\r\n']);
    expect(replies).toContainEqual(['@B (served by the previous step)', '*2\r\n$2\r\nk1\r\n$1\r\na\r\n']);
    expect(replies).toContainEqual(['CLIENT UNBLOCK <B>', ':1\r\n']);
    expect(replies).toContainEqual(['@B (released by CLIENT UNBLOCK)', '*-1\r\n']);
    const received = o.steps.at(-1);
    expect(received?.cmd[1]).toBe('(everything received, in order)');
    // set (W), lpush (A), lpop (B served), in that order.
    expect(received?.real.match(/__keyevent@0__:(\w+)/g)).toEqual([
      '__keyevent@0__:set',
      '__keyevent@0__:lpush',
      '__keyevent@0__:lpop',
      '__keyevent@0__:del',
    ]);
  });

  it('runner: a BLMOVE waiter on C feeds a BLPOP waiter on B in the same cycle', async () => {
    const t = targets();
    const p = await Pair.open(t.real.port, t.sim.port, 3);
    pairs.push(p);
    const o = await p.run([
      ['@B', 'BLPOP', 'k2', '0'],
      ['@C', 'BLMOVE', 'k1', 'k2', 'RIGHT', 'LEFT', '0'],
      ['LPUSH', 'k1', 'x'],
      ['LLEN', 'k2'],
    ]);
    expect(o.firstDiff).toBe(-1);
    expect(o.steps.map((st) => [st.cmd.join(' '), st.real])).toEqual([
      ['@B BLPOP k2 0', '(blocked)'],
      ['@C BLMOVE k1 k2 RIGHT LEFT 0', '(blocked)'],
      ['LPUSH k1 x', ':1\r\n'],
      ['@B (served by the previous step)', '*2\r\n$2\r\nk2\r\n$1\r\nx\r\n'],
      ['@C (served by the previous step)', '$1\r\nx\r\n'],
      ['LLEN k2', ':0\r\n'],
    ]);
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
