// A Clock that moves only when a test says so (house rule 7): transaction timers are tested
// without sleeping, and advance() runs the wheel at every tick boundary on the way.
import type { Clock } from '../../firmware/src/engine/timer/clock';
import type { TimerWheel } from '../../firmware/src/engine/timer/wheel';

export class FakeClock implements Clock {
  #nowMs: number;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /**
   * Moves time forward by `ms`. With a wheel, time stops at each tick boundary on the way and the
   * due timers run there, so a timer fires at the clock time it would on the real driver.
   */
  advance(ms: number, wheel?: TimerWheel): void {
    if (!(ms >= 0)) throw new RangeError(`advance: ms must be >= 0, got ${ms}`);
    const targetMs = this.#nowMs + ms;
    if (wheel !== undefined) {
      // An idle wheel has nothing to run on the way: jump straight to the target.
      for (let next = wheel.nextTickMs(); next <= targetMs && wheel.armedCount > 0; next = wheel.nextTickMs()) {
        this.#nowMs = next;
        wheel.runDue();
      }
    }
    this.#nowMs = targetMs;
    wheel?.runDue();
  }
}
