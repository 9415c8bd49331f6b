import { describe, expect, it } from 'vitest';
import { bestResponseIndex, upstreamStatus } from '../../../../firmware/src/engine/proxy/best-response';

describe('best response (RFC 3261 16.7 step 6)', () => {
  it('prefers a 6xx over everything', () => {
    expect(bestResponseIndex([486, 603, 404])).toBe(1);
  });

  it('otherwise takes the lowest class', () => {
    expect(bestResponseIndex([503, 404, 302])).toBe(2);
    expect(bestResponseIndex([500, 480])).toBe(1);
  });

  it('within 4xx prefers a challenge, then busy, over not found and our own timeout', () => {
    expect(bestResponseIndex([404, 407])).toBe(1);
    expect(bestResponseIndex([408, 404, 486])).toBe(2);
    expect(bestResponseIndex([408, 480])).toBe(1);
  });

  it('answers -1 when nothing came', () => {
    expect(bestResponseIndex([])).toBe(-1);
  });

  it('turns a 503 into a 500 upstream and leaves the rest', () => {
    expect(upstreamStatus(503)).toBe(500);
    expect(upstreamStatus(486)).toBe(486);
  });
});
