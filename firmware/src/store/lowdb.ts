// The Store (index.ts) over lowdb and one JSON file, `<dataDir>/sipbox.json`, written atomically
// by atomic-file.ts. Writes are serialised: one in flight, later changes coalesce into the next.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from '../log/logger';
import { AtomicJsonFile, removeStaleTempFiles } from './atomic-file';
import { ChangeListeners } from './change-listeners';
import type { Durability, Store } from './index';
import { migrate } from './migrate';
import { emptyData, SCHEMA_VERSION, type Data } from './schema';

export const STORE_FILE_NAME = 'sipbox.json';
export const storeFilePath = (dataDir: string): string => join(dataDir, STORE_FILE_NAME);

export const DEFAULT_WRITE_BEHIND_MS = 1000;
/** Backoff of the background retry after a failed write (disk full, read-only remount). */
export const WRITE_RETRY_FIRST_MS = 100;
export const WRITE_RETRY_MAX_MS = 30_000;

export interface LowdbStoreOptions {
  dataDir: string;
  /** Makes the nonce secret of a new file; not called when the file exists. */
  secret: () => string;
  writeBehindMs?: number;
  log?: Logger;
}

/** A fresh secret for a new data file: 256 bits from the system's CSPRNG. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

interface Waiter {
  generation: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

class LowdbStore implements Store {
  readonly #db: Low<Data>;
  readonly #file: string;
  readonly #writeBehindMs: number;
  readonly #log: Logger | undefined;
  readonly #listeners = new ChangeListeners();
  /** Updates applied in memory, and how many of them are on disk. */
  #generation = 0;
  #writtenGeneration = 0;
  /** 'now' updates and flushes waiting for their generation to be written. */
  #waiters: Waiter[] = [];
  #writing = false;
  #soonTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  /** The current retry backoff; 0 while writes succeed. */
  #retryMs = 0;
  #closing: Promise<void> | null = null;

  constructor(db: Low<Data>, file: string, writeBehindMs: number, log: Logger | undefined) {
    this.#db = db;
    this.#file = file;
    this.#writeBehindMs = writeBehindMs;
    this.#log = log;
  }

  get data(): Readonly<Data> {
    return this.#db.data;
  }

  update(fn: (d: Data) => void, durability: Durability = 'now'): Promise<void> {
    if (this.#closing) return Promise.reject(new Error(`store is closed (${this.#file})`));
    try {
      fn(this.#db.data);
    } catch (err) {
      // fn refused (a check inside it): it must throw before changing anything, so nothing to write.
      return Promise.reject(err);
    }
    const generation = ++this.#generation;
    const listenerError = this.#listeners.notify(this.#db.data);
    let done: Promise<void>;
    if (durability === 'now') done = this.#waitFor(generation);
    else {
      this.#scheduleSoon();
      done = Promise.resolve();
    }
    return listenerError === null ? done : done.then(() => Promise.reject(listenerError.thrown));
  }

  onChange(listener: (d: Readonly<Data>) => void): () => void {
    return this.#listeners.add(listener);
  }

  flush(): Promise<void> {
    return this.#waitFor(this.#generation);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#clearSoon();
      await this.flush();
      this.#clearRetry();
    })();
    return this.#closing;
  }

  #waitFor(generation: number): Promise<void> {
    if (generation <= this.#writtenGeneration) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#waiters.push({ generation, resolve, reject }));
    this.#kick();
    return p;
  }

  /** Starts writing now (a 'now' update, a flush, a due write-behind, a retry). */
  #kick(): void {
    this.#clearRetry();
    if (!this.#writing) void this.#writeLoop();
  }

  #scheduleSoon(): void {
    // While a write is in flight its loop picks the change up; while retrying, the retry does.
    if (this.#soonTimer !== null || this.#writing || this.#retryTimer !== null) return;
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = null;
      this.#kick();
    }, this.#writeBehindMs);
  }

  #clearSoon(): void {
    if (this.#soonTimer !== null) clearTimeout(this.#soonTimer);
    this.#soonTimer = null;
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** Writes until the disk holds every applied update; never throws (errors go to #writeFailed). */
  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#writtenGeneration < this.#generation) {
        const target = this.#generation;
        this.#clearSoon(); // this write carries every change so far
        try {
          // Low.write hands the document to the adapter, which serialises it before its first await.
          await this.#db.write();
        } catch (err) {
          this.#writeFailed(err);
          return;
        }
        this.#writtenGeneration = target;
        if (this.#retryMs !== 0) this.#log?.info('write-recovered', { file: this.#file });
        this.#retryMs = 0;
        this.#log?.debug('written', { file: this.#file, generation: target });
        const due = this.#waiters.filter((w) => w.generation <= target);
        this.#waiters = this.#waiters.filter((w) => w.generation > target);
        for (const w of due) w.resolve();
      }
    } finally {
      this.#writing = false;
    }
  }

  /** Every waiter learns of the failure at once (the next attempt would most likely fail too); the
   *  change stays in memory and is retried in the background with backoff until it lands. */
  #writeFailed(err: unknown): void {
    this.#retryMs = this.#retryMs === 0 ? WRITE_RETRY_FIRST_MS : Math.min(2 * this.#retryMs, WRITE_RETRY_MAX_MS);
    const closing = this.#closing !== null;
    this.#log?.error('write-failed', {
      file: this.#file,
      error: err instanceof Error ? err.message : String(err),
      retryInMs: closing ? null : this.#retryMs,
    });
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
    // A failed close() has told its caller; it does not leave a timer keeping the process alive.
    if (!closing) {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#kick();
      }, this.#retryMs);
    }
  }
}

/**
 * Opens (or creates) `<dataDir>/sipbox.json`. A missing file starts as emptyData and is written at
 * once; a file that is not JSON or fails the schema is refused with an Error naming the file (and
 * line:column or field) and left untouched. Temp files of a crashed writer are removed.
 */
export async function openLowdbStore(opts: LowdbStoreOptions): Promise<Store> {
  const file = storeFilePath(opts.dataDir);
  const log = opts.log;
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const removed = await removeStaleTempFiles(file);
  if (removed.length > 0) log?.warn('removed-temp-files', { file, count: removed.length });

  let fromVersion = SCHEMA_VERSION;
  const adapter = new AtomicJsonFile<Data>(file, (doc) => {
    const r = migrate(doc);
    if (!r.ok) throw new Error(`${file}: ${r.error}. sipbox does not overwrite it: fix the file or move it away`);
    fromVersion = r.fromVersion;
    return r.data;
  });
  const existing = await adapter.read();
  const db = new Low<Data>(adapter, existing ?? emptyData(opts.secret()));
  if (existing === null) {
    await db.write();
    log?.info('created', { file });
  } else if (fromVersion < SCHEMA_VERSION) {
    // The old file stays beside the new one, in case the new sipbox has to be rolled back.
    const backup = `${file}.v${fromVersion}.bak`;
    await copyFile(file, backup);
    await db.write();
    log?.info('migrated', { file, fromVersion, toVersion: SCHEMA_VERSION, backup });
  }
  return new LowdbStore(db, file, opts.writeBehindMs ?? DEFAULT_WRITE_BEHIND_MS, log);
}
