/**
 * The command table of a Sentinel endpoint, as redis-sentinel 7.0's: the commands flagged
 * SENTINEL in Redis's table (PING, AUTH, HELLO, CLIENT, COMMAND, ACL, INFO, ROLE, SHUTDOWN,
 * (P)SUBSCRIBE, (P)UNSUBSCRIBE, PUBLISH) plus SENTINEL; every other command is unknown
 * ("ERR unknown command 'get', with args beginning with: 'k' "). INFO and ROLE answer
 * Sentinel's versions: INFO has the server, clients, stats, cpu and sentinel sections; ROLE is
 * ["sentinel", [master names]].
 *
 * SENTINEL subcommands answered: CKQUORUM, FAILOVER, FLUSHCONFIG, GET-MASTER-ADDR-BY-NAME, HELP,
 * IS-MASTER-DOWN-BY-ADDR, MASTER, MASTERS, MYID, PENDING-SCRIPTS, REPLICAS, SLAVES, RESET,
 * SENTINELS, SET (quorum, down-after-milliseconds, failover-timeout, parallel-syncs). Not here
 * (they answer "unknown subcommand"): CONFIG, DEBUG, INFO-CACHE, MONITOR, REMOVE,
 * SIMULATE-FAILURE.
 */
import { COMMANDS } from '../commands/index.js';
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { genInfo } from '../engine/info.js';
import type { RedisNode } from '../engine/node.js';
import type { Instance } from './instance.js';
import type { MasterGroup } from './master-group.js';
import type { SentinelMonitor } from './monitor.js';

const monitors = new WeakMap<RedisNode, SentinelMonitor>();

export function attachMonitor(node: RedisNode, m: SentinelMonitor): void {
  monitors.set(node, m);
}

function monitorOf(c: Client): SentinelMonitor {
  const m = monitors.get(c.node);
  if (!m) throw new RedisError('ERR not a sentinel');
  return m;
}

const NO_SUCH_MASTER = 'ERR No such master with that name';

function groupOrError(c: Client, name: string): MasterGroup {
  const g = monitorOf(c).groups.get(name);
  if (!g) throw new RedisError(NO_SUCH_MASTER);
  return g;
}

/** addReplySentinelRedisInstance: the instance's fields in Redis's order, every value a bulk string. */
function instanceFields(m: SentinelMonitor, g: MasterGroup, i: Instance): [string, string][] {
  const now = m.node.clock.now();
  const isMaster = i === g.master;
  const flags: string[] = [];
  if (i.sdown) flags.push('s_down');
  if (i.odown) flags.push('o_down');
  flags.push(isMaster ? 'master' : 'slave');
  if (i.disconnected) flags.push('disconnected');
  if (isMaster && g.failoverInProgress) flags.push('failover_in_progress');
  if (i.promoted && !isMaster) flags.push('promoted');
  const ms = (t: number) => String(Math.floor(now - t));
  const f: [string, string][] = [
    ['name', isMaster ? g.name : i.addr],
    ['ip', i.ip],
    ['port', String(i.port)],
    ['runid', i.probe.runId],
    ['flags', flags.join(',')],
    ['link-pending-commands', '0'],
    ['link-refcount', '1'],
    ['last-ping-sent', i.pingPending ? ms(i.pingPending) : '0'],
    ['last-ok-ping-reply', ms(i.lastOk)],
    ['last-ping-reply', ms(i.lastPong)],
  ];
  if (i.sdown) f.push(['s-down-time', ms(i.sdownSince)]);
  if (i.odown) f.push(['o-down-time', ms(i.odownSince)]);
  f.push(
    ['down-after-milliseconds', String(g.settings.downAfterMilliseconds)],
    ['info-refresh', i.infoRefresh ? ms(i.infoRefresh) : '0'],
    ['role-reported', i.roleReported],
    ['role-reported-time', ms(i.roleReportedTime)],
  );
  if (isMaster) {
    f.push(
      ['config-epoch', String(g.configEpoch)],
      ['num-slaves', String(g.replicas.size)],
      ['num-other-sentinels', '0'],
      ['quorum', String(g.settings.quorum)],
      ['failover-timeout', String(g.settings.failoverTimeout)],
      ['parallel-syncs', String(g.settings.parallelSyncs)],
    );
  } else {
    const link = i.probe.link;
    f.push(
      ['master-link-down-time', String(link ? link.downMs : 0)],
      ['master-link-status', link?.up ? 'ok' : 'err'],
      ['master-host', link ? link.host : '?'],
      ['master-port', String(link ? link.port : 0)],
      ['slave-priority', String(i.probe.priority)],
      ['slave-repl-offset', String(i.probe.replOffset)],
      ['replica-announced', i.probe.announced ? '1' : '0'],
    );
  }
  return f;
}

