// BufferPool: class selection, budget split, heap fallback, refcounts, misuse checks, options
// validation and steady-state reuse. Expected numbers are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { BufferPool, PoolMisuseError } from '../../../../firmware/src/engine/alloc/pool';
import type { BufferPoolOptions, Chunk } from '../../../../firmware/src/engine/alloc/pool';

// Two classes, one slot each: 512 + 2048 bytes is exactly the minimum budget.
const oneSlotEach = (): BufferPool => new BufferPool({ budgetBytes: 512 + 2048, classSizes: [512, 2048] });

describe('BufferPool size classes', () => {
  it('splits the default 2 MiB budget weighted toward 1-4 KiB classes', () => {
    // spare = 2097152 - (512+1024+2048+4096+8192+65536) = 2015744; weights 2,4,4,4,1,1 -> unit 125984
    // slots = 1 + floor(unit*w/size): 1+492, 1+492, 1+246, 1+123, 1+15, 1+1
    const s = new BufferPool().stats();
    expect(s.classes.map((k) => [k.size, k.slots])).toEqual([
      [512, 493], [1024, 493], [2048, 247], [4096, 124], [8192, 16], [65536, 2],
    ]);
    expect(s.budgetBytes).toBe(2097152);
    // 252416 + 504832 + 505856 + 507904 + 131072 + 131072
    expect(s.poolBytes).toBe(2033152);
    expect(s.totals.slots).toBe(1375);
  });

  it('hands out the smallest class that holds minBytes', () => {
    const pool = new BufferPool();
    const cases: Array<[number, number]> = [
      [0, 512], [1, 512], [512, 512], [513, 1024], [1300, 2048], [2048, 2048],
      [2049, 4096], [8192, 8192], [8193, 65536], [65536, 65536],
    ];
    for (const [minBytes, size] of cases) {
      const c = pool.acquire(minBytes);
      expect([minBytes, c.size, c.buf.length, c.refs]).toEqual([minBytes, size, size, 1]);
      pool.release(c);
    }
    expect(pool.stats().totals.misses).toBe(0);
  });

  it('gives each slot its own bytes (views do not overlap)', () => {
    const pool = new BufferPool({ budgetBytes: 4 * 512, classSizes: [512] });
    const held = [pool.acquire(512), pool.acquire(512), pool.acquire(512), pool.acquire(512)];
    held.forEach((c, i) => c.buf.fill(i + 1));
    held.forEach((c, i) => expect(c.buf.every((b) => b === i + 1)).toBe(true));
    expect(new Set(held).size).toBe(4);
  });

  it('serves a request above the largest class from the heap, counted as oversize', () => {
    const pool = new BufferPool();
    const c = pool.acquire(70000);
    expect([c.size, c.buf.length]).toEqual([70000, 70000]);
    const s = pool.stats();
    expect([s.oversize, s.heapInUse, s.totals.misses, s.totals.acquires]).toEqual([1, 1, 0, 0]);
    pool.release(c);
    expect(pool.stats().heapInUse).toBe(0);
  });
});

describe('BufferPool exhaustion', () => {
  it('falls back to a heap buffer of the class size and counts a miss for that class', () => {
    const pool = oneSlotEach();
    const a = pool.acquire(100);
    const b = pool.acquire(100);
    expect(b).not.toBe(a);
    expect([b.size, b.buf.length, b.refs]).toEqual([512, 512, 1]);
    const s = pool.stats();
    const [small, large] = s.classes;
    expect([small.inUse, small.acquires, small.misses, small.highWater]).toEqual([1, 2, 1, 1]);
    // the larger class is kept for larger messages, not borrowed
    expect([large.inUse, large.acquires, large.misses]).toEqual([0, 0, 0]);
    expect([s.heapInUse, s.oversize]).toEqual([1, 0]);
  });

  it('drops a released heap chunk without touching the class free list', () => {
    const pool = oneSlotEach();
    const a = pool.acquire(100);
    const b = pool.acquire(100);
    pool.release(b);
    expect(pool.stats().heapInUse).toBe(0);
    expect(pool.stats().classes[0].inUse).toBe(1);
    expect(() => pool.release(b)).toThrow(PoolMisuseError);
    pool.release(a);
    const again = pool.acquire(100);
    expect(again).toBe(a); // the one slot, not the heap chunk
    expect(pool.stats().classes[0].misses).toBe(1);
  });
});

describe('BufferPool counters and refcounts', () => {
  it('tracks the high-water mark of slots in use', () => {
    // [512] with 2048 bytes: 1 slot + floor(1536/512) = 4 slots
    const pool = new BufferPool({ budgetBytes: 2048, classSizes: [512] });
    const a = pool.acquire(10);
    const b = pool.acquire(10);
    pool.acquire(10);
    pool.release(a);
    pool.release(b);
    pool.acquire(10);
    let k = pool.stats().classes[0];
    expect([k.slots, k.inUse, k.highWater, k.acquires]).toEqual([4, 2, 3, 4]);
    pool.acquire(10);
    pool.acquire(10);
    k = pool.stats().classes[0];
    expect([k.inUse, k.highWater, k.misses]).toEqual([4, 4, 0]);
  });

  it('keeps a retained chunk in use until its last holder releases it', () => {
    const pool = oneSlotEach();
    const c = pool.acquire(100);
    c.buf.write('INVITE sip:bob@example.com SIP/2.0');
    pool.retain(c); // a send in flight pins the bytes
    expect(c.refs).toBe(2);
    pool.release(c);
    expect(c.refs).toBe(1);
    expect(pool.stats().classes[0].inUse).toBe(1);
    expect(c.buf.toString('latin1', 0, 6)).toBe('INVITE');
    // still pinned: the only slot is taken, so the next acquire is a miss
    pool.release(pool.acquire(100));
    expect(pool.stats().classes[0].misses).toBe(1);
    pool.release(c);
    expect([c.refs, pool.stats().classes[0].inUse]).toEqual([0, 0]);
  });
});

