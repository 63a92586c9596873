/**
 * OOM rules of scripts and functions (Redis 7.0's processCommand getCommandFlags, script.c's
 * scriptPrepareForRun and scriptVerifyOOM), compared with a real redis-server. Both servers are
 * put out of memory the same way: maxmemory 1 is below any server's memory, so under noeviction
 * (or with nothing left to evict) every denyoom command is refused. Every case ends by restoring
 * maxmemory 0 and noeviction. INFO commandstats are compared sorted, without timings.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { type Command, compatSuite, haveRealRedis, useTargets } from './harness.js';

const E = (script: string, ...rest: string[]): Command => ['EVAL', script, '0', ...rest];
const sha1 = (s: string) => createHash('sha1').update(s, 'latin1').digest('hex');

const OOM = ['CONFIG', 'SET', 'maxmemory', '1'] as const;
const RESTORE: Command[] = [
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
];

/** INFO replies: timings dropped, lines sorted (Redis lists commandstats in hash-table order). */
function statsNormalize(stats: number[]): (raw: string, i: number) => string {
  return (raw, i) =>
    stats.includes(i)
      ? raw
          .replace(/usec=\d+,usec_per_call=[\d.]+,/g, '')
          .replace(/^[$=]\d+\r\n(txt:)?/, '')
          .split('\r\n')
          .sort()
          .join('|')
      : raw;
}

const SHEBANG_GET = "#!lua\nreturn redis.call('get','a')";

const LIB = `#!lua name=ooms
redis.register_function('plain', function(k, a) return redis.call('set', k[1], 'v') end)
redis.register_function{function_name='noflags', callback=function(k, a) return 1 end, flags={}}
redis.register_function{function_name='ro', callback=function(k, a) return redis.call('get', k[1]) end, flags={'no-writes'}}
redis.register_function{function_name='oom', callback=function(k, a) return redis.call('set', k[1], 'v') end, flags={'allow-oom'}}
redis.register_function{function_name='roset', callback=function(k, a) return redis.pcall('set', k[1], 'v') end, flags={'no-writes'}}`;

