/**
 * Per-command faults at dispatch (SIM FAULT COMMAND / sim.faults.commands): error replies with
 * Redis's exact wording, connections closed before or after the command ran, delayed commands;
 * and DEBUG ERROR as Redis 7.0 has it. Wording that a real redis-server can produce is compared
 * with one.
 */
import { createClient, defineScript } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealRedis, startRealRedis } from '../compat/real-redis.js';
import { loadScriptingEngine } from '../src/index.js';
import { ioredis, nodeRedis, RawClient, raw, startSim } from './helpers.js';

let real: RealRedis | undefined;
beforeAll(async () => {
  real = await startRealRedis(['--enable-debug-command', 'yes']);
});
afterAll(async () => {
  await real?.stop();
});

describe('error replies', () => {
  it('NOSCRIPT, OOM and DEBUG ERROR match a real redis-server byte for byte', async (ctx) => {
    if (!real) return ctx.skip();
    const r = await RawClient.connect(real.port);
    try {
      const sim = await startSim({ config: { 'enable-debug-command': 'yes' } });
      const c = await raw(sim);
      await c.call('CONFIG', 'RESETSTAT');
      await r.call('CONFIG', 'RESETSTAT');
      const debugCases = [['hello'], ['-NOSCRIPT xy'], [''], ['a\nb'], ['BUSY x'], [], ['a', 'b']];
      for (const extra of debugCases) {
        expect(await c.call('DEBUG', 'ERROR', ...extra)).toBe(await r.call('DEBUG', 'ERROR', ...extra));
      }
      // DEBUG ERROR's own reply is not counted in errorstats (its arity errors are).
      expect(await c.call('INFO', 'errorstats')).toBe(await r.call('INFO', 'errorstats'));
      const sha = 'ffffffffffffffffffffffffffffffffffffffff';
      await c.call('SIM', 'FAULT', 'COMMAND', 'evalsha', 'TIMES', '1', 'ERROR', 'NOSCRIPT');
      expect(await c.call('EVALSHA', sha, '0')).toBe(await r.call('EVALSHA', sha, '0'));
      await r.call('CONFIG', 'SET', 'maxmemory', '1');
      await c.call('SIM', 'FAULT', 'COMMAND', 'set', 'TIMES', '1', 'ERROR', 'oom');
      expect(await c.call('SET', 'k', 'v')).toBe(await r.call('SET', 'k', 'v'));
      await r.call('CONFIG', 'SET', 'maxmemory', '0');
    } finally {
      r.close();
    }
  });

  it('codes expand to Redis 7.0 texts; any other text is sent as given; TIMES counts down', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const cases: [string, string][] = [
      ['BUSY', 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.'],
      ['READONLY', "READONLY You can't write against a read only replica."],
      ['LOADING', 'LOADING Redis is loading the dataset in memory'],
      ['MASTERDOWN', "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."],
      ['CLUSTERDOWN', 'CLUSTERDOWN The cluster is down'],
      ['TRYAGAIN', 'TRYAGAIN Multiple keys request during rehashing of slot'],
      ['MOVED 3999 127.0.0.1:6381', 'MOVED 3999 127.0.0.1:6381'],
    ];
    for (const [code, text] of cases) {
      await c.call('SIM', 'FAULT', 'COMMAND', 'get', 'TIMES', '1', 'ERROR', code);
      expect(await c.call('GET', 'k')).toBe(`-${text}\r\n`);
    }
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    const id = await c.call('SIM', 'FAULT', 'COMMAND', '*', 'ERROR', 'LOADING');
    expect(await c.call('PING')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    expect(await c.call('SET', 'a', 'b')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    // The control command is never matched.
    expect(await c.call('SIM', 'FAULT', 'LIST')).toBe(
      `*1\r\n$${`command ${id.slice(1, -2)} * key * all always error LOADING Redis is loading the dataset in memory`.length}\r\ncommand ${id.slice(1, -2)} * key * all always error LOADING Redis is loading the dataset in memory\r\n`,
    );
    expect(await c.call('SIM', 'FAULT', 'CLEAR', id.slice(1, -2))).toBe(':1\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    // Injected errors count as errors of the command (errorstats).
    expect(await c.call('INFO', 'errorstats')).toContain('errorstat_LOADING:count=3');
  });

  it('matches by subcommand, key glob and client name', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await b.call('CLIENT', 'SETNAME', 'b');
    sim.faults.commands.add({ error: 'READONLY' }, { command: 'client getname' });
    sim.faults.commands.add({ error: 'TRYAGAIN' }, { command: 'set', key: 'lock:*' });
    sim.faults.commands.add({ error: 'CLUSTERDOWN' }, { command: 'incr', clients: { name: 'b' } });
    expect(await a.call('CLIENT', 'GETNAME')).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(await a.call('CLIENT', 'ID')).toMatch(/^:\d+\r\n$/);
    expect(await a.call('SET', 'lock:x', '1')).toBe('-TRYAGAIN Multiple keys request during rehashing of slot\r\n');
    expect(await a.call('SET', 'other', '1')).toBe('+OK\r\n');
    expect(await a.call('MSET', 'k', '1', 'lock:y', '2')).toBe('+OK\r\n');
    expect(await a.call('INCR', 'n')).toBe(':1\r\n');
    expect(await b.call('INCR', 'n')).toBe('-CLUSTERDOWN The cluster is down\r\n');
    // Inside MULTI a matching command is queued normally; EXEC runs it.
    expect(await a.pipeline([['MULTI'], ['SET', 'lock:z', '1'], ['EXEC']])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+OK\r\n']);
    sim.faults.commands.clear();
    expect(await b.call('INCR', 'n')).toBe(':2\r\n');
  });
});

describe('closing connections', () => {
  it('CLOSE BEFORE: the command does not run; CLOSE AFTER: it runs and its reply is lost', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    await ctl.call('SIM', 'FAULT', 'COMMAND', 'set', 'TIMES', '1', 'CLOSE', 'BEFORE');
    const a = await raw(sim);
    a.write('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*1\r\n$4\r\nPING\r\n');
    // Replies to commands before it are delivered; nothing after.
    expect(await a.readUntilClose()).toBe('+PONG\r\n');
    expect(await ctl.call('EXISTS', 'k')).toBe(':0\r\n');
    await ctl.call('SIM', 'FAULT', 'COMMAND', 'set', 'TIMES', '1', 'CLOSE', 'AFTER');
    const b = await raw(sim);
    b.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n2\r\n');
    expect(await b.readUntilClose()).toBe('');
    expect(await ctl.call('GET', 'k')).toBe('$1\r\n2\r\n');
  });

  it('a connection dropped after a write ran: ioredis resends it and the write happens twice', async () => {
    const sim = await startSim();
    const io = ioredis(sim, { retryStrategy: () => 5, maxRetriesPerRequest: 3, autoResendUnfulfilledCommands: true });
    await io.set('n', '0');
    sim.faults.commands.add({ close: 'after' }, { command: 'incr', times: 1 });
    // The client never saw the first reply; after reconnecting it sends INCR again.
    expect(await io.incr('n')).toBe(2);
    expect(await io.get('n')).toBe('2');
  });

  it('node-redis does not resend: the command fails, yet the write happened', async () => {
    const sim = await startSim();
    const nr = nodeRedis(createClient({ socket: { port: sim.port, host: '127.0.0.1', reconnectStrategy: () => 5 } }));
    await nr.connect();
    sim.faults.commands.add({ close: 'after' }, { command: 'incr', times: 1 });
    await expect(nr.incr('n')).rejects.toThrow('Socket closed unexpectedly');
    if (!nr.isReady) await new Promise((r) => nr.once('ready', r));
    expect(await nr.get('n')).toBe('1');
  });
});

describe('delayed commands', () => {
  it('DELAY waits on the virtual clock before running the command', async () => {
    const sim = await startSim();
    const ctl = await raw(sim);
    const a = await raw(sim);
    await ctl.call('SIM', 'FAULT', 'COMMAND', 'incr', 'TIMES', '1', 'DELAY', '250');
    a.write('*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$3\r\nGET\r\n$1\r\nn\r\n');
    // The delayed command waits as a blocked client with no key.
    expect(await ctl.call('SIM', 'BLOCKED', 'WAIT', '1', '*', '5000')).toBe(':1\r\n');
    expect(await ctl.call('GET', 'n')).toBe('$-1\r\n');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '249');
    expect(await ctl.call('GET', 'n')).toBe('$-1\r\n');
    await ctl.call('SIM', 'CLOCK', 'ADVANCE', '1');
    expect(await a.read(2)).toBe(':1\r\n$1\r\n1\r\n');
  });
});

describe('scripts', () => {
  it('an injected NOSCRIPT makes ioredis fall back from EVALSHA to EVAL', async () => {
    await loadScriptingEngine();
    const sim = await startSim();
    const io = ioredis(sim);
    io.defineCommand('bump', { numberOfKeys: 1, lua: "return redis.call('INCR', KEYS[1])" });
    const bump = (k: string) => (io as unknown as { bump(k: string): Promise<number> }).bump(k);
    expect(await bump('n')).toBe(1);
    sim.journal.start();
    expect(await bump('n')).toBe(2);
    sim.faults.commands.add({ error: 'NOSCRIPT' }, { command: 'evalsha', times: 1 });
    expect(await bump('n')).toBe(3);
    const seen = sim.journal.query().map((e) => `${e.command} ${e.reply}${e.error ? ` ${e.error}` : ''}`);
    expect(seen).toEqual(['evalsha integer', 'evalsha error NOSCRIPT No matching script. Please use EVAL.', 'eval integer']);
  });

  it('an injected NOSCRIPT makes node-redis fall back from EVALSHA to EVAL', async () => {
    await loadScriptingEngine();
    const sim = await startSim();
    const bump = defineScript({
      NUMBER_OF_KEYS: 1,
      SCRIPT: "return redis.call('INCR', KEYS[1])",
      parseCommand(parser: { pushKey(k: string): void }, key: string) {
        parser.pushKey(key);
      },
      transformReply: (r: unknown) => r as number,
    });
    const nr = nodeRedis(createClient({ socket: { port: sim.port, host: '127.0.0.1' }, scripts: { bump } }));
    await nr.connect();
    await nr.scriptLoad("return redis.call('INCR', KEYS[1])");
    sim.journal.start();
    sim.faults.commands.add({ error: 'NOSCRIPT' }, { command: 'evalsha', times: 1 });
    expect(await nr.bump('n')).toBe(1);
    expect(await nr.bump('n')).toBe(2);
    expect(sim.journal.query({ key: 'n' }).map((e) => `${e.command} ${e.reply}`)).toEqual([
      'evalsha error',
      'eval integer',
      'evalsha integer',
    ]);
  });
});
