// The location service's table (RFC 3261 §10, §16.5 "location service"; Kamailio's usrloc): the
// current bindings of each AOR, kept in lookup order, expired by one sweep timer on the wheel.
import { TimerEntry, type TimerWheel } from '../../engine/timer/wheel';
import type { Logger } from '../../log/logger';
import type { StoredBinding } from '../../store/schema';
import { BindingRecord, byLookupOrder, isStoredBinding, type Binding } from './binding';

/**
 * Expiry is one TimerEntry for the whole table (never a timer per binding), armed at the earliest
 * expiry it knows of; a firing sweeps every AOR (O(n)) and re-arms at the new earliest. Sweeps
 * are at least this far apart, so 10,000 phones expiring at scattered times cost at most one
 * scan a second; a binding may therefore outlive its expiry by up to this much.
 */
export const EXPIRY_SWEEP_MIN_GAP_MS = 1000;
/**
 * The sweep never sleeps longer than this: expiresAtMs is wall clock (it is persisted) while the
 * wheel runs on the monotonic clock, so a wall-clock step (NTP setting the time of a board that
 * booted without an RTC) is noticed within a minute rather than at the old due time.
 */
export const EXPIRY_SWEEP_MAX_DELAY_MS = 60_000;

/** 'refreshed': the same contacts re-registered (only expiry, CSeq, User-Agent moved); 'changed': anything else. */
export type ChangeKind = 'changed' | 'refreshed';
export type ChangeListener = (aor: string, kind: ChangeKind) => void;

export interface LocationTableOptions {
  wheel: TimerWheel;
  /** Wall-clock milliseconds since the epoch (Date.now in the daemon, a fake in tests). */
  now: () => number;
  log: Logger;
}

const NO_BINDINGS: readonly Binding[] = Object.freeze([]);

export class LocationTable {
  /** AOR -> its bindings in lookup order. Each array is replaced, never changed in place, so
   *  an array handed out by lookup() stays as it was. */
  readonly #byAor = new Map<string, readonly BindingRecord[]>();
  readonly #listeners: ChangeListener[] = [];
  readonly #wheel: TimerWheel;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #sweepEntry: TimerEntry;
  #count = 0;
  /** Never later than the earliest expiresAtMs in the table (may be earlier after a refresh). */
  #earliestExpiryMs = Infinity;
  /** Wall-clock time the armed sweep is for; Infinity when not armed. */
  #sweepAtMs = Infinity;
  #lastSweepMs = -Infinity;

