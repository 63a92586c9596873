/**
 * Randomized differential test for sorted sets: seeded random sequences of zset commands (adds,
 * increments, removals, ranges by rank/score/lex, stores, pops, algebra) run on real Redis and on
 * redis-sim, every reply compared byte for byte in RESP2 and RESP3. Scores include infinities,
 * -0, ties and long decimals; some keys grow past the listpack limit to exercise both encodings.
 */

import { rng } from '../test/rng.js';
import { type CompatCase, compatSuite } from './harness.js';

const SCORES = ['0', '-0', '1', '1', '2', '2.5', '-3', '0.1', '1e-3', '1e20', '123.456', 'inf', '-inf', '+inf', '7'];
const BOUNDS = ['-inf', '+inf', '0', '(0', '1', '(1', '2.5', '(2.5', '-1', '100', '(inf', '-0'];
const LEX = ['-', '+', '[a', '(a', '[m1', '(m2', '[m', '(z', '[b', '[m10'];

function generate(seed: number, length: number): string[][] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const keys = ['k1', 'k2', 'k3'];
  const member = () => `m${Math.floor(rand() * 12)}`;
  const cmds: string[][] = [];
  // One key past the listpack limit so skiplist paths run too.
  const big = ['ZADD', 'k3'];
  for (let i = 0; i < 140; i++) big.push(String((i % 17) * 0.5), `m${i}`);
  cmds.push(big);
  // Lex ranges are only defined for equal scores (over a skiplist with mixed scores Redis's answer
  // depends on its random node levels), so lex commands use keys whose members all score 0.
  const lexBig = ['ZADD', 'lxbig'];
  for (let i = 0; i < 140; i++) lexBig.push('0', `m${i}`);
  cmds.push(lexBig);
  // k1 and k2 stay listpacks (at most 12 members): Redis scans those linearly, deterministically.
  const lexKey = () => pick(['lx', 'lxbig', 'k1', 'k2']);
  for (let i = 0; i < length; i++) {
    const k = pick(keys);
    const r = rand();
    if (r < 0.2) {
      const args = ['ZADD', k];
      for (const o of ['NX', 'XX', 'GT', 'LT', 'CH']) if (rand() < 0.12) args.push(o);
      const n = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < n; j++) args.push(pick(SCORES), member());
      cmds.push(args);
    } else if (r < 0.27) cmds.push(['ZINCRBY', k, pick(SCORES), member()]);
    else if (r < 0.32) cmds.push(['ZADD', k, 'INCR', ...(rand() < 0.3 ? [pick(['NX', 'XX', 'GT', 'LT'])] : []), pick(SCORES), member()]);
    else if (r < 0.38) cmds.push(['ZREM', k, member(), member()]);
    else if (r < 0.44)
      cmds.push([
        'ZRANGE',
        k,
        String(Math.floor(rand() * 8) - 4),
        String(Math.floor(rand() * 8) - 4),
        ...(rand() < 0.5 ? ['WITHSCORES'] : []),
        ...(rand() < 0.3 ? ['REV'] : []),
      ]);
    else if (r < 0.52) {
      const rev = rand() < 0.4;
      const args = ['ZRANGE', k, pick(BOUNDS), pick(BOUNDS), 'BYSCORE'];
      if (rev) args.push('REV');
      if (rand() < 0.5) args.push('WITHSCORES');
      if (rand() < 0.4) args.push('LIMIT', String(Math.floor(rand() * 4) - 1), String(Math.floor(rand() * 5) - 1));
      cmds.push(args);
    } else if (r < 0.57) {
      if (rand() < 0.3) cmds.push(['ZADD', 'lx', '0', member(), '0', member()]);
      const args = ['ZRANGE', lexKey(), pick(LEX), pick(LEX), 'BYLEX'];
      if (rand() < 0.4) args.push('REV');
      if (rand() < 0.4) args.push('LIMIT', String(Math.floor(rand() * 3)), String(Math.floor(rand() * 4) - 1));
      cmds.push(args);
    } else if (r < 0.61) cmds.push(['ZCOUNT', k, pick(BOUNDS), pick(BOUNDS)]);
    else if (r < 0.64) cmds.push(['ZLEXCOUNT', lexKey(), pick(LEX), pick(LEX)]);
    else if (r < 0.68) cmds.push([pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), k, member()]);
    else if (r < 0.7) cmds.push(['ZMSCORE', k, member(), member()]);
    else if (r < 0.73) cmds.push([pick(['ZPOPMIN', 'ZPOPMAX']), k, ...(rand() < 0.5 ? [String(Math.floor(rand() * 3))] : [])]);
    else if (r < 0.75) cmds.push(['ZMPOP', '2', k, pick(keys), pick(['MIN', 'MAX']), 'COUNT', String(1 + Math.floor(rand() * 3))]);
    else if (r < 0.78) cmds.push(['ZREMRANGEBYSCORE', k, pick(BOUNDS), pick(BOUNDS)]);
    else if (r < 0.8) cmds.push(['ZREMRANGEBYRANK', k, String(Math.floor(rand() * 4)), String(Math.floor(rand() * 4))]);
    else if (r < 0.82) cmds.push(['ZREMRANGEBYLEX', lexKey(), pick(LEX), pick(LEX)]);
    else if (r < 0.87) {
      const op = pick(['ZUNION', 'ZINTER', 'ZDIFF']);
      const args = [op, '2', k, pick(keys)];
      if (op !== 'ZDIFF' && rand() < 0.4) args.push('WEIGHTS', pick(['1', '2', '-1', '0.5', '0']), pick(['1', '3', 'inf']));
      if (op !== 'ZDIFF' && rand() < 0.4) args.push('AGGREGATE', pick(['SUM', 'MIN', 'MAX']));
      args.push('WITHSCORES');
      cmds.push(args);
    } else if (r < 0.9)
      cmds.push(
        [pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), 'dst', '2', k, pick(keys)],
        ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      );
    else if (r < 0.92)
      cmds.push(['ZRANGESTORE', 'dst', k, pick(BOUNDS), pick(BOUNDS), 'BYSCORE'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
    else if (r < 0.94) cmds.push(['ZINTERCARD', '2', k, pick(keys)]);
    else if (r < 0.96) cmds.push(['ZCARD', k], ['OBJECT', 'ENCODING', k]);
    else cmds.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
  }
  for (const k of [...keys, 'lx', 'lxbig']) cmds.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
  return cmds;
}

const cases: CompatCase[] = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => ({ name: `random sequence #${seed}`, cmds: generate(seed, 200) }));

compatSuite('sorted sets, random sequences', cases);
