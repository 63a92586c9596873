/**
 * Client eviction (Redis 7.0's maxmemory-clients, networking.c evictClients):
 *
 * - The limit is maxmemory-clients in bytes, or, written as a percentage, that share of
 *   maxmemory (no limit while maxmemory is 0); 0 turns eviction off. A limit under 128 KB counts
 *   as 128 KB, so a bad setting cannot cut every client off.
 * - The clients counted are the normal and pub/sub ones (MONITOR included; never replicas or a
 *   primary link), CLIENT NO-EVICT ones included: their memory counts, but they are never
 *   evicted, so others go in their place. A client's memory is its CLIENT LIST tot-mem
 *   (engine/client-memory.ts), re-measured as Redis does after its reads, after each of its
 *   commands and after output is written to it.
 * - When their sum reaches the limit (>=), before the next command and after each read, the
 *   evictable client using the most memory is closed at once (pending output dropped), logged at notice
 *   level as `Evicting client: <CLIENT LIST line>` and counted in INFO stats evicted_clients,
 *   until the sum is under the limit. A client evicted before its own command never runs it.
 *   Redis takes clients from power-of-two memory buckets, largest bucket first and within a
 *   bucket in the order they entered it; redis-sim takes the largest client first.
 * - With nothing left to evict, Redis logs `Over client maxmemory after evicting all evictable
 *   clients` (warning).
 */

import { clientType } from '../commands/client.js';
import type { Client } from '../engine/client.js';
import { clientInfoLine, NO_EVICT } from '../engine/client-info.js';
import { clientMemory } from '../engine/client-memory.js';
import type { RedisNode } from '../engine/node.js';

const MIN_LIMIT = 128 * 1024;

/** What eviction needs of a connection. */
interface Closable {
  destroy(): void;
}

export class ClientEviction {
  /** Counted clients (normal and pub/sub) and the memory last measured for each. */
  private readonly measured = new Map<Client, number>();
  private readonly conns = new Map<Client, Closable>();
  private total = 0;
  private limit = 0;
  private scheduled = false;

  constructor(private readonly node: RedisNode) {
    this.limit = this.computeLimit();
    const changed = () => {
      this.limit = this.computeLimit();
      for (const c of this.conns.keys()) this.update(c);
    };
    node.config.onChange('maxmemory-clients', changed);
    node.config.onChange('maxmemory', changed);
  }

  /** getClientEvictionLimit: bytes, 0 for no limit. */
  private computeLimit(): number {
    const v = this.node.config.get('maxmemory-clients');
    let bytes: number;
    if (v.endsWith('%')) {
      const maxmemory = Number(this.node.config.get('maxmemory'));
      if (maxmemory <= 0) return 0;
      bytes = Math.floor((maxmemory * Number(v.slice(0, -1))) / 100);
    } else bytes = Number(v);
    if (bytes <= 0) return 0;
    return Math.max(bytes, MIN_LIMIT);
  }

  attach(c: Client, conn: Closable): void {
    this.conns.set(c, conn);
  }

  detach(c: Client): void {
    this.conns.delete(c);
    this.forget(c);
  }

  private forget(c: Client): void {
    const m = this.measured.get(c);
    if (m === undefined) return;
    this.total -= m;
    this.measured.delete(c);
  }

  /** Whether `c` counts toward the limit (stat_clients_type_memory of normal and pub/sub clients). */
  private counted(c: Client): boolean {
    if (this.limit === 0 || c.closed) return false;
    const type = clientType(c);
    return type === 'normal' || type === 'pubsub';
  }

  /** updateClientMemUsageAndBucket: re-measures `c`; schedules an eviction pass when over the limit. */
  update(c: Client): void {
    if (!this.counted(c)) {
      this.forget(c);
      return;
    }
    const mem = clientMemory(c, this.node.clock.now() - c.lastInteraction).total;
    this.total += mem - (this.measured.get(c) ?? 0);
    this.measured.set(c, mem);
    if (this.total >= this.limit && !this.scheduled) {
      // Redis evicts in beforeSleep too: output written to a client outside its own commands.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.evict();
      });
    }
  }

  /** evictClients: closes the largest evictable clients while their sum reaches the limit. */
  evict(): void {
    if (this.limit === 0) return;
    while (this.total >= this.limit) {
      let victim: Client | undefined;
      let most = -1;
      for (const [c, m] of this.measured) {
        // clientEvictionAllowed: counted, and not CLIENT NO-EVICT on.
        if (m > most && !c.ext.get(NO_EVICT)) {
          most = m;
          victim = c;
        }
      }
      if (!victim) {
        this.node.log('warning', 'Over client maxmemory after evicting all evictable clients');
        return;
      }
      this.node.log('notice', `Evicting client: ${clientInfoLine(victim)}`);
      this.node.stats.evictedClients++;
      this.forget(victim);
      this.conns.get(victim)?.destroy();
    }
  }

  /** Whether eviction is on (the limit is not 0). */
  get active(): boolean {
    return this.limit > 0;
  }
}

const perNode = new WeakMap<RedisNode, ClientEviction>();

/** The node's client eviction (one per node, whatever listener its connections came from). */
export function clientEvictionOf(node: RedisNode): ClientEviction {
  let e = perNode.get(node);
  if (!e) {
    e = new ClientEviction(node);
    perNode.set(node, e);
  }
  return e;
}
