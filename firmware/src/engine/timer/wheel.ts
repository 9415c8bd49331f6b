// A hashed timing wheel (Varghese & Lauck, scheme 6): O(1) arm/disarm with intrusive entries, so the
// thousands of RFC 3261 §17 transaction timers cost no allocation when armed. Driven by a Clock.
import type { Clock } from './clock';

export const DEFAULT_TICK_MS = 20;
export const DEFAULT_SLOTS = 512;

/** Where an entry is: on no list, on a slot's list (index >= 0), or collected for firing. */
const NOT_ARMED = -2;
const FIRING = -1;

/**
 * One timer, owned and reused by its owner (a transaction makes its entries once); arming links
 * it into a slot list and allocates nothing. The `_` fields are the wheel's bookkeeping.
 */
export class TimerEntry {
  readonly fire: () => void;
  /** @internal */ _dueMs = 0;
  /** @internal slot index, NOT_ARMED or FIRING */ _slot = NOT_ARMED;
  /** @internal revolutions left before the entry's slot visit is the due one */ _rounds = 0;
  /** @internal arming order, breaks ties between equal due times */ _seq = 0;
  /** @internal */ _prev: TimerEntry | null = null;
  /** @internal */ _next: TimerEntry | null = null;

  constructor(fire: () => void) {
    this.fire = fire;
  }

  get armed(): boolean {
    return this._slot !== NOT_ARMED;
  }

  /** Clock time at which the entry becomes due; meaningful while armed (the last one after). */
  get dueMs(): number {
    return this._dueMs;
  }
}

export interface TimerWheelOptions {
  /** Resolution: an entry fires at the first tick boundary at or after its due time. */
  tickMs?: number;
  /** Slots per revolution; entries due later than one revolution carry a rounds count. */
  slots?: number;
  /**
   * The timer loop's error boundary (house rule 5): a fire callback that throws is a bug, reported
   * here and the other timers still fire. Without it the first error is rethrown after the run.
   */
  onError?: (err: unknown) => void;
}

export class TimerWheel {
  readonly tickMs: number;
  readonly slotCount: number;
  readonly #clock: Clock;
  readonly #onError: ((err: unknown) => void) | undefined;
  /** Head of each slot's doubly linked list. */
  readonly #heads: (TimerEntry | null)[];
  readonly #originMs: number;
  /** The last tick whose slot was processed; arming always targets a later tick. */
  #doneTick: number;
  #armed = 0;
  #seq = 0;
  #running = false;
  /** Reused between runs: the entries due in the tick being processed, sorted by due time. */
  readonly #batch: TimerEntry[] = [];
  #interval: ReturnType<typeof setInterval> | null = null;
  #started = false;

  constructor(clock: Clock, opts: TimerWheelOptions = {}) {
    const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
    const slots = opts.slots ?? DEFAULT_SLOTS;
    if (!Number.isSafeInteger(tickMs) || tickMs <= 0) {
      throw new RangeError(`tickMs must be a positive integer, got ${tickMs}`);
    }
    if (!Number.isSafeInteger(slots) || slots <= 0) {
      throw new RangeError(`slots must be a positive integer, got ${slots}`);
    }
    this.tickMs = tickMs;
    this.slotCount = slots;
    this.#clock = clock;
    this.#onError = opts.onError;
    this.#heads = new Array<TimerEntry | null>(slots).fill(null);
    this.#originMs = clock.nowMs();
    this.#doneTick = 0;
  }

  get armedCount(): number {
    return this.#armed;
  }

