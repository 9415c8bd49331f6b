// Fuzzing the built daemon over real loopback sockets (issue 10): seeded mutations of hand-written
// SIP messages over UDP and TCP, connection storms, and the nastiest single inputs, with the box
// required to stay alive and answer OPTIONS (RFC 3261 §11.2) in time throughout. FUZZ_SEED and
// FUZZ_COUNT replay or lengthen a run; `npm run fuzz` runs the same loop for longer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { formatReport, runCampaign, startTarget, type CampaignReport, type FuzzTarget } from './campaign';
import { isAlive, vmRssKb } from './daemon-stats';
import { inputAt, isTcpIndex, type FuzzInput } from './inputs';
import { nastiest } from './nasty';
import { parseSeed } from './prng';
import { MAX_DATAGRAM_BYTES, MAX_RSS_GROWTH_KB, replayInput } from './replay';

const SEED = parseSeed(process.env.FUZZ_SEED, 0x5eed);
const COUNT = process.env.FUZZ_COUNT ? Number(process.env.FUZZ_COUNT) : 3500;
const REPLAY = `replay: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT} npx vitest run test/fuzz/fuzz.test.ts  or  npm run fuzz -- --seed ${SEED} --count ${COUNT}`;
/** Closed connections must give their descriptors back (a few may still be closing). */
const MAX_FD_GROWTH = 16;
const NASTY_MAX_STALL_MS = 500;
/** Authenticated calls from 1002 to the phone registered as 1001, after the inputs. */
const DIALOG_CALLS = 150;

describe(`fuzzing the daemon over UDP and TCP (seed ${SEED})`, () => {
  let t: FuzzTarget;
  /** The campaign's report, shared by the tests that read different parts of it. */
  let r: CampaignReport | null = null;
  beforeAll(async () => { t = await startTarget(); });
  afterAll(async () => { await t?.stop(); });

  it(`stays alive and answers OPTIONS in 2 s through ${COUNT} mutated messages, connection storms and ${DIALOG_CALLS} fuzzed calls`, async () => {
    expect(Number.isInteger(COUNT) && COUNT > 0, `FUZZ_COUNT must be a positive whole number, got ${process.env.FUZZ_COUNT}`).toBe(true);
    r = await runCampaign(t.daemon, { seed: SEED, count: COUNT, dialogCalls: DIALOG_CALLS, probeTimeoutMs: 2000, checkEvery: 200 });
    const why = `${formatReport(r)}\n${REPLAY}`;
    console.log(why);
    expect(r.failures, why).toEqual([]);
    expect(r.alarmingLines, why).toEqual([]);
    expect(isAlive(t.daemon), why).toBe(true);
    let tcp = 0;
    for (let i = 0; i < COUNT; i++) if (isTcpIndex(i)) tcp++;
    expect(r.sent, why).toMatchObject({ udp: COUNT - tcp + r.dialogs.inputs, tcp });
    expect(r.storms.map((s) => s.size), why).toEqual([60, 100, 60, 100]);
    // The calls got through the challenge to the phone and back (§16: relayed, answered, ended).
    expect(r.dialogs.calls, why).toBe(DIALOG_CALLS);
    expect(r.dialogs.outcomes['INVITE 200'] ?? 0, why).toBeGreaterThan(0);
    expect(r.dialogs.outcomes['BYE 200'] ?? 0, why).toBeGreaterThan(0);
    // The box saw the datagrams (they were not lost in a socket buffer) and caught no exception.
    expect(r.counters!.received, why).toBeGreaterThanOrEqual(COUNT - tcp);
    expect(r.counters!.handlerErrors, why).toBe(0);
    expect(r.rssKb.after - r.rssKb.before, why).toBeLessThan(MAX_RSS_GROWTH_KB);
    expect(r.fds.after - r.fds.before, why).toBeLessThan(MAX_FD_GROWTH);
  }, 50_000);

  it('sends only well-formed SIP back, whatever it was fed: no NUL, bare CR or LF, wrong Content-Length (RFC 3261 §7, §20.14, §25)', () => {
    expect(r, 'the campaign did not run').not.toBeNull();
    const samples = r!.malformed.samples.map((m) =>
      `answer to input ${m.index} (${m.input?.proto ?? '?'}, ${m.input?.label ?? '?'}) at ${m.where}: ${m.why}\n  ${JSON.stringify(m.start.slice(0, 240))}`);
    expect(r!.malformed.count, `${r!.malformed.count} malformed messages from the box (seed ${SEED}); the first ones:\n${samples.join('\n')}\n${REPLAY}`).toBe(0);
  });

  it(`answers OPTIONS within ${NASTY_MAX_STALL_MS} ms while each of the nastiest inputs is sent alone`, async () => {
    const rssBefore = vmRssKb(t.daemon.proc.pid!);
    const rows: string[] = [];
    const bad: string[] = [];
    for (const n of nastiest()) {
      if (n.input.proto === 'udp') expect(n.input.bytes.length, n.name).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
      const r = await replayInput(t.daemon, n.input, 2000);
      rows.push(`${r.worstProbeMs.toFixed(1).padStart(7)} ms worst probe ${r.totalMs.toFixed(0).padStart(5)} ms total  ${n.input.proto} ${n.input.bytes.length} B  ${n.name}`);
      if (!r.ok) bad.push(`${n.name}: ${r.detail}`);
      else if (r.worstProbeMs >= NASTY_MAX_STALL_MS) bad.push(`${n.name}: an OPTIONS took ${r.worstProbeMs.toFixed(0)} ms`);
    }
    console.log(`nastiest inputs (slowest OPTIONS answer while each was sent and handled):\n${rows.join('\n')}`);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(bad).toEqual([]);
    expect(vmRssKb(t.daemon.proc.pid!) - rssBefore).toBeLessThan(MAX_RSS_GROWTH_KB);
  }, 40_000);
});

