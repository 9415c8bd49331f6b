// One fuzz campaign against a running daemon: inputs 0..count-1 of a seed over UDP and TCP, then
// authenticated calls between two registered extensions with mutated requests and responses; a
// liveness probe after every few inputs (an OPTIONS that must get 200 OK in time, RFC 3261 §11.2),
// a checkpoint every `checkEvery` inputs (TCP probe on a fresh connection, log scan, process
// alive), connection storms, and memory and descriptor growth measured around the whole run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { addExtension } from '../helpers/extensions';
import { isAlarmingLine, isAlive, lastWords, openFds, stackCounters, vmRssKb, type StackCounters } from './daemon-stats';
import { CALLER_PASSWORD, CALLER_USER, Caller } from './dialogs';
import { inputAt, type FuzzInput } from './inputs';
import { malformation } from './oracle';
import { PHONE_PASSWORD, PHONE_USER, Phone } from './phone';
import { rngFor } from './prng';
import { connectionStorm, deliverTcp, Lingering, tcpProbe, UdpProber, UdpSender } from './wire';

export interface CampaignOptions {
  seed: number;
  count: number;
  /** First input index (to replay a window of a longer run). */
  from?: number;
  /** Authenticated calls after the inputs (0: none). */
  dialogCalls?: number;
  /** A full checkpoint (TCP probe, log scan) every this many inputs. */
  checkEvery?: number;
  /** A UDP probe at least this often, in inputs and in bytes sent (keeps the box's socket buffer from overflowing). */
  syncEveryInputs?: number;
  syncEveryBytes?: number;
  probeTimeoutMs?: number;
  /** Input indexes after which a connection storm runs (default: a third and two thirds in). */
  stormsAt?: number[];
  /** Connections per storm: the first under the per-source limit (64), the second over it. */
  stormSizes?: number[];
  stopOnFailure?: boolean;
  /** Where input N comes from; inputAt(seed, N) unless a test plants its own. */
  inputs?: (index: number) => FuzzInput;
  progress?: (line: string) => void;
}

export interface Failure {
  kind: 'died' | 'no-answer' | 'tcp-no-answer' | 'alarming-log';
  /** The last input sent before the failure showed. */
  atIndex: number;
  /** Inputs that may have caused it: since the last probe answered before the previous one. */
  suspects: [number, number];
  /** Those inputs, as sent (dialog inputs cannot be rebuilt from the seed alone). */
  inputs: FuzzInput[];
  detail: string;
}

export interface CampaignReport {
  seed: number;
  from: number;
  count: number;
  sent: { udp: number; tcp: number; bytes: number };
  dialogs: { calls: number; inputs: number; challenged: number; outcomes: Record<string, number> };
  answersToFuzz: number;
  probes: number;
  slowestProbe: { ms: number; afterIndex: number };
  storms: Array<{ atIndex: number; size: number; opened: number; refused: number }>;
  durationMs: number;
  rssKb: { before: number; after: number };
  fds: { before: number; after: number };
  counters: StackCounters | null;
  /** 'level module event' => count for the info and warn lines logged during the run. */
  logEvents: Record<string, number>;
  alarmingLines: string[];
  failures: Failure[];
  /** Messages from the box that are not well-formed SIP (oracle.ts): how many, and the first few. */
  malformed: { count: number; samples: MalformedSample[] };
}

export interface MalformedSample {
  /** The input it answered: read from the branch the input carried, else the last one sent. */
  index: number;
  input: FuzzInput | null;
  where: string;
  why: string;
  /** The start of the message, as text. */
  start: string;
}

export interface FuzzTarget {
  daemon: Daemon;
  stop(): Promise<number | string>;
}

/** A fresh daemon with the two extensions the corpus and the calls use; `env` e.g. NODE_OPTIONS. */
export async function startTarget(env?: Record<string, string>): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-fuzz-'));
  addExtension(dataDir, PHONE_USER, PHONE_PASSWORD);
  addExtension(dataDir, CALLER_USER, CALLER_PASSWORD);
  const daemon = await startDaemon({ dataDir, env });
  // startDaemon leaves a data folder it was given in place: this one is ours to remove.
  return { daemon, stop: async () => { const code = await daemon.stop(); rmSync(dataDir, { recursive: true, force: true }); return code; } };
}

