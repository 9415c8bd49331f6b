// SIP/SIPS/tel URIs (RFC 3261 §19.1, RFC 3966) and %-unescaping (§19.1.2).
import { describe, expect, it } from 'vitest';
import { UriSpan, parseUri, scanUri, unescapeUri } from '../../../../firmware/src/engine/sip/headers/uri';

function uri(text: string) {
  const b = Buffer.from(text, 'utf8');
  return parseUri(b, 0, b.length);
}

function scans(text: string): boolean {
  const b = Buffer.from(text, 'latin1');
  return scanUri(b, 0, b.length, new UriSpan());
}

describe('parseUri', () => {
  it('reads user, host, port of a plain sip URI', () => {
    const u = uri('sip:alice@atlanta.example.com:5061');
    expect([u.scheme, u.schemeName, u.user, u.password, u.host, u.port, u.hostIsIPv6, u.headers]).toEqual([
      'sip', 'sip', 'alice', null, 'atlanta.example.com', 5061, false, null,
    ]);
    expect([u.start, u.end]).toEqual([0, 34]);
  });

  it('reads a host-only URI and the scheme case-insensitively', () => {
    const u = uri('SIPS:proxy.example.com');
    expect([u.scheme, u.user, u.host, u.port]).toEqual(['sips', null, 'proxy.example.com', 0]);
  });

  it('reads an IPv6 reference with and without port (RFC 3261 25.1, RFC 5118)', () => {
    expect([uri('sip:[2001:db8::10]').host, uri('sip:[2001:db8::10]').port]).toEqual(['2001:db8::10', 0]);
    const u = uri('sip:bob@[2001:DB8::10]:5070;transport=udp');
    expect([u.user, u.host, u.port, u.hostIsIPv6, u.transport()]).toEqual(['bob', '2001:DB8::10', 5070, true, 'udp']);
    expect(uri('sip:[::ffff:192.0.2.1]:5060').host).toBe('::ffff:192.0.2.1');
  });

  it('tells URI params (flag, value, case-insensitive names) from URI headers after ?', () => {
    const u = uri('sip:carol@chicago.example.com;LR;Maddr=239.255.255.1;ttl=15;transport=TCP?subject=project%20x&priority=urgent');
    expect(u.lr()).toBe(true);
    expect(u.param('lr')).toBeNull();
    expect(u.maddr()).toBe('239.255.255.1');
    expect(u.param('TTL')).toBe('15');
    expect(u.transport()).toBe('tcp');
    expect(u.param('subject')).toBeUndefined();
    expect(u.headers).toBe('subject=project%20x&priority=urgent');
    expect(uri('sip:a@b').lr()).toBe(false);
    expect(uri('sip:a@b').transport()).toBeNull();
  });

  it('delimits the user part at the first @: ; ? / , belong to it (RFC 3261 25.1 user-unreserved)', () => {
    const u = uri('sip:a;b?c/d,e:p;w@example.com;x=1');
    expect([u.user, u.password, u.host, u.param('x')]).toEqual(['a;b?c/d,e', 'p;w', 'example.com', '1']);
  });

  it('reads tel URIs: the number as user, parameters, no host (RFC 3966)', () => {
    const u = uri('tel:+358-555-1234567;postd=pp22;isub=1411');
    expect([u.scheme, u.user, u.host, u.port]).toEqual(['tel', '+358-555-1234567', '', 0]);
    expect(u.param('postd')).toBe('pp22');
    expect(u.param('isub')).toBe('1411');
  });

  it('keeps other schemes opaque with their lower-cased name', () => {
    const u = uri('urn:service:sos');
    expect([u.scheme, u.schemeName, u.host, u.user]).toEqual(['other', 'urn', '', null]);
    expect(u.text()).toBe('urn:service:sos');
  });

  it('never fails: a malformed URI comes back as other with host ""', () => {
    for (const t of ['', 'sip:', '<sip:a@b>', 'sip:a@', 'sip:a b@c', 'sip:@host', 'sip:host:99999', 'sip:host:', 'sip:[::1', '\u0000']) {
      const u = uri(t);
      expect([u.scheme, u.host]).toEqual(['other', '']);
    }
    expect(uri('sip:a b').schemeName).toBe('sip');
  });
});

describe('scanUri', () => {
  it('accepts well-formed URIs of each kind', () => {
    for (const t of ['sip:a@b', 'sips:b', 'tel:+1', 'mailto:x@y', 'sip:a@b;c?d=e', 'soap.beep://h:1']) expect(scans(t)).toBe(true);
  });

  it('refuses bytes that never occur in a URI, and broken structure', () => {
    for (const t of ['sip:a@b c', 'sip:a@b>', 'sip:a"b@c', 'sip:a@b\r', 'sip:a@b\x7f', 'sip:a@b:', 'sip:a@b:65536', 'tel:', 'tel:;x', '1sip:a', ':a', 'sip:a@[::1]x', 'sip:a@b!']) {
      expect(scans(t), t).toBe(false);
    }
  });
});

describe('unescapeUri', () => {
  it('decodes %HH as UTF-8 bytes', () => {
    expect(unescapeUri('sips%3Auser%40example.com')).toBe('sips:user@example.com');
    expect(unescapeUri('%C3%A9t%C3%A9')).toBe('été');
    expect(unescapeUri('null-%00-null')).toBe('null-\u0000-null');
  });

  it('leaves a % that is not an escape as it is (RFC 4475 3.1.1.5)', () => {
    expect(unescapeUri('%Z%45')).toBe('%ZE');
    expect(unescapeUri('100%')).toBe('100%');
    expect(unescapeUri('%4')).toBe('%4');
    expect(unescapeUri('plain')).toBe('plain');
    expect(unescapeUri('é%20ü')).toBe('é ü');
  });
});
