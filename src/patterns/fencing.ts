/**
 * Fencing tokens: the resource, not the lock, enforces mutual exclusion.
 *
 * A lock service hands out a number that grows with every acquisition (FencedLock: INCR in the
 * acquiring script). The holder sends it with each write; the resource remembers the largest
 * token it has accepted and refuses anything smaller. A holder that was paused past its TTL
 * comes back with an old token and is refused, however sure it is that it still holds the lock.
 */
import type { PatternClient } from './client.js';
import { Script } from './runtime.js';

export class StaleTokenError extends Error {
  override name = 'StaleTokenError';
  constructor(
    readonly token: number,
    readonly highest: number,
  ) {
    super(`fencing token ${token} is older than ${highest}`);
  }
}

/**
 * A resource (think: a row in a database, a file in object storage) that accepts a write only
 * with a token at least as large as every token it has seen. Equal tokens are the same holder
 * writing again.
 */
export class FencedResource<T> {
  private highest = Number.NEGATIVE_INFINITY;
  private current: T | undefined;
  /** Every accepted write, in order. */
  readonly accepted: { token: number; value: T }[] = [];

  get value(): T | undefined {
    return this.current;
  }

  write(token: number, value: T): void {
    if (token < this.highest) throw new StaleTokenError(token, this.highest);
    this.highest = token;
    this.current = value;
    this.accepted.push({ token, value });
  }
}

/**
 * The same check as a conditional write inside Redis: KEYS[1] is a hash {token, value}; the write
 * happens only when ARGV[1] >= the stored token. Returns 1 when written, 0 when refused.
 */
const FENCED_SET_SCRIPT = new Script(`local seen = tonumber(redis.call('HGET', KEYS[1], 'token'))
local token = tonumber(ARGV[1])
if seen and token < seen then return 0 end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'value', ARGV[2])
return 1`);

/** Writes `value` to the hash `key` unless a larger fencing token wrote it before; true when written. */
export async function fencedSet(client: PatternClient, key: string, token: number, value: string): Promise<boolean> {
  return (await FENCED_SET_SCRIPT.run(client, [key], [token, value])) === 1;
}
