// The lazy message view: each getter, repeated and multi-value headers, quoting, IPv6, tel:,
// and the Content-Length rules of RFC 3261 §18.3.
import { describe, expect, it } from 'vitest';
import { H } from '../../../../firmware/src/engine/sip/header-names';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { sip } from '../../../fixtures/sip/text';

function parsed(buf: Buffer, stream = false): SipMessage {
  const m = parseMessage(buf, 0, buf.length, { stream });
  if (!m.ok) throw new Error(`expected a message, got ${m.status} ${m.reason}`);
  return m;
}

const HEAD = [
  'Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK-1;received=2001:db8::9;rport=5062',
  'Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK-2, SIP/2.0/UDP phone.example.com:5070;branch=z9hG4bK-3',
  'Max-Forwards: 69',
  'From: "Alice, \\"A\\"" <sips:alice@example.com>;tag=ftag',
  'To: <tel:+1-201-555-0123;phone-context=example.com>',
  'Call-ID: msg-test-1@example.com',
  'CSeq: 12 INVITE',
];

const invite = sip(
  [
    'INVITE sip:bob:secret@[2001:db8::2]:5080;transport=TCP;lr?subject=hi SIP/2.0',
    ...HEAD,
    'Route: <sip:p1.example.com;lr>, "Second, proxy" <sip:p2.example.com;lr>',
    'Route: <sip:p3.example.com;lr>',
    'Record-Route: <sip:rr.example.com;lr>',
    'Contact: "Bob, Jr" <sip:bob@192.0.2.4>;expires=60;q=0.7, <sip:bob@192.0.2.5>;q=1',
    'm: sip:bob@192.0.2.6;expires=0',
    'Expires: 300',
    'Allow: INVITE, ACK,BYE ,CANCEL',
    'Supported: timer',
    'Supported: path',
    'Content-Type: text/plain',
    'Content-Length: 5',
  ],
  'hello',
);

describe('SipMessage getters', () => {
  const m = parsed(invite);

  it('reads the start line: method, Request-URI with password, IPv6 host, port, params, headers', () => {
    expect(m.isRequest).toBe(true);
    expect(m.method).toBe('INVITE');
    expect(m.status).toBe(0);
    expect(m.reason()).toBe('');
    const r = m.ruri();
    expect([r.scheme, r.user, r.password, r.host, r.port, r.hostIsIPv6]).toEqual(['sip', 'bob', 'secret', '2001:db8::2', 5080, true]);
    expect(r.transport()).toBe('tcp');
    expect(r.lr()).toBe(true);
    expect(r.maddr()).toBeNull();
    expect(r.headers).toBe('subject=hi');
    expect(invite.toString('latin1', m.ruriStart, m.ruriEnd)).toBe(r.text());
    expect(m.ruri()).toBe(r); // cached
  });

  it('parses the top Via up front: IPv6 sent-by, port, branch, received, rport', () => {
    const v = m.topVia;
    expect([v.transport, v.host, v.hostIsIPv6, v.port, v.branch, v.received, v.rport]).toEqual([
      'UDP', '2001:db8::1', true, 5062, 'z9hG4bK-1', '2001:db8::9', 5062,
    ]);
    expect(v.onlyValueOnLine).toBe(true);
    expect(invite.toString('latin1', v.rportStart, v.rportEnd)).toBe(';rport=5062');
    expect(invite.toString('latin1', v.receivedStart, v.receivedEnd)).toBe(';received=2001:db8::9');
    expect(v.paramsEnd).toBe(v.valueEnd);
  });

  it('counts every Via value and parses them in order (RFC 3261 7.3.1 comma-separated values)', () => {
    expect(m.viaCount()).toBe(3);
    expect(m.vias().map((v) => `${v.host}:${v.port}`)).toEqual(['2001:db8::1:5062', 'proxy.example.com:0', 'phone.example.com:5070']);
    expect(m.headerValues(H.Via)).toHaveLength(3);
  });

  it('reads From with a quoted display name holding a comma and escaped quotes; sips URI', () => {
    const f = m.from();
    expect(f.display()).toBe('Alice, "A"');
    expect(f.uri().scheme).toBe('sips');
    expect(f.tag()).toBe('ftag');
    expect(invite.toString('latin1', f.start, f.end)).toBe('"Alice, \\"A\\"" <sips:alice@example.com>;tag=ftag');
    expect(f.tagEnd).toBe(f.end);
  });

  it('reads a tel: URI in To: number as user, no host, parameters', () => {
    const t = m.to();
    const u = t.uri();
    expect([u.scheme, u.user, u.host, u.port]).toEqual(['tel', '+1-201-555-0123', '', 0]);
    expect(u.param('phone-context')).toBe('example.com');
    expect(t.tag()).toBeNull();
    expect(m.hasToTag()).toBe(false);
  });

  it('reads Call-ID, CSeq, Max-Forwards, Expires', () => {
    expect(m.callId()).toBe('msg-test-1@example.com');
    expect(m.cseq()).toEqual({ seq: 12, method: 'INVITE' });
    expect(m.maxForwards()).toBe(69);
    expect(m.expires()).toBe(300);
  });

  it('lists Route values over repeated fields, commas inside quotes not splitting, with removal offsets', () => {
    const r = m.routes();
    expect(r.map((x) => x.uri().host)).toEqual(['p1.example.com', 'p2.example.com', 'p3.example.com']);
    expect(r[1].display()).toBe('Second, proxy');
    expect([r[0].onlyValueOnLine, r[1].onlyValueOnLine, r[2].onlyValueOnLine]).toEqual([false, false, true]);
    expect(invite.toString('latin1', r[0].removeStart, r[0].removeEnd)).toBe('<sip:p1.example.com;lr>, ');
    expect(invite.toString('latin1', r[1].removeStart, r[1].removeEnd)).toBe(', "Second, proxy" <sip:p2.example.com;lr>');
    expect(invite.toString('latin1', r[2].removeStart, r[2].removeEnd)).toBe('Route: <sip:p3.example.com;lr>\r\n');
    expect(invite.toString('latin1', r[0].valueStart, r[0].valueEnd)).toBe('<sip:p1.example.com;lr>');
    expect(m.recordRoutes().map((x) => x.uri().host)).toEqual(['rr.example.com']);
  });

  it('lists Contact values with expires and q in thousandths; compact m: included', () => {
    const c = m.contacts();
    expect(c.map((x) => [x.uri().host, x.expires, x.q])).toEqual([
      ['192.0.2.4', 60, 700],
      ['192.0.2.5', -1, 1000],
      ['192.0.2.6', 0, -1],
    ]);
    expect(c[0].display()).toBe('Bob, Jr');
    expect(c[2].param('expires')).toBe('0');
    expect(c[2].uri().param('expires')).toBeUndefined();
    expect(c.every((x) => !x.star && x.valid)).toBe(true);
  });

  it('gives raw header text and comma-split list values', () => {
    expect(m.header('allow')).toBe('INVITE, ACK,BYE ,CANCEL');
    expect(m.headerValues(H.Allow)).toEqual(['INVITE', 'ACK', 'BYE', 'CANCEL']);
    expect(m.headerValues('Supported')).toEqual(['timer', 'path']);
    expect(m.header('Supported')).toBe('timer');
    expect(m.header('X-Missing')).toBeUndefined();
    expect(m.headerValues('X-Missing')).toEqual([]);
    expect(m.header(H.ContentType)).toBe('text/plain');
  });

  it('gives header offsets of each occurrence', () => {
    const refs = m.headerRefs('supported');
    expect(refs).toHaveLength(2);
    expect(invite.toString('latin1', refs[1].lineStart, refs[1].lineEnd)).toBe('Supported: path\r\n');
    expect(invite.toString('latin1', refs[1].valueStart, refs[1].valueEnd)).toBe('path');
    expect(refs[1].id).toBe(H.Supported);
  });

  it('exposes headers and body bounds; body() is a view, not a copy', () => {
    expect(m.headersStart).toBe(invite.indexOf('Via:'));
    expect(m.headersEnd).toBe(invite.indexOf('\r\n\r\n') + 2);
    expect(m.bodyStart).toBe(invite.length - 5);
    expect(m.bodyEnd).toBe(invite.length);
    const b = m.body();
    expect(b.toString()).toBe('hello');
    expect(b.buffer).toBe(invite.buffer);
    expect([m.start, m.end]).toEqual([0, invite.length]);
  });
});