const DEFAULTS = { dialogCalls: 150, checkEvery: 200, syncEveryInputs: 16, syncEveryBytes: 96 * 1024, probeTimeoutMs: 2000, stormSizes: [60, 100] };
/** Inputs kept as sent, newest last: enough to cover any suspect window. */
const RECENT_INPUTS = 512;
/** Mixed into the seed for the storms' stream. */
const STORM_STREAM = 0x5707;
/** Malformed messages from the box kept as samples per run. */
const MAX_MALFORMED_SAMPLES = 10;
/** Calls between two checkpoints of the dialog phase. */
const DIALOG_CHECK_EVERY = 50;

export async function runCampaign(d: Daemon, o: CampaignOptions): Promise<CampaignReport> {
  const from = o.from ?? 0;
  const end = from + o.count;
  const checkEvery = o.checkEvery ?? DEFAULTS.checkEvery;
  const syncEveryInputs = o.syncEveryInputs ?? DEFAULTS.syncEveryInputs;
  const syncEveryBytes = o.syncEveryBytes ?? DEFAULTS.syncEveryBytes;
  const probeTimeoutMs = o.probeTimeoutMs ?? DEFAULTS.probeTimeoutMs;
  const stormsAt = new Set(o.stormsAt ?? [from + Math.floor(o.count / 3), from + Math.floor((2 * o.count) / 3)]);
  const stormSizes = o.stormSizes ?? DEFAULTS.stormSizes;
  const stopOnFailure = o.stopOnFailure ?? true;
  const pid = d.proc.pid!;
  const started = performance.now();
  const prober = await UdpProber.open(d.sipPort);
  const sender = await UdpSender.open(d.sipPort);
  const lingering = new Lingering();
  const report: CampaignReport = {
    seed: o.seed, from, count: o.count, sent: { udp: 0, tcp: 0, bytes: 0 }, dialogs: { calls: 0, inputs: 0, challenged: 0, outcomes: {} },
    answersToFuzz: 0, probes: 0, slowestProbe: { ms: 0, afterIndex: -1 }, storms: [], durationMs: 0,
    rssKb: { before: 0, after: 0 }, fds: { before: 0, after: 0 }, counters: null, logEvents: {}, alarmingLines: [], failures: [], malformed: { count: 0, samples: [] },
  };
  const recent: FuzzInput[] = [];
  let nextIndex = from;
  const remember = (input: FuzzInput): void => {
    recent.push(input);
    if (recent.length > RECENT_INPUTS) recent.shift();
    report.sent.bytes += input.bytes.length;
    if (input.proto === 'udp') report.sent.udp++;
    else report.sent.tcp++;
  };
  // Lines logged before this campaign (another test's on the same daemon) are not its business.
  const firstLine = d.lines.length;
  let logCursor = firstLine;
  /** Index after which the last two probes answered: a failure is blamed on what came since. */
  let goodBefore = from;
  let goodLast = from;

  const fail = (kind: Failure['kind'], detail: string): void => {
    const atIndex = nextIndex - 1;
    const inputs = recent.filter((x) => x.index >= goodBefore && x.index <= atIndex);
    report.failures.push({ kind, atIndex, suspects: [goodBefore, atIndex], inputs, detail });
    o.progress?.(`FAIL ${kind} after input ${atIndex} (suspects ${goodBefore}..${atIndex}, seed ${o.seed}): ${detail}`);
  };
  const scanLog = (): void => {
    const fresh = d.lines.slice(logCursor).filter(isAlarmingLine);
    logCursor = d.lines.length;
    if (fresh.length === 0) return;
    report.alarmingLines.push(...fresh);
    fail('alarming-log', fresh.slice(0, 5).join(' | '));
  };
  const probe = async (): Promise<boolean> => {
    report.probes++;
    const r = await prober.probe(probeTimeoutMs);
    if (r.ms > report.slowestProbe.ms) report.slowestProbe = { ms: r.ms, afterIndex: nextIndex - 1 };
    const failuresBefore = report.failures.length;
    scanLog();
    if (!isAlive(d)) { fail('died', `exit ${d.proc.exitCode ?? d.proc.signalCode}:\n${lastWords(d)}`); return false; }
    if (!r.ok) { fail('no-answer', `UDP OPTIONS got ${r.status} after ${Math.round(r.ms)} ms`); return false; }
    if (report.failures.length > failuresBefore) return false;
    goodBefore = goodLast;
    goodLast = nextIndex;
    return true;
  };
  /** Every message the box sends us must be well-formed (oracle.ts); the first few bad ones are kept. */
  const checkOutput = (where: string) => (m: Buffer): void => {
    const why = malformation(m);
    if (why === null) return;
    report.malformed.count++;
    if (report.malformed.samples.length >= MAX_MALFORMED_SAMPLES) return;
    // The corpus branches carry the input index (inputs.ts seedText): z9hG4bK<index>x...
    const tagged = /branch=z9hG4bK(\d+)x/.exec(m.toString('latin1', 0, Math.min(m.length, 2000)));
    const index = tagged !== null ? Number(tagged[1]) : nextIndex - 1;
    const input = recent.find((x) => x.index === index) ?? null;
    report.malformed.samples.push({ index, input, where, why, start: m.toString('latin1', 0, 300) });
  };
  sender.onAnswer = checkOutput('the fuzz socket');
  const checkpoint = async (): Promise<boolean> => {
    lingering.dropAll();
    const r = await tcpProbe(d.sipPort, probeTimeoutMs);
    if (!r.ok) { fail('tcp-no-answer', `TCP OPTIONS got ${r.status} after ${Math.round(r.ms)} ms`); return false; }
    return probe();
  };

  try {
    for (let w = 0; w < 3; w++) if (!(await probe())) return report;
    report.rssKb.before = vmRssKb(pid);
    report.fds.before = openFds(pid);
    let inputsSinceSync = 0;
    let bytesSinceSync = 0;
    let ok = true;
    for (let i = from; i < end && (ok || !stopOnFailure) && isAlive(d); i++) {
      const input = o.inputs ? o.inputs(i) : inputAt(o.seed, i);
      nextIndex = i + 1;
      remember(input);
      if (input.proto === 'udp') {
        await sender.send(input.bytes);
        inputsSinceSync++;
        bytesSinceSync += input.bytes.length;
      } else {
        await deliverTcp(d.sipPort, input, lingering, checkOutput('a fuzz TCP connection'));
        inputsSinceSync = syncEveryInputs; // a probe right after each TCP input narrows the blame
      }
      if (stormsAt.has(i)) {
        const rng = rngFor(o.seed ^ STORM_STREAM, i);
        const starts = Array.from({ length: 16 }, (_, k) => {
          const b = inputAt(o.seed, i + 1 + k).bytes;
          return b.subarray(0, rng.int(1, Math.max(1, b.length)));
        });
        for (const size of stormSizes) report.storms.push({ atIndex: i, size, ...(await connectionStorm(d.sipPort, size, starts)) });
        inputsSinceSync = syncEveryInputs;
      }
      if ((i + 1 - from) % checkEvery === 0 || i === end - 1) {
        ok = await checkpoint();
        o.progress?.(`${i + 1 - from}/${o.count} inputs, slowest probe ${report.slowestProbe.ms.toFixed(1)} ms`);
      } else if (inputsSinceSync >= syncEveryInputs || bytesSinceSync >= syncEveryBytes) {
        ok = await probe();
      } else {
        continue;
      }
      inputsSinceSync = 0;
      bytesSinceSync = 0;
    }
    lingering.dropAll();
    const calls = o.dialogCalls ?? DEFAULTS.dialogCalls;
    if (calls > 0 && isAlive(d) && (report.failures.length === 0 || !stopOnFailure)) {
      const record = (bytes: Buffer, label: string): void => {
        remember({ index: nextIndex++, proto: 'udp', bytes, cuts: [], mode: 'whole', close: 'end', label });
        report.dialogs.inputs++;
      };
      const phone = await Phone.open(d.sipPort, o.seed, record);
      const caller = await Caller.open(d.sipPort, o.seed, record);
      phone.onReceive = checkOutput('the phone');
      caller.onReceive = checkOutput('the caller');
      try {
        await phone.register();
        for (let k = 0; k < calls && isAlive(d); k++) {
          await caller.call(k);
          report.dialogs.calls++;
          const good = (k + 1) % DIALOG_CHECK_EVERY === 0 || k === calls - 1 ? await checkpoint() : await probe();
          if (!good && stopOnFailure) break;
        }
        report.dialogs.challenged = caller.challenged;
        report.dialogs.outcomes = Object.fromEntries([...caller.outcomes].sort());
      } finally {
        phone.close();
        caller.close();
      }
    }
    if (isAlive(d)) {
      // Let closes and resets reach the box before counting its descriptors.
      await new Promise((r) => setTimeout(r, 300));
      await probe();
      report.rssKb.after = vmRssKb(pid);
      report.fds.after = openFds(pid);
      report.counters = await stackCounters(d.dataDir);
    }
  } finally {
    lingering.dropAll();
    for (const l of d.lines.slice(firstLine)) {
      if (!l.startsWith('info ') && !l.startsWith('warn ')) continue;
      const key = l.split(' ', 3).join(' ');
      report.logEvents[key] = (report.logEvents[key] ?? 0) + 1;
    }
    report.answersToFuzz = sender.answers;
    prober.close();
    sender.close();
    report.durationMs = performance.now() - started;
  }
  return report;
}

