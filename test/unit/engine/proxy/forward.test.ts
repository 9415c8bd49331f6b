// The request a proxy sends on (RFC 3261 16.6), built as edits over the received bytes and
// checked as text written by hand.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../../firmware/src/engine/alloc/pool';
import { buildForwarded, type ForwardSpec } from '../../../../firmware/src/engine/proxy/forward';
import { localIdentity } from '../../../../firmware/src/engine/proxy/myself';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';

const me = localIdentity({ bind: '192.0.2.1', port: 5060 });
const pool = new BufferPool({ debug: true });

function msg(lines: string[]): SipMessage {
  const b = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  const m = parseMessage(b, 0, b.length);
  if (!m.ok) throw new Error(m.reason);
  return m;
}

const spec = (over: Partial<ForwardSpec> = {}): ForwardSpec => ({
  ruri: null, pushRoutes: [], recordRoute: false, src: { proto: 'udp', address: '192.0.2.10', port: 5062, connId: 0 },
  outProto: 'udp', branch: 'z9hG4bKout1', extraHeaders: '', dropRoutes: 0, ...over,
});

function forwarded(m: SipMessage, s: ForwardSpec): string {
  const f = buildForwarded(m, s, me, pool)!;
  const text = f.chunk.buf.toString('latin1', 0, f.len);
  pool.release(f.chunk);
  return text;
}

const invite = [
  'INVITE sip:1002@192.0.2.1 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKin1;rport',
  'Max-Forwards: 70',
  'From: <sip:1001@192.0.2.1>;tag=a',
  'To: <sip:1002@192.0.2.1>',
  'Call-ID: fwd@test',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
];

describe('forwarding a request (RFC 3261 16.6)', () => {
  it('rewrites the Request-URI, decrements Max-Forwards, adds our Via and Record-Route, fills rport and received (RFC 3581 4)', () => {
    const out = forwarded(msg(invite), spec({ ruri: 'sip:1002@192.0.2.21:5060', recordRoute: true }));
    expect(out).toBe([
      'INVITE sip:1002@192.0.2.21:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKout1',
      'Record-Route: <sip:192.0.2.1:5060;lr>',
      'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKin1;rport=5062;received=192.0.2.10',
      'Max-Forwards: 69',
      'From: <sip:1001@192.0.2.1>;tag=a',
      'To: <sip:1002@192.0.2.1>',
      'Call-ID: fwd@test',
      'CSeq: 1 INVITE',
      'Content-Length: 0',
      '', '',
    ].join('\r\n'));
  });

  it('record-routes twice when the transport changes, the upper entry facing the next hop (RFC 5658)', () => {
    const out = forwarded(msg(invite), spec({ recordRoute: true, outProto: 'tcp', src: { proto: 'udp', address: '192.0.2.10', port: 5062, connId: 0 } }));
    expect(out).toContain('\r\nRecord-Route: <sip:192.0.2.1:5060;transport=tcp;lr>\r\nRecord-Route: <sip:192.0.2.1:5060;lr>\r\n');
    expect(out).toContain('\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKout1\r\n');
  });

  it('removes both of our Route entries when they share one header line', () => {
    const bye = msg([
      'BYE sip:1002@192.0.2.21:5060 SIP/2.0',
      'Via: SIP/2.0/TCP 192.0.2.10:5062;branch=z9hG4bKb1',
      'Route: <sip:192.0.2.1:5060;transport=tcp;lr>, <sip:192.0.2.1:5060;lr>',
      'Max-Forwards: 70', 'From: <sip:1001@192.0.2.1>;tag=a', 'To: <sip:1002@192.0.2.1>;tag=b', 'Call-ID: fwd@test', 'CSeq: 2 BYE', 'Content-Length: 0',
    ]);
    const out = forwarded(bye, spec({ dropRoutes: 2 }));
    expect(out).not.toMatch(/Route:/);
    expect(out).toMatch(/^BYE sip:1002@192\.0\.2\.21:5060 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 192\.0\.2\.1:5060;branch=z9hG4bKout1\r\n/);
  });

  it('keeps the Route values after ours, on the same line and on later lines', () => {
    const bye = msg([
      'BYE sip:1002@192.0.2.21:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKb2',
      'Route: <sip:192.0.2.1:5060;lr>, <sip:198.51.100.7;lr>',
      'Route: <sip:198.51.100.8;lr>',
      'Max-Forwards: 70', 'From: <sip:1001@192.0.2.1>;tag=a', 'To: <sip:1002@192.0.2.1>;tag=b', 'Call-ID: fwd@test', 'CSeq: 3 BYE', 'Content-Length: 0',
    ]);
    const out = forwarded(bye, spec({ dropRoutes: 1 }));
    expect(out).toContain('\r\nRoute: <sip:198.51.100.7;lr>\r\nRoute: <sip:198.51.100.8;lr>\r\n');
  });

  it('pushes Path routes on top and adds a missing Content-Length', () => {
    const noCl = msg(invite.filter((l) => !l.startsWith('Content-Length')));
    const out = forwarded(noCl, spec({ pushRoutes: ['<sip:edge.example;lr>'] }));
    expect(out).toContain('\r\nRoute: <sip:edge.example;lr>\r\n');
    expect(out).toContain('\r\nContent-Length: 0\r\n');
  });
});
