/**
 * `redis-sim --sentinel`: a Sentinel endpoint as its own process, configured as redis-sentinel
 * (or `redis-server --sentinel`) is, by a sentinel.conf and/or options:
 *
 *   redis-sim /path/to/sentinel.conf --sentinel [--port 26379]
 *   redis-sim --sentinel --port 26379 --sentinel-monitor "mymaster 127.0.0.1 6379 1"
 *
 * Directives read: `port`, `bind`, `sentinel monitor <name> <ip> <port> <quorum>`,
 * `sentinel down-after-milliseconds|failover-timeout|parallel-syncs <name> <value>`,
 * `sentinel myid <id>`, `port-file <path>` (redis-sim's), `logfile`, `loglevel`; the rest of a
 * redis-sentinel file (dir, daemonize no, protected-mode, sentinel known-replica ...) is accepted
 * and ignored. The monitored nodes are other processes (redis-sim or redis-server), watched over
 * TCP on real time: PING and INFO every second, REPLICAOF to fail over.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { RedisSentinel, type SentinelMasterOptions } from './sentinel.js';

type Level = 'debug' | 'verbose' | 'notice' | 'warning';

interface SentinelSettings {
  port: number;
  host: string;
  myid?: string;
  portFile?: string;
  logfile?: string;
  loglevel: Level;
  masters: Map<string, SentinelMasterOptions>;
}

/** Splits a config line into words, honouring double and single quotes. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? (m[3] as string));
  return out;
}

export class SentinelConfigError extends Error {}

function applyLine(s: SentinelSettings, w: string[], where: string): void {
  const [name, ...args] = w;
  const bad = (why: string) => new SentinelConfigError(`${where}: ${why}`);
  switch ((name ?? '').toLowerCase()) {
    case 'port':
      s.port = Number(args[0]);
      if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65535) throw bad('Invalid port');
      return;
    case 'bind':
      s.host = args.join(' ');
      return;
    case 'port-file':
      s.portFile = args[0];
      return;
    case 'logfile':
      s.logfile = args[0] || undefined;
      return;
    case 'loglevel':
      if (!['debug', 'verbose', 'notice', 'warning'].includes(args[0] ?? '')) throw bad('Invalid log level');
      s.loglevel = args[0] as Level;
      return;
    case 'sentinel':
      return applySentinel(s, args, bad);
    case 'sentinel-monitor':
      return applySentinel(s, ['monitor', ...args.flatMap(words)], bad);
    default:
      // dir, daemonize, protected-mode, pidfile, ...: accepted, nothing to do here.
      return;
  }
}

function applySentinel(s: SentinelSettings, a: string[], bad: (why: string) => Error): void {
  const sub = (a[0] ?? '').toLowerCase();
  if (sub === 'monitor') {
    const [, name, ip, port, quorum] = a;
    if (!name || !ip || !port || !quorum) throw bad('sentinel monitor <name> <ip> <port> <quorum>');
    const q = Number(quorum);
    if (!Number.isInteger(q) || q <= 0) throw bad('Quorum must be 1 or greater.');
    const p = Number(port);
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw bad('Invalid port');
    s.masters.set(name, { name, primary: { host: ip, port: p }, quorum: q });
    return;
  }
  if (sub === 'myid') {
    s.myid = a[1];
    return;
  }
  const keys: Record<string, keyof SentinelMasterOptions> = {
    'down-after-milliseconds': 'downAfterMilliseconds',
    'failover-timeout': 'failoverTimeout',
    'parallel-syncs': 'parallelSyncs',
  };
  const key = keys[sub];
  if (!key) return; // known-replica, known-sentinel, current-epoch, deny-scripts-reconfig, ...
  const m = s.masters.get(a[1] ?? '');
  if (!m) throw bad('No such master with specified name.');
  const v = Number(a[2]);
  if (!Number.isInteger(v) || v <= 0) throw bad(`Invalid ${sub}`);
  (m as unknown as Record<string, number>)[key] = v;
}

/** Reads the file (first argument unless it starts with --) and the --name value options. */
export function sentinelSettings(argv: string[]): SentinelSettings {
  const s: SentinelSettings = { port: 26379, host: '127.0.0.1', loglevel: 'notice', masters: new Map() };
  let args = argv.filter((a) => a !== '--sentinel');
  if (args[0] !== undefined && !args[0].startsWith('--')) {
    const file = args[0];
    args = args.slice(1);
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((line, n) => {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) return;
        applyLine(s, words(t), `${file}:${n + 1}`);
      });
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) throw new SentinelConfigError(`unexpected argument '${a}'`);
    const vals: string[] = [];
    while (i + 1 < args.length && !(args[i + 1] as string).startsWith('--')) vals.push(args[++i] as string);
    applyLine(s, [a.slice(2), ...vals], `option ${a}`);
  }
  if (s.masters.size === 0) throw new SentinelConfigError('no master to monitor: add "sentinel monitor <name> <ip> <port> <quorum>"');
  return s;
}

export async function runSentinel(argv: string[], logLine: (level: Level, msg: string) => string): Promise<void> {
  let s: SentinelSettings;
  try {
    s = sentinelSettings(argv);
  } catch (e) {
    process.stderr.write(`*** FATAL CONFIG ERROR (redis-sim --sentinel) ***\n${(e as Error).message}\n`);
    process.exit(1);
  }
  const levels: Level[] = ['debug', 'verbose', 'notice', 'warning'];
  const log = (level: Level, msg: string) => {
    if (levels.indexOf(level) < levels.indexOf(s.loglevel)) return;
    const line = `${logLine(level, msg)}\n`;
    if (s.logfile) appendFileSync(s.logfile, line);
    else process.stdout.write(line);
  };
  let sentinel: RedisSentinel | undefined;
  const stop = async (why: string) => {
    log('warning', why);
    await sentinel?.stop();
    log('warning', 'Redis is now ready to exit, bye bye...');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Received SIGINT scheduling shutdown...'));
  process.on('SIGTERM', () => void stop('Received SIGTERM scheduling shutdown...'));
  try {
    sentinel = await RedisSentinel.start({ port: s.port, host: s.host, myid: s.myid, masters: [...s.masters.values()], log });
  } catch (e) {
    log('warning', `Failed listening on port ${s.port} (tcp), aborting: ${(e as Error).message}`);
    process.exit(1);
  }
  sentinel.node.onShutdownRequest = () => void stop('User requested shutdown...');
  log('notice', `redis-sim Sentinel (Redis 7.0.15 compatible), port ${sentinel.port}`);
  log('notice', `Running mode=sentinel, port=${sentinel.port}.`);
  log('notice', `Sentinel ID is ${sentinel.myid}`);
  for (const m of s.masters.values()) {
    const p = m.primary as { host: string; port: number };
    log('warning', `+monitor master ${m.name} ${p.host} ${p.port} quorum ${m.quorum ?? 1}`);
  }
  if (s.portFile) {
    writeFileSync(`${s.portFile}.tmp`, `${sentinel.port}\n`);
    renameSync(`${s.portFile}.tmp`, s.portFile);
  }
  log('notice', 'Ready to accept connections');
}
