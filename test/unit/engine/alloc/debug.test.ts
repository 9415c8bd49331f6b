// BufferPool debug mode: poisoned releases, use-after-release detection, and assertAllFree naming
// the owners of leaked chunks; plus the production chunk's plain `buf` field.
import { describe, expect, it } from 'vitest';
import { BufferPool, PoolMisuseError } from '../../../../firmware/src/engine/alloc/pool';

const POISON = 0xdd;
const allPoison = (b: Uint8Array): boolean => b.every((x) => x === POISON);
const debugPool = (): BufferPool =>
  new BufferPool({ budgetBytes: 4 * 512 + 2048, classSizes: [512, 2048], debug: true });

describe('BufferPool debug mode', () => {
  it('throws on reading buf of a released chunk (use after release)', () => {
    const pool = debugPool();
    const c = pool.acquire(100, 'udp-recv');
    expect(c.buf.length).toBe(512);
    pool.release(c);
    expect(() => c.buf).toThrow(PoolMisuseError);
    expect(() => c.buf).toThrow('use after release: size=512 slot=0 owner=udp-recv');
  });

  it('poisons released bytes with 0xDD, so a view kept past release reads garbage', () => {
    const pool = debugPool();
    const c = pool.acquire(100);
    const kept = c.buf; // the bug this guards against: a view that outlives release
    kept.write('SIP/2.0 200 OK\r\n');
    pool.release(c);
    expect(allPoison(kept)).toBe(true);
    const next = pool.acquire(100);
    expect(allPoison(next.buf)).toBe(true); // never the previous message's bytes
  });

  it('starts every slot poisoned, so unwritten bytes show in a dump', () => {
    const pool = debugPool();
    expect(allPoison(pool.acquire(1500).buf)).toBe(true);
  });

  it('treats heap chunks alike: poisoned and refused after release', () => {
    const pool = debugPool();
    const big = pool.acquire(5000, 'tcp-framing');
    expect(allPoison(big.buf)).toBe(true);
    const kept = big.buf;
    kept.fill(0x41);
    pool.release(big);
    expect(allPoison(kept)).toBe(true);
    expect(() => big.buf).toThrow('use after release: size=5000 heap owner=tcp-framing');
  });

  it('does not poison a chunk that another holder still pins', () => {
    const pool = debugPool();
    const c = pool.acquire(100);
    c.buf.fill(0x41);
    pool.retain(c);
    pool.release(c);
    expect(c.buf.every((x) => x === 0x41)).toBe(true);
    pool.release(c);
  });
});

describe('BufferPool.assertAllFree', () => {
  it('lists leaked chunks per class with their owners (debug)', () => {
    const pool = debugPool();
    pool.acquire(100, 'udp-recv'); // 512 slot 0
    const relay = pool.acquire(100, 'relay'); // 512 slot 1
    pool.acquire(1500, 'tcp-framing'); // 2048 slot 0
    pool.release(relay);
    let message = '';
    try {
      pool.assertAllFree();
    } catch (err) {
      expect(err).toBeInstanceOf(PoolMisuseError);
      message = (err as Error).message;
    }
    expect(message).toBe(
      'leaked chunks: class=512 inUse=1: slot=0 owner=udp-recv; class=2048 inUse=1: slot=0 owner=tcp-framing',
    );
  });

  it('names leaked heap chunks and their owners (debug)', () => {
    const pool = new BufferPool({ budgetBytes: 512, classSizes: [512], debug: true });
    const slot = pool.acquire(10, 'a');
    pool.acquire(10, 'b'); // class exhausted: heap, size 512
    pool.acquire(600, 'c'); // oversize
    pool.release(slot);
    expect(() => pool.assertAllFree()).toThrow(
      'leaked chunks: heap inUse=2: size=512 heap owner=b, size=600 heap owner=c',
    );
  });

  it('passes once everything is released', () => {
    const pool = debugPool();
    const a = pool.acquire(100, 'x');
    const b = pool.acquire(9000, 'y');
    pool.release(a);
    pool.release(b);
    expect(() => pool.assertAllFree()).not.toThrow();
  });

  it('still reports leaks without owners in production mode', () => {
    const pool = new BufferPool({ budgetBytes: 512, classSizes: [512] });
    pool.acquire(10, 'ignored-outside-debug');
    pool.acquire(10);
    expect(() => pool.assertAllFree()).toThrow(
      'leaked chunks: class=512 inUse=1: slot=0 owner=?; heap inUse=1',
    );
  });
});

describe('BufferPool chunk kinds', () => {
  it('gives production chunks a plain buf field and debug chunks a checking getter', () => {
    const plain = new BufferPool({ budgetBytes: 512, classSizes: [512] }).acquire(1);
    const plainProp = Object.getOwnPropertyDescriptor(plain, 'buf');
    expect(plainProp?.value).toBeInstanceOf(Buffer);
    expect(plainProp?.get).toBeUndefined();
    const debug = debugPool().acquire(1);
    expect(Object.getOwnPropertyDescriptor(debug, 'buf')).toBeUndefined();
  });
});
