// Calls between extensions, end to end with SIPp over real UDP sockets: phones register with
// digest auth, call each other through the box (407 challenge, 180, 200, ACK, BYE along the
// record-routed path), and the failure cases a PBX user meets: busy, not registered, unknown
// number, cancelled while ringing, forked to two devices, wrong password, spoofed From.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../../helpers/daemon';
import { addExtension, runExt } from '../../helpers/extensions';
import { freePort, requireSipp, row, runSipp, startSipp, type SippResult } from '../../helpers/sipp';

const PW: Record<string, string> = { '1001': 'alice-secret-1', '1002': 'bob-secret-22', '1003': 'carol-secret-3' };
let d: Daemon;
let target: string;
const phoneB = { port: 0, port2: 0 };

beforeAll(async () => {
  requireSipp();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-calls-'));
  for (const [n, pw] of Object.entries(PW)) addExtension(dataDir, n, pw);
  d = await startDaemon({ dataDir });
  target = `127.0.0.1:${d.sipPort}`;
  phoneB.port = await freePort();
  phoneB.port2 = await freePort();
});
afterAll(async () => { await d?.stop(); });

const ok = (r: SippResult, calls = 1) => expect([r.code, r.successful, r.failed], r.output).toEqual([0, calls, 0]);

function register(user: string, port: number, expires = 3600, password = PW[user]) {
  return runSipp({ scenario: 'register.xml', target, port, vars: { user, expires: String(expires) }, auth: { user, password } });
}

/** The callee's phone answering with `scenario` on its registered port, while `caller` runs. */
async function callWith(calleeScenario: string, callerScenario: string, o: { from?: string; authUser?: string; to?: string; answerMs?: number; transport?: 'u1' | 't1' } = {}) {
  const uas = await startSipp({ scenario: calleeScenario, target, port: phoneB.port, calls: 1, extra: ['-d', String(o.answerMs ?? 100)], timeoutSec: 20 });
  await new Promise((r) => setTimeout(r, 300));
  const from = o.from ?? '1001';
  const authUser = o.authUser ?? from;
  const caller = await runSipp({ scenario: callerScenario, target, transport: o.transport, service: o.to ?? '1002', vars: { from }, auth: { user: authUser, password: PW[authUser] }, timeoutSec: 20 });
  if (caller.code !== 0) uas.kill();
  return { caller, callee: await uas.done };
}

describe('registration (RFC 3261 10, digest MD5)', () => {
  it('registers two phones after a 401 challenge; the 200 lists the contact with expires', async () => {
    ok(await register('1001', await freePort()));
    ok(await register('1002', phoneB.port));
    expect(d.count(/^debug route request method=REGISTER .* verdict=200/)).toBeGreaterThanOrEqual(2);
  });

  it('answers a wrong password with a fresh 401, never 200', async () => {
    const r = await runSipp({ scenario: 'register_wrong_password.xml', target, vars: { user: '1001', expires: '60' }, auth: { user: '1001', password: 'not-the-password' } });
    ok(r);
    expect(row(r, '401 <').messages).toBe(1);
  });

  it('refuses to register another number than the authenticated one (403)', async () => {
    // 1003 authenticates correctly but registers 1001's AOR: To user and digest user differ.
    const r = await runSipp({ scenario: 'register.xml', target, vars: { user: '1001', expires: '60' }, auth: { user: '1003', password: PW['1003'] } });
    expect(r.failed, r.output).toBe(1);
    expect(r.output).toMatch(/403/);
  });
});

