/**
 * `user` lines of redis.conf (and `--user` on the command line) against a real Redis 7.0.15:
 * the users exist at start with the same ACL LIST and AUTH replies (RESP2 and RESP3); a bad line is
 * a FATAL CONFIG FILE ERROR with the same report; an unknown command in a rule, or users together
 * with an aclfile, stop the start with the same log line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisSim } from '../src/index.js';
import { startCliProcess } from '../test/cli-process.js';
import { CLI, ROOT } from '../test/dist.js';
import { RawClient } from '../test/raw-client.js';
import { sortRules } from './acl-rules.js';
import { haveRealRedis } from './harness.js';
import { freePort, startRealRedis } from './real-redis.js';

const dir = mkdtempSync(join(tmpdir(), 'acl-conf-compat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USERS = [
  ['alice', 'on', '>secret', '~app:*', '+@read', '-keys'],
  ['bob', 'off', 'nopass', '(~x* +set)'],
  ['default', 'on', '>pw', '~*', '+@all'],
];
const ARGS = USERS.flatMap((u) => ['--user', ...u]);

async function transcript(port: number, resp: 2 | 3): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out = [await c.call('PING')];
    out.push(await c.call('HELLO', String(resp), 'AUTH', 'alice', 'secret'));
    out.push(await c.call('ACL', 'WHOAMI'));
    out.push(await c.call('GET', 'app:1'));
    out.push(await c.call('GET', 'other'));
    out.push(await c.call('AUTH', 'bob', 'x'));
    out.push(await c.call('AUTH', 'default', 'pw'));
    out.push(sortRules(await c.call('ACL', 'LIST')));
    return out.map((r) => r.replace(/\$\d+\r\n(id|version)\r\n:?[^\r]*\r\n[^\r]*\r\n/g, ''));
  } finally {
    c.close();
  }
}

/** Runs a server that must fail to start; resolves with its output. */
function failedStart(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: ROOT });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

/** The text of the ACL warning log lines ("pid:M date time # text"). */
function warnings(out: string): string[] {
  return [...out.matchAll(/^\d+:[A-Z] .*? # (.*)$/gm)]
    .map((m) => m[1] as string)
    .filter((l) => /^(Error loading ACL|Critical error|Configuring Redis with users)/.test(l));
}

describe.runIf(haveRealRedis)('compat: users declared in redis.conf', () => {
  it('exist at start: AUTH, HELLO AUTH, key checks and ACL LIST as on Redis (RESP2 and RESP3)', async () => {
    const real = await startRealRedis(ARGS);
    const sim = await RedisSim.start({ port: 0, users: USERS });
    const cli = await startCliProcess(ARGS);
    try {
      for (const resp of [2, 3] as const) {
        const expected = await transcript((real as { port: number }).port, resp);
        expect(await transcript(sim.port, resp)).toEqual(expected);
        expect(await transcript(cli.port, resp)).toEqual(expected);
      }
    } finally {
      await real?.stop();
      await sim.stop();
    }
  });

  it('a bad user line is a FATAL CONFIG FILE ERROR with the same report', () => {
    const cases = [
      'user alice on >p badrule\n',
      'user alice on >p ~* +@all\nuser alice off\n',
      'user alice on (~x\n',
      'user alice #abc\n',
      'user\n',
    ];
    for (const [i, text] of cases.entries()) {
      const conf = join(dir, `bad${i}.conf`);
      writeFileSync(conf, text);
      const real = spawnSync('redis-server', [conf], { encoding: 'utf8' });
      const sim = spawnSync(process.execPath, [CLI, conf], { cwd: ROOT, encoding: 'utf8' });
      expect(real.status, text).toBe(1);
      expect({ code: sim.status, stderr: sim.stderr }, text).toEqual({ code: 1, stderr: real.stderr });
    }
  });

  it('an unknown command in a rule, or users with an aclfile, stop the start with the same log line', async () => {
    const acl = join(dir, 'users.acl');
    writeFileSync(acl, 'user default on nopass ~* +@all\n');
    const cases = [
      ['--user', 'alice', 'on', '+nosuchcmd'],
      ['--user', 'alice', 'on', '>p', '--aclfile', acl],
    ];
    for (const args of cases) {
      const port = String(await freePort());
      const real = await failedStart('redis-server', ['--port', port, '--save', '', ...args]);
      const sim = await failedStart(process.execPath, [CLI, '--port', port, '--save', '', ...args]);
      expect(real.code).toBe(1);
      expect(sim.code).toBe(1);
      expect(warnings(real.out).length).toBeGreaterThan(0);
      expect(warnings(sim.out)).toEqual(warnings(real.out));
    }
  });
});