  constructor(opts: LocationTableOptions) {
    this.#wheel = opts.wheel;
    this.#now = opts.now;
    this.#log = opts.log;
    this.#sweepEntry = new TimerEntry(() => {
      this.#sweepAtMs = Infinity;
      this.sweep();
    });
  }

  /** Current bindings of an AOR, highest q first (equal q: most recent first). No allocation. */
  lookup(aor: string): readonly Binding[] {
    return this.#byAor.get(aor) ?? NO_BINDINGS;
  }

  *all(): IterableIterator<Binding> {
    for (const list of this.#byAor.values()) yield* list;
  }

  /** AORs in insertion order, for ul.dump. */
  aors(): IterableIterator<string> {
    return this.#byAor.keys();
  }

  count(): number {
    return this.#count;
  }

  aorCount(): number {
    return this.#byAor.size;
  }

  /**
   * Replaces all bindings of `aor` at once (an empty list removes the AOR): the registrar's
   * commit, visible to lookups only as a whole (RFC 3261 §10.3 step 7, all or nothing).
   */
  commit(aor: string, next: readonly Binding[]): void {
    const prev = this.#byAor.get(aor);
    if (next.length === 0) {
      if (prev === undefined) return;
      this.#byAor.delete(aor);
      this.#count -= prev.length;
      this.#notify(aor);
      return;
    }
    const list = next.map((b) => BindingRecord.of(b)).sort(byLookupOrder);
    const kind: ChangeKind = prev !== undefined && sameContacts(prev, list) ? 'refreshed' : 'changed';
    let earliest = this.#earliestExpiryMs;
    for (const b of list) if (b.expiresAtMs < earliest) earliest = b.expiresAtMs;
    this.#earliestExpiryMs = earliest;
    this.#byAor.set(aor, list);
    this.#count += list.length - (prev?.length ?? 0);
    this.#armSweep();
    this.#notify(aor, kind);
  }

  /** Removes the AOR's bindings, or only those whose Contact URI is `contact`; returns how many. */
  remove(aor: string, contact?: string): number {
    const prev = this.#byAor.get(aor);
    if (prev === undefined) return 0;
    const kept = contact === undefined ? [] : prev.filter((b) => b.contact !== contact);
    const removed = prev.length - kept.length;
    if (removed === 0) return 0;
    if (kept.length === 0) this.#byAor.delete(aor);
    else this.#byAor.set(aor, kept);
    this.#count -= removed;
    this.#log.info('bindings_removed', { aor, contact, removed });
    if (this.#count === 0) this.#armSweep();
    this.#notify(aor);
    return removed;
  }

  /** Calls `listener` with the AOR after each change of its bindings; returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /**
   * Adds persisted bindings (at start-up): malformed and already expired ones are dropped. No
   * change is announced. Returns how many were kept.
   */
  load(stored: readonly unknown[]): number {
    const nowMs = this.#now();
    const byAor = new Map<string, BindingRecord[]>();
    let malformed = 0;
    for (const s of stored) {
      if (!isStoredBinding(s)) {
        malformed++;
        continue;
      }
      if (s.expiresAt <= nowMs) continue;
      let list = byAor.get(s.aor);
      if (list === undefined) byAor.set(s.aor, (list = []));
      list.push(BindingRecord.fromStored(s));
    }
    if (malformed > 0) this.#log.warn('stored_bindings_malformed', { dropped: malformed });
    let kept = 0;
    for (const [aor, list] of byAor) {
      const merged = [...(this.#byAor.get(aor) ?? []), ...list].sort(byLookupOrder);
      this.#count += list.length;
      kept += list.length;
      this.#byAor.set(aor, merged);
      for (const b of list) if (b.expiresAtMs < this.#earliestExpiryMs) this.#earliestExpiryMs = b.expiresAtMs;
    }
    this.#armSweep();
    return kept;
  }

  /** Every binding in its persisted form (the objects are shared, only the array is new). */
  snapshot(): StoredBinding[] {
    const out: StoredBinding[] = [];
    for (const list of this.#byAor.values()) for (const b of list) out.push(b.toStored());
    return out;
  }

  /** Removes every binding whose expiry has passed (RFC 3261 §10.2.1); returns how many. */
  sweep(): number {
    const nowMs = this.#now();
    this.#lastSweepMs = nowMs;
    let earliest = Infinity;
    let removed = 0;
    const changed: string[] = [];
    for (const [aor, list] of this.#byAor) {
      let expired = 0;
      for (const b of list) {
        if (b.expiresAtMs <= nowMs) expired++;
        else if (b.expiresAtMs < earliest) earliest = b.expiresAtMs;
      }
      if (expired === 0) continue;
      for (const b of list) if (b.expiresAtMs <= nowMs) this.#log.info('binding_expired', { aor, contact: b.contact });
      // Deleting or replacing the current key while iterating a Map is well defined.
      if (expired === list.length) this.#byAor.delete(aor);
      else this.#byAor.set(aor, list.filter((b) => b.expiresAtMs > nowMs));
      removed += expired;
      changed.push(aor);
    }
    this.#count -= removed;
    this.#earliestExpiryMs = earliest;
    this.#armSweep();
    for (const aor of changed) this.#notify(aor);
    return removed;
  }

  /** Stops the sweep timer (module close). */
  close(): void {
    this.#wheel.disarm(this.#sweepEntry);
    this.#sweepAtMs = Infinity;
  }

  /** Arms the sweep for the earliest expiry, unless it is already armed for that or sooner. */
  #armSweep(): void {
    if (this.#count === 0) {
      this.close();
      this.#earliestExpiryMs = Infinity;
      return;
    }
    const nowMs = this.#now();
    let atMs = Math.max(this.#earliestExpiryMs, this.#lastSweepMs + EXPIRY_SWEEP_MIN_GAP_MS);
    if (atMs > nowMs + EXPIRY_SWEEP_MAX_DELAY_MS) atMs = nowMs + EXPIRY_SWEEP_MAX_DELAY_MS;
    if (this.#sweepEntry.armed && this.#sweepAtMs <= atMs) return;
    this.#sweepAtMs = atMs;
    this.#wheel.arm(this.#sweepEntry, atMs - nowMs);
  }

  #notify(aor: string, kind: ChangeKind = 'changed'): void {
    for (const listener of this.#listeners.slice()) {
      try {
        listener(aor, kind);
      } catch (err) {
        // A listener's bug must not undo or interrupt a committed change of the table.
        this.#log.error('change_listener_failed', { aor, error: String(err) });
      }
    }
  }
}

/** Whether two binding lists hold the same contacts, reached at the same source (a refresh). */
function sameContacts(a: readonly Binding[], b: readonly Binding[]): boolean {
  if (a.length !== b.length) return false;
  for (const x of b) {
    if (!a.some((y) => y.contact === x.contact && y.source.address === x.source.address && y.source.port === x.source.port && y.path.length === x.path.length)) return false;
  }
  return true;
}