compatSuite('scripting OOM', [
  {
    name: 'a script without a shebang: its first denyoom call is refused until it has written',
    cmds: [
      // redis-sim loads its Lua engine on the first script; that first (deferred) run is not
      // counted in commandstats, so one runs before the counters are reset.
      E('return 1'),
      ['SET', 'a', '1'],
      ['CONFIG', 'RESETSTAT'],
      OOM,
      E("return redis.call('set','x','1')"),
      E("return redis.pcall('set','x','1')"),
      E("local r = redis.pcall('set','x','1') return r.err"),
      E("local r = redis.pcall('lpush','l','1') return {r.err, redis.call('get','a')}"),
      E("return {redis.call('get','a'), redis.call('exists','x')}"),
      E("return redis.call('incr','a')"),
      // DEL is a write (not denyoom): once it ran, the script cannot be stopped in the middle.
      E("redis.call('del','nokey') return redis.call('set','x','1')"),
      E("redis.call('expire','a','100') return redis.call('set','y','2')"),
      E("local r = redis.pcall('set','z','1') return {r.err, redis.call('del','z'), redis.pcall('set','z','1')}"),
      // A refused call is not a write: the next denyoom call is refused too.
      E("redis.pcall('set','w','1') return redis.call('set','w','1')"),
      ['MGET', 'x', 'y', 'z', 'w'],
      ['INFO', 'errorstats'],
      ['INFO', 'commandstats'],
      ...RESTORE,
      E("return redis.call('set','x','2')"),
    ],
    normalize: statsNormalize([15, 16]),
  },
  {
    name: 'a script with a shebang is denyoom unless allow-oom or no-writes',
    cmds: [
      ['SCRIPT', 'FLUSH'],
      ['SET', 'a', '1'],
      ['SCRIPT', 'LOAD', SHEBANG_GET],
      ['SCRIPT', 'LOAD', "#!lua flags=allow-oom\nreturn redis.call('set','c','3')"],
      ['CONFIG', 'RESETSTAT'],
      OOM,
      E('#!lua\nreturn 1'),
      E('#!lua flags=allow-stale\nreturn 1'),
      E("#!lua flags=no-writes\nreturn redis.call('get','a')"),
      E("#!lua flags=no-writes\nreturn redis.pcall('set','a','2')"),
      E("#!lua flags=allow-oom\nreturn redis.call('set','b','2')"),
      E("#!lua flags=allow-oom\nredis.call('get','a') return redis.call('lpush','l','x')"),
      E("#!lua flags=allow-oom,no-writes\nreturn redis.call('get','a')"),
      ['EVAL_RO', '#!lua\nreturn 1', '0'],
      ['EVAL_RO', '#!lua flags=allow-oom\nreturn 1', '0'],
      ['EVAL_RO', "return redis.call('get','a')", '0'],
      ['EVAL_RO', "return redis.pcall('set','a','2')", '0'],
      ['EVALSHA', sha1(SHEBANG_GET), '0'],
      ['EVALSHA', sha1(SHEBANG_GET).toUpperCase(), '0'],
      ['EVALSHA_RO', sha1(SHEBANG_GET), '0'],
      ['EVALSHA', sha1("#!lua flags=allow-oom\nreturn redis.call('set','c','3')"), '0'],
      ['EVALSHA', '0'.repeat(40), '0'],
      ['EVALSHA', 'abc', '0'],
      // A shebang that does not parse leaves EVAL's own flags: the parse error is the reply.
      E('#!nope\nreturn 1'),
      E('#!lua flags=bogus\nreturn 1'),
      ['MGET', 'a', 'b', 'c'],
      ['LRANGE', 'l', '0', '-1'],
      ['INFO', 'errorstats'],
      ['INFO', 'commandstats'],
      ...RESTORE,
      ['SCRIPT', 'FLUSH'],
    ],
    normalize: statsNormalize([27, 28]),
  },
  {
    name: 'with no limit a script with write flags still refuses EVAL_RO',
    cmds: [
      ['EVAL_RO', '#!lua\nreturn 1', '0'],
      ['EVAL_RO', '#!lua flags=allow-oom\nreturn 1', '0'],
      ['EVAL_RO', '#!lua flags=no-writes\nreturn 1', '0'],
      ['SCRIPT', 'LOAD', '#!lua\nreturn 2'],
      ['EVALSHA_RO', sha1('#!lua\nreturn 2'), '0'],
    ],
  },
  {
    name: 'functions: FCALL and FCALL_RO follow the flags of the function',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', LIB],
      ['SET', 'a', '1'],
      ['CONFIG', 'RESETSTAT'],
      OOM,
      ['FCALL', 'plain', '1', 'x'],
      ['FCALL', 'PLAIN', '1', 'x'],
      ['FCALL', 'noflags', '0'],
      ['FCALL', 'ro', '1', 'a'],
      ['FCALL', 'oom', '1', 'y'],
      ['FCALL_RO', 'plain', '1', 'x'],
      ['FCALL_RO', 'ro', '1', 'a'],
      ['FCALL_RO', 'oom', '1', 'y'],
      ['FCALL', 'roset', '1', 'z'],
      ['FCALL', 'nosuch', '0'],
      ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['MGET', 'x', 'y', 'z'],
      ['INFO', 'errorstats'],
      ['INFO', 'commandstats'],
      ...RESTORE,
      ['FUNCTION', 'FLUSH'],
    ],
    normalize: statsNormalize([17, 18]),
  },
  {
    name: 'eviction runs before a script: keys an allow-oom script wrote are evicted before the next command',
    cmds: [
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      OOM,
      E("#!lua flags=allow-oom\nredis.call('set','k1','v') redis.call('rpush','k2','v') return redis.call('dbsize')"),
      E("return redis.call('dbsize')"),
      // Nothing left to evict: still out of memory, so the legacy script's first SET is refused.
      E("return redis.pcall('set','k3','v')"),
      ['DBSIZE'],
      ...RESTORE,
    ],
  },
  {
    name: 'calls refused by scriptCall count in errorstats and in the command rejected_calls',
    cmds: [
      E('return 1'),
      ['CONFIG', 'RESETSTAT'],
      E("return redis.pcall('get')"),
      E("return redis.pcall('eval','return 1','0')"),
      ['EVAL_RO', "return redis.pcall('set','a','1')", '0'],
      E("return redis.pcall('nosuch')"),
      E("return redis.pcall('config','nosuch')"),
      ['INFO', 'errorstats'],
      ['INFO', 'commandstats'],
    ],
    normalize: statsNormalize([7, 8]),
  },
  {
    name: 'commandstats: EXEC is not failed for the errors of its queued commands or scripts',
    cmds: [
      E('return 1'),
      ['SET', 's', 'abc'],
      ['CONFIG', 'RESETSTAT'],
      ['MULTI'],
      ['INCR', 's'],
      E("return redis.call('incr','s')"),
      E('return 1'),
      ['EXEC'],
      ['EXEC'],
      ['MULTI'],
      ['NOSUCH'],
      ['EXEC'],
      ['INFO', 'commandstats'],
    ],
    normalize: statsNormalize([12]),
  },
  {
    name: 'inside MULTI every script is refused when out of memory',
    cmds: [OOM, ['MULTI'], E('#!lua flags=allow-oom\nreturn 1'), E("return redis.call('get','a')"), ['EXEC'], ...RESTORE],
  },
]);

