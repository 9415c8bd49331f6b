// Runs the Store conformance suite (store.case.ts) for both implementations: lowdb over a file in
// a temp folder, and memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../firmware/src/store/index';
import { openLowdbStore } from '../../firmware/src/store/lowdb';
import { memoryStore } from '../../firmware/src/store/memory';
import { runStoreConformance } from './store.case';

runStoreConformance('lowdb', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-store-'));
  const open = () => openLowdbStore({ dataDir, secret: () => 'test-secret', writeBehindMs: 20 });
  let current: Store = await open();
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await open();
      return current;
    },
    async cleanup() {
      await current.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

runStoreConformance('memory', async () => {
  const store = memoryStore();
  return { store, cleanup: () => store.close() };
});
