/**
 * maxmemory and eviction: a deterministic model of Redis 7.0's performEvictions.
 *
 * Memory is an estimate of what redis-sim's own structures take in V8's heap (calibrated, see
 * engine/values.ts's KEY_OVERHEAD), not jemalloc's byte count: every RedisObject caches `mem`, its
 * key's estimated size (key, value, fixed per-key overhead), a bare string's is computed (always
 * exact, so always counted), a deadline adds EXPIRE_OVERHEAD, and each database keeps the sum
 * (Database.mem, maintained by add/set/setString/removeKey/setExpire/persist/clear/swapWith).
 * After a write command the dispatcher re-measures the keys the command names
 * (keyPositions) — O(keys) with an O(1) size function per type:
 *   string          its JS string's size
 *   list/set/hash/zset/stream   the container + element count × (per-element overhead + the
 *                   size of one sampled element: the first one), so big elements weigh more
 *                   without a scan
 * The node's estimate is MEMORY_BASELINE + the databases' sums. No collection is measured while maxmemory
 * is 0; setting maxmemory re-measures every key once (O(N)), then evicts as Redis's CONFIG SET does.
 * While maxmemory is set, INFO memory's used_memory is this estimate (what eviction compares with
 * maxmemory, as in Redis); without a limit it reports the process's heap.
 *
 * Before every command (when maxmemory > 0; Redis's processCommand), keys are evicted while the
 * estimate exceeds maxmemory. Unlike Redis, which samples maxmemory-samples keys, the choice is exact
 * and deterministic:
 *   allkeys-lru / volatile-lru   lowest access time (obj.lru)
 *   allkeys-lfu / volatile-lfu   lowest access counter (obj.freq), then lowest lru
 *   volatile-ttl                 nearest deadline
 *   allkeys-random / volatile-random   the first key in SCAN order (the lowest database first)
 * Ties go to the lower database, then the first key met. volatile-* consider only keys with a
 * deadline. Finding candidates is one pass over the keys (expires table for volatile-*), which
 * fills a pool of the POOL_SIZE best candidates, so a command that must evict costs O(N) (Redis:
 * O(samples)); commands under the limit cost nothing.
 *
 * Each eviction deletes the key, counts it in INFO stats evicted_keys, signals it modified
 * (WATCH is invalidated) and fires the "evicted" keyspace event (class e). When the estimate is
 * still over the limit (noeviction, or nothing evictable) the command is refused with the OOM
 * error if it is denyoom, if the client is in MULTI (any queued command but EXEC, DISCARD, QUIT
 * and RESET) or if it is EXEC of a transaction holding a denyoom command — Redis's
 * reject_cmd_on_oom. Scripts follow Redis 7.0's OOM rules: a script with flags is denyoom unless
 * it declares allow-oom or no-writes, and a script's first write decides (see
 * scripting/redis-api.ts and scripting/engine.ts).
 */

import { readBytes } from '../types/bitmap.js';
import type { Client } from './client.js';
import type { CommandSpec, ResolvedCommand } from './command.js';
import { commandIsDenyoom } from './command-flags.js';
import type { Database } from './database.js';
import type { RedisNode } from './node.js';
import { KEY_OVERHEAD, type RedisObject, stringCost } from './values.js';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Bytes the estimate counts for an empty server. */
export const MEMORY_BASELINE = 1024;

/*
 * A collection weighs a fixed part (the JS container) plus, per element, the container's slot
 * (PER_ELEMENT) and the element's strings; measured within ~10% for lists, sets, hashes, sorted
 * sets and streams of small and large sizes.
 */
const COLLECTION_FIXED = { list: 80, set: 456, hash: 464, zset: 948, stream: 800 } as const;
const PER_ELEMENT = { list: 16, set: 112, hash: 123, zset: 226, stream: 180 } as const;
/** Candidates kept per pass over the keyspace. */
const POOL_SIZE = 16;

/** Commands a client in MULTI may still run when over the limit. */
const MULTI_OOM_ALLOWED = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * The estimated size of `key` holding `o` (O(1): a collection's elements are weighed by one
 * sampled element, the first); its deadline is counted by the database (EXPIRE_OVERHEAD).
 */
