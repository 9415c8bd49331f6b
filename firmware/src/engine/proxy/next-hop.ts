// Where a request goes next (RFC 3261 §16.6 step 7, §18.1.1 and, for IP literals, RFC 3263 §4):
// the host, port and transport of a URI. Names that need DNS are refused here until the RFC 3263
// resolver lands (engine/dns/); phones on a LAN register IP addresses.
import { ipFamily } from '../transport/address';
import type { SipUri } from '../sip/headers/uri';
import type { Endpoint, Proto } from '../transport/index';
import { SIP_PORT, SIPS_PORT } from '../transport/response-target';

export type HopResult = { ok: true; dest: Endpoint } | { ok: false; status: number; reason: string };

export function nextHop(uri: SipUri, available: (p: Proto) => boolean): HopResult {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return { ok: false, status: 416, reason: 'Unsupported URI Scheme' };
  const t = uri.transport()?.toLowerCase() ?? null;
  const proto: Proto = uri.scheme === 'sips' || t === 'tls' ? 'tls' : t === 'tcp' ? 'tcp' : 'udp';
  if (!available(proto)) return { ok: false, status: 503, reason: `No ${proto.toUpperCase()} Transport` };
  const host = uri.maddr() ?? uri.host;
  if (ipFamily(host) === 0) return { ok: false, status: 503, reason: 'Cannot Resolve Host' };
  const port = uri.port !== 0 ? uri.port : proto === 'tls' ? SIPS_PORT : SIP_PORT;
  return { ok: true, dest: { proto, address: host, port, connId: 0 } };
}