describe.runIf(haveRealRedis)('compat: scripting OOM with several connections', () => {
  const targets = useTargets();

  /** `a` queues a transaction, `admin` goes out of memory, `a` runs EXEC. */
  async function scenario(port: number, resp: 2 | 3): Promise<string[]> {
    const out: string[] = [];
    const open = () => RawClient.connectResp(port, resp);
    const [admin, a] = [await open(), await open()];
    const exec = async (queue: Command[]) => {
      out.push(await a.call('MULTI'));
      for (const cmd of queue) out.push(await a.call(...cmd));
      out.push(await admin.call(...OOM));
      out.push(await a.call('EXEC'));
      out.push(await admin.call('CONFIG', 'SET', 'maxmemory', '0'));
    };
    try {
      await admin.call('FLUSHALL');
      await admin.call('SCRIPT', 'FLUSH');
      await admin.call('CONFIG', 'RESETSTAT');
      // Flags are taken when a command is queued: EVALSHA of a script not loaded yet is not
      // denyoom, so EXEC runs, and the script (loaded by then) is refused as it starts.
      const body = '#!lua\nreturn 1';
      await exec([
        ['SCRIPT', 'LOAD', body],
        ['EVALSHA', sha1(body), '0'],
        ['EVALSHA', sha1('#!lua flags=no-writes\nreturn 2'), '0'],
        E("return redis.call('set','k','v')"),
        E("return redis.call('get','k')"),
      ]);
      // A queued denyoom script makes EXEC refused.
      await exec([E('#!lua\nreturn 1'), ['GET', 'k']]);
      // EXEC notes the OOM state for the scripts it runs: allow-oom writes, the legacy one cannot.
      await exec([E("#!lua flags=allow-oom\nreturn redis.call('set','k','1')"), E("return redis.pcall('set','k','2')"), ['GET', 'k']]);
      const errors = await admin.call('INFO', 'errorstats');
      out.push(errors.replace(/^[$=]\d+\r\n(txt:)?/, ''));
      const stats = await admin.call('INFO', 'commandstats');
      // EXEC is not failed for its queued commands' errors: each command's call() takes its own.
      const lines = stats.split('\r\n').filter((l) => /^cmdstat_(eval|evalsha|exec|set|get):/.test(l));
      for (const line of lines.sort()) out.push(line.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''));
    } finally {
      for (const cmd of RESTORE) await admin.call(...cmd);
      await admin.call('SCRIPT', 'FLUSH');
      admin.close();
      a.close();
    }
    return out;
  }

  for (const resp of [2, 3] as const) {
    it(`EXEC under OOM: flags known at queue time, pre-command OOM state for its scripts (RESP${resp})`, async () => {
      const t = targets();
      const [real, sim] = [await scenario(t.real.port, resp), await scenario(t.sim.port, resp)];
      expect(sim).toEqual(real);
      expect(real.join('\n')).toContain('allow-oom flag is not set on the script');
    });
  }
});
