// Via values (RFC 3261 §20.42, §25.1; RFC 3581) parsed by parseVia.
import { describe, expect, it } from 'vitest';
import { parseVia, type Via } from '../../../../firmware/src/engine/sip/headers/via';

const PLACE = { lineStart: 0, lineEnd: 0, onlyValueOnLine: true, removeStart: 0, removeEnd: 0 };

function via(text: string): Via | null {
  const b = Buffer.from(text, 'latin1');
  return parseVia(b, 0, b.length, PLACE);
}

function at(text: string, s: number, e: number): string {
  return text.slice(s, e);
}

describe('parseVia', () => {
  it('reads transport, host, port and branch', () => {
    const v = via('SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds');
    expect([v?.transport, v?.host, v?.port, v?.branch, v?.received, v?.rport, v?.hostIsIPv6]).toEqual([
      'UDP', 'pc33.atlanta.example.com', 5066, 'z9hG4bK776asdhds', null, -1, false,
    ]);
  });

  it('upper-cases the transport, interning the known ones', () => {
    expect(via('SIP/2.0/tcp h')?.transport).toBe('TCP');
    expect(via('SIP/2.0/ws h')?.transport).toBe('WS');
    expect(via('SIP/2.0/Wss h')?.transport).toBe('WSS');
    expect(via('SIP/2.0/sctp h')?.transport).toBe('SCTP');
    expect(via('SIP/2.0/x-future h')?.transport).toBe('X-FUTURE');
  });

  it('reads an IPv6 sent-by without brackets', () => {
    const v = via('SIP/2.0/TLS [2001:db8::7]:5061;branch=z9hG4bKx');
    expect([v?.host, v?.port, v?.hostIsIPv6]).toEqual(['2001:db8::7', 5061, true]);
  });

  it('reads rport as -1 absent, 0 flag, or its value, with its offsets (RFC 3581 4)', () => {
    const text = 'SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bKa';
    const v = via(text);
    expect(v?.rport).toBe(0);
    expect(at(text, v?.rportStart ?? 0, v?.rportEnd ?? 0)).toBe(';rport');
    const t2 = 'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;rport=5070;received=192.0.2.7';
    const v2 = via(t2);
    expect([v2?.rport, v2?.received]).toEqual([5070, '192.0.2.7']);
    expect(at(t2, v2?.rportStart ?? 0, v2?.rportEnd ?? 0)).toBe(';rport=5070');
    expect(at(t2, v2?.receivedStart ?? 0, v2?.receivedEnd ?? 0)).toBe(';received=192.0.2.7');
    expect(via('SIP/2.0/UDP h')?.rportStart).toBe(-1);
  });

  it('allows SWS around / : ; = (RFC 3261 25.1, RFC 4475 3.1.1.1)', () => {
    const v = via('SIP / 2.0 / UDP   host.example.com : 5060 ;\r\n  branch = z9hG4bKq ; rport');
    expect([v?.transport, v?.host, v?.port, v?.branch, v?.rport]).toEqual(['UDP', 'host.example.com', 5060, 'z9hG4bKq', 0]);
  });

  it('gives other parameters, quoted values unquoted', () => {
    const v = via('SIP/2.0/UDP h;maddr=224.2.0.1;ttl=16;x-note="a;b,c"');
    expect(v?.param('MADDR')).toBe('224.2.0.1');
    expect(v?.param('ttl')).toBe('16');
    expect(v?.param('x-note')).toBe('a;b,c');
    expect(v?.param('absent')).toBeUndefined();
  });

  it('accepts received with an unbracketed IPv6 address (RFC 3261 20.42 grammar)', () => {
    expect(via('SIP/2.0/UDP h;received=2001:db8::9')?.received).toBe('2001:db8::9');
  });

  it('marks the value bytes and the end of its parameters', () => {
    const text = 'SIP/2.0/UDP h;branch=z9hG4bKb';
    const v = via(text);
    expect([v?.valueStart, v?.valueEnd, v?.paramsEnd]).toEqual([0, text.length, text.length]);
  });

  it('refuses malformed values', () => {
    for (const t of [
      '', 'SIP', 'SIP/2.0', 'SIP/2.0/', 'SIP/2.0/UDP', 'SIP/2.0/UDPhost', 'SIP/2.0/UDP ;branch=x', 'SIP/2.0/UDP h:0', 'SIP/2.0/UDP h:65536',
      'SIP/2.0/UDP h:', 'SIP/2.0/UDP h;;', 'SIP/2.0/UDP h;branch', 'SIP/2.0/UDP h;received', 'SIP/2.0/UDP h;rport=99999',
      'SIP/2.0/UDP h garbage', 'SIP/2.0/UDP [::1', 'SIP/2.0/UDP []', 'SIP/2.0/UDP h;x="unterminated',
    ]) {
      expect(via(t), JSON.stringify(t)).toBeNull();
    }
  });
});
