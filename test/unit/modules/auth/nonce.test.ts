// Stateless signed nonces: the byte layout, the MAC, and what makes a nonce stale.
import { describe, expect, it } from 'vitest';
import { NONCE_CHARS, NonceSigner, OpenedNonce, nonceExpired } from '../../../../firmware/src/modules/auth/nonce';
import { INSTANCE, REALM, SECRET } from './helpers';

// Computed outside the code under test (Python hmac/hashlib, see the README's nonce layout):
// key = HMAC-SHA256(SECRET, "sipbox auth nonce v1"); bytes = 6553f100 | a1b2c3d4 | 000000000001;
// nonce = base64url(bytes | HMAC-SHA256(key, bytes | "sipbox.test")[0..16]).
const FIRST_NONCE = 'ZVPxAKGyw9QAAAAAAAFdjbGhFr3_ziWIzI2RRkNP';
const SECOND_NONCE = 'ZVPxAKGyw9QAAAAAAAIPkFllven6x468cF7Qtx3V';
const T0_SEC = 1_700_000_000;

describe('NonceSigner', () => {
  it('writes issue time, instance, sequence and a truncated HMAC-SHA256, in base64url', () => {
    const s = new NonceSigner(SECRET, INSTANCE);
    expect(s.issue(REALM, T0_SEC)).toBe(FIRST_NONCE);
    expect(s.issue(REALM, T0_SEC)).toBe(SECOND_NONCE);
    expect(FIRST_NONCE.length).toBe(NONCE_CHARS);
    expect(s.lastSeq).toBe(2);
  });

  it('opens its own nonce: issue time, sequence, same instance', () => {
    const s = new NonceSigner(SECRET, INSTANCE);
    const out = new OpenedNonce();
    expect(s.open(SECOND_NONCE, REALM, out)).toBe(true);
    expect([out.issuedSec, out.seq, out.sameInstance]).toEqual([T0_SEC, 2, true]);
  });

  it("opens an earlier run's nonce (same secret) but marks it as another instance", () => {
    const s = new NonceSigner(SECRET, '00000000');
    const out = new OpenedNonce();
    expect(s.open(FIRST_NONCE, REALM, out)).toBe(true);
    expect(out.sameInstance).toBe(false);
  });

  it('refuses a nonce with any character changed (tampered time, sequence or MAC)', () => {
    const s = new NonceSigner(SECRET, INSTANCE);
    const out = new OpenedNonce();
    for (const at of [0, 5, 12, 20, 39]) {
      const c = FIRST_NONCE[at] === 'A' ? 'B' : 'A';
      expect(s.open(FIRST_NONCE.slice(0, at) + c + FIRST_NONCE.slice(at + 1), REALM, out)).toBe(false);
    }
  });

  it('refuses a nonce made for another realm or with another secret', () => {
    const out = new OpenedNonce();
    expect(new NonceSigner(SECRET, INSTANCE).open(FIRST_NONCE, 'other.test', out)).toBe(false);
    expect(new NonceSigner('another-secret', INSTANCE).open(FIRST_NONCE, REALM, out)).toBe(false);
  });

  it('refuses wrong lengths and characters outside base64url', () => {
    const s = new NonceSigner(SECRET, INSTANCE);
    const out = new OpenedNonce();
    expect(s.open(FIRST_NONCE.slice(0, 39), REALM, out)).toBe(false);
    expect(s.open(FIRST_NONCE + 'A', REALM, out)).toBe(false);
    expect(s.open('', REALM, out)).toBe(false);
    expect(s.open(FIRST_NONCE.slice(0, 39) + '=', REALM, out)).toBe(false);
    expect(s.open(FIRST_NONCE.replace('_', '/'), REALM, out)).toBe(false);
    expect(s.open('dcd98b7102dd2f0e8b11d0f600bfb0c093', REALM, out)).toBe(false);
  });

  it('refuses an empty secret and a malformed instance id', () => {
    expect(() => new NonceSigner('', INSTANCE)).toThrow(RangeError);
    expect(() => new NonceSigner(SECRET, 'a1b2')).toThrow(RangeError);
    expect(() => new NonceSigner(SECRET, 'zzzzzzzz')).toThrow(RangeError);
  });
});

describe('nonceExpired', () => {
  it('keeps a nonce up to its lifetime and expires it one second later', () => {
    expect(nonceExpired(1000, 1000, 300)).toBe(false);
    expect(nonceExpired(1000, 1300, 300)).toBe(false);
    expect(nonceExpired(1000, 1301, 300)).toBe(true);
  });

  it('tolerates a wall clock stepped back by up to the lifetime (NTP correction)', () => {
    expect(nonceExpired(1000, 700, 300)).toBe(false);
    expect(nonceExpired(1000, 699, 300)).toBe(true);
  });
});
