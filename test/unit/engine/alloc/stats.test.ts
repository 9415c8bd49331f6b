// Buffer pool statistics: totals summed from the classes and the one-line log form.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../../firmware/src/engine/alloc/pool';
import { buildPoolStats, formatPoolStats } from '../../../../firmware/src/engine/alloc/stats';

describe('pool stats', () => {
  it('sums totals and pool bytes from the classes', () => {
    const s = buildPoolStats(10000, 2, 3, [
      { size: 512, slots: 4, inUse: 1, highWater: 3, acquires: 10, misses: 2 },
      { size: 2048, slots: 3, inUse: 2, highWater: 2, acquires: 5, misses: 1 },
    ]);
    expect(s.poolBytes).toBe(4 * 512 + 3 * 2048);
    expect(s.totals).toEqual({ slots: 7, inUse: 3, acquires: 15, misses: 3 });
    expect([s.budgetBytes, s.oversize, s.heapInUse]).toEqual([10000, 2, 3]);
  });

  it('formats a pool as one log line', () => {
    // [512, 1024] in 4096 bytes: spare 2560, weights 2 and 4 of 6
    // 512: 1 + floor(853.3/512) = 2 slots; 1024: 1 + floor(1706.7/1024) = 2 slots; 3072 bytes
    const pool = new BufferPool({ budgetBytes: 4096, classSizes: [512, 1024] });
    pool.acquire(100);
    pool.release(pool.acquire(100));
    pool.acquire(600);
    pool.acquire(5000);
    expect(formatPoolStats(pool.stats())).toBe(
      'pool budget=4096 bytes=3072 inUse=2/4 acq=3 miss=0 oversize=1 heap=1' +
        ' | class=512 inUse=1/2 hw=2 acq=2 miss=0 | class=1024 inUse=1/2 hw=1 acq=1 miss=0',
    );
  });

  it('builds a fresh snapshot that later traffic does not change', () => {
    const pool = new BufferPool({ budgetBytes: 4096, classSizes: [512, 1024] });
    const before = pool.stats();
    pool.acquire(100);
    expect(before.classes[0].inUse).toBe(0);
    expect(pool.stats().classes[0].inUse).toBe(1);
  });
});
