/**
 * Every configuration parameter of Redis 7.0.15 (config.c's static_configs), with its alias, its
 * default as CONFIG GET reports it and Redis's validation for CONFIG SET.
 *
 * `normalize` validates a CONFIG SET value and returns the string to store, which is what CONFIG
 * GET reports afterwards: memory sizes in bytes ("1gb" → "1073741824"), booleans and enums in
 * lowercase canonical form, "save" and "client-output-buffer-limit" re-formatted. An invalid value
 * throws a ConfigError whose message is Redis's reason text ("argument must be a memory value").
 *
 * Flags as Redis's: `immutable` (CONFIG SET: "can't set immutable config"), `protected` (with
 * enable-protected-configs "no", the default: "can't set protected config"), `hidden` (only an
 * exact name matches in CONFIG GET, never a pattern), `multiArg` (the value is split on single
 * spaces before validation).
 */
import { statSync } from 'node:fs';
import { keyspaceEventsFlagsToLetters, keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from './notify.js';

/** A CONFIG SET validation failure; the message is Redis's reason text. */
export class ConfigError extends Error {}

export interface ConfigParam {
  name: string;
  aliases?: string[];
  default: string;
  /**
   * Validates and normalizes a value for CONFIG SET; throws a ConfigError with Redis's reason
   * when invalid. `current` is the stored value (client-output-buffer-limit updates only the
   * classes it names).
   */
  normalize?: (value: string, current: string) => string;
  /** Cannot be changed with CONFIG SET (Redis: "can't set immutable config"). */
  immutable?: boolean;
  /** Protected (dir, dbfilename): refused while enable-protected-configs is "no". */
  protected?: boolean;
  /** Only an exact name matches it in CONFIG GET. */
  hidden?: boolean;
  /** The value is split on single spaces before validation (save, bind, ...). */
  multiArg?: boolean;
  /**
   * What CONFIG GET shows, when the stored value must hold more than Redis displays
   * (notify-keyspace-events: "AKE" is shown for A plus n, whose n is still in force).
   */
  show?: (stored: string) => string;
}

// ---- C parsing helpers -------------------------------------------------------------------

const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;
const TWO64 = 18446744073709551616n;

/** string2ll: strict decimal int64 (no '+', no leading zeros, no spaces). */
function string2ll(s: string): bigint | null {
  if (s === '0') return 0n;
  if (!/^-?[1-9][0-9]*$/.test(s) || s.length > 20) return null;
  const v = BigInt(s);
  return v > LONG_MAX || v < LLONG_MIN ? null : v;
}

/** C strtoll with an end check: leading spaces and a sign allowed; null when characters remain. */
function strtollStrict(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)(.*)$/s.exec(s);
  if (m === null || m[3] !== '') return null;
  if (m[2] === '') return m[1] === '' ? 0n : null;
  let v = BigInt(m[2] as string);
  if (m[1] === '-') v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LLONG_MIN) v = LLONG_MIN;
  return v;
}

/** Redis's memtoull: digits followed by an optional unit (b k kb m mb g gb, any case); no sign. */
export function memtoull(p: string): bigint | null {
  if (p.startsWith('-')) return null;
  let i = 0;
  while (i < p.length && p.charCodeAt(i) >= 48 && p.charCodeAt(i) <= 57) i++;
  const unit = p.slice(i).toLowerCase();
  const mul: Record<string, bigint> = {
    '': 1n,
    b: 1n,
    k: 1000n,
    kb: 1024n,
    m: 1000000n,
    mb: 1048576n,
    g: 1000000000n,
    gb: 1073741824n,
  };
  const m = mul[unit];
  if (m === undefined) return null;
  const digits = p.slice(0, i);
  if (digits.length >= 128) return null;
  let v = digits === '' ? 0n : BigInt(digits);
  if (v > ULLONG_MAX) v = ULLONG_MAX; // strtoull saturates
  return (v * m) % TWO64;
}

/** An unsigned 64-bit value seen as C's long long. */
function asSigned(v: bigint): bigint {
  return v > LONG_MAX ? v - TWO64 : v;
}

function yesno(v: string): 'yes' | 'no' | null {
  const l = v.toLowerCase();
  return l === 'yes' ? 'yes' : l === 'no' ? 'no' : null;
}

// ---- parameter kinds ---------------------------------------------------------------------

interface Opts {
  alias?: string;
  immutable?: boolean;
  protected?: boolean;
  hidden?: boolean;
}

