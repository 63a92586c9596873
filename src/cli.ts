#!/usr/bin/env node
/**
 * The `redis-sim` command, started as redis-server is:
 *
 *   redis-sim [/path/to/redis.conf] [--name value ...]
 *
 * The configuration file and the options are read as redis-server reads them (config-file.ts):
 * every Redis 7.0 configuration parameter, validated with its errors; an unknown directive or a
 * bad value stops the start with redis-server's FATAL CONFIG FILE ERROR report and exit code 1.
 * Beyond Redis: `clock system|manual|offset:<ms>`, `control-command <name>|off` and
 * `port-file <path>` (written with the port once listening: with `--port 0`, the free port).
 * `daemonize no` is accepted (redis-sim never daemonizes; `yes` is refused).
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AclStartupError, checkUserDirective } from './acl/file.js';
import { argvToConfig, ConfigFileError, type Directive, parseConfig } from './config-file.js';
import type { ClockOptions } from './engine/clock.js';
import { DEFAULT_VERSION } from './engine/node.js';
import { LAZY_SCRIPTING, RdbError, RedisSim } from './index.js';
import { checkControlCommand, configParam, normalizeConfig } from './options.js';
import { saveToDisk } from './rdb/persistence.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
type Level = (typeof LEVELS)[number];
const MARKS: Record<Level, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const USAGE = `Usage: redis-sim [/path/to/redis.conf] [options]
       redis-sim --version
       redis-sim --help

Options (as redis-server's; any redis.conf directive works as --<directive> <value>):
  --port <port>              TCP port (default 6379; 0 picks a free port)
  --bind <addresses>         addresses to listen on, as Redis's bind (default 127.0.0.1)
  --databases <n>            number of databases (default 16)
  --requirepass <password>   password of the default user
  --loglevel <level>         debug, verbose, notice (default) or warning
  --logfile <path>           log to this file instead of stdout
  --daemonize no             accepted (redis-sim never daemonizes)
redis-sim's own:
  --clock <mode>             system (default), manual (frozen until moved), offset:<ms> (real time plus ms)
  --control-command <name>   name of the control command (default SIM); "off" disables it
  --port-file <path>         write the port here once listening (useful with --port 0)
  --sentinel                 run as a Sentinel (as redis-server --sentinel): reads a sentinel.conf
                             ("sentinel monitor <name> <ip> <port> <quorum>"; docs/sentinel.md)

Once listening it prints "Running mode=standalone, port=<port>." then "Ready to accept connections".

Examples:
  redis-sim --port 0 --clock manual --port-file /tmp/redis-sim.port
  redis-sim /etc/redis/redis.conf --port 7000 --daemonize no
  redis-cli -p 7000 SIM CLOCK ADVANCE 5000
  redis-sim /etc/redis/sentinel.conf --sentinel --port 26379
`;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Formats a log line as redis-server does: "pid:M 27 Nov 2026 14:43:08.123 * message". */
function logLine(level: Level, msg: string, role = 'M'): string {
  const d = new Date();
  const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${process.pid}:${role} ${ts} ${MARKS[level]} ${msg}`;
}

function parseClock(v: string): ClockOptions | undefined {
  if (v === 'system' || v === 'manual') return { mode: v };
  const m = /^offset:(-?\d+(?:\.\d+)?)$/.exec(v);
  if (m) return { mode: 'offset', offset: Number(m[1]) };
  return undefined;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

interface Settings {
  port: number;
  host: string;
  clock: ClockOptions;
  loglevel: Level;
  logfile: string;
  pidfile: string;
  portFile: string;
  control: string | false;
  config: Record<string, string>;
  /** redis.conf's `user` lines: [name, ...rules]. */
  users: string[][];
}

/** Applies one directive (redis-server's order: later lines override earlier ones). */
function apply(s: Settings, d: Directive): void {
  const bad = (reason: string): never => {
    throw new ConfigFileError(reason, d.line, d.text);
  };
  const one = (): string => {
    if (d.args.length !== 1) bad('wrong number of arguments');
    return d.args[0] as string;
  };
  switch (d.name) {
    case 'clock': {
      const c = parseClock(one());
      if (!c) bad("argument must be 'system', 'manual' or 'offset:<ms>'");
      s.clock = c as ClockOptions;
      return;
    }
    case 'control-command': {
      const v = one();
      try {
        s.control = v.toLowerCase() === 'off' ? false : checkControlCommand(v, 'control-command');
      } catch (e) {
        bad((e as Error).message);
      }
      return;
    }
    case 'port-file':
      s.portFile = one();
      return;
    case 'user': {
      // Checked now, created at start (before the aclfile, which may not be set as well).
      if (d.args.length < 1) bad('Bad directive or wrong number of arguments');
      const err = checkUserDirective(d.args, new Set(s.users.map((u) => u[0] as string)));
      if (err) bad(err);
      s.users.push(d.args);
      return;
    }
    case 'rename-command':
    case 'loadmodule':
    case 'sentinel':
      bad(`'${d.name}' is not supported by redis-sim`);
  }
  const p = configParam(d.name);
  if (!p) bad('Bad directive or wrong number of arguments');
  const param = p as NonNullable<typeof p>;
  if (d.args.length === 0 || (!param.multiArg && d.args.length !== 1)) bad('wrong number of arguments');
  const raw = d.args.join(' ');
  let value = raw;
  try {
    value = normalizeConfig(param.name, raw, s.config[param.name]);
  } catch (e) {
    bad((e as Error).message);
  }
  switch (param.name) {
    case 'port':
      s.port = Number(value);
      return;
    case 'bind':
      // Redis's bind list: several addresses, `*` / `::*` wildcards, `-` marks one optional.
      s.host = d.args.join(' ');
      return;
    case 'loglevel':
      s.loglevel = value as Level;
      break;
    case 'logfile':
      s.logfile = value;
      break;
    case 'pidfile':
      s.pidfile = value;
      break;
  }
  s.config[param.name] = value;
}

/** Reads the command line (and the configuration file it names) into settings, or exits as redis-server does. */
function settings(argv: string[]): Settings {
  const s: Settings = {
    port: 6379,
    host: '127.0.0.1',
    clock: { mode: 'system' },
    loglevel: 'notice',
    logfile: '',
    pidfile: '',
    portFile: '',
    control: 'sim',
    config: {},
    users: [],
  };
  let text = '';
  let args = argv;
  if (args[0] !== undefined && !args[0].startsWith('-')) {
    const file = args[0];
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied' : err.message;
      process.stderr.write(`${logLine('warning', `Fatal error, can't open config file '${file}': ${why}`, 'C')}\n`);
      process.exit(1);
    }
    args = args.slice(1);
  }
  try {
    let daemonize: Directive | undefined;
    for (const d of parseConfig(`${text}\n${argvToConfig(args)}`)) {
      apply(s, d);
      if (d.name === 'daemonize') daemonize = d;
    }
    // The last word on daemonize counts (a file's `daemonize yes`, then `--daemonize no`).
    if (daemonize && s.config.daemonize === 'yes') {
      const why = 'redis-sim does not daemonize: run it in the background from your shell or process manager (daemonize no)';
      throw new ConfigFileError(why, daemonize.line, daemonize.text);
    }
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    process.stderr.write(e.report(DEFAULT_VERSION));
    process.exit(1);
  }
  return s;
}

async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === '--help' || first === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`redis-sim ${version()} (Redis ${DEFAULT_VERSION} compatible)\n`);
    return;
  }
  if (argv.includes('--sentinel')) {
    // Sentinel mode, as `redis-server --sentinel` (src/sentinel/cli.ts).
    const { runSentinel } = await import('./sentinel/cli.js');
    await runSentinel(argv, (level, msg) => logLine(level, msg, 'X'));
    return;
  }
  const s = settings(argv);
  const minLevel = LEVELS.indexOf(s.loglevel);
  const log = (level: Level, msg: string) => {
    if (LEVELS.indexOf(level) < minLevel) return;
    const line = `${logLine(level, msg)}\n`;
    if (s.logfile) appendFileSync(s.logfile, line);
    else process.stdout.write(line);
  };
  // Signal handlers go in before the server listens, so a signal sent the moment the ready line
  // appears is never met by Node's default action (exit without cleanup).
  let sim: RedisSim | undefined;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log('warning', why);
    // As prepareForShutdown: save first when save points are configured.
    if (sim && sim.node.config.get('save') !== '') {
      log('notice', 'Saving the final RDB snapshot before exiting.');
      saveToDisk(sim.node);
    }
    await sim?.stop();
    log('warning', 'Redis is now ready to exit, bye bye...');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Received SIGINT scheduling shutdown...'));
  process.on('SIGTERM', () => void stop('Received SIGTERM scheduling shutdown...'));
  // As redis-server: `dir`/`dbfilename` (the working directory's dump.rdb by default) is loaded
  // at start when it exists.
  s.config.dir ??= process.cwd();
  try {
    sim = await RedisSim.start({
      port: s.port,
      host: s.host,
      clock: s.clock,
      config: s.config,
      controlCommand: s.control,
      users: s.users,
      log,
      [LAZY_SCRIPTING]: true,
    });
  } catch (e) {
    if (e instanceof RdbError) log('warning', e.message);
    else if (e instanceof AclStartupError) {
      log('warning', e.message);
      if (e.then) log('warning', e.then);
    } else log('warning', `Failed listening on port ${s.port} (tcp), aborting: ${(e as Error).message}`);
    process.exit(1);
  }
  sim.node.onShutdownRequest = () => void stop('User requested shutdown...');
  log('notice', `redis-sim ${version()} (Redis ${DEFAULT_VERSION} compatible), clock ${sim.clock.mode}, port ${sim.port}`);
  log('notice', `Running mode=standalone, port=${sim.port}.`);
  if (s.pidfile) {
    try {
      writeFileSync(s.pidfile, `${process.pid}\n`);
    } catch {
      log('warning', 'Failed to write PID file: permission denied');
    }
  }
  if (s.portFile) {
    // Written whole (a temporary file renamed), so a reader never sees a partial port.
    writeFileSync(`${s.portFile}.tmp`, `${sim.port}\n`);
    renameSync(`${s.portFile}.tmp`, s.portFile);
  }
  log('notice', 'Ready to accept connections');
}

void main(process.argv.slice(2));