/** Routes that misbehave on purpose for planted Call-IDs: the harness must notice both ways. */
const TRAP_ROUTES = `
exports.createRoutes = (base) => ({
  request(ctx) {
    const id = ctx.msg.callId();
    if (id.startsWith('trap-throw')) throw new Error('fuzz trap: thrown on purpose');
    if (id.startsWith('trap-stall')) { const until = Date.now() + 2500; while (Date.now() < until); }
    return base.request(ctx);
  },
  failure: base.failure,
});
`;

function planted(callId: string): FuzzInput {
  const text = ['MESSAGE sip:1001@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${callId};rport`, 'Max-Forwards: 70',
    `From: <sip:1002@127.0.0.1>;tag=${callId}`, 'To: <sip:1001@127.0.0.1>', `Call-ID: ${callId}`, 'CSeq: 1 MESSAGE', 'Content-Length: 0', '', ''].join('\r\n');
  return { index: 25, proto: 'udp', bytes: Buffer.from(text, 'latin1'), cuts: [], mode: 'whole', close: 'end', label: callId };
}

describe('the fuzz harness notices what it is there to catch', () => {
  let d: Daemon;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipbox-fuzz-trap-'));
    writeFileSync(join(dir, 'trap.cjs'), TRAP_ROUTES);
    d = await startDaemon({ args: ['--routes', join(dir, 'trap.cjs')] });
  });
  afterAll(async () => {
    await d?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('fails a run whose input makes a route throw (error route route-error) and blames that input', async () => {
    const r = await runCampaign(d, { seed: SEED, count: 40, stormsAt: [], dialogCalls: 0, inputs: (i) => (i === 25 ? planted(`trap-throw-${i}`) : inputAt(SEED, i)) });
    expect(r.failures.map((f) => f.kind)).toEqual(['alarming-log']);
    const [lo, hi] = r.failures[0].suspects;
    expect(lo <= 25 && 25 <= hi, `suspects ${lo}..${hi}`).toBe(true);
    expect(r.alarmingLines.some((l) => l.startsWith('error route route-error ') && l.includes('fuzz trap'))).toBe(true);
  });

  it('fails a run whose input stalls the box past the probe timeout, and blames that input', async () => {
    const r = await runCampaign(d, { seed: SEED, count: 40, stormsAt: [], dialogCalls: 0, probeTimeoutMs: 1000, inputs: (i) => (i === 25 ? planted(`trap-stall-${i}`) : inputAt(SEED, i)) });
    expect(r.failures[0]?.kind).toBe('no-answer');
    const [lo, hi] = r.failures[0].suspects;
    expect(lo <= 25 && 25 <= hi, `suspects ${lo}..${hi}`).toBe(true);
  });
});
