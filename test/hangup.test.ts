/**
 * A client that hangs up is gone at once, as in Redis: when Redis reads the end of the stream
 * (read() returns 0) or an error, it frees the client there and then, so a blocked client that
 * disconnected is never served. An element pushed right after the hang-up must stay in its key
 * (issue 18: a queue library's reconnect test lost jobs to dead BRPOPLPUSH clients).
 *
 * Each case loops many times: a raw socket sends a blocking command, the test waits until the
 * server reports it blocked, the socket is ended (FIN) or destroyed, and another connection
 * immediately writes to the key. No sleeps: the producer's write is on the wire right behind the
 * hang-up, which is exactly the race a real client hits.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RedisSim } from '../src/index.js';
import { encodeCommand, RawClient, startSim } from './helpers.js';

const ITERATIONS = 100;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

interface Case {
  name: string;
  /** Commands run once before the loop (e.g. creating a consumer group). */
  setup?: string[][];
  /** The blocking command the doomed client sends. */
  block: string[];
  /** The key the test waits to see blocked (undefined: any blocked client, for WAIT). */
  blockedOn: string | undefined;
  /** The write sent right after the hang-up. */
  produce: string[];
  /** Checks (through `admin`) that nothing went to the dead client, then resets for the next round. */
  check: (admin: RawClient, i: number) => Promise<void>;
}

async function reset(admin: RawClient, ...keys: string[]): Promise<void> {
  await admin.call('DEL', ...keys);
}

const cases: Case[] = [
  {
    name: 'BLPOP',
    block: ['BLPOP', 'src', '0'],
    blockedOn: 'src',
    produce: ['LPUSH', 'src', 'job'],
    check: async (admin) => {
      expect(await admin.call('LRANGE', 'src', '0', '-1')).toBe('*1\r\n$3\r\njob\r\n');
      await reset(admin, 'src');
    },
  },
  {
    name: 'BRPOP',
    block: ['BRPOP', 'other', 'src', '0'],
    blockedOn: 'src',
    produce: ['RPUSH', 'src', 'job'],
    check: async (admin) => {
      expect(await admin.call('LLEN', 'src')).toBe(':1\r\n');
      await reset(admin, 'src');
    },
  },
  {
    name: 'BRPOPLPUSH',
    block: ['BRPOPLPUSH', 'src', 'dst', '0'],
    blockedOn: 'src',
    produce: ['LPUSH', 'src', 'job'],
    check: async (admin) => {
      expect(
        await admin.pipeline([
          ['LLEN', 'src'],
          ['EXISTS', 'dst'],
        ]),
      ).toEqual([':1\r\n', ':0\r\n']);
      await reset(admin, 'src', 'dst');
    },
  },
  {
    name: 'BLMOVE',
    block: ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'],
    blockedOn: 'src',
    produce: ['LPUSH', 'src', 'job'],
    check: async (admin) => {
      expect(
        await admin.pipeline([
          ['LLEN', 'src'],
          ['EXISTS', 'dst'],
        ]),
      ).toEqual([':1\r\n', ':0\r\n']);
      await reset(admin, 'src', 'dst');
    },
  },
  {
    name: 'BLMPOP',
    block: ['BLMPOP', '0', '2', 'a', 'src', 'LEFT', 'COUNT', '5'],
    blockedOn: 'src',
    produce: ['RPUSH', 'src', 'j1', 'j2'],
    check: async (admin) => {
      expect(await admin.call('LLEN', 'src')).toBe(':2\r\n');
      await reset(admin, 'src');
    },
  },
  {
    name: 'BZPOPMIN',
    block: ['BZPOPMIN', 'z', '0'],
    blockedOn: 'z',
    produce: ['ZADD', 'z', '1', 'm'],
    check: async (admin) => {
      expect(await admin.call('ZCARD', 'z')).toBe(':1\r\n');
      await reset(admin, 'z');
    },
  },
  {
    name: 'BZPOPMAX',
    block: ['BZPOPMAX', 'z', '0'],
    blockedOn: 'z',
    produce: ['ZADD', 'z', '1', 'm'],
    check: async (admin) => {
      expect(await admin.call('ZCARD', 'z')).toBe(':1\r\n');
      await reset(admin, 'z');
    },
  },
  {
    name: 'BZMPOP',
    block: ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '3'],
    blockedOn: 'z',
    produce: ['ZADD', 'z', '1', 'a', '2', 'b'],
    check: async (admin) => {
      expect(await admin.call('ZCARD', 'z')).toBe(':2\r\n');
      await reset(admin, 'z');
    },
  },
  {
    // XREAD consumes nothing, but the dead reader must be gone before the entry is added.
    name: 'XREAD BLOCK',
    block: ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
    blockedOn: 's',
    produce: ['XADD', 's', '*', 'f', 'v'],
    check: async (admin) => {
      expect(await admin.call('XLEN', 's')).toBe(':1\r\n');
      await reset(admin, 's');
    },
  },
  {
    // The entry must not land in the pending list of the dead consumer: a live consumer reads it.
    name: 'XREADGROUP BLOCK',
    setup: [['XGROUP', 'CREATE', 'gs', 'g', '$', 'MKSTREAM']],
    block: ['XREADGROUP', 'GROUP', 'g', 'dead', 'BLOCK', '0', 'STREAMS', 'gs', '>'],
    blockedOn: 'gs',
    produce: ['XADD', 'gs', '*', 'f', 'v'],
    check: async (admin) => {
      const pending = await admin.call('XPENDING', 'gs', 'g');
      expect(pending.startsWith('*4\r\n:0\r\n')).toBe(true);
      const live = await admin.call('XREADGROUP', 'GROUP', 'g', 'live', 'COUNT', '10', 'STREAMS', 'gs', '>');
      expect(live).toMatch(/^\*1\r\n\*2\r\n\$2\r\ngs\r\n\*1\r\n/);
      await admin.call('XACK', 'gs', 'g', live.match(/\$\d+\r\n(\d+-\d+)\r\n/)?.[1] as string);
    },
  },
  {
    // WAIT holds nothing to lose; the dead client must simply be gone from the blocked count.
    name: 'WAIT',
    block: ['WAIT', '1', '0'],
    blockedOn: undefined,
    produce: ['SIM', 'BLOCKED', 'COUNT'],
    check: async (admin) => {
      expect(await admin.call('SIM', 'BLOCKED', 'COUNT')).toBe(':0\r\n');
    },
  },
];

