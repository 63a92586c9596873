/**
 * Blocking scenarios with several connections, run on a real redis-server and on redis-sim
 * (system clock), in RESP2 and RESP3; the transcripts of raw replies must be identical. Against
 * real Redis a client is known to be blocked by polling INFO's blocked_clients, and timeouts are
 * short real ones (0.1 s).
 */
import { describe, expect, it } from 'vitest';
import { encodeCommand, RawClient } from '../test/raw-client.js';
import { haveRealRedis, useTargets } from './harness.js';

interface Ctx {
  /** Opens a connection (already in the scenario's protocol version). */
  conn(): Promise<RawClient>;
  /** Waits until `n` clients are blocked. */
  blocked(n: number): Promise<void>;
  /** Records a line of the transcript. */
  log(s: string): void;
  /** How many commands blocked() has sent so far (its INFO polls count as processed commands). */
  polls(): number;
}

type Scenario = (x: Ctx) => Promise<void>;

const send = (c: RawClient, ...args: string[]) => c.write(encodeCommand(args));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runScenario(port: number, resp: 2 | 3, scenario: Scenario): Promise<string[]> {
  const conns: RawClient[] = [];
  const out: string[] = [];
  let polls = 0;
  const open = async () => {
    const c = await RawClient.connectResp(port, resp);
    conns.push(c);
    return c;
  };
  const ctl = await open();
  await ctl.call('FLUSHALL');
  try {
    await scenario({
      conn: open,
      log: (s) => out.push(s),
      polls: () => polls,
      blocked: async (n) => {
        for (let i = 0; i < 200; i++) {
          polls++;
          const info = await ctl.call('INFO', 'clients');
          if (info.includes(`blocked_clients:${n}\r\n`)) return;
          await pause(5);
        }
        throw new Error(`never saw ${n} blocked clients`);
      },
    });
  } finally {
    for (const c of conns) c.close();
  }
  return out;
}

