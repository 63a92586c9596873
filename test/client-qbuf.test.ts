/**
 * CLIENT LIST's qbuf-free shrinks as Redis's clientsCron trims an idle client's query buffer:
 * more than 2 seconds idle on the node clock with more than 4 KB free (byte-compared cases against
 * a real Redis are in compat/client-qbuf.compat.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { raw, startSim } from './helpers.js';

const qbufOf = async (c: Awaited<ReturnType<typeof raw>>, name: string) => {
  const list = await c.call('CLIENT', 'LIST');
  return /qbuf=\d+ qbuf-free=\d+/.exec(list.split('\n').find((l) => l.includes(`name=${name}`)) ?? '')?.[0];
};

describe('CLIENT LIST qbuf', () => {
  it('an idle client keeps its 16 KB read buffer for 2 seconds, then it is trimmed', async () => {
    const sim = await startSim({ clock: { mode: 'manual', start: 1_700_000_000_000 } });
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('CLIENT', 'SETNAME', 'qa');
    expect(await qbufOf(b, 'qa')).toBe('qbuf=0 qbuf-free=20474');
    sim.clock.advance(2999);
    expect(await qbufOf(b, 'qa')).toBe('qbuf=0 qbuf-free=20474');
    sim.clock.advance(1);
    expect(await qbufOf(b, 'qa')).toBe('qbuf=0 qbuf-free=0');
    // The next read grows it again.
    await a.call('PING');
    expect(await qbufOf(b, 'qa')).toBe('qbuf=0 qbuf-free=20474');
  });

  it('the first read allocates the 16 KB buffer; CLIENT INFO about itself counts its own command', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    expect(await a.call('CLIENT', 'INFO')).toMatch(/ qbuf=26 qbuf-free=20448 /);
  });
});
