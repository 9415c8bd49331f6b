// Write-behind persistence of bindings into the store, reloading at start, and the module's RPC.
import { describe, expect, it } from 'vitest';
import type { Binding } from '../../../../firmware/src/modules/location/binding';
import { createLocationModule, type LocationApi } from '../../../../firmware/src/modules/location/index';
import { LocationTable } from '../../../../firmware/src/modules/location/location-table';
import { BindingPersister, PERSIST_COALESCE_MS, REFRESH_PERSIST_MS } from '../../../../firmware/src/modules/location/persistence';
import type { ModuleInstance } from '../../../../firmware/src/modules/module';
import type { StoredBinding } from '../../../../firmware/src/store/schema';
import { PHONE, WALL_BASE_MS, makeHarness, type Harness } from './harness';

function binding(aor: string, contact: string, o: Partial<Binding> = {}): Binding {
  return {
    aor,
    contact,
    expiresAtMs: WALL_BASE_MS + 600_000,
    q: -1,
    callId: 'cid-1',
    cseq: 3,
    path: [],
    source: { ...PHONE, connId: 12 },
    userAgent: 'TestPhone/1.0',
    instance: null,
    regId: -1,
    registeredAtMs: WALL_BASE_MS,
    ...o,
  };
}

function stored(aor: string, contact: string, o: Partial<StoredBinding> = {}): StoredBinding {
  return {
    aor,
    contact,
    expiresAt: WALL_BASE_MS + 600_000,
    q: -1,
    callId: 'cid-1',
    cseq: 3,
    path: [],
    source: { proto: 'udp', address: '192.0.2.10', port: 5060 },
    userAgent: 'TestPhone/1.0',
    instance: null,
    regId: -1,
    registeredAt: WALL_BASE_MS,
    ...o,
  };
}

function tableWithPersister(h: Harness): { table: LocationTable; persister: BindingPersister } {
  const table = new LocationTable({ wheel: h.wheel, now: h.now, log: h.log });
  return { table, persister: new BindingPersister(table, h.store, h.wheel, h.log) };
}

describe('BindingPersister (write-behind)', () => {
  it('writes the bindings to the store with durability "soon", in the persisted shape without connId', () => {
    const h = makeHarness();
    const { table } = tableWithPersister(h);
    table.commit('2001', [binding('2001', 'sip:2001@192.0.2.10:5060', { q: 500, path: ['<sip:edge.example;lr>'], instance: '<urn:uuid:9>', regId: 1 })]);
    expect(h.store.updates).toEqual([]);
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.updates).toEqual(['soon']);
    expect(h.store.data.bindings).toEqual([
      stored('2001', 'sip:2001@192.0.2.10:5060', { q: 500, path: ['<sip:edge.example;lr>'], instance: '<urn:uuid:9>', regId: 1 }),
    ]);
  });

  it('folds a burst of 10,000 registrations into one store update', () => {
    const h = makeHarness();
    const { table } = tableWithPersister(h);
    for (let i = 0; i < 10_000; i++) table.commit(`${10000 + i}`, [binding(`${10000 + i}`, `sip:p@192.0.2.${i % 250}:${5060 + i}`)]);
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.updates).toEqual(['soon']);
    expect(h.store.data.bindings.length).toBe(10_000);
  });

  it('writes a refresh (same contact, later expiry) within a minute, not a second: flash wears', () => {
    const h = makeHarness();
    const { table } = tableWithPersister(h);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1')]);
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.updates).toEqual(['soon']);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 900_000, cseq: 4 })]);
    h.advance(10_000);
    expect(h.store.updates).toEqual(['soon']);
    h.advance(REFRESH_PERSIST_MS - 10_000);
    expect(h.store.updates).toEqual(['soon', 'soon']);
    expect(h.store.data.bindings[0].expiresAt).toBe(WALL_BASE_MS + 900_000);
  });

  it('writes a new contact soon even while a lazy refresh write is pending', () => {
    const h = makeHarness();
    const { table } = tableWithPersister(h);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1')]);
    h.advance(PERSIST_COALESCE_MS);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1', { cseq: 4 })]); // refresh: lazy
    table.commit('2002', [binding('2002', 'sip:b@192.0.2.2')]); // new: soon
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.updates).toEqual(['soon', 'soon']);
    expect(h.store.data.bindings.map((b) => b.aor).sort()).toEqual(['2001', '2002']);
  });

  it('writes removals and expiries too', () => {
    const h = makeHarness();
    const { table } = tableWithPersister(h);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1', { expiresAtMs: WALL_BASE_MS + 5000 })]);
    table.commit('2002', [binding('2002', 'sip:b@192.0.2.2')]);
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.data.bindings.map((b) => b.aor)).toEqual(['2001', '2002']);
    h.advance(5000);
    expect(h.store.data.bindings.map((b) => b.aor)).toEqual(['2002']);
    table.remove('2002');
    h.advance(PERSIST_COALESCE_MS);
    expect(h.store.data.bindings).toEqual([]);
  });

  it('writes what is pending at close', () => {
    const h = makeHarness();
    const { table, persister } = tableWithPersister(h);
    table.commit('2001', [binding('2001', 'sip:a@192.0.2.1')]);
    persister.close();
    expect(h.store.data.bindings.map((b) => b.contact)).toEqual(['sip:a@192.0.2.1']);
    expect(h.wheel.armedCount).toBe(1); // only the table's expiry sweep is left
  });

  it('gives a new table loaded from the store the same bindings, expired ones dropped, connId 0', () => {
    const h = makeHarness();
    const first = tableWithPersister(h);
    first.table.commit('2001', [
      binding('2001', 'sip:a@192.0.2.1', { q: 800 }),
      binding('2001', 'sip:b@192.0.2.2', { expiresAtMs: WALL_BASE_MS + 30_000 }),
    ]);
    first.table.commit('2002', [binding('2002', 'sip:c@192.0.2.3', { expiresAtMs: WALL_BASE_MS + 90_000 })]);
    first.persister.close();
    first.table.close();

    const h2 = makeHarness({ bindings: h.store.data.bindings.map((b) => ({ ...b })) });
    h2.advance(60_000); // the daemon was down for a minute: sip:b expired meanwhile
    const second = tableWithPersister(h2);
    expect(second.persister.load()).toBe(2);
    expect(second.table.lookup('2001')).toEqual([binding('2001', 'sip:a@192.0.2.1', { q: 800, source: PHONE })]);
    expect(second.table.lookup('2002').map((b) => [b.contact, b.source.connId])).toEqual([['sip:c@192.0.2.3', 0]]);
    // The pruned list goes back to the file, and expiry is armed again for what was loaded.
    h2.advance(PERSIST_COALESCE_MS);
    expect(h2.store.data.bindings.map((b) => b.contact)).toEqual(['sip:a@192.0.2.1', 'sip:c@192.0.2.3']);
    h2.advance(30_000);
    expect(second.table.lookup('2002')).toEqual([]);
  });

  it('drops malformed stored bindings with a warning', () => {
    const bad = { aor: '2001', contact: 42 } as unknown as StoredBinding;
    const h = makeHarness({ bindings: [bad, stored('2001', 'sip:a@192.0.2.1')] });
    const { table, persister } = tableWithPersister(h);
    expect(persister.load()).toBe(1);
    expect(table.count()).toBe(1);
    expect(h.logLines.snapshot().some((l) => l.startsWith('warn test stored_bindings_malformed dropped=1'))).toBe(true);
  });
});

