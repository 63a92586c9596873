/**
 * Command-level abuse fuzzer: random commands with extreme arguments (huge and negative counts,
 * offsets at and past the limits, adversarial glob and Lua patterns, deep Lua nesting, strings
 * that cannot be built), run on redis-sim and, where the reply stays small, on a real Redis in
 * the same state, byte for byte. After every batch both servers must answer PING: a command may
 * fail, never freeze or kill the server.
 *
 * Arguments are chosen so that Redis itself answers at once with little memory (an error, or a
 * small reply over small keys); commands whose reply is random (SRANDMEMBER, ...) are compared by
 * shape; the ones Redis would take gigabytes for (string.rep of 2^30) run on redis-sim only.
 *
 * `npm test` runs it for ABUSE_MS (default 4 s); `npm run fuzz:abuse` for 10 minutes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScriptingEngine } from '../src/commands/scripting.js';
import { RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { splitAggregate } from './harness.js';
import { type RealRedis, startRealRedis } from './real-redis.js';

const BUDGET_MS = Number(process.env.ABUSE_MS ?? 4000);

/**
 * How a command's replies are compared: exactly; by shape (random members: the error, or the
 * type and counts); by kind (the error, or the reply's type: SCAN's COUNT is only a hint); or
 * not at all (sim only).
 */
type Mode = 'exact' | 'shape' | 'kind' | 'sim';
interface Cmd {
  args: string[];
  mode: Mode;
}

/** Integers at and around every limit Redis checks (long long, long, int, 2^32 bits, 512 MB). */
const HUGE = [
  '0',
  '1',
  '-1',
  '2',
  '-2',
  '10',
  '-10',
  '1000',
  '-1000',
  '100000',
  '-100000',
  '2147483647',
  '-2147483648',
  '2147483648',
  '4294967295',
  '4294967296',
  '4294967297',
  '536870911',
  '536870912',
  '536870913',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '4611686018427387904',
  '-4611686018427387904',
  '1e3',
  '1.5',
  'abc',
  '',
  ' 1',
  '0x10',
  '+5',
  '-0',
];
const huge = fc.constantFrom(...HUGE);
/**
 * Counts that give small replies over the small keys below, or errors. (Not -2^62: Redis 7.0's
 * SRANDMEMBER takes it and writes elements until its memory runs out; sim-only cases try those.)
 */
const count = fc.constantFrom(
  '0',
  '1',
  '-1',
  '3',
  '-3',
  '10',
  '-10',
  '100',
  '-100',
  'x',
  '9223372036854775807',
  '-9223372036854775808',
  '4611686018427387904',
);
const key = fc.constantFrom('s', 'z', 'h', 'l', 'str', 'x', 'nokey', 'bits');
const glob = fc.oneof(
  fc.constantFrom('*', '**', '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', '[', '[^', '\\', '[a-', '?*?*?*?*?*?*?*?*?*?*x', `${'*?'.repeat(200)}z`),
  fc.stringMatching(/^[ab*?[\]^\\-]{0,12}$/),
);
/** Lua pattern pieces, valid and malformed. */
const luaPattern = fc.oneof(
  fc.constantFrom('%', '[', '[^', '(', ')', '%b', '%f', '%1', '(()', 'a*a*a*b', '%f[%w]%w+', '(.-)%1', '^$'),
  fc.stringMatching(/^[a().%*+?\-[\]^$bf1]{0,10}$/),
);

const exact = (...args: string[]): Cmd => ({ args, mode: 'exact' });
const shape = (...args: string[]): Cmd => ({ args, mode: 'shape' });
const simOnly = (...args: string[]): Cmd => ({ args, mode: 'sim' });

