// Nonce-count replay protection (RFC 7616 §3.4 and §5.3, RFC 2617 §3.2.2): for each nonce this
// process issued and saw used, the last nonce-count accepted; a request must bring a higher one.
// Bounded: least recently used entries go first, and once gone their nonces are stale, never fresh.

export type NonceCountVerdict = 'ok' | 'replay' | 'stale';

class Entry {
  constructor(
    public nc: number,
    public usedSec: number,
  ) {}
}

export class NonceCountTracker {
  /** Nonce sequence number -> entry; Map order is least recently used first. */
  readonly #entries = new Map<number, Entry>();
  /**
   * Every nonce that left the table has a sequence number <= this. A nonce at or below it with no
   * entry may have been used before, so it is stale: dropping an entry never reopens a replay.
   */
  #forgottenUpTo = 0;
  readonly #maxEntries: number;
  readonly #lifetimeSec: number;

  constructor(maxEntries: number, lifetimeSec: number) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be >= 1, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
    this.#lifetimeSec = lifetimeSec;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Accepts nonce-count `nc` for nonce `seq` when it is higher than the last one accepted for it
   * ('ok', remembered), 'replay' when it is not, 'stale' when the nonce's history was dropped.
   */
  accept(seq: number, nc: number, nowSec: number): NonceCountVerdict {
    const e = this.#entries.get(seq);
    if (e !== undefined) {
      if (nc <= e.nc) return 'replay';
      e.nc = nc;
      e.usedSec = nowSec;
      // Move to the most recently used end.
      this.#entries.delete(seq);
      this.#entries.set(seq, e);
      return 'ok';
    }
    if (seq <= this.#forgottenUpTo) return 'stale';
    this.sweep(nowSec);
    while (this.#entries.size >= this.#maxEntries) this.dropOldest();
    this.#entries.set(seq, new Entry(nc, nowSec));
    return 'ok';
  }

  /**
   * Drops entries unused for longer than the nonce lifetime: their nonces, issued before that
   * last use, have expired. At most a few per call, so no call costs more than a constant.
   */
  private sweep(nowSec: number): void {
    for (let n = 0; n < SWEEP_PER_CALL; n++) {
      const first = this.#entries.entries().next();
      if (first.done === true || nowSec - first.value[1].usedSec <= this.#lifetimeSec) return;
      this.forget(first.value[0]);
    }
  }

  private dropOldest(): void {
    const first = this.#entries.keys().next();
    if (first.done !== true) this.forget(first.value);
  }

  private forget(seq: number): void {
    this.#entries.delete(seq);
    if (seq > this.#forgottenUpTo) this.#forgottenUpTo = seq;
  }
}

/** Expired entries dropped per new entry: more than one, so expired entries leave faster than new ones come. */
const SWEEP_PER_CALL = 2;
