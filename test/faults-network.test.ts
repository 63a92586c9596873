/**
 * Network faults at redis-sim's socket layer: dropped connections (TCP reset), partitions (the
 * chosen clients' commands hang, or their connections are refused), latency before replies on
 * the virtual clock or in real time. None of them ever holds the control command.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { connectError, ioredis, onCleanup, RawClient, raw, startSim } from './helpers.js';

/** The connection's client id (CLIENT ID). */
async function idOf(c: RawClient): Promise<string> {
  return (await c.call('CLIENT', 'ID')).slice(1, -2);
}

/** Asks SIM FAULT WAITING until at least `n` replies are held or delayed. */
async function waitingReplies(ctl: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) if (Number((await ctl.call('SIM', 'FAULT', 'WAITING')).slice(1, -2)) >= n) return;
  throw new Error('no reply is waiting');
}

describe('SIM FAULT DROP', () => {
  it('resets every connection but the caller, or one client by id, name or address', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    const b = await raw(sim);
    const c = await raw(sim);
    await b.call('CLIENT', 'SETNAME', 'worker');
    expect(await ctl.call('SIM', 'FAULT', 'DROP', 'NAME', 'worker')).toBe(':1\r\n');
    await b.readUntilClose();
    expect(await ctl.call('SIM', 'FAULT', 'DROP', 'ID', await idOf(a))).toBe(':1\r\n');
    await a.readUntilClose();
    expect(c.closed).toBe(false);
    expect(await ctl.call('SIM', 'FAULT', 'DROP', 'ID', '99999')).toBe(':0\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'DROP', 'ALL')).toBe(':1\r\n');
    await c.readUntilClose();
    expect(await ctl.call('PING')).toBe('+PONG\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'DROP', 'BOGUS')).toBe(
      '-ERR expected a client selector: ALL | ID <id> | NAME <name> | ADDR <ip[:port]>\r\n',
    );
  });

  it('ioredis sees the reset and reconnects; in-process drop() by address', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { retryStrategy: () => 5, maxRetriesPerRequest: 1 });
    expect(await io.set('k', 'v')).toBe('OK');
    const closed = new Promise((r) => io.once('close', r));
    expect(sim.faults.drop({ addr: '127.0.0.1' })).toBe(1);
    await closed;
    expect(await io.get('k')).toBe('v');
  });
});

describe('SIM FAULT PARTITION / HEAL', () => {
  it('HANG: the chosen client gets no reply until healed; others and the control command go on', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const w = await raw(sim);
    const other = await raw(sim);
    await w.call('CLIENT', 'SETNAME', 'w');
    expect(await ctl.call('SIM', 'FAULT', 'PARTITION', 'NAME', 'w', 'HANG')).toBe(':1\r\n');
    w.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n');
    expect(await other.call('GET', 'k')).toBe('$-1\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'LIST')).toBe('*1\r\n$23\r\npartition 1 name w hang\r\n');
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '60000')).toMatch(/^:/);
    expect(w.pending()).toBe('');
    expect(await ctl.call('SIM', 'FAULT', 'HEAL')).toBe(':1\r\n');
    expect(await w.read()).toBe('+OK\r\n');
    expect(await other.call('GET', 'k')).toBe('$1\r\n1\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'HEAL')).toBe(':0\r\n');
  });

  it('ALL over the wire leaves the caller out: the test keeps its hand', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    await ctl.call('SIM', 'FAULT', 'PARTITION', 'ALL');
    a.write('*1\r\n$4\r\nPING\r\n');
    expect(await ctl.call('PING')).toBe('+PONG\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'CLEAR')).toBe('+OK\r\n');
    expect(await a.read()).toBe('+PONG\r\n');
  });

  it('a partitioned client fails by its own timeout (ioredis commandTimeout, node-redis socketTimeout)', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { commandTimeout: 300, connectionName: 'io' });
    if (io.status !== 'ready') await new Promise((r) => io.once('ready', r));
    const nr = createClient({ name: 'nr', socket: { port: sim.port, host: '127.0.0.1', reconnectStrategy: false, socketTimeout: 300 } });
    nr.on('error', () => {});
    onCleanup(async () => {
      if (nr.isOpen) nr.destroy();
    });
    await nr.connect();
    const free = ioredis(sim);
    sim.faults.partition({ name: 'io' });
    sim.faults.partition({ name: 'nr' });
    await Promise.all([
      expect(io.set('k', '1')).rejects.toThrow('Command timed out'),
      expect(nr.get('k')).rejects.toThrow("Socket timeout timeout. Expecting data, but didn't receive any in 300ms."),
      // Unpartitioned clients are served meanwhile; the hanging SET has not run.
      expect(free.get('k')).resolves.toBeNull(),
    ]);
    sim.faults.heal();
    // Healed: the held SET runs (its reply now lands on the timed-out command, which ioredis drops).
    expect(await io.get('k')).toBe('1');
  });

  it('REFUSE: existing connections are reset and new ones from the address refused until healed', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const id = sim.faults.partition({ addr: '127.0.0.1' }, 'refuse');
    await a.readUntilClose();
    // A new connection is reset as soon as it is accepted (before or just after 'connect').
    const refused = await RawClient.connect(sim.port).then(
      async (b) => {
        onCleanup(() => b.close());
        await b.readUntilClose();
        return 'closed';
      },
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(['closed', 'ECONNRESET']).toContain(refused);
    expect(sim.faults.heal(id)).toBe(1);
    const c = await raw(sim);
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });
});

