// verify(): credentials checked against challenges this module issued (RFC 3261 §22, RFC 7616
// §3.4, RFC 2617 §3.2.2, RFC 8760), on hand-written SIP requests.
import { describe, expect, it } from 'vitest';
import type { AuthResult } from '../../../../firmware/src/modules/auth/api';
import { REALM, challengeParam, clientCredentials, fixedIds, makeAuth, request } from './helpers';

const secretOf = (user: string): string | null => (user === '2001' ? 'pw-2001' : user === '2002' ? 'pw-2002' : null);
const REGISTER_URI = 'sip:sipbox.test';

function nonceOf(challenge: string): string {
  return challengeParam(challenge, 'nonce');
}

function register(credentials: string, header = 'Authorization'): ReturnType<typeof request> {
  return request('REGISTER', REGISTER_URI, [`${header}: ${credentials}`]);
}

describe('verify: round trip with hand-computed responses', () => {
  // Nonces and responses computed with Python's hmac/hashlib from the RFC 7616 §3.4.1 formulas:
  // nonce 1 and 2 as in nonce.test.ts; HA1 = H("2001:sipbox.test:pw-2001"),
  // HA2 = H("REGISTER:sip:sipbox.test"), response = H(HA1:nonce:00000001:c0ffee01:auth:HA2).
  it('accepts a REGISTER answering the MD5 challenge', () => {
    const { auth } = makeAuth();
    const challenge = auth.api.challenge('www', REALM);
    expect(nonceOf(challenge)).toBe('ZVPxAKGyw9QAAAAAAAFdjbGhFr3_ziWIzI2RRkNP');
    const msg = register(
      'Digest username="2001", realm="sipbox.test", nonce="ZVPxAKGyw9QAAAAAAAFdjbGhFr3_ziWIzI2RRkNP", ' +
        'uri="sip:sipbox.test", response="e073b9b80eb85279a99fac43d2f5a6f9", algorithm=MD5, cnonce="c0ffee01", qop=auth, nc=00000001',
    );
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: true, user: '2001', realm: REALM, algorithm: 'MD5' });
  });

  it('accepts a REGISTER answering the SHA-256 challenge (RFC 8760)', () => {
    const { auth } = makeAuth({ algorithms: ['MD5', 'SHA-256'] });
    const lines = auth.api.challenge('www', REALM).split('\r\n');
    expect(nonceOf(lines[1])).toBe('ZVPxAKGyw9QAAAAAAAIPkFllven6x468cF7Qtx3V');
    const msg = register(
      'Digest username="2001",realm="sipbox.test",nonce="ZVPxAKGyw9QAAAAAAAIPkFllven6x468cF7Qtx3V",uri="sip:sipbox.test",' +
        'response="59c613e9b1337f97ab10735b348dc17c5b948c7d3f9e798915bbeb035f371e3a",algorithm=SHA-256,cnonce="c0ffee01",qop=auth,nc=00000001',
    );
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: true, user: '2001', realm: REALM, algorithm: 'SHA-256' });
  });

  it('takes credentials folded over several lines and with quoted qop and algorithm', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const value = clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI })
      .replace('qop=auth', 'qop="auth"')
      .replace('algorithm=MD5', 'algorithm="md5"')
      .replace(', uri=', ',\r\n  uri=');
    expect(auth.api.verify(register(value), 'www', REALM, secretOf).ok).toBe(true);
  });

  it('takes MD5 when the credentials name no algorithm (RFC 7616 §3.3)', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, writeAlgorithm: false }));
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: true, user: '2001', realm: REALM, algorithm: 'MD5' });
  });

  it('accepts in-dialog requests with the nonce-count going up (BYE, then ACK)', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('proxy', REALM));
    const invite = request('INVITE', 'sip:2002@sipbox.test', [
      `Proxy-Authorization: ${clientCredentials({ nonce, method: 'INVITE', uri: 'sip:2002@sipbox.test' })}`,
    ]);
    expect(auth.api.verify(invite, 'proxy', REALM, secretOf).ok).toBe(true);
    const target = 'sip:2002@192.0.2.20:5062;transport=udp';
    const bye = request('BYE', target, [`Proxy-Authorization: ${clientCredentials({ nonce, method: 'BYE', uri: target, nc: 2 })}`]);
    expect(auth.api.verify(bye, 'proxy', REALM, secretOf).ok).toBe(true);
    const ack = request('ACK', target, [`Proxy-Authorization: ${clientCredentials({ nonce, method: 'ACK', uri: target, nc: 3 })}`]);
    expect(auth.api.verify(ack, 'proxy', REALM, secretOf).ok).toBe(true);
  });
});

