// SIP timer values: T1/T2/T4 and the derived timers A-K by their RFC 3261 names (17.1.1.2, 17.1.2.2,
// 17.2.1, 17.2.2, table 4 of Appendix A), Timer C for proxies (16.6 step 11), L and M (RFC 6026 8.4).

export interface TimerConfig {
  /** RTT estimate (RFC 3261 17.1.1.1); default 500 ms. */
  readonly t1Ms: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses; default 4 s. */
  readonly t2Ms: number;
  /** Maximum time a message stays in the network; default 5 s. */
  readonly t4Ms: number;
  /** Proxy INVITE timer (16.6 step 11): MUST be larger than 3 minutes. */
  readonly timerCMs?: number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
/** 16.6 step 11: "larger than 3 minutes". */
export const TIMER_C_MIN_MS = 3 * MINUTE_MS;
/** 17.1.1.2: Timer D is "at least 32 seconds" over unreliable transports, whatever T1 is. */
export const TIMER_D_UNRELIABLE_MIN_MS = 32 * SECOND_MS;

export const DEFAULT_TIMER_CONFIG: Readonly<Required<TimerConfig>> = Object.freeze({
  t1Ms: 500,
  t2Ms: 4 * SECOND_MS,
  t4Ms: 5 * SECOND_MS,
  timerCMs: TIMER_C_MIN_MS + 1 * SECOND_MS,
});

export type TimerConfigResult =
  | { readonly ok: true; readonly config: Readonly<Required<TimerConfig>> }
  | { readonly ok: false; readonly field: keyof TimerConfig; readonly reason: string };

/**
 * Fills defaults and checks the values; a refusal names the field (errors are values at the
 * edges, house rule 5). T1 below 500 ms is allowed (17.1.1.1 permits a smaller T1 on known
 * low-RTT networks); T2 must not be below T1, since the doubling is capped at T2.
 */
export function makeTimerConfig(input: Partial<TimerConfig> = {}): TimerConfigResult {
  const config = { ...DEFAULT_TIMER_CONFIG, ...stripUndefined(input) };
  for (const field of ['t1Ms', 't2Ms', 't4Ms', 'timerCMs'] as const) {
    const v = config[field];
    if (!Number.isSafeInteger(v) || v <= 0) {
      return { ok: false, field, reason: `must be a positive integer of milliseconds, got ${v}` };
    }
  }
  if (config.t2Ms < config.t1Ms) {
    return { ok: false, field: 't2Ms', reason: `must be >= t1Ms (${config.t1Ms}), got ${config.t2Ms}` };
  }
  if (config.timerCMs <= TIMER_C_MIN_MS) {
    return { ok: false, field: 'timerCMs', reason: `must be > 3 minutes (16.6 step 11), got ${config.timerCMs}` };
  }
  return { ok: true, config: Object.freeze(config) };
}

function stripUndefined(input: Partial<TimerConfig>): Partial<TimerConfig> {
  const out: { -readonly [K in keyof TimerConfig]?: number } = {};
  for (const k of ['t1Ms', 't2Ms', 't4Ms', 'timerCMs'] as const) {
    const v = input[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

// --- INVITE client transaction (17.1.1.2) ---

/** Timer A: first INVITE retransmit interval (T1), doubled after each retransmission. */
export const timerA = (c: TimerConfig): number => c.t1Ms;
/** The next Timer A interval: doubles with no cap (17.1.1.2). */
export const nextTimerA = (prevMs: number): number => 2 * prevMs;
/** Timer B: INVITE transaction timeout, 64*T1. */
export const timerB = (c: TimerConfig): number => 64 * c.t1Ms;
/** Timer D: wait for response retransmissions; >= 32 s unreliable, 0 reliable. */
export const timerD = (c: TimerConfig, reliable: boolean): number =>
  reliable ? 0 : Math.max(TIMER_D_UNRELIABLE_MIN_MS, 64 * c.t1Ms);
/** Timer M (RFC 6026 8.4): client lingers in Accepted for 2xx retransmissions, 64*T1. */
export const timerM = (c: TimerConfig): number => 64 * c.t1Ms;

// --- non-INVITE client transaction (17.1.2.2) ---

/** Timer E: first request retransmit interval (T1). */
export const timerE = (c: TimerConfig): number => c.t1Ms;
/** The next Timer E interval: Trying doubles up to T2; Proceeding always uses T2. */
export const nextTimerE = (c: TimerConfig, prevMs: number, proceeding: boolean): number =>
  proceeding ? c.t2Ms : Math.min(2 * prevMs, c.t2Ms);
/** Timer F: non-INVITE transaction timeout, 64*T1. */
export const timerF = (c: TimerConfig): number => 64 * c.t1Ms;
/** Timer K: wait for response retransmissions; T4 unreliable, 0 reliable. */
export const timerK = (c: TimerConfig, reliable: boolean): number => (reliable ? 0 : c.t4Ms);

// --- INVITE server transaction (17.2.1) ---

/** Timer G: first final-response retransmit interval (T1). */
export const timerG = (c: TimerConfig): number => c.t1Ms;
/** The next Timer G interval: doubles, capped at T2. */
export const nextTimerG = (c: TimerConfig, prevMs: number): number => Math.min(2 * prevMs, c.t2Ms);
/** Timer H: wait for the ACK, 64*T1. */
export const timerH = (c: TimerConfig): number => 64 * c.t1Ms;
/** Timer I: absorb ACK retransmissions; T4 unreliable, 0 reliable. */
export const timerI = (c: TimerConfig, reliable: boolean): number => (reliable ? 0 : c.t4Ms);
/** Timer L (RFC 6026 8.4): server lingers in Accepted to absorb INVITE retransmissions, 64*T1. */
export const timerL = (c: TimerConfig): number => 64 * c.t1Ms;

// --- non-INVITE server transaction (17.2.2) ---

/** Timer J: absorb request retransmissions; 64*T1 unreliable, 0 reliable. */
export const timerJ = (c: TimerConfig, reliable: boolean): number => (reliable ? 0 : 64 * c.t1Ms);

// --- proxy (16.6 step 11) ---

/** Timer C: a proxied INVITE with no final response is given up (with CANCEL) after this. */
export const timerC = (c: TimerConfig): number => c.timerCMs ?? DEFAULT_TIMER_CONFIG.timerCMs;
