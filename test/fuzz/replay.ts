// Replays one saved or rebuilt fuzz input against a daemon, probing it all the while (an OPTIONS
// that must get 200, RFC 3261 §11.2, one after another): the slowest probe is how long the input
// blocked the box. After it, the box must answer over UDP and a fresh TCP connection, alive, with
// nothing alarming in its log and its memory not grown past a bound; and whatever it answered to
// the input itself must be well-formed SIP (oracle.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Daemon } from '../helpers/daemon';
import { isAlarmingLine, isAlive, lastWords, vmRssKb } from './daemon-stats';
import type { FuzzInput } from './inputs';
import { malformation } from './oracle';
import { NextHops } from './next-hop';
import { deliverTcp, Lingering, tcpProbe, UdpProber, UdpSender } from './wire';

export const CRASHERS_DIR = fileURLToPath(new URL('./crashers/', import.meta.url));

/** The largest UDP payload over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507;
/** A saved crasher is also written again and again on one connection that never reads, up to this. */
export const FLOOD_BYTES = 16 * 1024 * 1024;
/** How long a replay naming a next hop waits for the relayed copy before judging it. */
const HOP_SETTLE_MS = 100;
/** Generous: the box keeps finished transactions for 64*T1 (32 s), and V8 grows its heap lazily. */
export const MAX_RSS_GROWTH_KB = 64 * 1024;

export interface ReplayResult {
  ok: boolean;
  /** Why not, when not ok. */
  detail: string;
  /** The slowest OPTIONS answer while the input was being sent and handled. */
  worstProbeMs: number;
  /** From the first byte sent to the answer of the probe after the delivery. */
  totalMs: number;
  /** VmRSS after minus before, KiB. */
  rssGrowthKb: number;
}

/**
 * Sends `input` by its own plan (UDP datagram or TCP delivery) while probing over UDP. Whatever
 * the box answers to it, or relays to a next hop it names (next-hop.ts), is checked by the oracle.
 */
export async function replayInput(d: Daemon, input: FuzzInput, probeTimeoutMs = 2000): Promise<ReplayResult> {
  const logFrom = d.lines.length;
  const pid = d.proc.pid!;
  const rssBefore = vmRssKb(pid);
  const prober = await UdpProber.open(d.sipPort);
  const lingering = new Lingering();
  const started = performance.now();
  let worst = 0;
  let probeFailure = '';
  let delivered = false;
  const malformed: string[] = [];
  const check = (m: Buffer): void => {
    const why = malformation(m);
    if (why !== null) malformed.push(`${why}: ${JSON.stringify(m.toString('latin1', 0, 200))}`);
  };
  const sender = await UdpSender.open(d.sipPort);
  sender.onAnswer = check;
  const hops = await NextHops.open(check);
  const named = hops.substitute(input.bytes);
  const namesHop = named !== input.bytes;
  input = { ...input, bytes: named };
  try {
    const deliver = async (): Promise<void> => {
      if (input.proto === 'udp') await sender.send(input.bytes.subarray(0, MAX_DATAGRAM_BYTES));
      else await deliverTcp(d.sipPort, input, lingering, check);
    };
    const heartbeat = async (): Promise<void> => {
      // Back to back until the delivery is over, then once more: each answer waits for whatever
      // the box was busy with, so the slowest one is the longest stall.
      for (let last = false; !last;) {
        last = delivered;
        const r = await prober.probe(probeTimeoutMs);
        worst = Math.max(worst, r.ms);
        if (!r.ok) { probeFailure = `UDP OPTIONS got ${r.status} after ${Math.round(r.ms)} ms`; return; }
      }
    };
    const sending = deliver().then(() => { delivered = true; });
    await Promise.all([sending, heartbeat()]);
    const totalMs = performance.now() - started;
    lingering.dropAll();
    const tcp = await tcpProbe(d.sipPort, probeTimeoutMs);
    const alarming = d.lines.slice(logFrom).filter(isAlarmingLine);
    if (!isAlive(d)) return { ok: false, detail: `daemon exited (${d.proc.exitCode ?? d.proc.signalCode}):\n${lastWords(d)}`, worstProbeMs: worst, totalMs, rssGrowthKb: 0 };
    const rssGrowthKb = vmRssKb(pid) - rssBefore;
    const fail = (detail: string): ReplayResult => ({ ok: false, detail, worstProbeMs: worst, totalMs, rssGrowthKb });
    if (alarming.length > 0) return fail(`alarming log lines:\n${alarming.join('\n')}`);
    if (probeFailure !== '') return fail(probeFailure);
    // A relay over TCP takes a connect first: let it land before reading what the hop got.
    if (namesHop) await new Promise((r) => setTimeout(r, HOP_SETTLE_MS));
    if (malformed.length > 0) return fail(`malformed answer to the input: ${malformed[0]}`);
    const leftovers = hops.leftovers();
    if (leftovers.length > 0) return fail(`unfinished message left on the TCP connection to the next hop: ${JSON.stringify(leftovers[0])}`);
    if (!tcp.ok) return fail(`TCP OPTIONS after it got ${tcp.status}`);
    if (rssGrowthKb >= MAX_RSS_GROWTH_KB) return fail(`VmRSS grew by ${(rssGrowthKb / 1024).toFixed(0)} MiB`);
    return { ok: true, detail: '', worstProbeMs: worst, totalMs, rssGrowthKb };
  } finally {
    lingering.dropAll();
    prober.close();
    sender.close();
    hops.close();
  }
}

/**
 * A saved crasher as the inputs to replay: its bytes as one datagram (when they fit), whole over
 * TCP, and repeated up to FLOOD_BYTES on one TCP connection that never reads the answers.
 */
export function crasherInputs(bytes: Buffer): FuzzInput[] {
  const base = { index: -1, bytes, cuts: [], close: 'end' as const };
  const tcp: FuzzInput[] = [
    { ...base, proto: 'tcp', mode: 'whole', label: 'whole over TCP' },
    { ...base, proto: 'tcp', mode: 'flood', readAnswers: false, repeatToBytes: FLOOD_BYTES, label: `repeated to ${FLOOD_BYTES / 1024 / 1024} MiB over TCP, answers never read` },
  ];
  return bytes.length <= MAX_DATAGRAM_BYTES ? [{ ...base, proto: 'udp', mode: 'whole', label: 'one UDP datagram' }, ...tcp] : tcp;
}

/** Every saved crasher: `<seed>-<index>.bin` files in test/fuzz/crashers/, sorted by name. */
export function readCrashers(dir = CRASHERS_DIR): Array<{ name: string; bytes: Buffer }> {
  return readdirSync(dir).filter((f) => f.endsWith('.bin')).sort().map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}
