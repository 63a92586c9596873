/**
 * CLIENT INFO / CLIENT LIST qbuf and qbuf-free as Redis 7.0 accounts its query buffer: empty for a
 * new client, a 16 KB read buffer (20474 usable bytes) after the first read, the whole read while
 * the client's own command runs, a buffer sized for a big (32 KB+) argument after one.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

const qbufOf = (line: string) => /qbuf=\d+ qbuf-free=\d+/.exec(line)?.[0];

describe.runIf(haveRealRedis)('compat: CLIENT qbuf and qbuf-free', () => {
  const targets = useTargets();

  /** The qbuf fields seen by a client about itself and by another client about it. */
  const transcript = async (port: number): Promise<(string | undefined)[]> => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    try {
      const out: (string | undefined)[] = [];
      await a.call('CLIENT', 'SETNAME', 'qa');
      const other = async () => {
        const list = await b.call('CLIENT', 'LIST');
        out.push(qbufOf(list.split('\n').find((l) => l.includes('name=qa')) ?? ''));
      };
      await other();
      out.push(qbufOf(await a.call('CLIENT', 'INFO')));
      // A pipeline: CLIENT INFO sees the whole read, the next commands included.
      const infos = await a.pipeline([['CLIENT', 'INFO'], ['PING'], ['ECHO', 'x'.repeat(100)]]);
      out.push(qbufOf(infos[0] as string));
      await other();
      await a.call('SET', 'k', 'v'.repeat(100));
      out.push(qbufOf(await a.call('CLIENT', 'INFO')));
      await a.call('SET', 'big', 'x'.repeat(40000));
      await other();
      out.push(qbufOf(await a.call('CLIENT', 'INFO')));
      return out;
    } finally {
      a.close();
      b.close();
    }
  };

  it('follow reads, pipelines and big arguments', async () => {
    const t = targets();
    const real = await transcript(t.real.port);
    const sim = await transcript(t.sim.port);
    expect(sim).toEqual(real);
  });
});
