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
