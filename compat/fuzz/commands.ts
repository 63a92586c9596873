/**
 * The fuzzer's command generators: small pools of keys, fields, members and values so that
 * commands collide (the same key used as a string, a list and a hash; the same member added and
 * removed), plus out-of-range and malformed arguments so errors are compared too.
 *
 * Each entry names the command it generates; `compat/fuzz/coverage` and docs/commands.md read
 * these names. Left out: commands whose replies Redis itself randomizes (SPOP, RANDOMKEY,
 * SRANDMEMBER, HRANDFIELD, ...), DUMP (its payload format is redis-sim's own, see
 * src/commands/dump.ts), idle times (XPENDING's extended form, XINFO CONSUMERS) and relative
 * times: expiry uses absolute timestamps far in the past or future, so real time between the two
 * servers never matters.
 *
 * A command tagged '@B', '@W' or '@S' runs on another connection (see runner.ts): B (or C, chosen in
 * commandArb) blocks (timeout 0, served by a later step or CLIENT UNBLOCK), W writes between WATCH
 * and EXEC, S subscribes.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';

export type Cmd = string[];

const key = fc.constantFrom('k1', 'k2', 'k3', '{t}x');
const field = fc.constantFrom('f1', 'f2', 'f3', '1');
const member = fc.constantFrom('a', 'b', 'c', '1', '2', '10', '-1', 'm'.repeat(65));
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
  'y'.repeat(65),
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
const channel = fc.constantFrom('ch1', 'ch2', '__keyevent@0__:set', '__keyspace@0__:k1');
const pattern = fc.constantFrom('ch*', '__keyevent@0__:*', '__keyspace@0__:k*', '__key*__:*', '*');
const SCRIPTS = [
  'return 1',
  'return redis.call("GET", KEYS[1])',
  'return redis.call("INCR", KEYS[1])',
  'return {1, 2, "three", false, {4}}',
  'return redis.pcall("LPUSH", KEYS[1], ARGV[1])',
  'return redis.status_reply("fine")',
  'return redis.error_reply("my error")',
  'return tostring(10/2) .. type(nil)',
  'local v = redis.call("GET", KEYS[1]); if v then return #v end; return -1',
  // errors from redis.call and redis.pcall, error objects and Lua errors
  'return redis.call("HSET", KEYS[1], "f", ARGV[1])',
  'return redis.pcall("INCR", KEYS[1])',
  'local ok, e = pcall(redis.call, "INCR", KEYS[1]); if ok then return e end; return type(e) .. ":" .. tostring(e.err)',
  'return redis.call("NOPE")',
  'return redis.call("GET")',
  'return redis.call("EVAL", "return 1", 0)',
  'error("boom")',
  'return {err="custom"}',
  'return {ok="fine"}',
  'return redis.call("BLPOP", KEYS[1], 0)',
  // tables and numbers
  'return {1, nil, 3}',
  'return 3.99',
  'return {tostring(1/0), tostring(-1/0), tostring(0/0), tostring(2^53), tostring(0.1)}',
  'return tonumber(ARGV[1])',
  'return tostring(tonumber(ARGV[1]))',
  'return string.format("%d|%s|%5.2f|%q|%x", 3, ARGV[1], 1.5, ARGV[1], 255)',
  'return redis.call("ZRANGE", KEYS[1], 0, -1, "WITHSCORES")',
  'redis.call("SET", KEYS[1], ARGV[1]); return redis.call("OBJECT", "ENCODING", KEYS[1])',
  'return redis.sha1hex(ARGV[1])',
  // cjson on small values
  'return cjson.encode({a=1})',
  'return cjson.encode({1, 2.5, "x", true, false})',
  'return cjson.encode(redis.call("LRANGE", KEYS[1], 0, -1))',
  'local t = cjson.decode(ARGV[1]); return type(t) .. ":" .. tostring(t)',
  'return cjson.encode(cjson.decode("[1,{\\"b\\":[2]},null]"))',
  // Lua 5.1's table layout: pairs order, cjson key order, # of tables with holes
  'local r = redis.call("HGETALL", KEYS[1]) local t = {} for i = 1, #r, 2 do t[r[i]] = r[i + 1] end local o = {} for k, v in pairs(t) do o[#o + 1] = k .. "=" .. v end return o',
  'local r = redis.call("HGETALL", KEYS[1]) local t = {} for i = 1, #r, 2 do t[r[i]] = r[i + 1] end return cjson.encode(t)',
  'local t = redis.call("LRANGE", KEYS[1], 0, -1) t[2] = nil return #t',
  'local t = {} for i, v in ipairs(redis.call("SMEMBERS", KEYS[1])) do t[v] = i end local n = 0 for k in pairs(t) do n = n + 1 end return n',
];
const script = fc.constantFrom(...SCRIPTS);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

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
  // wider argument shapes (step 1 of the fuzzer's widening)
  g(
    'LPOS',
    [
      key,
      member,
      fc.constantFrom(
        '',
        'RANK 1',
        'RANK -1',
        'RANK 2',
        'RANK 0',
        'COUNT 0',
        'COUNT 2',
        'MAXLEN 2',
        'RANK -2 COUNT 0',
        'COUNT 1 MAXLEN 1',
        'COUNT -1',
        'RANK x',
      ),
    ],
    (k, v, o) => ['LPOS', k, v, ...(o ? o.split(' ') : [])],
  ),
  g(
    'ZRANGE',
    [
      key,
      scoreBound,
      scoreBound,
      fc.constantFrom('', 'REV'),
      fc.constantFrom('', 'LIMIT 0 1', 'LIMIT 1 -1', 'LIMIT 1 2', 'LIMIT -1 2'),
      fc.constantFrom('', 'WITHSCORES'),
    ],
    (k, a, b, r, l, w) => ['ZRANGE', k, a, b, 'BYSCORE', ...[r, l, w].filter(Boolean).join(' ').split(' ').filter(Boolean)],
  ),
  g('ZRANGE', [key, lexBound, lexBound, fc.constantFrom('', 'REV'), fc.constantFrom('', 'LIMIT 0 1', 'LIMIT 1 -1')], (k, a, b, r, l) => [
    'ZRANGE',
    k,
    a,
    b,
    'BYLEX',
    ...[r, l].filter(Boolean).join(' ').split(' ').filter(Boolean),
  ]),
  g('ZRANGE', [key, int, int, fc.constantFrom('LIMIT 0 1', 'BYLEX WITHSCORES', 'REV WITHSCORES')], (k, a, b, o) => [
    'ZRANGE',
    k,
    a,
    b,
    ...o.split(' '),
  ]),
  g('ZADD', [key, float, member, float, member, float, member], (k, s1, m1, s2, m2, s3, m3) => ['ZADD', k, s1, m1, s2, m2, s3, m3]),
  g('ZADD', [key, member], (k, m) => ['ZADD', k, '1', m, '2']),
  g(
    'ZRANGESTORE',
    [key, key, fc.constantFrom('0 -1', '1 2', '-inf +inf BYSCORE', '(1 10 BYSCORE LIMIT 0 1', '- + BYLEX', '0 -1 REV')],
    (d, k, o) => ['ZRANGESTORE', d, k, ...o.split(' ')],
  ),
  g('ZDIFF', [key, key, fc.constantFrom('', 'WITHSCORES')], (a, b, w) => ['ZDIFF', '2', a, b, ...(w ? [w] : [])]),
  g('ZDIFFSTORE', [key, key, key], (d, a, b) => ['ZDIFFSTORE', d, '2', a, b]),
  g(
    'ZUNION',
    [
      key,
      key,
      fc.constantFrom('', 'WEIGHTS 2 3', 'WEIGHTS 1 -1', 'WEIGHTS x 1', 'WEIGHTS 0.5 inf'),
      fc.constantFrom('', 'AGGREGATE SUM', 'AGGREGATE MIN', 'AGGREGATE MAX', 'AGGREGATE AVG'),
    ],
    (a, b, w, ag) => ['ZUNION', '2', a, b, ...[w, ag, 'WITHSCORES'].filter(Boolean).join(' ').split(' ')],
  ),
  g('ZINTERSTORE', [key, key, key, fc.constantFrom('', 'WEIGHTS 2 3', 'AGGREGATE MAX', 'WEIGHTS -1 1 AGGREGATE MIN')], (d, a, b, o) => [
    'ZINTERSTORE',
    d,
    '2',
    a,
    b,
    ...(o ? o.split(' ') : []),
  ]),
  g('ZINTERCARD', [key, key, fc.constantFrom('', 'LIMIT 1', 'LIMIT 0', 'LIMIT -1')], (a, b, o) => [
    'ZINTERCARD',
    '2',
    a,
    b,
    ...(o ? o.split(' ') : []),
  ]),
  g('ZMPOP', [key, key, fc.constantFrom('MIN', 'MAX'), fc.constantFrom('', 'COUNT 2', 'COUNT 0', 'COUNT 10')], (a, b, w, c) => [
    'ZMPOP',
    '2',
    a,
    b,
    w,
    ...(c ? c.split(' ') : []),
  ]),
  g('ZREVRANK', [key, member], (k, m) => ['ZREVRANK', k, m]),
  g('ZMSCORE', [key, member, member], (k, a, b) => ['ZMSCORE', k, a, b]),
  g('ZLEXCOUNT', [key, lexBound, lexBound], (k, a, b) => ['ZLEXCOUNT', k, a, b]),
  g('ZREMRANGEBYRANK', [key, int, int], (k, a, b) => ['ZREMRANGEBYRANK', k, a, b]),
  g('ZREMRANGEBYLEX', [key, lexBound, lexBound], (k, a, b) => ['ZREMRANGEBYLEX', k, a, b]),
  g('ZPOPMAX', [key, fc.constantFrom('0', '1', '2', '-1')], (k, n) => ['ZPOPMAX', k, n]),
  g(
    'GETEX',
    [key, fc.constantFrom('', 'PERSIST', 'EXAT 4102444800', 'PXAT 4102444800500', 'EX 0', 'EX x', 'PERSIST EXAT 4102444800')],
    (k, o) => ['GETEX', k, ...(o ? o.split(' ') : [])],
  ),
  g('SETRANGE', [key, fc.constantFrom('0', '10', '44', '45', '-1', 'x', '536870912'), fc.constantFrom('', 'z', 'xyz')], (k, o, v) => [
    'SETRANGE',
    k,
    o,
    v,
  ]),
  g(
    'GETRANGE',
    [
      key,
      fc.constantFrom('0', '-1', '-100', '44', '100', '9223372036854775807', '-9223372036854775808'),
      fc.constantFrom('0', '-1', '-50', '2', '100'),
    ],
    (k, a, b) => ['GETRANGE', k, a, b],
  ),
  g('SINTERCARD', [key, key, fc.constantFrom('LIMIT 0', 'LIMIT 1', 'LIMIT -1', 'LIMIT x')], (a, b, o) => [
    'SINTERCARD',
    '2',
    a,
    b,
    ...o.split(' '),
  ]),
  g('SINTERSTORE', [key, key, key], (d, a, b) => ['SINTERSTORE', d, a, b]),
  g('SDIFFSTORE', [key, key, key], (d, a, b) => ['SDIFFSTORE', d, a, b]),
  g('SUNION', [key, key], (a, b) => ['SUNION', a, b]),
  g('LMPOP', [key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('COUNT 2', 'COUNT 0', 'COUNT 10', 'COUNT x')], (a, b, w, c) => [
    'LMPOP',
    '2',
    a,
    b,
    w,
    ...c.split(' '),
  ]),
  g('RPOPLPUSH', [key, key], (a, b) => ['RPOPLPUSH', a, b]),
  g(
    'XADD',
    [
      key,
      streamId,
      fc.constantFrom('NOMKSTREAM', 'NOMKSTREAM MAXLEN 1', 'MAXLEN ~ 1 LIMIT 1', 'MAXLEN = 1', 'MINID ~ 2 LIMIT 10', 'MAXLEN 1 LIMIT 1'),
    ],
    (k, id, o) => ['XADD', k, ...o.split(' '), id, 'f', 'v'],
  ),
  g('XTRIM', [key, fc.constantFrom('MINID 2', 'MINID 1-2', 'MINID = 5-5', 'MINID ~ 2', 'MAXLEN ~ 0', 'MINID x')], (k, o) => [
    'XTRIM',
    k,
    ...o.split(' '),
  ]),
  g('XPENDING', [key, fc.constantFrom('g1', 'g2')], (k, gr) => ['XPENDING', k, gr]),
  g('XACK', [key, fc.constantFrom('g1', 'g2'), streamId, streamId], (k, gr, a, b) => ['XACK', k, gr, a, b]),
  g('XGROUP', [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('0', '$', '1-1', '5-5')], (k, gr, id) => ['XGROUP', 'SETID', k, gr, id]),
  g('XGROUP', [key, fc.constantFrom('g1', 'g2')], (k, gr) => ['XGROUP', 'DESTROY', k, gr]),
  g(
    'XGROUP',
    [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), fc.constantFrom('CREATECONSUMER', 'DELCONSUMER')],
    (k, gr, c, s) => ['XGROUP', s, k, gr, c],
  ),
  g('XGROUP', [key, fc.constantFrom('g1', 'g2')], (k, gr) => ['XGROUP', 'CREATE', k, gr, '$', 'MKSTREAM']),
  g('XINFO', [key], (k) => ['XINFO', 'GROUPS', k]),
  g('XINFO', [key], (k) => ['XINFO', 'STREAM', k]),
  g(
    'XCLAIM',
    [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), streamId, fc.constantFrom('JUSTID', '')],
    (k, gr, c, id, j) => ['XCLAIM', k, gr, c, '0', id, ...(j ? [j] : [])],
  ),
  g('XAUTOCLAIM', [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), fc.constantFrom('0', '1-1', '5-5')], (k, gr, c, id) => [
    'XAUTOCLAIM',
    k,
    gr,
    c,
    '0',
    id,
    'COUNT',
    '2',
    'JUSTID',
  ]),
  g('XSETID', [key, fc.constantFrom('5-5', '10-0', '1-1')], (k, id) => ['XSETID', k, id]),
  g(
    'SORT',
    [
      key,
      fc.constantFrom('', 'ALPHA', 'DESC', 'ALPHA DESC'),
      fc.constantFrom('', 'LIMIT 0 2', 'LIMIT 1 1', 'LIMIT -1 2'),
      fc.constantFrom('', 'STORE k3'),
    ],
    (k, a, l, st) => ['SORT', k, ...[a, l, st].filter(Boolean).join(' ').split(' ').filter(Boolean)],
  ),
  g('SORT', [key, fc.constantFrom('', 'STORE k2')], (k, st) => ['SORT', k, 'BY', 'nosort', ...(st ? st.split(' ') : [])]),
  g('SORT_RO', [key], (k) => ['SORT_RO', k, 'ALPHA']),
  // BY/GET patterns: members '1' and '2' name the keys k1 and k2 (strings or hashes)
  g(
    'SORT',
    [
      key,
      fc.constantFrom('BY k*', 'BY k*->f1', 'BY nosort', ''),
      fc.constantFrom('GET #', 'GET k*', 'GET k*->f1 GET #', 'GET k*->'),
      fc.constantFrom('', 'ALPHA', 'DESC', 'ALPHA DESC'),
    ],
    (k, by, get, o) => ['SORT', k, ...[by, get, o].filter(Boolean).join(' ').split(' ')],
  ),
  // databases
  g('SELECT', [fc.constantFrom('0', '1', '16', 'x')], (d) => ['SELECT', d]),
  g('SWAPDB', [fc.constantFrom('0 1', '1 0', '0 0', '0 16')], (d) => ['SWAPDB', ...d.split(' ')]),
  g('MOVE', [key, fc.constantFrom('0', '1', '16')], (k, d) => ['MOVE', k, d]),
  // encodings after each family's mutations
  g('OBJECT', [key], (k) => ['OBJECT', 'ENCODING', k]),
  g('OBJECT', [key], (k) => ['OBJECT', 'ENCODING', k]),
  // wrong arity, unknown commands and subcommands
  g('GET', [], () => ['GET']),
  g('SET', [key], (k) => ['SET', k]),
  g('HSET', [key, field], (k, f) => ['HSET', k, f]),
  g('ZADD', [key, float], (k, s) => ['ZADD', k, s]),
  g('XADD', [key], (k) => ['XADD', k, '*']),
  g('XGROUP', [], () => ['XGROUP', 'NOPE', 'k1']),
  g('PING', [fc.constantFrom('FOO', 'GETT', 'lpush2')], (n) => [n, 'k1', 'a b']),
  // small encoding thresholds, so the small pools cross them (reset to the defaults each run)
  g(
    'CONFIG',
    [
      fc.constantFrom(
        'zset-max-listpack-entries',
        'zset-max-listpack-value',
        'hash-max-listpack-entries',
        'hash-max-listpack-value',
        'set-max-intset-entries',
        'stream-node-max-entries',
        'list-max-listpack-size',
      ),
      fc.constantFrom('0', '1', '2'),
    ],
    (p, n) => ['CONFIG', 'SET', p, n],
  ),
  g('EXPIRE', [key, fc.constantFrom('0', '-1', 'x')], (k, t) => ['EXPIRE', k, t]),
  g('PEXPIRE', [key, fc.constantFrom('0', '-100')], (k, t) => ['PEXPIRE', k, t]),
  // expiry and count arguments out of range (errors, or deletion at once)
  g(
    'SET',
    [key, fc.constantFrom('EX 0', 'PX -1', 'EX 9999999999999999', 'PX 9223372036854775807', 'EX x', 'EX 1 PX 1', 'KEEPTTL EX 1', 'GET NX')],
    (k, o) => ['SET', k, 'v', ...o.split(' ')],
  ),
  g('EXPIREAT', [key, fc.constantFrom('9223372036854775807', '-1', '9223372036854775', '0')], (k, t) => ['EXPIREAT', k, t]),
  g('PEXPIREAT', [key, fc.constantFrom('9223372036854775807', '-1')], (k, t) => ['PEXPIREAT', k, t]),
  g('SETEX', [key, fc.constantFrom('0', '-1', 'x', '9223372036854775807')], (k, t) => ['SETEX', k, t, 'v']),
  g('PSETEX', [key, fc.constantFrom('0', '-5')], (k, t) => ['PSETEX', k, t, 'v']),
  g('LPOP', [key, fc.constantFrom('0', '-1', '2', 'x')], (k, n) => ['LPOP', k, n]),
  g('UNLINK', [key, key], (a, b) => ['UNLINK', a, b]),
  g('TOUCH', [key, key], (a, b) => ['TOUCH', a, b]),
  g('HVALS', [key], (k) => ['HVALS', k]),
  g('HGETALL', [key], (k) => ['HGETALL', k]),
  g('LINSERT', [key, member], (k, m) => ['LINSERT', k, 'BEFORE', m, 'y'.repeat(65)]),
  // WATCH on A, writes from a second connection W (watch invalidation)
  g('WATCH', [key, key], (a, b) => ['WATCH', a, b]),
  g('UNWATCH', [], () => ['UNWATCH']),
  g('SET', [key, value], (k, v) => ['@W', 'SET', k, v]),
  g('LPUSH', [key, member], (k, m) => ['@W', 'LPUSH', k, m]),
  g('ZADD', [key, member], (k, m) => ['@W', 'ZADD', k, '3', m]),
  g('XADD', [key, streamId], (k, id) => ['@W', 'XADD', k, id, 'f', 'w']),
  g('DEL', [key], (k) => ['@W', 'DEL', k]),
  g('EXPIREAT', [key], (k) => ['@W', 'EXPIREAT', k, '1']),
  // blocking commands on connection B, timeout 0 (served by a later step, or by CLIENT UNBLOCK)
  g('BLPOP', [key, key], (a, b) => ['@B', 'BLPOP', a, b, '0']),
  g('BRPOP', [key], (k) => ['@B', 'BRPOP', k, '0']),
  g('BLMOVE', [key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('LEFT', 'RIGHT')], (a, b, x, y) => [
    '@B',
    'BLMOVE',
    a,
    b,
    x,
    y,
    '0',
  ]),
  g('BLMPOP', [key, key, fc.constantFrom('LEFT', 'RIGHT')], (a, b, w) => ['@B', 'BLMPOP', '0', '2', a, b, w, 'COUNT', '2']),
  g('BZPOPMIN', [key, key], (a, b) => ['@B', 'BZPOPMIN', a, b, '0']),
  g('BZPOPMAX', [key], (k) => ['@B', 'BZPOPMAX', k, '0']),
  g('BZMPOP', [key, fc.constantFrom('MIN', 'MAX')], (k, w) => ['@B', 'BZMPOP', '0', '1', k, w, 'COUNT', '2']),
  g('XREAD', [key, fc.constantFrom('$', '0', '2-0')], (k, id) => ['@B', 'XREAD', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', k, id]),
  g('XREADGROUP', [key, fc.constantFrom('g1', 'g2'), fc.constantFrom('>', '0')], (k, gr, id) => [
    '@B',
    'XREADGROUP',
    'GROUP',
    gr,
    'c1',
    'BLOCK',
    '0',
    'STREAMS',
    k,
    id,
  ]),
  // pub/sub: a subscriber S, PUBLISH and keyspace notifications from A
  g('SUBSCRIBE', [channel, channel], (a, b) => ['@S', 'SUBSCRIBE', a, b]),
  g('PSUBSCRIBE', [pattern], (p) => ['@S', 'PSUBSCRIBE', p]),
  g('UNSUBSCRIBE', [fc.constantFrom('', 'ch1', 'ch2 nope')], (c) => ['@S', 'UNSUBSCRIBE', ...(c ? c.split(' ') : [])]),
  g('PUNSUBSCRIBE', [fc.constantFrom('', 'ch*', '__keyevent@0__:*')], (c) => ['@S', 'PUNSUBSCRIBE', ...(c ? [c] : [])]),
  g('PUBLISH', [channel, value], (ch, v) => ['PUBLISH', ch, v]),
  g('PUBSUB', [fc.constantFrom('NUMSUB ch1 ch2', 'NUMSUB', 'NUMPAT', 'CHANNELS', 'CHANNELS ch*', 'NOPE')], (o) => [
    'PUBSUB',
    ...o.split(' '),
  ]),
  g('CONFIG', [fc.constantFrom('KEA', 'Eg$', 'Kl', 'Ex', 'E$lshzt', 'KEAmn', 'Kg', 'Ed', 'x')], (f) => [
    'CONFIG',
    'SET',
    'notify-keyspace-events',
    f,
  ]),
  // scripting
  g('EVAL', [script, key, value], (s, k, v) => ['EVAL', s, '1', k, v]),
  // the script cache is flushed before each run: NOSCRIPT until the sequence EVALs the script
  g('EVALSHA', [script, key, value], (s, k, v) => ['EVALSHA', sha1(s), '1', k, v]),
  g('SCRIPT', [script, script], (a, b) => ['SCRIPT', 'EXISTS', sha1(a), sha1(b)]),
  g('SCRIPT', [script], (s) => ['SCRIPT', 'LOAD', s]),
  g(
    'EVAL_RO',
    [
      fc.constantFrom('return redis.call("GET", KEYS[1])', 'return redis.call("SET", KEYS[1], "x")', 'return redis.pcall("DEL", KEYS[1])'),
      key,
    ],
    (s, k) => ['EVAL_RO', s, '1', k],
  ),
  // bitmaps
  g('SETBIT', [key, fc.constantFrom('0', '1', '7', '8', '100', '-1', 'x', '4294967296'), fc.constantFrom('0', '1', '2')], (k, o, b) => [
    'SETBIT',
    k,
    o,
    b,
  ]),
  g('GETBIT', [key, fc.constantFrom('0', '1', '7', '100', '-1')], (k, o) => ['GETBIT', k, o]),
  g('BITCOUNT', [key, smallInt, smallInt, fc.constantFrom('', 'BYTE', 'BIT')], (k, a, b, u) => ['BITCOUNT', k, a, b, ...(u ? [u] : [])]),
  g('BITPOS', [key, fc.constantFrom('0', '1'), smallInt, smallInt, fc.constantFrom('', 'BYTE', 'BIT')], (k, b, s, e, u) => [
    'BITPOS',
    k,
    b,
    s,
    e,
    ...(u ? [u] : []),
  ]),
  g('BITOP', [fc.constantFrom('AND', 'OR', 'XOR', 'NOT'), key, key, key], (op, d, a, b) => [
    'BITOP',
    op,
    d,
    a,
    ...(op === 'NOT' ? [] : [b]),
  ]),
  g('BITFIELD', [key, fc.constantFrom('i8', 'u4', 'i64', 'u63', 'i5'), fc.constantFrom('0', '3', '#1'), int], (k, t, o, v) => [
    'BITFIELD',
    k,
    'GET',
    t,
    o,
    'INCRBY',
    t,
    o,
    v,
  ]),
  // HyperLogLog
  g('PFADD', [key, member, member], (k, a, b) => ['PFADD', k, a, b]),
  g('PFCOUNT', [key, key], (a, b) => ['PFCOUNT', a, b]),
  g('PFMERGE', [key, key, key], (d, a, b) => ['PFMERGE', d, a, b]),
  // geo
  g(
    'GEOADD',
    [key, fc.constantFrom('13.361389', '15.087269', '-180', '181', 'x'), fc.constantFrom('38.115556', '37.502669', '85.06'), member],
    (k, lo, la, m) => ['GEOADD', k, lo, la, m],
  ),
  g('GEOPOS', [key, member, member], (k, a, b) => ['GEOPOS', k, a, b]),
  g('GEODIST', [key, member, member, fc.constantFrom('m', 'km', 'mi')], (k, a, b, u) => ['GEODIST', k, a, b, u]),
  g('GEOSEARCH', [key, fc.constantFrom('200', '500', '1'), fc.constantFrom('ASC', 'DESC')], (k, r, o) => [
    'GEOSEARCH',
    k,
    'FROMLONLAT',
    '15',
    '37',
    'BYRADIUS',
    r,
    'km',
    o,
    'WITHDIST',
  ]),
];

/** The commands the fuzzer generates (upper case, unique). */
export const FUZZED_COMMANDS = [...new Set(GENERATORS.map((x) => x.name))];

