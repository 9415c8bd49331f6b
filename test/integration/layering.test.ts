// The module boundary of ARCHITECTURE.md, read from esbuild's metafile of the real bundle: engine/
// imports nothing outside itself, and each layer imports only the layers below it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireBundle } from '../helpers/daemon';

interface Meta { inputs: Record<string, { imports: { path: string; external?: boolean }[] }> }

const layerOf = (path: string): string | null => {
  const m = /^firmware\/src\/([^/]+)\//.exec(path);
  return m ? m[1] : path.startsWith('firmware/src/') ? 'main' : null;
};
/** What each layer may import (besides itself and node: builtins). */
const allowed: Record<string, string[]> = {
  engine: [],
  log: [],
  config: ['log'],
  store: ['log', 'config'],
  route: ['engine', 'log', 'config'],
  modules: ['engine', 'route', 'log', 'config', 'store'],
  http: ['engine', 'route', 'modules', 'log', 'config', 'store', 'mgmt'],
  mgmt: ['engine', 'route', 'modules', 'log', 'config', 'store'],
  cli: ['mgmt', 'store', 'log', 'config'],
  main: ['engine', 'route', 'modules', 'http', 'mgmt', 'log', 'config', 'store'],
};

describe('layering (ARCHITECTURE.md)', () => {
  requireBundle();
  const meta = JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/meta.json', import.meta.url)), 'utf8')) as Meta;
  const files = Object.keys(meta.inputs).filter((p) => p.startsWith('firmware/src/'));

  it('bundles the firmware sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('has every layer import only the layers below it', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f)!;
      for (const imp of meta.inputs[f].imports) {
        if (imp.external || imp.path.startsWith('node:')) continue;
        const to = layerOf(imp.path);
        if (to === null || to === from || (from === 'main' && to !== null)) continue;
        if (!(allowed[from] ?? []).includes(to)) bad.push(`${f} -> ${imp.path}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has modules meet only through each other\'s index.ts', () => {
    const bad: string[] = [];
    for (const f of files.filter((p) => p.startsWith('firmware/src/modules/'))) {
      const own = f.split('/')[3];
      for (const imp of meta.inputs[f].imports) {
        const m = /^firmware\/src\/modules\/([^/]+)\/(.+)$/.exec(imp.path);
        if (m && m[1] !== own && m[2] !== 'index.ts') bad.push(`${f} -> ${imp.path}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
