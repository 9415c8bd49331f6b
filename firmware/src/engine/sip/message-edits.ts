// The edits a proxy makes to a message it forwards or answers (RFC 3261 §16.6, §16.7, §18.2.1,
// RFC 3581 §4), expressed as EditList operations on the received bytes.
import type { EditList } from './edits';
import { H } from './header-names';
import type { Via } from './headers/via';
import type { SipMessage } from './message';

/** Inserts 'Via: <viaValue>' as the first header line (§16.6 step 8). */
export function addTopVia(e: EditList, msg: SipMessage, viaValue: string): void {
  e.insert(msg.headersStart, 'Via: ');
  e.insert(msg.headersStart, viaValue);
  e.insert(msg.headersStart, '\r\n');
}

/** Removes the top Via value: its whole line, or just it (and a comma) on a multi-value line (§16.7 step 3). */
export function removeTopVia(e: EditList, msg: SipMessage): void {
  e.delete(msg.topVia.removeStart, msg.topVia.removeEnd);
}

/** What the server adds to a Via it received from srcAddress:srcPort (RFC 3261 §18.2.1, RFC 3581 §4). */
export interface ViaReceivedPlan {
  /** Write ';received=<address>' (replacing an existing received parameter). */
  received: boolean;
  /** Write ';rport=<port>' in place of the rport parameter. */
  rport: boolean;
}

/**
 * received is added when the sent-by host differs from the source address, and always when the
 * Via has rport (RFC 3581 §4); rport gets the source port when present.
 */
export function planViaReceived(via: Via, srcAddress: string, srcPort: number, out: ViaReceivedPlan): ViaReceivedPlan {
  out.rport = via.rport >= 0 && via.rport !== srcPort;
  const differs = !sameAddress(via.host, srcAddress);
  out.received = (differs || via.rport >= 0) && !(via.received !== null && sameAddress(via.received, srcAddress));
  return out;
}

const PLAN: ViaReceivedPlan = { received: false, rport: false };

/** Adds received/rport to the top Via of a received request; returns whether it changed anything. */
export function addViaReceived(e: EditList, msg: SipMessage, srcAddress: string, srcPort: number): boolean {
  const via = msg.topVia;
  const plan = planViaReceived(via, srcAddress, srcPort, PLAN);
  if (plan.rport) {
    e.replace(via.rportStart, via.rportEnd, ';rport=');
    e.insert(via.rportEnd, String(srcPort));
  }
  if (plan.received) {
    if (via.receivedStart >= 0) e.delete(via.receivedStart, via.receivedEnd);
    e.insert(via.paramsEnd, ';received=');
    e.insert(via.paramsEnd, srcAddress);
  }
  return plan.rport || plan.received;
}

/**
 * Whether a Via host and a source address name the same IP: case-insensitive (IPv6 hex), and an
 * IPv4-mapped IPv6 source (::ffff:a.b.c.d, dual-stack sockets) equals its IPv4 address.
 */
export function sameAddress(host: string, address: string): boolean {
  if (host.length === address.length) return host.toLowerCase() === address.toLowerCase();
  const mapped = '::ffff:';
  if (address.length === host.length + mapped.length && address.toLowerCase().startsWith(mapped)) {
    return address.endsWith(host);
  }
  return false;
}

/** Replaces the Request-URI (§16.6 step 2, §16.12 strict routing). */
export function setRequestUri(e: EditList, msg: SipMessage, uri: string): void {
  if (!msg.isRequest) throw new RangeError('setRequestUri on a response');
  e.replace(msg.ruriStart, msg.ruriEnd, uri);
}

/** Sets Max-Forwards to n, replacing the value or adding the header (§16.6 step 3). */
export function setMaxForwards(e: EditList, msg: SipMessage, n: number): void {
  const i = msg.headers.find(H.MaxForwards);
  if (i >= 0) e.replace(msg.headers.valueStart(i), msg.headers.valueEnd(i), String(n));
  else insertHeader(e, msg, `Max-Forwards: ${n}`);
}

/** Removes the first Route value (loose routing, §16.4); false when there is none. */
export function removeFirstRoute(e: EditList, msg: SipMessage): boolean {
  const routes = msg.routes();
  if (routes.length === 0) return false;
  e.delete(routes[0].removeStart, routes[0].removeEnd);
  return true;
}

/**
 * Inserts a header line (given without its CRLF) at the top of the headers, or after the last
 * Via line. Several inserts at one place come out in the order they were made.
 */
export function insertHeader(e: EditList, msg: SipMessage, line: string, where: 'top' | 'afterVias' = 'top'): void {
  let at = msg.headersStart;
  if (where === 'afterVias') {
    for (let i = msg.headers.find(H.Via); i >= 0; i = msg.headers.find(H.Via, i + 1)) at = msg.headers.lineEnd(i);
  }
  e.insert(at, line);
  e.insert(at, '\r\n');
}

/** Replaces the body and sets Content-Length (and Content-Type when given) to match. */
export function replaceBody(e: EditList, msg: SipMessage, body: string | Buffer, contentType?: string): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  setHeaderValue(e, msg, H.ContentLength, 'Content-Length', String(length));
  if (contentType !== undefined) setHeaderValue(e, msg, H.ContentType, 'Content-Type', contentType);
  // A message that ended without its empty line gets one before the new body.
  if (msg.bodyStart === msg.headersEnd) e.insert(msg.headersEnd, '\r\n');
  e.replace(msg.bodyStart, msg.bodyEnd, body);
}

function setHeaderValue(e: EditList, msg: SipMessage, id: typeof H.ContentLength | typeof H.ContentType, name: string, value: string): void {
  const i = msg.headers.find(id);
  if (i >= 0) {
    e.replace(msg.headers.valueStart(i), msg.headers.valueEnd(i), value);
    return;
  }
  e.insert(msg.headersEnd, name);
  e.insert(msg.headersEnd, ': ');
  e.insert(msg.headersEnd, value);
  e.insert(msg.headersEnd, '\r\n');
}