function replyInstance(c: Client, m: SentinelMonitor, g: MasterGroup, i: Instance): void {
  const f = instanceFields(m, g, i);
  c.reply.mapLen(f.length);
  for (const [k, v] of f) {
    c.reply.bulk(k);
    c.reply.bulk(v);
  }
}

const HELP = [
  'CKQUORUM <master-name>',
  '    Check if the current Sentinel configuration is able to reach the quorum',
  '    needed to failover a master and the majority needed to authorize the',
  '    failover.',
  'CONFIG SET <param> <value>',
  '    Set a global Sentinel configuration parameter.',
  'CONFIG GET <param>',
  '    Get global Sentinel configuration parameter.',
  'DEBUG [<param> <value> ...]',
  '    Show a list of configurable time parameters and their values (milliseconds).',
  '    Or update current configurable parameters values (one or more).',
  'GET-MASTER-ADDR-BY-NAME <master-name>',
  '    Return the ip and port number of the master with that name.',
  'FAILOVER <master-name>',
  '    Manually failover a master node without asking for agreement from other',
  '    Sentinels',
  'FLUSHCONFIG',
  '    Force Sentinel to rewrite its configuration on disk, including the current',
  '    Sentinel state.',
  'INFO-CACHE <master-name>',
  '    Return last cached INFO output from masters and all its replicas.',
  'IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>',
  "    Check if the master specified by ip:port is down from current Sentinel's",
  '    point of view.',
  'MASTER <master-name>',
  '    Show the state and info of the specified master.',
  'MASTERS',
  '    Show a list of monitored masters and their state.',
  'MONITOR <name> <ip> <port> <quorum>',
  '    Start monitoring a new master with the specified name, ip, port and quorum.',
  'MYID',
  '    Return the ID of the Sentinel instance.',
  'PENDING-SCRIPTS',
  '    Get pending scripts information.',
  'REMOVE <master-name>',
  "    Remove master from Sentinel's monitor list.",
  'REPLICAS <master-name>',
  '    Show a list of replicas for this master and their state.',
  'RESET <pattern>',
  '    Reset masters for specific master name matching this pattern.',
  'SENTINELS <master-name>',
  '    Show a list of Sentinel instances for this master and their state.',
  'SET <master-name> <option> <value> [<option> <value> ...]',
  '    Set configuration parameters for certain masters.',
  'SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]',
  '    Simulate a Sentinel crash.',
];

