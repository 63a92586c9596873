/**
 * The `redis-sim` command, run as a separate process from the built dist/cli.js (rebuilt first
 * when any source file is newer: test/dist.ts): flags, the ready line, clean exits on signals and SHUTDOWN,
 * and driving its manual clock from this (another) process over the wire.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCliProcess } from './cli-process.js';
import { CLI, ensureDist, ROOT } from './dist.js';
import { RawClient } from './raw-client.js';

beforeAll(ensureDist, 240_000);

const startCli = (args: string[] = []) => startCliProcess(args);

function runCli(args: string[]): { code: number; out: string; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr, stdout: r.stdout, stderr: r.stderr };
}

const REDIS_SERVER = '/usr/bin/redis-server';
const HAVE_REDIS = existsSync(REDIS_SERVER);

describe('redis-sim CLI', () => {
  it('--help and --version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: redis-sim [/path/to/redis.conf] [options]');
    expect(help.out).toContain('--clock <mode>');
    const v = runCli(['--version']);
    expect(v.out).toMatch(/^redis-sim \S+ \(Redis 7\.0\.15 compatible\)\n$/);
  });

  it('bad flags and directives fail as redis-server fails them: same report on stderr, exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sim-conf-'));
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, 'port 0\n# a comment\n\n  save ""\nbogus 1\n');
    const unbalanced = join(dir, 'quotes.conf');
    writeFileSync(unbalanced, 'requirepass "open\n');
    const cases = [
      ['--prot', '7002'],
      ['--port', 'abc'],
      ['--port', '99999'],
      ['--port'],
      ['--port', '0', '--appendonly', 'maybe'],
      ['--maxmemory', 'lots'],
      [conf],
      [conf, '--port', '0'],
      [unbalanced],
    ];
    for (const args of cases) {
      const sim = runCli(args);
      expect(sim.code, args.join(' ')).toBe(1);
      expect(sim.stdout, args.join(' ')).toBe('');
      if (HAVE_REDIS) {
        const real = spawnSync(REDIS_SERVER, args, { encoding: 'utf8' });
        expect(real.status).toBe(1);
        expect(sim.stderr, args.join(' ')).toBe(real.stderr);
      }
    }
    expect(runCli(['--prot', '7002']).stderr).toBe(
      '\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> \'prot "7002"\'\nBad directive or wrong number of arguments\n',
    );
    expect(runCli(['--clock', 'sometimes']).stderr).toContain("argument must be 'system', 'manual' or 'offset:<ms>'");
    expect(runCli(['--control-command', 'get']).stderr).toContain("'get' is a Redis command");
    expect(runCli(['--daemonize', 'yes']).stderr).toContain('redis-sim does not daemonize');
    const missing = runCli([join(dir, 'missing.conf')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/# Fatal error, can't open config file '.*missing\.conf': No such file or directory\n$/);
    rmSync(dir, { recursive: true });
  });

  it('reads a redis.conf (quoting, include, comments), later options override it; --daemonize no; --port-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sim-conf-'));
    writeFileSync(join(dir, 'extra.conf'), 'maxmemory-policy allkeys-lru\n');
    const conf = join(dir, 'redis.conf');
    writeFileSync(
      conf,
      [
        '# redis-sim reads this as redis-server would',
        'port 6390',
        'daemonize yes',
        'requirepass "p w\\"q\\x41"',
        "notify-keyspace-events 'Ex'",
        'save 900 1 300 10',
        'client-output-buffer-limit normal 0 0 0',
        'client-output-buffer-limit pubsub 32mb 8mb 60',
        `include ${join(dir, 'extra.conf')}`,
        'MAXMEMORY 1mb',
        '',
      ].join('\n'),
    );
    const portFile = join(dir, 'port');
    const cli = await startCli([conf, '--port', '0', '--daemonize', 'no', '--port-file', portFile]);
    expect(cli.out()).toMatch(new RegExp(`Running mode=standalone, port=${cli.port}\\.\\n`));
    expect(readFileSync(portFile, 'utf8')).toBe(`${cli.port}\n`);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('AUTH', 'p w"qA')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$2\r\nxE\r\n');
    expect(await c.call('CONFIG', 'GET', 'save')).toBe('*2\r\n$4\r\nsave\r\n$12\r\n900 1 300 10\r\n');
    expect(await c.call('CONFIG', 'GET', 'maxmemory-policy')).toBe('*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n');
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n');
    expect(await c.call('CONFIG', 'GET', 'client-output-buffer-limit')).toBe(
      '*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n',
    );
    c.close();
    rmSync(dir, { recursive: true });
  });

  it("--bind takes Redis's bind list: '* -::*' (the default of redis.conf in 7.0) starts and serves", async () => {
    const cli = await startCli(['--bind', '* -::*']);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('CONFIG', 'GET', 'bind')).toBe('*2\r\n$4\r\nbind\r\n$6\r\n* -::*\r\n');
    c.close();
  });

  it('prints the ready line in redis-server log format and serves clients', async () => {
    const cli = await startCli();
    expect(cli.out()).toMatch(/^\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections$/m);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('SIGTERM and SIGINT stop it cleanly (exit code 0)', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const cli = await startCli();
      cli.proc.kill(sig);
      expect(await cli.exited).toBe(0);
      expect(cli.out()).toContain(`Received ${sig} scheduling shutdown...`);
      expect(cli.out()).toContain('Redis is now ready to exit, bye bye...');
    }
  });

  it('SHUTDOWN over the wire exits the process', async () => {
    const cli = await startCli();
    const c = await RawClient.connect(cli.port);
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    expect(await c.readUntilClose()).toBe('');
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toContain('User requested shutdown...');
  });

  it('--clock manual: time moves only with SIM CLOCK ADVANCE from another process', async () => {
    const cli = await startCli(['--clock', 'manual']);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('SIM', 'CLOCK', 'MODE')).toBe('$6\r\nmanual\r\n');
    await c.call('SET', 'k', 'v', 'PX', '5000');
    const t0 = await c.call('TIME');
    expect(await c.call('TIME')).toBe(t0);
    await c.call('SIM', 'CLOCK', 'ADVANCE', '5000'); // the deadline millisecond: still there
    expect(await c.call('EXISTS', 'k')).toBe(':1\r\n');
    await c.call('SIM', 'CLOCK', 'ADVANCE', '1');
    expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
    c.close();
  });

  it('--requirepass, --databases and any config parameter', async () => {
    const cli = await startCli(['--requirepass', 'pw', '--databases', '4', '--maxmemory', '1gb']);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'pw')).toBe('+OK\r\n');
    expect(await c.call('SELECT', '3')).toBe('+OK\r\n');
    expect(await c.call('SELECT', '4')).toBe('-ERR DB index is out of range\r\n');
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824\r\n');
    c.close();
  });

  it('--control-command renames or disables SIM', async () => {
    const renamed = await startCli(['--control-command', 'ctl', '--clock', 'manual']);
    const a = await RawClient.connect(renamed.port);
    expect(await a.call('CTL', 'CLOCK', 'MODE')).toBe('$6\r\nmanual\r\n');
    expect(await a.call('SIM', 'CLOCK', 'MODE')).toBe("-ERR unknown command 'SIM', with args beginning with: 'CLOCK' 'MODE' \r\n");
    a.close();
    const off = await startCli(['--control-command', 'off']);
    const b = await RawClient.connect(off.port);
    expect(await b.call('SIM', 'CLOCK', 'GET')).toBe("-ERR unknown command 'SIM', with args beginning with: 'CLOCK' 'GET' \r\n");
    b.close();
  });
  it('--dir/--dbfilename: loads the file at start, saves on SIGTERM with save points, refuses a corrupt one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sim-cli-'));
    try {
      const first = await startCli(['--dir', dir, '--dbfilename', 'data.rdb', '--save', '3600 1']);
      const c = await RawClient.connect(first.port);
      await c.call('SET', 'k', 'persisted');
      c.close();
      first.proc.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.out()).toContain('DB saved on disk');
      const second = await startCli(['--dir', dir, '--dbfilename', 'data.rdb']);
      expect(second.out()).toContain('Done loading RDB, keys loaded: 1, keys expired: 0.');
      const c2 = await RawClient.connect(second.port);
      expect(await c2.call('GET', 'k')).toBe('$9\r\npersisted\r\n');
      c2.close();
      writeFileSync(join(dir, 'data.rdb'), readFileSync(join(dir, 'data.rdb')).subarray(0, 20));
      const proc = spawn(process.execPath, [CLI, '--port', '0', '--dir', dir, '--dbfilename', 'data.rdb'], { cwd: ROOT });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const code = await new Promise<number | null>((res) => proc.on('exit', res));
      expect(code).toBe(1);
      expect(out).toContain('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
