/**
 * INFO persistence's rdb_changes_since_last_save (Redis's server.dirty): one change per element
 * for the commands that count so (HSET's fields, SADD's additions, pushes, pops with COUNT, ...),
 * one for a RENAME or an LMOVE although they touch two keys. Each case measures one command's
 * delta from inside a script, so the servers' different histories do not matter.
 */
import { compatSuite } from './harness.js';

const CHANGES =
  'local function changes() return tonumber(string.match(redis.call("INFO", "persistence"), "rdb_changes_since_last_save:(%d+)")) end ';
const E = (script: string) => ['EVAL', CHANGES + script, '0'];

compatSuite('dirty counts', [
  {
    name: 'changes counted per command',
    cmds: [
      E(' local a = changes() redis.call("HSET", "h", "a", "1", "b", "2", "c", "3") return changes() - a'),
      E('redis.call("HSET", "h", "a", "1") local a = changes() redis.call("HSET", "h", "a", "1", "b", "2") return changes() - a'),
      E('redis.call("HSET", "h", "a", "1", "b", "2") local a = changes() redis.call("HDEL", "h", "a", "b", "zz") return changes() - a'),
      E('redis.call("HSET", "h", "a", "1") local a = changes() redis.call("HMSET", "h", "a", "1", "b", "2") return changes() - a'),
      E(' local a = changes() redis.call("SADD", "s", "a", "b", "c", "a") return changes() - a'),
      E('redis.call("SADD", "s", "a", "b", "c") local a = changes() redis.call("SREM", "s", "a", "b", "x") return changes() - a'),
      E('redis.call("SADD", "s", "a", "b", "c") local a = changes() redis.call("SMOVE", "s", "d", "a") return changes() - a'),
      E(
        'redis.call("SADD", "s", "a", "b", "c") redis.call("SADD", "d", "a") local a = changes() redis.call("SMOVE", "s", "d", "a") return changes() - a',
      ),
      E('redis.call("SADD", "s", "a", "b", "c", "d") local a = changes() redis.call("SPOP", "s", "2") return changes() - a'),
      E('redis.call("SADD", "s", "a", "b", "c", "d") local a = changes() redis.call("SPOP", "s", "10") return changes() - a'),
      E(' local a = changes() redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c") return changes() - a'),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b") local a = changes() redis.call("ZADD", "z", "1", "a", "5", "b", "6", "c") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c") local a = changes() redis.call("ZREM", "z", "a", "b", "q") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d") local a = changes() redis.call("ZPOPMIN", "z", "2") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d") local a = changes() redis.call("ZREMRANGEBYRANK", "z", "0", "2") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d") local a = changes() redis.call("ZREMRANGEBYSCORE", "z", "1", "2") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d") local a = changes() redis.call("ZMPOP", "1", "z", "MIN", "COUNT", "3") return changes() - a',
      ),
      E(' local a = changes() redis.call("RPUSH", "l", "a", "b", "c", "d", "e") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "c", "d", "e") local a = changes() redis.call("LPOP", "l", "2") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "c", "d", "e") local a = changes() redis.call("RPOP", "l") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "c", "d", "e") local a = changes() redis.call("LTRIM", "l", "1", "2") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "a", "a") local a = changes() redis.call("LREM", "l", "0", "a") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "c") local a = changes() redis.call("LMOVE", "l", "m", "LEFT", "RIGHT") return changes() - a'),
      E('redis.call("RPUSH", "l", "a", "b", "c") local a = changes() redis.call("RPOPLPUSH", "l", "l") return changes() - a'),
      E(
        'redis.call("RPUSH", "l", "a", "b", "c", "d") local a = changes() redis.call("LMPOP", "1", "l", "LEFT", "COUNT", "3") return changes() - a',
      ),
      E('redis.call("RPUSH", "l", "a", "b", "c") local a = changes() redis.call("LPUSHX", "l", "x", "y") return changes() - a'),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("RENAME", "a", "b") return changes() - a'),
      E('redis.call("SET", "a", "1") redis.call("SET", "b", "2") local a = changes() redis.call("RENAME", "a", "b") return changes() - a'),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("COPY", "a", "b") return changes() - a'),
      E(
        'redis.call("SELECT", "1") redis.call("FLUSHDB") redis.call("SELECT", "0") redis.call("SET", "a", "1") local a = changes() redis.call("MOVE", "a", "1") return changes() - a',
      ),
      E(
        'redis.call("SADD", "s1", "a", "b") redis.call("SADD", "s2", "b", "c") local a = changes() redis.call("SINTERSTORE", "d", "s1", "s2") return changes() - a',
      ),
      E(
        'redis.call("SADD", "s1", "a", "b") redis.call("SADD", "s2", "b", "c") local a = changes() redis.call("SUNIONSTORE", "d", "s1", "s2") return changes() - a',
      ),
      E(
        'redis.call("ZADD", "z1", "1", "a") redis.call("ZADD", "z2", "2", "b") local a = changes() redis.call("ZUNIONSTORE", "d", "2", "z1", "z2") return changes() - a',
      ),
      E('redis.call("RPUSH", "l", "3", "1", "2") local a = changes() redis.call("SORT", "l", "STORE", "d") return changes() - a'),
      E(' local a = changes() redis.call("MSET", "a", "1", "b", "2", "c", "3") return changes() - a'),
      E(
        'redis.call("SET", "a", "1") redis.call("SET", "b", "2") local a = changes() redis.call("DEL", "a", "b", "c") return changes() - a',
      ),
      E(' local a = changes() redis.call("XADD", "s", "*", "a", "1") return changes() - a'),
      E(
        'redis.call("XADD", "s", "1-1", "a", "1") redis.call("XADD", "s", "1-2", "a", "1") redis.call("XADD", "s", "1-3", "a", "1") local a = changes() redis.call("XDEL", "s", "1-1", "1-2", "9-9") return changes() - a',
      ),
      E(
        'redis.call("XADD", "s", "1-1", "a", "1") redis.call("XADD", "s", "1-2", "a", "1") redis.call("XADD", "s", "1-3", "a", "1") local a = changes() redis.call("XTRIM", "s", "MAXLEN", "1") return changes() - a',
      ),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("EXPIRE", "a", "100") return changes() - a'),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("INCR", "a") return changes() - a'),
      E('redis.call("SET", "a", "x") local a = changes() redis.call("APPEND", "a", "yz") return changes() - a'),
      E(' local a = changes() redis.call("SETRANGE", "a", "5", "x") return changes() - a'),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("GETDEL", "a") return changes() - a'),
      E('redis.call("HSET", "h", "a", "1") local a = changes() redis.call("HINCRBY", "h", "a", "5") return changes() - a'),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("SET", "a", "2", "GET") return changes() - a'),
      E(' local a = changes() redis.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") return changes() - a'),
      E('redis.call("XADD", "s", "1-1", "a", "1") local a = changes() redis.call("XGROUP", "CREATE", "s", "g", "0") return changes() - a'),
      E(
        'redis.call("GEOADD", "g", "13.36", "38.11", "a", "15.08", "37.50", "b", "2.35", "48.85", "c") local a = changes() redis.call("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km") return changes() - a',
      ),
      E(
        'redis.call("SET", "d", "x") local a = changes() redis.call("GEOSEARCHSTORE", "d", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km") return changes() - a',
      ),
      E(' local a = changes() redis.call("PFADD", "h", "a", "b", "c") return changes() - a'),
      E(
        'redis.call("PFADD", "h1", "a") redis.call("PFADD", "h2", "b") local a = changes() redis.call("PFMERGE", "h3", "h1", "h2") return changes() - a',
      ),
      E(
        ' local a = changes() redis.call("BITFIELD", "b", "SET", "u8", "0", "1", "SET", "u8", "8", "2", "GET", "u8", "0") return changes() - a',
      ),
      E('redis.call("SET", "a", "1") local a = changes() redis.call("RENAME", "a", "a") return changes() - a'),
      E(
        'redis.call("RPUSH", "l", "a", "b") local a = changes() redis.call("LSET", "l", "0", "x") redis.call("LINSERT", "l", "BEFORE", "x", "y") return changes() - a',
      ),
    ],
  },
]);
