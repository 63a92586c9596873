/**
 * The wire between a primary and one replica, as a test controls it. Every chunk of the
 * replication stream (one propagated command: a write, SELECT, MULTI, EXEC, PING, REPLCONF
 * GETACK) passes through here on its way to the replica:
 *
 *   open      delivered at once (in the same turn of the event loop for in-process replicas)
 *   held      kept in order; release(n) delivers the oldest n commands, release() all of them
 *   delayed   each command is delivered `ms` of virtual time after it was produced (held
 *             commands released later still wait out their own deadline)
 *
 * Cutting the link is not done here: the topology drops the replica (master_link_status:down)
 * and the replica resynchronizes (PSYNC from the backlog) when the link is restored.
 */
import type { Clock, Timer } from '../engine/clock.js';

interface Chunk {
  data: string;
  /** Virtual time it may be delivered at (0: at once). */
  at: number;
}

export class StreamLink {
  private queue: Chunk[] = [];
  private held = false;
  private delayMs = 0;
  private timer: Timer | undefined;
  /** Chunks released by release(n) that still wait for their delay. */
  private released = 0;

  constructor(
    private readonly clock: Clock,
    private readonly deliver: (data: string) => void,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  get delay(): number {
    return this.delayMs;
  }

  /** Commands produced but not delivered yet. */
  get pendingCount(): number {
    return this.queue.length;
  }

  /** The undelivered commands' bytes, oldest first. */
  pendingData(): string[] {
    return this.queue.map((c) => c.data);
  }

  send(data: string): void {
    const at = this.delayMs > 0 ? this.clock.now() + this.delayMs : 0;
    if (!this.held && this.queue.length === 0 && at === 0) {
      this.deliver(data);
      return;
    }
    this.queue.push({ data, at });
    this.pump();
  }

  hold(): void {
    this.held = true;
  }

  /** Delivers the oldest `n` held commands (all when undefined) and, for all, lifts the hold. */
  release(n?: number): number {
    if (n === undefined) {
      this.held = false;
      this.released = 0;
    } else this.released += n;
    const before = this.queue.length;
    this.pump();
    return before - this.queue.length;
  }

  /** Delays every command produced from now on by `ms` of virtual time (0: no delay). */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Drops everything undelivered (the link broke) and returns it. */
  drop(): string[] {
    const lost = this.pendingData();
    this.queue = [];
    this.released = 0;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    return lost;
  }

  private pump(): void {
    const now = this.clock.now();
    while (this.queue.length > 0) {
      const head = this.queue[0] as Chunk;
      if (this.held && this.released === 0) break;
      if (head.at > now) {
        this.arm(head.at);
        return;
      }
      this.queue.shift();
      if (this.held) this.released--;
      this.deliver(head.data);
    }
  }

  private arm(at: number): void {
    if (this.timer && !this.timer.cancelled && this.timer.deadline === at) return;
    this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(at, () => {
      this.timer = undefined;
      this.pump();
    });
  }
}
