// Messages the engine writes: responses (RFC 3261 §8.2.6, §18.2.2, RFC 3581 §4), ACK for non-2xx
// (§17.1.1.3), CANCEL (§9.1), originated requests (§8.1.1); each against hand-written text.
import { describe, expect, it } from 'vitest';
import { buildAckForNon2xx, buildCancel, buildRequest, buildResponse } from '../../../../firmware/src/engine/sip/build';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';

function msg(text: string): SipMessage {
  const b = Buffer.from(text);
  const m = parseMessage(b, 0, b.length);
  if (!m.ok) throw new Error(m.reason);
  return m;
}

function text(build: (out: Buffer, off: number) => number): string {
  const out = Buffer.alloc(4096);
  const n = build(out, 3);
  expect(n).toBeGreaterThan(0);
  return out.toString('utf8', 3, 3 + n);
}

const INVITE = msg(
  'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
    'v: SIP/2.0/UDP bigbox3.site3.example.com;branch=z9hG4bK77ef4c2312983.1 ,\r\n  SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport\r\n' +
    'Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK74bf9\r\n' +
    'Max-Forwards: 69\r\n' +
    'Route: <sip:p1.example.com;lr>\r\n' +
    'Route: <sip:p2.example.com;lr>\r\n' +
    't: Bob\r\n <sip:bob@biloxi.example.com>\r\n' +
    'f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
    'i: a84b4c76e66710\r\n' +
    'cseq: 314159 INVITE\r\n' +
    'Timestamp: 54.2\r\n' +
    'Contact: <sip:alice@pc33.atlanta.example.com>\r\n' +
    'Content-Length: 0\r\n\r\n',
);

const VIAS =
  'Via: SIP/2.0/UDP bigbox3.site3.example.com;branch=z9hG4bK77ef4c2312983.1 , SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;rport\r\n' +
  'Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK74bf9\r\n';
const FROM = 'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n';
const CALL = 'Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\n';

