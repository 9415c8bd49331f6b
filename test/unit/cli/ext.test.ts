// `sipbox ext ...` against a temp data folder: with no daemon it changes the data file itself;
// with a daemon's control socket answering it goes through ext.* RPC and leaves the file alone.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runExtCommand } from '../../../firmware/src/cli/ext';
import { createLogger } from '../../../firmware/src/log/logger';
import { ctlSocketPath, startCtlServer, type CtlServer } from '../../../firmware/src/mgmt/ctl';
import { extensionRpc } from '../../../firmware/src/store/extensions';
import { storeFilePath } from '../../../firmware/src/store/lowdb';
import { memoryStore } from '../../../firmware/src/store/memory';
import { ext } from '../../cases/store.case';

const dirs: string[] = [];
const servers: CtlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sipbox-ext-'));
  dirs.push(d);
  return d;
};
const ext$ = async (dataDir: string, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExtCommand(argv, { dataDir, out: (l) => out.push(l), err: (l) => err.push(l), timeoutMs: 1000 });
  return { code, out, err };
};
const fileExtensions = (dataDir: string): { number: string; name: string; password: string }[] =>
  JSON.parse(readFileSync(storeFilePath(dataDir), 'utf8')).extensions;

describe('sipbox ext, no daemon running: the data file directly', () => {
  it('adds, lists, changes the password of and deletes extensions in sipbox.json', async () => {
    const dir = tempDir();
    expect(await ext$(dir, 'add', '201', '--name', 'Alice', '--password', 'alice-pass1')).toEqual({ code: 0, out: ['added extension 201 (Alice)'], err: [] });
    expect(statSync(storeFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(fileExtensions(dir)).toMatchObject([{ number: '201', name: 'Alice', password: 'alice-pass1' }]);

    const added = await ext$(dir, 'add', '1000', '--name=Front desk');
    expect(added.code).toBe(0);
    expect(added.out[0]).toBe('added extension 1000 (Front desk)');
    const generated = /^password: ([A-Za-z0-9]{20})$/.exec(added.out[1] ?? '');
    expect(generated).not.toBeNull();
    expect(fileExtensions(dir)[1].password).toBe(generated![1]);

    expect((await ext$(dir, 'list')).out).toEqual([
      'NUMBER  NAME',
      '201     Alice',
      '1000    Front desk',
    ]);
    expect(await ext$(dir, 'passwd', '201', '--password=better-pw-1')).toEqual({ code: 0, out: ['changed the password of extension 201'], err: [] });
    expect((await ext$(dir, 'list', '--show-passwords')).out).toEqual([
      'NUMBER  NAME        PASSWORD',
      '201     Alice       better-pw-1',
      `1000    Front desk  ${generated![1]}`,
    ]);
    expect(await ext$(dir, 'del', '201')).toEqual({ code: 0, out: ['deleted extension 201'], err: [] });
    expect(fileExtensions(dir).map((e) => e.number)).toEqual(['1000']);
  });

  it('prints a generated password when passwd is given none', async () => {
    const dir = tempDir();
    await ext$(dir, 'add', '201', '--password', 'alice-pass1');
    const r = await ext$(dir, 'passwd', '201');
    expect(r.code).toBe(0);
    expect(r.out[1]).toMatch(/^password: [A-Za-z0-9]{20}$/);
    expect(fileExtensions(dir)[0].password).toBe(r.out[1].slice('password: '.length));
  });

  it.each([
    [['add', '2x'], "sipbox ext add: number must be digits only, got 'x' at position 2"],
    [['add', '201', '--password', 'a b c d e'], 'sipbox ext add: password must be printable ASCII without spaces (position 2)'],
    [['add', '201', '--name', 'a\u0007'], 'sipbox ext add: name must not contain control characters (found U+0007)'],
    [['passwd', '201', '--password', 'short'], 'sipbox ext passwd: password must be 8-128 characters, got 5'],
  ])('refuses %j with exit code 2 and a message naming the field', async (argv, message) => {
    const dir = tempDir();
    expect(await ext$(dir, ...argv)).toEqual({ code: 2, out: [], err: [message] });
  });

  it('refuses a number that is taken with exit code 2, and an unknown one with exit code 1', async () => {
    const dir = tempDir();
    await ext$(dir, 'add', '201');
    expect(await ext$(dir, 'add', '201')).toEqual({ code: 2, out: [], err: ['sipbox ext add: extension 201 already exists'] });
    expect(await ext$(dir, 'del', '299')).toEqual({ code: 1, out: [], err: ['sipbox ext del: extension 299 does not exist'] });
  });

  it.each([
    [[], "sipbox ext: missing command (add, list, del or passwd)"],
    [['frob'], "sipbox ext: unknown command 'frob'"],
    [['add'], "sipbox ext: 'ext add' needs one NUMBER"],
    [['del', '201', '202'], "sipbox ext: 'ext del' needs one NUMBER"],
    [['list', 'x'], "sipbox ext: 'ext list' takes no arguments"],
    [['list', '--name', 'x'], "sipbox ext: unknown option '--name' for 'ext list'"],
    [['add', '201', '--name'], 'sipbox ext: --name needs a value'],
    [['list', '--show-passwords=yes'], 'sipbox ext: --show-passwords takes no value'],
  ])('refuses the usage %j with exit code 2 and the usage text', async (argv, message) => {
    const r = await ext$(tempDir(), ...argv);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe(message);
    expect(r.err[1]).toMatch(/^usage: sipbox ext add NUMBER/);
  });

  it('lists and deletes without creating a data file that is not there', async () => {
    const dir = tempDir();
    expect(await ext$(dir, 'list')).toEqual({ code: 0, out: ['no extensions'], err: [] });
    expect((await ext$(dir, 'del', '201')).code).toBe(1);
    expect(existsSync(storeFilePath(dir))).toBe(false);
  });

  it('uses the folder given with --data', async () => {
    const dir = tempDir();
    const other = tempDir();
    expect((await ext$(dir, 'add', '201', '--data', other)).code).toBe(0);
    expect(existsSync(storeFilePath(dir))).toBe(false);
    expect(fileExtensions(other).map((e) => e.number)).toEqual(['201']);
  });

  it('fails (exit code 1) on a damaged data file, naming it, and leaves it untouched', async () => {
    const dir = tempDir();
    writeFileSync(storeFilePath(dir), '{"version": 1,');
    const r = await ext$(dir, 'add', '201');
    expect(r.code).toBe(1);
    expect(r.err[0]).toContain(`${storeFilePath(dir)}:1:15: not valid JSON`);
    expect(readFileSync(storeFilePath(dir), 'utf8')).toBe('{"version": 1,');
  });
});

describe('sipbox ext, daemon running: through the control socket', () => {
  const log = createLogger('mgmt', 'error', []);
  const daemon = async (dir: string) => {
    const store = memoryStore({ extensions: [ext('201', 'Alice')] });
    servers.push(await startCtlServer({ path: ctlSocketPath(dir), methods: extensionRpc(store), log }));
    return store;
  };

  it('changes the running daemon\'s store at once and leaves the data file alone', async () => {
    const dir = tempDir();
    const store = await daemon(dir);
    expect(await ext$(dir, 'add', '202', '--name', 'Bob', '--password', 'bobs-password')).toEqual({ code: 0, out: ['added extension 202 (Bob)'], err: [] });
    expect(store.data.extensions.map((e) => [e.number, e.name, e.password])).toEqual([['201', 'Alice', 'secret-pw-201'], ['202', 'Bob', 'bobs-password']]);
    expect((await ext$(dir, 'list')).out).toEqual(['NUMBER  NAME', '201     Alice', '202     Bob']);
    expect((await ext$(dir, 'del', '201')).code).toBe(0);
    expect(store.data.extensions.map((e) => e.number)).toEqual(['202']);
    expect(existsSync(storeFilePath(dir))).toBe(false);
  });

  it('maps the daemon\'s invalid-params answer to exit code 2 and not-found to 1', async () => {
    const dir = tempDir();
    await daemon(dir);
    expect(await ext$(dir, 'add', '201')).toEqual({ code: 2, out: [], err: ['sipbox ext add: extension 201 already exists'] });
    expect(await ext$(dir, 'passwd', '299')).toEqual({ code: 1, out: [], err: ['sipbox ext passwd: extension 299 does not exist'] });
  });

  it('does not fall back to the file when the daemon does not answer in time (exit code 1)', async () => {
    const dir = tempDir();
    servers.push(await startCtlServer({ path: ctlSocketPath(dir), methods: { 'ext.add': () => new Promise(() => undefined) }, log }));
    const r = await ext$(dir, 'add', '201');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/sipbox did not answer ext\.add within 1000 ms/);
    expect(existsSync(storeFilePath(dir))).toBe(false);
  });
});
