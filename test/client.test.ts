/**
 * CLIENT subcommands over TCP: identity and names, LIST/INFO lines, KILL filters, REPLY modes,
 * UNBLOCK of blocked clients, NO-EVICT.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

/** Parses one CLIENT LIST line into field → value. */
function line(s: string): Map<string, string> {
  return new Map(
    s
      .trim()
      .split(' ')
      .map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
      }),
  );
}

const FIELDS =
  'id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp';

describe('CLIENT ID SETNAME GETNAME', () => {
  it('ids are unique and increasing; names set, read and cleared', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    const ida = Number((await a.call('CLIENT', 'ID')).slice(1, -2));
    const idb = Number((await b.call('CLIENT', 'ID')).slice(1, -2));
    expect(idb).toBeGreaterThan(ida);
    expect(await a.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    expect(await a.call('CLIENT', 'SETNAME', 'worker')).toBe('+OK\r\n');
    expect(await a.call('CLIENT', 'GETNAME')).toBe('$6\r\nworker\r\n');
    expect(await a.call('CLIENT', 'SETNAME', 'bad name')).toBe(
      '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
    );
    expect(await a.call('CLIENT', 'SETNAME', '')).toBe('+OK\r\n');
    expect(await a.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
  });

  it('SETINFO and NO-TOUCH do not exist in 7.0', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name', 'x')).toBe("-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n");
    expect(await c.call('CLIENT', 'NO-TOUCH', 'on')).toBe("-ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.\r\n");
  });
});

describe('CLIENT LIST and INFO', () => {
  it('one line per client with every Redis field, in order', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    await a.call('CLIENT', 'SETNAME', 'alpha');
    await a.call('SELECT', '2');
    const info = await a.call('CLIENT', 'INFO');
    const text = info.slice(info.indexOf('\r\n') + 2, -2);
    expect(text.endsWith('\n')).toBe(true);
    const f = line(text);
    expect([...f.keys()].join(' ')).toBe(FIELDS);
    expect(f.get('name')).toBe('alpha');
    expect(f.get('db')).toBe('2');
    expect(f.get('flags')).toBe('N');
    expect(f.get('cmd')).toBe('client|info');
    expect(f.get('multi')).toBe('-1');
    expect(f.get('resp')).toBe('2');
    expect(f.get('addr')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(f.get('laddr')).toBe(`127.0.0.1:${sim.port}`);
  });

  it('age and idle are seconds on the node clock', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('PING');
    sim.clock.advance(65_000);
    await b.call('PING');
    sim.clock.advance(5_000);
    const list = (await b.call('CLIENT', 'LIST')).split('\n').filter((l) => l.includes('id='));
    const fa = line(list[0] as string);
    expect(fa.get('age')).toBe('70');
    expect(fa.get('idle')).toBe('70');
  });

  it('flag d: a watched key was touched', async () => {
    const sim = await startSim();
    const w = await raw(sim);
    await w.call('WATCH', 'k');
    await w.call('MULTI');
    const r = await raw(sim);
    expect(await r.call('CLIENT', 'LIST')).toMatch(/ flags=x /);
    await r.call('SET', 'k', '1');
    expect(await r.call('CLIENT', 'LIST')).toMatch(/ flags=xd /);
  });

  it('flags: x in MULTI, b blocked, P subscribed; TYPE and ID filters', async () => {
    const sim = await startSim();
    const multi = await raw(sim);
    await multi.call('MULTI');
    await multi.call('SET', 'a', '1');
    const sub = await raw(sim);
    await sub.call('SUBSCRIBE', 'ch');
    const blocked = ioredis(sim);
    const p = blocked.blpop('q', 0).catch(() => null);
    await sim.waitForBlocked(1, 'q');
    const r = ioredis(sim);
    const all = ((await r.client('LIST')) as string).trim().split('\n').map(line);
    const byFlags = all.map((f) => f.get('flags'));
    expect(byFlags).toContain('x');
    expect(byFlags).toContain('P');
    expect(byFlags).toContain('b');
    const m = all.find((f) => f.get('flags') === 'x');
    expect(m?.get('multi')).toBe('1');
    const pubsub = ((await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).trim().split('\n');
    expect(pubsub).toHaveLength(1);
    expect(line(pubsub[0] as string).get('sub')).toBe('1');
    const id = m?.get('id') as string;
    const one = (await r.call('CLIENT', 'LIST', 'ID', id, '999999')) as string;
    expect(line(one).get('id')).toBe(id);
    await expect(r.call('CLIENT', 'LIST', 'TYPE', 'bogus')).rejects.toThrow("ERR Unknown client type 'bogus'");
    await r.rpush('q', '1');
    await p;
  });
});

