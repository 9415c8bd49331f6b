// `sipbox ext add|list|del|passwd`: manages extensions. A running daemon is asked over its control
// socket (the change is live at once); with no daemon the data file is changed directly. Both run
// the same ext.* methods (store/extensions.ts). Exit codes: 0 done, 1 failed, 2 bad usage or field.
import { existsSync } from 'node:fs';
import { ctlCall, ctlSocketPath, CtlRpcError, CtlUnavailableError } from '../mgmt/ctl';
import { extensionRpc, ExtensionError, RPC_INVALID_PARAMS, type ExtensionView } from '../store/extensions';
import type { Store } from '../store/index';
import { openLowdbStore, randomSecret, storeFilePath } from '../store/lowdb';
import { memoryStore } from '../store/memory';

export const EXT_USAGE = `usage: sipbox ext add NUMBER [--name NAME] [--password PW]
       sipbox ext list [--show-passwords]
       sipbox ext del NUMBER
       sipbox ext passwd NUMBER [--password PW]
  NUMBER      2-15 digits
  --name      up to 64 characters
  --password  8-128 printable ASCII characters, no spaces or quotes (default: a strong one is made and printed)
  --data DIR  the data folder of the sipbox to change`;

export interface ExtCommandOptions {
  /** The data folder (the daemon's --data); `--data DIR` in argv overrides it. */
  dataDir: string;
  /** Called once per output line, without the newline. */
  out: (line: string) => void;
  err: (line: string) => void;
  /** How long to wait for a running daemon's answer. */
  timeoutMs?: number;
}

type Command = 'add' | 'list' | 'del' | 'passwd';
const COMMANDS: Readonly<Record<Command, { positional: number; flags: readonly string[] }>> = {
  add: { positional: 1, flags: ['--name', '--password'] },
  list: { positional: 0, flags: ['--show-passwords'] },
  del: { positional: 1, flags: [] },
  passwd: { positional: 1, flags: ['--password'] },
};
const VALUE_FLAGS = ['--name', '--password', '--data'];

interface Parsed {
  command: Command;
  params: Record<string, unknown>;
  dataDir: string | null;
}

function parseArgs(argv: readonly string[]): { ok: true; parsed: Parsed } | { ok: false; error: string } {
  const sub = argv[0];
  if (sub === undefined) return { ok: false, error: 'missing command (add, list, del or passwd)' };
  if (!Object.prototype.hasOwnProperty.call(COMMANDS, sub)) return { ok: false, error: `unknown command '${sub}'` };
  const command = sub as Command;
  const spec = COMMANDS[command];
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== '--data' && !spec.flags.includes(name)) return { ok: false, error: `unknown option '${name}' for 'ext ${command}'` };
    if (VALUE_FLAGS.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) return { ok: false, error: `${name} needs a value` };
      flags.set(name, value);
    } else {
      if (eq > 0) return { ok: false, error: `${name} takes no value` };
      flags.set(name, true);
    }
  }
  if (positional.length !== spec.positional) {
    return { ok: false, error: spec.positional === 0 ? `'ext ${command}' takes no arguments` : `'ext ${command}' needs one NUMBER` };
  }
  const params: Record<string, unknown> = {};
  if (spec.positional === 1) params.number = positional[0];
  if (flags.has('--name')) params.name = flags.get('--name');
  if (flags.has('--password')) params.password = flags.get('--password');
  if (flags.has('--show-passwords')) params.showPasswords = true;
  const dataDir = flags.get('--data');
  return { ok: true, parsed: { command, params, dataDir: typeof dataDir === 'string' ? dataDir : null } };
}

/** Runs `ext.<command>` on the running daemon, or on the data file when there is none. */
async function run(dataDir: string, p: Parsed, timeoutMs: number | undefined): Promise<unknown> {
  const method = `ext.${p.command}`;
  try {
    return await ctlCall(ctlSocketPath(dataDir), method, p.params, timeoutMs);
  } catch (err) {
    // Only "nobody listens" falls through: a daemon that is slow or refused must not have its file
    // changed behind its back.
    if (!(err instanceof CtlUnavailableError)) throw err;
  }
  // Reading or deleting does not create a data file that is not there.
  const exists = existsSync(storeFilePath(dataDir));
  const store: Store = exists || p.command === 'add' ? await openLowdbStore({ dataDir, secret: randomSecret }) : memoryStore();
  try {
    return await extensionRpc(store)[method](p.params);
  } finally {
    await store.close();
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - [...cell].length))).join('  ').trimEnd());
}

function print(p: Parsed, result: unknown, out: (line: string) => void): void {
  const r = isRecord(result) ? result : {};
  switch (p.command) {
    case 'add':
      out(`added extension ${str(r.number)}${str(r.name) === '' ? '' : ` (${str(r.name)})`}`);
      if (typeof r.generatedPassword === 'string') out(`password: ${r.generatedPassword}`);
      break;
    case 'list': {
      const list = Array.isArray(result) ? (result as unknown[]).filter(isRecord) : [];
      if (list.length === 0) { out('no extensions'); break; }
      const show = p.params.showPasswords === true;
      const head = show ? ['NUMBER', 'NAME', 'PASSWORD'] : ['NUMBER', 'NAME'];
      const rows = list.map((e) => {
        const v = e as Partial<ExtensionView>;
        return show ? [str(v.number), str(v.name), str(v.password)] : [str(v.number), str(v.name)];
      });
      for (const line of table([head, ...rows])) out(line);
      break;
    }
    case 'del':
      out(`deleted extension ${str(r.number)}`);
      break;
    case 'passwd':
      out(`changed the password of extension ${str(r.number)}`);
      if (typeof r.generatedPassword === 'string') out(`password: ${r.generatedPassword}`);
      break;
  }
}

/** `sipbox ext ...` with argv after "ext"; resolves with the exit code. */
export async function runExtCommand(argv: string[], opts: ExtCommandOptions): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    for (const line of EXT_USAGE.split('\n')) opts.out(line);
    return 0;
  }
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    opts.err(`sipbox ext: ${parsed.error}`);
    for (const line of EXT_USAGE.split('\n')) opts.err(line);
    return 2;
  }
  const p = parsed.parsed;
  let result: unknown;
  try {
    result = await run(p.dataDir ?? opts.dataDir, p, opts.timeoutMs);
  } catch (err) {
    const invalid =
      (err instanceof CtlRpcError && err.code === RPC_INVALID_PARAMS) || (err instanceof ExtensionError && err.rpcCode === RPC_INVALID_PARAMS);
    opts.err(`sipbox ext ${p.command}: ${err instanceof Error ? err.message : String(err)}`);
    return invalid ? 2 : 1;
  }
  print(p, result, opts.out);
  return 0;
}
