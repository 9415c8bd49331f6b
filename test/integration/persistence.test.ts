// Registrations survive the daemon: after a clean stop and after SIGKILL (write-behind: a crash
// loses at most the last second), every unexpired binding is back when the daemon starts again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctlCall } from '../../firmware/src/mgmt/ctl';
import { startDaemon } from '../helpers/daemon';
import { challenges, credentials } from '../helpers/digest';
import { addExtension } from '../helpers/extensions';
import { sipText, statusLine, udpClient } from '../helpers/sip-client';

const PW = 'erin-secret-55';

async function registerOnce(sipPort: number, user: string): Promise<void> {
  const c = await udpClient(sipPort);
  const uri = `sip:127.0.0.1:${sipPort}`;
  const req = (n: number, auth: string[]) => sipText([
    `REGISTER ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bKp${n}${user};rport`, 'Max-Forwards: 70',
    `From: <sip:${user}@127.0.0.1>;tag=p${n}`, `To: <sip:${user}@127.0.0.1>`, `Call-ID: persist-${user}@test`, `CSeq: ${n} REGISTER`,
    `Contact: <sip:${user}@127.0.0.1:PORT>`, 'Expires: 3600', ...auth, 'Content-Length: 0'], c.port);
  c.send(req(1, []));
  const ch = challenges((await c.next())!)[0];
  c.send(req(2, [credentials({ c: ch, user, password: PW, method: 'REGISTER', uri, nc: 1 })]));
  const r = await c.next();
  c.close();
  expect(statusLine(r)).toBe('SIP/2.0 200 OK');
}

const contactsOf = async (dataDir: string, aor: string) => {
  const r = (await ctlCall(join(dataDir, 'sipbox.ctl'), 'ul.lookup', { aor })) as { bindings: { contact: string }[] };
  return r.bindings.map((b) => b.contact).sort();
};

describe('bindings persist (RFC 3261 10.3, write-behind)', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('brings every binding back after %s', async (signal) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-persist-'));
    addExtension(dataDir, '3001', PW);
    addExtension(dataDir, '3002', PW);
    const d1 = await startDaemon({ dataDir });
    await registerOnce(d1.sipPort, '3001');
    await registerOnce(d1.sipPort, '3002');
    const before = [...(await contactsOf(dataDir, '3001')), ...(await contactsOf(dataDir, '3002'))];
    expect(before).toHaveLength(2);
    // The write-behind interval is 1 s: a crash after it has passed loses nothing.
    await new Promise((r) => setTimeout(r, 1500));
    await d1.stop(signal);
    const d2 = await startDaemon({ dataDir });
    try {
      const after = [...(await contactsOf(dataDir, '3001')), ...(await contactsOf(dataDir, '3002'))];
      expect(after).toEqual(before);
    } finally {
      await d2.stop();
    }
  });
});