const scenarios: Record<string, Scenario> = {
  'FIFO service of waiters on one key': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    send(a, 'BRPOP', 'q', '0');
    await x.blocked(1);
    send(b, 'BRPOP', 'q', '0');
    await x.blocked(2);
    x.log(await p.call('RPUSH', 'q', '1', '2', '3'));
    x.log(await a.read());
    x.log(await b.read());
    x.log(await p.call('LRANGE', 'q', '0', '-1'));
  },
  'a multi-key waiter is served from the key made ready first, after EXEC': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    send(a, 'BLPOP', 'k1', 'k2', '0');
    await x.blocked(1);
    x.log((await p.pipeline([['MULTI'], ['RPUSH', 'k2', 'x'], ['RPUSH', 'k1', 'y'], ['EXEC']])).join(''));
    x.log(await a.read());
    x.log(await p.call('LRANGE', 'k1', '0', '-1'));
  },
  'push and pop in one transaction wakes nobody': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    send(a, 'BLPOP', 'q', '0');
    await x.blocked(1);
    x.log((await p.pipeline([['MULTI'], ['LPUSH', 'q', 'a'], ['LPOP', 'q'], ['EXEC']])).join(''));
    await pause(30);
    x.log(`pending: ${JSON.stringify(a.pending())}`);
    x.log(await p.call('LPUSH', 'q', 'b'));
    x.log(await a.read());
  },
  'a key set to a string does not wake a list waiter': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    send(a, 'BLPOP', 's', '0');
    await x.blocked(1);
    x.log(await p.call('SET', 's', 'str'));
    await pause(30);
    x.log(`pending: ${JSON.stringify(a.pending())}`);
    x.log(await p.call('DEL', 's'));
    x.log(await p.call('RPUSH', 's', 'v'));
    x.log(await a.read());
  },
  // Found by the fuzzer: Redis 7.0 wakes typed waiters only when a key is added (dbAdd), so a
  // string overwritten by ZUNIONSTORE/SORT STORE (dbOverwrite) leaves BZPOPMIN/BLPOP blocked.
  'a key overwritten with a zset or list does not wake its waiters': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    const idb = (await b.call('CLIENT', 'ID')).slice(1, -2);
    send(a, 'BZPOPMIN', 'z', '0');
    send(b, 'BLPOP', 'l', '0');
    await x.blocked(2);
    x.log(await p.call('SET', 'z', 'str'));
    x.log(await p.call('SET', 'l', 'str'));
    x.log(await p.call('ZADD', 'src', '1', 'm'));
    x.log(await p.call('RPUSH', 'lsrc', 'v'));
    x.log(await p.call('ZUNIONSTORE', 'z', '1', 'src'));
    x.log(await p.call('SORT', 'lsrc', 'STORE', 'l'));
    x.log(await p.call('ZADD', 'z', '2', 'n'));
    x.log(await p.call('RPUSH', 'l', 'w'));
    await pause(30);
    x.log(`pending: ${JSON.stringify(a.pending())} ${JSON.stringify(b.pending())}`);
    x.log(await p.call('CLIENT', 'UNBLOCK', ida));
    x.log(await a.read());
    x.log(await p.call('CLIENT', 'UNBLOCK', idb));
    x.log(await b.read());
  },
  // Found by the fuzzer: a key added as a zset signals readiness only if someone waits for a
  // zset (Redis 7.0's blocked_clients_by_type), so a list waiter stays blocked even when a later
  // command in the same transaction turns the key into a list (SORT ... STORE overwrites it).
  'a zset added while only list waiters exist wakes nobody, even once it is a list': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    send(a, 'BLMPOP', '0', '2', 'k3', 'k1', 'LEFT', 'COUNT', '2');
    await x.blocked(1);
    x.log(await p.call('MULTI'));
    x.log(await p.call('ZADD', 'k3', '0', '1'));
    x.log(await p.call('SORT', 'k3', 'STORE', 'k3'));
    x.log(await p.call('EXEC'));
    await pause(30);
    x.log(`pending: ${JSON.stringify(a.pending())}`);
    x.log(await p.call('TYPE', 'k3'));
    x.log(await p.call('CLIENT', 'UNBLOCK', ida));
    x.log(await a.read());
  },
  'BLMOVE chain: the destination waiter is served in the same cycle': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    send(a, 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
    await x.blocked(1);
    send(b, 'BLPOP', 'dst', '0');
    await x.blocked(2);
    x.log(await p.call('RPUSH', 'src', 'm'));
    x.log(await a.read());
    x.log(await b.read());
    x.log(await p.call('EXISTS', 'src', 'dst'));
  },
  'BRPOPLPUSH served; BLMOVE to a wrong-type destination gets WRONGTYPE': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    send(a, 'BRPOPLPUSH', 'src', 'dst', '0');
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'src', '1', '2'));
    x.log(await a.read());
    x.log(await p.call('SET', 'str', 'v'));
    send(b, 'BLMOVE', 'e', 'str', 'LEFT', 'LEFT', '0');
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'e', 'z'));
    x.log(await b.read());
    x.log(await p.call('LRANGE', 'e', '0', '-1'));
  },
  'BLMPOP served with COUNT': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    send(a, 'BLMPOP', '0', '2', 'm1', 'm2', 'RIGHT', 'COUNT', '2');
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'm2', '1', '2', '3'));
    x.log(await a.read());
  },
  'timeouts reply null arrays (BLMOVE too)': async (x) => {
    const [a, b, c, d] = [await x.conn(), await x.conn(), await x.conn(), await x.conn()];
    send(a, 'BLPOP', 'q', '0.1');
    send(b, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.1');
    send(c, 'BRPOPLPUSH', 'q', 'd', '0.1');
    send(d, 'BLMPOP', '0.1', '1', 'q', 'LEFT');
    x.log(await a.read());
    x.log(await b.read());
    x.log(await c.read());
    x.log(await d.read());
  },
  'CLIENT UNBLOCK TIMEOUT and ERROR': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    const idb = (await b.call('CLIENT', 'ID')).slice(1, -2);
    send(a, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0');
    send(b, 'BLPOP', 'q', '0');
    await x.blocked(2);
    x.log(await p.call('CLIENT', 'UNBLOCK', ida, 'TIMEOUT'));
    x.log(await a.read());
    x.log(await p.call('CLIENT', 'UNBLOCK', idb, 'ERROR'));
    x.log(await b.read());
    x.log(await p.call('CLIENT', 'UNBLOCK', idb));
  },
  'commands pipelined behind a blocked one run after it': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    a.write(encodeCommand(['BLPOP', 'q', '0']) + encodeCommand(['ECHO', 'after']) + encodeCommand(['LLEN', 'q']));
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'q', 'v', 'w'));
    x.log(await a.read(3));
  },
  'keyspace events of served BLPOP, BLMOVE and BLMPOP': async (x) => {
    const [a, b, c, p, sub] = [await x.conn(), await x.conn(), await x.conn(), await x.conn(), await x.conn()];
    x.log(await p.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
    try {
      x.log(await sub.call('PSUBSCRIBE', '__key*@0__:*'));
      x.log(await sub.call('SUBSCRIBE', 'end'));
      send(a, 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
      await x.blocked(1);
      send(b, 'BLPOP', 'dst', '0');
      await x.blocked(2);
      send(c, 'BLMPOP', '0', '1', 'm', 'LEFT', 'COUNT', '2');
      await x.blocked(3);
      x.log(await p.call('RPUSH', 'src', 'v', 'w'));
      x.log(await a.read());
      x.log(await b.read());
      x.log(await p.call('RPUSH', 'm', '1', '2', '3'));
      x.log(await c.read());
      x.log(await p.call('PUBLISH', 'end', 'x'));
      // Every event up to the marker message on "end".
      for (let i = 0; i < 40; i++) {
        const ev = await sub.read();
        x.log(ev);
        if (ev.includes('$3\r\nend\r\n')) break;
      }
    } finally {
      await p.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  },
  'commandstats count a blocking command once; a served error is a failed call': async (x) => {
    const [a, b, c, p] = [await x.conn(), await x.conn(), await x.conn(), await x.conn()];
    x.log(await p.call('CONFIG', 'RESETSTAT'));
    send(a, 'BLPOP', 'q', '0');
    await x.blocked(1);
    x.log(await p.call('SET', 'str', 'v'));
    send(b, 'BLMOVE', 'e', 'str', 'LEFT', 'LEFT', '0');
    await x.blocked(2);
    send(c, 'BRPOP', 't', '0.05');
    await x.blocked(3);
    x.log(await c.read());
    x.log(await p.call('RPUSH', 'q', 'v'));
    x.log(await a.read());
    x.log(await p.call('RPUSH', 'e', 'v'));
    x.log(await b.read());
    const stats = await p.call('INFO', 'commandstats');
    // Redis lists commandstats in hash-table order: compare them sorted, without timings.
    const lines = stats.split('\r\n').filter((l) => /^cmdstat_(blpop|blmove|brpop|rpush):/.test(l));
    for (const line of lines.sort()) x.log(line.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''));
    // total_commands_processed without blocked()'s polls, whose number depends on timing.
    const total = Number((await p.call('INFO', 'stats')).match(/total_commands_processed:(\d+)/)?.[1]);
    x.log(`commands processed besides the polls: ${total - x.polls()}`);
  },
  'CLIENT REPLY OFF silences a served or timed-out blocking command': async (x) => {
    const [a, p] = [await x.conn(), await x.conn()];
    a.write(encodeCommand(['CLIENT', 'REPLY', 'OFF']) + encodeCommand(['BLPOP', 'q', '0']));
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'q', 'v'));
    send(a, 'BLPOP', 'q', '0.05');
    await pause(150);
    a.write(encodeCommand(['CLIENT', 'REPLY', 'ON']) + encodeCommand(['LLEN', 'q']));
    x.log(await a.read());
  },
  'a disconnected waiter is forgotten': async (x) => {
    const [a, b, p] = [await x.conn(), await x.conn(), await x.conn()];
    send(a, 'BLPOP', 'q', '0');
    await x.blocked(1);
    send(b, 'BLPOP', 'q', '0');
    await x.blocked(2);
    a.close();
    await x.blocked(1);
    x.log(await p.call('RPUSH', 'q', 'v'));
    x.log(await b.read());
  },
};

describe.runIf(haveRealRedis)('compat: blocking scenarios', () => {
  const targets = useTargets();
  for (const [name, scenario] of Object.entries(scenarios)) {
    for (const resp of [2, 3] as const) {
      it(`${name} (RESP${resp})`, async () => {
        const t = targets();
        const real = await runScenario(t.real.port, resp, scenario);
        const sim = await runScenario(t.sim.port, resp, scenario);
        expect(real.length).toBeGreaterThan(0);
        expect(sim).toEqual(real);
      });
    }
  }
});
