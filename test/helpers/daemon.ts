// Starts the built daemon (dist/sipbox.js) as a real process on ephemeral ports with a temp data
// folder, waits for its ready line, and keeps its log lines for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('../../dist/sipbox.js', import.meta.url));

export interface Daemon {
  proc: ChildProcess;
  sipPort: number;
  dataDir: string;
  lines: string[];
  /** Resolves with the first log line matching, waiting up to timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  count(pattern: RegExp): number;
  /** Sends the signal and resolves with the exit code, or 'signal NAME' / 'killed after 10 s'. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface DaemonOptions {
  args?: string[];
  dataDir?: string;
  env?: Record<string, string>;
  keepData?: boolean;
}

export function requireBundle(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test does it)`);
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  requireBundle();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sipbox-test-'));
  const args = [BUNDLE, '--data', dataDir, '--sip-port', '0', '--http-port', '0', '--bind', '127.0.0.1', '--log-level', 'debug', ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let exited = false;
  const onData = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = prefix + partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i].re.test(line)) waiters.splice(i, 1)[0].resolve(line);
        }
      }
    };
  };
  proc.stdout!.on('data', onData(''));
  proc.stderr!.on('data', onData(''));
  const exit = new Promise<number | string>((res) => proc.on('exit', (code, sig) => { exited = true; res(code ?? `signal ${sig}`); }));

  const waitFor = (re: RegExp, timeoutMs = 10_000) => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return Promise.resolve(hit);
    return new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`timed out waiting for ${re} in daemon log:\n${lines.slice(-30).join('\n')}`)), timeoutMs);
      waiters.push({ re, resolve: (l) => { clearTimeout(t); res(l); } });
      void exit.then(() => { clearTimeout(t); rej(new Error(`daemon exited while waiting for ${re}:\n${lines.slice(-30).join('\n')}`)); });
    });
  };
  const ready = await waitFor(/ core ready /, 15_000);
  const m = / sipPort=(\d+)/.exec(ready);
  if (!m) throw new Error(`ready line has no sipPort: ${ready}`);
  return {
    proc, sipPort: Number(m[1]), dataDir, lines, waitFor,
    count: (re) => lines.filter((l) => re.test(l)).length,
    async stop(signal = 'SIGTERM') {
      if (!exited) proc.kill(signal);
      const code = await Promise.race([exit, new Promise<string>((r) => setTimeout(() => { proc.kill('SIGKILL'); r('killed after 10 s'); }, 10_000))]);
      if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
