// IdSource: Via branch (RFC 3261 8.1.1.7), tags (19.3), Call-ID (8.1.1.4).
import { describe, expect, it } from 'vitest';
import { cryptoIds, seededIds } from '../../../firmware/src/engine/ids';

describe('IdSource', () => {
  it('branch starts with the magic cookie z9hG4bK and carries >= 64 random bits (RFC 3261 8.1.1.7)', () => {
    const b = cryptoIds().branch();
    expect(b).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
  });

  it('tag is 16 hex digits (64 bits, RFC 3261 19.3 asks >= 32) and Call-ID 32 hex digits', () => {
    const ids = cryptoIds();
    expect(ids.tag()).toMatch(/^[0-9a-f]{16}$/);
    expect(ids.callId()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.token(3)).toMatch(/^[0-9a-f]{6}$/);
  });

  it('gives distinct ids across many 4 KiB block refills', () => {
    const ids = cryptoIds();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(ids.branch());
    expect(seen.size).toBe(5000);
  });

  it('serves a token larger than the block', () => {
    expect(cryptoIds().token(5000)).toHaveLength(10000);
  });

  it('refuses a token of zero or fractional bytes', () => {
    expect(() => cryptoIds().token(0)).toThrow(RangeError);
    expect(() => cryptoIds().token(1.5)).toThrow(RangeError);
  });

  it('seededIds: one seed gives one sequence, another seed another', () => {
    const a = seededIds(42);
    const b = seededIds(42);
    const c = seededIds(43);
    const seqA = [a.branch(), a.tag(), a.callId()];
    expect([b.branch(), b.tag(), b.callId()]).toEqual(seqA);
    expect(c.branch()).not.toBe(seqA[0]);
    expect(seqA[1]).not.toBe(a.tag());
  });
});
