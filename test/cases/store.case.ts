// The Store conformance suite (firmware/src/store/index.ts): every implementation runs it. A store
// with `reopen` (one that persists) is also checked for what survives a close and a new open.
import { afterEach, describe, expect, it } from 'vitest';
import type { Data, Store } from '../../firmware/src/store/index';
import type { Extension } from '../../firmware/src/store/schema';

export interface StoreUnderTest {
  store: Store;
  /** Closes `store` and opens the same data again; absent for stores that do not persist. */
  reopen?: () => Promise<Store>;
  cleanup(): Promise<void>;
}

export const ext = (number: string, name = ''): Extension => ({
  number,
  name,
  password: 'secret-pw-' + number,
  createdAt: '2024-01-02T03:04:05.000Z',
  updatedAt: '2024-01-02T03:04:05.000Z',
});

const numbers = (d: Readonly<Data>): string[] => d.extensions.map((e) => e.number);

export function runStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });
    const setup = async (): Promise<StoreUnderTest> => {
      const s = await open();
      cleanups.push(() => s.cleanup());
      return s;
    };

    it('starts as an empty document of schema version 1 with a secret', async () => {
      const { store } = await setup();
      expect(store.data.version).toBe(1);
      expect(store.data.extensions).toEqual([]);
      expect(store.data.bindings).toEqual([]);
      expect(typeof store.data.secret).toBe('string');
      expect(store.data.secret.length).toBeGreaterThan(0);
    });

    it('applies fn at once: the change is visible before update settles', async () => {
      const { store } = await setup();
      const p = store.update((d) => { d.extensions.push(ext('201')); });
      expect(numbers(store.data)).toEqual(['201']);
      await p;
      const q = store.update((d) => { d.extensions.push(ext('202')); }, 'soon');
      expect(numbers(store.data)).toEqual(['201', '202']);
      await q;
    });

    it('runs onChange synchronously after fn, with the changed document, once per update', async () => {
      const { store } = await setup();
      const seen: string[][] = [];
      store.onChange((d) => seen.push(numbers(d)));
      const p1 = store.update((d) => { d.extensions.push(ext('201')); }, 'now');
      expect(seen).toEqual([['201']]);
      const p2 = store.update((d) => { d.extensions.push(ext('202')); }, 'soon');
      expect(seen).toEqual([['201'], ['201', '202']]);
      await Promise.all([p1, p2]);
      expect(seen).toHaveLength(2);
    });

    it('stops calling a listener once it is removed, and keeps the others', async () => {
      const { store } = await setup();
      let a = 0;
      let b = 0;
      const offA = store.onChange(() => a++);
      store.onChange(() => b++);
      await store.update((d) => { d.secret = 'x1'; });
      offA();
      await store.update((d) => { d.secret = 'x2'; });
      expect([a, b]).toEqual([1, 2]);
    });

    it('rejects update with the error of a throwing fn, and calls no listener', async () => {
      const { store } = await setup();
      let calls = 0;
      store.onChange(() => calls++);
      const refused = new Error('number taken');
      await expect(store.update(() => { throw refused; })).rejects.toBe(refused);
      await expect(store.update(() => { throw refused; }, 'soon')).rejects.toBe(refused);
      expect(calls).toBe(0);
      expect(store.data.extensions).toEqual([]);
    });

    it('rejects update with a throwing listener\'s error, after running the other listeners and keeping the change', async () => {
      const { store, reopen } = await setup();
      const bug = new Error('listener bug');
      let after = 0;
      store.onChange(() => { throw bug; });
      store.onChange(() => after++);
      await expect(store.update((d) => { d.extensions.push(ext('201')); }, 'now')).rejects.toBe(bug);
      expect(after).toBe(1);
      expect(numbers(store.data)).toEqual(['201']);
      if (reopen) expect(numbers((await reopen()).data)).toEqual(['201']);
    });

    it('keeps the order of updates made without waiting, mixing now and soon, and settles now updates in order', async () => {
      const { store, reopen } = await setup();
      const settled: string[] = [];
      const all: Promise<void>[] = [];
      for (let i = 10; i < 40; i++) {
        const n = String(i);
        const p = store.update((d) => { d.extensions.push(ext(n)); }, i % 3 === 0 ? 'soon' : 'now');
        if (i % 3 !== 0) all.push(p.then(() => { settled.push(n); }));
      }
      await Promise.all(all);
      const want = Array.from({ length: 30 }, (_, k) => String(10 + k));
      expect(settled).toEqual(want.filter((n) => Number(n) % 3 !== 0));
      expect(numbers(store.data)).toEqual(want);
      await store.flush();
      if (reopen) expect(numbers((await reopen()).data)).toEqual(want);
    });

    it('has a now update on disk when it resolves (seen after reopen)', async () => {
      const { store, reopen } = await setup();
      await store.update((d) => { d.extensions.push(ext('201', 'Alice')); }, 'now');
      if (!reopen) return;
      const again = await reopen();
      expect(again.data.extensions).toEqual([ext('201', 'Alice')]);
      expect(again.data.secret).toBe(store.data.secret);
    });

    it('has soon updates on disk once flush resolves', async () => {
      const { store, reopen } = await setup();
      await store.update((d) => { d.extensions.push(ext('201')); }, 'soon');
      await store.update((d) => { d.extensions.push(ext('202')); }, 'soon');
      await store.flush();
      await store.flush(); // nothing pending: resolves too
      if (reopen) expect(numbers((await reopen()).data)).toEqual(['201', '202']);
    });

    it('writes pending soon updates on close, then refuses updates; a second close resolves', async () => {
      const { store, reopen } = await setup();
      void store.update((d) => { d.extensions.push(ext('201')); }, 'soon');
      await store.close();
      await expect(store.update((d) => { d.extensions.push(ext('202')); })).rejects.toThrow(/closed/);
      await expect(store.update((d) => { d.extensions.push(ext('202')); }, 'soon')).rejects.toThrow(/closed/);
      expect(numbers(store.data)).toEqual(['201']);
      await store.close();
      if (reopen) expect(numbers((await reopen()).data)).toEqual(['201']);
    });
  });
}