describe('verify: stale nonces', () => {
  it('accepts a nonce up to its lifetime; past it a right answer is stale (RFC 7616 §3.3)', () => {
    const { auth, clock } = makeAuth({ nonceLifetimeSec: 300 });
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    clock.advanceSec(300);
    expect(auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI })), 'www', REALM, secretOf).ok).toBe(true);
    clock.advanceSec(1);
    const late = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, nc: 2 }));
    expect(auth.api.verify(late, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'stale', user: '2001' });
  });

  it('answers a wrong password on an expired nonce with bad-response, not stale', () => {
    const { auth, clock } = makeAuth({ nonceLifetimeSec: 300 });
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    clock.advanceSec(301);
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, password: 'guess' }));
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'bad-response', user: '2001' });
  });

  it("makes an earlier run's nonce stale (its nonce-counts are gone), even with a right answer", () => {
    const before = makeAuth();
    const nonce = nonceOf(before.auth.api.challenge('www', REALM));
    const after = makeAuth({ ids: fixedIds('0badf00d') });
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI }));
    expect(after.auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'stale', user: '2001' });
  });
});

describe('verify: replayed nonce-counts (RFC 7616 §3.4, RFC 2617 §3.2.2)', () => {
  it('refuses the same nc twice and a lower nc, and accepts a higher one', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const withNc = (nc: number): AuthResult => auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, nc })), 'www', REALM, secretOf);
    expect(withNc(3).ok).toBe(true);
    expect(withNc(3)).toEqual({ ok: false, why: 'replay', user: '2001' });
    expect(withNc(2)).toEqual({ ok: false, why: 'replay', user: '2001' });
    expect(withNc(4).ok).toBe(true);
  });

  it('makes a nonce whose count was dropped from the full table stale, never replayable', () => {
    const { auth } = makeAuth({ maxNonceCountEntries: 2 });
    const nonces = [1, 2, 3].map(() => nonceOf(auth.api.challenge('www', REALM)));
    for (const nonce of nonces) {
      expect(auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI })), 'www', REALM, secretOf).ok).toBe(true);
    }
    expect(auth.nonceCountEntries()).toBe(2);
    const replayOfFirst = register(clientCredentials({ nonce: nonces[0], method: 'REGISTER', uri: REGISTER_URI }));
    expect(auth.api.verify(replayOfFirst, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'stale', user: '2001' });
    const nextOfThird = register(clientCredentials({ nonce: nonces[2], method: 'REGISTER', uri: REGISTER_URI, nc: 2 }));
    expect(auth.api.verify(nextOfThird, 'www', REALM, secretOf).ok).toBe(true);
  });
});

describe('verify: refusals', () => {
  it('says no-credentials without any, with only Basic, and when the other header kind carries them', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('proxy', REALM));
    expect(auth.api.verify(request('INVITE', 'sip:2002@sipbox.test'), 'proxy', REALM, secretOf)).toEqual({ ok: false, why: 'no-credentials' });
    const basic = request('INVITE', 'sip:2002@sipbox.test', ['Proxy-Authorization: Basic MjAwMTpwdy0yMDAx']);
    expect(auth.api.verify(basic, 'proxy', REALM, secretOf)).toEqual({ ok: false, why: 'no-credentials' });
    const wrongKind = request('INVITE', 'sip:2002@sipbox.test', [`Authorization: ${clientCredentials({ nonce, method: 'INVITE', uri: 'sip:2002@sipbox.test' })}`]);
    expect(auth.api.verify(wrongKind, 'proxy', REALM, secretOf)).toEqual({ ok: false, why: 'no-credentials' });
  });

  it('says bad-realm when the only credentials are for another realm, and picks ours among several', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('proxy', REALM));
    const uri = 'sip:2002@sipbox.test';
    const other = `Proxy-Authorization: ${clientCredentials({ nonce: 'upstream-nonce', method: 'INVITE', uri, realm: 'carrier.example' })}`;
    expect(auth.api.verify(request('INVITE', uri, [other]), 'proxy', REALM, secretOf)).toEqual({ ok: false, why: 'bad-realm' });
    const ours = `Proxy-Authorization: ${clientCredentials({ nonce, method: 'INVITE', uri })}`;
    expect(auth.api.verify(request('INVITE', uri, [other, ours]), 'proxy', REALM, secretOf).ok).toBe(true);
  });

  it('with strictUri, says bad-uri when the digest uri is not the Request-URI as written (RFC 7616 §3.4.6)', () => {
    const { auth } = makeAuth({ strictUri: true });
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    for (const uri of ['sip:sipbox.test:5060', 'sip:SIPBOX.test', 'sip:other.test']) {
      const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri }));
      expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'bad-uri', user: '2001' });
    }
  });

  it('by default accepts any SIP digest uri (SIPp writes the server address), but not another scheme', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const ok = register(clientCredentials({ nonce, method: 'REGISTER', uri: 'sip:192.0.2.1:5070', nc: 1 }));
    expect(auth.api.verify(ok, 'www', REALM, secretOf).ok).toBe(true);
    const bad = register(clientCredentials({ nonce, method: 'REGISTER', uri: 'http://sipbox.test/', nc: 2 }));
    expect(auth.api.verify(bad, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'bad-uri', user: '2001' });
  });

  it('says bad-nonce for a tampered nonce and for a nonce we never issued', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const tampered = nonce.slice(0, 3) + (nonce[3] === 'x' ? 'y' : 'x') + nonce.slice(4);
    for (const n of [tampered, 'dcd98b7102dd2f0e8b11d0f600bfb0c093']) {
      const msg = register(clientCredentials({ nonce: n, method: 'REGISTER', uri: REGISTER_URI }));
      expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'bad-nonce', user: '2001' });
    }
  });

  it('answers an unknown user and a wrong password with results of the same shape', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const unknown = auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, user: '2999' })), 'www', REALM, secretOf);
    const wrong = auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, password: 'guess', nc: 2 })), 'www', REALM, secretOf);
    expect(unknown).toEqual({ ok: false, why: 'unknown-user', user: '2999' });
    expect(wrong).toEqual({ ok: false, why: 'bad-response', user: '2001' });
    expect(Object.keys(unknown)).toEqual(Object.keys(wrong));
  });

  it('does not tell an unknown user that the nonce is stale (no oracle before the password check)', () => {
    const { auth, clock } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    clock.advanceSec(3600);
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, user: '2999' }));
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'unknown-user', user: '2999' });
  });

  it('says algorithm for SHA-256 credentials when only MD5 is configured, and for MD5-sess', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const sha = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, algorithm: 'SHA-256' }));
    expect(auth.api.verify(sha, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'algorithm', user: '2001' });
    const sess = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI }).replace('algorithm=MD5', 'algorithm=MD5-sess'));
    expect(auth.api.verify(sess, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'algorithm', user: '2001' });
  });

  it('says malformed for missing or ill-formed fields', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const good = clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI });
    const variants = [
      good.replace(', nc=00000001', ''), // qop without nc
      good.replace('nc=00000001', 'nc=1'), // nc is 8 hex digits
      good.replace('nc=00000001', 'nc=0000000g'),
      good.replace('nc=00000001', 'nc=00000000'), // counts start at 1
      good.replace(', cnonce="c0ffee01"', ''),
      good.replace('qop=auth', 'qop=auth-int'), // never offered
      good.replace(/, qop=auth/, ''), // qop offered, so required
      good.replace(/, response="[0-9a-f]+"/, ''),
      good.replace('", realm=', '" realm='), // no comma between parameters
    ];
    for (const v of variants) expect(auth.api.verify(register(v), 'www', REALM, secretOf)).toMatchObject({ ok: false, why: 'malformed' });
    expect(auth.api.verify(register(good), 'www', REALM, secretOf).ok).toBe(true);
  });
});

