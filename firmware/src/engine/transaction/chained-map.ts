// A Map from a key string to an intrusive chain of items: transactions sharing a key (an INVITE and
// its CANCEL share a branch, RFC 3261 9.1; legacy 2543 ones share a Call-ID) hang off one entry,
// so adding or removing one allocates nothing beyond the Map's own entry. No RFC of its own.

/** An item carries its own next link; it may be on one ChainedMap at a time. */
export interface Chained<T> {
  chainNext: T | null;
}

export class ChainedMap<T extends Chained<T>> {
  readonly #heads = new Map<string, T>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The chain's first item; walk on with `chainNext`. Newest first. */
  first(key: string): T | undefined {
    return this.#heads.get(key);
  }

  add(key: string, item: T): void {
    const head = this.#heads.get(key);
    item.chainNext = head ?? null;
    this.#heads.set(key, item);
    this.#size++;
  }

  /** Unlinks `item` from the chain at `key`; false when it was not there. */
  remove(key: string, item: T): boolean {
    let prev: T | null = null;
    for (let cur = this.#heads.get(key) ?? null; cur !== null; cur = cur.chainNext) {
      if (cur !== item) {
        prev = cur;
        continue;
      }
      if (prev !== null) prev.chainNext = cur.chainNext;
      else if (cur.chainNext !== null) this.#heads.set(key, cur.chainNext);
      else this.#heads.delete(key);
      cur.chainNext = null;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Every item (a snapshot, for shutdown): allocates, never on the message path. */
  values(): T[] {
    const out: T[] = [];
    for (const head of this.#heads.values()) {
      for (let cur: T | null = head; cur !== null; cur = cur.chainNext) out.push(cur);
    }
    return out;
  }
}
