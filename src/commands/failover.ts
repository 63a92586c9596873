/**
 * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds], as Redis 7.0's failoverCommand
 * (the state machine is topology/failover.ts).
 *
 * - FAILOVER ABORT (alone): "ERR No failover in progress." when there is none, else +OK.
 * - Options in any order, each once: TIMEOUT ms (an integer, "ERR FAILOVER timeout must be
 *   greater than 0" unless positive), TO host port (port an integer), FORCE; anything else,
 *   a repeated option, or an option missing its values is "ERR syntax error".
 * - Then, in this order: "ERR FAILOVER already in progress.", "ERR FAILOVER is not valid when
 *   server is a replica.", "ERR FAILOVER requires connected replicas.", FORCE without both TO
 *   and TIMEOUT, a TO address that is no attached replica ("... is not a replica."), or one not
 *   online yet.
 * - +OK: writes are paused and the primary waits for the replica on the virtual clock.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError, SYNTAX } from '../engine/errors.js';
import { parseInteger } from '../protocol/numbers.js';
import { Replication } from '../topology/replication.js';

function failover(c: Client, args: string[]): void {
  const repl = Replication.of(c.node);
  const f = repl.failover;
  if (args.length === 2 && (args[1] as string).toLowerCase() === 'abort') {
    if (!f.active) throw new RedisError('ERR No failover in progress.');
    f.abort('Failover manually aborted');
    c.reply.ok();
    return;
  }
  let timeoutMs = 0;
  let force = false;
  let target: { host: string; port: number } | undefined;
  for (let j = 1; j < args.length; j++) {
    const opt = (args[j] as string).toLowerCase();
    if (opt === 'timeout' && j + 1 < args.length && timeoutMs === 0) {
      const ms = parseInteger(args[j + 1] as string);
      if (ms === null) throw new RedisError(NOT_INTEGER);
      if (ms <= 0) throw new RedisError('ERR FAILOVER timeout must be greater than 0');
      timeoutMs = ms;
      j++;
    } else if (opt === 'to' && j + 2 < args.length && !target) {
      const port = parseInteger(args[j + 2] as string);
      if (port === null) throw new RedisError(NOT_INTEGER);
      target = { host: args[j + 1] as string, port };
      j += 2;
    } else if (opt === 'force' && !force) {
      force = true;
    } else {
      throw new RedisError(SYNTAX);
    }
  }
  if (f.active) throw new RedisError('ERR FAILOVER already in progress.');
  if (repl.replica) throw new RedisError('ERR FAILOVER is not valid when server is a replica.');
  if (repl.handles.length === 0) throw new RedisError('ERR FAILOVER requires connected replicas.');
  if (force && (timeoutMs === 0 || !target)) {
    throw new RedisError('ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
  }
  if (target) {
    const h = repl.findReplica(target.host, target.port);
    if (!h) throw new RedisError('ERR FAILOVER target HOST and PORT is not a replica.');
    if (h.state !== 'online') throw new RedisError('ERR FAILOVER target replica is not online.');
  }
  f.start({ target, timeoutMs, force });
  c.reply.ok();
  // Redis checks right away in beforeSleep: a replica already caught up is failed over to now.
  f.check();
}

export const failoverCommands: CommandSpec[] = [
  {
    name: 'failover',
    arity: -1,
    flags: ['admin', 'noscript', 'stale'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '6.2.0',
    summary: 'Start a coordinated failover between this server and one of its replicas.',
    complexity: 'O(1)',
    handler: failover,
  },
];
