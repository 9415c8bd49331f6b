// The digest computation against the worked examples printed in the RFCs.
import { describe, expect, it } from 'vitest';
import { digestHa1, digestResponse, responseMatches, type DigestRequest } from '../../../../firmware/src/modules/auth/digest';

// RFC 7616 §3.9.1: user "Mufasa", password "Circle of Life" (lower-case "of", erratum 4495).
const RFC7616: DigestRequest = {
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

// RFC 2617 §3.5: password "Circle Of Life"; RFC 2069 §2.4: password "CircleOfLife", no qop.
const RFC2617: DigestRequest = {
  method: 'GET',
  uri: '/dir/index.html',
  nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  qop: 'auth',
  nc: '00000001',
  cnonce: '0a4f113b',
};

function hex(b: Buffer): string {
  return b.toString('hex');
}

describe('digest response', () => {
  it('gives the MD5 response of the RFC 7616 §3.9.1 example', () => {
    const ha1 = digestHa1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    expect(hex(digestResponse('MD5', ha1, RFC7616))).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('gives the SHA-256 response of the RFC 7616 §3.9.1 example', () => {
    const ha1 = digestHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    expect(hex(digestResponse('SHA-256', ha1, RFC7616))).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('gives the qop=auth response of the RFC 2617 §3.5 example', () => {
    const ha1 = digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    expect(hex(digestResponse('MD5', ha1, RFC2617))).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('gives the response without qop of the RFC 2069 example (nc and cnonce unused)', () => {
    const ha1 = digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'CircleOfLife');
    const r = digestResponse('MD5', ha1, { ...RFC2617, qop: null, nc: 'ignored', cnonce: 'ignored' });
    expect(hex(r)).toBe('1949323746fe6a43ef61f9606e7febea');
  });

  it('hashes nc as written: 0000000A and 0000000a are different inputs (RFC 7616 §3.4.1)', () => {
    const ha1 = digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    expect(hex(digestResponse('MD5', ha1, { ...RFC2617, nc: '0000000A' }))).not.toBe(hex(digestResponse('MD5', ha1, { ...RFC2617, nc: '0000000a' })));
  });
});

describe('responseMatches', () => {
  const expected = Buffer.from('6629fae49393a05397450978507c4ef1', 'hex');

  it('accepts the response in lower case and, like Kamailio, in upper case', () => {
    expect(responseMatches(expected, '6629fae49393a05397450978507c4ef1')).toBe(true);
    expect(responseMatches(expected, '6629FAE49393A05397450978507C4EF1')).toBe(true);
  });

  it('refuses one wrong digit, a wrong length and non-hex text', () => {
    expect(responseMatches(expected, '6629fae49393a05397450978507c4ef2')).toBe(false);
    expect(responseMatches(expected, '6629fae49393a05397450978507c4ef')).toBe(false);
    expect(responseMatches(expected, '6629fae49393a05397450978507c4ef10')).toBe(false);
    expect(responseMatches(expected, '6629fae49393a05397450978507c4efg')).toBe(false);
    expect(responseMatches(expected, '')).toBe(false);
  });

  it('compares a SHA-256 response over all 32 bytes', () => {
    const sha = Buffer.from('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1', 'hex');
    expect(responseMatches(sha, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1')).toBe(true);
    expect(responseMatches(sha, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c0')).toBe(false);
    // The MD5-sized prefix alone is not enough.
    expect(responseMatches(sha, '753927fa0e85d155564e2e272a28d180')).toBe(false);
  });
});
