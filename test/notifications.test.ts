/**
 * Keyspace notifications over TCP: notify-keyspace-events parsing (CONFIG SET and the start
 * option), class filtering, both channel families, and `expired` events driven by the virtual
 * clock — in deadline order, once per key, for active and lazy expiry.
 */
import { describe, expect, it } from 'vitest';
import { keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from '../src/engine/notify.js';
import type { RawClient } from './helpers.js';
import { ioredis, raw, startSim } from './helpers.js';

/** Decodes RESP2 message/pmessage frames into "channel message" strings. */
function frames(rawBytes: string): string[] {
  const out: string[] = [];
  const re = /\*(3|4)\r\n\$\d+\r\n(p?message)\r\n/g;
  let m: RegExpExecArray | null;
  let pos = 0;
  const bulk = (): string => {
    const nl = rawBytes.indexOf('\r\n', pos);
    const len = Number(rawBytes.slice(pos + 1, nl));
    const s = rawBytes.slice(nl + 2, nl + 2 + len);
    pos = nl + 2 + len + 2;
    return s;
  };
  re.lastIndex = 0;
  for (;;) {
    re.lastIndex = pos;
    m = re.exec(rawBytes);
    if (!m || m.index !== pos) break;
    pos = re.lastIndex;
    if (m[2] === 'pmessage') bulk();
    const ch = bulk();
    out.push(`${ch} ${bulk()}`);
  }
  return out;
}

/** A RESP2 subscriber on every keyspace and keyevent channel. */
async function listener(sim: { port: number }): Promise<RawClient> {
  const s = await raw(sim);
  await s.call('PSUBSCRIBE', '__key*__:*');
  return s;
}

/** Reads `n` events. */
async function events(s: RawClient, n: number): Promise<string[]> {
  return frames(await s.read(n));
}

describe('notify-keyspace-events', () => {
  it('parses classes like Redis: A is g$lshzxetd, order and repeats do not matter', () => {
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('KEA'))).toBe('AKE');
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('gKmnE$'))).toBe('g$nKEm');
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('AmnKE'))).toBe('AKEm'); // n hidden by A, as Redis
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('gglsdhzxetK'))).toBe('glshzxetdK');
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags(''))).toBe('');
    expect(keyspaceEventsStringToFlags('Kq')).toBe(-1);
    expect(keyspaceEventsStringToFlags('a')).toBe(-1);
  });

  it('CONFIG SET validates and CONFIG GET reports the canonical form', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n');
    expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Kq')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
    );
    // The failed SET left the previous value in force.
    expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n');
  });

  it('is off by default: nothing is published', async () => {
    const sim = await startSim();
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    await c.call('PUBLISH', '__keyspace@0__:end', 'end'); // a marker through the same subscriber
    expect(await events(s, 1)).toEqual(['__keyspace@0__:end end']);
  });

  it('K publishes on __keyspace@<db>__:<key>, E on __keyevent@<db>__:<event>, keyspace first', async () => {
    const sim = await startSim();
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KE$g');
    await c.call('SET', 'k', 'v');
    await c.pipeline([
      ['SELECT', '3'],
      ['DEL', 'nothing'],
      ['SET', 'k3', 'v'],
    ]);
    expect(await events(s, 4)).toEqual(['__keyspace@0__:k set', '__keyevent@0__:set k', '__keyspace@3__:k3 set', '__keyevent@3__:set k3']);
  });

  it('filters by class and by channel family', async () => {
    const sim = await startSim();
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Eg'); // keyevent only, generic only
    await c.call('SET', 'a', '1'); // $: filtered
    await c.call('DEL', 'a'); // g
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'g$'); // classes without K or E: nothing
    await c.call('SET', 'b', '1');
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'K$');
    await c.call('SET', 'c', '1');
    expect(await events(s, 2)).toEqual(['__keyevent@0__:del a', '__keyspace@0__:c set']);
  });

  it('n publishes "new" when a key is created, before the command event', async () => {
    const sim = await startSim();
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'En$');
    await c.call('SET', 'k', '1');
    await c.call('SET', 'k', '2'); // exists: no "new"
    expect(await events(s, 3)).toEqual(['__keyevent@0__:new k', '__keyevent@0__:set k', '__keyevent@0__:set k']);
  });

  it('n stays in force beside A although CONFIG GET shows "AKE", as in Redis', async () => {
    const sim = await startSim();
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'EAn');
    expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$2\r\nAE\r\n');
    await c.call('SET', 'k', '1');
    expect(await events(s, 2)).toEqual(['__keyevent@0__:new k', '__keyevent@0__:set k']);
  });

  it('m publishes "keymiss" when a read command misses a key (not for writes)', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'Em' } });
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('GET', 'nokey');
    await c.call('LPOP', 'nokey'); // a write: no event
    await c.call('SET', 'k', 'v');
    await c.call('GET', 'k'); // a hit: no event
    await c.call('MGET', 'a', 'k', 'b');
    expect(await events(s, 3)).toEqual(['__keyevent@0__:keymiss nokey', '__keyevent@0__:keymiss a', '__keyevent@0__:keymiss b']);
  });

  it('the start option (the CLI passes --notify-keyspace-events the same way) enables it', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'KEA' } });
    const s = await listener(sim);
    await (await raw(sim)).call('SET', 'k', 'v');
    expect(await events(s, 2)).toEqual(['__keyspace@0__:k set', '__keyevent@0__:set k']);
  });

  it('ioredis can listen with psubscribe', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'E$' } });
    const sub = ioredis(sim);
    await sub.psubscribe('__keyevent@0__:*');
    const got = new Promise<string[]>((resolve) => {
      sub.on('pmessage', (_p, ch, key) => resolve([ch, key]));
    });
    await ioredis(sim).set('job:1', 'x');
    expect(await got).toEqual(['__keyevent@0__:set', 'job:1']);
  });
});