const command: fc.Arbitrary<Cmd> = fc.oneof(
  // Random members: the count decides the size; compared by shape.
  fc.tuple(key, count).map(([k, n]) => shape('SRANDMEMBER', k, n)),
  fc.tuple(key, count, fc.boolean()).map(([k, n, w]) => shape('ZRANDMEMBER', k, n, ...(w ? ['WITHSCORES'] : []))),
  fc.tuple(key, count, fc.boolean()).map(([k, n, w]) => shape('HRANDFIELD', k, n, ...(w ? ['WITHVALUES'] : []))),
  fc.tuple(key, huge).map(([k, n]) => shape('SPOP', k, n)),
  fc
    .tuple(
      fc.constantFrom('SRANDMEMBER', 'ZRANDMEMBER', 'HRANDFIELD'),
      fc.constantFrom('s', 'z', 'h'),
      fc.constantFrom('-200000', '-4611686018427387904', '-9223372036854775807'),
    )
    .map(([c, k, n]) => simOnly(c, k, n)),
  // Ranges and offsets at the limits.
  fc.tuple(key, huge, huge).map(([k, a, b]) => exact('LRANGE', k, a, b)),
  fc.tuple(key, huge, huge).map(([k, a, b]) => exact('GETRANGE', k, a, b)),
  fc.tuple(key, huge, huge).map(([k, a, b]) => exact('ZRANGE', k, a, b)),
  fc.tuple(key, huge, huge).map(([k, a, b]) => exact('LTRIM', k, a, b)),
  fc.tuple(key, huge).map(([k, i]) => exact('LINDEX', k, i)),
  fc.tuple(key, huge).map(([k, i]) => exact('LSET', k, i, 'v')),
  // Offsets whose success would allocate up to 512 MB are errors in Redis or left out.
  fc
    .tuple(
      fc.constantFrom('0', '5', '1000', '536870912', '536870913', '-1', '4294967296', '9223372036854775807', 'x'),
      fc.constantFrom('', 'v', 'abc'),
    )
    .map(([o, v]) => exact('SETRANGE', 'str', o, v)),
  fc.constantFrom('0', '7', '100000', '4294967296', '4294967295x', '-1', '9223372036854775807').map((o) => exact('SETBIT', 'bits', o, '1')),
  fc.constantFrom('0', '7', '4294967296', '-1', '9223372036854775807').map((o) => exact('GETBIT', 'bits', o)),
  fc
    .tuple(
      fc.constantFrom('GET', 'SET', 'INCRBY'),
      fc.constantFrom('u8', 'i64', 'u63', 'u64', 'i0', 'u1', 'i65'),
      fc.constantFrom('0', '#0', '#536870912', '4294967296', '-1', '#-1', 'x'),
    )
    .map(([op, t, o]) => exact('BITFIELD', 'bits', op, t, o, ...(op === 'GET' ? [] : ['5']))),
  fc.tuple(huge, huge).map(([a, b]) => exact('BITCOUNT', 'bits', a, b)),
  fc.tuple(huge, huge).map(([a, b]) => exact('BITPOS', 'bits', '1', a, b)),
  fc.tuple(fc.constantFrom('RANK', 'COUNT', 'MAXLEN'), huge).map(([o, n]) => exact('LPOS', 'l', 'a', o, n)),
  fc.tuple(fc.constantFrom('MAXLEN', 'MINID'), fc.constantFrom('=', '~'), huge).map(([s, op, n]) => exact('XTRIM', 'x', s, op, n)),
  fc.tuple(huge).map(([n]) => exact('XRANGE', 'x', '-', '+', 'COUNT', n)),
  fc.tuple(huge, huge).map(([a, b]) => exact('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', a, b)),
  fc.tuple(huge).map(([n]) => ({ args: ['SCAN', '0', 'COUNT', n], mode: 'kind' as const })),
  fc.tuple(huge, huge).map(([n, t]) => exact('INCRBY', 'cnt', n, ...(t === '0' ? [] : []))),
  fc.tuple(huge).map(([n]) => exact('EXPIRE', 'str', n)),
  fc.tuple(huge).map(([n]) => exact('PEXPIRE', 'nokey', n)),
  // Adversarial globs.
  glob.map((p) => shape('KEYS', p)),
  glob.map((p) => shape('SCAN', '0', 'MATCH', p, 'COUNT', '1000')),
  glob.map((p) => shape('HSCAN', 'h', '0', 'MATCH', p)),
  glob.map((p) => exact('PUBSUB', 'CHANNELS', p)),
  // Lua: patterns (valid or not), strings too long to build, nesting, numbers at the limits.
  fc
    .tuple(luaPattern, fc.constantFrom('aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'hello world', '', '(a(b)c)'))
    .map(([p, s]) => exact('EVAL', 'return {pcall(string.find, ARGV[1], ARGV[2])}', '0', s, p)),
  fc.tuple(luaPattern).map(([p]) => exact('EVAL', "return {pcall(string.gsub, 'abcabc', ARGV[1], '%0%0')}", '0', p)),
  // Exponential backtracking: Redis cannot interrupt a C function, it would run for hours; the sim
  // stops it at busy-reply-threshold.
  fc
    .constantFrom('find', 'match', 'gsub')
    .map((f) => simOnly('EVAL', `return {pcall(string.${f}, string.rep('a', 28), string.rep('a*', 14) .. 'b', '')}`, '0')),
  fc
    .tuple(huge)
    .map(([n]) =>
      exact('EVAL', "return {pcall(string.rep, 'ab', tonumber(ARGV[1]) or 0, nil)}", '0', String(Math.min(Number(n) || 0, 1000))),
    ),
  fc
    .constantFrom('268435456', '1073741824', '2147483647', '1e15')
    .map((n) => simOnly('EVAL', "return {pcall(string.rep, 'ab', tonumber(ARGV[1]))}", '0', n)),
  fc.constantFrom(100, 5000, 200000).map((n) => simOnly('EVAL', `local t = {} for i = 1, ${n} do t = {t} end return 1`, '0')),
  fc.constantFrom(50, 180).map((n) => exact('EVAL', `local t = {} for i = 1, ${n} do t = {t} end return t`, '0')),
  fc
    .constantFrom(100, 100000)
    .map((n) => simOnly('EVAL', `local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return {pcall(f, ${n})}`, '0')),
  fc
    .constantFrom('1e308', '-1e308', 'nan', 'inf', '9007199254740993', '-0')
    .map((n) => exact('EVAL', 'return {tonumber(ARGV[1]) or 0, tostring(tonumber(ARGV[1]))}', '0', n)),
  fc
    .tuple(huge, huge)
    .map(([a, b]) => exact('EVAL', "return {pcall(string.sub, 'hello', tonumber(ARGV[1]) or 0, tonumber(ARGV[2]) or 0)}", '0', a, b)),
  fc
    .tuple(huge, huge)
    .map(([a, b]) => exact('EVAL', "return {pcall(string.byte, 'hello', tonumber(ARGV[1]) or 0, tonumber(ARGV[2]) or 0)}", '0', a, b)),
  fc.tuple(huge).map(([n]) => exact('EVAL', "return {pcall(string.format, '%' .. ARGV[1] .. 'd', 1)}", '0', n)),
);

/** The state every run starts from: small keys of every type. */
const SETUP: string[][] = [
  ['FLUSHALL'],
  ['SADD', 's', 'a', 'b', 'c', 'd', 'e'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['HSET', 'h', 'f1', 'v1', 'f2', 'v2', 'aab', 'x'],
  ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a'],
  ['SET', 'str', 'hello world'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['XADD', 'x', '2-1', 'f', 'v'],
  ['SETBIT', 'bits', '100', '1'],
];

async function run(port: number, cmds: readonly (readonly string[])[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    return await c.pipeline(cmds, 30_000);
  } finally {
    c.close();
  }
}

/** A reply's shape: its error text, or its type and element count. */
function shapeOf(raw: string): string {
  if (raw[0] === '-') return raw;
  const agg = splitAggregate(raw);
  if (!agg) return raw[0] as string;
  // SCAN-like replies: [cursor, [items]]: the items' count.
  const inner = agg.items[1] === undefined ? undefined : splitAggregate(agg.items[1]);
  return `${agg.header}${inner ? inner.header : ''}`;
}

describe('command abuse fuzzer', () => {
  let sim: RedisSim;
  let real: RealRedis | undefined;
  beforeAll(async () => {
    await loadScriptingEngine();
    // A short time limit: runaway scripts (sim-only cases) are stopped quickly.
    sim = await RedisSim.start({ port: 0, clock: 'manual', config: { 'busy-reply-threshold': '300' } });
    real = await startRealRedis();
  });
  afterAll(async () => {
    await sim?.stop();
    await real?.stop();
  });

  it(
    `random abusive commands for ${BUDGET_MS} ms: both servers live, replies as Redis's`,
    async () => {
      const end = performance.now() + BUDGET_MS;
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (cmds) => {
          runs++;
          const all = [...SETUP, ...cmds.map((c) => c.args), ['PING']];
          const s = await run(sim.port, all);
          expect(s.at(-1)).toBe('+PONG\r\n');
          if (!real) return;
          const comparable = cmds.filter((c) => c.mode !== 'sim');
          const r = await run(real.port, [...SETUP, ...comparable.map((c) => c.args), ['PING']]);
          expect(r.at(-1)).toBe('+PONG\r\n');
          const simReplies = s.slice(SETUP.length, -1).filter((_, i) => (cmds[i] as Cmd).mode !== 'sim');
          const realReplies = r.slice(SETUP.length, -1);
          const rows = comparable.map((c, i) => {
            const fix = (raw: string) => (c.mode === 'shape' ? shapeOf(raw) : c.mode === 'kind' && raw[0] !== '-' ? raw[0] : raw);
            return { cmd: c.args.join(' ').slice(0, 200), sim: fix(simReplies[i] as string), real: fix(realReplies[i] as string) };
          });
          expect(rows.map((x) => ({ cmd: x.cmd, reply: x.sim }))).toEqual(rows.map((x) => ({ cmd: x.cmd, reply: x.real })));
        }),
        {
          numRuns: 1_000_000,
          interruptAfterTimeLimit: BUDGET_MS,
          markInterruptAsFailure: false,
          seed: Number(process.env.ABUSE_SEED ?? Date.now() % 1e9),
        },
      );
      expect(performance.now()).toBeGreaterThan(end - BUDGET_MS);
      expect(runs).toBeGreaterThan(0);
    },
    BUDGET_MS + 120_000,
  );
});