describe('buildResponse', () => {
  it('copies Vias in order, From, To, Call-ID, CSeq under canonical names, folding collapsed (8.2.6.2)', () => {
    expect(text((o, off) => buildResponse(INVITE, 486, 'Busy Here', o, off, { toTag: 'b7' }))).toBe(
      'SIP/2.0 486 Busy Here\r\n' + VIAS + FROM + 'To: Bob <sip:bob@biloxi.example.com>;tag=b7\r\n' + CALL + 'Content-Length: 0\r\n\r\n',
    );
  });

  it('a 100 Trying has no To tag and echoes Timestamp (8.2.6.1)', () => {
    expect(text((o, off) => buildResponse(INVITE, 100, 'Trying', o, off, { toTag: 'b7' }))).toBe(
      'SIP/2.0 100 Trying\r\n' + VIAS + FROM + 'To: Bob <sip:bob@biloxi.example.com>\r\n' + CALL +
        'Timestamp: 54.2\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('does not add a To tag when the To already has one', () => {
    const req = msg('BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: z\r\nCSeq: 2 BYE\r\n\r\n');
    expect(text((o, off) => buildResponse(req, 200, 'OK', o, off, { toTag: 'other' }))).toBe(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: z\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('writes extra headers, Content-Type and a body with its Content-Length', () => {
    const req = msg('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: z\r\nCSeq: 2 OPTIONS\r\n\r\n');
    expect(text((o, off) => buildResponse(req, 200, 'OK', o, off, { toTag: 't', extraHeaders: 'Allow: INVITE, ACK\r\nServer: sipbox\r\n', body: 'v=0\r\n', contentType: 'application/sdp' }))).toBe(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>;tag=t\r\nCall-ID: z\r\nCSeq: 2 OPTIONS\r\n' +
        'Allow: INVITE, ACK\r\nServer: sipbox\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n',
    );
  });

  it('fills received and rport in the top Via when asked (RFC 3581 4), other values untouched', () => {
    const req = msg('REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bKr, SIP/2.0/UDP x\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: r\r\nCSeq: 1 REGISTER\r\n\r\n');
    expect(text((o, off) => buildResponse(req, 401, 'Unauthorized', o, off, { viaReceived: { address: '203.0.113.9', port: 31000 } }))).toBe(
      'SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;rport=31000;branch=z9hG4bKr;received=203.0.113.9, SIP/2.0/UDP x\r\n' +
        'From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: r\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('replaces a stale received and leaves a matching host without received when there is no rport', () => {
    const stale = msg('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;received=1.2.3.4;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: z\r\nCSeq: 1 OPTIONS\r\n\r\n');
    expect(text((o, off) => buildResponse(stale, 200, 'OK', o, off, { viaReceived: { address: '192.0.2.1', port: 5060 } })).split('\r\n')[1]).toBe(
      'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1;received=192.0.2.1',
    );
    const same = msg('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: z\r\nCSeq: 1 OPTIONS\r\n\r\n');
    expect(text((o, off) => buildResponse(same, 200, 'OK', o, off, { viaReceived: { address: '192.0.2.1', port: 5060 } })).split('\r\n')[1]).toBe(
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
    );
  });

  it('answers the partial message of a ParseFailure, leaving out what is missing', () => {
    const b = Buffer.from('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKi\r\nCSeq: 1 INVITE\r\n\r\n');
    const f = parseMessage(b, 0, b.length);
    if (f.ok || f.message === null) throw new Error('expected a partial message');
    const req = f.message;
    expect(text((o, off) => buildResponse(req, 400, f.reason, o, off, { toTag: 'x' }))).toBe(
      'SIP/2.0 400 Missing From\r\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKi\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('returns -1 without writing past the buffer when the response does not fit', () => {
    const out = Buffer.alloc(200, 0x2e);
    const guarded = out.subarray(0, 150);
    expect(buildResponse(INVITE, 200, 'OK', guarded, 0)).toBe(-1);
    expect(out.subarray(150).every((b) => b === 0x2e)).toBe(true);
    expect(buildResponse(INVITE, 200, 'OK', Buffer.alloc(10), 20)).toBe(-1);
  });
});

describe('buildAckForNon2xx (17.1.1.3)', () => {
  it('uses the INVITE Request-URI, top Via, Routes, From, Call-ID, CSeq number, and the response To', () => {
    const sent = msg(
      'INVITE sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKc1\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKa\r\n' +
        'Max-Forwards: 69\r\nRoute: <sip:p2.example.com;lr>\r\nFrom: <sip:alice@example.com>;tag=88\r\nTo: <sip:bob@example.com>\r\n' +
        'Call-ID: ack-1\r\nCSeq: 7 INVITE\r\nContact: <sip:alice@10.0.0.2>\r\nContent-Length: 0\r\n\r\n',
    );
    const res = msg(
      'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKc1\r\nFrom: <sip:alice@example.com>;tag=88\r\n' +
        'To: <sip:bob@example.com>;tag=bb\r\nCall-ID: ack-1\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
    expect(text((o, off) => buildAckForNon2xx(sent, res, o, off))).toBe(
      'ACK sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKc1\r\nMax-Forwards: 70\r\n' +
        'Route: <sip:p2.example.com;lr>\r\nFrom: <sip:alice@example.com>;tag=88\r\nTo: <sip:bob@example.com>;tag=bb\r\n' +
        'Call-ID: ack-1\r\nCSeq: 7 ACK\r\nContent-Length: 0\r\n\r\n',
    );
  });
});

describe('buildCancel (9.1)', () => {
  it('keeps Request-URI, the top Via value only, Routes, From, To, Call-ID and the CSeq number', () => {
    expect(text((o, off) => buildCancel(INVITE, o, off))).toBe(
      'CANCEL sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP bigbox3.site3.example.com;branch=z9hG4bK77ef4c2312983.1\r\n' +
        'Max-Forwards: 70\r\nRoute: <sip:p1.example.com;lr>\r\nRoute: <sip:p2.example.com;lr>\r\n' +
        'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nTo: Bob <sip:bob@biloxi.example.com>\r\n' +
        'Call-ID: a84b4c76e66710\r\nCSeq: 314159 CANCEL\r\nContent-Length: 0\r\n\r\n',
    );
  });
});

describe('buildRequest (8.1.1)', () => {
  it('writes an OPTIONS ping with the mandatory headers and Max-Forwards 70', () => {
    expect(
      text((o, off) =>
        buildRequest(
          { method: 'OPTIONS', ruri: 'sip:trunk.example.net', via: 'SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKo1;rport', from: '<sip:ping@192.0.2.9>;tag=p1', to: '<sip:trunk.example.net>', callId: 'ping-1@192.0.2.9', cseq: 4294967295 },
          o,
          off,
        ),
      ),
    ).toBe(
      'OPTIONS sip:trunk.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKo1;rport\r\nMax-Forwards: 70\r\n' +
        'From: <sip:ping@192.0.2.9>;tag=p1\r\nTo: <sip:trunk.example.net>\r\nCall-ID: ping-1@192.0.2.9\r\nCSeq: 4294967295 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('writes routes, contact, extra headers and a body; -1 when it does not fit', () => {
    const spec = {
      method: 'MESSAGE', ruri: 'sip:bob@example.com', via: 'SIP/2.0/TCP 192.0.2.9;branch=z9hG4bKm', from: '<sip:box@example.com>;tag=m', to: '<sip:bob@example.com>',
      callId: 'm1', cseq: 1, maxForwards: 10, routes: ['<sip:p1;lr>', '<sip:p2;lr>'], contact: '<sip:box@192.0.2.9;transport=tcp>',
      extraHeaders: 'Expires: 60\r\n', body: 'hi ü', contentType: 'text/plain;charset=utf-8',
    };
    expect(text((o, off) => buildRequest(spec, o, off))).toBe(
      'MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.9;branch=z9hG4bKm\r\nMax-Forwards: 10\r\nRoute: <sip:p1;lr>\r\nRoute: <sip:p2;lr>\r\n' +
        'From: <sip:box@example.com>;tag=m\r\nTo: <sip:bob@example.com>\r\nCall-ID: m1\r\nCSeq: 1 MESSAGE\r\nContact: <sip:box@192.0.2.9;transport=tcp>\r\n' +
        'Expires: 60\r\nContent-Type: text/plain;charset=utf-8\r\nContent-Length: 5\r\n\r\nhi ü',
    );
    expect(buildRequest(spec, Buffer.alloc(100), 0)).toBe(-1);
  });
});