async function hammer(sim: RedisSim, tc: Case, hangUp: 'end' | 'destroy'): Promise<void> {
  const admin = await RawClient.connect(sim.port);
  const producer = await RawClient.connect(sim.port);
  try {
    for (const cmd of tc.setup ?? []) await admin.call(...cmd);
    for (let i = 0; i < ITERATIONS; i++) {
      const doomed = await connect(sim.port);
      doomed.on('error', () => {});
      doomed.write(encodeCommand(tc.block));
      await sim.waitForBlocked(1, tc.blockedOn);
      if (hangUp === 'end') doomed.end();
      else doomed.destroy();
      // On the wire right behind the FIN / RST of the doomed client.
      const produced = await producer.call(...tc.produce);
      expect(produced.startsWith('-')).toBe(false);
      await tc.check(admin, i);
    }
    expect(await admin.call('SIM', 'BLOCKED', 'COUNT')).toBe(':0\r\n');
  } finally {
    admin.close();
    producer.close();
  }
}

describe('a client that hangs up is released at once (issue 18)', () => {
  for (const tc of cases) {
    for (const hangUp of ['end', 'destroy'] as const) {
      it(`${tc.name}: the element stays after the blocked client ${hangUp === 'end' ? 'ends' : 'destroys'} its socket`, async () => {
        const sim = await startSim();
        await hammer(sim, tc, hangUp);
      });
    }
  }

  it('a client that half-closes still gets the replies of what it sent before the FIN, as in Redis', async () => {
    const sim = await startSim();
    const s = await connect(sim.port);
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.end(encodeCommand(['SET', 'k', 'v']) + encodeCommand(['GET', 'k']));
    await closed;
    expect(Buffer.concat(got).toString('latin1')).toBe('+OK\r\n$1\r\nv\r\n');
  });

  it('hang-ups free the client list and pub/sub state at once', async () => {
    const sim = await startSim();
    const admin = await RawClient.connect(sim.port);
    try {
      for (let i = 0; i < 20; i++) {
        const s = await connect(sim.port);
        s.on('error', () => {});
        s.write(encodeCommand(['SUBSCRIBE', 'ch']));
        await new Promise<void>((resolve) => s.once('data', () => resolve()));
        // destroy() closes the fd at once (end() may hold the FIN until the next loop turn, when
        // the PUBLISH would rightly reach a live subscriber, in Redis too).
        s.destroy();
        // Published right behind the hang-up: the dead subscriber is not counted as a receiver.
        expect(await admin.call('PUBLISH', 'ch', 'x')).toBe(':0\r\n');
      }
      expect(await admin.call('PUBSUB', 'NUMSUB', 'ch')).toBe('*2\r\n$2\r\nch\r\n:0\r\n');
    } finally {
      admin.close();
    }
  });
});
