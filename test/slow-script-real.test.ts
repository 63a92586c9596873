import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScriptingEngine } from '../src/index.js';
import { encodeCommand, raw, startSim } from './helpers.js';

beforeAll(async () => {
  await loadScriptingEngine();
});

const LOOP = 'while true do end';
const BUSY_EVAL = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

describe('a CPU-bound script', () => {
  it('smoke', async () => {
    const sim = await startSim();
    const [ctl, a, b] = [await raw(sim), await raw(sim), await raw(sim)];
    await ctl.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    a.write(encodeCommand(['EVAL', LOOP, '0']));
    expect(await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
    b.write(encodeCommand(['GET', 'x']));
    await new Promise((r) => setTimeout(r, 50));
    expect(b.pending()).toBe('');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100');
    expect(await b.read()).toBe(BUSY_EVAL);
    expect(await b.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
    const sha = createHash('sha1').update(LOOP).digest('hex');
    expect(await a.read()).toBe(`-ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.\r\n`);
    expect(await b.call('GET', 'x')).toBe('$-1\r\n');
  });
});
