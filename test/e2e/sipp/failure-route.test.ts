// Serial forking through the failure route (Kamailio's failure_route + t_relay): a user route
// rings the callee's most recent device first and, when it fails, the next one — the API the
// appliance will use for "ring the desk phone, then the mobile" and for trunk failover.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../helpers/daemon';
import { addExtension } from '../../helpers/extensions';
import { freePort, requireSipp, row, runSipp, startSipp } from '../../helpers/sipp';

const PW: Record<string, string> = { '1001': 'alice-secret-1', '1002': 'bob-secret-22' };
// Relays to one contact at a time, in lookup order (highest q, then most recent first).
const SERIAL = `
exports.createRoutes = (base) => ({
  request(ctx) {
    const v = base.request(ctx);
    if (v.kind !== 'relay' || v.targets.length < 2 || ctx.method !== 'INVITE') return v;
    return { ...v, targets: [v.targets[0]] };
  },
  failure(ctx) {
    if (ctx.timedOut || ctx.status >= 600) return base.failure(ctx);
    const callee = ctx.request.ruri().user;
    const bindings = ctx.modules.location.lookup(callee);
    return bindings.length > 1 ? { kind: 'relay', targets: bindings.slice(1).map((b) => ({ ruri: b.contact, dest: b.source, pushRoutes: b.path })) } : { kind: 'forward' };
  },
});
`;

let d: Daemon;
beforeAll(async () => {
  requireSipp();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-serial-'));
  for (const [n, pw] of Object.entries(PW)) addExtension(dataDir, n, pw);
  const routes = join(dataDir, 'serial.cjs');
  writeFileSync(routes, SERIAL);
  d = await startDaemon({ dataDir, args: ['--routes', routes] });
});
afterAll(async () => { await d?.stop(); });

describe('failure route (serial forking)', () => {
  it('rings the newest device first; on its 486 the failure route rings the other, which answers', async () => {
    const target = `127.0.0.1:${d.sipPort}`;
    const older = await freePort();
    const newer = await freePort();
    const reg = (port: number) => runSipp({ scenario: 'register.xml', target, port, vars: { user: '1002', expires: '60' }, auth: { user: '1002', password: PW['1002'] } });
    expect((await reg(older)).successful).toBe(1);
    await new Promise((r) => setTimeout(r, 1100)); // registeredAt differs: the second is "most recent"
    expect((await reg(newer)).successful).toBe(1);
    const busy = await startSipp({ scenario: 'uas_busy.xml', target, port: newer, calls: 1, timeoutSec: 20 });
    const answers = await startSipp({ scenario: 'uas.xml', target, port: older, calls: 1, timeoutSec: 20, extra: ['-d', '100'] });
    await new Promise((r) => setTimeout(r, 300));
    const caller = await runSipp({ scenario: 'call.xml', target, service: '1002', vars: { from: '1001' }, auth: { user: '1001', password: PW['1001'] }, timeoutSec: 20 });
    expect([caller.code, caller.successful, caller.failed], caller.output).toEqual([0, 1, 0]);
    const b = await busy.done;
    const a = await answers.done;
    expect([b.successful, a.successful], b.output + a.output).toEqual([1, 1]);
    // The caller never saw the 486: the failure route turned it into a second attempt.
    expect(caller.rows.some((x) => x.label.startsWith('486'))).toBe(false);
    expect(row(caller, '200 <').messages).toBe(1);
  });
});
