// responseTarget: RFC 3261 18.2.2 (with 18.2.1's received rule) and RFC 3581 §4 (rport).
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../firmware/src/engine/sip/message';
import type { Endpoint } from '../../../../firmware/src/engine/transport/index';
import { responseTarget } from '../../../../firmware/src/engine/transport/response-target';

function topVia(via: string) {
  const text = `OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\nVia: ${via}\r\nTo: <sip:bob@biloxi.example.com>\r\n` +
    'From: <sip:alice@atlanta.example.com>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
  const buf = Buffer.from(text, 'latin1');
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error('test message does not parse');
  return m.topVia;
}

const UDP_SRC: Endpoint = { proto: 'udp', address: '198.51.100.7', port: 40000, connId: 0 };
const TCP_SRC: Endpoint = { proto: 'tcp', address: '198.51.100.7', port: 50123, connId: 17 };

describe('responseTarget', () => {
  it('rport: back to the source address and source port (RFC 3581 §4)', () => {
    expect(responseTarget(topVia('SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1;rport'), UDP_SRC))
      .toEqual({ proto: 'udp', address: '198.51.100.7', port: 40000, connId: 0 });
  });

  it('received present: that address with the sent-by port (RFC 3261 18.2.2)', () => {
    expect(responseTarget(topVia('SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bK1;received=192.0.2.44'), UDP_SRC))
      .toEqual({ proto: 'udp', address: '192.0.2.44', port: 5070, connId: 0 });
  });

  it('sent-by differs from the source: the source address (18.2.1 received), sent-by port defaulting to 5060', () => {
    expect(responseTarget(topVia('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1'), UDP_SRC))
      .toEqual({ proto: 'udp', address: '198.51.100.7', port: 5060, connId: 0 });
  });

  it('sent-by equal to the source: sent-by host and port (18.2.2)', () => {
    const src = { ...UDP_SRC, port: 5062 };
    expect(responseTarget(topVia('SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK1'), src))
      .toEqual({ proto: 'udp', address: '198.51.100.7', port: 5062, connId: 0 });
  });

  it('reliable: the same connection; sent-by port for a reconnect (18.2.2), 5061 default for TLS', () => {
    expect(responseTarget(topVia('SIP/2.0/TCP client.atlanta.example.com:5090;branch=z9hG4bK1'), TCP_SRC))
      .toEqual({ proto: 'tcp', address: '198.51.100.7', port: 5090, connId: 17 });
    const tls = { ...TCP_SRC, proto: 'tls' as const };
    expect(responseTarget(topVia('SIP/2.0/TLS client.atlanta.example.com;branch=z9hG4bK1'), tls))
      .toEqual({ proto: 'tls', address: '198.51.100.7', port: 5061, connId: 17 });
  });

  it('reliable with rport: the connection, and its source port for a reconnect (RFC 3581 §4)', () => {
    expect(responseTarget(topVia('SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK1;rport'), TCP_SRC))
      .toEqual({ proto: 'tcp', address: '198.51.100.7', port: 50123, connId: 17 });
  });

  it('received with an IPv6 address: used without brackets', () => {
    const src: Endpoint = { proto: 'udp', address: '2001:db8::9', port: 5060, connId: 0 };
    expect(responseTarget(topVia('SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1;received=[2001:db8::9]'), src))
      .toEqual({ proto: 'udp', address: '2001:db8::9', port: 5060, connId: 0 });
  });
});
