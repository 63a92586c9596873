import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { compatSuite, haveRealRedis, useTargets } from './harness.js';

const LIB =
  '#!lua name=mylib\nredis.register_function("myfunc", function(keys, args) return {keys[1], args[1]} end)\nredis.register_function{function_name="ro", callback=function(keys, args) return redis.call("set","x","1") end, flags={"no-writes"}, description="desc"}';
const LIB2 = '#!lua name=lib2\nredis.register_function("f2", function(keys, args) return redis.call("get", keys[1]) end)';

compatSuite('functions', [
  {
    name: 'FUNCTION LOAD, FCALL, FCALL_RO',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', LIB],
      ['FCALL', 'myfunc', '1', 'k', 'a'],
      ['FCALL', 'ro', '0'],
      ['FCALL_RO', 'myfunc', '0'],
      ['FCALL', 'nope', '0'],
      ['FCALL', 'myfunc', 'x'],
      ['FCALL', 'myfunc', '2', 'a'],
      ['FCALL', 'nope', 'x'],
      ['FCALL', 'nope', '5'],
      ['FCALL', 'myfunc', '-1'],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['FUNCTION', 'LOAD', LIB2],
      ['SET', 'k', 'v'],
      ['FCALL', 'f2', '1', 'k'],
      ['FCALL_RO', 'f2', '1', 'k'],
      ['FUNCTION', 'DELETE', 'lib2'],
      ['FUNCTION', 'DELETE', 'lib2'],
      [
        'FUNCTION',
        'LOAD',
        'REPLACE',
        '#!lua name=mylib\nredis.register_function{function_name="ro", callback=function(keys, args) return 1 end, flags={"no-writes", "allow-stale"}, description="desc"}',
      ],
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'LIST', 'WITHCODE'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'my*'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'my'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME'],
      ['FUNCTION', 'LIST', 'FOO'],
      ['FUNCTION', 'STATS'],
      ['FUNCTION', 'KILL'],
      ['FUNCTION', 'FLUSH', 'bad'],
      ['FUNCTION', 'FLUSH', 'SYNC'],
      ['FUNCTION', 'STATS'],
    ],
  },
  {
    name: 'FUNCTION LOAD errors',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', 'return 1'],
      ['FUNCTION', 'LOAD', '#!lua name=l2\nreturn 1'],
      ['FUNCTION', 'LOAD', '#!lua name=l2\nlocal x = y'],
      ['FUNCTION', 'LOAD', '#!lua name=l2\nredis.call("ping")'],
      ['FUNCTION', 'LOAD', '#!js name=x\nreturn 1'],
      ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("a-b", function() end)'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("ab", 1)'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{function_name="ab", callback=function() end, flags={"zz"}}'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("ab")'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("ab", function() end) redis.register_function("ab", function() end)'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nreturn +'],
      ['FUNCTION', 'LOAD', '#!lua name=x y\nreturn 1'],
      ['FUNCTION', 'LOAD', '#!lua name=b-c\nreturn 1'],
      ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{function_name="ab", callback=function() end, bad=1}'],
      ['FUNCTION', 'LOAD', '#!lua name=l3\nredis.register_function("f3", function() error("bad") end)'],
      ['FCALL', 'f3', '0'],
      ['FUNCTION', 'LOAD', '#!lua name=l4\nredis.register_function("f3", function() end)'],
      ['FUNCTION', 'RESTORE', 'abc'],
      ['FUNCTION', 'RESTORE', 'abc', 'bad'],
      ['FUNCTION', 'LOAD'],
      ['FUNCTION', 'HELP'],
    ],
  },
  {
    name: 'FUNCTION DUMP and RESTORE round trip',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', '#!lua name=s\nredis.register_function("s1", function() return 1 end)'],
      ['FUNCTION', 'FLUSH'],
      [
        'FUNCTION',
        'RESTORE',
        '\xf5\x3d#!lua name=s\nredis.register_function("s1", function() return 1 end)\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00',
      ],
    ],
  },
]);

