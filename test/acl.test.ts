/**
 * ACL for the default user over TCP: introspection replies, requirepass reflected in GETUSER/LIST,
 * the ACL LOG of AUTH failures on the virtual clock (other users: acl-users.test.ts).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('ACL introspection of the default user', () => {
  it('WHOAMI, USERS, LIST and GETUSER without a password', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('ACL', 'WHOAMI')).toBe('$7\r\ndefault\r\n');
    expect(await r.call('ACL', 'USERS')).toBe('*1\r\n$7\r\ndefault\r\n');
    expect(await r.call('ACL', 'LIST')).toBe('*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n');
    expect(await r.call('ACL', 'GETUSER', 'default')).toBe(
      '*12\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$6\r\nnopass\r\n$9\r\npasswords\r\n*0\r\n$8\r\ncommands\r\n$5\r\n+@all\r\n$4\r\nkeys\r\n$2\r\n~*\r\n$8\r\nchannels\r\n$2\r\n&*\r\n$9\r\nselectors\r\n*0\r\n',
    );
    expect(await r.call('ACL', 'GETUSER', 'Default')).toBe('$-1\r\n');
    await r.call('HELLO', '3');
    const g = await r.call('ACL', 'GETUSER', 'default');
    expect(g.startsWith('%6\r\n$5\r\nflags\r\n~2\r\n')).toBe(true);
    expect(await r.call('ACL', 'GETUSER', 'nobody')).toBe('_\r\n');
  });

  it('reflects requirepass: #sha256 and no nopass flag, and CONFIG SET requirepass changes it', async () => {
    const sim = await startSim({ requirepass: 'p@ss' });
    const c = ioredis(sim, { password: 'p@ss' });
    expect(await c.call('ACL', 'LIST')).toEqual([`user default on #${sha('p@ss')} ~* &* +@all`]);
    const u = (await c.call('ACL', 'GETUSER', 'default')) as unknown[];
    expect(u.slice(0, 4)).toEqual(['flags', ['on'], 'passwords', [sha('p@ss')]]);
    await c.config('SET', 'requirepass', '');
    expect(await c.call('ACL', 'LIST')).toEqual(['user default on nopass ~* &* +@all']);
  });

  it('ACL commands need authentication when requirepass is set', async () => {
    const sim = await startSim({ requirepass: 'pw' });
    const r = await raw(sim);
    expect(await r.call('ACL', 'WHOAMI')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await r.call('AUTH', 'default', 'pw')).toBe('+OK\r\n');
    expect(await r.call('ACL', 'WHOAMI')).toBe('$7\r\ndefault\r\n');
  });

  it('CAT lists categories in Redis order and the commands of one, subcommands included', async () => {
    const sim = await startSim();
    const c = ioredis(sim);
    const cats = (await c.call('ACL', 'CAT')) as string[];
    expect(cats.length).toBe(21);
    expect(cats.slice(0, 3)).toEqual(['keyspace', 'read', 'write']);
    expect(cats[20]).toBe('scripting');
    const str = (await c.call('ACL', 'CAT', 'STRING')) as string[];
    expect(str).toContain('get');
    expect(str).not.toContain('hget');
    const admin = (await c.call('ACL', 'CAT', 'admin')) as string[];
    expect(admin).toContain('config|set');
    expect(admin).toContain('acl|setuser');
    await expect(c.call('ACL', 'CAT', 'nosuch')).rejects.toThrow("ERR Unknown category 'nosuch'");
  });

  it('GENPASS gives ceil(bits/4) hex digits', async () => {
    const sim = await startSim();
    const c = ioredis(sim);
    expect(await c.call('ACL', 'GENPASS')).toMatch(/^[0-9a-f]{64}$/);
    expect(await c.call('ACL', 'GENPASS', '5')).toMatch(/^[0-9a-f]{2}$/);
    expect(await c.call('ACL', 'GENPASS', '1')).toMatch(/^[0-9a-f]$/);
    expect(((await c.call('ACL', 'GENPASS', '4096')) as string).length).toBe(1024);
    await expect(c.call('ACL', 'GENPASS', '0')).rejects.toThrow('a positive number up to 4096');
    await expect(c.call('ACL', 'GENPASS', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('DRYRUN resolves commands and subcommands and checks their arity', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('ACL', 'DRYRUN', 'default', 'get', 'x')).toBe('+OK\r\n');
    expect(await r.call('ACL', 'DRYRUN', 'default', 'CONFIG', 'GET', 'x')).toBe('+OK\r\n');
    expect(await r.call('ACL', 'DRYRUN', 'default', 'get')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await r.call('ACL', 'DRYRUN', 'default', 'config', 'get')).toBe("-ERR wrong number of arguments for 'config|get' command\r\n");
    expect(await r.call('ACL', 'DRYRUN', 'default', 'config', 'nosuch')).toBe("-ERR Command 'config' not found\r\n");
    expect(await r.call('ACL', 'DRYRUN', 'default', 'nosuch')).toBe("-ERR Command 'nosuch' not found\r\n");
    expect(await r.call('ACL', 'DRYRUN', 'bob', 'get', 'x')).toBe("-ERR User 'bob' not found\r\n");
    expect(await r.call('ACL', 'DRYRUN', 'default')).toBe("-ERR wrong number of arguments for 'acl|dryrun' command\r\n");
  });
});

describe('ACL without other users', () => {
  it('DELUSER, LOAD and SAVE as Redis without an ACL file', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('ACL', 'DELUSER', 'default')).toBe("-ERR The 'default' user cannot be removed\r\n");
    expect(await r.call('ACL', 'DELUSER', 'bob', 'default')).toBe("-ERR The 'default' user cannot be removed\r\n");
    expect(await r.call('ACL', 'DELUSER', 'bob')).toBe(':0\r\n');
    expect(await r.call('ACL', 'LOAD')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file\./);
    expect(await r.call('ACL', 'SAVE')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file\./);
  });

  it('AUTH and HELLO AUTH accept default and refuse other usernames', async () => {
    const sim = await startSim({ requirepass: 'pw' });
    const r = await raw(sim);
    const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
    expect(await r.call('AUTH', 'bob', 'pw')).toBe(wrong);
    expect(await r.call('HELLO', '3', 'AUTH', 'bob', 'pw')).toBe(wrong);
    expect(await r.call('AUTH', 'default', 'nope')).toBe(wrong);
    expect(await r.call('AUTH', 'default', 'pw')).toBe('+OK\r\n');
    expect((await r.call('HELLO', '3', 'AUTH', 'default', 'pw')).startsWith('%7\r\n')).toBe(true);
  });

  it('errors for arity and unknown subcommands', async () => {
    const sim = await startSim();
    const r = await raw(sim);
    expect(await r.call('ACL')).toBe("-ERR wrong number of arguments for 'acl' command\r\n");
    expect(await r.call('ACL', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try ACL HELP.\r\n");
    expect(await r.call('ACL', 'WHOAMI', 'x')).toBe("-ERR wrong number of arguments for 'acl|whoami' command\r\n");
    expect(await r.call('ACL', 'cat', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.\r\n");
    const help = await r.call('ACL', 'HELP');
    expect(help.startsWith('*29\r\n+ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n')).toBe(true);
  });
});

describe('ACL LOG', () => {
  it('logs AUTH failures, groups repeats within 60 s of virtual time, and resets', async () => {
    const sim = await startSim({ requirepass: 'pw' });
    const c = ioredis(sim, { password: 'pw' });
    const r = await raw(sim);
    expect(await c.call('ACL', 'LOG')).toEqual([]);
    await r.call('AUTH', 'wrong');
    sim.clock.advance(1500);
    await r.call('AUTH', 'default', 'bad');
    let log = (await c.call('ACL', 'LOG')) as unknown[][];
    expect(log.length).toBe(1);
    expect(log[0]?.slice(0, 10)).toEqual(['count', 2, 'reason', 'auth', 'context', 'toplevel', 'object', 'AUTH', 'username', 'default']);
    expect(log[0]?.[11]).toBe('0');
    expect(log[0]?.[13]).toMatch(/^id=\d+ addr=.* cmd=auth /);
    sim.clock.advance(2500);
    log = (await c.call('ACL', 'LOG')) as unknown[][];
    expect(log[0]?.[11]).toBe('2.5');
    // More than 60 s later: a new entry (newest first).
    sim.clock.advance(60001);
    await r.call('AUTH', 'default', 'bad');
    await r.call('hello', '2', 'AUTH', 'bob', 'x');
    log = (await c.call('ACL', 'LOG')) as unknown[][];
    expect(log.map((e) => [e[1], e[7], e[9]])).toEqual([
      [1, 'hello', 'bob'],
      [1, 'AUTH', 'default'],
      [2, 'AUTH', 'default'],
    ]);
    expect(((await c.call('ACL', 'LOG', '1')) as unknown[]).length).toBe(1);
    expect(((await c.call('ACL', 'LOG', '-1')) as unknown[]).length).toBe(0);
    expect(await c.call('ACL', 'LOG', 'RESET')).toBe('OK');
    expect(await c.call('ACL', 'LOG')).toEqual([]);
  });

  it('an AUTH failure inside EXEC has context multi; acllog-max-len caps the log', async () => {
    const sim = await startSim();
    const c = ioredis(sim);
    const r = await raw(sim);
    await c.config('SET', 'acllog-max-len', '2');
    await r.call('MULTI');
    await r.call('AUTH', 'bob', 'x');
    await r.call('EXEC');
    await r.call('AUTH', 'carol', 'x');
    await r.call('AUTH', 'dave', 'x');
    const log = (await c.call('ACL', 'LOG')) as unknown[][];
    expect(log.map((e) => [e[5], e[9]])).toEqual([
      ['toplevel', 'dave'],
      ['toplevel', 'carol'],
    ]);
    await c.config('SET', 'acllog-max-len', '10');
    await c.call('ACL', 'LOG', 'RESET');
    await r.call('MULTI');
    await r.call('AUTH', 'bob', 'x');
    await r.call('EXEC');
    const l2 = (await c.call('ACL', 'LOG')) as unknown[][];
    expect(l2[0]?.[5]).toBe('multi');
    // client-info is CLIENT LIST's line for the client (flags=x inside EXEC).
    expect(l2[0]?.[13]).toMatch(/ flags=x .* multi=1 /);
    expect(await r.call('ACL', 'LOG', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.call('ACL', 'LOG', '1', '2')).toBe("-ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.\r\n");
  });
});
