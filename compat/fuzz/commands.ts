/**
 * The fuzzer's command generators: small pools of keys, fields, members and values so that
 * commands collide (the same key used as a string, a list and a hash; the same member added and
 * removed), plus out-of-range and malformed arguments so errors are compared too.
 *
 * Each entry names the command it generates; `compat/fuzz/coverage` and docs/commands.md read
 * these names. Commands whose replies Redis itself randomizes (SPOP, RANDOMKEY, SRANDMEMBER, ...)
 * are left out, and so are relative times: expiry uses absolute timestamps far in the past or
 * future, so real time between the two servers never matters.
 */
import fc from 'fast-check';

export type Cmd = string[];

const key = fc.constantFrom('k1', 'k2', 'k3', '{t}x');
const field = fc.constantFrom('f1', 'f2', 'f3', '1');
const member = fc.constantFrom('a', 'b', 'c', '1', '2', '10', '-1');
const value = fc.constantFrom(
  '',
  'v',
  'abc',
  '1',
  '-1',
  '10',
  '3.5',
  '9223372036854775807',
  '-9223372036854775808',
  '0x10',
  ' 1',
  'x'.repeat(45),
);
const int = fc.constantFrom('-2', '-1', '0', '1', '2', '3', '5', '100', '-100', 'x', '1.5', '9223372036854775808');
const smallInt = fc.constantFrom('0', '1', '2', '3', '-1', '-2');
const float = fc.constantFrom('0', '1', '1.5', '-2.25', 'inf', '-inf', '+inf', 'nan', 'abc', '1e3', '0.1');
const scoreBound = fc.constantFrom('-inf', '+inf', '0', '1', '(1', '2.5', '(2.5', '10', 'x');
const lexBound = fc.constantFrom('-', '+', '[a', '(a', '[b', '(c', 'a', '[1');
/** Far in the past or far in the future: the outcome never depends on when the command runs. */
const absSeconds = fc.constantFrom('1', '100', '4102444800', '4102444801');
const absMs = fc.constantFrom('1', '1000', '4102444800000', '4102444800500');
/**
 * SET ... EXAT/PXAT only in the future: Redis 7.0 stores a key whose deadline has passed and leaves
 * it to its active expiry cycle (DBSIZE still counts it for up to ~100 ms), where redis-sim removes it
 * at its deadline. EXPIREAT with a past time deletes at once on both, so it keeps past times.
 */
const futureMs = fc.constantFrom('4102444800000', '4102444800500');
const streamId = fc.constantFrom('1-1', '1-2', '2-0', '5-5', '0-1', '10', '3-*');
const rangeId = fc.constantFrom('-', '+', '0', '1-1', '(1-1', '2', '5-5');
const script = fc.constantFrom(
  'return 1',
  'return redis.call("GET", KEYS[1])',
  'return redis.call("INCR", KEYS[1])',
  'return {1, 2, "three", false, {4}}',
  'return redis.pcall("LPUSH", KEYS[1], ARGV[1])',
  'return redis.status_reply("fine")',
  'return redis.error_reply("my error")',
  'return tostring(10/2) .. type(nil)',
  'local v = redis.call("GET", KEYS[1]); if v then return #v end; return -1',
);

const g = <T extends unknown[]>(name: string, arbs: { [K in keyof T]: fc.Arbitrary<T[K]> }, build: (...xs: T) => Cmd) => ({
  name,
  arb: fc.tuple(...(arbs as fc.Arbitrary<unknown>[])).map((xs) => build(...(xs as T))),
});

