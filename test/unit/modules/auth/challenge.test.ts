// The challenge header lines (RFC 3261 §22.2, §22.3; RFC 7616 §3.3; RFC 8760).
import { describe, expect, it } from 'vitest';
import { challengeLine, quotedString } from '../../../../firmware/src/modules/auth/challenge';
import { REALM, challengeParam, makeAuth } from './helpers';

const FIRST_NONCE = 'ZVPxAKGyw9QAAAAAAAFdjbGhFr3_ziWIzI2RRkNP';
const SECOND_NONCE = 'ZVPxAKGyw9QAAAAAAAIPkFllven6x468cF7Qtx3V';

describe('challenge', () => {
  it('writes one MD5 WWW-Authenticate line with qop="auth" by default (RFC 3261 §22.2)', () => {
    const { auth } = makeAuth();
    expect(auth.api.challenge('www', REALM)).toBe(
      `WWW-Authenticate: Digest realm="sipbox.test", nonce="${FIRST_NONCE}", qop="auth", algorithm=MD5\r\n`,
    );
  });

  it('writes Proxy-Authenticate for a 407 and adds stale=true when asked (RFC 3261 §22.3, RFC 7616 §3.3)', () => {
    const { auth } = makeAuth();
    expect(auth.api.challenge('proxy', REALM, { stale: true })).toBe(
      `Proxy-Authenticate: Digest realm="sipbox.test", nonce="${FIRST_NONCE}", qop="auth", algorithm=MD5, stale=true\r\n`,
    );
  });

  it('offers MD5 first, then SHA-256, each with its own nonce (RFC 8760 §2.4)', () => {
    const { auth } = makeAuth({ algorithms: ['SHA-256', 'MD5'] });
    expect(auth.api.challenge('www', REALM)).toBe(
      `WWW-Authenticate: Digest realm="sipbox.test", nonce="${FIRST_NONCE}", qop="auth", algorithm=MD5\r\n` +
        `WWW-Authenticate: Digest realm="sipbox.test", nonce="${SECOND_NONCE}", qop="auth", algorithm=SHA-256\r\n`,
    );
  });

  it('offers SHA-256 alone when configured so', () => {
    const { auth } = makeAuth({ algorithms: ['SHA-256'] });
    const text = auth.api.challenge('www', REALM);
    expect(text.endsWith('algorithm=SHA-256\r\n')).toBe(true);
    expect(text.split('\r\n').length).toBe(2);
  });

  it('gives every challenge a new nonce', () => {
    const { auth } = makeAuth();
    const a = challengeParam(auth.api.challenge('www', REALM), 'nonce');
    const b = challengeParam(auth.api.challenge('www', REALM), 'nonce');
    expect(a).not.toBe(b);
  });
});

describe('challengeLine and quotedString', () => {
  it('escapes quote and backslash in the realm as quoted-pairs (RFC 3261 §25.1)', () => {
    expect(quotedString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(challengeLine('www', 'my "box"', 'N', 'MD5', false)).toBe(
      'WWW-Authenticate: Digest realm="my \\"box\\"", nonce="N", qop="auth", algorithm=MD5\r\n',
    );
  });

  it('drops control characters so a realm can never end the header line', () => {
    expect(quotedString('evil\r\nX-Injected: 1')).toBe('"evilX-Injected: 1"');
  });
});
