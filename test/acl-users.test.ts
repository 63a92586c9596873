/**
 * ACL users over TCP with real clients: a least-privilege user through ioredis and node-redis
 * (username/password options, NOPERM errors they surface), ACL LOG ages on the virtual clock,
 * DELUSER closing the user's connections, requirepass and the default user, the aclfile
 * (ACL SAVE then LOAD), and a user allowed everything skipping every check.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { ioredis, onCleanup, raw, startSim } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('ACL users with real clients', () => {
  it('ioredis connects as a least-privilege user and gets NOPERM outside its rights', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    await admin.call(
      'ACL',
      'SETUSER',
      'app',
      'on',
      '>s3cret',
      '~app:*',
      '%R~shared:*',
      '&events:*',
      '-@all',
      '+@read',
      '+@write',
      '+ping',
      '+publish',
    );
    await admin.set('shared:cfg', 'x');
    const app = ioredis(sim, { username: 'app', password: 's3cret' });
    expect(await app.call('ACL', 'WHOAMI').catch((e: Error) => e.message)).toBe(
      "NOPERM this user has no permissions to run the 'acl|whoami' command",
    );
    expect(await app.set('app:1', 'v')).toBe('OK');
    expect(await app.get('shared:cfg')).toBe('x');
    await expect(app.set('shared:cfg', 'y')).rejects.toThrow(
      'NOPERM this user has no permissions to access one of the keys used as arguments',
    );
    await expect(app.get('other')).rejects.toThrow('NOPERM this user has no permissions to access one of the keys used as arguments');
    // FLUSHALL is @write (allowed here); CONFIG GET is @admin.
    await expect(app.call('CONFIG', 'GET', 'x')).rejects.toThrow("NOPERM this user has no permissions to run the 'config|get' command");
    await expect(app.publish('other', 'm')).rejects.toThrow('NOPERM');
    // A wrong password: WRONGPASS, and the connection stays as it was (the default user here).
    await expect(admin.call('AUTH', 'app', 'nope')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    const log = (await admin.call('ACL', 'LOG')) as unknown[][];
    const reasons = log.map((e) => `${e[3]}:${e[7]}`);
    expect(reasons).toContain('auth:AUTH');
    expect(reasons).toContain('command:config|get');
    expect(reasons).toContain('key:other');
    expect(reasons).toContain('channel:other');
  });

  it('node-redis with username and password; MULTI with a denied command is aborted', async () => {
    const sim = await startSim();
    const admin = ioredis(sim);
    await admin.call('ACL', 'SETUSER', 'worker', 'on', '>pw', '~jobs:*', '+@list', '+multi', '+exec', '+ping');
    const client = createClient({ url: `redis://worker:pw@127.0.0.1:${sim.port}` });
    client.on('error', () => {});
    await client.connect();
    onCleanup(() => client.destroy());
    expect(await client.lPush('jobs:q', 'a')).toBe(1);
    await expect(client.lPush('other', 'a')).rejects.toThrow('NOPERM');
    // SET is refused while queueing (NOPERM), so EXEC aborts and nothing runs.
    await expect(client.multi().lPush('jobs:q', 'b').set('jobs:x', '1').exec()).rejects.toThrow('NOPERM');
    expect(await admin.lrange('jobs:q', 0, -1)).toEqual(['a']);
  });

  it('ACL LOG ages and 60 s grouping follow the virtual clock', async () => {
    const sim = await startSim();
    const admin = await raw(sim);
    await admin.call('ACL', 'SETUSER', 'u', 'on', 'nopass', '-@all', '+auth');
    const c = await raw(sim);
    expect(await c.call('AUTH', 'u', 'x')).toBe('+OK\r\n');
    await c.call('GET', 'k');
    sim.clock.advance(2500);
    let log = await admin.call('ACL', 'LOG');
    expect(log).toContain('$11\r\nage-seconds\r\n$3\r\n2.5\r\n');
    expect(log).toContain('$5\r\ncount\r\n:1\r\n');
    await c.call('GET', 'k'); // within 60 s of the entry: grouped
    sim.clock.advance(60_001);
    await c.call('GET', 'k'); // more than 60 s later: a new entry
    log = await admin.call('ACL', 'LOG');
    expect(log.startsWith('*2\r\n')).toBe(true);
    expect(log).toContain('$5\r\ncount\r\n:2\r\n');
  });

  it('DELUSER closes the connections of the deleted user, and only those', async () => {
    const sim = await startSim();
    const admin = await raw(sim);
    await admin.call('ACL', 'SETUSER', 'temp', 'on', '>p', '+@all', '~*');
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('AUTH', 'temp', 'p');
    expect(await admin.call('CLIENT', 'LIST')).toMatch(/ user=temp /);
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'nobody')).toBe("-ERR No such user 'nobody'\r\n");
    expect(await admin.call('ACL', 'DELUSER', 'temp')).toBe(':1\r\n');
    await a.readUntilClose();
    expect(a.closed).toBe(true);
    expect(await b.call('PING')).toBe('+PONG\r\n');
    expect(await admin.call('CLIENT', 'LIST')).not.toMatch(/user=temp/);
  });

  it('requirepass is the default user password; SETUSER default changes what AUTH accepts', async () => {
    const sim = await startSim({ requirepass: 'pw' });
    const c = await raw(sim);
    expect(await c.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'pw')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SETUSER', 'default', '>other')).toBe('+OK\r\n');
    const d = await raw(sim);
    expect(await d.call('AUTH', 'other')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SETUSER', 'default', 'nopass')).toBe('+OK\r\n');
    // A connection that never authenticated may run commands once default is nopass.
    const e = await raw(sim);
    expect(await e.call('PING')).toBe('+PONG\r\n');
    expect(await e.call('AUTH', 'x')).toMatch(/^-ERR AUTH <password> called without any password configured/);
  });

  it('ACL SAVE writes the aclfile and ACL LOAD reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acl-test-'));
    const file = join(dir, 'users.acl');
    writeFileSync(file, 'user default on nopass ~* &* +@all\n');
    const sim = await startSim({ config: { aclfile: file } });
    const c = await raw(sim);
    await c.call('ACL', 'SETUSER', 'ro', 'on', '>r', '%R~*', '-@all', '+@read');
    expect(await c.call('ACL', 'SAVE')).toBe('+OK\r\n');
    expect(readFileSync(file, 'latin1')).toBe(
      `user default on nopass ~* &* +@all\nuser ro on #${sha256('r')} %R~* resetchannels -@all +@read\n`,
    );
    await c.call('ACL', 'DELUSER', 'ro');
    expect(await c.call('ACL', 'LOAD')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'USERS')).toBe('*2\r\n$7\r\ndefault\r\n$2\r\nro\r\n');
    expect(await c.call('CONFIG', 'SET', 'aclfile', '/x')).toMatch(/^-ERR CONFIG SET failed/);
  });

  it('a user with every permission skips the checks; one restriction turns them on', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.call('ACL', 'SETUSER', 'full', 'on', 'nopass', '+@all', '~*', '&*');
    await c.call('AUTH', 'full', 'x');
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    await c.call('ACL', 'SETUSER', 'full', 'resetchannels');
    expect(await c.call('PUBLISH', 'ch', 'm')).toBe(
      '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n',
    );
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
  });
});