function help(c: Client): void {
  c.reply.arrayLen(HELP.length + 3);
  c.reply.simple('SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  for (const l of HELP) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

function masters(c: Client): void {
  const m = monitorOf(c);
  c.reply.arrayLen(m.groups.size);
  for (const g of m.groups.values()) replyInstance(c, m, g, g.master);
}

function master(c: Client, args: string[]): void {
  const g = groupOrError(c, args[2] as string);
  replyInstance(c, monitorOf(c), g, g.master);
}

function replicas(c: Client, args: string[]): void {
  const g = groupOrError(c, args[2] as string);
  const m = monitorOf(c);
  c.reply.arrayLen(g.replicas.size);
  for (const r of g.replicas.values()) replyInstance(c, m, g, r);
}

/** No other Sentinel watches these masters: the list is empty. */
function sentinels(c: Client, args: string[]): void {
  groupOrError(c, args[2] as string);
  c.reply.arrayLen(0);
}

function getMasterAddrByName(c: Client, args: string[]): void {
  const g = monitorOf(c).groups.get(args[2] as string);
  if (!g) {
    c.reply.nilArray();
    return;
  }
  c.reply.arrayLen(2);
  c.reply.bulk(g.master.ip);
  c.reply.bulk(String(g.master.port));
}

/** IS-MASTER-DOWN-BY-ADDR ip port current-epoch runid: [down 0|1, leader or "*", leader epoch]. */
function isMasterDownByAddr(c: Client, args: string[]): void {
  const m = monitorOf(c);
  const port = intArg(args[3] as string);
  const reqEpoch = intArg(args[4] as string);
  const g = [...m.groups.values()].find((x) => x.master.ip === args[2] && x.master.port === port);
  const down = g?.master.sdown === true;
  let leader: string | undefined;
  let epoch = 0;
  if (g && args[5] !== '*') {
    const v = m.vote(g, reqEpoch, args[5] as string);
    leader = v.leader;
    epoch = v.epoch;
  }
  c.reply.arrayLen(3);
  c.reply.int(down ? 1 : 0);
  c.reply.bulk(leader ?? '*');
  c.reply.int(epoch);
}

/**
 * CKQUORUM: the voters are this Sentinel and its peers (none); the quorum must be reachable by
 * them and a majority of them must be able to authorize a failover.
 */
function ckquorum(c: Client, args: string[]): void {
  const g = groupOrError(c, args[2] as string);
  const voters = 1;
  const usable = 1;
  const noQuorum = usable < g.settings.quorum;
  const noAuth = usable < Math.floor(voters / 2) + 1;
  if (!noQuorum && !noAuth) {
    c.reply.simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
    return;
  }
  let e = `NOQUORUM ${usable} usable Sentinels. `;
  if (noQuorum) e += 'Not enough available Sentinels to reach the specified quorum for this master';
  if (noAuth) e += `${noQuorum ? '. ' : ''}Not enough available Sentinels to reach the majority and authorize a failover`;
  c.reply.error(e);
}

function failover(c: Client, args: string[]): void {
  const g = groupOrError(c, args[2] as string);
  if (g.failoverInProgress) throw new RedisError('INPROG Failover already in progress');
  if (!g.selectReplica()) throw new RedisError('NOGOODSLAVE No suitable replica to promote');
  c.reply.ok();
  monitorOf(c).failover(g, true);
}

function reset(c: Client, args: string[]): void {
  c.reply.int(monitorOf(c).reset(args[2] as string));
}

/** SENTINEL SET name option value [option value ...]: the numeric options of a master. */
function set(c: Client, args: string[]): void {
  const g = groupOrError(c, args[2] as string);
  const changes: [keyof MasterGroup['settings'], number][] = [];
  for (let j = 3; j < args.length; j += 2) {
    const option = (args[j] as string).toLowerCase();
    const value = args[j + 1];
    const bad = () => new RedisError(`ERR Invalid argument '${value ?? ''}' for SENTINEL SET '${args[j]}'`);
    const key = (
      {
        'down-after-milliseconds': 'downAfterMilliseconds',
        'failover-timeout': 'failoverTimeout',
        'parallel-syncs': 'parallelSyncs',
        quorum: 'quorum',
      } as const
    )[option];
    if (!key) throw new RedisError(`ERR Unknown option or number of arguments for SENTINEL SET '${args[j]}'`);
    if (value === undefined) throw bad();
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n <= 0) throw bad();
    changes.push([key, n]);
  }
  for (const [k, v] of changes) g.settings[k] = v;
  c.reply.ok();
}

function role(c: Client): void {
  const m = monitorOf(c);
  c.reply.arrayLen(2);
  c.reply.bulk('sentinel');
  c.reply.arrayLen(m.groups.size);
  for (const name of m.groups.keys()) c.reply.bulk(name);
}

const SECTIONS = ['server', 'clients', 'stats', 'cpu', 'sentinel'];

/** Sentinel's INFO: Redis's server, clients, stats and cpu sections, then its own. */
function info(c: Client, args: string[]): void {
  const m = monitorOf(c);
  const asked = args.slice(1).map((a) => a.toLowerCase());
  const all = asked.length === 0 || asked.some((a) => a === 'all' || a === 'everything' || a === 'default');
  const wanted = all ? SECTIONS : SECTIONS.filter((s) => asked.includes(s));
  const redisSections = wanted.filter((x) => x !== 'sentinel');
  let text = redisSections.length > 0 ? genInfo(c.node, redisSections) : '';
  if (wanted.includes('sentinel')) {
    if (text.length > 0) text += '\r\n';
    text += '# Sentinel\r\n';
    text += `sentinel_masters:${m.groups.size}\r\n`;
    text += 'sentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\nsentinel_running_scripts:0\r\n';
    text += 'sentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:0\r\n';
    let id = 0;
    for (const g of m.groups.values()) {
      const status = g.master.odown ? 'odown' : g.master.sdown ? 'sdown' : 'ok';
      text += `master${id++}:name=${g.name},status=${status},address=${g.master.ip}:${g.master.port},slaves=${g.replicas.size},sentinels=1\r\n`;
    }
  }
  c.reply.bulk(text);
}

const sub = (
  name: string,
  arity: number,
  handler: (c: Client, args: string[]) => void,
  summary: string,
  flags: CommandSpec['flags'] = ['admin', 'sentinel'],
): CommandSpec => ({
  name,
  arity,
  flags,
  acl: ['admin', 'slow', 'dangerous'],
  group: 'sentinel',
  since: '2.8.4',
  summary,
  handler,
});

const sentinelCommand: CommandSpec = {
  name: 'sentinel',
  arity: -2,
  flags: ['admin', 'sentinel'],
  acl: ['admin', 'slow', 'dangerous'],
  group: 'sentinel',
  since: '2.8.4',
  summary: 'A container for Sentinel commands',
  subcommands: [
    sub('ckquorum', 3, ckquorum, 'Check for a Sentinel quorum'),
    sub('failover', 3, failover, 'Force a failover'),
    sub('flushconfig', 2, (c) => c.reply.ok(), 'Rewrite the Sentinel configuration file'),
    sub('get-master-addr-by-name', 3, getMasterAddrByName, 'Get port and address of a master'),
    sub('help', 2, help, 'Show helpful text about the different subcommands', ['loading', 'stale', 'sentinel']),
    sub('is-master-down-by-addr', 6, isMasterDownByAddr, 'Check if a master is down'),
    sub('master', 3, master, 'Shows the state of a master'),
    sub('masters', 2, masters, 'List the monitored masters'),
    sub('myid', 2, (c) => c.reply.bulk(monitorOf(c).myid), 'Get the Sentinel instance ID'),
    sub('pending-scripts', 2, (c) => c.reply.arrayLen(0), 'Get information about pending scripts'),
    sub('replicas', 3, replicas, 'List the monitored replicas'),
    sub('reset', 3, reset, 'Reset masters by name pattern'),
    sub('sentinels', 3, sentinels, 'List the Sentinel instances'),
    sub('set', -5, set, 'Change the configuration of a monitored master'),
    sub('slaves', 3, replicas, 'List the monitored slaves'),
  ],
};

/** Redis's commands that a Sentinel keeps (the SENTINEL flag in Redis's command table). */
const KEPT = [
  'acl',
  'auth',
  'client',
  'command',
  'hello',
  'ping',
  'psubscribe',
  'publish',
  'punsubscribe',
  'shutdown',
  'subscribe',
  'unsubscribe',
];

export function sentinelCommands(): CommandSpec[] {
  const base = COMMANDS.filter((c) => KEPT.includes(c.name));
  const roleSpec = COMMANDS.find((c) => c.name === 'role') as CommandSpec;
  const infoSpec = COMMANDS.find((c) => c.name === 'info') as CommandSpec;
  return [...base, { ...roleSpec, handler: role }, { ...infoSpec, handler: info }, sentinelCommand];
}

export type { Instance };