describe('Content-Length (RFC 3261 18.3, 20.14)', () => {
  const head = ['OPTIONS sip:a@example.com SIP/2.0', ...HEAD.slice(0, 1), 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: cl', 'CSeq: 1 OPTIONS'];

  it('over UDP without Content-Length, the body is the rest of the datagram', () => {
    const m = parsed(sip(head, 'rest of it'));
    expect(m.body().toString()).toBe('rest of it');
  });

  it('over UDP, a smaller Content-Length cuts the body and the message end', () => {
    const buf = sip([...head, 'Content-Length: 4'], 'restXXXX');
    const m = parsed(buf);
    expect(m.body().toString()).toBe('rest');
    expect(m.end).toBe(buf.length - 4);
  });

  it('over a stream the body is exactly Content-Length', () => {
    const m = parsed(sip([...head, 'l: 3'], 'abc'), true);
    expect(m.body().toString()).toBe('abc');
  });

  it('parses within [start, end) of a larger buffer', () => {
    const inner = sip([...head, 'Content-Length: 2'], 'ok');
    const buf = Buffer.concat([Buffer.from('garbage'), inner, Buffer.from('trailing')]);
    const m = parseMessage(buf, 7, 7 + inner.length);
    expect(m.ok && m.body().toString()).toBe('ok');
    expect(m.ok && m.start).toBe(7);
  });
});

describe('responses', () => {
  it('takes the method from CSeq and reads the reason phrase', () => {
    const m = parsed(
      sip(['SIP/2.0 407 Proxy Authentication Required', HEAD[0], 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2', 'Call-ID: r', 'CSeq: 7 REGISTER',
        'Proxy-Authenticate: Digest realm="example.com", nonce="abc,def", qop="auth", algorithm=MD5', 'Content-Length: 0']),
    );
    expect([m.isRequest, m.status, m.reason(), m.method]).toEqual([false, 407, 'Proxy Authentication Required', 'REGISTER']);
    expect(m.hasToTag()).toBe(true);
    expect(m.ruri().scheme).toBe('other');
    const a = m.authValues(H.ProxyAuthenticate)[0];
    expect([a.scheme, a.param('realm'), a.param('nonce'), a.param('qop'), a.param('algorithm'), a.paramsValid]).toEqual([
      'Digest', 'example.com', 'abc,def', 'auth', 'MD5', true,
    ]);
  });
});

describe('Contact *', () => {
  it('reads the star of a REGISTER removing all bindings (RFC 3261 10.2.2)', () => {
    const m = parsed(sip(['REGISTER sip:example.com SIP/2.0', HEAD[0], 'From: <sip:a@b>;tag=1', 'To: <sip:a@b>', 'Call-ID: s', 'CSeq: 2 REGISTER', 'Contact: *', 'Expires: 0', 'l: 0']));
    const c = m.contacts();
    expect(c).toHaveLength(1);
    expect([c[0].star, c[0].valid, c[0].expires, c[0].uri().host]).toEqual([true, true, -1, '']);
    expect(m.expires()).toBe(0);
  });
});