export function estimateSize(key: string, o: RedisObject): number {
  let value: number;
  switch (o.type) {
    case 'string':
      // readBytes: a value kept as a byte buffer (SETBIT, a large SETRANGE) is not stringified.
      value = stringCost(readBytes(o as RedisObject<'string'>).len);
      break;
    case 'list': {
      const d = o.value as RedisObject<'list'>['value'];
      value = COLLECTION_FIXED.list + d.length * (PER_ELEMENT.list + stringCost(d.get(0)?.length ?? 0));
      break;
    }
    case 'set': {
      const st = o.value as Set<string>;
      let sample = 0;
      for (const m of st) {
        sample = m.length;
        break;
      }
      value = COLLECTION_FIXED.set + st.size * (PER_ELEMENT.set + stringCost(sample));
      break;
    }
    case 'hash': {
      const h = o.value as Map<string, string>;
      let sample = 0;
      for (const [f, v] of h) {
        sample = stringCost(f.length) + stringCost(v.length);
        break;
      }
      value = COLLECTION_FIXED.hash + h.size * (PER_ELEMENT.hash + sample);
      break;
    }
    case 'zset': {
      const z = o.value as RedisObject<'zset'>['value'];
      value = COLLECTION_FIXED.zset + z.size * (PER_ELEMENT.zset + stringCost(z.first()?.member.length ?? 0));
      break;
    }
    default: {
      const st = o.value as RedisObject<'stream'>['value'];
      let sample = 0;
      for (const f of st.firstEntry()?.fields ?? []) sample += stringCost(f.length) + 8;
      value = COLLECTION_FIXED.stream + st.length * (PER_ELEMENT.stream + sample) + st.groups.size * COLLECTION_FIXED.stream;
    }
  }
  return KEY_OVERHEAD + stringCost(key.length) + value;
}

type Policy = 'lru' | 'lfu' | 'ttl' | 'random' | 'none';

interface Candidate {
  db: Database;
  key: string;
  /** Lower is evicted first. */
  rank: number;
  /** Second rank (LFU ties: access time). */
  rank2: number;
}

export class Eviction {
  /** maxmemory in bytes (0: no limit); cached, read before every command. */
  limit = 0;
  /**
   * Whether the node was out of memory when the last admitted command started (Redis's
   * server.pre_command_oom_state; kept while there is no limit, and read only with one). A
   * script started by that command (EVAL*, FCALL*, EXEC) refuses denyoom calls accordingly.
   */
  preCommandOomState = false;

  constructor(private readonly node: RedisNode) {
    this.limit = Number(node.config.get('maxmemory'));
    node.config.onChange('maxmemory', (v) => {
      this.limit = Number(v);
      if (this.limit > 0) {
        // Sizes are not kept while there is no limit: measure everything once, then evict as
        // Redis's CONFIG SET maxmemory does.
        this.remeasureAll();
        this.performEvictions();
      }
    });
  }

  /** The node's estimated memory use in bytes. */
  used(): number {
    let sum = MEMORY_BASELINE;
    for (let i = 0; i < this.node.databaseCount; i++) sum += this.node.db(i).mem;
    return sum;
  }

  /** Re-measures every key of every database (O(N)). */
  remeasureAll(): void {
    for (let i = 0; i < this.node.databaseCount; i++) {
      this.node.db(i).remeasureAll(estimateSize);
    }
  }

  /** After a write command: re-measures the keys it names (only called when limit > 0). */
  measureKeys(db: Database, spec: CommandSpec, args: string[], positions: (spec: CommandSpec, args: string[]) => number[]): void {
    for (const p of positions(spec, args)) db.remeasure(args[p] as string, estimateSize);
  }

  /**
   * Before a command (limit > 0): evicts as needed; false when the command must be refused with
   * OOM_ERROR (Redis's processCommand reject_cmd_on_oom). Denyoom is the command's flag as
   * Redis's getCommandFlags sees it: a script with flags (EVAL with a shebang, EVALSHA of one,
   * FCALL) is denyoom unless it declares allow-oom or no-writes (engine/command-flags.ts, scripting/flags.ts); EXEC is
   * when its transaction queued a denyoom command. An admitted command notes whether the node
   * was out of memory (pre_command_oom_state): scripts check their redis.call against it.
   */
  admit(c: Client, r: ResolvedCommand, args: string[]): boolean {
    const fits = this.performEvictions();
    if (!fits && this.refuses(c, r, args)) return false;
    this.preCommandOomState = !fits;
    return true;
  }

