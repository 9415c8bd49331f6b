// The location table: lookup order, atomic commit, removal, change events and expiry on the wheel.
import { describe, expect, it } from 'vitest';
import type { Binding } from '../../../../firmware/src/modules/location/binding';
import { EXPIRY_SWEEP_MIN_GAP_MS, LocationTable } from '../../../../firmware/src/modules/location/location-table';
import { PHONE, WALL_BASE_MS, makeHarness, type Harness } from './harness';

function binding(contact: string, o: Partial<Binding> = {}): Binding {
  return {
    aor: '2001',
    contact,
    expiresAtMs: WALL_BASE_MS + 3600_000,
    q: -1,
    callId: `cid-${contact}`,
    cseq: 1,
    path: [],
    source: PHONE,
    userAgent: 'TestPhone/1.0',
    instance: null,
    regId: -1,
    registeredAtMs: WALL_BASE_MS,
    ...o,
  };
}

function table(h: Harness): LocationTable {
  return new LocationTable({ wheel: h.wheel, now: h.now, log: h.log });
}

const contacts = (list: readonly Binding[]): string[] => list.map((b) => b.contact);

describe('LocationTable lookup', () => {
  it('orders by q, highest first, and equal q by the most recent registration (RFC 3261 §16.6 uses q)', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [
      binding('sip:a@192.0.2.1', { q: 500, registeredAtMs: WALL_BASE_MS }),
      binding('sip:b@192.0.2.2', { q: 1000, registeredAtMs: WALL_BASE_MS }),
      binding('sip:c@192.0.2.3', { q: 500, registeredAtMs: WALL_BASE_MS + 5000 }),
      binding('sip:d@192.0.2.4', { q: 100, registeredAtMs: WALL_BASE_MS + 9000 }),
    ]);
    expect(contacts(t.lookup('2001'))).toEqual(['sip:b@192.0.2.2', 'sip:c@192.0.2.3', 'sip:a@192.0.2.1', 'sip:d@192.0.2.4']);
  });

  it('ranks a Contact without q like q=1.0, above an explicit lower q', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:low@192.0.2.1', { q: 200 }), binding('sip:none@192.0.2.2', { q: -1 })]);
    expect(contacts(t.lookup('2001'))).toEqual(['sip:none@192.0.2.2', 'sip:low@192.0.2.1']);
  });

  it('returns an empty list for an unknown AOR, and the same array until the AOR changes', () => {
    const h = makeHarness();
    const t = table(h);
    expect(t.lookup('2999')).toEqual([]);
    t.commit('2001', [binding('sip:a@192.0.2.1')]);
    const first = t.lookup('2001');
    expect(t.lookup('2001')).toBe(first);
    t.commit('2001', [binding('sip:b@192.0.2.2')]);
    expect(contacts(first)).toEqual(['sip:a@192.0.2.1']); // a list handed out never changes
    expect(contacts(t.lookup('2001'))).toEqual(['sip:b@192.0.2.2']);
  });

  it('keeps the fields of a binding, with its own copy of the source endpoint', () => {
    const h = makeHarness();
    const t = table(h);
    const src = { proto: 'tcp' as const, address: '2001:db8::5', port: 5070, connId: 7 };
    t.commit('2001', [binding('sip:a@[2001:db8::5]:5070;transport=tcp', { source: src, path: ['<sip:edge.example;lr>'], instance: '<urn:uuid:1>', regId: 2 })]);
    src.port = 1;
    const [b] = t.lookup('2001');
    expect(b.source).toEqual({ proto: 'tcp', address: '2001:db8::5', port: 5070, connId: 7 });
    expect([b.contact, b.path, b.instance, b.regId]).toEqual(['sip:a@[2001:db8::5]:5070;transport=tcp', ['<sip:edge.example;lr>'], '<urn:uuid:1>', 2]);
  });

  it('counts bindings and AORs and iterates all of them', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1'), binding('sip:b@192.0.2.2')]);
    t.commit('2002', [binding('sip:c@192.0.2.3', { aor: '2002' })]);
    expect([t.count(), t.aorCount()]).toEqual([3, 2]);
    expect([...t.all()].map((b) => b.contact).sort()).toEqual(['sip:a@192.0.2.1', 'sip:b@192.0.2.2', 'sip:c@192.0.2.3']);
    t.commit('2001', []);
    expect([t.count(), t.aorCount()]).toEqual([1, 1]);
  });
});

