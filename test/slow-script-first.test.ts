/**
 * A slow-script fault on the very first script of the process: the Lua engine loads first (the
 * client waits, as for any first script), then the script runs and its simulated time starts.
 * Its own file, so that no other test has loaded the engine.
 */
import { expect, it } from 'vitest';
import { encodeCommand, raw, startSim } from './helpers.js';

it('the first EVAL of the process, matched by a SLOW fault, is slow once the engine has loaded', async () => {
  const sim = await startSim({ config: { 'busy-reply-threshold': '100' } });
  const ctl = await raw(sim);
  const a = await raw(sim);
  const b = await raw(sim);
  await ctl.call('SIM', 'FAULT', 'COMMAND', 'eval', 'TIMES', '1', 'SLOW', '1000');
  a.write(encodeCommand(['EVAL', 'return 5', '0']));
  // Round trips until the script has run and its slow part started (the engine loads meanwhile).
  for (let i = 0; i < 2000 && !(sim.faults.scripts.busy !== undefined); i++) await ctl.call('SIM', 'CLOCK', 'GET');
  expect(sim.faults.scripts.busy).toBeDefined();
  await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100');
  expect(await b.call('GET', 'k')).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
  await ctl.call('SIM', 'CLOCK', 'ADVANCE', '900');
  expect(await a.read()).toBe(':5\r\n');
});
