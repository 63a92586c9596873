/**
 * The virtual clock of a node. Every notion of time in the node reads `now()` and schedules
 * through `setTimer`: TTLs, TIME, stream IDs, idle times, blocking timeouts, pauses.
 *
 * Modes:
 * - system: real time (Date.now()); timers fire on real timeouts.
 * - offset: real time plus a fixed jump; timers fire on real timeouts.
 * - manual: frozen; nothing happens until the test calls advance/set/next. No real timer runs.
 *
 * - derived: `parent.derive({ rate, offset })` follows another clock at its own rate (drift) and
 *   offset (a jump): now = anchor + (parent.now() - parentAnchor) * rate. Its timers fire when the
 *   parent reaches the matching parent time, interleaved with the parent's own timers and those of
 *   its other derived clocks, so many nodes on one root stay deterministic under a manual root.
 *   advance/set on a derived clock jump it alone; moving the root moves all of them.
 *
 * `advance(ms)` walks the timer queue in deadline order (FIFO among equal deadlines), setting
 * `now` to each deadline before firing it, so a timeout at 5 s fires before an expiry at 6 s and
 * each callback sees the time it was due at.
 */
import { MinHeap } from './heap.js';

export type ClockMode = 'system' | 'manual' | 'offset' | 'derived';

export interface ClockOptions {
  mode?: ClockMode;
  /** Start time in ms since the epoch for a manual clock (default: the real time at creation). */
  start?: number;
  /** For mode 'offset': milliseconds added to real time. */
  offset?: number;
}

export interface DeriveOptions {
  /** Speed relative to the parent (1 = same speed, 1.01 = 1% fast, 0 = stopped). Default 1. */
  rate?: number;
  /** Milliseconds added to the parent's time at creation (a clock ahead or behind). Default 0. */
  offset?: number;
}

export interface Timer {
  readonly deadline: number;
  readonly seq: number;
  cancelled: boolean;
  readonly fn: () => void;
}

/**
 * The latest time a clock can show: 2^53 - 1 ms since the epoch (year 287396). Up to there every
 * millisecond is an exact integer, so TIME, PTTL and the like reply valid RESP integers, and the
 * time in microseconds stays inside Redis's long long (ustime) as well.
 */