  /** Arms (or re-arms) `e` to fire `delayMs` from now; a negative delay counts as 0. */
  arm(e: TimerEntry, delayMs: number): void {
    if (e._slot !== NOT_ARMED) this.disarm(e);
    const nowMs = this.#clock.nowMs();
    const dueMs = nowMs + (delayMs > 0 ? delayMs : 0);
    // Ceil: the entry's tick boundary is at or after dueMs, so it never fires early.
    let dueTick = Math.ceil((dueMs - this.#originMs) / this.tickMs);
    if (dueTick <= this.#doneTick) dueTick = this.#doneTick + 1;
    const slot = dueTick % this.slotCount;
    e._dueMs = dueMs;
    e._rounds = Math.floor((dueTick - this.#doneTick - 1) / this.slotCount);
    e._seq = this.#seq++;
    e._slot = slot;
    e._prev = null;
    const head = this.#heads[slot];
    e._next = head;
    if (head !== null) head._prev = e;
    this.#heads[slot] = e;
    this.#armed++;
    if (this.#started && this.#interval === null) this.#startInterval();
  }

  /** Disarms `e`; a no-op when it is not armed (also from inside another entry's callback). */
  disarm(e: TimerEntry): void {
    const slot = e._slot;
    if (slot === NOT_ARMED) return;
    if (slot !== FIRING) {
      if (e._prev !== null) e._prev._next = e._next;
      else this.#heads[slot] = e._next;
      if (e._next !== null) e._next._prev = e._prev;
    }
    // A FIRING entry is only in #batch: marking it NOT_ARMED makes the run skip it.
    e._prev = null;
    e._next = null;
    e._slot = NOT_ARMED;
    this.#armed--;
  }

  /**
   * Processes every tick up to now, firing due entries tick by tick and, within a tick, by due
   * time (then arming order). Returns how many fired. Re-entrant calls (from a callback) do nothing.
   */
  runDue(): number {
    if (this.#running) return 0;
    const nowTick = Math.floor((this.#clock.nowMs() - this.#originMs) / this.tickMs);
    if (this.#armed === 0) {
      if (nowTick > this.#doneTick) this.#doneTick = nowTick;
      return 0;
    }
    this.#running = true;
    let fired = 0;
    let firstError: unknown = undefined;
    let failed = false;
    try {
      while (this.#doneTick < nowTick && this.#armed > 0) {
        const tick = ++this.#doneTick;
        this.#collect(tick % this.slotCount);
        const batch = this.#batch;
        if (batch.length === 0) continue;
        if (batch.length > 1) batch.sort(byDueThenSeq);
        for (let i = 0; i < batch.length; i++) {
          const e = batch[i];
          // Disarmed or re-armed by an earlier callback of this batch: not ours to fire now.
          if (e._slot !== FIRING) continue;
          e._slot = NOT_ARMED;
          this.#armed--;
          fired++;
          try {
            e.fire();
          } catch (err) {
            if (this.#onError !== undefined) this.#onError(err);
            else if (!failed) {
              failed = true;
              firstError = err;
            }
          }
        }
        batch.length = 0;
      }
      if (this.#doneTick < nowTick) this.#doneTick = nowTick; // emptied before the last tick
    } finally {
      this.#running = false;
    }
    if (failed) throw firstError;
    return fired;
  }

  /** Earliest due time of the armed entries (their requested time, not the tick), or Infinity. */
  nextDueMs(): number {
    if (this.#armed === 0) return Infinity;
    // Within the next revolution, the first slot (in tick order) holding a rounds-0 entry has
    // the earliest one; entries with rounds > 0 are all due later than that.
    for (let t = 1; t <= this.slotCount; t++) {
      let best = Infinity;
      for (let e = this.#heads[(this.#doneTick + t) % this.slotCount]; e !== null; e = e._next) {
        if (e._rounds === 0 && e._dueMs < best) best = e._dueMs;
      }
      if (best !== Infinity) return best;
    }
    let best = Infinity;
    for (const head of this.#heads) {
      for (let e = head; e !== null; e = e._next) if (e._dueMs < best) best = e._dueMs;
    }
    return best;
  }

  /** Clock time of the next tick boundary: when runDue would next have a slot to process. */
  nextTickMs(): number {
    const nowTick = Math.floor((this.#clock.nowMs() - this.#originMs) / this.tickMs);
    const next = (nowTick > this.#doneTick ? nowTick : this.#doneTick) + 1;
    return this.#originMs + next * this.tickMs;
  }

  /**
   * Real-time driver: an unref'd interval of tickMs that runs only while entries are armed, so an
   * idle box does not wake up every tick (it stops when the wheel empties, restarts on arm).
   */
  start(): void {
    this.#started = true;
    if (this.#armed > 0 && this.#interval === null) this.#startInterval();
  }

  stop(): void {
    this.#started = false;
    if (this.#interval !== null) {
      clearInterval(this.#interval);
      this.#interval = null;
    }
  }

  #startInterval(): void {
    const interval = setInterval(() => {
      this.runDue();
      if (this.#armed === 0 && this.#interval !== null) {
        clearInterval(this.#interval);
        this.#interval = null;
      }
    }, this.tickMs);
    interval.unref();
    this.#interval = interval;
  }

  /** Moves the slot's due entries into #batch (marked FIRING); counts down the others' rounds. */
  #collect(slot: number): void {
    let e = this.#heads[slot];
    while (e !== null) {
      const next = e._next;
      if (e._rounds > 0) {
        e._rounds--;
      } else {
        if (e._prev !== null) e._prev._next = next;
        else this.#heads[slot] = next;
        if (next !== null) next._prev = e._prev;
        e._prev = null;
        e._next = null;
        e._slot = FIRING;
        this.#batch.push(e);
      }
      e = next;
    }
  }
}

function byDueThenSeq(a: TimerEntry, b: TimerEntry): number {
  return a._dueMs - b._dueMs || a._seq - b._seq;
}