describe('LocationTable remove and onChange', () => {
  it('removes one contact or the whole AOR and says how many went (ul.rm)', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1'), binding('sip:b@192.0.2.2'), binding('sip:c@192.0.2.3')]);
    expect(t.remove('2001', 'sip:b@192.0.2.2')).toBe(1);
    expect(t.remove('2001', 'sip:nothere@192.0.2.9')).toBe(0);
    expect(contacts(t.lookup('2001')).sort()).toEqual(['sip:a@192.0.2.1', 'sip:c@192.0.2.3']);
    expect(t.remove('2001')).toBe(2);
    expect([t.count(), t.aorCount()]).toEqual([0, 0]);
    expect(t.remove('2001')).toBe(0);
  });

  it('tells listeners which AOR changed, until they unsubscribe', () => {
    const h = makeHarness();
    const t = table(h);
    const seen: string[] = [];
    const off = t.onChange((aor) => seen.push(aor));
    t.commit('2001', [binding('sip:a@192.0.2.1')]);
    t.commit('2002', [binding('sip:c@192.0.2.3', { aor: '2002' })]);
    t.remove('2001');
    t.remove('2001'); // nothing left: no event
    off();
    t.remove('2002');
    expect(seen).toEqual(['2001', '2002', '2001']);
  });

  it('keeps the change when a listener throws, and logs it', () => {
    const h = makeHarness();
    const t = table(h);
    t.onChange(() => {
      throw new Error('listener bug');
    });
    t.commit('2001', [binding('sip:a@192.0.2.1')]);
    expect(t.count()).toBe(1);
    expect(h.logLines.snapshot().some((l) => l.startsWith('error test change_listener_failed aor=2001'))).toBe(true);
  });
});

describe('LocationTable expiry (RFC 3261 §10.2.1: a binding lasts its expiration interval)', () => {
  it('removes a binding when its expiry comes, and tells listeners', () => {
    const h = makeHarness();
    const t = table(h);
    const seen: string[] = [];
    t.onChange((aor) => seen.push(aor));
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 60_000 }), binding('sip:b@192.0.2.2', { expiresAtMs: WALL_BASE_MS + 120_000 })]);
    seen.length = 0;
    h.advance(59_999);
    expect(t.count()).toBe(2);
    h.advance(1);
    expect(contacts(t.lookup('2001'))).toEqual(['sip:b@192.0.2.2']);
    expect(seen).toEqual(['2001']);
    h.advance(60_000);
    expect([t.count(), t.aorCount()]).toEqual([0, 0]);
    expect(h.wheel.armedCount).toBe(0); // an empty table keeps no timer: the box can sleep
  });

  it('removes an hour-long binding after an hour, through a sweep timer of at most a minute', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 3600_000 })]);
    expect(h.wheel.armedCount).toBe(1);
    h.advance(3599_000);
    expect(t.count()).toBe(1);
    h.advance(1000);
    expect(t.count()).toBe(0);
  });

  it('uses one timer for the whole table, however many bindings', () => {
    const h = makeHarness();
    const t = table(h);
    for (let i = 0; i < 500; i++) {
      t.commit(`${3000 + i}`, [binding(`sip:p${i}@192.0.2.1`, { aor: `${3000 + i}`, expiresAtMs: WALL_BASE_MS + 60_000 + i * 10 })]);
    }
    expect(h.wheel.armedCount).toBe(1);
    h.advance(70_000);
    expect(t.count()).toBe(0);
  });

  it('moves the sweep earlier when a binding that expires sooner arrives', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 50_000 })]);
    t.commit('2002', [binding('sip:c@192.0.2.3', { aor: '2002', expiresAtMs: WALL_BASE_MS + 10_000 })]);
    h.advance(10_000);
    expect([t.aorCount(), contacts(t.lookup('2001'))]).toEqual([1, ['sip:a@192.0.2.1']]);
  });

  it('does not remove a binding that was refreshed before its old expiry', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 60_000 })]);
    h.advance(30_000);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 90_000, cseq: 2 })]);
    h.advance(30_000);
    expect(t.count()).toBe(1);
    h.advance(30_000);
    expect(t.count()).toBe(0);
  });

  it('sweeps at most once per EXPIRY_SWEEP_MIN_GAP_MS: a binding outlives its expiry by less than that', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 10_000 })]);
    t.commit('2002', [binding('sip:c@192.0.2.3', { aor: '2002', expiresAtMs: WALL_BASE_MS + 10_300 })]);
    h.advance(10_300);
    expect(t.aorCount()).toBe(1); // 2002 waits for the next sweep
    h.advance(EXPIRY_SWEEP_MIN_GAP_MS - 300);
    expect(t.aorCount()).toBe(0);
  });

  it('notices a forward step of the wall clock within a minute', () => {
    const h = makeHarness();
    let stepMs = 0;
    const t = new LocationTable({ wheel: h.wheel, now: () => h.now() + stepMs, log: h.log });
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 3600_000 })]);
    stepMs = 7200_000; // NTP sets the clock of a board that booted without an RTC
    h.advance(60_000);
    expect(t.count()).toBe(0);
  });

  it('stops its timer on close', () => {
    const h = makeHarness();
    const t = table(h);
    t.commit('2001', [binding('sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 10_000 })]);
    t.close();
    expect(h.wheel.armedCount).toBe(0);
  });
});
