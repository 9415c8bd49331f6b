// Nonce-count replay protection (RFC 7616 §3.4, §5.3): strictly increasing counts per nonce,
// bounded memory, and a dropped nonce that becomes stale instead of replayable.
import { describe, expect, it } from 'vitest';
import { NonceCountTracker } from '../../../../firmware/src/modules/auth/nc-tracker';

describe('NonceCountTracker', () => {
  it('accepts increasing counts and skipped ones (lost requests)', () => {
    const t = new NonceCountTracker(10, 300);
    expect(t.accept(1, 1, 0)).toBe('ok');
    expect(t.accept(1, 2, 0)).toBe('ok');
    expect(t.accept(1, 5, 0)).toBe('ok');
  });

  it('refuses the same count twice and a lower count as replays', () => {
    const t = new NonceCountTracker(10, 300);
    expect(t.accept(1, 3, 0)).toBe('ok');
    expect(t.accept(1, 3, 0)).toBe('replay');
    expect(t.accept(1, 2, 0)).toBe('replay');
    expect(t.accept(1, 4, 0)).toBe('ok');
  });

  it('keeps counts per nonce', () => {
    const t = new NonceCountTracker(10, 300);
    expect(t.accept(1, 7, 0)).toBe('ok');
    expect(t.accept(2, 1, 0)).toBe('ok');
    expect(t.accept(1, 7, 0)).toBe('replay');
  });

  it('holds at most maxEntries; a dropped nonce is stale, never accepted again', () => {
    const t = new NonceCountTracker(3, 300);
    for (const seq of [1, 2, 3, 4]) expect(t.accept(seq, 1, 0)).toBe('ok');
    expect(t.size).toBe(3);
    // Nonce 1 was least recently used and went: its old request replayed is stale, not fresh.
    expect(t.accept(1, 1, 0)).toBe('stale');
    expect(t.accept(1, 2, 0)).toBe('stale');
    expect(t.size).toBe(3);
  });

  it('drops the least recently used, not the oldest issued', () => {
    const t = new NonceCountTracker(3, 300);
    for (const seq of [1, 2, 3]) t.accept(seq, 1, 0);
    expect(t.accept(1, 2, 0)).toBe('ok'); // 1 is now the most recently used
    expect(t.accept(4, 1, 0)).toBe('ok'); // 2 goes
    expect(t.accept(1, 3, 0)).toBe('ok');
    expect(t.accept(3, 2, 0)).toBe('ok');
    expect(t.accept(2, 2, 0)).toBe('stale');
  });

  it('makes a never-used nonce issued before a dropped one stale (no history to trust)', () => {
    const t = new NonceCountTracker(2, 300);
    t.accept(5, 1, 0);
    t.accept(6, 1, 0);
    t.accept(7, 1, 0); // drops 5
    expect(t.accept(4, 1, 0)).toBe('stale');
    expect(t.accept(8, 1, 0)).toBe('ok');
  });

  it('forgets entries unused for longer than the nonce lifetime when new ones come', () => {
    const t = new NonceCountTracker(100, 300);
    t.accept(1, 1, 0);
    t.accept(2, 1, 0);
    t.accept(3, 1, 200);
    t.accept(4, 1, 301); // 1 and 2 were last used 301 s ago: both go
    expect(t.size).toBe(2);
    expect(t.accept(2, 2, 301)).toBe('stale');
    expect(t.accept(3, 2, 301)).toBe('ok');
  });

  it('refuses a table of no entries', () => {
    expect(() => new NonceCountTracker(0, 300)).toThrow(RangeError);
  });
});
