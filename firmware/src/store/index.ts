// The Store interface: the one data file (lowdb JSON under the data folder) behind a small API.
// Data is read from memory; every change goes through update(), which schedules one atomic write
// (temp file + fsync + rename): a power cut never leaves a corrupt file. Implementations are
// sibling files (lowdb.ts; memory.ts for unit tests) and pass test/cases/store.case.ts.
import type { Data } from './schema';

export type { Data } from './schema';

/** How soon a change must reach the disk: 'now' (user data, flushed before update resolves) or
 *  'soon' (write-behind, e.g. bindings: coalesced, on disk within `writeBehindMs`). */
export type Durability = 'now' | 'soon';

export interface Store {
  /** The current document. Treat as read-only: change it only inside update(). */
  readonly data: Readonly<Data>;
  /** Applies fn to the document and writes it; resolves once written for 'now', at once for 'soon'. */
  update(fn: (d: Data) => void, durability?: Durability): Promise<void>;
  /** Called after every update with the top-level keys the caller named (or all). */
  onChange(listener: (d: Readonly<Data>) => void): () => void;
  /** Writes anything pending; resolves when it is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