/** The report in a few lines, with the seed first so that a failure can be replayed. */
export function formatReport(r: CampaignReport): string {
  return [
    `seed ${r.seed} (0x${r.seed.toString(16)}), inputs ${r.from}..${r.from + r.count - 1}: ${r.sent.udp} UDP + ${r.sent.tcp} TCP, ${(r.sent.bytes / 1e6).toFixed(1)} MB, ${r.answersToFuzz} answers`,
    `  dialogs: ${r.dialogs.calls} calls, ${r.dialogs.inputs} inputs (requests and the phone's answers), ${r.dialogs.challenged} challenged again`,
    `  final answers to the calls: ${Object.entries(r.dialogs.outcomes).map(([k, v]) => `${k}: ${v}`).join(', ')}`,
    `  ${r.probes} probes, slowest ${r.slowestProbe.ms.toFixed(1)} ms (after input ${r.slowestProbe.afterIndex}); ${(r.durationMs / 1000).toFixed(1)} s`,
    `  storms: ${r.storms.map((s) => `${s.size} conns (${s.opened} opened, ${s.refused} errored)`).join(', ')}`,
    `  RSS ${(r.rssKb.before / 1024).toFixed(1)} -> ${(r.rssKb.after / 1024).toFixed(1)} MB, fds ${r.fds.before} -> ${r.fds.after}`,
    `  daemon counters: ${r.counters ? `received ${r.counters.received}, bad ${r.counters.badMessages}, retransmissions ${r.counters.retransmissionsAbsorbed}, handlerErrors ${r.counters.handlerErrors}` : '(none)'}`,
    `  info/warn log events: ${Object.entries(r.logEvents).map(([k, v]) => `${k} x${v}`).join(', ') || 'none'}`,
    `  malformed messages from the box: ${r.malformed.count}`,
    ...r.malformed.samples.map((m) => `  MALFORMED answer to input ${m.index} (${m.input?.label ?? '?'}) at ${m.where}: ${m.why}\n    ${JSON.stringify(m.start.slice(0, 200))}`),
    ...r.failures.map((f) => `  FAILED ${f.kind} after input ${f.atIndex} (suspects ${f.suspects[0]}..${f.suspects[1]}): ${f.detail}`),
  ].join('\n');
}
