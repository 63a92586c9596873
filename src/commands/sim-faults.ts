/**
 * Faults and nodes over the wire: the control command's side of the node's faults object
 * (faults/faults.ts), which `sim.faults` drives in-process.
 *
 *   SIM NODE PAUSE [<ms>]             freeze the node (SIGSTOP-like) until RESUME or <ms> of its clock
 *   SIM NODE RESUME                   end the freeze: waiting commands run in order
 *   SIM NODE KILL [<port>] [RESTART <ms> [KEEP|LOSE]]
 *                                     kill a node of this process (default: this one; no reply then);
 *                                     with RESTART it comes back by itself after <ms> of real time
 *                                     (the way back for the CLI's node, alone in its process)
 *   SIM NODE RESTART <port> [KEEP|LOSE]  restart a killed node with its data kept (default) or lost
 *   SIM NODE LIST                     this process's nodes: port and state (up, paused, killed)
 *   SIM FAULT DROP <clients>          reset connections; replies how many (never the caller's)
 *   SIM FAULT PARTITION <clients> [HANG|REFUSE]   unreachable from <clients> (not the caller); replies its id
 *   SIM FAULT HEAL [<id>]             heal one partition or all
 *   SIM FAULT LATENCY <ms> [<clients>] [VIRTUAL|REAL]   delay before replies; replies its id
 *   SIM FAULT COMMAND <name|*> [KEY <glob>] [CLIENT <clients>] [TIMES <n>]
 *                     ERROR <code|text> | CLOSE BEFORE|AFTER | DELAY <ms> | SLOW <ms>
 *                                     a per-command fault; replies its id
 *   SIM FAULT LIST                    the active faults, one line each
 *   SIM FAULT WAITING                 replies held (pause, partition) or delayed (latency), not yet written
 *   SIM FAULT CLEAR [<id>]            remove one fault or every fault (pause included)
 *
 * <clients> is ALL | ID <id> | NAME <name> | ADDR <ip[:port]>.
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import type { CommandFaultAction, CommandFaultOptions } from '../faults/command-faults.js';
import { faultsOf } from '../faults/faults.js';
import { allNodes, nodeByPort } from '../faults/nodes.js';
import { type ClientSelector, parseSelector } from '../faults/selector.js';
import { addSimSubcommand } from './sim.js';

function wrongArity(args: string[], group: string): RedisError {
  return new RedisError(`ERR wrong number of arguments for 'sim|${group}|${(args[2] ?? '').toLowerCase()}' command`);
}

function msArg(s: string | undefined): number {
  const n = s === undefined ? Number.NaN : Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new RedisError('ERR milliseconds must be a non-negative number');
  return n;
}

function portArg(s: string): number {
  const p = intArg(s);
  const n = nodeByPort(p);
  if (!n) throw new RedisError(`ERR no node of this process listens on port ${p}`);
  return p;
}

function node(c: Client, args: string[]): void {
  const faults = faultsOf(c.node);
  const op = (args[2] ?? '').toUpperCase();
  switch (op) {
    case 'PAUSE':
      if (args.length > 4) throw wrongArity(args, 'node');
      faults.pause(args[3] === undefined ? undefined : msArg(args[3]));
      c.reply.ok();
      return;
    case 'RESUME':
      if (args.length !== 3) throw wrongArity(args, 'node');
      faults.resume();
      c.reply.ok();
      return;
    case 'KILL': {
      // SIM NODE KILL [<port>] [RESTART <ms> [KEEP|LOSE]]
      let i = 3;
      let port = c.node.config.getInt('port');
      if (args[i] !== undefined && args[i]?.toUpperCase() !== 'RESTART') port = portArg(args[i++] as string);
      let restart: { restartAfter: number; keepData: boolean } | undefined;
      if (args[i] !== undefined) {
        if ((args[i] as string).toUpperCase() !== 'RESTART' || args[i + 1] === undefined) throw new RedisError(SYNTAX);
        const ms = msArg(args[i + 1]);
        const mode = (args[i + 2] ?? 'KEEP').toUpperCase();
        if (args.length > i + 3 || (mode !== 'KEEP' && mode !== 'LOSE')) throw new RedisError(SYNTAX);
        restart = { restartAfter: ms, keepData: mode === 'KEEP' };
      }
      const target = nodeByPort(port);
      if (!target) throw new RedisError('ERR this node is not listening');
      if (target.killed) throw new RedisError(`ERR the node on port ${port} is already killed`);
      void target.kill(restart);
      c.reply.ok();
      return;
    }
    case 'RESTART': {
      if (args.length < 4 || args.length > 5) throw wrongArity(args, 'node');
      const port = portArg(args[3] as string);
      const mode = (args[4] ?? 'KEEP').toUpperCase();
      if (mode !== 'KEEP' && mode !== 'LOSE') throw new RedisError(SYNTAX);
      const target = nodeByPort(port);
      if (!target?.killed) throw new RedisError(`ERR the node on port ${port} is not killed`);
      // The reply waits until the node listens again, so the next command can connect to it.
      c.block({ keys: [], timeoutAt: 0, onTimeout: (cl) => cl.reply.ok() });
      if (c.blockRequest === undefined) return; // inside MULTI: cannot wait (already answered)
      target.restart({ keepData: mode === 'KEEP' }).then(
        () => {
          if (!c.closed && c.blocked) c.node.blocking.unblock(c);
        },
        (e: Error) => {
          if (!c.closed && c.blocked) c.node.blocking.unblock(c, `ERR restart failed: ${e.message}`);
        },
      );
      return;
    }
    case 'LIST': {
      if (args.length !== 3) throw wrongArity(args, 'node');
      const nodes = allNodes();
      c.reply.arrayLen(nodes.length);
      for (const n of nodes) {
        c.reply.mapLen(2);
        c.reply.bulk('port');
        c.reply.int(n.port);
        c.reply.bulk('state');
        c.reply.bulk(n.killed ? 'killed' : n.paused ? 'paused' : 'up');
      }
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

/** Parses SIM FAULT COMMAND's options from args[4]. */
function commandFault(args: string[]): [CommandFaultAction, CommandFaultOptions] {
  const opts: CommandFaultOptions = {};
  const name = args[3] as string;
  if (name !== '*') opts.command = name;
  let action: CommandFaultAction | undefined;
  let i = 4;
  while (i < args.length) {
    const kw = (args[i] as string).toUpperCase();
    const v = args[i + 1];
    if (kw === 'KEY' && v !== undefined) {
      opts.key = v;
      i += 2;
    } else if (kw === 'CLIENT') {
      let sel: ClientSelector;
      [sel, i] = parseSelector(args, i + 1);
      opts.clients = sel;
    } else if (kw === 'TIMES' && v !== undefined) {
      const n = intArg(v);
      if (n < 1) throw new RedisError('ERR TIMES must be at least 1');
      opts.times = n;
      i += 2;
    } else if (kw === 'ALWAYS') {
      delete opts.times;
      i += 1;
    } else if (kw === 'ERROR' && v !== undefined) {
      action = { error: v };
      i += 2;
    } else if (kw === 'CLOSE' && v !== undefined && /^(before|after)$/i.test(v)) {
      action = { close: v.toLowerCase() as 'before' | 'after' };
      i += 2;
    } else if (kw === 'DELAY' && v !== undefined) {
      action = { delay: msArg(v) };
      i += 2;
    } else if (kw === 'SLOW' && v !== undefined) {
      action = { slow: msArg(v) };
      i += 2;
    } else throw new RedisError(SYNTAX);
  }
  if (!action) throw new RedisError('ERR SIM FAULT COMMAND needs an action: ERROR <text> | CLOSE BEFORE|AFTER | DELAY <ms> | SLOW <ms>');
  return [action, opts];
}

