/**
 * Client-side caching against a real redis-server: CLIENT TRACKING in default, OPTIN/OPTOUT, BCAST
 * (PREFIX, NOLOOP) and REDIRECT modes, the invalidation pushes (RESP3, on the same connection)
 * and `__redis__:invalidate` messages (RESP2, on the redirect connection), flushes, expiry, the
 * broken-redirect notice, and the error texts. Client ids differ between the servers: a step
 * writes `$idN` for connection N's id, and transcripts show `#N` where that id appears.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

type Step =
  /** `pick`: keep only these `name=value` fields of the reply (CLIENT LIST lines). */
  | { c: number; cmd: readonly string[]; replies?: number; pick?: readonly string[] }
  | { c: number; read: number }
  | { c: number; close: true }
  | { sleep: number };

interface Scenario {
  name: string;
  resp: readonly (2 | 3)[];
  steps: readonly Step[];
  config?: Record<string, string>;
}

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

async function run(port: number, sc: Scenario, resp: 2 | 3): Promise<string[]> {
  const admin = await RawClient.connect(port);
  await admin.call('FLUSHALL');
  for (const [k, v] of Object.entries(sc.config ?? {})) await admin.call('CONFIG', 'SET', k, v);
  const conns = new Map<number, { c: RawClient; id: string }>();
  const get = async (i: number) => {
    let e = conns.get(i);
    if (!e) {
      const c = await RawClient.connectResp(port, resp);
      const id = (await c.call('CLIENT', 'ID')).slice(1, -2);
      e = { c, id };
      conns.set(i, e);
    }
    return e;
  };
  const anonymize = (raw: string): string => {
    let s = raw;
    for (const [i, { id }] of conns) s = s.split(`:${id}\r\n`).join(`:#${i}\r\n`).split(`redir=${id} `).join(`redir=#${i} `);
    return s;
  };
  const out: string[] = [];
  try {
    for (const st of sc.steps) {
      if ('sleep' in st) {
        await new Promise((r) => setTimeout(r, st.sleep));
        continue;
      }
      const e = await get(st.c);
      if ('close' in st) {
        e.c.close();
        continue;
      }
      if ('cmd' in st) {
        const args = [];
        for (const a of st.cmd) args.push(a.startsWith('$id') ? (await get(Number(a.slice(3)))).id : a);
        e.c.write(encode(args));
        let raw = anonymize(await e.c.read(st.replies ?? 1));
        if (st.pick)
          raw = raw
            .split(' ')
            .filter((f) => st.pick?.includes(f.split('=')[0] as string))
            .join(' ');
        out.push(`${st.c}> ${st.cmd.join(' ')}\n${raw}`);
      } else out.push(`${st.c}< ${anonymize(await e.c.read(st.read))}`);
    }
  } finally {
    for (const { c } of conns.values()) c.close();
    for (const k of Object.keys(sc.config ?? {})) await admin.call('CONFIG', 'SET', k, '').catch(() => {});
    admin.close();
  }
  return out;
}

