/**
 * What the patterns take from their environment, injectable so a test can run them on a virtual
 * clock: the time as the client sees it, a way to wait, and randomness (jitter, tokens).
 * Defaults are the real ones.
 */
import { createHash, randomBytes } from 'node:crypto';
import { errorCode, type PatternClient, type RedisArg } from './client.js';

export interface Runtime {
  /** The client's clock in ms (Redlock measures how long acquisition took with it). */
  now(): number;
  /** Waits `ms` (retry delays, polling). */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1) (jitter). */
  random(): number;
  /** A value no other client will pick (lock tokens, job IDs). */
  uniqueId(): string;
}

export const realRuntime: Runtime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
  uniqueId: () => randomBytes(16).toString('hex'),
};

/** The real runtime with any of its parts replaced. */
export function runtime(overrides: Partial<Runtime> = {}): Runtime {
  return { ...realRuntime, ...overrides };
}

/** The parts of a manual clock (redis-sim's `sim.clock`) that `clockRuntime` uses. */
export interface ManualClock {
  now(): number;
  setTimer(deadline: number, fn: () => void): unknown;
  advance(ms: number): void;
}

/**
 * A runtime on a manual clock, for running the patterns against redis-sim with no real waiting:
 * `now` reads the clock and `sleep(ms)` sets a timer at now + ms, then, once the event loop has
 * run what was ready (setImmediate), moves the clock to that deadline if nothing moved it there
 * yet. Concurrent sleepers therefore move time once, as they would in parallel in real time.
 * `advance` replaces how time is moved (e.g. to move several nodes' clocks together).
 */
export function clockRuntime(clock: ManualClock, overrides: Partial<Runtime> & { advance?: (ms: number) => void } = {}): Runtime {
  const { advance = (ms: number) => clock.advance(ms), ...rest } = overrides;
  return {
    ...realRuntime,
    now: () => clock.now(),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const deadline = clock.now() + ms;
        clock.setTimer(deadline, resolve);
        setImmediate(() => {
          const now = clock.now();
          if (now < deadline) advance(deadline - now);
        });
      }),
    ...rest,
  };
}

/** `base` plus a random extra of up to `base * fraction` (spreads expiries and retries apart). */
export function jittered(base: number, fraction: number, random: () => number): number {
  return Math.round(base + base * fraction * random());
}

/**
 * A Lua script sent by EVALSHA, falling back to EVAL when the server does not have it cached
 * (NOSCRIPT: after a restart, SCRIPT FLUSH, or on a node that never saw it). EVAL caches it again.
 */
export class Script {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: PatternClient, keys: string[], args: RedisArg[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, keys, args);
    } catch (err) {
      if (errorCode(err) !== 'NOSCRIPT') throw err;
      return client.eval(this.source, keys, args);
    }
  }
}

/** Rejects with `TimeoutError` when `p` has not settled within `ms` of real time (a hung connection). */
export async function withTimeout<T>(p: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no reply within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
