#!/usr/bin/env node
/**
 * The `redis-sim` command: starts a node with redis-server-style flags.
 *
 *   redis-sim [--port 6379] [--bind 127.0.0.1] [--databases 16] [--requirepass pw]
 *             [--clock system|manual|offset:<ms>] [--loglevel notice]
 *             [--control-command sim|<name>|off] [--<any-config-parameter> value]
 */
import { readFileSync } from 'node:fs';
import type { ClockOptions } from './engine/clock.js';
import { DEFAULT_VERSION } from './engine/node.js';
import { LAZY_SCRIPTING, RdbError, RedisSim } from './index.js';
import { saveToDisk } from './rdb/persistence.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
type Level = (typeof LEVELS)[number];
const MARKS: Record<Level, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const USAGE = `Usage: redis-sim [options]
       redis-sim --version
       redis-sim --help

Options (redis-server style):
  --port <port>              TCP port (default 6379; 0 picks a free port)
  --bind <addresses>         addresses to listen on, as Redis's bind (default 127.0.0.1)
  --databases <n>            number of databases (default 16)
  --requirepass <password>   password of the default user
  --clock <mode>             system (default), manual (frozen until moved), offset:<ms> (real time plus ms)
  --loglevel <level>         debug, verbose, notice (default) or warning
  --control-command <name>   name of the control command (default SIM); "off" disables it
  --<parameter> <value>      any other configuration parameter, as in redis.conf

Examples:
  redis-sim --port 7000 --clock manual
  redis-cli -p 7000 SIM CLOCK ADVANCE 5000
`;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Formats a log line as redis-server does: "pid:M 27 Nov 2026 14:43:08.123 * message". */
function logLine(level: Level, msg: string): string {
  const d = new Date();
  const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${process.pid}:M ${ts} ${MARKS[level]} ${msg}`;
}

function fail(msg: string): never {
  process.stderr.write(`${msg}\n\n${USAGE}`);
  process.exit(1);
}

function parseClock(v: string): ClockOptions {
  if (v === 'system' || v === 'manual') return { mode: v };
  const m = /^offset:(-?\d+(?:\.\d+)?)$/.exec(v);
  if (m) return { mode: 'offset', offset: Number(m[1]) };
  return fail(`Invalid --clock '${v}': expected system, manual or offset:<ms>`);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<void> {
  let port = 6379;
  let host = '127.0.0.1';
  let clock: ClockOptions = { mode: 'system' };
  let loglevel: Level = 'notice';
  let control: string | false = 'sim';
  const config: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return;
    }
    if (a === '--version' || a === '-v') {
      process.stdout.write(`redis-sim ${version()} (Redis ${DEFAULT_VERSION} compatible)\n`);
      return;
    }
    if (!a.startsWith('--')) fail(`Unexpected argument '${a}'`);
    const name = a.slice(2).toLowerCase();
    const value = argv[++i];
    if (value === undefined) fail(`Missing value for ${a}`);
    switch (name) {
      case 'port': {
        const p = Number(value);
        if (!Number.isInteger(p) || p < 0 || p > 65535) fail(`Invalid port '${value}'`);
        port = p;
        break;
      }
      case 'bind':
        // Redis's bind list: several addresses, `*` / `::*` wildcards, `-` marks one optional.
        host = value;
        break;
      case 'clock':
        clock = parseClock(value);
        break;
      case 'loglevel':
        if (!(LEVELS as readonly string[]).includes(value)) fail(`Invalid loglevel '${value}'`);
        loglevel = value as Level;
        config.loglevel = value;
        break;
      case 'control-command':
        control = value.toLowerCase() === 'off' ? false : value.toLowerCase();
        break;
      case 'databases': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) fail(`Invalid databases '${value}'`);
        config.databases = value;
        break;
      }
      default:
        config[name] = value;
    }
  }
  const minLevel = LEVELS.indexOf(loglevel);
  const log = (level: Level, msg: string) => {
    if (LEVELS.indexOf(level) >= minLevel) process.stdout.write(`${logLine(level, msg)}\n`);
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
  config.dir ??= process.cwd();
  try {
    sim = await RedisSim.start({ port, host, clock, config, controlCommand: control, log, [LAZY_SCRIPTING]: true });
  } catch (e) {
    if (e instanceof RdbError) log('warning', e.message);
    else log('warning', `Failed listening on port ${port} (tcp), aborting: ${(e as Error).message}`);
    process.exit(1);
  }
  sim.node.onShutdownRequest = () => void stop('User requested shutdown...');
  log('notice', `redis-sim ${version()} (Redis ${DEFAULT_VERSION} compatible), clock ${sim.clock.mode}, port ${sim.port}`);
  log('notice', 'Ready to accept connections');
}

void main(process.argv.slice(2));