describe('verify: RFC 2069 credentials without qop', () => {
  it('are malformed by default, since the challenge offers qop="auth"', () => {
    const { auth } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, qop: null }));
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'malformed', user: '2001' });
  });

  it('are accepted once per nonce when acceptNoQop is set; the second use is a replay', () => {
    const { auth } = makeAuth({ acceptNoQop: true });
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const msg = register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, qop: null }));
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: true, user: '2001', realm: REALM, algorithm: 'MD5' });
    expect(auth.api.verify(msg, 'www', REALM, secretOf)).toEqual({ ok: false, why: 'replay', user: '2001' });
  });
});

describe('verify: counters and logs', () => {
  it('counts challenges, successes, failures, stale nonces and replays apart', () => {
    const { auth, clock } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const creds = (o: { nc?: number; password?: string }) => register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, ...o }));
    auth.api.verify(request('REGISTER', REGISTER_URI), 'www', REALM, secretOf); // no credentials: not counted
    auth.api.verify(creds({ nc: 1 }), 'www', REALM, secretOf); // ok
    auth.api.verify(creds({ nc: 1 }), 'www', REALM, secretOf); // replay
    auth.api.verify(creds({ nc: 2, password: 'x' }), 'www', REALM, secretOf); // failed
    clock.advanceSec(301);
    auth.api.verify(creds({ nc: 3 }), 'www', REALM, secretOf); // stale
    expect(auth.counters).toEqual({ challenges: 1, ok: 1, failed: 1, stale: 1, replay: 1 });
  });

  it('never logs a password, a nonce or a response', () => {
    const { auth, logs } = makeAuth();
    const nonce = nonceOf(auth.api.challenge('www', REALM));
    const wrong = clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, password: 'guess-pw' });
    auth.api.verify(register(wrong), 'www', REALM, secretOf);
    auth.api.verify(register(clientCredentials({ nonce, method: 'REGISTER', uri: REGISTER_URI, user: '2999', password: 'other-pw' })), 'www', REALM, secretOf);
    const text = logs.snapshot().join('\n');
    expect(text).toContain('bad-response');
    for (const secret of ['guess-pw', 'other-pw', 'pw-2001', nonce, wrong.slice(wrong.indexOf('response="') + 10, wrong.indexOf('response="') + 42)]) {
      expect(text).not.toContain(secret);
    }
  });
});
