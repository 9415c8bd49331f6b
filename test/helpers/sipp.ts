// Runs SIPp (Debian sip-tester) against the daemon on 127.0.0.1 and reads its statistics file.
// A missing sipp fails the test loudly: test/run.sh installs it, nothing is skipped.
import { spawn, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = fileURLToPath(new URL('../e2e/sipp/scenarios/', import.meta.url));

export function requireSipp(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('sipp is not installed: run `npm test` as root (it installs Debian sip-tester) or apt-get install sip-tester');
  }
}

/** One row of SIPp's scenario screen: a message of the scenario and what happened to it. */
export interface SippRow {
  label: string; // e.g. 'INVITE ---------->' or '404 <----------'
  messages: number;
  retrans: number;
  timeout: number;
  unexpected: number;
}

export interface SippResult {
  code: number | null;
  rows: SippRow[];
  successful: number;
  failed: number;
  retransmissions: number;
  output: string;
  dir: string;
}

export interface SippOptions {
  scenario: string; // file name under test/e2e/sipp/scenarios or an absolute path
  target: string; // host:port
  transport?: 'u1' | 't1';
  calls?: number;
  rate?: number;
  timeoutSec?: number;
  extra?: string[];
  vars?: Record<string, string>; // -set NAME VALUE
  /** Local port (default: a free one). A registered phone keeps its port for its UAS run. */
  port?: number;
  /** -s: the user part SIPp calls ([service]). */
  service?: string;
  /** -au / -ap: digest credentials for [authentication]. */
  auth?: { user: string; password: string };
}

export interface SippRun {
  done: Promise<SippResult>;
  kill(): void;
}

/** Column numbers in SIPp 3.6 -trace_stat files (';'-separated, 1-based). */
const ST_OK = 16, ST_FAILED = 18, ST_RETRANS = 58;

export async function runSipp(o: SippOptions): Promise<SippResult> {
  return (await startSipp(o)).done;
}

/** Starts SIPp and returns at once: for a UAS that must listen while another SIPp calls it. */
export async function startSipp(o: SippOptions): Promise<SippRun> {
  requireSipp();
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const scenario = o.scenario.startsWith('/') ? o.scenario : join(SCENARIOS, o.scenario);
  const calls = o.calls ?? 1;
  const args = ['-sf', scenario, '-i', '127.0.0.1', '-p', String(o.port ?? (await freePort())), '-trace_screen', '-screen_file', join(dir, 'screen.txt'), '-t', o.transport ?? 'u1', '-m', String(calls),
    '-r', String(o.rate ?? 10), '-nostdin', '-trace_stat', '-stf', join(dir, 'stat.csv'), '-trace_err',
    '-error_file', join(dir, 'errors.log'), '-timeout', `${o.timeoutSec ?? 30}s`, '-timeout_error', '-max_socket', '100'];
  for (const [k, v] of Object.entries(o.vars ?? {})) args.push('-set', k, v);
  if (o.service !== undefined) args.push('-s', o.service);
  if (o.auth !== undefined) args.push('-au', o.auth.user, '-ap', o.auth.password);
  args.push(...(o.extra ?? []), o.target);
  const p = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<SippResult>((resolve) => {
    let output = '';
    p.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    p.on('exit', (code) => {
      const stat = join(dir, 'stat.csv');
      let successful = 0, failed = 0, retransmissions = 0;
      if (existsSync(stat)) {
        const rows = readFileSync(stat, 'utf8').trim().split('\n');
        const last = rows[rows.length - 1].split(';');
        successful = Number(last[ST_OK - 1]);
        failed = Number(last[ST_FAILED - 1]);
        retransmissions = Number(last[ST_RETRANS - 1]);
      }
      const errFile = join(dir, 'errors.log');
      if (existsSync(errFile)) output += '\n--- sipp errors ---\n' + readFileSync(errFile, 'utf8').slice(-4000);
      for (const f of readdirSync(dir)) if (f.endsWith('_errors.log')) output += readFileSync(join(dir, f), 'utf8').slice(-4000);
      const screenFile = join(dir, 'screen.txt');
      const rows = existsSync(screenFile) ? parseScreen(readFileSync(screenFile, 'utf8')) : [];
      resolve({ code, rows, successful, failed, retransmissions, output, dir });
    });
  });
  return { done, kill: () => p.kill('SIGKILL') };
}

/**
 * A port free on 127.0.0.1 now for both UDP and TCP (SIPp's own -p 0 still takes 5060 for its
 * main socket, and a TCP run binds the same number): a UDP-only check raced with TCP users.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (tcpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1 after 20 tries');
}

/** The message rows of the last scenario screen SIPp wrote (-trace_screen). */
export function parseScreen(text: string): SippRow[] {
  const start = text.lastIndexOf('Scenario Screen');
  const lines = text.slice(start).split('\n');
  const rows: SippRow[] = [];
  for (const l of lines) {
    if (/Statistics Screen/.test(l)) break;
    const m = /^\s*(\S+ (?:-+>|<-+))\s+(\d+)\s*(\d*)\s*(\d*)\s*(\d*)/.exec(l);
    if (m) rows.push({ label: m[1], messages: Number(m[2]), retrans: Number(m[3] || 0), timeout: Number(m[4] || 0), unexpected: Number(m[5] || 0) });
  }
  return rows;
}

/** The row of a received response code or a sent method, e.g. row(r, '404 <'), row(r, 'INVITE -'). */
export function row(r: SippResult, prefix: string): SippRow {
  const found = r.rows.find((x) => x.label.startsWith(prefix));
  if (!found) throw new Error(`no SIPp screen row ${prefix} in ${JSON.stringify(r.rows)}\n${r.output}`);
  return found;
}
