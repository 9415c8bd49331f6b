// The daemon from dist/sipbox.js over real UDP sockets: requests it answers itself, requests it
// refuses, and bad input. Messages are written by hand; expectations read the raw response text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { sipText, statusLine, udpClient, type UdpClient } from '../helpers/sip-client';

let d: Daemon;
let c: UdpClient;
beforeAll(async () => {
  d = await startDaemon();
  c = await udpClient(d.sipPort);
});
afterAll(async () => {
  c?.close();
  await d?.stop();
});

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, INFO, REFER, MESSAGE, UPDATE';

const base = (method: string, ruri: string, branch: string, extra: string[] = []) => [
  `${method} ${ruri} SIP/2.0`,
  `Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK${branch};rport`,
  'Max-Forwards: 70',
  `From: <sip:tester@127.0.0.1>;tag=t-${branch}`,
  'To: <sip:1000@127.0.0.1>',
  `Call-ID: ${branch}@test`,
  `CSeq: 1 ${method}`,
  ...extra,
  'Content-Length: 0',
];

async function ask(lines: string[], body = ''): Promise<string | null> {
  c.send(sipText(lines, c.port, body));
  return c.next(2000);
}

describe('requests the box answers itself', () => {
  it('answers OPTIONS to the server itself with 200 and its Allow list (RFC 3261 11.2)', async () => {
    const r = await ask(base('OPTIONS', 'sip:127.0.0.1', 'opt1'));
    expect(statusLine(r)).toBe('SIP/2.0 200 OK');
    expect(r).toContain(`\r\nAllow: ${ALLOW}\r\n`);
    expect(r).toMatch(/\r\nTo: <sip:1000@127\.0\.0\.1>;tag=[0-9a-f]+\r\n/);
  });

  it('fills received and rport in the top Via of its responses (RFC 3581 4)', async () => {
    const r = await ask(base('OPTIONS', 'sip:127.0.0.1', 'opt2'));
    expect(r).toContain(`\r\nVia: SIP/2.0/UDP 127.0.0.1:${c.port};branch=z9hG4bKopt2;rport=${c.port};received=127.0.0.1\r\n`);
  });

  it('refuses an unknown method with 501 and Allow (RFC 3261 8.2.1)', async () => {
    const r = await ask(base('FOOBAR', 'sip:1000@127.0.0.1', 'm501'));
    expect(statusLine(r)).toBe('SIP/2.0 501 Not Implemented');
    expect(r).toContain(`\r\nAllow: ${ALLOW}\r\n`);
  });

  it('challenges a request for a user before it looks anything up (407, RFC 3261 22.3)', async () => {
    const r = await ask(base('MESSAGE', 'sip:1000@127.0.0.1', 'm407'));
    expect(statusLine(r)).toBe('SIP/2.0 407 Proxy Authentication Required');
    expect(r).toMatch(/\r\nProxy-Authenticate: Digest realm="sipbox", nonce="[^"]+", qop="auth", algorithm=MD5\r\n/);
  });

  it('answers 481 to a CANCEL that matches no INVITE (RFC 3261 9.2)', async () => {
    expect(statusLine(await ask(base('CANCEL', 'sip:1000@127.0.0.1', 'nocancel')))).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
  });

  it('refuses an unsupported URI scheme with 416 (RFC 3261 8.2.2.1)', async () => {
    expect(statusLine(await ask(base('MESSAGE', 'http://example.com/', 's416')))).toBe('SIP/2.0 416 Unsupported URI Scheme');
  });

  it('refuses Proxy-Require extensions it does not support with 420 and Unsupported (RFC 3261 16.3)', async () => {
    const r = await ask(base('MESSAGE', 'sip:1000@127.0.0.1', 'e420', ['Proxy-Require: foo']));
    expect(statusLine(r)).toBe('SIP/2.0 420 Bad Extension');
    expect(r).toContain('\r\nUnsupported: foo\r\n');
  });

  it('refuses a request that already passed through the box with 482 (RFC 3261 16.3 step 4)', async () => {
    const lines = base('MESSAGE', 'sip:1000@127.0.0.1', 'loop1');
    lines.splice(2, 0, `Via: SIP/2.0/UDP 127.0.0.1:${d.sipPort};branch=z9hG4bKearlier`);
    expect(statusLine(await ask(lines))).toBe('SIP/2.0 482 Loop Detected');
  });

  it('refuses a request with Max-Forwards 0 with 483 (RFC 3261 16.3)', async () => {
    const lines = base('MESSAGE', 'sip:1000@127.0.0.1', 'mf0').map((l) => (l.startsWith('Max-Forwards') ? 'Max-Forwards: 0' : l));
    expect(statusLine(await ask(lines))).toBe('SIP/2.0 483 Too Many Hops');
  });
});

describe('bad input: a clear 400 or silence, never a dead daemon', () => {
  it('answers a request without Call-ID with 400 naming the header', async () => {
    const lines = base('OPTIONS', 'sip:127.0.0.1', 'nocid').filter((l) => !l.startsWith('Call-ID'));
    const r = await ask(lines);
    expect(statusLine(r)).toBe('SIP/2.0 400 Missing Call-ID');
  });

  it('answers a CSeq whose method differs from the request method with 400', async () => {
    const lines = base('OPTIONS', 'sip:127.0.0.1', 'cseqm').map((l) => (l.startsWith('CSeq') ? 'CSeq: 1 INVITE' : l));
    expect(statusLine(await ask(lines))).toBe('SIP/2.0 400 CSeq Method Mismatch');
  });

  it('answers SIP/3.0 with 505 (RFC 3261 8.2.2)', async () => {
    const lines = base('OPTIONS', 'sip:127.0.0.1', 'v3').map((l, i) => (i === 0 ? 'OPTIONS sip:127.0.0.1 SIP/3.0' : l));
    expect(statusLine(await ask(lines))).toMatch(/^SIP\/2\.0 505 /);
  });

  it('drops garbage and truncated messages silently and keeps answering', async () => {
    const before = d.count(/ bad-message /);
    c.send(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]));
    c.send('INVITE sip:1000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP');
    c.send('SIP/2.0 200 OK\r\n\r\n');
    expect(await c.collect(300)).toEqual([]);
    expect(statusLine(await ask(base('OPTIONS', 'sip:127.0.0.1', 'alive')))).toBe('SIP/2.0 200 OK');
    expect(d.count(/ bad-message /) - before).toBeGreaterThanOrEqual(2);
  });

  it('survives a 60 KB datagram of 700 Vias cut mid-header and answers the next request', async () => {
    const vias = Array.from({ length: 10_000 }, (_, i) => `Via: SIP/2.0/UDP 10.0.${i >> 8}.${i & 255}:5060;branch=z9hG4bKx${i}`);
    const lines = base('OPTIONS', 'sip:127.0.0.1', 'many');
    const big = sipText([lines[0], lines[1], ...vias.slice(0, 700), ...lines.slice(2)], c.port);
    c.send(big.slice(0, 60_000));
    await c.collect(300);
    expect(statusLine(await ask(base('OPTIONS', 'sip:127.0.0.1', 'after')))).toBe('SIP/2.0 200 OK');
  });
});
