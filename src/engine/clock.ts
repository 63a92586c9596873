/**
 * The virtual clock of a node. Every notion of time in the node reads `now()` and schedules
 * through `setTimer`: TTLs, TIME, stream IDs, idle times, blocking timeouts, pauses.
 *
 * Modes:
 * - system: real time (Date.now()); timers fire on real timeouts.
 * - offset: real time plus a fixed jump; timers fire on real timeouts.
 * - manual: frozen; nothing happens until the test calls advance/set/next. No real timer runs.
 *
 * `advance(ms)` walks the timer queue in deadline order (FIFO among equal deadlines), setting
 * `now` to each deadline before firing it, so a timeout at 5 s fires before an expiry at 6 s and
 * each callback sees the time it was due at.
 */
import { MinHeap } from './heap.js';

export type ClockMode = 'system' | 'manual' | 'offset';

export interface ClockOptions {
  mode?: ClockMode;
  /** Start time in ms since the epoch for a manual clock (default: the real time at creation). */
  start?: number;
  /** For mode 'offset': milliseconds added to real time. */
  offset?: number;
}

export interface Timer {
  readonly deadline: number;
  readonly seq: number;
  cancelled: boolean;
  readonly fn: () => void;
}

export class Clock {
  private frozen: boolean;
  private frozenAt: number;
  private offset: number;
  private timers = new MinHeap<Timer>((a, b) => a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq));
  private seq = 0;
  private live = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private realTimerAt = Number.POSITIVE_INFINITY;
  private firing = false;
  private stopped = false;
  /** Listeners told after every change of time (advance, set, resume): used to expire keys lazily-free. */
  private readonly listeners = new Set<() => void>();

  constructor(opts: ClockOptions = {}) {
    const mode = opts.mode ?? 'system';
    this.frozen = mode === 'manual';
    this.frozenAt = opts.start ?? Date.now();
    this.offset = mode === 'offset' ? (opts.offset ?? 0) : 0;
    if (mode === 'manual' && opts.start === undefined) this.frozenAt = Date.now();
  }

  get mode(): ClockMode {
    return this.frozen ? 'manual' : this.offset === 0 ? 'system' : 'offset';
  }

  /** Milliseconds since the epoch, as this node sees it. */
  now(): number {
    return this.frozen ? this.frozenAt : Date.now() + this.offset;
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.live;
  }

  /** The deadline of the earliest pending timer, or undefined. */
  nextDeadline(): number | undefined {
    this.dropCancelled();
    return this.timers.peek()?.deadline;
  }

  /** Schedules `fn` at absolute time `deadline` (ms). */
  setTimer(deadline: number, fn: () => void): Timer {
    const t: Timer = { deadline, seq: this.seq++, cancelled: false, fn };
    this.timers.push(t);
    this.live++;
    this.armReal();
    return t;
  }

  clearTimer(t: Timer | undefined): void {
    if (!t || t.cancelled) return;
    t.cancelled = true;
    this.live--;
    // Keep the heap from filling with cancelled timers (e.g. many unblocked clients).
    if (this.timers.size > 64 && this.timers.size > this.live * 2) this.timers.filter((x) => !x.cancelled);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in deadline order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance: milliseconds must be a non-negative number');
    this.moveTo(this.now() + ms);
  }

  /** Sets the time. Moving backwards fires nothing; moving forwards behaves like advance. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('set: time must be a finite number of milliseconds');
    if (ms >= this.now()) {
      this.moveTo(ms);
      return;
    }
    if (this.frozen) this.frozenAt = ms;
    else this.offset = ms - Date.now();
    this.changed();
  }

  /** Advances to the next pending deadline and fires what is due then; returns the new time or undefined when nothing is pending. */
  next(): number | undefined {
    const d = this.nextDeadline();
    if (d === undefined) return undefined;
    this.moveTo(Math.max(d, this.now()));
    return this.now();
  }

  /** Stops time where it is (switches to manual). */
  freeze(): void {
    if (this.frozen) return;
    this.frozenAt = this.now();
    this.frozen = true;
    this.disarmReal();
  }

  /** Lets time run again from where it stands (real time plus the accumulated offset). */
  resume(): void {
    if (!this.frozen) return;
    this.offset = this.frozenAt - Date.now();
    this.frozen = false;
    this.fireDue();
    this.armReal();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Cancels every timer and real timeout (the node is stopping). */
  stop(): void {
    this.stopped = true;
    this.timers.clear();
    this.live = 0;
    this.disarmReal();
  }

  private moveTo(target: number): void {
    if (this.frozen) {
      this.fireUntil(target, (d) => {
        if (d > this.frozenAt) this.frozenAt = d;
      });
      this.frozenAt = Math.max(this.frozenAt, target);
    } else {
      const base = Date.now();
      this.fireUntil(target, (d) => {
        const cur = base + this.offset;
        if (d > cur) this.offset = d - base;
      });
      if (target > Date.now() + this.offset) this.offset = target - Date.now();
      this.armReal();
    }
    this.changed();
  }

  /** Fires timers with deadline <= target, in order; `setNow` moves time to each deadline first. */
  private fireUntil(target: number, setNow: (deadline: number) => void): void {
    for (;;) {
      this.dropCancelled();
      const t = this.timers.peek();
      if (!t || t.deadline > target) return;
      this.timers.pop();
      t.cancelled = true;
      this.live--;
      setNow(t.deadline);
      t.fn();
    }
  }

  private fireDue(): void {
    if (this.firing || this.stopped) return;
    this.firing = true;
    try {
      const now = this.now();
      this.fireUntil(now, () => {});
    } finally {
      this.firing = false;
    }
  }

  private dropCancelled(): void {
    while (this.timers.peek()?.cancelled) this.timers.pop();
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** In system/offset mode, keeps one real timeout armed for the earliest deadline. */
  private armReal(): void {
    if (this.frozen || this.stopped) return;
    this.dropCancelled();
    const t = this.timers.peek();
    if (!t) {
      this.disarmReal();
      return;
    }
    if (this.realTimer && this.realTimerAt <= t.deadline) return;
    this.disarmReal();
    const delay = Math.max(0, Math.min(t.deadline - this.now(), 2 ** 31 - 1));
    this.realTimerAt = t.deadline;
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.realTimerAt = Number.POSITIVE_INFINITY;
      this.fireDue();
      this.armReal();
    }, Math.ceil(delay));
    this.realTimer.unref();
  }

  private disarmReal(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.realTimerAt = Number.POSITIVE_INFINITY;
  }
}
