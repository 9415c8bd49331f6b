// Where a response goes: RFC 3261 18.2.2 (sending responses) with 18.2.1's `received` rule and
// RFC 3581 §4 (rport). Multicast `maddr` (18.2.2 second case) is out of scope: we never answer
// to a multicast group, and a request carrying maddr is answered like any other.
import type { SipMessage } from '../sip/message';
import type { Endpoint } from './index';

export const SIP_PORT = 5060;
export const SIPS_PORT = 5061;

type TopVia = SipMessage['topVia'];

/**
 * The endpoint a response to a request with top Via `via`, received from `src`, is sent to.
 * - Reliable (TCP/TLS, 18.2.2 first case): the connection the request came on (`src.connId`);
 *   should it be gone, the transport reconnects to the source address and the sent-by port
 *   (the source port when rport is present, RFC 3581 §4).
 * - rport present (RFC 3581 §4): the source address and the source port.
 * - `received` (18.2.2 third case): that address, with the sent-by port (default 5060, 5061 for
 *   TLS). 18.2.1 makes the server add `received` whenever sent-by is not the source address, so
 *   the source address is used then too: no DNS lookup of a sent-by name is ever needed.
 * - Otherwise the sent-by host and port (which then equals the source address).
 * The reply goes out over the transport the request came in on (src.proto), not the one named in
 * the Via: it is the only one known to reach the sender.
 */
export function responseTarget(via: TopVia, src: Endpoint): Endpoint {
  if (via.rport >= 0) {
    // RFC 3581 §4: the source address and port, whatever the transport.
    return { proto: src.proto, address: src.address, port: src.port, connId: src.connId };
  }
  const port = via.port > 0 ? via.port : defaultPort(via.transport);
  // Reliable: src.address is the connection's peer. Unreliable: a `received` already in the
  // message wins (18.2.2); without one, 18.2.1 would add received = source address.
  const address =
    src.proto === 'udp' && via.received !== null && via.received.length > 0
      ? stripBrackets(via.received)
      : src.address;
  return { proto: src.proto, address, port, connId: src.connId };
}

/** 18.2.2 / 19.1.2: 5061 for TLS, 5060 otherwise (the parser upper-cases the transport). */
function defaultPort(transport: string): number {
  return transport === 'TLS' ? SIPS_PORT : SIP_PORT;
}

/** Endpoint addresses carry IPv6 without brackets; a Via `received` may be written with them. */
function stripBrackets(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b /* [ */ && host.charCodeAt(host.length - 1) === 0x5d
    ? host.slice(1, -1)
    : host;
}