describe('calls (RFC 3261 16, record-routed, transaction stateful)', () => {
  it('A calls B: 407 challenge, 180, 200, ACK and BYE through the box', async () => {
    const { caller, callee } = await callWith('uas.xml', 'call.xml');
    ok(caller);
    ok(callee);
    expect(row(caller, '407 <').messages).toBe(1);
  });

  it('relays a call from A over TCP to B over UDP, record-routing both sides (RFC 5658)', async () => {
    const { caller, callee } = await callWith('uas.xml', 'call.xml', { transport: 't1' });
    ok(caller);
    ok(callee);
    // The BYE came back over TCP to the box and went on to B over UDP along the two Record-Routes.
    expect(d.count(/^debug route request method=BYE from=127\.0\.0\.1:\d+ proto=tcp verdict=relay/)).toBeGreaterThanOrEqual(1);
    // Both of the box's Route entries were consumed at once: the BYE did not come back to it.
    expect(d.count(new RegExp(`^debug route request method=BYE from=127\\.0\\.0\\.1:${d.sipPort} `))).toBe(0);
  });

  it('passes B\'s 486 Busy Here back to A, and the box ACKs B hop by hop', async () => {
    const { caller, callee } = await callWith('uas_busy.xml', 'call_busy.xml');
    ok(caller);
    ok(callee);
  });

  it('answers 480 when the callee exists but has no registered device', async () => {
    ok(await runSipp({ scenario: 'call_unavailable.xml', target, service: '1003', vars: { from: '1001' }, auth: { user: '1001', password: PW['1001'] } }));
  });

  it('answers 404 for a number that is no extension, after authentication', async () => {
    ok(await runSipp({ scenario: 'call_unknown.xml', target, service: '1999', vars: { from: '1001' }, auth: { user: '1001', password: PW['1001'] } }));
  });

  it('refuses a caller whose From is another extension than its credentials (403)', async () => {
    ok(await runSipp({ scenario: 'call_forbidden.xml', target, service: '1002', vars: { from: '1003' }, auth: { user: '1001', password: PW['1001'] } }));
  });

  it('A cancels while B rings: 200 for the CANCEL, 487 for the INVITE, B cancelled too (RFC 3261 9, 16.10)', async () => {
    const { caller, callee } = await callWith('uas_ring.xml', 'call_cancel.xml');
    ok(caller);
    ok(callee);
  });
});

describe('forking (RFC 3261 16.7)', () => {
  it('rings both devices of B; the one that answers gets the call, the other is cancelled', async () => {
    ok(await register('1002', phoneB.port2));
    const ringing = await startSipp({ scenario: 'uas_ring.xml', target, port: phoneB.port2, calls: 1, timeoutSec: 20 });
    const { caller, callee } = await callWith('uas.xml', 'call.xml', { answerMs: 400 });
    ok(caller);
    ok(callee);
    ok(await ringing.done);
    // Back to one device for the tests after this one.
    ok(await runSipp({ scenario: 'unregister.xml', target, port: phoneB.port2, vars: { user: '1002', expires: '0' }, auth: { user: '1002', password: PW['1002'] } }));
  });
});

describe('re-registration', () => {
  it('re-REGISTER refreshes, un-REGISTER removes: the next call gets 480', async () => {
    ok(await register('1002', phoneB.port, 600));
    ok(await runSipp({ scenario: 'unregister.xml', target, port: phoneB.port, vars: { user: '1002', expires: '0' }, auth: { user: '1002', password: PW['1002'] } }));
    ok(await runSipp({ scenario: 'call_unavailable.xml', target, service: '1002', vars: { from: '1001' }, auth: { user: '1001', password: PW['1001'] } }));
  });
});

describe('ring timeout', () => {
  it('cancels a call nobody answers and gives the caller 480 (route.ringTimeoutSec)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-ring-'));
    for (const n of ['1001', '1002']) addExtension(dataDir, n, PW[n]);
    const cfg = join(dataDir, 'settings.json');
    writeFileSync(cfg, JSON.stringify({ route: { ringTimeoutSec: 5 } }));
    const d2 = await startDaemon({ dataDir, args: ['--config', cfg] });
    try {
      const t2 = `127.0.0.1:${d2.sipPort}`;
      const port = await freePort();
      ok(await runSipp({ scenario: 'register.xml', target: t2, port, vars: { user: '1002', expires: '60' }, auth: { user: '1002', password: PW['1002'] } }));
      const ringing = await startSipp({ scenario: 'uas_ring.xml', target: t2, port, calls: 1, timeoutSec: 20 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const caller = await runSipp({ scenario: 'call_unavailable.xml', target: t2, service: '1002', vars: { from: '1001' }, auth: { user: '1001', password: PW['1001'] }, timeoutSec: 20 });
      ok(caller);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
      ok(await ringing.done);
    } finally {
      await d2.stop();
    }
  });
});

describe('extensions change while the daemon runs (no restart)', () => {
  it('a new extension registers at once; a deleted one loses its registration and cannot register', async () => {
    const r1 = runExt(d.dataDir, 'add', '1004', '--password', 'dan-secret-44');
    expect(r1.status, r1.stderr).toBe(0);
    const port = await freePort();
    ok(await runSipp({ scenario: 'register.xml', target, port, vars: { user: '1004', expires: '60' }, auth: { user: '1004', password: 'dan-secret-44' } }));
    const r2 = runExt(d.dataDir, 'del', '1004');
    expect(r2.status, r2.stderr).toBe(0);
    await d.waitFor(/^info extensions bindings-dropped aor=1004 count=1/);
    const again = await runSipp({ scenario: 'register.xml', target, port, vars: { user: '1004', expires: '60' }, auth: { user: '1004', password: 'dan-secret-44' } });
    expect(again.failed, again.output).toBe(1);
  });
});
