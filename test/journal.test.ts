/**
 * The command journal: off by default; once on, every command read from a client with its
 * client, database, virtual time, arguments, reply kind and duration; queried by command, key,
 * client and time range; capped; cleared; in-process (sim.journal) and over the wire (SIM JOURNAL).
 */
import { describe, expect, it } from 'vitest';
import { parseReply } from '../src/protocol/reply-parser.js';
import { ioredis, raw, startSim } from './helpers.js';

describe('journal', () => {
  it('is off by default and records nothing', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('SET', 'k', 'v');
    expect(sim.journal.enabled).toBe(false);
    expect(await c.call('SIM', 'JOURNAL', 'SIZE')).toBe(':0\r\n');
    expect(sim.node.dispatchHooks).toBeUndefined();
  });

  it('records client, db, virtual time, args, reply kind and duration', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('CLIENT', 'SETNAME', 'w1');
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    sim.journal.start();
    const t0 = sim.clock.now();
    await c.call('SET', 'k', 'v');
    sim.clock.advance(1500);
    await c.pipeline([
      ['GET', 'k'],
      ['GET', 'nope'],
      ['INCR', 'k'],
      ['SELECT', '3'],
      ['RPUSH', 'l', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['CLIENT', 'GETNAME'],
    ]);
    c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1);
    const e = sim.journal.query();
    expect(e.map((x) => [x.command, x.reply, x.db])).toEqual([
      ['set', 'status', 0],
      ['get', 'bulk', 0],
      ['get', 'null', 0],
      ['incr', 'error', 0],
      ['select', 'status', 3],
      ['rpush', 'integer', 3],
      ['lrange', 'array', 3],
      ['client|getname', 'bulk', 3],
      ['blpop', 'blocked', 3],
    ]);
    expect(e[0]).toMatchObject({ clientId: id, clientName: 'w1', time: t0, args: ['SET', 'k', 'v'] });
    expect(e[1]?.time).toBe(t0 + 1500);
    expect(e[3]?.error).toBe('ERR value is not an integer or out of range');
    expect(e[0]?.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(e.every((x) => x.durationUs >= 0)).toBe(true);
    expect(e.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('queries by command, key glob, client and time range; caps; clears; streams', async () => {
    const sim = await startSim();
    const a = ioredis(sim, { connectionName: 'poller' });
    const b = ioredis(sim, { connectionName: 'writer' });
    await a.ping();
    await b.ping();
    sim.journal.start();
    const streamed: string[] = [];
    const stop = sim.journal.subscribe((e) => streamed.push(e.command));
    const t0 = sim.clock.now();
    for (let i = 0; i < 5; i++) {
      await a.get('job:1');
      await b.set(`job:${i}`, 'x');
      sim.clock.advance(1000);
    }
    stop();
    expect(streamed).toHaveLength(10);
    expect(sim.journal.query({ command: 'GET' })).toHaveLength(5);
    expect(sim.journal.query({ key: 'job:[34]' }).map((e) => e.args[1])).toEqual(['job:3', 'job:4']);
    expect(sim.journal.query({ client: 'poller' }).every((e) => e.command === 'get')).toBe(true);
    const polls = sim.journal.query({ client: 'poller', command: 'get' }).map((e) => e.time);
    // "The worker polled at most once per second."
    expect(polls.slice(1).every((t, i) => t - (polls[i] as number) >= 1000)).toBe(true);
    expect(sim.journal.query({ from: t0 + 1000, to: t0 + 2000 }).map((e) => e.time - t0)).toEqual([1000, 1000, 2000, 2000]);
    expect(sim.journal.query({ command: 'keys' })).toEqual([]);
    expect(sim.journal.query({ limit: 1 })[0]?.args).toEqual(['set', 'job:4', 'x']);
    sim.journal.cap = 3;
    expect(sim.journal.size).toBe(3);
    await a.get('z');
    expect(sim.journal.query().map((e) => e.args[1])).toEqual(['job:1', 'job:4', 'z']);
    sim.journal.clear();
    expect(sim.journal.size).toBe(0);
    sim.journal.stop();
    await a.get('z');
    expect(sim.journal.size).toBe(0);
  });

  it('over the wire: SIM JOURNAL ON|OFF|SIZE|CLEAR|GET with filters', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('SIM', 'JOURNAL', 'ON', '100')).toBe('+OK\r\n');
    await c.call('SET', 'a', '1');
    await c.call('GET', 'a');
    await c.call('EVALSHA', 'x', '0');
    const reply = parseReply(await c.call('SIM', 'JOURNAL', 'GET', 'COMMAND', 'get'));
    const entries = reply?.[0] as unknown[];
    expect(entries).toHaveLength(1);
    const flat = entries[0] as unknown[];
    const m = new Map<string, unknown>();
    for (let i = 0; i < flat.length; i += 2) m.set(flat[i] as string, flat[i + 1]);
    expect(m.get('command')).toBe('get');
    expect(m.get('args')).toEqual(['GET', 'a']);
    expect(m.get('reply')).toBe('bulk');
    expect(m.get('db')).toBe(0);
    const err = await c.call('SIM', 'JOURNAL', 'GET', 'COMMAND', 'evalsha', 'LIMIT', '1');
    expect(err).toContain('$5\r\nerror\r\n$45\r\nNOSCRIPT No matching script. Please use EVAL.\r\n');
    // SIM JOURNAL ON itself, SET, GET, EVALSHA and the two SIM JOURNAL GETs (recorded like any command).
    expect(await c.call('SIM', 'JOURNAL', 'SIZE')).toBe(':6\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'OFF')).toBe('+OK\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'CLEAR')).toBe('+OK\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'SIZE')).toBe(':0\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'GET', 'BOGUS', 'x')).toBe('-ERR syntax error\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'ON', '0')).toBe('-ERR cap must be at least 1\r\n');
  });
});