  /** The command is refused when out of memory. */
  private refuses(c: Client, r: ResolvedCommand, args: string[]): boolean {
    if (commandIsDenyoom(this.node, r, args)) return true;
    if (!c.multi) return false;
    const name = r.parent ? r.parent.name : r.spec.name;
    if (name === 'exec') return c.multi.denyoom === true;
    return !MULTI_OOM_ALLOWED.has(name);
  }

  private policy(): { policy: Policy; volatile: boolean } {
    const p = this.node.config.get('maxmemory-policy');
    if (p === 'noeviction') return { policy: 'none', volatile: false };
    const volatile = p.startsWith('volatile-');
    const kind = p.slice(p.indexOf('-') + 1);
    return { policy: kind as Policy, volatile };
  }

  /** Evicts keys until the estimate is within maxmemory; false if it could not get there. */
  performEvictions(): boolean {
    if (this.limit <= 0) return true;
    let used = this.used();
    if (used <= this.limit) return true;
    const { policy, volatile } = this.policy();
    if (policy === 'none') return false;
    while (used > this.limit) {
      const pool = policy === 'random' ? this.firstInScanOrder(volatile) : this.fillPool(policy, volatile);
      if (pool.length === 0) return false;
      for (const cand of pool) {
        if (used <= this.limit) break;
        if (!cand.db.hasKey(cand.key)) continue;
        this.evict(cand.db, cand.key);
        used = this.used();
      }
    }
    // Evictions are propagated as they stand, one DEL each, not wrapped in MULTI/EXEC.
    this.node.propagation.flush(false);
    return true;
  }

  private evict(db: Database, key: string): void {
    const node = this.node;
    db.removeKey(key);
    node.propagation.evicted(db, key);
    node.stats.evictedKeys++;
    // Redis's performEvictions: signalModifiedKey, then the "evicted" event.
    node.signalModifiedKey(db, key);
    node.notify(db, 'e', 'evicted', key);
  }

  /** random policies: the first key (with a deadline for volatile-random) in SCAN order. */
  private firstInScanOrder(volatile: boolean): Candidate[] {
    for (let i = 0; i < this.node.databaseCount; i++) {
      const db = this.node.db(i);
      if ((volatile ? db.expires.size : db.size) === 0) continue;
      let found: string | undefined;
      let cursor = 0;
      do {
        cursor = db.scan(cursor, 16, (key) => {
          if (found === undefined && (!volatile || db.expires.has(key))) found = key;
        });
      } while (found === undefined && cursor !== 0);
      if (found !== undefined) return [{ db, key: found, rank: 0, rank2: 0 }];
    }
    return [];
  }

  /** Offers `key` ranked by access time (lru) or count then access time (lfu). */
  private offerKey(db: Database, key: string, policy: Policy, offer: (c: Candidate) => void): void {
    const lru = db.lruOf(key);
    offer({ db, key, rank: policy === 'lru' ? lru : db.freqOf(key), rank2: lru });
  }

  /** One pass over the candidates: the POOL_SIZE best, best first. */
  private fillPool(policy: Policy, volatile: boolean): Candidate[] {
    const pool: Candidate[] = [];
    const better = (a: Candidate, b: Candidate) => a.rank < b.rank || (a.rank === b.rank && a.rank2 < b.rank2);
    const offer = (cand: Candidate) => {
      if (pool.length === POOL_SIZE && !better(cand, pool[POOL_SIZE - 1] as Candidate)) return;
      let i = pool.length;
      while (i > 0 && better(cand, pool[i - 1] as Candidate)) i--;
      pool.splice(i, 0, cand);
      if (pool.length > POOL_SIZE) pool.pop();
    };
    for (let i = 0; i < this.node.databaseCount; i++) {
      const db = this.node.db(i);
      if (volatile) {
        for (const [key, at] of db.expires) {
          if (!db.hasKey(key)) continue;
          if (policy === 'ttl') offer({ db, key, rank: at, rank2: 0 });
          else this.offerKey(db, key, policy, offer);
        }
      } else {
        for (const key of db.allKeys()) this.offerKey(db, key, policy, offer);
      }
    }
    return pool;
  }
}