describe.runIf(haveRealRedis)('compat: functions dumped by real Redis restore into redis-sim', () => {
  const targets = useTargets();
  it('restores a real FUNCTION DUMP payload (LZF-compressed code)', async () => {
    const t = targets();
    const real = await RawClient.connect(t.real.port);
    const sim = await RawClient.connect(t.sim.port);
    try {
      const code = `#!lua name=dumped\nredis.register_function("dumped_f", function(keys, args) return "restored " .. args[1] end)\n-- ${'padding '.repeat(20)}`;
      await real.call('FUNCTION', 'FLUSH');
      await real.call('FUNCTION', 'LOAD', code);
      const reply = await real.call('FUNCTION', 'DUMP');
      const payload = reply.slice(reply.indexOf('\r\n') + 2, -2);
      await sim.call('FUNCTION', 'FLUSH');
      expect(await sim.call('FUNCTION', 'RESTORE', payload)).toBe('+OK\r\n');
      expect(await sim.call('FCALL', 'dumped_f', '0', 'x')).toBe('$10\r\nrestored x\r\n');
      // And the other way: redis-sim's dump restores into real Redis.
      const simDump = await sim.call('FUNCTION', 'DUMP');
      await real.call('FUNCTION', 'FLUSH');
      expect(await real.call('FUNCTION', 'RESTORE', simDump.slice(simDump.indexOf('\r\n') + 2, -2))).toBe('+OK\r\n');
      expect(await real.call('FCALL', 'dumped_f', '0', 'y')).toBe('$10\r\nrestored y\r\n');
    } finally {
      await real.call('FUNCTION', 'FLUSH');
      real.close();
      sim.close();
    }
  });
});

compatSuite('functions: environments, names, register_function arguments', [
  {
    name: 'load-time globals, case-insensitive names, argument forms',
    resp: [2],
    cmds: [
      ['FUNCTION', 'FLUSH'],
      [
        'FUNCTION',
        'LOAD',
        "#!lua name=a\nlocal function helper() return 1 end\nredis.register_function('f1', function(keys, args)\n  return {keys[1], args[1], #keys, #args, helper()}\nend)",
      ],
      ['FCALL', 'f1', '2', 'k1', 'k2', 'a1'],
      ['FUNCTION', 'LOAD', "#!lua name=b\nredis.register_function('f2', function(keys, args)\n  local x = nil\n  return x.y\nend)"],
      ['FCALL', 'f2', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=c\nredis.register_function('f3', function() return redis.call('nope') end)"],
      ['FCALL', 'f3', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=d\nredis.register_function('f4', function() return KEYS end)"],
      ['FCALL', 'f4', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=e\nredis.register_function('f5', function() x = 1 end)"],
      ['FCALL', 'f5', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=f\nlocal n = 0\nredis.register_function('f6', function() n = n + 1 return n end)"],
      ['FCALL', 'f6', '0'],
      ['FCALL', 'f6', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=g\nredis.register_function{function_name='f7', callback=function() return redis.setresp(3) end}"],
      ['FCALL', 'f7', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=h\nredis.register_function('f8', function() return redis.call('set', 'k', 'v') end)"],
      ['FCALL_RO', 'f8', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=i\nredis.log(redis.LOG_WARNING, 'loading')\nredis.register_function('f9', function() return 9 end)"],
      ['FUNCTION', 'LOAD', "#!lua name=j\nredis.register_function('f10', function() return 1 end)\nreturn 5"],
      ['FUNCTION', 'LOAD', "#!lua name=k\nredis.register_function('f11', function() return 1 end)\nerror('after')"],
      ['FUNCTION', 'LOAD', "#!lua name=l\nredis.register_function('F12', function() return math.random(3) ~= nil end)"],
      ['FCALL', 'F12', '0'],
      ['FCALL', 'f12', '0'],
      ['FUNCTION', 'LOAD', "#!LUA name=m\nredis.register_function('f13', function() return 1 end)"],
      ['FUNCTION', 'LOAD', "#!lua name=n\nredis.register_function{function_name='f14', callback=function() return 1 end, description=5}"],
      [
        'FUNCTION',
        'LOAD',
        "#!lua name=o\nredis.register_function{function_name='f15', callback=function() return 1 end, flags='no-writes'}",
      ],
      ['FUNCTION', 'LOAD', '#!lua name=p\nredis.register_function{callback=function() return 1 end}'],
      ['FUNCTION', 'LOAD', "#!lua name=q\nredis.register_function{function_name='f16'}"],
      ['FUNCTION', 'LOAD', '#!lua name=r\nredis.register_function(1, function() end)'],
      ['FUNCTION', 'LOAD', "#!lua name=s\nredis.register_function('a', function() end, 3)"],
      ['FUNCTION', 'DELETE', 'a'],
      ['FUNCTION', 'STATS'],
    ],
  },
]);