describe('BufferPool misuse', () => {
  it('throws on double release and keeps the free list intact', () => {
    const pool = new BufferPool({ budgetBytes: 2048, classSizes: [512] });
    const c = pool.acquire(10);
    pool.release(c);
    expect(() => pool.release(c)).toThrow(PoolMisuseError);
    expect(() => pool.release(c)).toThrow('double release');
    // had the slot been pushed twice, two acquires would share it
    const x = pool.acquire(10);
    const y = pool.acquire(10);
    expect(x).not.toBe(y);
    expect(pool.stats().classes[0].inUse).toBe(2);
  });

  it('throws on retain of a released chunk', () => {
    const pool = oneSlotEach();
    const c = pool.acquire(10);
    pool.release(c);
    expect(() => pool.retain(c)).toThrow(PoolMisuseError);
    expect(c.refs).toBe(0);
  });

  it('refuses a chunk from another pool or a look-alike object', () => {
    const pool = oneSlotEach();
    const other = oneSlotEach();
    const c = other.acquire(10);
    expect(() => pool.release(c)).toThrow(PoolMisuseError);
    expect(() => pool.retain(c)).toThrow(PoolMisuseError);
    const fake: Chunk = { buf: Buffer.alloc(512), size: 512, refs: 1 };
    expect(() => pool.release(fake)).toThrow(PoolMisuseError);
    expect(c.refs).toBe(1);
  });

  it('refuses a negative, fractional or NaN size', () => {
    const pool = oneSlotEach();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => pool.acquire(bad)).toThrow(RangeError);
    }
    expect(pool.stats().totals.acquires).toBe(0);
  });
});

describe('BufferPool options', () => {
  it('refuses a budget too small for one slot of each class, naming budgetBytes', () => {
    expect(() => new BufferPool({ budgetBytes: 1000, classSizes: [512, 1024] })).toThrow(
      'budgetBytes 1000 cannot hold one slot of each class in classSizes (needs at least 1536)',
    );
    // default classes need 512+1024+2048+4096+8192+65536 = 81408
    expect(() => new BufferPool({ budgetBytes: 81407 })).toThrow(RangeError);
    expect(new BufferPool({ budgetBytes: 81408 }).stats().totals.slots).toBe(6);
  });

  it('refuses a budget that is not a positive integer', () => {
    for (const budgetBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => new BufferPool({ budgetBytes })).toThrow(/^budgetBytes must be a positive integer/);
    }
  });

  it('refuses empty, unsorted, duplicate or non-integer class sizes, naming classSizes', () => {
    for (const classSizes of [[], [1024, 512], [512, 512], [0], [512.5]]) {
      expect(() => new BufferPool({ classSizes })).toThrow(/^classSizes/);
    }
  });

  it('refuses a debug flag that is not a boolean', () => {
    const opts = { debug: 'yes' } as unknown as BufferPoolOptions;
    expect(() => new BufferPool(opts)).toThrow('debug must be a boolean');
  });
});

describe('BufferPool steady state', () => {
  it('cycles the Chunk objects made at construction over 100,000 acquire/release', () => {
    const pool = new BufferPool();
    // every Chunk the pool owns: drain each class, then give them all back
    const made = new Set<Chunk>();
    const drained: Chunk[] = [];
    for (const k of pool.stats().classes) {
      for (let i = 0; i < k.slots; i++) drained.push(pool.acquire(k.size));
    }
    drained.forEach((c) => made.add(c));
    drained.forEach((c) => pool.release(c));
    expect(made.size).toBe(1375);

    // a receive/send mix: up to 4 messages held at once, sizes across three classes
    const sizes = [300, 900, 1400, 1500, 480, 2000];
    const held: Chunk[] = [];
    const seen = new Set<Chunk>();
    let foreign = 0;
    for (let i = 0; i < 100_000; i++) {
      const c = pool.acquire(sizes[i % sizes.length]);
      if (!made.has(c)) foreign++;
      seen.add(c);
      held.push(c);
      if (held.length === 4) pool.release(held.shift() as Chunk);
    }
    held.forEach((c) => pool.release(c));
    expect(foreign).toBe(0);
    // a LIFO free list reuses the warm slots: at most 4 held at once per class (3 classes)
    expect(seen.size).toBeLessThanOrEqual(12);
    const s = pool.stats();
    expect([s.totals.misses, s.heapInUse, s.totals.inUse]).toEqual([0, 0, 0]);
    pool.assertAllFree();
  });
});
