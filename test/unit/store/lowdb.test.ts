// The lowdb Store's file behaviour: creation (mode 0600), refusal of a damaged file (left as it
// is), temp-file cleanup, write coalescing, write-behind, and a failing disk (logged, retried).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../firmware/src/log/logger';
import { tempPathFor } from '../../../firmware/src/store/atomic-file';
import type { Store } from '../../../firmware/src/store/index';
import { openLowdbStore, storeFilePath } from '../../../firmware/src/store/lowdb';
import { ext } from '../../cases/store.case';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sipbox-lowdb-'));
  dirs.push(d);
  return d;
};
const capture = (): { log: Logger; lines: string[] } => {
  const lines: string[] = [];
  return { log: createLogger('store', 'debug', [{ write: (_l, line) => lines.push(line) }]), lines };
};
const open = async (dataDir: string, extra: { writeBehindMs?: number; log?: Logger; secret?: () => string } = {}): Promise<Store> => {
  const s = await openLowdbStore({ dataDir, secret: extra.secret ?? (() => 'the-secret'), writeBehindMs: extra.writeBehindMs, log: extra.log });
  stores.push(s);
  return s;
};
const onDisk = (dataDir: string): { extensions: { number: string }[]; secret: string } => JSON.parse(readFileSync(storeFilePath(dataDir), 'utf8'));
const until = async (cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('lowdb store: the file', () => {
  it('creates sipbox.json (mode 0600) with an empty document and the secret of a new file', async () => {
    const dir = tempDir();
    let secrets = 0;
    await open(dir, { secret: () => { secrets++; return 'fresh-secret'; } });
    const file = storeFilePath(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, extensions: [], bindings: [], secret: 'fresh-secret' });
    expect(secrets).toBe(1);
  });

  it('creates a missing data folder, owner-only', async () => {
    const dir = join(tempDir(), 'a', 'b');
    await open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(storeFilePath(dir))).toBe(true);
  });

  it('keeps the secret of an existing file and does not ask for a new one', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), JSON.stringify({ version: 1, extensions: [ext('201')], bindings: [], secret: 'old' }));
    const s = await open(dir, { secret: () => { throw new Error('must not be called'); } });
    expect(s.data.secret).toBe('old');
    expect(s.data.extensions).toEqual([ext('201')]);
  });

  it('keeps the file mode 0600 after a write even when the file was 0644', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), JSON.stringify({ version: 1, extensions: [], bindings: [], secret: 's' }), { mode: 0o644 });
    const s = await open(dir);
    await s.update((d) => { d.extensions.push(ext('201')); });
    expect(statSync(storeFilePath(dir)).mode & 0o777).toBe(0o600);
  });

  it('reads a file saved with a UTF-8 byte order mark', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), '\ufeff' + JSON.stringify({ version: 1, extensions: [], bindings: [], secret: 's' }));
    expect((await open(dir)).data.secret).toBe('s');
  });

  it('refuses a file that is not JSON, naming the file and line:column, and leaves it untouched', async () => {
    const dir = tempDir();
    const file = storeFilePath(dir);
    const text = '{\n  "version": 1,\n  "extensions": [,]\n}\n';
    writeFileSync(file, text, { mode: 0o600 });
    await expect(open(dir)).rejects.toThrow(`${file}:3:18: not valid JSON: expected a value`);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['sipbox.json']);
  });

  it('refuses an empty file rather than starting afresh over it', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), '');
    await expect(open(dir)).rejects.toThrow(/sipbox\.json:1:1: not valid JSON: unexpected end of file/);
    expect(readFileSync(storeFilePath(dir), 'utf8')).toBe('');
  });

  it('refuses a document with a bad field, naming it, and leaves the file untouched', async () => {
    const dir = tempDir();
    const text = JSON.stringify({ version: 1, extensions: [ext('201'), { ...ext('202'), number: 202 }], bindings: [], secret: 's' });
    writeFileSync(storeFilePath(dir), text);
    await expect(open(dir)).rejects.toThrow('extensions[1].number: expected a string, got number');
    expect(readFileSync(storeFilePath(dir), 'utf8')).toBe(text);
  });

  it('refuses a file of a newer schema version', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), JSON.stringify({ version: 2, extensions: [], bindings: [], secret: 's' }));
    await expect(open(dir)).rejects.toThrow(/schema version 2, newer than this sipbox understands \(1\)/);
  });

  it('removes temp files left by dead writers at open, and keeps a live process\'s', async () => {
    const dir = tempDir();
    const file = storeFilePath(dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(tempPathFor(file, deadPid), '{"half": ');
    writeFileSync(`${file}.tmp-junk`, 'x');
    writeFileSync(tempPathFor(file, 1), '{}'); // pid 1 is always alive
    writeFileSync(join(dir, 'other.tmp-5'), 'not ours');
    const { log, lines } = capture();
    await open(dir, { log });
    expect(readdirSync(dir).sort()).toEqual(['other.tmp-5', 'sipbox.json', 'sipbox.json.tmp-1']);
    expect(lines).toContain('warn store removed-temp-files file=' + file + ' count=2');
  });
});

describe('lowdb store: writing', () => {
  it('coalesces updates made while a write is in flight into the next write (2 writes for 50 updates)', async () => {
    const dir = tempDir();
    const { log, lines } = capture();
    const s = await open(dir, { log });
    const all: Promise<void>[] = [];
    for (let i = 10; i < 60; i++) all.push(s.update((d) => { d.extensions.push(ext(String(i))); }, 'now'));
    await Promise.all(all);
    expect(lines.filter((l) => l.startsWith('debug store written '))).toHaveLength(2);
    expect(onDisk(dir).extensions).toHaveLength(50);
  });

  it('writes a soon update after writeBehindMs without a flush, not before', async () => {
    const dir = tempDir();
    const s = await open(dir, { writeBehindMs: 50 });
    await s.update((d) => { d.extensions.push(ext('201')); }, 'soon');
    expect(onDisk(dir).extensions).toEqual([]);
    await until(() => onDisk(dir).extensions.length === 1, 'the write-behind');
  });

  it('leaves no temp file after writes', async () => {
    const dir = tempDir();
    const s = await open(dir);
    for (let i = 0; i < 5; i++) await s.update((d) => { d.extensions.push(ext(`2${i}`)); });
    expect(readdirSync(dir)).toEqual(['sipbox.json']);
  });

  it('rejects a now update when the write fails, logs it, keeps the change and retries until it lands', async () => {
    const dir = tempDir();
    const { log, lines } = capture();
    const s = await open(dir, { log });
    const tmp = tempPathFor(storeFilePath(dir));
    mkdirSync(tmp); // open(tmp, 'w') now fails with EISDIR, as a full disk fails with ENOSPC
    await expect(s.update((d) => { d.extensions.push(ext('201')); }, 'now')).rejects.toThrow(/EISDIR/);
    await expect(s.flush()).rejects.toThrow(/EISDIR/);
    expect(s.data.extensions).toEqual([ext('201')]);
    expect(lines.some((l) => /^error store write-failed .*error=".*EISDIR.*" retryInMs=\d+$/.test(l))).toBe(true);
    expect(onDisk(dir).extensions).toEqual([]);
    rmSync(tmp, { recursive: true });
    await until(() => onDisk(dir).extensions.length === 1, 'the background retry');
    await until(() => lines.some((l) => l.startsWith('info store write-recovered ')), 'the recovery line');
    await s.flush();
  });
});
