// The engine's sense of time. Injected everywhere (house rule 7) so that state machines are
// tested on a fake clock without sleeping; the system clock is monotonic (performance.now()).
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin; never goes backwards. */
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
};
