/**
 * min-replicas-to-write inside scripts, against a real Redis 7.0: a script without flags (no
 * shebang) runs, and its first write is refused by scriptVerifyWriteCommandAllow with
 * NOREPLICAS (redis.call raises it with the script's name and line; redis.pcall returns it);
 * reads still run; a shebang script that may write is refused before it runs.
 */
import { compatSuite } from './harness.js';

const on = ['CONFIG', 'SET', 'min-replicas-to-write', '1'];
const off = ['CONFIG', 'SET', 'min-replicas-to-write', '0'];

compatSuite('NOREPLICAS in scripts', [
  {
    name: 'EVAL without flags: redis.call, redis.pcall, reads, a write after a read',
    cmds: [
      on,
      ['EVAL', "return redis.call('set','k','v')", '0'],
      ['EVAL', "return redis.pcall('set','k','v')", '0'],
      ['EVAL', "local e = redis.pcall('set','k','v') return e['err']", '0'],
      ['EVAL', "return redis.call('get','k')", '0'],
      ['EVAL', "redis.call('get','k') return redis.call('incr','n')", '0'],
      ['EVAL', "#!lua\nreturn redis.call('set','k','v')", '0'],
      ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','k')", '0'],
      ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=noreplib\nredis.register_function('w', function() return redis.call('set','k','v') end)"],
      ['FCALL', 'w', '0'],
      off,
      ['EVAL', "return redis.call('set','k','v')", '0'],
      ['FUNCTION', 'DELETE', 'noreplib'],
      ['DEL', 'k'],
    ],
  },
]);