/** Every generator, tagged with the Redis command it produces. */
export const GENERATORS = [
  // strings
  g('GET', [key], (k) => ['GET', k]),
  g('SET', [key, value], (k, v) => ['SET', k, v]),
  g('SET', [key, value, fc.constantFrom('NX', 'XX', 'GET', 'KEEPTTL', 'NX GET', 'XX GET', 'NX XX')], (k, v, o) => [
    'SET',
    k,
    v,
    ...o.split(' '),
  ]),
  g('SET', [key, value, fc.constantFrom('EXAT', 'PXAT'), futureMs], (k, v, o, t) => ['SET', k, v, o, o === 'EXAT' ? t.slice(0, -3) : t]),
  g('SETNX', [key, value], (k, v) => ['SETNX', k, v]),
  g('GETSET', [key, value], (k, v) => ['GETSET', k, v]),
  g('GETDEL', [key], (k) => ['GETDEL', k]),
  g('MGET', [key, key], (a, b) => ['MGET', a, b]),
  g('MSET', [key, value, key, value], (a, x, b, y) => ['MSET', a, x, b, y]),
  g('MSETNX', [key, value, key, value], (a, x, b, y) => ['MSETNX', a, x, b, y]),
  g('APPEND', [key, value], (k, v) => ['APPEND', k, v]),
  g('STRLEN', [key], (k) => ['STRLEN', k]),
  g('GETRANGE', [key, int, int], (k, a, b) => ['GETRANGE', k, a, b]),
  g('SETRANGE', [key, smallInt, value], (k, o, v) => ['SETRANGE', k, o, v]),
  g('INCR', [key], (k) => ['INCR', k]),
  g('DECR', [key], (k) => ['DECR', k]),
  g('INCRBY', [key, int], (k, n) => ['INCRBY', k, n]),
  g('DECRBY', [key, int], (k, n) => ['DECRBY', k, n]),
  g('INCRBYFLOAT', [key, float], (k, n) => ['INCRBYFLOAT', k, n]),
  // keys and expiry
  g('DEL', [key, key], (a, b) => ['DEL', a, b]),
  g('EXISTS', [key, key], (a, b) => ['EXISTS', a, b]),
  g('TYPE', [key], (k) => ['TYPE', k]),
  g('RENAME', [key, key], (a, b) => ['RENAME', a, b]),
  g('RENAMENX', [key, key], (a, b) => ['RENAMENX', a, b]),
  g('COPY', [key, key, fc.constantFrom('', 'REPLACE')], (a, b, o) => ['COPY', a, b, ...(o ? [o] : [])]),
  g('EXPIREAT', [key, absSeconds, fc.constantFrom('', 'NX', 'XX', 'GT', 'LT')], (k, t, o) => ['EXPIREAT', k, t, ...(o ? [o] : [])]),
  g('PEXPIREAT', [key, absMs], (k, t) => ['PEXPIREAT', k, t]),
  g('EXPIRETIME', [key], (k) => ['EXPIRETIME', k]),
  g('PEXPIRETIME', [key], (k) => ['PEXPIRETIME', k]),
  g('PERSIST', [key], (k) => ['PERSIST', k]),
  g('DBSIZE', [], () => ['DBSIZE']),
  g('KEYS', [fc.constantFrom('*', 'k*', '?1', '[k]*', '{t}*')], (p) => ['KEYS', p]),
  g('OBJECT', [key], (k) => ['OBJECT', 'ENCODING', k]),
  // lists
  g('LPUSH', [key, member, member], (k, a, b) => ['LPUSH', k, a, b]),
  g('RPUSH', [key, member], (k, a) => ['RPUSH', k, a]),
  g('LPUSHX', [key, member], (k, a) => ['LPUSHX', k, a]),
  g('LPOP', [key], (k) => ['LPOP', k]),
  g('RPOP', [key, fc.constantFrom('0', '1', '2', '-1')], (k, n) => ['RPOP', k, n]),
  g('LLEN', [key], (k) => ['LLEN', k]),
  g('LRANGE', [key, int, int], (k, a, b) => ['LRANGE', k, a, b]),
  g('LINDEX', [key, int], (k, i) => ['LINDEX', k, i]),
  g('LSET', [key, int, member], (k, i, v) => ['LSET', k, i, v]),
  g('LREM', [key, int, member], (k, n, v) => ['LREM', k, n, v]),
  g('LTRIM', [key, int, int], (k, a, b) => ['LTRIM', k, a, b]),
  g('LINSERT', [key, fc.constantFrom('BEFORE', 'AFTER', 'MIDDLE'), member, member], (k, w, p, v) => ['LINSERT', k, w, p, v]),
  g('LPOS', [key, member], (k, v) => ['LPOS', k, v]),
  g('LMOVE', [key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('LEFT', 'RIGHT')], (a, b, x, y) => ['LMOVE', a, b, x, y]),
  g('LMPOP', [key, key, fc.constantFrom('LEFT', 'RIGHT')], (a, b, w) => ['LMPOP', '2', a, b, w]),
  // hashes
  g('HSET', [key, field, value], (k, f, v) => ['HSET', k, f, v]),
  g('HSETNX', [key, field, value], (k, f, v) => ['HSETNX', k, f, v]),
  g('HGET', [key, field], (k, f) => ['HGET', k, f]),
  g('HMGET', [key, field, field], (k, a, b) => ['HMGET', k, a, b]),
  g('HDEL', [key, field], (k, f) => ['HDEL', k, f]),
  g('HLEN', [key], (k) => ['HLEN', k]),
  g('HGETALL', [key], (k) => ['HGETALL', k]),
  g('HKEYS', [key], (k) => ['HKEYS', k]),
  g('HINCRBY', [key, field, int], (k, f, n) => ['HINCRBY', k, f, n]),
  g('HINCRBYFLOAT', [key, field, float], (k, f, n) => ['HINCRBYFLOAT', k, f, n]),
  g('HEXISTS', [key, field], (k, f) => ['HEXISTS', k, f]),
  g('HSTRLEN', [key, field], (k, f) => ['HSTRLEN', k, f]),
  // sets
  g('SADD', [key, member, member], (k, a, b) => ['SADD', k, a, b]),
  g('SREM', [key, member], (k, a) => ['SREM', k, a]),
  g('SCARD', [key], (k) => ['SCARD', k]),
  g('SISMEMBER', [key, member], (k, a) => ['SISMEMBER', k, a]),
  g('SMISMEMBER', [key, member, member], (k, a, b) => ['SMISMEMBER', k, a, b]),
  g('SMEMBERS', [key], (k) => ['SMEMBERS', k]),
  g('SINTER', [key, key], (a, b) => ['SINTER', a, b]),
  g('SUNIONSTORE', [key, key, key], (d, a, b) => ['SUNIONSTORE', d, a, b]),
  g('SDIFF', [key, key], (a, b) => ['SDIFF', a, b]),
  g('SMOVE', [key, key, member], (a, b, m) => ['SMOVE', a, b, m]),
  g('SINTERCARD', [key, key], (a, b) => ['SINTERCARD', '2', a, b]),
  // sorted sets
  g('ZADD', [key, float, member], (k, s, m) => ['ZADD', k, s, m]),
  g('ZADD', [key, fc.constantFrom('NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'NX XX', 'GT LT'), float, member], (k, o, s, m) => [
    'ZADD',
    k,
    ...o.split(' '),
    s,
    m,
  ]),
  g('ZINCRBY', [key, float, member], (k, s, m) => ['ZINCRBY', k, s, m]),
  g('ZREM', [key, member], (k, m) => ['ZREM', k, m]),
  g('ZCARD', [key], (k) => ['ZCARD', k]),
  g('ZSCORE', [key, member], (k, m) => ['ZSCORE', k, m]),
  g('ZRANK', [key, member], (k, m) => ['ZRANK', k, m]),
  g('ZRANGE', [key, int, int, fc.constantFrom('', 'WITHSCORES', 'REV')], (k, a, b, o) => ['ZRANGE', k, a, b, ...(o ? [o] : [])]),
  g('ZRANGEBYSCORE', [key, scoreBound, scoreBound], (k, a, b) => ['ZRANGEBYSCORE', k, a, b, 'WITHSCORES']),
  g('ZRANGEBYLEX', [key, lexBound, lexBound], (k, a, b) => ['ZRANGEBYLEX', k, a, b]),
  g('ZCOUNT', [key, scoreBound, scoreBound], (k, a, b) => ['ZCOUNT', k, a, b]),
  g('ZPOPMIN', [key], (k) => ['ZPOPMIN', k]),
  g('ZREMRANGEBYSCORE', [key, scoreBound, scoreBound], (k, a, b) => ['ZREMRANGEBYSCORE', k, a, b]),
  g('ZUNIONSTORE', [key, key, key], (d, a, b) => ['ZUNIONSTORE', d, '2', a, b]),
  g('ZINTER', [key, key], (a, b) => ['ZINTER', '2', a, b, 'WITHSCORES']),
  // streams, explicit IDs only
  g('XADD', [key, streamId, field, value], (k, id, f, v) => ['XADD', k, id, f, v]),
  g('XADD', [key, fc.constantFrom('MAXLEN', 'MINID'), fc.constantFrom('0', '1', '2-0'), streamId], (k, t, n, id) => [
    'XADD',
    k,
    t,
    n,
    id,
    'f',
    'v',
  ]),
  g('XLEN', [key], (k) => ['XLEN', k]),
  g('XRANGE', [key, rangeId, rangeId], (k, a, b) => ['XRANGE', k, a, b]),
  g('XREVRANGE', [key, rangeId, rangeId], (k, a, b) => ['XREVRANGE', k, b, a]),
  g('XDEL', [key, streamId], (k, id) => ['XDEL', k, id]),
  g('XTRIM', [key, fc.constantFrom('0', '1', '2')], (k, n) => ['XTRIM', k, 'MAXLEN', n]),
  g('XGROUP', [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('0', '$', '1-1')], (k, gr, id) => ['XGROUP', 'CREATE', k, gr, id]),
  g('XREADGROUP', [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), fc.constantFrom('>', '0')], (k, gr, c, id) => [
    'XREADGROUP',
    'GROUP',
    gr,
    c,
    'COUNT',
    '2',
    'STREAMS',
    k,
    id,
  ]),
  g('XACK', [key, fc.constantFrom('g1', 'g2'), streamId], (k, gr, id) => ['XACK', k, gr, id]),
  // scripting
  g('EVAL', [script, key, value], (s, k, v) => ['EVAL', s, '1', k, v]),
];

/** The commands the fuzzer generates (upper case, unique). */
export const FUZZED_COMMANDS = [...new Set(GENERATORS.map((x) => x.name))];

/** One command, from the generators whose command the server under test implements. */
export function commandArb(available: (name: string) => boolean): fc.Arbitrary<Cmd> {
  const gens = GENERATORS.filter((x) => available(x.name));
  return fc.oneof(...gens.map((x) => x.arb));
}

/** A transaction: MULTI, two or three commands, EXEC or DISCARD. */
export function transactionArb(one: fc.Arbitrary<Cmd>): fc.Arbitrary<Cmd[]> {
  return fc
    .tuple(fc.array(one, { minLength: 1, maxLength: 3 }), fc.constantFrom('EXEC', 'DISCARD'))
    .map(([cmds, end]) => [['MULTI'], ...cmds, [end]]);
}
