// What the fuzzer reads about the daemon from outside: resident memory and open descriptors from
// /proc/<pid>, its engine counters through the control socket (JSON-RPC 2.0, one line each way),
// and the log lines that mean something went wrong (an exception at a loop boundary, a Node warning).
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Daemon } from '../helpers/daemon';

export const isAlive = (d: Daemon): boolean => d.proc.exitCode === null && d.proc.signalCode === null;

/** What a dead daemon said last, its debug lines left out (the fatal error and its stack count). */
export function lastWords(d: Daemon): string {
  return d.lines.filter((l) => !l.startsWith('debug ')).slice(-30).join('\n');
}

/** VmRSS of a process in KiB (Linux /proc/<pid>/status). */
export function vmRssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Open file descriptors of a process (sockets included): a leak of connections shows here. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Log lines that fail a fuzz run: any error-level line (the engine's `bug` and `timer-error`, the
 * route runner's `route-error` are the exceptions caught at a loop boundary) and Node's own
 * process warnings (a listener leak, a deprecation reached at run time).
 */
export function isAlarmingLine(line: string): boolean {
  return line.startsWith('error ') || /^\(node:\d+\) /.test(line);
}

export interface StackCounters {
  received: number;
  badMessages: number;
  handlerErrors: number;
  [k: string]: number;
}

/** One JSON-RPC call on <dataDir>/sipbox.ctl; rejects after timeoutMs. */
export function ctlCall(dataDir: string, method: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(join(dataDir, 'sipbox.ctl'));
    let got = '';
    const t = setTimeout(() => { sock.destroy(); reject(new Error(`ctl ${method}: no answer in ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('connect', () => sock.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method }) + '\n'));
    sock.on('data', (d) => {
      got += d.toString('utf8');
      const nl = got.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(t);
      sock.destroy();
      const answer = JSON.parse(got.slice(0, nl)) as { result?: unknown; error?: { message: string } };
      if (answer.error) reject(new Error(`ctl ${method}: ${answer.error.message}`));
      else resolve(answer.result);
    });
    sock.on('error', (err) => { clearTimeout(t); reject(err); });
  });
}

export async function stackCounters(dataDir: string): Promise<StackCounters> {
  const r = (await ctlCall(dataDir, 'stats.get_statistics')) as { stack: StackCounters };
  return r.stack;
}