function common(name: string, def: string, o: Opts): ConfigParam {
  const p: ConfigParam = { name, default: def };
  if (o.alias) p.aliases = [o.alias];
  if (o.immutable) p.immutable = true;
  if (o.protected) p.protected = true;
  if (o.hidden) p.hidden = true;
  return p;
}

/** A yes/no parameter. */
function bool(name: string, def: boolean, o: Opts = {}): ConfigParam {
  return {
    ...common(name, def ? 'yes' : 'no', o),
    normalize: (v) => {
      const yn = yesno(v);
      if (yn === null) throw new ConfigError("argument must be 'yes' or 'no'");
      return yn;
    },
  };
}

/** A free string parameter. */
function str(name: string, def: string, o: Opts = {}, check?: (v: string) => void): ConfigParam {
  return {
    ...common(name, def, o),
    normalize: (v) => {
      check?.(v);
      return v;
    },
  };
}

/** An enum parameter; several names may share a value (the first is what GET reports). */
function enumOf(name: string, values: [string, number][], def: string, o: Opts = {}): ConfigParam {
  const list = values.map(([n]) => n).join(', ');
  return {
    ...common(name, def, o),
    normalize: (v) => {
      const hit = values.find(([n]) => n === v.toLowerCase());
      if (!hit) throw new ConfigError(`argument(s) must be one of the following: ${list}`);
      const first = values.find(([, n]) => n === hit[1]);
      return (first as [string, number])[0];
    },
  };
}

type NumKind = 'signed' | 'unsigned';
interface NumOpts extends Opts {
  memory?: boolean;
  percent?: boolean;
  octal?: boolean;
  /** Applied after validation (hz is capped to 1..500). */
  apply?: (v: bigint) => bigint;
}

/** A numeric parameter with Redis's parse order (memory, percent, octal, plain) and bounds check. */
function num(name: string, kind: NumKind, min: bigint, max: bigint, def: bigint | string, o: NumOpts = {}): ConfigParam {
  return {
    ...common(name, String(def), o),
    normalize: (v) => {
      let ll: bigint | null = null;
      if (o.memory) {
        const m = memtoull(v);
        if (m !== null) ll = asSigned(m);
      }
      if (ll === null && o.percent && v.length > 1 && v.endsWith('%')) {
        const p = string2ll(v.slice(0, -1));
        if (p !== null && p >= 0n) ll = -p;
      }
      if (ll === null && o.octal && /^[0-7]+$/.test(v)) ll = BigInt(Number.parseInt(v, 8));
      if (ll === null && !o.memory && !o.percent && !o.octal) ll = string2ll(v);
      if (ll === null) {
        if (o.memory && o.percent) throw new ConfigError('argument must be a memory or percent value');
        if (o.memory) throw new ConfigError('argument must be a memory value');
        if (o.octal) throw new ConfigError("argument couldn't be parsed as an octal number");
        throw new ConfigError("argument couldn't be parsed into an integer");
      }
      if (kind === 'unsigned') {
        const u = ll < 0n ? ll + TWO64 : ll;
        if (u > max || u < min) {
          const f = (x: bigint) => (o.octal ? x.toString(8) : x.toString());
          throw new ConfigError(`argument must be between ${f(min)} and ${f(max)} inclusive`);
        }
      } else if (o.percent && ll < 0n) {
        if (ll < min) throw new ConfigError(`percentage argument must be less or equal to ${-min}`);
      } else if (ll > max || ll < min) {
        throw new ConfigError(`argument must be between ${min} and ${max} inclusive`);
      }
      if (o.apply) ll = o.apply(ll);
      if (o.percent && ll < 0n) return `${-ll}%`;
      if (o.memory && ll < 0n) return String(ll + TWO64);
      if (o.octal) return ll.toString(8);
      return String(ll);
    },
  };
}

const int = (n: string, min: bigint, max: bigint, def: number, o: NumOpts = {}) => num(n, 'signed', min, max, BigInt(def), o);
const uint = (n: string, min: bigint, max: bigint, def: number, o: NumOpts = {}) => num(n, 'unsigned', min, max, BigInt(def), o);
const mem = (n: string, kind: NumKind, min: bigint, max: bigint, def: number, o: NumOpts = {}) =>
  num(n, kind, min, max, BigInt(def), { ...o, memory: true });

// ---- special parameters --------------------------------------------------------------------

