// Power-cut safety of the lowdb store (ARCHITECTURE.md rule 6): a child process updates the store
// in a tight loop and is killed with SIGKILL at random moments, again and again on the same data
// folder. After every kill the file parses, is whole, and holds the last update acknowledged as
// written ('now') before the kill, or the one after it (written but not yet acknowledged).
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLowdbStore, storeFilePath } from '../../firmware/src/store/lowdb';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MIN_KILLS = 30;
const MAX_KILLS = 45;
const BUDGET_MS = 15_000;
/** The kill lands this long (random, ms) after the child says its store is open. */
const MAX_KILL_DELAY_MS = 30;

// Generation g writes 1 + g % 40 extensions, each named `gen-g`: a torn or mixed file shows up as
// a wrong count or a mixed name. Passwords pad each write to several KiB.
const CHILD = `
import { openLowdbStore } from './firmware/src/store/lowdb';
const extensionsFor = (g: number) => Array.from({ length: 1 + (g % 40) }, (_, i) => ({
  number: String(100 + i), name: 'gen-' + g, password: 'p'.repeat(100), createdAt: '', updatedAt: '',
}));
async function main(): Promise<void> {
  const store = await openLowdbStore({ dataDir: process.argv[2], secret: () => 'crash-secret', writeBehindMs: 5 });
  const first = store.data.extensions[0];
  let g = first ? Number(first.name.slice(4)) : 0;
  process.stdout.write('ready ' + g + '\\n');
  for (;;) {
    g++;
    const mine = g;
    if (mine % 7 === 0) void store.update((d) => { d.bindings = []; }, 'soon');
    await store.update((d) => { d.extensions = extensionsFor(mine); }, 'now');
    process.stdout.write('ack ' + mine + '\\n');
  }
}
void main();
`;

interface Run {
  lastAck: number | null;
  readyAt: number | null;
}

/** Spawns the child, kills it with SIGKILL a random moment after it is ready, and resolves once
 *  its output is fully read (pipes to a dead process drain before 'close'). */
function runAndKill(script: string, dataDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { lastAck: null, readyAt: null };
    let partial = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (line.startsWith('ack ')) run.lastAck = Number(line.slice(4));
        else if (line.startsWith('ready ')) {
          run.readyAt = Number(line.slice(6));
          setTimeout(() => child.kill('SIGKILL'), randomInt(MAX_KILL_DELAY_MS + 1));
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended with code ${code} signal ${signal}:\n${stderr}`));
      else resolve(run);
    });
  });
}

/** The generation in the file, after checking that the file is whole. */
function generationOnDisk(dataDir: string): number {
  const doc = JSON.parse(readFileSync(storeFilePath(dataDir), 'utf8')) as { extensions: { name: string }[]; secret: string };
  expect(doc.secret).toBe('crash-secret');
  if (doc.extensions.length === 0) return 0;
  const g = Number(doc.extensions[0].name.slice(4));
  expect(doc.extensions.length).toBe(1 + (g % 40));
  expect(doc.extensions.every((e) => e.name === `gen-${g}`)).toBe(true);
  return g;
}

describe('lowdb store under SIGKILL', () => {
  let work: string;
  let script: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'sipbox-crash-'));
    script = join(work, 'child.cjs');
    await build({
      stdin: { contents: CHILD, resolveDir: REPO, loader: 'ts', sourcefile: 'store-crash-child.ts' },
      outfile: script, bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'error',
    });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(`keeps the file whole and the last acknowledged update, over ${MIN_KILLS}+ kills`, async () => {
    const dataDir = join(work, 'data');
    const started = Date.now();
    let acked = 0; // the highest generation acknowledged so far, over all runs
    let kills = 0;
    let killsMidLoop = 0;
    while (kills < MAX_KILLS && (kills < MIN_KILLS || Date.now() - started < BUDGET_MS)) {
      const run = await runAndKill(script, dataDir);
      kills++;
      // Each run starts from what the previous one left on disk.
      if (run.readyAt !== null) expect(run.readyAt).toBe(acked);
      if (run.lastAck !== null) { acked = run.lastAck; killsMidLoop++; }
      const g = generationOnDisk(dataDir);
      expect(g, `after kill ${kills}`).toBeGreaterThanOrEqual(acked);
      expect(g, `after kill ${kills}`).toBeLessThanOrEqual(acked + 1);
      acked = g; // an unacknowledged write that landed is where the next run continues
    }
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Most kills must land while updates are being written, or the test proves little.
    expect(killsMidLoop).toBeGreaterThanOrEqual(MIN_KILLS / 2);
    const store = await openLowdbStore({ dataDir, secret: () => 'unused' });
    expect(readdirSync(dataDir)).toEqual(['sipbox.json']); // temp files of the killed writers are gone
    expect(Number(store.data.extensions[0].name.slice(4))).toBe(acked);
    await store.close();
  });
});