describe('locationModule', () => {
  async function init(h: Harness): Promise<ModuleInstance<LocationApi>> {
    const mod = createLocationModule({ now: h.now });
    expect([mod.name, mod.needs]).toEqual(['location', []]);
    return mod.init(h.context(mod.config, {}, {}));
  }

  it('loads the stored bindings at init and reports the gauge', async () => {
    const h = makeHarness({ bindings: [stored('2001', 'sip:a@192.0.2.1'), stored('2001', 'sip:old@192.0.2.1', { expiresAt: WALL_BASE_MS - 1 })] });
    const m = await init(h);
    expect(m.api.lookup('2001').map((b) => b.contact)).toEqual(['sip:a@192.0.2.1']);
    expect(m.metrics?.()).toEqual({ sipbox_location_bindings: 1, sipbox_location_aors: 1 });
  });

  it('answers ul.dump, ul.lookup and ul.rm', async () => {
    const h = makeHarness({ bindings: [stored('2001', 'sip:a@192.0.2.1', { q: 500, regId: 1, instance: '<urn:uuid:9>' }), stored('2002', 'sip:b@[2001:db8::1]:5062')] });
    const m = await init(h);
    h.advance(100_000);
    const rpc = m.rpc ?? {};
    const a = {
      contact: 'sip:a@192.0.2.1',
      expiresSec: 500,
      expiresAt: '2024-01-01T00:10:00.000Z',
      q: 0.5,
      callId: 'cid-1',
      cseq: 3,
      path: [],
      source: 'udp:192.0.2.10:5060',
      userAgent: 'TestPhone/1.0',
      instance: '<urn:uuid:9>',
      regId: 1,
      registeredAt: '2024-01-01T00:00:00.000Z',
    };
    const dump = (await rpc['ul.dump']({})) as { aorCount: number; bindingCount: number; aors: { aor: string }[] };
    expect([dump.aorCount, dump.bindingCount, dump.aors.map((x) => x.aor)]).toEqual([2, 2, ['2001', '2002']]);
    expect(await rpc['ul.lookup']({ aor: '2001' })).toEqual({ aor: '2001', bindings: [a] });
    expect(await rpc['ul.lookup']({ aor: '2999' })).toEqual({ aor: '2999', bindings: [] });
    expect(await rpc['ul.lookup']({})).toEqual({ error: 'params.aor must be a non-empty string' });
    expect(await rpc['ul.rm']({ aor: '2002', contact: 'sip:nothere@192.0.2.1' })).toEqual({ removed: 0 });
    expect(await rpc['ul.rm']({ aor: '2002' })).toEqual({ removed: 1 });
    expect(m.api.count()).toBe(1);
  });

  it('flushes pending bindings at close', async () => {
    const h = makeHarness();
    const m = await init(h);
    m.api.commit('2001', [binding('2001', 'sip:a@192.0.2.1')]);
    await m.close?.();
    expect(h.store.data.bindings.map((b) => b.contact)).toEqual(['sip:a@192.0.2.1']);
    expect(h.wheel.armedCount).toBe(0);
  });
});
