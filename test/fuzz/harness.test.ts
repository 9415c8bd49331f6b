// The fuzz harness's own pieces, with hand-written expectations: the seeded PRNG replays, inputs
// are a pure function of (seed, index) and fit a datagram, no non-loopback address survives the
// guard, and the output oracle tells well-formed SIP (RFC 3261 §7, §20.14) from malformed.
import { describe, expect, it } from 'vitest';
import { inputAt, isTcpIndex } from './inputs';
import { defuseForeignAddresses } from './loopback-guard';
import { MAX_UDP_BYTES } from './mutate';
import { malformation, splitStream } from './oracle';
import { mulberry32, parseSeed, rngFor } from './prng';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const defused = (s: string): string => {
  const b = bytes(s);
  defuseForeignAddresses(b);
  return b.toString('latin1');
};

describe('seeded randomness (prng.ts)', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(first);
    expect(mulberry32(43).next()).not.toBe(first[0]);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it('gives each input index its own stream, independent of the ones before it', () => {
    expect(rngFor(7, 100).next()).toBe(rngFor(7, 100).next());
    expect(rngFor(7, 100).next()).not.toBe(rngFor(7, 101).next());
  });

  it('reads seeds in decimal and 0x hex and refuses anything else', () => {
    expect(parseSeed('24301', 1)).toBe(24301);
    expect(parseSeed('0x5eed', 1)).toBe(24301);
    expect(parseSeed(undefined, 9)).toBe(9);
    expect(() => parseSeed('banana', 1)).toThrow(/32-bit number/);
    expect(() => parseSeed('4294967296', 1)).toThrow(/32-bit number/);
  });
});

describe('fuzz inputs (inputs.ts)', () => {
  it('rebuilds input N of a seed byte for byte', () => {
    for (const i of [0, 6, 13, 500, 3499]) expect(inputAt(99, i).bytes.equals(inputAt(99, i).bytes)).toBe(true);
  });

  it('sends one input in seven over TCP and keeps UDP ones within a datagram', () => {
    expect([0, 5, 6, 13, 20].map(isTcpIndex)).toEqual([false, false, true, true, true]);
    for (let i = 0; i < 700; i++) {
      const x = inputAt(3, i);
      expect(x.proto).toBe(isTcpIndex(i) ? 'tcp' : 'udp');
      if (x.proto === 'udp') expect(x.bytes.length).toBeLessThanOrEqual(MAX_UDP_BYTES);
      for (const cut of x.cuts) expect(cut > 0 && cut < x.bytes.length).toBe(true);
    }
  });
});

describe('loopback guard (loopback-guard.ts)', () => {
  it('leaves loopback addresses as they are', () => {
    const text = 'Via: SIP/2.0/UDP 127.0.0.1:5060;received=127.3.2.1\r\nContact: <sip:a@[::1]:9>';
    expect(defused(text)).toBe(text);
  });

  it('defuses IPv4 literals elsewhere, keeping the length', () => {
    expect(defused('sip:a@10.0.0.1:5060')).toBe('sip:a@10-0-0-1:5060');
    expect(defused('received=107.0.0.1;x')).toBe('received=107-0-0-1;x');
    expect(defused('maddr=0.0.0.0')).toBe('maddr=0-0-0-0');
  });

  it('defuses IPv6 literals elsewhere, mapped and zoned ones too', () => {
    expect(defused('[2001:db8::1]:5060')).toBe('[2001-db8--1]:5060');
    expect(defused('::ffff:10.1.1.1')).toBe('--ffff-10-1-1-1');
    expect(defused('fe80::1%eth0')).toBe('fe80--1%eth0');
  });

  it('leaves what is no IP literal alone (the box never sends to a name)', () => {
    expect(defused('300.1.1.1 01.2.3.4 1.2.3 example.com')).toBe('300.1.1.1 01.2.3.4 1.2.3 example.com');
  });
});

describe('output oracle (oracle.ts)', () => {
  const ok = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\nCall-ID: a@b\r\nContent-Length: 4\r\n\r\nbody';

  it('accepts a well-formed response and request, leading zeros and folding included', () => {
    expect(malformation(bytes(ok))).toBeNull();
    expect(malformation(bytes(ok.replace('Length: 4', 'Length: 0004')))).toBeNull();
    expect(malformation(bytes(ok.replace('Length: 4', 'Length:\r\n 4')))).toBeNull();
    expect(malformation(bytes('OPTIONS sip:127.0.0.1 SIP/2.0\r\nl: 0\r\n\r\n'))).toBeNull();
  });

  it('names NUL, bare CR and bare LF in header lines', () => {
    expect(malformation(bytes(ok.replace('a@b', 'a\0b')))).toBe('NUL in header line 2');
    expect(malformation(bytes(ok.replace('a@b', 'a\rX: y')))).toMatch(/^bare CR in header line 2/);
    expect(malformation(bytes(ok.replace('a@b', 'a\nX: y')))).toMatch(/^bare LF in header line 2/);
  });

  it('names a Content-Length that does not count the body, and a missing empty line', () => {
    expect(malformation(bytes(ok.replace('Length: 4', 'Length: 5')))).toBe('Content-Length 5 but a body of 4 bytes');
    expect(malformation(bytes(ok.replace('Length: 4', 'Length: -4')))).toBe('Content-Length "-4"');
    expect(malformation(bytes('SIP/2.0 200 OK\r\nCall-ID: a'))).toBe('no empty line after the headers');
    expect(malformation(bytes(ok.replace('SIP/2.0 200', 'SIP/2.0 99')))).toMatch(/^bad start line/);
  });

  it('splits a TCP stream into whole messages by Content-Length and keeps the unfinished rest', () => {
    const { messages, rest } = splitStream(bytes(`${ok}\r\n\r\n${ok}SIP/2.0 180 Ringing\r\n`));
    expect(messages.map((m) => m.toString('latin1'))).toEqual([ok, ok]);
    expect(rest.toString('latin1')).toBe('SIP/2.0 180 Ringing\r\n');
  });
});
