// The onChange listeners of a Store (index.ts), shared by its implementations so that both run
// them the same way: synchronously after an update's fn, every one even when one throws.
import type { Data } from './schema';

export type ChangeListener = (d: Readonly<Data>) => void;

export class ChangeListeners {
  readonly #listeners = new Set<ChangeListener>();

  /** Adds a listener; the function returned removes it. */
  add(listener: ChangeListener): () => void {
    // A wrapper per registration, so that adding one function twice gives two independent entries.
    const entry: ChangeListener = (d) => listener(d);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Runs every listener on `data`; returns what the first one that threw threw (a listener that
   *  throws is a bug: the update that triggered it rejects with it), or null. */
  notify(data: Readonly<Data>): { thrown: unknown } | null {
    let first: { thrown: unknown } | null = null;
    for (const l of [...this.#listeners]) {
      try {
        l(data);
      } catch (err) {
        first ??= { thrown: err };
      }
    }
    return first;
  }
}
