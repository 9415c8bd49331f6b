// Buffer pool statistics: the snapshot BufferPool.stats() builds on demand from its counters, and
// the one-line log form (later shown by the management API and metrics). No RFC.

/** One size class. `acquires` counts every request served by the class, misses included. */
export interface ClassStats {
  readonly size: number;
  readonly slots: number;
  readonly inUse: number;
  readonly highWater: number;
  readonly acquires: number;
  /** Acquires served from the heap because every slot of the class was in use. */
  readonly misses: number;
}

export interface PoolTotals {
  readonly slots: number;
  readonly inUse: number;
  readonly acquires: number;
  readonly misses: number;
}

export interface PoolStats {
  /** The budget asked for. */
  readonly budgetBytes: number;
  /** Bytes actually carved into slots (<= budgetBytes: slots are whole). */
  readonly poolBytes: number;
  /** Acquires larger than the largest class, served from the heap. */
  readonly oversize: number;
  /** Heap chunks (misses and oversize) acquired and not yet released. */
  readonly heapInUse: number;
  readonly totals: PoolTotals;
  readonly classes: readonly ClassStats[];
}

/** Builds the snapshot; totals are summed here so the pool keeps only per-class counters. */
export function buildPoolStats(
  budgetBytes: number,
  oversize: number,
  heapInUse: number,
  classes: readonly ClassStats[],
): PoolStats {
  let poolBytes = 0;
  let slots = 0;
  let inUse = 0;
  let acquires = 0;
  let misses = 0;
  for (const k of classes) {
    poolBytes += k.size * k.slots;
    slots += k.slots;
    inUse += k.inUse;
    acquires += k.acquires;
    misses += k.misses;
  }
  return {
    budgetBytes,
    poolBytes,
    oversize,
    heapInUse,
    totals: { slots, inUse, acquires, misses },
    classes,
  };
}

/**
 * One line, `key=value` pairs, classes separated by ` | `:
 * `pool budget=4096 bytes=3584 inUse=1/4 acq=5 miss=1 oversize=0 heap=0 | class=512 inUse=1/3 hw=2 acq=4 miss=1 | ...`
 */
export function formatPoolStats(s: PoolStats): string {
  const t = s.totals;
  let line =
    `pool budget=${s.budgetBytes} bytes=${s.poolBytes} inUse=${t.inUse}/${t.slots}` +
    ` acq=${t.acquires} miss=${t.misses} oversize=${s.oversize} heap=${s.heapInUse}`;
  for (const k of s.classes) {
    line +=
      ` | class=${k.size} inUse=${k.inUse}/${k.slots} hw=${k.highWater}` +
      ` acq=${k.acquires} miss=${k.misses}`;
  }
  return line;
}