describe('CLIENT LIST cmd=', () => {
  it('the last command read from the client: queued ones too, exec inside EXEC, NULL when unknown', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    const cmdOf = (list: string) => [...list.matchAll(/cmd=(\S+)/g)].map((m) => m[1]).join(',');
    await a.call('MULTI');
    await a.call('SET', 'x', '1');
    expect(cmdOf(await b.call('CLIENT', 'LIST'))).toBe('set,client|list');
    await a.call('CLIENT', 'INFO');
    expect(cmdOf(await a.call('EXEC'))).toBe('exec');
    await a.call('NOSUCHCMD');
    expect(cmdOf(await b.call('CLIENT', 'LIST'))).toBe('NULL,client|list');
    await sim.stop();
  });
});

describe('CLIENT KILL', () => {
  it('old form by address: OK, the victim is disconnected', async () => {
    const sim = await startSim();
    const victim = await raw(sim);
    const info = await victim.call('CLIENT', 'INFO');
    const addr = line(info.slice(info.indexOf('\r\n') + 2)).get('addr') as string;
    const r = await raw(sim);
    expect(await r.call('CLIENT', 'KILL', addr)).toBe('+OK\r\n');
    await victim.readUntilClose();
    expect(victim.closed).toBe(true);
    expect(await r.call('CLIENT', 'KILL', addr)).toBe('-ERR No such client\r\n');
  });

  it('new form: ID, TYPE, SKIPME; replies the count', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await b.call('SUBSCRIBE', 'x');
    const me = await raw(sim);
    const ida = (await a.call('CLIENT', 'ID')).slice(1, -2);
    expect(await me.call('CLIENT', 'KILL', 'ID', ida)).toBe(':1\r\n');
    await a.readUntilClose();
    expect(await me.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':1\r\n');
    await b.readUntilClose();
    // SKIPME yes (default): the caller survives a TYPE normal kill.
    expect(await me.call('CLIENT', 'KILL', 'TYPE', 'normal')).toBe(':0\r\n');
    expect(await me.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no')).toBe(':1\r\n');
    await me.readUntilClose();
  });

  it('a killed blocked client is no longer blocked', async () => {
    const sim = await startSim();
    const b = await raw(sim);
    const id = (await b.call('CLIENT', 'ID')).slice(1, -2);
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'q');
    const r = ioredis(sim);
    expect(await r.call('CLIENT', 'KILL', 'ID', id)).toBe(1);
    expect(sim.node.blocking.count).toBe(0);
  });
});

describe('CLIENT REPLY', () => {
  it('SKIP drops the next reply only; OFF drops all until ON', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    c.write(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n' +
        '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n' +
        '*2\r\n$3\r\nGET\r\n$1\r\na\r\n' +
        '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n' +
        '*1\r\n$4\r\nPING\r\n' +
        '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n' +
        '*1\r\n$4\r\nPING\r\n',
    );
    expect(await c.read(3)).toBe('$1\r\n1\r\n+OK\r\n+PONG\r\n');
  });

  it('a bad mode is a syntax error', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'REPLY', 'MAYBE')).toBe('-ERR syntax error\r\n');
  });
});

