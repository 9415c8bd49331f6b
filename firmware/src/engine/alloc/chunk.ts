// Chunk: one slot of the pooled buffer allocator, an object made once per slot and reused, so
// acquire/release allocate nothing in steady state. No RFC: SER's pool allocator idea, our code.

/**
 * A programming error against the pool: double release, retain of a free chunk, a chunk from
 * another pool, use of a released chunk (debug mode), leaks found by assertAllFree. A bug, never
 * an input problem, so it is thrown rather than returned.
 */
export class PoolMisuseError extends Error {
  override readonly name = 'PoolMisuseError';
}

/** What a holder sees: `buf` is exactly `size` bytes and is valid while `refs > 0`. */
export interface Chunk {
  readonly buf: Buffer;
  readonly size: number;
  readonly refs: number;
}

/** Slot index of a chunk that came from the heap (its class was exhausted, or it is oversize). */
export const HEAP_SLOT = -1;
/** Class index of an oversize chunk, larger than the largest class. */
export const NO_CLASS = -1;
/** Debug-mode fill for released and never-used bytes: easy to spot in a hex dump. */
export const POISON_BYTE = 0xdd;

/**
 * The pool's side of a chunk. Fields are all set in the constructor in one order, so every chunk
 * of a kind shares one hidden class and acquire/release stay monomorphic.
 */
export abstract class SlotChunk implements Chunk {
  abstract readonly buf: Buffer;
  /** The owning pool, to refuse chunks released into the wrong pool. */
  readonly pool: object;
  readonly size: number;
  readonly classIndex: number;
  readonly slotIndex: number;
  /** Holders. 0 is the free mark: on its class's free stack (slot) or dropped (heap). */
  refs: number;
  /** Who acquired it; recorded in debug mode only, '' otherwise. */
  owner: string;

  constructor(pool: object, size: number, classIndex: number, slotIndex: number) {
    this.pool = pool;
    this.size = size;
    this.classIndex = classIndex;
    this.slotIndex = slotIndex;
    this.refs = 0;
    this.owner = '';
  }
}

/** Production chunk: `buf` is a plain field, so reading it costs nothing. */
export class PlainChunk extends SlotChunk {
  readonly buf: Buffer;

  constructor(pool: object, buf: Buffer, classIndex: number, slotIndex: number) {
    super(pool, buf.length, classIndex, slotIndex);
    this.buf = buf;
  }
}

/** `size=2048 slot=3 owner=udp-recv`, for error messages (built only when throwing). */
export function describeChunk(c: SlotChunk): string {
  const where = c.slotIndex === HEAP_SLOT ? 'heap' : `slot=${c.slotIndex}`;
  return `size=${c.size} ${where} owner=${c.owner === '' ? '?' : c.owner}`;
}
