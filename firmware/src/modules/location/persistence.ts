// Write-behind persistence of the location table into the data file's `bindings` (store/schema.ts
// StoredBinding), so that phones stay reachable across a restart without re-registering.
import { TimerEntry, type TimerWheel } from '../../engine/timer/wheel';
import type { Logger } from '../../log/logger';
import type { Store } from '../../store/index';
import type { LocationTable } from './location-table';

/**
 * Changes within this window are folded into one store.update(..., 'soon'); the store then
 * coalesces its own disk writes (writeBehindMs, default 1 s). A crash loses at most the changes
 * of the last PERSIST_COALESCE_MS + writeBehindMs: phones refresh their registration anyway.
 */
export const PERSIST_COALESCE_MS = 100;

/**
 * A refresh only moves expiry times, and every phone refreshes all the time (10,000 phones on
 * hourly registrations are three REGISTERs a second): written this lazily, the data file (4 MB
 * at 10,000 bindings) is rewritten once a minute at most instead of every second — flash storage
 * on a small board wears with every write. A crash loses at most this much of refreshes; a
 * binding whose stored expiry then passed returns with the phone's next REGISTER.
 */
export const REFRESH_PERSIST_MS = 60_000;

export class BindingPersister {
  readonly #table: LocationTable;
  readonly #store: Store;
  readonly #wheel: TimerWheel;
  readonly #log: Logger;
  readonly #entry: TimerEntry;
  readonly #unsubscribe: () => void;
  /** The pending write is the short, structural one (not only refreshes). */
  #urgent = false;

  constructor(table: LocationTable, store: Store, wheel: TimerWheel, log: Logger) {
    this.#table = table;
    this.#store = store;
    this.#wheel = wheel;
    this.#log = log;
    this.#entry = new TimerEntry(() => this.#write());
    this.#unsubscribe = table.onChange((_aor, kind) => this.#schedule(kind === 'changed'));
  }

  /**
   * Loads the store's bindings into the table (expired and malformed ones dropped, expiry
   * re-armed by the table) and writes the pruned list back when anything was dropped.
   */
  load(): number {
    const stored = this.#store.data.bindings;
    const kept = this.#table.load(Array.isArray(stored) ? stored : []);
    const total = Array.isArray(stored) ? stored.length : 0;
    this.#log.info('bindings_loaded', { kept, dropped: total - kept });
    if (kept !== total) this.#schedule(true);
    return kept;
  }

  /** Writes a pending change now (at close, before the store is flushed). */
  flush(): void {
    if (!this.#entry.armed) return;
    this.#wheel.disarm(this.#entry);
    this.#write();
  }

  close(): void {
    this.flush();
    this.#unsubscribe();
  }

  #schedule(urgent: boolean): void {
    if (this.#entry.armed && (this.#urgent || !urgent)) return;
    this.#urgent = urgent;
    this.#wheel.arm(this.#entry, urgent ? PERSIST_COALESCE_MS : REFRESH_PERSIST_MS);
  }

  #write(): void {
    this.#urgent = false;
    // snapshot() shares the table's persisted objects: the pass copies references only.
    const bindings = this.#table.snapshot();
    this.#store.update((d) => {
      d.bindings = bindings;
    }, 'soon').catch((err: unknown) => {
      this.#log.error('bindings_write_failed', { error: String(err), bindings: bindings.length });
    });
  }
}