/** save: "<seconds> <changes> ..." pairs, seconds >= 1 and changes >= 0; "" disables. */
function saveParam(): ConfigParam {
  return {
    name: 'save',
    // redis-sim keeps no files: no save points unless configured (Redis's built-in default is
    // "3600 1 300 100 60 10000").
    default: '',
    multiArg: true,
    normalize: (v) => {
      const argv = v === '' ? [] : v.split(' ');
      if (argv.length % 2 === 1) throw new ConfigError('Invalid save parameters');
      const out: bigint[] = [];
      for (let j = 0; j < argv.length; j++) {
        const n = strtollStrict(argv[j] as string);
        if (n === null || (j % 2 === 0 && n < 1n) || (j % 2 === 1 && n < 0n)) throw new ConfigError('Invalid save parameters');
        // changes is a C int.
        out.push(j % 2 === 1 ? BigInt.asIntN(32, n) : n);
      }
      return out.join(' ');
    },
  };
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'];

/** client-output-buffer-limit: "<class> <hard> <soft> <seconds>" groups; only named classes change. */
function clientOutputBufferLimit(): ConfigParam {
  return {
    name: 'client-output-buffer-limit',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    multiArg: true,
    normalize: (v, current) => {
      const args = v.split(' ');
      if (args.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
      const cur = current.split(' ');
      const values = new Map<string, string[]>();
      for (let i = 0; i < OBUF_CLASSES.length; i++) values.set(OBUF_CLASSES[i] as string, cur.slice(i * 4 + 1, i * 4 + 4));
      const updates = new Map<string, string[]>();
      for (let j = 0; j < args.length; j += 4) {
        let cls = (args[j] as string).toLowerCase();
        if (cls === 'replica') cls = 'slave';
        if (!OBUF_CLASSES.includes(cls)) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
        const hard = memtoull(args[j + 1] as string);
        const soft = memtoull(args[j + 2] as string);
        const secs = strtollStrict(args[j + 3] as string);
        if (hard === null || soft === null || secs === null || BigInt.asIntN(32, secs) < 0n) {
          throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
        }
        updates.set(cls, [String(hard), String(soft), String(BigInt.asIntN(32, secs))]);
      }
      for (const [k, u] of updates) values.set(k, u);
      return OBUF_CLASSES.map((cls) => `${cls} ${(values.get(cls) as string[]).join(' ')}`).join(' ');
    },
  };
}

/**
 * notify-keyspace-events: parsed as Redis's keyspaceEventsStringToFlags (engine/notify.ts). The
 * stored value spells out every class, so a class Redis's display hides (n beside A) stays in
 * force; CONFIG GET shows Redis's canonical form ("KEA" → "AKE").
 */
function notifyKeyspaceEvents(): ConfigParam {
  return {
    name: 'notify-keyspace-events',
    default: '',
    normalize: (v) => {
      const flags = keyspaceEventsStringToFlags(v);
      if (flags < 0) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      return keyspaceEventsFlagsToLetters(flags);
    },
    show: (v) => keyspaceEventsFlagsToString(Math.max(keyspaceEventsStringToFlags(v), 0)),
  };
}

/** C's "%f" with trailing zeros (and a trailing dot) removed, as trimDoubleString. */
function trimmedF(d: number): string {
  let s = d.toFixed(6);
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function latencyPercentiles(): ConfigParam {
  return {
    name: 'latency-tracking-info-percentiles',
    default: '50 99 99.9',
    multiArg: true,
    normalize: (v) => {
      if (v === '') return '';
      return v
        .split(' ')
        .map((a) => {
          const d = a.trim() === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a) ? Number.NaN : Number(a);
          if (Number.isNaN(d)) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
          if (d > 100 || d < 0) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
          return trimmedF(d);
        })
        .join(' ');
    },
  };
}

function oomScoreAdjValues(): ConfigParam {
  return {
    name: 'oom-score-adj-values',
    default: '0 200 800',
    multiArg: true,
    normalize: (v) => {
      const argv = v.split(' ');
      if (argv.length !== 3) throw new ConfigError('wrong number of arguments');
      return argv
        .map((a) => {
          const n = strtollStrict(a);
          if (n === null || n < -2000n || n > 2000n) {
            throw new ConfigError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
          }
          return String(n);
        })
        .join(' ');
    },
  };
}

function dirParam(): ConfigParam {
  return {
    name: 'dir',
    default: process.cwd(),
    protected: true,
    normalize: (v) => {
      try {
        if (!statSync(v).isDirectory()) throw new ConfigError('Not a directory');
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        throw new ConfigError('No such file or directory');
      }
      return v;
    },
  };
}

/** A path parameter that must be a base name (dbfilename, appendfilename). */
function baseName(what: string, kind: string) {
  return (v: string) => {
    if (v.includes('/')) throw new ConfigError(`${what} can't be a path, just a ${kind}`);
  };
}

const SHUTDOWN_FLAGS: [string, number][] = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
];

/** shutdown-on-sigint/sigterm: several flags separated by spaces; SAVE and NOSAVE exclude each other. */
function shutdownOnSig(name: string): ConfigParam {
  const list = SHUTDOWN_FLAGS.map(([n]) => n).join(', ');
  return {
    name,
    default: 'default',
    multiArg: true,
    normalize: (v) => {
      let val = 0;
      for (const a of v.split(' ')) {
        const hit = SHUTDOWN_FLAGS.find(([n]) => n === a.toLowerCase());
        if (!hit) throw new ConfigError(`argument(s) must be one of the following: ${list}`);
        val |= hit[1];
      }
      if (val & 1 && val & 2) throw new ConfigError("shutdown options SAVE and NOSAVE can't be used simultaneously");
      if (val === 0) return 'default';
      return SHUTDOWN_FLAGS.filter(([, n]) => n !== 0 && (val & n) === n)
        .map(([n]) => n)
        .join(' ');
    },
  };
}

// ---- the table -----------------------------------------------------------------------------

const MAXMEMORY_POLICIES: [string, number][] = [
  ['volatile-lru', 0],
  ['volatile-lfu', 1],
  ['volatile-random', 2],
  ['volatile-ttl', 3],
  ['allkeys-lru', 4],
  ['allkeys-lfu', 5],
  ['allkeys-random', 6],
  ['noeviction', 7],
];
const named = (...names: string[]): [string, number][] => names.map((n, i) => [n, i]);

export const CONFIG_TABLE: ConfigParam[] = [
  // Booleans
  bool('rdbchecksum', true, { immutable: true }),
  bool('daemonize', false, { immutable: true }),
  bool('io-threads-do-reads', false, { immutable: true }),
  bool('always-show-logo', false, { immutable: true }),
  bool('protected-mode', true),
  bool('rdbcompression', true),
  bool('rdb-del-sync-files', false),
  bool('activerehashing', true),
  bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true, { immutable: true }),
  bool('dynamic-hz', true),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true),
  bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, { alias: 'cluster-slave-no-failover' }),
  bool('replica-lazy-flush', false, { alias: 'slave-lazy-flush' }),
  bool('replica-serve-stale-data', true, { alias: 'slave-serve-stale-data' }),
  bool('replica-read-only', true, { alias: 'slave-read-only' }),
  bool('replica-ignore-maxmemory', true, { alias: 'slave-ignore-maxmemory' }),
  bool('jemalloc-bg-thread', true),
  bool('activedefrag', false),
  bool('syslog-enabled', false, { immutable: true }),
  bool('cluster-enabled', false, { immutable: true }),
  bool('appendonly', false),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  bool('use-exit-on-panic', false, { hidden: true }),
  bool('disable-thp', true, { immutable: true }),
  bool('cluster-allow-replica-migration', true),
  bool('replica-announced', true),
  bool('latency-tracking', true),
  bool('aof-disable-auto-gc', false),
  bool('replica-ignore-disk-write-errors', false),

  // Strings
  str('aclfile', '', { immutable: true }),
  str('unixsocket', '', { immutable: true }),
  str('pidfile', '', { immutable: true }),
  str('replica-announce-ip', '', { alias: 'slave-announce-ip' }),
  str('masteruser', ''),
  str('cluster-announce-ip', ''),
  str('cluster-config-file', 'nodes.conf', { immutable: true }),
  str('cluster-announce-hostname', ''),
  str('syslog-ident', 'redis', { immutable: true }),
  str('dbfilename', 'dump.rdb', { protected: true }, baseName('dbfilename', 'filename')),
  str('appendfilename', 'appendonly.aof', { immutable: true }),
  str('appenddirname', 'appendonlydir', { immutable: true }),
  str('server_cpulist', '', { immutable: true }),
  str('bio_cpulist', '', { immutable: true }),
  str('aof_rewrite_cpulist', '', { immutable: true }),
  str('bgsave_cpulist', '', { immutable: true }),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}'),
  str('bind-source-addr', ''),
  str('logfile', '', { immutable: true }),
  str('masterauth', ''),
  str('requirepass', ''),

  // Enums
  enumOf('supervised', named('upstart', 'systemd', 'auto', 'no'), 'no', { immutable: true }),
  enumOf('syslog-facility', named('user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'), 'local0', {
    immutable: true,
  }),
  enumOf('repl-diskless-load', named('disabled', 'on-empty-db', 'swapdb'), 'disabled'),
  enumOf('loglevel', named('debug', 'verbose', 'notice', 'warning'), 'notice'),
  enumOf('maxmemory-policy', MAXMEMORY_POLICIES, 'noeviction'),
  enumOf('appendfsync', named('everysec', 'always', 'no'), 'everysec'),
  enumOf(
    'oom-score-adj',
    [
      ['no', 0],
      ['yes', 1],
      ['relative', 1],
      ['absolute', 2],
    ],
    'no',
  ),
  enumOf('acl-pubsub-default', named('allchannels', 'resetchannels'), 'resetchannels'),
  enumOf('sanitize-dump-payload', named('no', 'yes', 'clients'), 'no'),
  enumOf('enable-protected-configs', named('no', 'yes', 'local'), 'no', { immutable: true }),
  enumOf('enable-debug-command', named('no', 'yes', 'local'), 'no', { immutable: true }),
  enumOf('enable-module-command', named('no', 'yes', 'local'), 'no', { immutable: true }),
  enumOf('cluster-preferred-endpoint-type', named('ip', 'hostname', 'unknown-endpoint'), 'ip'),
  enumOf('propagation-error-behavior', named('ignore', 'panic', 'panic-on-replicas'), 'ignore'),
  shutdownOnSig('shutdown-on-sigint'),
  shutdownOnSig('shutdown-on-sigterm'),

  // Integers
  int('databases', 1n, INT_MAX, 16, { immutable: true }),
  int('port', 0n, 65535n, 6379),
  int('io-threads', 1n, 128n, 1, { immutable: true }),
  int('auto-aof-rewrite-percentage', 0n, INT_MAX, 100),
  int('cluster-replica-validity-factor', 0n, INT_MAX, 10, { alias: 'cluster-slave-validity-factor' }),
  int('list-max-listpack-size', INT_MIN, INT_MAX, -2, { alias: 'list-max-ziplist-size' }),
  int('tcp-keepalive', 0n, INT_MAX, 300),
  int('cluster-migration-barrier', 0n, INT_MAX, 1),
  int('active-defrag-cycle-min', 1n, 99n, 1),
  int('active-defrag-cycle-max', 1n, 99n, 25),
  int('active-defrag-threshold-lower', 0n, 1000n, 10),
  int('active-defrag-threshold-upper', 0n, 1000n, 100),
  int('lfu-log-factor', 0n, INT_MAX, 10),
  int('lfu-decay-time', 0n, INT_MAX, 1),
  int('replica-priority', 0n, INT_MAX, 100, { alias: 'slave-priority' }),
  int('repl-diskless-sync-delay', 0n, INT_MAX, 5),
  int('maxmemory-samples', 1n, INT_MAX, 5),
  int('maxmemory-eviction-tenacity', 0n, 100n, 10),
  int('timeout', 0n, INT_MAX, 0),
  int('replica-announce-port', 0n, 65535n, 0, { alias: 'slave-announce-port' }),
  int('tcp-backlog', 0n, INT_MAX, 511, { immutable: true }),
  int('cluster-port', 0n, 65535n, 0, { immutable: true }),
  int('cluster-announce-bus-port', 0n, 65535n, 0),
  int('cluster-announce-port', 0n, 65535n, 0),
  int('cluster-announce-tls-port', 0n, 65535n, 0),
  int('repl-timeout', 1n, INT_MAX, 60),
  int('repl-ping-replica-period', 1n, INT_MAX, 10, { alias: 'repl-ping-slave-period' }),
  int('list-compress-depth', 0n, INT_MAX, 0),
  int('rdb-key-save-delay', INT_MIN, INT_MAX, 0, { hidden: true }),
  int('key-load-delay', INT_MIN, INT_MAX, 0, { hidden: true }),
  int('active-expire-effort', 1n, 10n, 1),
  // Hz is a hint: values out of 1..500 are accepted and capped (updateHZ).
  int('hz', 0n, INT_MAX, 10, { apply: (v) => (v < 1n ? 1n : v > 500n ? 500n : v) }),
  int('min-replicas-to-write', 0n, INT_MAX, 0, { alias: 'min-slaves-to-write' }),
  int('min-replicas-max-lag', 0n, INT_MAX, 10, { alias: 'min-slaves-max-lag' }),
  int('watchdog-period', 0n, INT_MAX, 0, { hidden: true }),
  int('shutdown-timeout', 0n, INT_MAX, 10),
  int('repl-diskless-sync-max-replicas', 0n, INT_MAX, 0),
  uint('maxclients', 1n, UINT_MAX, 10000),
  uint('unixsocketperm', 0n, 0o777n, 0, { immutable: true, octal: true }),
  uint('socket-mark-id', 0n, UINT_MAX, 0, { immutable: true }),
  int('active-defrag-max-scan-fields', 1n, LONG_MAX, 1000),
  int('slowlog-max-len', 0n, LONG_MAX, 128),
  int('acllog-max-len', 0n, LONG_MAX, 128),
  int('busy-reply-threshold', 0n, LONG_MAX, 5000, { alias: 'lua-time-limit' }),
  int('cluster-node-timeout', 0n, LONG_MAX, 15000),
  int('slowlog-log-slower-than', -1n, LONG_MAX, 10000),
  int('latency-monitor-threshold', 0n, LONG_MAX, 0),
  mem('proto-max-bulk-len', 'signed', 1048576n, LONG_MAX, 536870912),
  int('stream-node-max-entries', 0n, LONG_MAX, 100),
  mem('repl-backlog-size', 'signed', 1n, LONG_MAX, 1048576),
  mem('maxmemory', 'unsigned', 0n, ULLONG_MAX, 0),
  mem('cluster-link-sendbuf-limit', 'unsigned', 0n, ULLONG_MAX, 0),
  uint('hash-max-listpack-entries', 0n, LONG_MAX, 512, { alias: 'hash-max-ziplist-entries' }),
  uint('set-max-intset-entries', 0n, LONG_MAX, 512),
  uint('zset-max-listpack-entries', 0n, LONG_MAX, 128, { alias: 'zset-max-ziplist-entries' }),
  mem('active-defrag-ignore-bytes', 'unsigned', 1n, LONG_MAX, 104857600),
  mem('hash-max-listpack-value', 'unsigned', 0n, LONG_MAX, 64, { alias: 'hash-max-ziplist-value' }),
  mem('stream-node-max-bytes', 'unsigned', 0n, LONG_MAX, 4096),
  mem('zset-max-listpack-value', 'unsigned', 0n, LONG_MAX, 64, { alias: 'zset-max-ziplist-value' }),
  mem('hll-sparse-max-bytes', 'unsigned', 0n, LONG_MAX, 3000),
  uint('tracking-table-max-keys', 0n, LONG_MAX, 1000000),
  mem('client-query-buffer-limit', 'unsigned', 1048576n, LONG_MAX, 1073741824),
  mem('maxmemory-clients', 'signed', -100n, LONG_MAX, 0, { percent: true }),
  int('repl-backlog-ttl', 0n, LONG_MAX, 3600),
  mem('auto-aof-rewrite-min-size', 'signed', 0n, LONG_MAX, 67108864),
  int('loading-process-events-interval-bytes', 1024n, INT_MAX, 2097152, { hidden: true }),

  // TLS (Debian's redis-server is built with TLS)
  int('tls-port', 0n, 65535n, 0),
  int('tls-session-cache-size', 0n, INT_MAX, 20480),
  int('tls-session-cache-timeout', 0n, INT_MAX, 300),
  bool('tls-cluster', false),
  bool('tls-replication', false),
  enumOf('tls-auth-clients', named('no', 'yes', 'optional'), 'yes'),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  str('tls-cert-file', ''),
  str('tls-key-file', ''),
  str('tls-key-file-pass', ''),
  str('tls-client-cert-file', ''),
  str('tls-client-key-file', ''),
  str('tls-client-key-file-pass', ''),
  str('tls-dh-params-file', ''),
  str('tls-ca-cert-file', ''),
  str('tls-ca-cert-dir', ''),
  str('tls-protocols', ''),
  str('tls-ciphers', ''),
  str('tls-ciphersuites', ''),

  // Special
  dirParam(),
  saveParam(),
  clientOutputBufferLimit(),
  oomScoreAdjValues(),
  notifyKeyspaceEvents(),
  // bind and port are modifiable in Redis (the server re-listens); config.ts's CONFIG SET refuses
  // a change it cannot apply with Redis's own failure text.
  { name: 'bind', default: '127.0.0.1', multiArg: true, normalize: (v) => v },
  { name: 'replicaof', aliases: ['slaveof'], default: '', immutable: true, multiArg: true },
  latencyPercentiles(),
];
