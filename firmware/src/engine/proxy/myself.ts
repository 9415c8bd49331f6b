// Who the box is on the wire: the addresses and port written into Via and Record-Route, and the
// "myself" test of RFC 3261 §16.4 (is this Route / Request-URI one of ours?).
import { networkInterfaces } from 'node:os';
import type { SipUri } from '../sip/headers/uri';

export interface LocalIdentity {
  /** Host written in our Via and Record-Route (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** sent-by text: `host:port`, IPv6 in brackets. */
  readonly sentBy: string;
  /** Whether host:port (port 0 = absent, the scheme's default) names this box. */
  isMyself(host: string, port: number): boolean;
  isMyselfUri(uri: SipUri): boolean;
}

export interface IdentityOptions {
  /** The address the SIP sockets are bound to (0.0.0.0 / :: = all interfaces). */
  bind: string;
  port: number;
  /** Extra names the box answers to (its SIP domain, host name). */
  domains?: readonly string[];
}

const isWildcard = (a: string): boolean => a === '0.0.0.0' || a === '::';

/** Local interface addresses, used when bound to all of them. */
function interfaceAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
  return out;
}

export function localIdentity(o: IdentityOptions): LocalIdentity {
  const addresses = new Set<string>(isWildcard(o.bind) ? interfaceAddresses() : [o.bind]);
  for (const d of o.domains ?? []) addresses.add(d.toLowerCase());
  // Advertise the bound address; with a wildcard bind, the first external IPv4 (the LAN side).
  let host = o.bind;
  if (isWildcard(o.bind)) {
    const external = [...addresses].find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a) && !a.startsWith('127.'));
    host = external ?? '127.0.0.1';
  }
  const sentBy = host.includes(':') ? `[${host}]:${o.port}` : `${host}:${o.port}`;
  // An absent port matches too: phones often leave it out of the Request-URI even when the box
  // listens elsewhere than 5060; our own Record-Route and Via always carry it.
  const isMyself = (h: string, port: number): boolean => (port === 0 || port === o.port) && addresses.has(h.toLowerCase());
  return {
    host, port: o.port, sentBy, isMyself,
    isMyselfUri: (u) => (u.scheme === 'sip' || u.scheme === 'sips') && isMyself(u.maddr() ?? u.host, u.port),
  };
}