describe('expired events on the virtual clock', () => {
  it('moving the clock makes a lock expire and a subscriber receives `expired` for it', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'Ex' } });
    const sub = await raw(sim);
    await sub.call('SUBSCRIBE', '__keyevent@0__:expired');
    const app = ioredis(sim);
    expect(await app.set('lock:orders', 'owner-1', 'PX', 5000, 'NX')).toBe('OK');
    sim.clock.advance(5000); // at the deadline millisecond the lock still exists
    expect(await app.get('lock:orders')).toBe('owner-1');
    expect(sub.pending()).toBe('');
    sim.clock.advance(1);
    expect(await sub.read()).toBe('*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$11\r\nlock:orders\r\n');
    expect(await app.exists('lock:orders')).toBe(0);
    // Another owner can take the lock now.
    expect(await app.set('lock:orders', 'owner-2', 'PX', 5000, 'NX')).toBe('OK');
  });

  it('fires in deadline order, exactly once per key, whatever the order the TTLs were set in', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'Ex' } });
    const s = await listener(sim);
    const c = await raw(sim);
    await c.pipeline([
      ['SET', 'c', '1', 'PX', '3000'],
      ['SET', 'a', '1', 'PX', '1000'],
      ['SET', 'b', '1', 'PX', '2000'],
      ['SET', 'a2', '1', 'PX', '1500'],
    ]);
    await c.call('PEXPIRE', 'b', '1200'); // moved earlier: its old deadline must not fire again
    sim.clock.advance(10_000);
    expect(await events(s, 4)).toEqual([
      '__keyevent@0__:expired a',
      '__keyevent@0__:expired b',
      '__keyevent@0__:expired a2',
      '__keyevent@0__:expired c',
    ]);
    sim.clock.advance(10_000);
    await c.call('PUBLISH', '__keyevent@0__:end', 'end');
    expect(await events(s, 1)).toEqual(['__keyevent@0__:end end']);
  });

  it('lazy expiry (active expiry off) fires once, when the key is next touched', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'KEx' } });
    sim.node.setActiveExpire(false);
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('SET', 'k', 'v', 'PX', '100');
    sim.clock.advance(500);
    expect(s.pending()).toBe('');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    await c.call('PUBLISH', '__keyevent@0__:end', 'end');
    expect(await events(s, 3)).toEqual(['__keyspace@0__:k expired', '__keyevent@0__:expired k', '__keyevent@0__:end end']);
  });

  it('a TTL removed by PERSIST or an overwrite never fires', async () => {
    const sim = await startSim({ config: { 'notify-keyspace-events': 'Ex' } });
    const s = await listener(sim);
    const c = await raw(sim);
    await c.call('SET', 'p', '1', 'PX', '100');
    await c.call('PERSIST', 'p');
    await c.call('SET', 'o', '1', 'PX', '100');
    await c.call('SET', 'o', '2');
    sim.clock.advance(1000);
    await c.call('PUBLISH', '__keyevent@0__:end', 'end');
    expect(await events(s, 1)).toEqual(['__keyevent@0__:end end']);
  });
});
