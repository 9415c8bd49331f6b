// Digest authentication against the daemon over a real UDP socket, with a client computed here
// (test/helpers/digest.ts): SHA-256 (RFC 8760) next to MD5, nonce-count replay refused
// (RFC 7616 §3.4.5), and identical answers for unknown users and wrong passwords.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { challenges, credentials } from '../helpers/digest';
import { addExtension } from '../helpers/extensions';
import { sipText, statusLine, udpClient, type UdpClient } from '../helpers/sip-client';

let d: Daemon;
let c: UdpClient;
let seq = 0;
beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-auth-'));
  addExtension(dataDir, '2001', 'dave-secret-01');
  const cfg = join(dataDir, 'settings.json');
  writeFileSync(cfg, JSON.stringify({ auth: { algorithms: 'md5,sha256' } }));
  d = await startDaemon({ dataDir, args: ['--config', cfg] });
  c = await udpClient(d.sipPort);
});
afterAll(async () => { c?.close(); await d?.stop(); });

function register(user: string, auth = ''): Promise<string | null> {
  seq++;
  const uri = `sip:127.0.0.1:${d.sipPort}`;
  c.send(sipText([
    `REGISTER ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bKauth${seq};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@127.0.0.1>;tag=a${seq}`,
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: auth-${user}@test`,
    `CSeq: ${seq} REGISTER`,
    `Contact: <sip:${user}@127.0.0.1:PORT>`,
    'Expires: 60',
    ...(auth ? [auth] : []),
    'Content-Length: 0',
  ], c.port));
  return c.next(2000);
}

describe('digest authentication (RFC 7616, RFC 8760)', () => {
  it('offers MD5 first, then SHA-256, both with qop="auth"', async () => {
    const r = await register('2001');
    expect(statusLine(r)).toBe('SIP/2.0 401 Unauthorized');
    expect(challenges(r!).map((x) => [x.algorithm, x.qop])).toEqual([['MD5', 'auth'], ['SHA-256', 'auth']]);
  });

  it('accepts SHA-256 credentials', async () => {
    const ch = challenges((await register('2001'))!).find((x) => x.algorithm === 'SHA-256')!;
    const uri = `sip:127.0.0.1:${d.sipPort}`;
    const r = await register('2001', credentials({ c: ch, user: '2001', password: 'dave-secret-01', method: 'REGISTER', uri, nc: 1 }));
    expect(statusLine(r)).toBe('SIP/2.0 200 OK');
  });

  it('refuses a replayed nonce count, accepts the next one', async () => {
    const ch = challenges((await register('2001'))!)[0];
    const uri = `sip:127.0.0.1:${d.sipPort}`;
    const first = credentials({ c: ch, user: '2001', password: 'dave-secret-01', method: 'REGISTER', uri, nc: 1, cnonce: 'abc' });
    expect(statusLine(await register('2001', first))).toBe('SIP/2.0 200 OK');
    expect(statusLine(await register('2001', first))).toBe('SIP/2.0 401 Unauthorized');
    const next = credentials({ c: ch, user: '2001', password: 'dave-secret-01', method: 'REGISTER', uri, nc: 2, cnonce: 'abc' });
    expect(statusLine(await register('2001', next))).toBe('SIP/2.0 200 OK');
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const uri = `sip:127.0.0.1:${d.sipPort}`;
    const strip = (t: string | null) => (t ?? '').split('\r\n').filter((l) => !/^(Via|From|To|Call-ID|CSeq|WWW-Authenticate):/i.test(l)).join('\r\n');
    const ch1 = challenges((await register('2001'))!)[0];
    const wrong = await register('2001', credentials({ c: ch1, user: '2001', password: 'wrong-password', method: 'REGISTER', uri, nc: 1 }));
    const ch2 = challenges((await register('2999'))!)[0];
    const unknown = await register('2999', credentials({ c: ch2, user: '2999', password: 'wrong-password', method: 'REGISTER', uri, nc: 1 }));
    expect(statusLine(wrong)).toBe('SIP/2.0 401 Unauthorized');
    expect(strip(unknown)).toBe(strip(wrong));
    expect(challenges(unknown!).map((x) => x.algorithm)).toEqual(challenges(wrong!).map((x) => x.algorithm));
  });
});
