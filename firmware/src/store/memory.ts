// The Store (index.ts) in memory, for unit tests: the same semantics as lowdb.ts (passes
// test/cases/store.case.ts), with a write that always succeeds at once and no disk.
import { ChangeListeners } from './change-listeners';
import type { Durability, Store } from './index';
import { emptyData, type Data } from './schema';

export const MEMORY_STORE_SECRET = 'memory-store-secret';

class MemoryStore implements Store {
  readonly #data: Data;
  readonly #listeners = new ChangeListeners();
  #closed = false;

  constructor(data: Data) {
    this.#data = data;
  }

  get data(): Readonly<Data> {
    return this.#data;
  }

  update(fn: (d: Data) => void, _durability: Durability = 'now'): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('store is closed (memory)'));
    try {
      fn(this.#data);
    } catch (err) {
      return Promise.reject(err);
    }
    const listenerError = this.#listeners.notify(this.#data);
    return listenerError === null ? Promise.resolve() : Promise.reject(listenerError.thrown);
  }

  onChange(listener: (d: Readonly<Data>) => void): () => void {
    return this.#listeners.add(listener);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

/** A store holding emptyData (secret MEMORY_STORE_SECRET) overlaid with a deep copy of `initial`. */
export function memoryStore(initial?: Partial<Data>): Store {
  return new MemoryStore(structuredClone({ ...emptyData(MEMORY_STORE_SECRET), ...initial }));
}
