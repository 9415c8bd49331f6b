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

export class BindingPersister {
  readonly #table: LocationTable;
  readonly #store: Store;
  readonly #wheel: TimerWheel;
  readonly #log: Logger;
  readonly #entry: TimerEntry;
  readonly #unsubscribe: () => void;

  constructor(table: LocationTable, store: Store, wheel: TimerWheel, log: Logger) {
    this.#table = table;
    this.#store = store;
    this.#wheel = wheel;
    this.#log = log;
    this.#entry = new TimerEntry(() => this.#write());
    this.#unsubscribe = table.onChange(() => this.#schedule());
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
    if (kept !== total) this.#schedule();
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

  #schedule(): void {
    if (!this.#entry.armed) this.#wheel.arm(this.#entry, PERSIST_COALESCE_MS);
  }

  #write(): void {
    // snapshot() shares the table's persisted objects: the pass copies references only.
    const bindings = this.#table.snapshot();
    this.#store.update((d) => {
      d.bindings = bindings;
    }, 'soon').catch((err: unknown) => {
      this.#log.error('bindings_write_failed', { error: String(err), bindings: bindings.length });
    });
  }
}