export const MAX_CLOCK_MS = Number.MAX_SAFE_INTEGER;

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
  /** Derived clocks: the clock followed, the two times that correspond, and the rate. */
  private parent: Clock | undefined;
  private anchorSelf = 0;
  private anchorParent = 0;
  private rateV = 1;
  private rateBeforeFreeze = 1;
  private parentTimer: Timer | undefined;
  private parentTimerFor = Number.POSITIVE_INFINITY;
  private unlisten: (() => void) | undefined;
  /**
   * Nested hold()s in progress (a command runs) and the time they read: while held, a running
   * clock (system, offset) answers that one reading instead of asking the OS again.
   */
  private holds = 0;
  private heldAt = 0;

  constructor(opts: ClockOptions = {}) {
    const mode = opts.mode ?? 'system';
    if (mode !== 'system' && mode !== 'manual' && mode !== 'offset') {
      throw new TypeError(`clock mode must be one of 'system', 'manual', 'offset'; got '${String(mode)}'`);
    }
    this.frozen = mode === 'manual';
    this.frozenAt = opts.start ?? Date.now();
    this.offset = mode === 'offset' ? (opts.offset ?? 0) : 0;
    if (mode === 'manual' && opts.start === undefined) this.frozenAt = Date.now();
  }

  get mode(): ClockMode {
    if (this.parent) return 'derived';
    return this.frozen ? 'manual' : this.offset === 0 ? 'system' : 'offset';
  }

  /** Milliseconds since the epoch, as this node sees it. */
  now(): number {
    if (this.parent) return this.anchorSelf + (this.parent.now() - this.anchorParent) * this.rateV;
    if (this.frozen) return this.frozenAt;
    return this.holds > 0 ? this.heldAt : Date.now() + this.offset;
  }

  /** now() ignoring any hold: the real time of a running clock (TIME reads it, as Redis's gettimeofday). */
  unheldNow(): number {
    if (this.parent) return this.anchorSelf + (this.parent.unheldNow() - this.anchorParent) * this.rateV;
    return this.frozen ? this.frozenAt : Date.now() + this.offset;
  }

  /**
   * Holds the time while a command runs: a running clock is read once and now() answers that
   * reading until the matching release() (nested holds share the outermost reading). This is
   * Redis 7.0's call(), which caches the time once per top-level command (server.mstime, with
   * fixed_time_expire): every expiry check and access time inside one command, EXEC or script
   * sees the same millisecond. Moving the clock (set, advance, resume) while held moves the held
   * time with it. A manual clock is unaffected (it only moves when told). Held on the root of a
   * derived clock, so every clock derived from it holds too.
   */
  hold(): void {
    if (this.parent) {
      this.parent.hold();
      return;
    }
    if (this.holds++ === 0) this.heldAt = Date.now() + this.offset;
  }

  /** Ends a hold(). */
  release(): void {
    if (this.parent) {
      this.parent.release();
      return;
    }
    if (this.holds > 0) this.holds--;
  }

  /** Sets the offset of a running clock from real time (and the held time with it). */
  private setOffset(offset: number): void {
    this.offset = offset;
    if (this.holds > 0) this.heldAt = Date.now() + offset;
  }

  /**
   * A clock that follows this one at `rate` times its speed, starting `offset` ms apart: the
   * clock of a node whose time drifts or jumped relative to the others.
   */
  derive(opts: DeriveOptions = {}): Clock {
    const d = new Clock({ mode: 'manual' });
    d.parent = this;
    d.anchorParent = this.now();
    d.anchorSelf = d.anchorParent + (opts.offset ?? 0);
    d.rateV = checkRate(opts.rate ?? 1);
    d.frozen = false;
    d.unlisten = this.onChange(() => d.changed());
    return d;
  }

  /** Speed relative to the parent clock (derived clocks; 1 for others). */
  get rate(): number {
    return this.parent ? this.rateV : 1;
  }

  /** Changes a derived clock's speed from now on (time stays continuous). */
  set rate(r: number) {
    if (!this.parent) throw new RangeError('rate: only a derived clock (clock.derive()) has a rate');
    this.reanchor(this.now());
    this.rateV = checkRate(r);
    this.disarmReal();
    this.armReal();
  }

  /** The clock a derived clock follows. */
  get parentClock(): Clock | undefined {
    return this.parent;
  }

  /** Re-anchors a derived clock so that now() is `self` at the parent's current time. */
  private reanchor(self: number): void {
    const p = this.parent as Clock;
    this.anchorParent = p.now();
    this.anchorSelf = self;
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

  /**
   * Moves time forward by `ms` (a finite number >= 0: a string, Infinity or NaN is refused),
   * firing every timer that falls due, in deadline order; returns the new time.
   */
  advance(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new TypeError(`clock.advance(ms): ms must be a finite number >= 0; got ${typeof ms === 'string' ? `'${ms}'` : String(ms)}`);
    }
    if (this.now() + ms > MAX_CLOCK_MS) throw new RangeError(`advance: the clock cannot pass ${MAX_CLOCK_MS} ms since the epoch`);
    this.moveTo(this.now() + ms);
    return this.now();
  }

  /** Sets the time (ms since the epoch). Moving backwards fires nothing; forwards behaves like advance. Returns it. */
  set(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new TypeError(
        `clock.set(ms): ms must be a finite number of milliseconds; got ${typeof ms === 'string' ? `'${ms}'` : String(ms)}`,
      );
    }
    if (ms < 0 || ms > MAX_CLOCK_MS) throw new RangeError(`set: time must be between 0 and ${MAX_CLOCK_MS} ms since the epoch`);
    if (ms >= this.now()) {
      this.moveTo(ms);
      return this.now();
    }
    if (this.parent) {
      this.reanchor(ms);
      this.disarmReal();
      this.armReal();
    } else if (this.frozen) this.frozenAt = ms;
    else this.setOffset(ms - Date.now());
    this.changed();
    return this.now();
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
    if (this.parent) {
      if (this.rateV !== 0) {
        this.rateBeforeFreeze = this.rateV;
        this.rate = 0;
      }
      return;
    }
    if (this.frozen) return;
    this.frozenAt = this.now();
    this.frozen = true;
    this.disarmReal();
  }

  /** Lets time run again from where it stands (real time plus the accumulated offset). */
  resume(): void {
    if (this.parent) {
      if (this.rateV === 0) this.rate = this.rateBeforeFreeze;
      return;
    }
    if (!this.frozen) return;
    this.setOffset(this.frozenAt - Date.now());
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
    this.unlisten?.();
  }

  private moveTo(target: number): void {
    if (this.parent) {
      this.fireUntil(target, (d) => {
        if (d > this.now()) this.reanchor(d);
      });
      if (target > this.now()) this.reanchor(target);
      this.armReal();
    } else if (this.frozen) {
      this.fireUntil(target, (d) => {
        if (d > this.frozenAt) this.frozenAt = d;
      });
      this.frozenAt = Math.max(this.frozenAt, target);
    } else {
      const base = Date.now();
      this.fireUntil(target, (d) => {
        const cur = base + this.offset;
        if (d > cur) this.setOffset(d - base);
      });
      if (target > Date.now() + this.offset) this.setOffset(target - Date.now());
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
    if (this.parent) {
      this.armParent(this.parent);
      return;
    }
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

  /**
   * A derived clock keeps one timer on its parent, at the parent time its earliest deadline maps
   * to. When it fires, the derived time is set to that deadline exactly (no rounding drift).
   */
  private armParent(p: Clock): void {
    if (this.stopped) return;
    this.dropCancelled();
    const t = this.timers.peek();
    if (!t || this.rateV <= 0) {
      this.disarmReal();
      return;
    }
    if (this.parentTimer && !this.parentTimer.cancelled && this.parentTimerFor <= t.deadline) return;
    this.disarmReal();
    const due = t.deadline;
    const at = Math.max(p.now(), this.anchorParent + (due - this.anchorSelf) / this.rateV);
    this.parentTimerFor = due;
    this.parentTimer = p.setTimer(at, () => {
      this.parentTimer = undefined;
      this.parentTimerFor = Number.POSITIVE_INFINITY;
      if (this.stopped) return;
      if (due > this.now()) this.reanchor(due);
      this.fireUntil(this.now(), () => {});
      this.armParent(p);
      this.changed();
    });
  }

  private disarmReal(): void {
    if (this.parent) {
      this.parent.clearTimer(this.parentTimer);
      this.parentTimer = undefined;
      this.parentTimerFor = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.realTimerAt = Number.POSITIVE_INFINITY;
  }
}

function checkRate(r: number): number {
  if (!(r >= 0) || !Number.isFinite(r)) throw new RangeError('rate must be a finite number >= 0');
  return r;
}
