/**
 * The control command (default name SIM; renamable or disabled per node): drives what a test
 * controls in-process, over the wire. It never changes the meaning of a Redis command.
 *
 *   SIM CLOCK GET                 current time, ms since the epoch (integer)
 *   SIM CLOCK ADVANCE <ms>        move time forward, firing due timers in order; replies the new time
 *   SIM CLOCK SET <ms>            set the time (backwards fires nothing); replies the new time
 *   (times are 0 to 2^53-1 ms since the epoch: past that, Redis's replies could not show them)
 *   SIM CLOCK NEXT                advance to the next pending deadline; replies the new time or nil
 *   SIM CLOCK FREEZE | RESUME     stop time / let it run again from where it stands
 *   SIM CLOCK MODE                system | manual | offset
 *   SIM CLOCK PENDING             number of pending timers
 *   SIM CLOCK RATE [<rate>]       a derived clock's speed relative to its parent (drift)
 *   SIM BLOCKED ...               blocked-client introspection (sim-blocking.ts)
 */
import type { Client } from '../engine/client.js';
import { MAX_CLOCK_MS } from '../engine/clock.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';

function msArg(s: string | undefined): number {
  const n = s === undefined ? Number.NaN : Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(n)) throw new RedisError('ERR milliseconds must be a number');
  return n;
}

function clock(c: Client, args: string[]): void {
  const clk = c.node.clock;
  const op = (args[2] ?? '').toUpperCase();
  const arity = (n: number) => {
    if (args.length !== n) throw new RedisError(`ERR wrong number of arguments for 'sim|clock|${op.toLowerCase()}' command`);
  };
  switch (op) {
    case 'GET':
      arity(3);
      c.reply.int(Math.floor(clk.now()));
      return;
    case 'ADVANCE': {
      arity(4);
      const ms = msArg(args[3]);
      if (ms < 0) throw new RedisError('ERR milliseconds must not be negative');
      if (clk.now() + ms > MAX_CLOCK_MS) {
        throw new RedisError(`ERR the clock cannot go past ${MAX_CLOCK_MS} ms since the epoch (it is at ${Math.floor(clk.now())})`);
      }
      clk.advance(ms);
      c.reply.int(Math.floor(clk.now()));
      return;
    }
    case 'SET': {
      arity(4);
      const ms = msArg(args[3]);
      if (ms < 0 || ms > MAX_CLOCK_MS) throw new RedisError(`ERR the time must be between 0 and ${MAX_CLOCK_MS} ms since the epoch`);
      clk.set(ms);
      c.reply.int(Math.floor(clk.now()));
      return;
    }
    case 'NEXT': {
      arity(3);
      const t = clk.next();
      if (t === undefined) c.reply.nil();
      else c.reply.int(Math.floor(t));
      return;
    }
    case 'FREEZE':
      arity(3);
      clk.freeze();
      c.reply.ok();
      return;
    case 'RESUME':
      arity(3);
      clk.resume();
      c.reply.ok();
      return;
    case 'MODE':
      arity(3);
      c.reply.bulk(clk.mode);
      return;
    case 'PENDING':
      arity(3);
      c.reply.int(clk.pending);
      return;
    case 'RATE': {
      // A derived clock's speed relative to the clock it follows (clock.derive()): drift.
      if (args.length > 4) arity(4);
      if (args[3] !== undefined) {
        if (clk.mode !== 'derived') throw new RedisError('ERR only a derived clock (clock.derive()) has a rate');
        const r = Number(args[3]);
        if (args[3].trim() === '' || !Number.isFinite(r) || r < 0) throw new RedisError('ERR rate must be a non-negative number');
        clk.rate = r;
      }
      c.reply.double(clk.rate);
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

const HELP = [
  'SIM <subcommand> [<arg> ...]. Subcommands are:',
  'CLOCK GET',
  '    Current time of the node clock, in ms since the epoch.',
  'CLOCK ADVANCE <ms>',
  '    Move time forward, firing due timers (expiry, timeouts) in deadline order.',
  'CLOCK SET <ms>',
  '    Set the time; moving backwards fires nothing.',
  'CLOCK NEXT',
  '    Advance to the next pending deadline.',
  'CLOCK FREEZE|RESUME',
  '    Stop time, or let it run again from where it stands.',
  'CLOCK MODE',
  '    system, manual or offset.',
  'CLOCK PENDING',
  '    Number of pending timers.',
  'CLOCK RATE [<rate>]',
  '    Speed of a derived clock relative to the clock it follows (get or set).',
  'HELP',
  '    Print this help.',
];

const base = { group: 'sim', since: '0.1.0', flags: ['noscript', 'loading', 'stale', 'fast'], acl: ['admin', 'dangerous'] } as const;

export const simCommands: CommandSpec[] = [
  {
    ...base,
    name: 'sim',
    arity: -2,
    summary: 'redis-sim control: clock, introspection, faults',
    subcommands: [
      { ...base, name: 'clock', arity: -3, handler: clock },
      {
        ...base,
        name: 'help',
        arity: 2,
        handler: (c) => {
          c.reply.arrayLen(HELP.length);
          for (const line of HELP) c.reply.simple(line);
        },
      },
    ],
  },
];

/**
 * Lets other families register SIM subcommands (blocking introspection, faults, ...), with
 * optional SIM HELP lines (inserted before HELP's own entry).
 */
export function addSimSubcommand(spec: CommandSpec, help: readonly string[] = []): void {
  const sim = simCommands[0] as CommandSpec;
  (sim.subcommands as CommandSpec[]).push(spec);
  HELP.splice(HELP.length - 2, 0, ...help);
}
