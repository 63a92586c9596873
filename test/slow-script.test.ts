/**
 * Slow scripts, simulated (SIM FAULT COMMAND <eval|fcall...> SLOW <ms>): the script runs at once
 * but takes virtual time, and the node is busy as Redis is while a script runs: before
 * busy-reply-threshold nothing else is processed; after it, other clients get BUSY except for the
 * commands Redis 7.0 allows; SCRIPT KILL / FUNCTION KILL stop it (UNKILLABLE once it wrote);
 * SHUTDOWN NOSAVE works. The busy behaviour is compared with a real redis-server running a
 * script that really loops.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealRedis, startRealRedis } from '../compat/real-redis.js';
import { loadScriptingEngine } from '../src/index.js';
import { encodeCommand, ioredis, RawClient, raw, startSim } from './helpers.js';

let real: RealRedis | undefined;
beforeAll(async () => {
  await loadScriptingEngine();
  real = await startRealRedis();
});
afterAll(async () => {
  await real?.stop();
});

const LOOP = 'while true do end';
const LIB = "#!lua name=slowlib\nredis.register_function('spin', function() while true do end end)";

/** What other clients get while a script is busy: every command of Redis 7.0's busy branch. */
const BUSY_PIPELINE: string[][] = [
  ['GET', 'x'],
  ['MULTI'],
  ['PING'],
  ['DISCARD'],
  ['WATCH', 'x'],
  ['UNWATCH'],
  ['CLIENT', 'ID'],
  ['FUNCTION', 'STATS'],
  ['SHUTDOWN'],
  ['SHUTDOWN', 'SAVE'],
  ['AUTH', 'nopass'],
  ['RESET'],
  ['EVAL', 'return 1', '0'],
  ['FUNCTION', 'KILL'],
];

async function busyOnReal(port: number, script: string[], kill: string[]): Promise<[string, string, string]> {
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  try {
    await b.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    a.write(encodeCommand(script));
    // Redis itself needs real time here: the script must run past the threshold.
    await new Promise((r) => setTimeout(r, 250));
    const busy = (await b.pipeline(BUSY_PIPELINE)).join('');
    const killed = await b.call(...kill);
    return [busy, killed, await a.read()];
  } finally {
    a.close();
    b.close();
  }
}

