// Robustness: parseMessage and every lazy getter are total (never throw) and linear on hostile
// input — truncations, byte flips, huge values, 10,000 Vias, unterminated quotes.
import { describe, expect, it } from 'vitest';
import { H } from '../../../../firmware/src/engine/sip/header-names';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { SDP_136, sip } from '../../../fixtures/sip/text';

const INVITE = sip(
  [
    'INVITE sip:bob;x=1@[2001:db8::2]:5080;transport=tcp?h=v SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKa;rport, SIP/2.0/TCP [::1];received=::1',
    'Max-Forwards: 70',
    'Route: <sip:p1.example.com;lr>, "a,b" <sip:p2.example.com;lr>',
    'From: "Al\\"ice" <sip:alice@example.com>;tag=1',
    't: Bob\r\n <tel:+1-555;phone-context=x>',
    'Call-ID: fuzz@10.0.0.2',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@10.0.0.2>;expires=60;q=0.5, *',
    'Authorization: Digest username="a", realm="b", nonce="c,d"',
    'Expires: 30',
    'Content-Type: application/sdp',
    'Content-Length: 136',
  ],
  SDP_136,
);

/** Calls every getter, so that the lazy paths are exercised too. */
function touch(m: SipMessage): void {
  m.reason();
  const r = m.ruri();
  r.param('transport');
  r.text();
  m.viaCount();
  for (const v of m.vias()) v.param('branch');
  m.callId();
  m.cseq();
  for (const na of [m.from(), m.to(), ...m.routes(), ...m.recordRoutes(), ...m.contacts()]) {
    na.display();
    na.uri().lr();
    na.tag();
    na.param('q');
  }
  m.maxForwards();
  m.expires();
  m.hasToTag();
  for (const a of m.authValues(H.Authorization)) a.param('nonce');
  m.header('Content-Type');
  m.headerValues(H.Via);
  m.headerValues('x-unknown');
  m.headerRefs(H.Route);
  m.body();
}

function parseAll(buf: Buffer, stream: boolean): void {
  const m = parseMessage(buf, 0, buf.length, { stream });
  if (m.ok) touch(m);
  else if (m.message !== null) touch(m.message);
}

