/**
 * Adapters from the two common Node.js clients to PatternClient. They are typed structurally, so
 * redis-sim does not depend on either package: pass your own client instance.
 *
 * Both send raw commands and read RESP2 replies (ioredis always speaks RESP2; node-redis does by
 * default: create it without `RESP: 3`).
 */
import { fromSend, type PatternClient, type RedisArg } from './client.js';

/** The part of an ioredis `Redis` instance the adapter uses. */
export interface IoredisLike {
  call(command: string, ...args: RedisArg[]): Promise<unknown>;
}

/** The part of a node-redis (`redis` v4/v5) client the adapter uses. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Wraps an ioredis client (`new Redis(...)`). */
export function fromIoredis(redis: IoredisLike): PatternClient {
  return fromSend((command, args) => redis.call(command, ...args));
}

/** Wraps a connected node-redis client (`createClient(...)` after `connect()`). */
export function fromNodeRedis(client: NodeRedisLike): PatternClient {
  return fromSend((command, args) => client.sendCommand([command, ...args.map(String)]));
}