const scenarios: Scenario[] = [
  {
    name: 'errors and the state of a client that does not track',
    resp: [2, 3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'GETREDIR'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'yes'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'maybe'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'foo'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '987654321'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '$id1', 'REDIRECT', '$id1'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'y', 'PREFIX', 'xy'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'off', 'bcast'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
    ],
  },
  {
    name: 'mode switches, TRACKINGINFO, GETREDIR, CACHING rules',
    resp: [2, 3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'GETREDIR'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'no'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'maybe'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'YES'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTOUT'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'off'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTOUT', 'REDIRECT', '$id1'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'yes'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'no'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'GETREDIR'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'off'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'bc'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c', 'NOLOOP'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['RESET'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
    ],
  },
  {
    name: 'default mode: invalidations of read keys after other clients write, own writes after the reply',
    resp: [3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['MGET', 'b', 'c'] },
      { c: 0, cmd: ['HGET', 'h', 'f'] },
      { c: 1, cmd: ['SET', 'a', '1'] },
      { c: 0, read: 1 },
      { c: 1, cmd: ['MSET', 'b', '1', 'c', '2'] },
      { c: 0, read: 2 },
      { c: 1, cmd: ['HSET', 'h', 'f', 'v'] },
      { c: 0, read: 1 },
      // No longer tracked until read again.
      { c: 1, cmd: ['SET', 'a', '2'] },
      { c: 0, cmd: ['PING'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['SET', 'a', '3'], replies: 2 },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['INCR', 'a'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['EXEC'], replies: 2 },
      { c: 0, cmd: ['GET', 'x'] },
      { c: 1, cmd: ['FLUSHDB'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['FLUSHALL'], replies: 2 },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'NOLOOP'] },
      { c: 0, cmd: ['GET', 'n'] },
      { c: 0, cmd: ['SET', 'n', '1'] },
      { c: 0, cmd: ['GET', 'n'] },
      { c: 1, cmd: ['DEL', 'n'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'off'] },
      { c: 0, cmd: ['CLIENT', 'LIST', 'ID', '$id0'], pick: ['flags', 'redir'] },
    ],
  },
  {
    name: 'OPTIN and OPTOUT with CLIENT CACHING',
    resp: [3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTIN'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'yes'] },
      { c: 0, cmd: ['GET', 'b'] },
      { c: 0, cmd: ['GET', 'c'] },
      { c: 1, cmd: ['MSET', 'a', '1', 'b', '1', 'c', '1'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'off'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'OPTOUT'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['CLIENT', 'CACHING', 'no'] },
      { c: 0, cmd: ['GET', 'b'] },
      { c: 0, cmd: ['GET', 'c'] },
      { c: 1, cmd: ['MSET', 'a', '2', 'b', '2', 'c', '2'] },
      { c: 0, read: 2 },
      { c: 0, cmd: ['PING'] },
    ],
  },
  {
    name: 'BCAST with prefixes and NOLOOP',
    resp: [3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'item:'] },
      { c: 1, cmd: ['MSET', 'user:2', 'x', 'user:1', 'y', 'item:9', 'z', 'other', 'w'] },
      { c: 0, read: 2 },
      { c: 1, cmd: ['SET', 'other', 'v'] },
      { c: 1, cmd: ['DEL', 'user:1'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['SET', 'user:3', 'me'], replies: 2 },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP'] },
      { c: 0, cmd: ['SET', 'user:3', 'again'] },
      { c: 1, cmd: ['SET', 'user:4', 'you'] },
      { c: 0, read: 1 },
      { c: 2, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST'] },
      { c: 1, cmd: ['SET', 'z', '1'] },
      { c: 2, read: 1 },
      { c: 2, cmd: ['CLIENT', 'TRACKINGINFO'] },
    ],
  },
  {
    name: 'RESP2: invalidations over __redis__:invalidate on the redirect connection',
    resp: [2],
    steps: [
      { c: 1, cmd: ['SUBSCRIBE', '__redis__:invalidate'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '$id1'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 0, cmd: ['GET', 'b'] },
      { c: 2, cmd: ['SET', 'a', '1'] },
      { c: 1, read: 1 },
      { c: 0, cmd: ['SET', 'b', '1'] },
      { c: 1, read: 1 },
      { c: 2, cmd: ['FLUSHALL'] },
      { c: 1, read: 1 },
      { c: 0, cmd: ['CLIENT', 'LIST', 'ID', '$id0'], pick: ['flags', 'redir'] },
      { c: 3, cmd: ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'k', 'REDIRECT', '$id1'] },
      { c: 2, cmd: ['SET', 'k1', '1'] },
      { c: 1, read: 1 },
      { c: 1, close: true },
      { sleep: 50 },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 2, cmd: ['SET', 'a', '2'] },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['CLIENT', 'GETREDIR'] },
      { c: 2, cmd: ['SET', 'k2', '1'] },
      { c: 0, cmd: ['CLIENT', 'LIST', 'ID', '$id0', '$id3'], pick: ['flags', 'redir'] },
    ],
  },
  {
    name: 'RESP3: redirect to a RESP3 connection, then tracking-redir-broken',
    resp: [3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '$id1'] },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 2, cmd: ['SET', 'a', '1'] },
      { c: 1, read: 1 },
      { c: 1, close: true },
      { sleep: 50 },
      { c: 0, cmd: ['GET', 'a'] },
      { c: 2, cmd: ['SET', 'a', '2'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['CLIENT', 'TRACKINGINFO'] },
      { c: 0, cmd: ['FLUSHALL'], replies: 2 },
    ],
  },
  {
    name: 'scripts: a read-only call makes the caller remember the declared keys',
    resp: [3],
    steps: [
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on'] },
      { c: 0, cmd: ['EVAL', "return redis.call('get', KEYS[1])", '1', 's1'] },
      { c: 0, cmd: ['EVAL', "redis.call('get', 'other') return 1", '1', 'declared'] },
      { c: 0, cmd: ['EVAL', "redis.call('set', KEYS[1], 'x') return 1", '1', 'written'] },
      { c: 0, cmd: ['EVAL_RO', "return redis.call('exists', KEYS[1])", '1', 'ro'] },
      { c: 1, cmd: ['MSET', 'other', '1', 'written', '1'] },
      { c: 1, cmd: ['MSET', 's1', '1', 'declared', '1', 'ro', '1'] },
      { c: 0, read: 3 },
      { c: 0, cmd: ['PING'] },
    ],
  },
  {
    name: 'a tracked key removed by expiry is invalidated',
    resp: [3],
    steps: [
      { c: 1, cmd: ['SET', 'k', 'v', 'PX', '20'] },
      { c: 0, cmd: ['CLIENT', 'TRACKING', 'on'] },
      { c: 0, cmd: ['GET', 'k'] },
      { sleep: 300 },
      { c: 0, read: 1 },
    ],
  },
];

describe.runIf(haveRealRedis)('compat: client-side caching', () => {
  const targets = useTargets();
  for (const sc of scenarios) {
    for (const resp of sc.resp) {
      it(`${sc.name} (RESP${resp})`, async () => {
        const t = targets();
        const real = await run(t.real.port, sc, resp);
        const sim = await run(t.sim.port, sc, resp);
        expect(sim).toEqual(real);
      });
    }
  }
});
