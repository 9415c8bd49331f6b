// Process figures for benchmarks, read from /proc: RSS and CPU time of a pid.
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const HZ = 100; // USER_HZ on Linux
/** User + system CPU milliseconds of a pid so far. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / HZ;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Spawns a process and resolves once a line of its stderr/stdout matches `ready`. */
export function spawnReady(cmd: string, args: string[], ready: RegExp, timeoutMs = 10_000): Promise<{ proc: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const t = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`${cmd}: not ready after ${timeoutMs} ms:\n${seen}`)); }, timeoutMs);
    const on = (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => ready.test(l));
      if (line) { clearTimeout(t); resolve({ proc, line }); }
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`${cmd} exited (${code}) before ready:\n${seen}`)); });
  });
}
