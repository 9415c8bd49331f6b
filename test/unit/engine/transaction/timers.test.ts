// Timer values by their RFC 3261 names (17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2, Appendix A) and RFC 6026.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMER_CONFIG, makeTimerConfig, nextTimerA, nextTimerE, nextTimerG, timerB, timerC, timerD,
  timerF, timerH, timerI, timerJ, timerK, timerL, timerM,
} from '../../../../firmware/src/engine/transaction/timers';

const c = DEFAULT_TIMER_CONFIG;

describe('timers', () => {
  it('defaults are T1 500 ms, T2 4 s, T4 5 s (RFC 3261 Appendix A)', () => {
    expect([c.t1Ms, c.t2Ms, c.t4Ms]).toEqual([500, 4000, 5000]);
    expect(c.timerCMs).toBeGreaterThan(180_000);
  });

  it('B, F, H, L and M are 64*T1 = 32 s (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1; RFC 6026)', () => {
    for (const t of [timerB, timerF, timerH, timerL, timerM]) expect(t(c)).toBe(32_000);
  });

  it('D is 32 s unreliable, 0 reliable, and never below 32 s with a small T1 (17.1.1.2)', () => {
    expect(timerD(c, false)).toBe(32_000);
    expect(timerD(c, true)).toBe(0);
    expect(timerD({ ...c, t1Ms: 100 }, false)).toBe(32_000);
    expect(timerD({ ...c, t1Ms: 1000 }, false)).toBe(64_000);
  });

  it('I and K are T4 unreliable, 0 reliable; J is 64*T1 unreliable, 0 reliable', () => {
    expect([timerI(c, false), timerK(c, false), timerJ(c, false)]).toEqual([5000, 5000, 32_000]);
    expect([timerI(c, true), timerK(c, true), timerJ(c, true)]).toEqual([0, 0, 0]);
  });

  it('A doubles without a cap; E doubles to T2 in Trying and is T2 in Proceeding; G caps at T2', () => {
    expect(nextTimerA(4000)).toBe(8000);
    expect(nextTimerE(c, 500, false)).toBe(1000);
    expect(nextTimerE(c, 4000, false)).toBe(4000);
    expect(nextTimerE(c, 500, true)).toBe(4000);
    expect(nextTimerG(c, 2000)).toBe(4000);
    expect(nextTimerG(c, 4000)).toBe(4000);
  });

  it('makeTimerConfig fills defaults and names the refused field', () => {
    const ok = makeTimerConfig({ t1Ms: 250 });
    expect(ok.ok && ok.config).toEqual({ t1Ms: 250, t2Ms: 4000, t4Ms: 5000, timerCMs: c.timerCMs });
    const t2 = makeTimerConfig({ t1Ms: 5000, t2Ms: 4000 });
    expect(t2.ok ? '' : t2.field).toBe('t2Ms');
    const neg = makeTimerConfig({ t4Ms: -1 });
    expect(neg.ok ? '' : neg.field).toBe('t4Ms');
  });

  it('refuses Timer C of 3 minutes or less (RFC 3261 16.6 step 11)', () => {
    const r = makeTimerConfig({ timerCMs: 180_000 });
    expect(r.ok ? '' : r.field).toBe('timerCMs');
    expect(timerC({ t1Ms: 500, t2Ms: 4000, t4Ms: 5000 })).toBe(c.timerCMs);
  });
});
