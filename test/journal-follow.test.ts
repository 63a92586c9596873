/**
 * Following the command journal live: over the wire (SIM JOURNAL FOLLOW turns the connection into
 * a push stream, as MONITOR does: RESP3 push frames, RESP2 arrays), and in-process (an async
 * iterator, sim.journal.follow()). Following needs no recording (ON) and keeps nothing; the
 * control command and the stream are never held by CLIENT PAUSE or a paused node.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../src/index.js';
import { ioredis, onCleanup, RawClient, raw, startSim } from './helpers.js';

/** The RESP2 frame of one entry: ["journal", [seq, ..]] with its fields in order. */
function entryPattern(resp: 2 | 3, cmd: string, args: string[], reply: string): RegExp {
  const bulk = (s: string) => `\\$${s.length}\\r\\n${s.replace(/[|*$]/g, '\\$&')}\\r\\n`;
  const head = resp === 3 ? '>2\\r\\n' : '\\*2\\r\\n';
  const map = resp === 3 ? '%10\\r\\n' : '\\*20\\r\\n';
  return new RegExp(
    `^${head}${bulk('journal')}${map}${bulk('seq')}:\\d+\\r\\n${bulk('time')}:\\d+\\r\\n${bulk('id')}:\\d+\\r\\n${bulk('name')}\\$\\d+\\r\\n[^\\r]*\\r\\n` +
      `${bulk('addr')}\\$\\d+\\r\\n127\\.0\\.0\\.1:\\d+\\r\\n${bulk('db')}:0\\r\\n${bulk('command')}${bulk(cmd)}${bulk('args')}\\*${args.length}\\r\\n${args.map(bulk).join('')}` +
      `${bulk('reply')}${bulk(reply)}${bulk('duration_us')}:\\d+\\r\\n$`,
  );
}

