/**
 * Client-side control of a redis-sim server over the wire: the SIM control command, typed, for
 * ioredis and node-redis clients (or any function that sends a command). A server started once in
 * a test runner's globalSetup (or by the CLI) is driven from every worker this way:
 *
 *   import { simControl } from 'redis-sim/control';
 *   const sim = simControl(redis);          // an ioredis or node-redis client
 *   await sim.clock.advance(5000);          // SIM CLOCK ADVANCE 5000: resolves to the new time
 *   await sim.blocked.wait(1, { key: 'q' });
 *   await sim.reset();                      // SIM RESET between tests
 *
 * This module imports nothing of the server: loading it in a worker costs nothing.
 *
 * Adding controls (the fault and replication commands, SIM FAULT ... / SIM REPL ...): write a
 * group as a function of `send` in its own file here, like clockControl below, and add it to
 * SimControl and simControl(). `send` is there for anything not wrapped yet.
 */

/** Sends one command (name and arguments) and resolves to its reply; error replies reject. */
export type SendCommand = (args: string[]) => Promise<unknown>;

/** An ioredis client (or anything with ioredis's `call(command, ...args)`). */
export interface IoredisLike {
  call(command: string, ...args: (string | number)[]): unknown;
}
/** A node-redis client (v4, v5: `sendCommand([command, ...args])`). */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}
export type ControllableClient = IoredisLike | NodeRedisLike | SendCommand;

export type ClockMode = 'system' | 'manual' | 'offset';

export interface ClockControl {
  /** The node's time, ms since the epoch (SIM CLOCK GET). */
  now(): Promise<number>;
  /** Moves time forward by `ms`, firing what falls due in deadline order; resolves to the new time. */
  advance(ms: number): Promise<number>;
  /** Sets the time (backwards fires nothing); resolves to it. */
  set(ms: number): Promise<number>;
  /** Advances to the next pending deadline; resolves to the new time, or null when nothing is pending. */
  next(): Promise<number | null>;
  /** Stops time where it stands (manual mode). */
  freeze(): Promise<void>;
  /** Lets time run again from where it stands. */
  resume(): Promise<void>;
  mode(): Promise<ClockMode>;
  /** Number of pending timers. */
  pending(): Promise<number>;
}

export interface BlockedWaitOptions {
  /** Count only clients blocked on this key (of the controlling client's database). */
  key?: string;
  /** Give up after this many ms of real time: the promise rejects. Default 10000. */
  timeout?: number;
}

export interface BlockedControl {
  /** Clients blocked (on `key` of the controlling client's database when given). */
  count(key?: string): Promise<number>;
  /**
   * Resolves (to the count) once at least `n` clients are blocked; rejects after the timeout.
   * The controlling connection waits meanwhile: do not use it for the commands that block.
   */
  wait(n: number, opts?: BlockedWaitOptions): Promise<number>;
  /** Who waits on what (SIM BLOCKED LIST), as the client library returns it. */
  list(): Promise<unknown>;
}

export interface SimControl {
  clock: ClockControl;
  blocked: BlockedControl;
  /** SIM RESET: data, scripts, functions, config, other clients and the clock back to the start. */
  reset(): Promise<void>;
  /** Any SIM subcommand: send('FAULT', 'LIST') is SIM FAULT LIST. */
  send(...args: (string | number)[]): Promise<unknown>;
}

export interface SimControlOptions {
  /** The control command's name, when the server renamed it (controlCommand / --control-command). */
  command?: string;
}

/** A SendCommand for an ioredis or node-redis client (or the function itself). */
export function sendCommandOf(client: ControllableClient): SendCommand {
  if (typeof client === 'function') return client as SendCommand;
  const c = client as Partial<IoredisLike & NodeRedisLike>;
  // ioredis has both: its sendCommand takes a Command object, so `call` is used when present.
  if (typeof c.call === 'function') {
    const call = c.call.bind(client);
    return async (args) => call(args[0] as string, ...args.slice(1));
  }
  if (typeof c.sendCommand === 'function') {
    const sendCommand = c.sendCommand.bind(client);
    return (args) => sendCommand(args);
  }
  throw new TypeError(
    'simControl(client): expected an ioredis client, a node-redis client or a function (args: string[]) => Promise<reply>',
  );
}

function toNumber(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`redis-sim control: expected a number, got ${String(v)}`);
  return n;
}

function msArg(what: string, ms: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${what}: ms must be a finite number; got ${String(ms)}`);
  return String(ms);
}

function clockControl(sim: (...args: string[]) => Promise<unknown>): ClockControl {
  return {
    now: async () => toNumber(await sim('CLOCK', 'GET')),
    advance: async (ms) => {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new TypeError(`clock.advance(ms): ms must be a finite number >= 0; got ${String(ms)}`);
      }
      return toNumber(await sim('CLOCK', 'ADVANCE', String(ms)));
    },
    set: async (ms) => toNumber(await sim('CLOCK', 'SET', msArg('clock.set(ms)', ms))),
    next: async () => {
      const v = await sim('CLOCK', 'NEXT');
      return v === null || v === undefined ? null : toNumber(v);
    },
    freeze: async () => {
      await sim('CLOCK', 'FREEZE');
    },
    resume: async () => {
      await sim('CLOCK', 'RESUME');
    },
    mode: async () => String(await sim('CLOCK', 'MODE')) as ClockMode,
    pending: async () => toNumber(await sim('CLOCK', 'PENDING')),
  };
}

function blockedControl(sim: (...args: string[]) => Promise<unknown>): BlockedControl {
  return {
    count: async (key) => toNumber(await (key === undefined ? sim('BLOCKED', 'COUNT') : sim('BLOCKED', 'COUNT', key))),
    wait: async (n, opts = {}) => {
      const timeout = opts.timeout ?? 10_000;
      const v = await sim('BLOCKED', 'WAIT', String(n), opts.key ?? '*', String(timeout));
      if (v === null || v === undefined) {
        throw new Error(
          `blocked.wait: fewer than ${n} clients blocked${opts.key === undefined ? '' : ` on '${opts.key}'`} after ${timeout} ms`,
        );
      }
      return toNumber(v);
    },
    list: () => sim('BLOCKED', 'LIST'),
  };
}

/** Typed control of the redis-sim server `client` is connected to. */
export function simControl(client: ControllableClient, opts: SimControlOptions = {}): SimControl {
  const send = sendCommandOf(client);
  const name = opts.command ?? 'SIM';
  const sim = (...args: string[]) => send([name, ...args]);
  return {
    clock: clockControl(sim),
    blocked: blockedControl(sim),
    reset: async () => {
      await sim('RESET');
    },
    send: (...args) => sim(...args.map(String)),
  };
}
