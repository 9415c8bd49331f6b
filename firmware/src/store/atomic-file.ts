// The data file on disk, power-cut safe: write `<file>.tmp-<pid>`, fsync it, rename it over the
// file, fsync the directory (POSIX rename(2) is atomic; without the two fsyncs a power cut can
// leave an empty or torn file). A lowdb Adapter; a damaged file is refused, never overwritten.
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { findJsonError } from '../config/json-error';

/** The data file holds passwords: owner read/write only. */
export const DATA_FILE_MODE = 0o600;

const TMP_INFIX = '.tmp-';

export const tempPathFor = (path: string, pid: number = process.pid): string => `${path}${TMP_INFIX}${pid}`;

const errCode = (err: unknown): string | undefined =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' ? (err as NodeJS.ErrnoException).code : undefined;

/** fsync on a directory makes a rename durable on Linux; some filesystems refuse it (EINVAL), and
 *  there nothing more can be done, so that one refusal is not an error. */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    if (errCode(err) !== 'EINVAL' && errCode(err) !== 'ENOTSUP') throw err;
  } finally {
    await fh.close();
  }
}

/** Replaces `path` with `text` atomically and durably, mode `mode`. */
export async function writeFileAtomic(path: string, text: string, mode: number = DATA_FILE_MODE): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w', mode);
  try {
    // A leftover temp file of a reused pid keeps its old mode through 'w': set it again.
    await fh.chmod(mode);
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

/** Reads `path`: null when it does not exist; an Error naming the file and line:column when it is
 *  not JSON. A UTF-8 byte order mark (left by some editors) is allowed. */
export async function readJsonFile(path: string): Promise<{ doc: unknown } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { doc: JSON.parse(text) as unknown };
  } catch (err) {
    const at = findJsonError(text);
    const where = at ? `${path}:${at.line}:${at.column}` : path;
    const why = at ? at.reason : (err as Error).message;
    throw new Error(`${where}: not valid JSON: ${why}. sipbox does not overwrite it: fix the file or move it away`);
  }
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return errCode(err) === 'EPERM';
  }
};

/** Removes temp files left by a writer that died mid-write (a crash or a power cut). A temp file of
 *  a live process is left alone: it may be that process's write in flight. Returns the names removed. */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = basename(path) + TMP_INFIX;
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pidText = name.slice(prefix.length);
    const pid = /^[0-9]{1,10}$/.test(pidText) ? Number(pidText) : NaN;
    if (pid === process.pid || !Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) {
      try {
        await unlink(join(dir, name));
        removed.push(name);
      } catch (err) {
        if (errCode(err) !== 'ENOENT') throw err; // another opener removed it first
      }
    }
  }
  return removed;
}

/** lowdb's Adapter over one JSON file: `decode` checks (and migrates) what was read, and throws an
 *  Error naming the bad field. Writes are serialised by the caller (one in flight at a time). */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly decode: (doc: unknown) => T,
    private readonly mode: number = DATA_FILE_MODE,
  ) {}

  async read(): Promise<T | null> {
    const got = await readJsonFile(this.path);
    if (got === null) return null;
    return this.decode(got.doc);
  }

  write(data: T): Promise<void> {
    // Serialised before the first await, so a change made while the write is in flight does not
    // slip into this one half-done.
    const text = JSON.stringify(data, null, 2) + '\n';
    return writeFileAtomic(this.path, text, this.mode);
  }
}