describe('CLIENT UNBLOCK', () => {
  it('TIMEOUT gives the blocked client its timeout reply; ERROR the UNBLOCKED error', async () => {
    const sim = await startSim();
    const b = await raw(sim);
    const id = (await b.call('CLIENT', 'ID')).slice(1, -2);
    const r = await raw(sim);
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'q');
    expect(await r.call('CLIENT', 'UNBLOCK', id)).toBe(':1\r\n');
    expect(await b.read()).toBe('*-1\r\n');
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
    await sim.waitForBlocked(1, 'q');
    expect(await r.call('CLIENT', 'UNBLOCK', id, 'ERROR')).toBe(':1\r\n');
    expect(await b.read()).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await r.call('CLIENT', 'UNBLOCK', id)).toBe(':0\r\n');
    expect(await r.call('CLIENT', 'UNBLOCK', id, 'LATER')).toBe('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
  });
});

describe('CLIENT NO-EVICT TRACKINGINFO GETREDIR HELP', () => {
  it('NO-EVICT sets flag e', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=e /);
    expect(await c.call('CLIENT', 'NO-EVICT', 'off')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=N /);
  });

  it('tracking is off: TRACKINGINFO and GETREDIR say so', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'GETREDIR')).toBe(':-1\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('CLIENT', 'TRACKINGINFO')).toBe(
      '%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n',
    );
  });

  it('HELP starts with the usage line and ends with HELP', async () => {
    const sim = await startSim();
    const lines = (await ioredis(sim).call('CLIENT', 'HELP')) as string[];
    expect(lines[0]).toBe('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(lines.slice(-2)).toEqual(['HELP', '    Prints this help.']);
  });
});

describe('CLIENT PAUSE UNPAUSE (node clock)', () => {
  it('WRITE: reads go on, writes wait until the clock reaches the end, in order', async () => {
    const sim = await startSim();
    const admin = await raw(sim);
    const c = await raw(sim);
    await c.call('SET', 'k', 'old');
    expect(await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$3\r\nold\r\n');
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nnew\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    await sim.waitForBlocked(1);
    expect(await admin.call('GET', 'k')).toBe('$3\r\nold\r\n');
    expect(await admin.call('CLIENT', 'LIST')).toMatch(/ flags=b /);
    sim.clock.advance(999);
    expect(c.pending()).toBe('');
    sim.clock.advance(1);
    expect(await c.read(2)).toBe('+OK\r\n$3\r\nnew\r\n');
  });

  it('ALL: every command waits, even UNPAUSE from a paused client; another path ends it early', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'PAUSE', '5000')).toBe('+OK\r\n');
    c.write('*1\r\n$4\r\nPING\r\n');
    await sim.waitForBlocked(1);
    // In-process callers (tests, the API) are not clients that can be paused.
    expect(sim.call('CLIENT', 'UNPAUSE')).toEqual(expect.anything());
    expect(await c.read()).toBe('+PONG\r\n');
  });

  it('EXEC of a transaction with writes waits under WRITE; queueing writes waits too', async () => {
    const sim = await startSim();
    const admin = await raw(sim);
    const c = await raw(sim);
    await c.call('MULTI');
    await c.call('GET', 'a');
    await admin.call('CLIENT', 'PAUSE', '100', 'WRITE');
    c.write('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
    await sim.waitForBlocked(1);
    await admin.call('CLIENT', 'UNPAUSE');
    expect(await c.read()).toBe('+QUEUED\r\n');
    await admin.call('CLIENT', 'PAUSE', '100', 'WRITE');
    c.write('*1\r\n$4\r\nEXEC\r\n');
    await sim.waitForBlocked(1);
    sim.clock.advance(100);
    expect(await c.read()).toBe('*2\r\n$-1\r\n+OK\r\n');
  });

  it('argument errors', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('CLIENT', 'PAUSE', 'x')).toBe('-ERR timeout is not an integer or out of range\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '-1')).toBe('-ERR timeout is negative\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '1', 'READ')).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '1', 'ALL', 'x')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    expect(await c.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
  });
});
