// BufferPool: size classes carved from one preallocated ArrayBuffer per class, so receive and send
// reuse bytes instead of allocating a Buffer per SIP message (SER's pool allocator idea). The
// budget split follows SIP message sizes: RFC 3261 18.1.1 (UDP under 1300 bytes), 64 KiB datagrams.
import {
  HEAP_SLOT, NO_CLASS, POISON_BYTE, PlainChunk, PoolMisuseError, SlotChunk, describeChunk,
} from './chunk';
import type { Chunk } from './chunk';
import { DebugChunk } from './debug-chunk';
import { buildPoolStats } from './stats';
import type { ClassStats, PoolStats } from './stats';

export { PoolMisuseError } from './chunk';
export type { Chunk } from './chunk';

export const DEFAULT_BUDGET_BYTES = 2 * 1024 * 1024;
/** 64 KiB holds the largest UDP datagram and a large TCP-framed message. */
export const DEFAULT_CLASS_SIZES: readonly number[] = Object.freeze([512, 1024, 2048, 4096, 8192, 65536]);

export interface BufferPoolOptions {
  /** Bytes preallocated across all classes; default 2 MiB. Must hold one slot of each class. */
  readonly budgetBytes?: number;
  /** Slot sizes in bytes, strictly ascending integers; default DEFAULT_CLASS_SIZES. */
  readonly classSizes?: readonly number[];
  /** Poison released bytes, refuse `buf` on released chunks, record owners. Tests only. */
  readonly debug?: boolean;
}

// Budget split. Each class first gets one slot (the minimum budget is the sum of the class
// sizes); the remaining bytes are shared by weight. Most SIP messages are 500-1500 bytes and an
// INVITE with a large SDP reaches 3-4 KiB, so classes from 1 KiB to 4 KiB weigh most; smaller
// classes (short replies, ACK) weigh half; larger ones (TCP bursts, big datagrams) get a few slots.
const COMMON_MIN_BYTES = 1024;
const COMMON_MAX_BYTES = 4096;
const WEIGHT_SMALL = 2;
const WEIGHT_COMMON = 4;
const WEIGHT_LARGE = 1;

function classWeight(size: number): number {
  if (size < COMMON_MIN_BYTES) return WEIGHT_SMALL;
  return size <= COMMON_MAX_BYTES ? WEIGHT_COMMON : WEIGHT_LARGE;
}

/** Slots per class for a validated budget and class list. */
function splitBudget(budgetBytes: number, classSizes: readonly number[]): number[] {
  let oneSlotEach = 0;
  let totalWeight = 0;
  for (const size of classSizes) {
    oneSlotEach += size;
    totalWeight += classWeight(size);
  }
  const spareBytes = budgetBytes - oneSlotEach;
  return classSizes.map(
    (size) => 1 + Math.floor((spareBytes * classWeight(size)) / totalWeight / size),
  );
}

function validateOptions(budgetBytes: number, classSizes: readonly number[]): void {
  if (!Number.isSafeInteger(budgetBytes) || budgetBytes <= 0) {
    throw new RangeError(`budgetBytes must be a positive integer, got ${budgetBytes}`);
  }
  if (classSizes.length === 0) {
    throw new RangeError('classSizes must list at least one size');
  }
  let oneSlotEach = 0;
  for (let i = 0; i < classSizes.length; i++) {
    const size = classSizes[i];
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`classSizes[${i}] must be a positive integer, got ${size}`);
    }
    if (i > 0 && size <= classSizes[i - 1]) {
      throw new RangeError(`classSizes must be strictly ascending: ${classSizes[i - 1]} then ${size}`);
    }
    oneSlotEach += size;
  }
  if (budgetBytes < oneSlotEach) {
    throw new RangeError(
      `budgetBytes ${budgetBytes} cannot hold one slot of each class in classSizes ` +
        `(needs at least ${oneSlotEach})`,
    );
  }
}

/** One size class: its slots, a fixed-length free stack and the counters stats() reads. */
class SizeClass {
  /** Every slot by index, for assertAllFree. */
  readonly chunks: SlotChunk[];
  /** Entries [0, freeTop) are free; never grows, at most `slots` chunks are ever free. */
  readonly freeStack: SlotChunk[];
  freeTop: number;
  inUse = 0;
  highWater = 0;
  acquires = 0;
  misses = 0;

  constructor(readonly size: number, readonly slots: number, chunks: SlotChunk[]) {
    this.chunks = chunks;
    this.freeStack = chunks.slice().reverse(); // slot 0 is handed out first
    this.freeTop = slots;
  }
}

export class BufferPool {
  readonly budgetBytes: number;
  readonly debug: boolean;
  readonly #classes: SizeClass[];
  #oversize = 0;
  #heapInUse = 0;
  /** Debug mode only: heap chunks not yet released, so assertAllFree can name their owners. */
  readonly #heapLive: Set<SlotChunk> | null;