function fault(c: Client, args: string[]): void {
  const faults = faultsOf(c.node);
  const op = (args[2] ?? '').toUpperCase();
  switch (op) {
    case 'DROP': {
      const [sel, next] = parseSelector(args, 3);
      if (next !== args.length) throw new RedisError(SYNTAX);
      c.reply.int(faults.drop(sel, c));
      return;
    }
    case 'PARTITION': {
      const [sel, next] = parseSelector(args, 3);
      const mode = (args[next] ?? 'HANG').toUpperCase();
      if (next + 1 < args.length || (mode !== 'HANG' && mode !== 'REFUSE')) throw new RedisError(SYNTAX);
      c.reply.int(faults.partition(sel, mode === 'HANG' ? 'hang' : 'refuse', c));
      return;
    }
    case 'HEAL': {
      if (args.length > 4) throw wrongArity(args, 'fault');
      const n = faults.heal(args[3] === undefined ? undefined : intArg(args[3]));
      const reopening = faults.socket?.accepting;
      if (!reopening) {
        c.reply.int(n);
        return;
      }
      // A refusing partition of every client closed the port: the reply waits until it listens
      // again, so the caller's next connection is accepted.
      c.block({ keys: [], timeoutAt: 0, onTimeout: (cl) => cl.reply.int(n) });
      if (c.blockRequest === undefined) return;
      void reopening.then(() => {
        if (!c.closed && c.blocked) c.node.blocking.unblock(c);
      });
      return;
    }
    case 'LATENCY': {
      if (args.length < 4) throw wrongArity(args, 'fault');
      const ms = msArg(args[3]);
      let sel: ClientSelector = { all: true };
      let i = 4;
      if (i < args.length && !/^(virtual|real)$/i.test(args[i] as string)) [sel, i] = parseSelector(args, i);
      const clock = (args[i] ?? 'VIRTUAL').toUpperCase();
      if (i + 1 < args.length || (clock !== 'VIRTUAL' && clock !== 'REAL')) throw new RedisError(SYNTAX);
      c.reply.int(faults.latency(ms, { clients: sel, clock: clock === 'REAL' ? 'real' : 'virtual' }));
      return;
    }
    case 'COMMAND': {
      if (args.length < 5) throw wrongArity(args, 'fault');
      const [action, opts] = commandFault(args);
      c.reply.int(faults.commands.add(action, opts));
      return;
    }
    case 'LIST': {
      if (args.length !== 3) throw wrongArity(args, 'fault');
      const lines = faults.describe();
      c.reply.arrayLen(lines.length);
      for (const l of lines) c.reply.bulk(l);
      return;
    }
    case 'WAITING':
      if (args.length !== 3) throw wrongArity(args, 'fault');
      c.reply.int(faults.waitingReplies);
      return;
    case 'CLEAR':
      if (args.length > 4) throw wrongArity(args, 'fault');
      if (args[3] === undefined) {
        faults.clear();
        c.reply.ok();
      } else c.reply.int(faults.remove(intArg(args[3])));
      return;
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

const base = { group: 'sim', since: '0.1.0', flags: ['noscript', 'loading', 'stale', 'fast'], acl: ['admin', 'dangerous'] } as const;

addSimSubcommand({ ...base, name: 'node', arity: -3, summary: 'Nodes: PAUSE RESUME KILL RESTART LIST', handler: node }, [
  'NODE PAUSE [<ms>] | NODE RESUME',
  '    Freeze the node (nothing processed or written; the control command still runs), or end it.',
  'NODE KILL [<port>] [RESTART <ms> [KEEP|LOSE]] | NODE RESTART <port> [KEEP|LOSE] | NODE LIST',
  '    Kill a node of this process (connections reset, port refused); restart it with data kept or lost',
  '    (RESTART <ms>: by itself after <ms> of real time).',
]);

addSimSubcommand({ ...base, name: 'fault', arity: -3, summary: 'Faults: DROP PARTITION HEAL LATENCY COMMAND LIST CLEAR', handler: fault }, [
  'FAULT DROP <clients> | FAULT PARTITION <clients> [HANG|REFUSE] | FAULT HEAL [<id>]',
  '    <clients>: ALL | ID <id> | NAME <name> | ADDR <ip[:port]> (never the caller).',
  'FAULT LATENCY <ms> [<clients>] [VIRTUAL|REAL]',
  '    Delay replies on the node clock (or real time).',
  'FAULT COMMAND <name|*> [KEY <glob>] [CLIENT <clients>] [TIMES <n>] ERROR <text>|CLOSE BEFORE|AFTER|DELAY <ms>|SLOW <ms>',
  '    A per-command fault.',
  'FAULT LIST | FAULT CLEAR [<id>] | FAULT WAITING',
  '    Active faults; remove one or all; replies held or delayed.',
]);