describe('a simulated slow script', () => {
  it('EVAL: waits before the threshold, then BUSY except the allowed commands, SCRIPT KILL stops it (as a real server)', async (ctx) => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    const b = await raw(sim);
    await ctl.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    await ctl.call('SIM', 'FAULT', 'COMMAND', 'eval', 'TIMES', '1', 'SLOW', '5000');
    a.write(encodeCommand(['EVAL', LOOP, '0']));
    // The script's caller waits as a blocked client until the script's end.
    expect(await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
    // Before the threshold the node answers nobody but the control command.
    b.write(encodeCommand(['GET', 'x']));
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '99')).toMatch(/^:/);
    expect(b.pending()).toBe('');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '1');
    const busyErr = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';
    expect(await b.read()).toBe(busyErr);
    const busy = (await b.pipeline(BUSY_PIPELINE)).join('');
    const killed = await b.call('SCRIPT', 'KILL');
    expect(killed).toBe('+OK\r\n');
    const aReply = await a.read();
    const sha = createHash('sha1').update(LOOP).digest('hex');
    expect(aReply).toBe(`-ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.\r\n`);
    expect(await b.call('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.\r\n');
    expect(await b.call('GET', 'x')).toBe('$-1\r\n');
    if (!real) return ctx.skip();
    expect([busy, killed, aReply]).toEqual(await busyOnReal(real.port, ['EVAL', LOOP, '0'], ['SCRIPT', 'KILL']));
  });

  it('FCALL: the FUNCTION texts, FUNCTION KILL stops it (as a real server)', async (ctx) => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    const b = await raw(sim);
    await ctl.call('FUNCTION', 'LOAD', LIB);
    await ctl.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    await ctl.call('SIM', 'FAULT', 'COMMAND', 'fcall', 'SLOW', '5000');
    a.write(encodeCommand(['FCALL', 'spin', '0']));
    await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100');
    const busy = (await b.pipeline(BUSY_PIPELINE.filter((c) => c[0] !== 'FUNCTION'))).join('');
    expect(busy).toContain('-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    expect(await b.call('SCRIPT', 'KILL')).toBe(
      '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n',
    );
    const killed = await b.call('FUNCTION', 'KILL');
    expect(killed).toBe('+OK\r\n');
    const aReply = await a.read();
    expect(aReply).toBe('-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n');
    if (!real) return ctx.skip();
    const r = await RawClient.connect(real.port);
    await r.call('FUNCTION', 'LOAD', 'REPLACE', LIB);
    r.close();
    // The pipeline ends with FUNCTION KILL here (the second KILL's answer depends on whether
    // the real script has noticed the first yet, so it is not compared).
    const [realBusy, , realA] = await busyOnReal(real.port, ['FCALL', 'spin', '0'], ['FUNCTION', 'KILL']);
    // FUNCTION STATS shows the running script (name, command, duration_ms): its duration is the
    // real one there, 100 ms of the node's clock here.
    const simBusy = await busyWithoutStats(sim, ctl);
    expect(simBusy).toContain('$11\r\nduration_ms\r\n:100\r\n');
    const noDuration = (s: string) => s.replace(/\$11\r\nduration_ms\r\n:\d+\r\n/, '');
    expect(noDuration(simBusy)).toBe(noDuration(realBusy));
    // The line Redis names: where the loop was interrupted.
    expect(aReply).toBe(realA);
  });

  it('SCRIPT KILL names the line of the loop the script was in, as Redis (a multi-line script)', async (ctx) => {
    const script = 'local x = 0\nwhile true do\n  x = x + 1\nend';
    const sim = await startSim();
    const [ctl, a, b] = [await raw(sim), await raw(sim), await raw(sim)];
    for (const cmd of ['CONFIG SET busy-reply-threshold 100', 'SIM FAULT COMMAND eval TIMES 1 SLOW 5000'])
      await ctl.call(...cmd.split(' '));
    a.write(encodeCommand(['EVAL', script, '0']));
    expect(await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100')).toMatch(/^:/);
    expect(await b.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
    const sha = createHash('sha1').update(script).digest('hex');
    const aReply = await a.read();
    expect(aReply).toBe(`-ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:3.\r\n`);
    if (!real) return ctx.skip();
    const [, , realA] = await busyOnReal(real.port, ['EVAL', script, '0'], ['SCRIPT', 'KILL']);
    expect(aReply).toBe(realA);
  });

  it('UNKILLABLE once it wrote; the caller gets its reply when the clock reaches the end; SHUTDOWN NOSAVE works', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    const b = await raw(sim);
    await ctl.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    sim.faults.commands.add({ slow: 5000 }, { command: 'eval' });
    a.write(encodeCommand(['EVAL', "redis.call('SET', 'x', '1') return 7", '0']));
    await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '200');
    expect(await b.call('SCRIPT', 'KILL')).toBe(
      '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
    );
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '4799');
    expect(a.pending()).toBe('');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '1');
    expect(await a.read()).toBe(':7\r\n');
    expect(await b.call('GET', 'x')).toBe('$1\r\n1\r\n');
    a.write(encodeCommand(['EVAL', 'return 1', '0']));
    await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100');
    expect(await b.call('SHUTDOWN')).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    b.write(encodeCommand(['SHUTDOWN', 'NOSAVE']));
    await b.readUntilClose();
    await a.readUntilClose();
  });

  it('ioredis gets a BUSY ReplyError while the script runs, and the script reply after', async () => {
    const sim = await startSim();
    const io = ioredis(sim);
    const other = ioredis(sim);
    await io.config('SET', 'busy-reply-threshold', '100');
    sim.faults.commands.add({ slow: 1000 }, { command: 'eval', times: 1 });
    const script = io.eval('return 42', 0);
    await sim.waitForBlocked(1);
    sim.clock.advance(100);
    await expect(other.get('k')).rejects.toThrow('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    sim.clock.advance(900);
    expect(await script).toBe(42);
    expect(await other.get('k')).toBeNull();
  });
});

/** The sim's busy pipeline for a function (FUNCTION STATS included), on a fresh slow FCALL. */
async function busyWithoutStats(sim: { port: number }, ctl: RawClient): Promise<string> {
  const a = await RawClient.connect(sim.port);
  const b = await RawClient.connect(sim.port);
  try {
    a.write(encodeCommand(['FCALL', 'spin', '0']));
    await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100');
    const out = (await b.pipeline(BUSY_PIPELINE)).join('');
    await b.call('FUNCTION', 'KILL');
    await a.read();
    return out;
  } finally {
    a.close();
    b.close();
  }
}
