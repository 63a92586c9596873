/**
 * A worker in a stream consumer group.
 *
 * - XREADGROUP ... `>` hands each new entry to exactly one consumer of the group and records it in
 *   the group's pending entries list (PEL) with that consumer, a delivery count of 1 and an idle
 *   time that starts now.
 * - XACK removes it from the PEL once processed. An entry whose handler throws stays pending.
 * - A consumer that dies leaves its entries pending forever. XAUTOCLAIM, run by any live
 *   consumer, takes over entries idle for at least `minIdleMs`: they become its own, their idle
 *   time restarts and their delivery count grows by one.
 * - Poison entries fail every time; after `maxDeliveries` deliveries the entry is copied to a
 *   dead-letter stream (with its original id and delivery count) and acknowledged.
 * - A consumer restarting under the same name first reads its own pending entries (id `0`);
 *   one whose message was deleted meanwhile comes back with no fields and is just acknowledged.
 */
import type { PatternClient, StreamEntry } from './client.js';
import { Script } from './runtime.js';

export interface StreamWorkerOptions {
  /** Entries idle this long are claimed from their (presumably dead) consumer (default 60 000). */
  minIdleMs?: number;
  /** Deliveries after which a failing entry goes to the dead-letter stream (default 5). */
  maxDeliveries?: number;
  /** Dead-letter stream (default `<stream>:dead`). */
  deadLetterStream?: string;
  /** Entries per read (default 10). */
  count?: number;
  /** XREADGROUP BLOCK in ms when there is nothing new (default: do not block). */
  blockMs?: number;
}

export interface StepResult {
  /** IDs processed and acknowledged. */
  acked: string[];
  /** IDs whose handler threw (left pending). */
  failed: string[];
  /** IDs moved to the dead-letter stream. */
  deadLettered: string[];
  /** IDs taken over from other consumers by XAUTOCLAIM. */
  claimed: string[];
}

export type StreamHandler = (entry: StreamEntry, deliveries: number) => Promise<void>;

/**
 * Moves one entry to the dead-letter stream and acknowledges it, atomically: KEYS[1] the stream,
 * KEYS[2] the dead-letter stream; ARGV: group, id, deliveries, then the entry's field-value pairs.
 */
const DEAD_LETTER_SCRIPT = new Script(`local fields = {'source-id', ARGV[2], 'deliveries', ARGV[3]}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])`);

export class StreamWorker {
  readonly minIdleMs: number;
  readonly maxDeliveries: number;
  readonly deadLetterStream: string;
  private readonly count: number;
  private readonly blockMs: number | undefined;
  private recovered = false;

  constructor(
    private readonly client: PatternClient,
    readonly stream: string,
    readonly group: string,
    readonly consumer: string,
    opts: StreamWorkerOptions = {},
  ) {
    this.minIdleMs = opts.minIdleMs ?? 60_000;
    this.maxDeliveries = opts.maxDeliveries ?? 5;
    this.deadLetterStream = opts.deadLetterStream ?? `${stream}:dead`;
    this.count = opts.count ?? 10;
    this.blockMs = opts.blockMs;
  }

  /** Creates the group (and the stream) reading from new entries on; false when it existed. */
  ensureGroup(startId = '$'): Promise<boolean> {
    return this.client.xgroupCreate(this.stream, this.group, startId);
  }

  /** Appends an entry (producer side); returns its id. */
  add(fields: Record<string, string>): Promise<string> {
    return this.client.xadd(this.stream, fields);
  }

  /**
   * One round: on the first call this consumer's own pending entries (a restart), then entries
   * stalled at other consumers (XAUTOCLAIM), then new ones (XREADGROUP `>`).
   */
  async step(handler: StreamHandler): Promise<StepResult> {
    const result: StepResult = { acked: [], failed: [], deadLettered: [], claimed: [] };
    if (!this.recovered) {
      this.recovered = true;
      const own = await this.client.xreadgroup(this.group, this.consumer, this.stream, '0', { count: this.count });
      await this.handle(own, handler, result);
    }
    const claimed = await this.claimStalled();
    result.claimed = claimed.map((e) => e.id);
    await this.handle(claimed, handler, result);
    const opts = this.blockMs === undefined ? { count: this.count } : { count: this.count, blockMs: this.blockMs };
    const fresh = await this.client.xreadgroup(this.group, this.consumer, this.stream, '>', opts);
    await this.handle(fresh, handler, result);
    return result;
  }

  /** XAUTOCLAIM entries idle at least minIdleMs, following the cursor until it wraps to 0-0. */
  async claimStalled(): Promise<StreamEntry[]> {
    const out: StreamEntry[] = [];
    let cursor = '0-0';
    do {
      const r = await this.client.xautoclaim(this.stream, this.group, this.consumer, this.minIdleMs, cursor, this.count);
      out.push(...r.entries);
      cursor = r.next;
    } while (cursor !== '0-0');
    return out;
  }

  private async handle(entries: StreamEntry[], handler: StreamHandler, result: StepResult): Promise<void> {
    if (entries.length === 0) return;
    // Delivery counts live in the PEL; one XPENDING over the batch's id range (this consumer's
    // entries only: the batch is ours now) reads them.
    const first = entries[0]!.id;
    const last = entries[entries.length - 1]!.id;
    const pel = await this.client.xpending(this.stream, this.group, first, last, entries.length + 1000, this.consumer);
    const deliveries = new Map(pel.map((p) => [p.id, p.deliveries]));
    for (const entry of entries) {
      if (entry.deleted) {
        // Trimmed or XDELed while pending: nothing left to process.
        await this.client.xack(this.stream, this.group, entry.id);
        continue;
      }
      const n = deliveries.get(entry.id) ?? 1;
      if (n > this.maxDeliveries) {
        await DEAD_LETTER_SCRIPT.run(
          this.client,
          [this.stream, this.deadLetterStream],
          [this.group, entry.id, n, ...Object.entries(entry.fields).flat()],
        );
        result.deadLettered.push(entry.id);
        continue;
      }
      try {
        await handler(entry, n);
      } catch {
        result.failed.push(entry.id);
        continue;
      }
      await this.client.xack(this.stream, this.group, entry.id);
      result.acked.push(entry.id);
    }
  }
}
