/**
 * RedisSim.start's options, the clock and the config are strict: a mistake fails with an error
 * naming the option and what it accepts (config errors in redis-server's words) instead of
 * being ignored; the in-process default port is 0 (a free port).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Clock, RedisSim, RedisSimOptionError, type RedisSimOptions } from '../src/index.js';

const sims: RedisSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});
async function start(opts: RedisSimOptions = {}): Promise<RedisSim> {
  const s = await RedisSim.start(opts);
  sims.push(s);
  return s;
}
/** Starts with options a TypeScript caller could not write (the checks are for JavaScript and `any`). */
const startAny = (opts: unknown) => start(opts as RedisSimOptions);

describe('RedisSim.start options', () => {
  it('the default port is a free one (0), not 6379', async () => {
    const a = await start();
    const b = await start();
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(6379);
    expect(b.port).not.toBe(a.port);
    const r = new Redis(a.port, { lazyConnect: true });
    await r.connect();
    expect(await r.config('GET', 'port')).toEqual(['port', String(a.port)]);
    r.disconnect();
  });

  it('an unknown option is refused, with the closest name and the accepted ones', async () => {
    const err = await startAny({ prot: 7000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisSimOptionError);
    expect((err as Error).message).toBe(
      "unknown option 'prot' (did you mean 'port'?); accepted: port, host, databases, requirepass, clock, config, version, controlCommand, log, rdb, users",
    );
  });

  it('port, host, databases, version and log are checked', async () => {
    await expect(startAny({ port: 'abc' })).rejects.toThrow(
      "option 'port' must be an integer from 0 to 65535 (0, the default, picks a free port); got 'abc'",
    );
    await expect(start({ port: 70000 })).rejects.toThrow("option 'port' must be an integer from 0 to 65535");
    await expect(start({ port: 1.5 })).rejects.toThrow(RedisSimOptionError);
    await expect(start({ host: '' })).rejects.toThrow("option 'host' must be an address such as 127.0.0.1; got ''");
    await expect(start({ databases: 0 })).rejects.toThrow("option 'databases' must be an integer >= 1; got 0");
    await expect(start({ version: 'seven' })).rejects.toThrow("option 'version' must be a version such as '7.0.15'; got 'seven'");
    await expect(startAny({ log: 'yes' })).rejects.toThrow("option 'log' must be a function (level, message) => void; got 'yes'");
  });

  it('clock modes and clock options are checked', async () => {
    await expect(startAny({ clock: 'manul' })).rejects.toThrow(
      "option 'clock' must be one of 'system', 'manual', 'offset', { mode, start, offset } or a Clock; got 'manul'",
    );
    await expect(startAny({ clock: { mode: 'manul' } })).rejects.toThrow("option 'clock'.mode must be one of 'system', 'manual', 'offset'");
    await expect(startAny({ clock: { mode: 'manual', strat: 5 } })).rejects.toThrow(
      "unknown option 'clock' field 'strat' (did you mean 'start'?); accepted: mode, start, offset",
    );
    await expect(startAny({ clock: { mode: 'manual', start: '1000' } })).rejects.toThrow(
      "option 'clock'.start must be a finite number of milliseconds; got '1000'",
    );
    await expect(start({ clock: { mode: 'system', offset: 5 } })).rejects.toThrow(
      "option 'clock'.mode must be 'offset' when offset is given",
    );
    expect(() => new Clock({ mode: 'manul' as 'manual' })).toThrow("clock mode must be one of 'system', 'manual', 'offset'; got 'manul'");
    const shared = new Clock({ mode: 'manual', start: 1000 });
    expect((await start({ clock: shared })).clock).toBe(shared);
    expect((await start({ clock: { mode: 'offset', offset: -5000 } })).clock.mode).toBe('offset');
  });

  it('clock.advance takes a finite number >= 0 and returns the new time; set too', async () => {
    const sim = await start({ clock: { mode: 'manual', start: 1_000_000 } });
    expect(sim.clock.advance(500)).toBe(1_000_500);
    expect(() => sim.clock.advance('1000' as unknown as number)).toThrow("clock.advance(ms): ms must be a finite number >= 0; got '1000'");
    expect(() => sim.clock.advance(Number.POSITIVE_INFINITY)).toThrow('got Infinity');
    expect(() => sim.clock.advance(Number.NaN)).toThrow('got NaN');
    expect(() => sim.clock.advance(-1)).toThrow('got -1');
    expect(sim.clock.now()).toBe(1_000_500);
    expect(sim.clock.set(2_000_000)).toBe(2_000_000);
    expect(() => sim.clock.set(Number.NaN)).toThrow('clock.set(ms): ms must be a finite number of milliseconds; got NaN');
  });

  it('config: names and values checked as redis-server does; numbers and booleans are accepted', async () => {
    await expect(start({ config: { maxmemroy: '1mb' } })).rejects.toThrow(
      "config 'maxmemroy': Bad directive or wrong number of arguments (not a Redis 7.0 configuration parameter; did you mean 'maxmemory'?)",
    );
    await expect(start({ config: { maxmemory: 'lots' } })).rejects.toThrow("config 'maxmemory' 'lots': argument must be a memory value");
    await expect(start({ config: { hz: 'x' } })).rejects.toThrow("config 'hz' 'x': argument couldn't be parsed into an integer");
    await expect(start({ config: { appendonly: 'maybe' } })).rejects.toThrow("config 'appendonly' 'maybe': argument must be 'yes' or 'no'");
    await expect(startAny({ config: { hz: {} } })).rejects.toThrow(
      "config 'hz' must be a string (or a number, or a boolean for yes/no); got {}",
    );
    const sim = await start({ config: { hz: 50, 'lazyfree-lazy-expire': true, maxmemory: '1mb' } });
    expect(sim.node.config.get('hz')).toBe('50');
    expect(sim.node.config.get('lazyfree-lazy-expire')).toBe('yes');
    expect(sim.node.config.get('maxmemory')).toBe('1048576');
  });

  it('a control command named like a Redis command is refused; another name works, in any case', async () => {
    await expect(start({ controlCommand: 'get' })).rejects.toThrow(
      "option 'controlCommand': 'get' is a Redis command; the control command must not hide one (choose another name, e.g. 'sim')",
    );
    // Commands redis-sim does not implement are Redis commands all the same.
    await expect(start({ controlCommand: 'CLUSTER' })).rejects.toThrow("'CLUSTER' is a Redis command");
    await expect(start({ controlCommand: 'two words' })).rejects.toThrow("option 'controlCommand' must be false or a command name");
    const sim = await start({ controlCommand: 'CTL', clock: 'manual' });
    const r = new Redis(sim.port, { lazyConnect: true });
    await r.connect();
    expect(await r.call('ctl', 'clock', 'mode')).toBe('manual');
    expect(await r.call('GET', 'x')).toBe(null);
    r.disconnect();
  });
});
