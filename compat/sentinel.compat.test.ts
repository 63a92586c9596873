/**
 * The Sentinel endpoint against a real redis-sentinel 7.0: the same topology (a primary and one
 * replica) on both sides, the same commands, replies compared as RESP bytes (RESP2 and RESP3).
 * What is inherently different between the two — ports, run IDs, client IDs and the
 * milliseconds-ago fields — is compared by shape: each reply is rewritten with ports replaced by
 * their role (PRIMARY, REPLICA, SENTINEL), 40-hex IDs by RUNID and those fields' integers by N,
 * bulk lengths recomputed; everything else (field names, their order, flags, types, error
 * texts) must be equal. A real failover (SENTINEL FAILOVER) is compared by its event sequence.
 *
 * The real sentinel is started with a config file of its own in a temporary directory (it
 * rewrites it); waiting for real processes uses short real-time polls.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSentinel, RedisSim } from '../src/index.js';
import { RawClient } from '../test/raw-client.js';
import { freePort, waitForPort } from './real-redis.js';

const haveSentinel = spawnSync('redis-sentinel', ['--version']).status === 0 && spawnSync('redis-server', ['--version']).status === 0;
if (!haveSentinel && process.env.CI) throw new Error('compat: redis-sentinel / redis-server not found; CI must install them');

const DOWN_AFTER = 5000;
const FAILOVER_TIMEOUT = 60000;

interface Side {
  ports: { primary: number; replica: number; sentinel: number };
  stop(): Promise<void>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

function spawnReal(bin: string, args: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** Polls `cond` for up to 15 s of real time: the real processes work on their own schedule. */
async function eventually(cond: () => Promise<boolean>, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const call = RawClient.callOnce;

async function startReal(downAfter = DOWN_AFTER): Promise<Side & { kill(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-sim-sentinel-'));
  dirs.push(dir);
  const primary = await freePort();
  const replica = await freePort();
  const sentinel = await freePort();
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const primaryProcess = spawnReal('redis-server', ['--port', String(primary), ...common]);
  spawnReal('redis-server', ['--port', String(replica), ...common, '--replicaof', '127.0.0.1', String(primary)]);
  await waitForPort(primary, 5000);
  await waitForPort(replica, 5000);
  // The replica in sync before the sentinel starts: its first INFO already lists it, link up.
  await eventually(async () => (await call(replica, 'INFO', 'replication')).includes('master_link_status:up'));
  await eventually(async () => (await call(primary, 'INFO', 'replication')).includes('state=online'));
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinel}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${primary} 1`,
      `sentinel down-after-milliseconds mymaster ${downAfter}`,
      `sentinel failover-timeout mymaster ${FAILOVER_TIMEOUT}`,
      '',
    ].join('\n'),
  );
  spawnReal('redis-sentinel', [conf]);
  await waitForPort(sentinel, 5000);
  await eventually(async () =>
    (await call(sentinel, 'SENTINEL', 'REPLICAS', 'mymaster')).includes(`$${String(replica).length}\r\n${replica}\r\n`),
  );
  // Wait for a valid ping reply from both (last-ok-ping-reply is set by the first PONG).
  await eventually(async () => (await call(sentinel, 'SENTINEL', 'REPLICAS', 'mymaster')).includes('master-link-status\r\n$2\r\nok'));
  return { ports: { primary, replica, sentinel }, stop: async () => {}, kill: () => primaryProcess.kill('SIGKILL') };
}

async function startSim(downAfter = DOWN_AFTER): Promise<Side & { a: RedisSim; b: RedisSim; s: RedisSentinel }> {
  const a = await RedisSim.start({ port: 0, clock: 'manual' });
  const b = await RedisSim.start({ port: 0, clock: 'manual' });
  b.replicaOf(a);
  const s = await RedisSentinel.start({
    port: 0,
    masters: [{ name: 'mymaster', primary: a, downAfterMilliseconds: downAfter, failoverTimeout: FAILOVER_TIMEOUT }],
  });
  return {
    a,
    b,
    s,
    ports: { primary: a.port, replica: b.port, sentinel: s.port },
    stop: async () => {
      await s.stop();
      await b.stop();
      await a.stop();
    },
  };
}

/** Fields whose values are times, counters or offsets that differ run to run: compared as integers. */
const VARYING = new Set([
  'link-pending-commands',
  'last-ping-sent',
  'last-ok-ping-reply',
  'last-ping-reply',
  'info-refresh',
  'role-reported-time',
  'master-link-down-time',
  's-down-time',
  'o-down-time',
  'slave-repl-offset',
  'id',
]);

/** Rewrites a RESP reply so that only what must be equal remains (see the file comment). */
function shape(raw: string, ports: Side['ports']): string {
  const names: [string, string][] = [
    [String(ports.primary), 'PRIMARY'],
    [String(ports.replica), 'REPLICA'],
    [String(ports.sentinel), 'SENTINEL'],
  ];
  const sub = (s: string) => {
    let out = s.replace(/\b[0-9a-f]{40}\b/g, 'RUNID');
    for (const [p, n] of names) out = out.replace(new RegExp(`(^|[^0-9])${p}(?![0-9])`, 'g'), `$1${n}`);
    return out;
  };
  let out = '';
  let pos = 0;
  let prev = '';
  while (pos < raw.length) {
    const nl = raw.indexOf('\r\n', pos);
    if (nl < 0) break;
    const t = raw[pos];
    const head = raw.slice(pos + 1, nl);
    if ((t === '$' || t === '=') && Number(head) >= 0) {
      const len = Number(head);
      let body = raw.slice(nl + 2, nl + 2 + len);
      pos = nl + 2 + len + 2;
      body = VARYING.has(prev) && /^-?\d+$/.test(body) ? 'N' : sub(body);
      out += `${t}${body.length}\r\n${body}\r\n`;
      prev = body;
      continue;
    }
    if (t === ':' && VARYING.has(prev)) out += ':N\r\n';
    else out += `${t}${t === '+' || t === '-' ? sub(head) : head}\r\n`;
    prev = head;
    pos = nl + 2;
  }
  return out;
}

/** The "channel message" lines a PSUBSCRIBE * client received, shaped. */
function events(c: RawClient, ports: Side['ports']): string[] {
  return [...shape(c.pending(), ports).matchAll(/\$8\r\npmessage\r\n\$1\r\n\*\r\n\$\d+\r\n([^\r]*)\r\n\$\d+\r\n([^\r]*)\r\n/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
}

/** The events up to the first +slave (the new master's replicas announced after +switch-master). */
function upToSlave(list: string[]): string[] {
  return list.slice(0, list.findIndex((e) => e.startsWith('+slave ')) + 1);
}

describe.runIf(haveSentinel)('compat: Sentinel replies against a real redis-sentinel', () => {
  let real: Side;
  let sim: Awaited<ReturnType<typeof startSim>>;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    real = await startReal();
    sim = await startSim();
  }, 60000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await sim?.stop();
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function both(resp: 2 | 3, ...args: string[]): Promise<{ real: string; sim: string }> {
    const r = await RawClient.connectResp(real.ports.sentinel, resp);
    const s = await RawClient.connectResp(sim.ports.sentinel, resp);
    clients.push(r, s);
    return { real: shape(await r.call(...args), real.ports), sim: shape(await s.call(...args), sim.ports) };
  }

  const cases: string[][] = [
    ['SENTINEL', 'get-master-addr-by-name', 'mymaster'],
    ['SENTINEL', 'get-master-addr-by-name', 'nope'],
    ['SENTINEL', 'MASTERS'],
    ['SENTINEL', 'MASTER', 'mymaster'],
    ['SENTINEL', 'REPLICAS', 'mymaster'],
    ['SENTINEL', 'SLAVES', 'mymaster'],
    ['SENTINEL', 'SENTINELS', 'mymaster'],
    ['SENTINEL', 'MYID'],
    ['SENTINEL', 'CKQUORUM', 'mymaster'],
    ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', '1', '0', '*'],
    ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', 'x', '0', '*'],
    ['SENTINEL', 'PENDING-SCRIPTS'],
    ['SENTINEL', 'RESET', 'nomatch*'],
    ['SENTINEL', 'HELP'],
    ['SENTINEL', 'MASTER', 'nope'],
    ['SENTINEL', 'REPLICAS', 'nope'],
    ['SENTINEL', 'CKQUORUM', 'nope'],
    ['SENTINEL', 'FAILOVER', 'nope'],
    ['SENTINEL', 'foo'],
    ['SENTINEL', 'MASTER'],
    ['SENTINEL', 'MYID', 'x'],
    ['SENTINEL'],
    ['ROLE'],
    ['PING'],
    ['PING', 'hello'],
    ['GET', 'k'],
    ['SET', 'k', 'v'],
    ['MULTI'],
    ['SELECT', '1'],
    ['COMMAND', 'COUNT'],
    ['CLIENT', 'GETNAME'],
    ['SUBSCRIBE', '+switch-master'],
    ['PSUBSCRIBE', '*'],
  ];
  for (const resp of [2, 3] as const) {
    for (const args of cases) {
      it(`${args.join(' ')} (RESP${resp})`, async () => {
        const r = await both(resp, ...args);
        if (process.env.SHOW_SHAPES) process.stdout.write(`${args.join(' ')}\n${JSON.stringify(r.real)}\n`);
        expect(r.sim).toBe(r.real);
      });
    }
    it(`HELLO ${resp}`, async () => {
      const r = await both(2, 'HELLO', String(resp));
      expect(r.sim).toBe(r.real);
    });
    it(`INFO sentinel (RESP${resp})`, async () => {
      const r = await both(resp, 'INFO', 'sentinel');
      expect(r.sim).toBe(r.real);
    });
  }

  it('INFO has the same sections and field names, in order', async () => {
    const r = await both(2, 'INFO');
    // After the bulk length (the values differ in length), every line's field name.
    const fields = (s: string) =>
      s
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(':')[0] as string);
    expect(fields(r.sim)).toEqual(fields(r.real));
    expect(r.sim).toContain('redis_mode:sentinel');
  });

  it('SENTINEL FAILOVER publishes the same events in the same order', async () => {
    const subReal = await RawClient.connect(real.ports.sentinel);
    const subSim = await RawClient.connect(sim.ports.sentinel);
    clients.push(subReal, subSim);
    await subReal.call('PSUBSCRIBE', '*');
    await subSim.call('PSUBSCRIBE', '*');
    expect(await call(real.ports.sentinel, 'SENTINEL', 'FAILOVER', 'mymaster')).toBe('+OK\r\n');
    expect(await call(sim.ports.sentinel, 'SENTINEL', 'FAILOVER', 'mymaster')).toBe('+OK\r\n');
    await eventually(async () => events(subReal, real.ports).some((e) => e.startsWith('+slave ')), 30000);
    const realEvents = upToSlave(events(subReal, real.ports));
    expect(realEvents.length).toBeGreaterThan(10);
    expect(upToSlave(events(subSim, sim.ports))).toEqual(realEvents);
    const r = await both(2, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
    expect(r.sim).toBe(r.real);
    expect(r.sim).toContain('REPLICA');
  }, 40000);
});

describe.runIf(haveSentinel)('compat: a killed primary, against a real redis-sentinel', () => {
  afterAll(() => {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('+sdown, +odown and the automatic failover publish the same events in the same order', async () => {
    const downAfter = 1000;
    const real = await startReal(downAfter);
    const sim = await startSim(downAfter);
    try {
      const subReal = await RawClient.connect(real.ports.sentinel);
      const subSim = await RawClient.connect(sim.ports.sentinel);
      await subReal.call('PSUBSCRIBE', '*');
      await subSim.call('PSUBSCRIBE', '*');
      real.kill();
      await sim.a.kill();
      // redis-sim: nothing before down-after-milliseconds of its virtual clock, all of it after.
      sim.s.clock.advance(downAfter);
      expect(events(subSim, sim.ports)).toEqual([]);
      sim.s.clock.advance(1);
      await eventually(async () => events(subReal, real.ports).some((e) => e.startsWith('+slave ')), 30000);
      await eventually(async () => events(subSim, sim.ports).some((e) => e.startsWith('+slave ')));
      const realEvents = upToSlave(events(subReal, real.ports));
      expect(realEvents[0]).toBe('+sdown master mymaster 127.0.0.1 PRIMARY');
      expect(upToSlave(events(subSim, sim.ports))).toEqual(realEvents);
      subReal.close();
      subSim.close();
    } finally {
      await sim.stop();
    }
  }, 40000);
});

describe.runIf(haveSentinel)('compat: RedisSentinel watching real redis-servers over TCP', () => {
  afterAll(() => {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('sees the same master and replica as a real redis-sentinel watching the same servers', async () => {
    const real = await startReal();
    const s = await RedisSentinel.start({
      port: 0,
      masters: [
        {
          name: 'mymaster',
          primary: { host: '127.0.0.1', port: real.ports.primary },
          downAfterMilliseconds: DOWN_AFTER,
          failoverTimeout: FAILOVER_TIMEOUT,
        },
      ],
    });
    try {
      const simPorts = { ...real.ports, sentinel: s.port };
      // Its first rounds (real time: PING and INFO every second) find the replica in the primary's INFO.
      await eventually(async () => (await call(s.port, 'SENTINEL', 'REPLICAS', 'mymaster')).includes('master-link-status\r\n$2\r\nok'));
      for (const args of [
        ['SENTINEL', 'MASTER', 'mymaster'],
        ['SENTINEL', 'REPLICAS', 'mymaster'],
        ['SENTINEL', 'get-master-addr-by-name', 'mymaster'],
        ['INFO', 'sentinel'],
      ]) {
        const r = shape(await call(real.ports.sentinel, ...args), real.ports);
        expect(shape(await call(s.port, ...args), simPorts), args.join(' ')).toBe(r);
      }
      // The run IDs are the servers' own, as the real sentinel reports them.
      const runid = (raw: string) => /\$5\r\nrunid\r\n\$40\r\n([0-9a-f]{40})/.exec(raw)?.[1];
      expect(runid(await call(s.port, 'SENTINEL', 'MASTER', 'mymaster'))).toBe(
        runid(await call(real.ports.sentinel, 'SENTINEL', 'MASTER', 'mymaster')),
      );
    } finally {
      await s.stop();
    }
  }, 40000);
});
