// The atomic file write (temp + fsync + rename + directory fsync) and the JSON read of the data file.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicJsonFile, readJsonFile, tempPathFor, writeFileAtomic } from '../../../firmware/src/store/atomic-file';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sipbox-atomic-'));
  dirs.push(d);
  return d;
};

describe('writeFileAtomic', () => {
  it('replaces the file with the new text, mode 0600, and leaves no temp file', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, '{"new":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('resets the mode of a leftover temp file of the same pid', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.json');
    writeFileSync(tempPathFor(file), 'leftover', { mode: 0o666 });
    await writeFileAtomic(file, 'x');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file whole when the write fails before the rename', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, 'old');
    await expect(writeFileAtomic(join(dir, 'missing', 'f.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

describe('readJsonFile / AtomicJsonFile', () => {
  it('reads null for a missing file', async () => {
    expect(await readJsonFile(join(tempDir(), 'none.json'))).toBeNull();
  });

  it('names the file and line:column of a syntax error', async () => {
    const file = join(tempDir(), 'f.json');
    writeFileSync(file, '[\n  1,\n  2 3\n]');
    await expect(readJsonFile(file)).rejects.toThrow(`${file}:3:5: not valid JSON: expected ',' or ']'`);
  });

  it('passes what it read through decode, and writes pretty JSON ending in a newline', async () => {
    const file = join(tempDir(), 'f.json');
    const a = new AtomicJsonFile<{ n: number }>(file, (doc) => {
      if (typeof doc !== 'object' || doc === null || typeof (doc as { n?: unknown }).n !== 'number') throw new Error('n: expected a number');
      return doc as { n: number };
    });
    expect(await a.read()).toBeNull();
    await a.write({ n: 1 });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "n": 1\n}\n');
    expect(await a.read()).toEqual({ n: 1 });
    writeFileSync(file, '{"n":"x"}');
    await expect(a.read()).rejects.toThrow('n: expected a number');
  });
});