  constructor(opts: BufferPoolOptions = {}) {
    const budgetBytes = opts.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    const classSizes = opts.classSizes ?? DEFAULT_CLASS_SIZES;
    if (opts.debug !== undefined && typeof opts.debug !== 'boolean') {
      throw new RangeError(`debug must be a boolean, got ${String(opts.debug)}`);
    }
    validateOptions(budgetBytes, classSizes);
    this.budgetBytes = budgetBytes;
    this.debug = opts.debug === true;
    this.#heapLive = this.debug ? new Set() : null;
    const slotCounts = splitBudget(budgetBytes, classSizes);
    this.#classes = classSizes.map((size, classIndex) => {
      const slots = slotCounts[classIndex];
      const backing = new ArrayBuffer(size * slots);
      if (this.debug) new Uint8Array(backing).fill(POISON_BYTE); // never-written bytes show too
      const chunks: SlotChunk[] = new Array(slots);
      for (let slot = 0; slot < slots; slot++) {
        chunks[slot] = this.#makeChunk(Buffer.from(backing, slot * size, size), classIndex, slot);
      }
      return new SizeClass(size, slots, chunks);
    });
  }

  /**
   * A chunk of the smallest class holding `minBytes`, refs = 1. An exhausted class falls back to
   * a heap buffer of the class size (a miss; larger classes are kept for larger messages), and a
   * request above the largest class gets a heap buffer of exactly `minBytes` (oversize).
   * `owner` names the holder in debug mode, for assertAllFree; ignored otherwise.
   */
  acquire(minBytes: number, owner?: string): Chunk {
    if (!Number.isSafeInteger(minBytes) || minBytes < 0) {
      throw new RangeError(`acquire: minBytes must be a non-negative integer, got ${minBytes}`);
    }
    const classes = this.#classes;
    for (let i = 0; i < classes.length; i++) {
      const k = classes[i];
      if (minBytes > k.size) continue;
      k.acquires++;
      if (k.freeTop === 0) {
        k.misses++;
        return this.#heapChunk(k.size, i, owner);
      }
      const c = k.freeStack[--k.freeTop];
      c.refs = 1;
      if (this.debug) c.owner = owner ?? '';
      if (++k.inUse > k.highWater) k.highWater = k.inUse;
      return c;
    }
    this.#oversize++;
    return this.#heapChunk(minBytes, NO_CLASS, owner);
  }

  /** Pins the bytes for one more holder (e.g. a send in flight). */
  retain(chunk: Chunk): void {
    const c = this.#own(chunk, 'retain');
    if (c.refs <= 0) throw new PoolMisuseError(`retain of a free chunk: ${describeChunk(c)}`);
    c.refs++;
  }

  /** Drops one holder; the last one returns a slot to its free list (a heap chunk is dropped). */
  release(chunk: Chunk): void {
    const c = this.#own(chunk, 'release');
    if (c.refs <= 0) throw new PoolMisuseError(`double release: ${describeChunk(c)}`);
    if (--c.refs > 0) return;
    if (this.debug && c instanceof DebugChunk) c.poison();
    if (c.slotIndex === HEAP_SLOT) {
      this.#heapInUse--;
      if (this.#heapLive !== null) this.#heapLive.delete(c);
      return;
    }
    const k = this.#classes[c.classIndex];
    k.inUse--;
    k.freeStack[k.freeTop++] = c;
  }

  /** A snapshot built on demand; acquire/release only bump counters. */
  stats(): PoolStats {
    const classes: ClassStats[] = this.#classes.map((k) => ({
      size: k.size,
      slots: k.slots,
      inUse: k.inUse,
      highWater: k.highWater,
      acquires: k.acquires,
      misses: k.misses,
    }));
    return buildPoolStats(this.budgetBytes, this.#oversize, this.#heapInUse, classes);
  }

  /** For tests: throws PoolMisuseError listing every chunk still held, per class, with owners. */
  assertAllFree(): void {
    const lines: string[] = [];
    for (const k of this.#classes) {
      if (k.inUse === 0) continue;
      const held = k.chunks.filter((c) => c.refs > 0).map((c) => `slot=${c.slotIndex} owner=${c.owner || '?'}`);
      lines.push(`class=${k.size} inUse=${k.inUse}: ${held.join(', ')}`);
    }
    if (this.#heapInUse > 0) {
      const held = this.#heapLive === null ? [] : [...this.#heapLive].map((c) => describeChunk(c));
      lines.push(`heap inUse=${this.#heapInUse}${held.length > 0 ? `: ${held.join(', ')}` : ''}`);
    }
    if (lines.length > 0) throw new PoolMisuseError(`leaked chunks: ${lines.join('; ')}`);
  }

  #makeChunk(buf: Buffer, classIndex: number, slotIndex: number): SlotChunk {
    return this.debug
      ? new DebugChunk(this, buf, classIndex, slotIndex)
      : new PlainChunk(this, buf, classIndex, slotIndex);
  }

  /** The miss path: allocation is expected here, and counted by the caller. */
  #heapChunk(size: number, classIndex: number, owner: string | undefined): SlotChunk {
    const buf = Buffer.allocUnsafeSlow(size);
    const c = this.#makeChunk(buf, classIndex, HEAP_SLOT);
    c.refs = 1;
    this.#heapInUse++;
    if (this.#heapLive !== null) {
      buf.fill(POISON_BYTE);
      c.owner = owner ?? '';
      this.#heapLive.add(c);
    }
    return c;
  }

  /** Refuses objects that are not chunks of this pool: releasing them would corrupt a free list. */
  #own(chunk: Chunk, verb: string): SlotChunk {
    if (!(chunk instanceof SlotChunk) || chunk.pool !== this) {
      throw new PoolMisuseError(`${verb}: chunk does not belong to this pool`);
    }
    return chunk;
  }
}
