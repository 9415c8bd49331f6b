// Replays every saved fuzz crasher (test/fuzz/crashers/*.bin) against a fresh daemon with a small
// board's heap: as one UDP datagram when it fits, whole over TCP, and repeated to 16 MiB on a TCP
// connection that never reads its answers. The box must stay alive, log nothing alarming, answer
// OPTIONS (RFC 3261 §11.2) within 500 ms all along, and not grow its memory past a bound.
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTarget, type FuzzTarget } from './campaign';
import { CRASHERS_DIR, crasherInputs, readCrashers, replayInput } from './replay';

/** V8 old space of a small board (a 256 MB Raspberry Pi Zero or router runs with no more). */
const BOARD_HEAP = { NODE_OPTIONS: '--max-old-space-size=64' };
const MAX_STALL_MS = 500;

describe('saved fuzz crashers (test/fuzz/crashers/)', () => {
  const crashers = readCrashers();

  it('reads the crasher folder (its README documents the file format)', () => {
    const names = readdirSync(CRASHERS_DIR);
    expect(names).toContain('README.md');
    expect(crashers.map((c) => c.name)).toEqual(names.filter((n) => n.endsWith('.bin')).sort());
  });

  describe.each(crashers.map((c) => [c.name, c.bytes] as const))('%s', (name, bytes) => {
    // A fresh daemon for each way of sending: an earlier replay must not have made the same
    // bytes a retransmission (RFC 3261 §17.2.3) that the box then absorbs.
    let t: FuzzTarget;
    beforeEach(async () => { t = await startTarget(BOARD_HEAP); });
    afterEach(async () => { await t?.stop(); });

    it.each(crasherInputs(bytes).map((input) => [input.label, input] as const))('stays alive and answers when sent %s', async (_label, input) => {
      const r = await replayInput(t.daemon, input, 2000);
      const why = `${name} (${bytes.length} bytes), ${input.label}: worst OPTIONS ${r.worstProbeMs.toFixed(0)} ms, VmRSS +${(r.rssGrowthKb / 1024).toFixed(1)} MiB\n${r.detail}`;
      console.log(why);
      expect(r.ok, why).toBe(true);
      expect(r.worstProbeMs, why).toBeLessThan(MAX_STALL_MS);
    }, 30_000);
  });
});
