// TimerWheel: the hashed timing wheel (Varghese & Lauck) on a FakeClock.
import { describe, expect, it } from 'vitest';
import { TimerEntry, TimerWheel } from '../../../../firmware/src/engine/timer/wheel';
import { FakeClock } from '../../../helpers/fake-clock';

function setup(opts?: { tickMs?: number; slots?: number }) {
  const clock = new FakeClock(1000);
  const wheel = new TimerWheel(clock, opts);
  const log: string[] = [];
  const entry = (name: string) => new TimerEntry(() => log.push(`${name}@${clock.nowMs()}`));
  return { clock, wheel, log, entry };
}

describe('TimerWheel', () => {
  it('fires an entry at its due time, not before', () => {
    const { clock, wheel, log, entry } = setup();
    const a = entry('a');
    wheel.arm(a, 100);
    expect(a.armed).toBe(true);
    expect(a.dueMs).toBe(1100);
    clock.advance(99, wheel);
    expect(log).toEqual([]);
    clock.advance(1, wheel);
    expect(log).toEqual(['a@1100']);
    expect(a.armed).toBe(false);
    expect(wheel.armedCount).toBe(0);
  });

  it('rounds a due time that is not on a tick up to the next tick boundary', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 20 });
    wheel.arm(entry('a'), 30);
    clock.advance(39, wheel);
    expect(log).toEqual([]);
    clock.advance(1, wheel);
    expect(log).toEqual(['a@1040']);
  });

  it('fires entries of one tick by due time, then arming order', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 100 });
    clock.advance(0, wheel);
    wheel.arm(entry('late'), 90);
    wheel.arm(entry('early'), 10);
    wheel.arm(entry('mid1'), 50);
    wheel.arm(entry('mid2'), 50);
    clock.advance(100, wheel);
    expect(log).toEqual(['early@1100', 'mid1@1100', 'mid2@1100', 'late@1100']);
  });

  it('fires earlier ticks first when runDue catches up after a stall', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 10 });
    wheel.arm(entry('b'), 200);
    wheel.arm(entry('a'), 100);
    clock.advance(500); // no wheel: the event loop was blocked
    expect(wheel.runDue()).toBe(2);
    expect(log).toEqual(['a@1500', 'b@1500']);
  });

  it('carries rounds for delays longer than one revolution', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 10, slots: 8 }); // one revolution = 80 ms
    wheel.arm(entry('long'), 250);
    wheel.arm(entry('short'), 20);
    clock.advance(240, wheel);
    expect(log).toEqual(['short@1020']);
    clock.advance(10, wheel);
    expect(log).toEqual(['short@1020', 'long@1250']);
  });

  it('lets a callback re-arm its own entry', () => {
    const { clock, wheel } = setup({ tickMs: 10 });
    const times: number[] = [];
    const e: TimerEntry = new TimerEntry(() => {
      times.push(clock.nowMs());
      if (times.length < 3) wheel.arm(e, 100);
    });
    wheel.arm(e, 100);
    clock.advance(1000, wheel);
    expect(times).toEqual([1100, 1200, 1300]);
  });

  it('skips an entry of the same tick disarmed by an earlier callback', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 100 });
    const victim = entry('victim');
    const killer = new TimerEntry(() => {
      log.push('killer');
      wheel.disarm(victim);
    });
    wheel.arm(killer, 10);
    wheel.arm(victim, 20);
    clock.advance(100, wheel);
    expect(log).toEqual(['killer']);
    expect(victim.armed).toBe(false);
    expect(wheel.armedCount).toBe(0);
  });

  it('moves an entry of the same tick re-armed by an earlier callback to its new time', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 100 });
    const moved = entry('moved');
    const mover = new TimerEntry(() => {
      log.push('mover');
      wheel.arm(moved, 300);
    });
    wheel.arm(mover, 10);
    wheel.arm(moved, 20);
    clock.advance(100, wheel);
    expect(log).toEqual(['mover']);
    clock.advance(300, wheel);
    expect(log).toEqual(['mover', 'moved@1400']);
  });

  it('re-arming an armed entry replaces its due time', () => {
    const { clock, wheel, log, entry } = setup();
    const a = entry('a');
    wheel.arm(a, 100);
    wheel.arm(a, 300);
    expect(wheel.armedCount).toBe(1);
    clock.advance(300, wheel);
    expect(log).toEqual(['a@1300']);
  });

  it('disarm of an entry that is not armed does nothing', () => {
    const { wheel, entry } = setup();
    const a = entry('a');
    wheel.disarm(a);
    wheel.arm(a, 10);
    wheel.disarm(a);
    wheel.disarm(a);
    expect(wheel.armedCount).toBe(0);
  });

  it('nextDueMs gives the earliest due time, across revolutions too', () => {
    const { wheel, entry } = setup({ tickMs: 10, slots: 8 });
    expect(wheel.nextDueMs()).toBe(Infinity);
    wheel.arm(entry('far'), 1000);
    expect(wheel.nextDueMs()).toBe(2000);
    wheel.arm(entry('near'), 35);
    expect(wheel.nextDueMs()).toBe(1035);
  });

  it('fires the other due entries when one callback throws, then rethrows the error', () => {
    const { clock, wheel, log, entry } = setup({ tickMs: 100 });
    wheel.arm(new TimerEntry(() => { throw new Error('bug'); }), 10);
    wheel.arm(entry('after'), 20);
    clock.advance(99);
    clock.advance(1);
    expect(() => wheel.runDue()).toThrow('bug');
    expect(log).toEqual(['after@1100']);
    expect(wheel.armedCount).toBe(0);
  });

  it('reports callback errors to onError instead when given', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const wheel = new TimerWheel(clock, { onError: (e) => errors.push(e) });
    wheel.arm(new TimerEntry(() => { throw new Error('bug'); }), 10);
    clock.advance(20, wheel);
    expect(errors).toHaveLength(1);
  });

  it('refuses a tick or slot count that is not a positive integer', () => {
    const clock = new FakeClock();
    expect(() => new TimerWheel(clock, { tickMs: 0 })).toThrow(RangeError);
    expect(() => new TimerWheel(clock, { slots: 1.5 })).toThrow(RangeError);
  });

  it('real-time driver: fires an armed entry on the system clock after start()', async () => {
    const { systemClock } = await import('../../../../firmware/src/engine/timer/clock');
    const wheel = new TimerWheel(systemClock, { tickMs: 5 });
    wheel.start();
    const fired = await new Promise<number>((resolve) => {
      const t0 = systemClock.nowMs();
      wheel.arm(new TimerEntry(() => resolve(systemClock.nowMs() - t0)), 20);
    });
    expect(fired).toBeGreaterThanOrEqual(20);
    expect(wheel.armedCount).toBe(0);
    wheel.stop();
  });
});
