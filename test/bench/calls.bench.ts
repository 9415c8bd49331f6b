// Registrar and proxy against Kamailio 5.6 on this machine, in one run: CPU per authenticated
// call and per authenticated REGISTER (../shared/bench/compare.sh drives the same SIPp load
// through both), and memory with 10,000 registered users (RSS for sipbox, PSS summed over
// Kamailio's processes, which share memory between them).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runSipp } from '../helpers/sipp';
import { rssKiB, sleep, spawnReady } from './lib/proc';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shared = join(root, '../shared/bench');
const bundle = join(root, 'dist/sipbox.js');
const USERS = 10_000;

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sipbox-bench-'));
  const now = new Date().toISOString();
  const ext = [2001, 2002, ...Array.from({ length: USERS }, (_, i) => 100000 + i)]
    .map((n) => ({ number: String(n), name: `bench ${n}`, password: `pw${n}`, createdAt: now, updatedAt: now }));
  // A bench fixture written directly: compare.sh's passwords (pw2001) are shorter than `ext add` allows.
  writeFileSync(join(dir, 'sipbox.json'), JSON.stringify({ version: 1, extensions: ext, bindings: [], secret: 'bench-secret-0123456789abcdef' }), { mode: 0o600 });
  return dir;
}

function pssKiB(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try { sum += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0); } catch { /* process gone: counts 0 */ }
  }
  return sum;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  let kids: number[] = [];
  try { kids = execFileSync('sh', ['-c', `cat /proc/${pid}/task/*/children`], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number); } catch { /* none */ }
  for (const k of kids) out.push(k, ...descendants(k));
  return out;
}

async function register10k(port: number): Promise<number> {
  const csv = join(mkdtempSync(join(tmpdir(), 'users-')), 'u.csv');
  let text = 'SEQUENTIAL\n';
  for (let i = 0; i < USERS; i++) text += `${100000 + i};pw${100000 + i};127.0.0.1;-;[authentication username=${100000 + i} password=pw${100000 + i}]\n`;
  writeFileSync(csv, text);
  const r = await runSipp({ scenario: join(shared, 'scenarios/reg_auth.xml'), target: `127.0.0.1:${port}`, calls: USERS, rate: 1000, timeoutSec: 120, extra: ['-inf', csv, '-l', '2000'] });
  return r.successful;
}

async function main(): Promise<void> {
  if (!existsSync(join(shared, 'compare.sh'))) { console.log(`no ${shared}/compare.sh: cannot compare with Kamailio`); process.exit(1); }
  const dir = dataDir();
  const port = await freePort();
  const d = await spawnReady(process.execPath, [bundle, '--data', dir, '--sip-port', String(port), '--bind', '127.0.0.1', '--log-level', 'info'], / core ready /);
  const pid = d.proc.pid!;
  console.log(`CPU per authenticated call and REGISTER (../shared/bench/compare.sh, RATE=${process.env.RATE ?? 300}/s):`);
  const cmp = spawnSync('bash', [join(shared, 'compare.sh'), String(pid), String(port)], { encoding: 'utf8', timeout: 300_000 });
  for (const line of cmp.stdout.trim().split('\n')) console.log(`  ${line}`);
  if (cmp.status !== 0) console.log(`  compare.sh exited ${cmp.status}: ${cmp.stderr.slice(-400)}`);

  d.proc.kill('SIGTERM');

  // Memory on a fresh daemon: idle with the extensions loaded, then with everyone registered,
  // and again once the REGISTER transactions have ended (timer J, 64*T1 = 32 s).
  console.log(`Memory with ${USERS.toLocaleString('en')} registered users:`);
  const mdir = dataDir();
  const mport = await freePort();
  const m = await spawnReady(process.execPath, [bundle, '--data', mdir, '--sip-port', String(mport), '--bind', '127.0.0.1', '--log-level', 'info'], / core ready /);
  await sleep(1000);
  const before = rssKiB(m.proc.pid!);
  const ok = await register10k(mport);
  await sleep(1500);
  const peak = rssKiB(m.proc.pid!);
  await sleep(33_000);
  console.log(`  sipbox   RSS ${(before / 1024).toFixed(1)} MiB idle with ${USERS} extensions -> ${(peak / 1024).toFixed(1)} MiB with ${ok} registered -> ${(rssKiB(m.proc.pid!) / 1024).toFixed(1)} MiB once their transactions ended`);
  m.proc.kill('SIGTERM');
  rmSync(mdir, { recursive: true, force: true });

  const w = mkdtempSync(join(tmpdir(), 'kamailio-bench-'));
  const kport = await freePort();
  writeFileSync(join(w, 'k.cfg'), readFileSync(join(shared, 'kamailio.cfg'), 'utf8').replaceAll('KPORT', String(kport)));
  const k: ChildProcess = spawn('kamailio', ['-f', join(w, 'k.cfg'), '-P', join(w, 'k.pid'), '-w', w, '-DD', '-E'], { stdio: 'ignore' });
  await sleep(1500);
  const kpids = () => [k.pid!, ...descendants(k.pid!)];
  const kBefore = pssKiB(kpids());
  const kok = await register10k(kport);
  await sleep(1500);
  console.log(`  kamailio PSS ${(kBefore / 1024).toFixed(1)} MiB -> ${(pssKiB(kpids()) / 1024).toFixed(1)} MiB with ${kok} registered (${kpids().length} processes)`);
  k.kill('SIGTERM');
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
  rmSync(w, { recursive: true, force: true });
}

await main();
