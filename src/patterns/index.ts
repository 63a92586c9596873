/**
 * redis-sim/patterns: reference implementations of the cache, queue and lock patterns, written
 * against a small client interface so that they run unchanged on redis-sim and on a real Redis.
 *
 *   import { Redis } from 'ioredis';
 *   import { CacheAside, fromIoredis } from 'redis-sim/patterns';
 *   const cache = new CacheAside(fromIoredis(new Redis()), loadProduct, { ttlMs: 60_000 });
 */
export { fromIoredis, fromNodeRedis, type IoredisLike, type NodeRedisLike } from './adapters.js';
export { CacheAside, type CacheOptions, type Loader } from './cache.js';
export {
  type AutoClaimResult,
  errorCode,
  fromSend,
  type PatternClient,
  type PendingEntry,
  type RedisArg,
  type SetOptions,
  type StreamEntry,
} from './client.js';
export { FencedResource, fencedSet, StaleTokenError } from './fencing.js';
export { EXTEND_SCRIPT, type FencedLease, FencedLock, type Lease, type LockOptions, RELEASE_SCRIPT, RedisLock } from './lock.js';
export { Redlock, type RedlockAttempt, type RedlockLease, type RedlockOptions } from './redlock.js';
export { type Job, ReliableQueue, type ReliableQueueOptions, ReliableWorker } from './reliable-queue.js';
export {
  clockRuntime,
  jittered,
  type ManualClock,
  type Runtime,
  realRuntime,
  runtime,
  Script,
  TimeoutError,
  withTimeout,
} from './runtime.js';
export { SimpleQueue } from './simple-queue.js';
export { type StepResult, type StreamHandler, StreamWorker, type StreamWorkerOptions } from './stream-worker.js';
