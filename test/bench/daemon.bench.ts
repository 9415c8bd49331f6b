// The daemon as a whole: idle RSS against a bare `node`, and OPTIONS transactions per second
// driven by SIPp (the keep-alive every phone sends), stepped up until more than 1 % fail or the
// achieved rate falls below 95 % of the offered one; Kamailio 5.6 with ../shared/bench/kamailio.cfg
// (stateless OPTIONS answer, one worker) runs the same steps in the same run when it is installed.
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuMs, rssKiB, sleep, spawnReady } from './lib/proc';
import { runSipp } from '../helpers/sipp';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(root, 'dist/sipbox.js');
const STEP_SEC = 5;
const RATES = (process.env.RATES ?? '2000 4000 8000 12000 16000 20000').split(' ').map(Number);

async function idleRss(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'sipbox-bench-'));
  const d = await spawnReady(process.execPath, [bundle, '--data', data, '--sip-port', '0', '--bind', '127.0.0.1'], / core ready /);
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(3000);
  const ours = rssKiB(d.proc.pid!);
  const base = rssKiB(bare.pid!);
  console.log(`idle RSS: sipbox ${(ours / 1024).toFixed(1)} MiB, bare node -e ${(base / 1024).toFixed(1)} MiB (+${((ours - base) / 1024).toFixed(1)} MiB)`);
  d.proc.kill('SIGTERM'); bare.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
}

async function ladder(name: string, port: number, pid: number): Promise<void> {
  let best = 0;
  for (const rate of RATES) {
    const c0 = cpuMs(pid);
    const t0 = Date.now();
    const r = await runSipp({ scenario: join(root, 'test/bench/scenarios/options_ping.xml'), target: `127.0.0.1:${port}`, calls: rate * STEP_SEC, rate, timeoutSec: STEP_SEC * 4, extra: ['-l', String(rate)] });
    const wallSec = (Date.now() - t0) / 1000;
    const cpu = cpuMs(pid) - c0;
    const achieved = r.successful / wallSec;
    const ok = r.failed <= r.successful * 0.01 && achieved >= rate * 0.95;
    console.log(`  ${name.padEnd(8)} offered ${String(rate).padStart(6)}/s achieved ${achieved.toFixed(0).padStart(6)}/s failed ${String(r.failed).padStart(5)}  CPU ${(cpu * 1000 / Math.max(r.successful, 1)).toFixed(0).padStart(4)} us/transaction ${ok ? 'pass' : 'FAIL'}`);
    if (!ok) break;
    best = rate;
    await sleep(1000);
  }
  console.log(`  ${name}: highest sustained OPTIONS rate ${best}/s (steps of ${STEP_SEC} s, SIPp on the same 2 cores)`);
}

async function options(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'sipbox-bench-'));
  const d = await spawnReady(process.execPath, [bundle, '--data', data, '--sip-port', '0', '--bind', '127.0.0.1', '--log-level', 'info'], / core ready /);
  const port = Number(/sipPort=(\d+)/.exec(d.line)![1]);
  console.log('OPTIONS transactions through the daemon (SIPp options.xml):');
  await ladder('sipbox', port, d.proc.pid!);
  console.log(`  sipbox RSS after load: ${(rssKiB(d.proc.pid!) / 1024).toFixed(1)} MiB`);
  d.proc.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });

  const cfg = join(root, '../shared/bench/kamailio.cfg');
  let kamailio = '';
  try { kamailio = execFileSync('sh', ['-c', 'command -v kamailio'], { encoding: 'utf8' }).trim(); } catch { /* reported below */ }
  if (!kamailio || !existsSync(cfg)) { console.log('  kamailio: not installed or ../shared/bench/kamailio.cfg missing: no comparison this run'); return; }
  const w = mkdtempSync(join(tmpdir(), 'kamailio-bench-'));
  const kport = 15060 + Math.floor(Date.now() % 1000);
  writeFileSync(join(w, 'k.cfg'), readFileSync(cfg, 'utf8').replaceAll('KPORT', String(kport)));
  const k = spawn(kamailio, ['-f', join(w, 'k.cfg'), '-P', join(w, 'k.pid'), '-w', w, '-DD', '-E'], { stdio: 'ignore' });
  await sleep(1500);
  // children=1: the UDP worker is the busiest child; sum the main process and all its children.
  const kids = execFileSync('sh', ['-c', `cat /proc/${k.pid}/task/*/children`], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
  const worker = kids.length ? kids[0] : k.pid!;
  await ladder('kamailio', kport, worker);
  k.kill('SIGTERM');
  await sleep(500);
  rmSync(w, { recursive: true, force: true });
}

await idleRss();
await options();