describe('refusing partition of every client', () => {
  it('in-process: connections reset, new ones get ECONNREFUSED as from a killed node, accepted again once healed', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const id = sim.faults.partition({ all: true }, 'refuse');
    await a.readUntilClose();
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    expect(sim.faults.heal(id)).toBe(1);
    await sim.faults.whenAccepting();
    const b = await raw(sim);
    expect(await b.call('PING')).toBe('+PONG\r\n');
  });

  it('over the wire: the caller keeps its connection; HEAL answers once the port accepts again', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    expect(await ctl.call('SIM', 'FAULT', 'PARTITION', 'ALL', 'REFUSE')).toMatch(/^:\d+\r\n$/);
    await a.readUntilClose();
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    expect(await ctl.call('PING')).toBe('+PONG\r\n');
    expect(await ctl.call('SIM', 'FAULT', 'HEAL')).toBe(':1\r\n');
    expect(await connectError(sim.port)).toBe('connected');
  });

  it('ioredis: the refused client reconnects on its own after the heal', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { retryStrategy: () => 20, maxRetriesPerRequest: null });
    expect(await io.ping()).toBe('PONG');
    const errors: string[] = [];
    io.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    const id = sim.faults.partition({ all: true }, 'refuse');
    // Queued while refused; ioredis keeps retrying the connection.
    const pending = io.set('k', '1');
    await new Promise<void>((resolve) => {
      const check = () => (errors.includes('ECONNREFUSED') ? resolve() : setTimeout(check, 10));
      check();
    });
    sim.faults.heal(id);
    expect(await pending).toBe('OK');
    expect(sim.call('GET', 'k')).toBe('1');
  });

  it('after kill and restart a still-set refusing partition keeps the port closed', async () => {
    const sim = await startSim();
    sim.faults.partition({ all: true }, 'refuse');
    await sim.kill();
    await sim.restart();
    expect(await connectError(sim.port)).toBe('ECONNREFUSED');
    sim.faults.heal();
    await sim.faults.whenAccepting();
    expect(await connectError(sim.port)).toBe('connected');
  });
});

describe('SIM FAULT LATENCY', () => {
  it('delays replies on the virtual clock, in order; the control command is never delayed', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    expect(await ctl.call('SIM', 'FAULT', 'LATENCY', '100')).toBe(':1\r\n');
    a.write('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n');
    // Round trips (no sleep) until a's replies are waiting: moving the clock cannot race them.
    await waitingReplies(ctl, 1);
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '99')).toMatch(/^:/);
    expect(a.pending()).toBe('');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '1');
    expect(await a.read(2)).toBe('+PONG\r\n$1\r\nx\r\n');
    // Per client: only the named client waits.
    expect(await ctl.call('SIM', 'FAULT', 'CLEAR', '1')).toBe(':1\r\n');
    await a.call('CLIENT', 'SETNAME', 'slow');
    expect(await ctl.call('SIM', 'FAULT', 'LATENCY', '50', 'NAME', 'slow', 'VIRTUAL')).toBe(':2\r\n');
    const b = await raw(sim);
    expect(await b.call('PING')).toBe('+PONG\r\n');
    a.write('*1\r\n$4\r\nPING\r\n');
    await waitingReplies(ctl, 1);
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '50');
    expect(await a.read()).toBe('+PONG\r\n');
  });

  it('in-process: waitForReplies resolves once the reply is delayed, then the clock releases it', async () => {
    const sim = await startSim();
    const io = ioredis(sim);
    await io.ping();
    sim.faults.latency(100);
    const reply = io.get('k');
    await sim.faults.waitForReplies(1);
    expect(sim.faults.waitingReplies).toBe(1);
    sim.clock.advance(100);
    expect(await reply).toBeNull();
    expect(sim.faults.waitingReplies).toBe(0);
  });

  it('REAL latency waits real time', async () => {
    const sim = await startSim();
    const io = ioredis(sim);
    await io.ping();
    sim.faults.latency(40, { clock: 'real' });
    const t = performance.now();
    expect(await io.ping()).toBe('PONG');
    expect(performance.now() - t).toBeGreaterThanOrEqual(39);
    sim.faults.clearLatency();
  });
});