/** A deterministic generator (tests use no Math.random either). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

describe('parser robustness', () => {
  it('never throws on any truncation of a valid INVITE, over UDP or a stream', () => {
    const t0 = performance.now();
    for (let len = 0; len <= INVITE.length; len++) {
      const cut = INVITE.subarray(0, len);
      expect(() => parseAll(cut, false)).not.toThrow();
      expect(() => parseAll(cut, true)).not.toThrow();
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('never throws when any byte is replaced by NUL, 0xFF, CR, LF, SP, quote, comma, <, ;, :', () => {
    const t0 = performance.now();
    const copy = Buffer.from(INVITE);
    for (let i = 0; i < INVITE.length; i++) {
      for (const b of [0x00, 0xff, 0x0d, 0x0a, 0x20, 0x22, 0x2c, 0x3c, 0x3b, 0x3a, 0x5b, 0x5c]) {
        copy[i] = b;
        expect(() => parseAll(copy, false)).not.toThrow();
        copy[i] = INVITE[i];
      }
    }
    expect(performance.now() - t0).toBeLessThan(10000);
  });

  it('never throws on random multi-byte corruption (fixed seed)', () => {
    const next = lcg(4475);
    const copy = Buffer.from(INVITE);
    for (let round = 0; round < 3000; round++) {
      INVITE.copy(copy);
      for (let k = 0; k < 1 + (next() % 8); k++) copy[next() % copy.length] = next() & 0xff;
      expect(() => parseAll(copy, round % 2 === 0)).not.toThrow();
    }
  });

  it('parses the untouched fixture (so the loops above cover real paths)', () => {
    const m = parseMessage(INVITE, 0, INVITE.length);
    expect(m.ok).toBe(true);
    if (m.ok) {
      expect(m.viaCount()).toBe(2);
      expect(m.contacts().map((c) => c.star)).toEqual([false, true]);
      expect(m.to().uri().scheme).toBe('tel');
    }
  });
});

describe('linear time on pathological input', () => {
  const head = 'INVITE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n';

  function timed(text: string | Buffer, check: (m: ReturnType<typeof parseMessage>) => void): number {
    const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    const t0 = performance.now();
    const m = parseMessage(buf, 0, buf.length);
    check(m);
    if (m.ok) touch(m);
    return performance.now() - t0;
  }

  it('10,000 Via values on one line are counted and parsed', () => {
    const vias = Array.from({ length: 10000 }, (_, i) => `SIP/2.0/UDP h${i};branch=z9hG4bK${i}`).join(', ');
    const ms = timed(`${head}Via: ${vias}\r\nContent-Length: 0\r\n\r\n`, (m) => {
      expect(m.ok && m.viaCount()).toBe(10000);
      expect(m.ok && m.vias().length).toBe(10000);
    });
    expect(ms).toBeLessThan(1000);
  });

  it('10,000 Via lines are refused as Too Many Headers', () => {
    const ms = timed(`${head}${'Via: SIP/2.0/UDP h\r\n'.repeat(10000)}\r\n`, (m) => {
      expect(!m.ok && m.reason).toBe('Too Many Headers');
    });
    expect(ms).toBeLessThan(500);
  });

  it('a 64 KiB header value, a 64 KiB folded value, and 64 KiB of commas', () => {
    const big = 'x'.repeat(65536);
    expect(timed(`${head}Via: SIP/2.0/UDP h\r\nX-Big: ${big}\r\n\r\n`, (m) => expect(m.ok && m.header('x-big')?.length).toBe(65536))).toBeLessThan(500);
    const folded = 'a\r\n '.repeat(16384);
    expect(timed(`${head}Via: SIP/2.0/UDP h\r\nSubject: ${folded}\r\n\r\n`, (m) => expect(m.ok).toBe(true))).toBeLessThan(500);
    const commas = ','.repeat(65536);
    expect(timed(`${head}Via: SIP/2.0/UDP h\r\nRoute: ${commas}\r\nContact: ${commas}\r\n\r\n`, (m) => expect(m.ok && m.routes().length).toBe(0))).toBeLessThan(500);
  });

  it('unterminated quotes and angle brackets over 64 KiB', () => {
    const q = '"'.repeat(1) + 'a,'.repeat(32768);
    expect(timed(`${head}Via: SIP/2.0/UDP h\r\nRoute: ${q}\r\nContact: <${'b,'.repeat(32768)}\r\n\r\n`, (m) => {
      expect(m.ok && m.routes().length).toBe(1);
      expect(m.ok && m.contacts()[0].valid).toBe(false);
    })).toBeLessThan(500);
    const escapes = '"' + '\\"'.repeat(32768);
    expect(timed(`INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: ${escapes}\r\n\r\n`, (m) => expect(!m.ok && m.reason).toBe('Bad From'))).toBeLessThan(500);
  });

  it('a 64 KiB number in CSeq, Content-Length, Max-Forwards and a port', () => {
    const n = '9'.repeat(65536);
    expect(timed(`${head.replace('CSeq: 1', `CSeq: ${n}`)}Via: SIP/2.0/UDP h\r\n\r\n`, (m) => expect(!m.ok && m.reason).toBe('Bad CSeq'))).toBeLessThan(500);
    expect(timed(`${head}Via: SIP/2.0/UDP h:${n}\r\n\r\n`, (m) => expect(!m.ok && m.reason).toBe('Bad Via'))).toBeLessThan(500);
    expect(timed(`${head}Via: SIP/2.0/UDP h\r\nMax-Forwards: ${n}\r\nl: ${n}\r\n\r\n`, (m) => expect(!m.ok && m.reason).toBe('Bad Content-Length'))).toBeLessThan(500);
  });

  it('64 KiB of CRLFs, of LWS in a Via, and of binary noise', () => {
    expect(timed('\r\n'.repeat(32768), (m) => expect(!m.ok && m.reason).toBe('Empty Message'))).toBeLessThan(500);
    expect(timed(`${head}Via: SIP/2.0/UDP${' '.repeat(65536)}h\r\n\r\n`, (m) => expect(m.ok).toBe(true))).toBeLessThan(500);
    const noise = Buffer.alloc(65536);
    const next = lcg(7);
    for (let i = 0; i < noise.length; i++) noise[i] = next() & 0xff;
    expect(timed(noise, (m) => expect(m.ok).toBe(false))).toBeLessThan(500);
  });

  it('a 64 KiB Request-URI with 32,768 parameters', () => {
    expect(timed(`INVITE sip:a@b${';x'.repeat(32768)} SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n`, (m) => expect(!m.ok && m.reason).toBe('Missing From'))).toBeLessThan(500);
  });
});