describe('SIM JOURNAL FOLLOW', () => {
  for (const resp of [2, 3] as const) {
    it(`RESP${resp}: other clients' commands arrive as push frames, filtered; UNFOLLOW ends it`, async () => {
      const sim = await startSim();
      const f = await RawClient.connectResp(sim.port, resp);
      onCleanup(() => f.close());
      const w = await raw(sim);
      expect(await f.call('SIM', 'JOURNAL', 'FOLLOW', 'KEY', 'job:*')).toBe('+OK\r\n');
      // Not recording: following needs no ON and keeps nothing.
      expect(sim.journal.enabled).toBe(false);
      await w.call('SET', 'job:1', 'x');
      await w.call('SET', 'other', 'y');
      await w.call('GET', 'job:1');
      expect(await f.read(1)).toMatch(entryPattern(resp, 'set', ['SET', 'job:1', 'x'], 'status'));
      expect(await f.read(1)).toMatch(entryPattern(resp, 'get', ['GET', 'job:1'], 'bulk'));
      expect(f.pending()).toBe('');
      expect(sim.journal.size).toBe(0);
      // The follower can still send commands; its own are not streamed to it.
      expect(await f.call('PING')).toBe('+PONG\r\n');
      expect(await f.call('SIM', 'JOURNAL', 'UNFOLLOW')).toBe(':1\r\n');
      expect(await f.call('SIM', 'JOURNAL', 'UNFOLLOW')).toBe(':0\r\n');
      await w.call('SET', 'job:2', 'x');
      expect(await f.call('PING')).toBe('+PONG\r\n');
      expect(f.pending()).toBe('');
      // Nothing follows any more: dispatch's hooks are gone.
      expect(sim.node.dispatchHooks).toBeUndefined();
    });
  }

  it('RESET ends following, as it ends MONITOR; a follower that hangs up stops the stream', async () => {
    const sim = await startSim();
    const f = await raw(sim);
    const w = await raw(sim);
    expect(await f.call('SIM', 'JOURNAL', 'FOLLOW', 'COMMAND', 'incr')).toBe('+OK\r\n');
    await w.call('INCR', 'n');
    expect(await f.read(1)).toMatch(entryPattern(2, 'incr', ['INCR', 'n'], 'integer'));
    expect(await f.call('RESET')).toBe('+RESET\r\n');
    await w.call('INCR', 'n');
    expect(await f.call('PING')).toBe('+PONG\r\n');
    const g = await raw(sim);
    expect(await g.call('SIM', 'JOURNAL', 'FOLLOW')).toBe('+OK\r\n');
    g.close();
    await w.call('INCR', 'n');
    await w.call('INCR', 'n');
    expect(sim.node.dispatchHooks).toBeUndefined();
  });

  it('is refused inside MULTI (a DENY BLOCKING client, as MONITOR) and checks its filters', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('SIM', 'JOURNAL', 'FOLLOW', 'BOGUS', 'x')).toBe('-ERR syntax error\r\n');
    expect(await c.call('SIM', 'JOURNAL', 'FOLLOW', 'LIMIT', '3')).toBe('-ERR syntax error\r\n');
    await c.call('MULTI');
    await c.call('SIM', 'JOURNAL', 'FOLLOW');
    expect(await c.call('EXEC')).toBe("*1\r\n-ERR SIM JOURNAL FOLLOW isn't allowed for DENY BLOCKING client\r\n");
  });

  it('is never held by CLIENT PAUSE or a paused node: the stream and the control command go on', async () => {
    const sim = await startSim();
    const f = await raw(sim);
    const ctl = await raw(sim);
    const w = await raw(sim);
    expect(await ctl.call('CLIENT', 'PAUSE', '100000', 'ALL')).toBe('+OK\r\n');
    expect(await f.call('SIM', 'JOURNAL', 'FOLLOW')).toBe('+OK\r\n');
    w.write('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'); // held by the pause
    await sim.waitForBlocked(1);
    expect(await ctl.call('SIM', 'NODE', 'PAUSE')).toBe('+OK\r\n');
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '5')).toMatch(/^:\d+\r\n$/);
    // The GET that CLIENT PAUSE holds was recorded as blocked; the control commands after it stream.
    expect(await f.read(1)).toMatch(entryPattern(2, 'get', ['GET', 'k'], 'blocked'));
    expect(await f.read(1)).toMatch(entryPattern(2, 'sim|node', ['SIM', 'NODE', 'PAUSE'], 'status'));
    expect(await f.read(1)).toMatch(entryPattern(2, 'sim|clock', ['SIM', 'CLOCK', 'ADVANCE', '5'], 'integer'));
    expect(await ctl.call('SIM', 'NODE', 'RESUME')).toBe('+OK\r\n');
    // CLIENT UNPAUSE would itself wait (CLIENT PAUSE ALL postpones every command, as in Redis):
    // the pause ends when the clock reaches its end.
    expect(await ctl.call('SIM', 'CLOCK', 'ADVANCE', '100000')).toMatch(/^:\d+\r\n$/);
    expect(await w.read(1)).toBe('$-1\r\n');
  });
});

describe('sim.journal.follow()', () => {
  it('yields matching commands from now on, with no recording; leaving the loop stops it', async () => {
    const sim = await startSim();
    const redis = ioredis(sim);
    await redis.set('before', '1');
    const seen: JournalEntry[] = [];
    const done = (async () => {
      for await (const e of sim.journal.follow({ command: 'incr' })) {
        seen.push(e);
        if (seen.length === 2) break;
      }
    })();
    await redis.incr('a');
    await redis.get('a');
    await redis.incr('b');
    await done;
    expect(seen.map((e) => e.args)).toEqual([
      ['incr', 'a'],
      ['incr', 'b'],
    ]);
    expect(seen[0]?.reply).toBe('integer');
    expect(sim.journal.size).toBe(0);
    expect(sim.node.dispatchHooks).toBeUndefined();
  });

  it('buffers entries the loop has not taken yet; subscribe() is the callback form', async () => {
    const sim = await startSim();
    const redis = ioredis(sim);
    await redis.ping(); // the connection's own setup commands are not part of this test
    const it = sim.journal.follow();
    const names: string[] = [];
    const stop = sim.journal.subscribe((e) => names.push(e.command));
    await redis.pipeline().set('k', 'v').get('k').del('k').exec();
    const got = [(await it.next()).value, (await it.next()).value, (await it.next()).value] as JournalEntry[];
    expect(got.map((e) => e.command)).toEqual(['set', 'get', 'del']);
    expect(names).toEqual(['set', 'get', 'del']);
    stop();
    expect(await it.return?.()).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(sim.node.dispatchHooks).toBeUndefined();
  });
});
