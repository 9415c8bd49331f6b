// SIPp against the daemon over real UDP and TCP sockets: OPTIONS keep-alives, and an INVITE that
// the box rejects, with the INVITE server transaction absorbing the retransmission and the ACK
// ending it (RFC 3261 17.2.1). SIPp counts byte-identical copies of a response it already got in
// the Retrans column of that response's row: that is how absorbed retransmissions show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../helpers/daemon';
import { requireSipp, row, runSipp } from '../../helpers/sipp';

let d: Daemon;
beforeAll(async () => {
  requireSipp();
  d = await startDaemon();
});
afterAll(async () => { await d?.stop(); });

const target = () => `127.0.0.1:${d.sipPort}`;
const invitesRouted = () => d.count(/^debug route request method=INVITE /);

describe.each([['UDP', 'u1'], ['TCP', 't1']] as const)('over %s', (_name, transport) => {
  it('answers 20 OPTIONS pings with 200 and Allow', async () => {
    const r = await runSipp({ scenario: 'options.xml', target: target(), transport, calls: 20, rate: 50 });
    expect([r.code, r.successful, r.failed], r.output).toEqual([0, 20, 0]);
    expect(row(r, '200 <').messages).toBe(20);
  });

  it('absorbs a retransmitted INVITE: one 407 per copy, one INVITE routed, silence after the ACK (RFC 3261 17.2.1)', async () => {
    const before = invitesRouted();
    const calls = 5;
    const r = await runSipp({ scenario: 'invite_rejected.xml', target: target(), transport, calls, rate: 5 });
    expect([r.code, r.successful, r.failed], r.output).toEqual([0, calls, 0]);
    // Each INVITE copy got the 407 challenge (with the same To tag, checked in the scenario), and none came
    // again after the ACK: the 2.5 s pause would have caught timer G's copies at 0.5 s and 1.5 s.
    const [first, second] = r.rows.filter((x) => x.label.startsWith('407 <'));
    expect(first).toMatchObject({ messages: calls, retrans: 0 });
    expect(second).toMatchObject({ messages: calls, retrans: 0 });
    // The route saw each INVITE once: the copy stayed in the transaction layer.
    expect(invitesRouted() - before).toBe(calls);
  });
});

describe('over UDP only', () => {
  it('retransmits the final non-2xx on timer G (0.5 s, 1.5 s) until the ACK at 2 s (RFC 3261 17.2.1)', async () => {
    const before = invitesRouted();
    const calls = 2;
    const r = await runSipp({ scenario: 'invite_no_ack.xml', target: target(), transport: 'u1', calls, rate: 2 });
    expect([r.code, r.successful, r.failed], r.output).toEqual([0, calls, 0]);
    expect(row(r, '407 <')).toMatchObject({ messages: calls, retrans: 2 * calls });
    expect(invitesRouted() - before).toBe(calls);
  });
});