/** One command, from the generators whose command the server under test implements. */
export function commandArb(available: (name: string) => boolean): fc.Arbitrary<Cmd> {
  const gens = GENERATORS.filter((x) => available(x.name));
  // A blocking command goes to connection B or C (two waiters: service order, BLMOVE chains).
  const onBlocker = (c: Cmd) => (c[0] === '@B' ? fc.constantFrom('@B', '@C').map((t) => [t, ...c.slice(1)]) : fc.constant(c));
  return fc.oneof(...gens.map((x) => x.arb)).chain(onBlocker);
}

/** A transaction: MULTI, two or three commands, EXEC or DISCARD. */
export function transactionArb(one: fc.Arbitrary<Cmd>): fc.Arbitrary<Cmd[]> {
  return fc
    .tuple(fc.array(fc.oneof({ weight: 4, arbitrary: one }, inMulti), { minLength: 1, maxLength: 3 }), fc.constantFrom('EXEC', 'DISCARD'))
    .map(([cmds, end]) => [['MULTI'], ...cmds, [end]]);
}

/**
 * Blocking commands on A itself, only inside MULTI (where they never block: a null reply at once
 * when there is nothing to pop; outside a transaction A would wait for ever).
 */
const inMulti: fc.Arbitrary<Cmd> = fc.oneof(
  key.map((k) => ['BLPOP', k, '0']),
  fc.tuple(key, key).map(([a, b]) => ['BLMOVE', a, b, 'LEFT', 'RIGHT', '0']),
  key.map((k) => ['BZPOPMIN', k, '0']),
  key.map((k) => ['XREAD', 'BLOCK', '0', 'STREAMS', k, '$']),
  key.map((k) => ['BLMPOP', '0', '1', k, 'LEFT']),
);
