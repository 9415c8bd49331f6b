// Builds the copy of a request that a proxy sends on (RFC 3261 §16.6 steps 1-9): new Request-URI,
// Max-Forwards decremented, Record-Route added (two when the transport changes, RFC 5658), Routes
// pushed (RFC 3327 Path), our Via on top, received/rport on the previous hop's Via (§18.2.1) — as
// edits over the received bytes, applied once into a pooled buffer and parsed back for the
// transaction (which needs a view of what it sends: ACK and CANCEL are built from it).
import type { BufferPool, Chunk } from '../alloc/pool';
import { EditList } from '../sip/edits';
import { H } from '../sip/header-names';
import { parseUri, type SipUri } from '../sip/headers/uri';
import { parseMessage, type SipMessage } from '../sip/message';
import { headerSectionClean } from '../sip/wire-check';
import { addTopVia, addViaReceived, insertHeader, setMaxForwards, setRequestUri } from '../sip/message-edits';
import type { Endpoint, Proto } from '../transport/index';
import type { LocalIdentity } from './myself';

/** RFC 3261 §16.6 step 3: a request without Max-Forwards gets this. */
export const DEFAULT_MAX_FORWARDS = 70;

export interface ForwardSpec {
  /** New Request-URI (a registered contact); null keeps it. */
  ruri: string | null;
  /** Route values pushed on top, in order (RFC 3327 Path of the binding, an outbound proxy). */
  pushRoutes: readonly string[];
  recordRoute: boolean;
  /** Where the request came from and where it goes: two Record-Routes when the protocols differ. */
  src: Endpoint;
  outProto: Proto;
  branch: string;
  /** Whole header lines (CRLF-terminated) to add, e.g. from a branch route. */
  extraHeaders: string;
  /** Leading Route values that name us (loose routing, §16.4): one, or two when we
   *  record-routed twice (RFC 5658). They are removed. */
  dropRoutes: number;
}

export interface Forwarded {
  chunk: Chunk;
  len: number;
  msg: SipMessage;
}

const EDITS = new EditList();

export function uriOf(text: string): SipUri {
  const b = Buffer.from(text, 'latin1');
  return parseUri(b, 0, b.length);
}

/** Record-Route / Via value of ours for one protocol. */
export function recordRouteUri(me: LocalIdentity, proto: Proto): string {
  return `<sip:${me.sentBy}${proto === 'udp' ? '' : `;transport=${proto}`};lr>`;
}

/**
 * Removes the first n Route values. A line whose values all go is deleted whole; leading values
 * of a line that keeps others are cut up to the first kept one (removing each value on its own
 * would overlap at the commas).
 */
function dropLeadingRoutes(e: EditList, req: SipMessage, n: number): void {
  const routes = req.routes();
  let i = 0;
  while (i < n && i < routes.length) {
    let j = i;
    while (j < routes.length && routes[j].lineStart === routes[i].lineStart) j++;
    if (n >= j) {
      e.delete(routes[i].lineStart, routes[i].lineEnd);
      i = j;
    } else {
      e.delete(routes[i].start, routes[n].start);
      return;
    }
  }
}

export function buildForwarded(req: SipMessage, spec: ForwardSpec, me: LocalIdentity, pool: BufferPool): Forwarded | null {
  const e = EDITS;
  e.reset(req);
  // Our Via first: inserts at one offset come out in the order made, and proxies look at the top.
  addTopVia(e, req, `SIP/2.0/${spec.outProto.toUpperCase()} ${me.sentBy};branch=${spec.branch}`);
  addViaReceived(e, req, spec.src.address, spec.src.port);
  if (spec.dropRoutes > 0) dropLeadingRoutes(e, req, spec.dropRoutes);
  if (spec.ruri !== null) setRequestUri(e, req, spec.ruri);
  const mf = req.maxForwards();
  setMaxForwards(e, req, mf >= 0 ? mf - 1 : DEFAULT_MAX_FORWARDS);
  if (spec.recordRoute) {
    // RFC 5658: the upper one faces the next hop, the lower one the previous hop.
    insertHeader(e, req, `Record-Route: ${recordRouteUri(me, spec.outProto)}`);
    if (spec.src.proto !== spec.outProto) insertHeader(e, req, `Record-Route: ${recordRouteUri(me, spec.src.proto)}`);
  }
  for (const r of spec.pushRoutes) insertHeader(e, req, `Route: ${r}`);
  if (spec.extraHeaders.length > 0) {
    for (const line of spec.extraHeaders.split('\r\n')) if (line.length > 0) insertHeader(e, req, line);
  }
  // §18.3: a stream needs Content-Length; a UDP request may have come without one.
  if (req.headers.find(H.ContentLength) < 0) insertHeader(e, req, `Content-Length: ${req.bodyEnd - req.bodyStart}`, 'afterVias');
  // A UDP request that ended without its empty line (tolerated on receipt) gets one: on a stream
  // the next message would otherwise be read as more of its headers.
  if (req.bodyStart === req.headersEnd) e.insert(req.headersEnd, '\r\n');
  // Bytes after the body (a UDP datagram longer than its Content-Length) are not passed on.
  if (req.bodyEnd < req.end) e.delete(req.bodyEnd, req.end);
  const len = e.resultLength();
  const chunk = pool.acquire(len);
  const n = e.apply(chunk.buf, 0);
  const msg = headerSectionClean(chunk.buf, 0, n) ? parseMessage(chunk.buf, 0, n, { stream: true }) : null;
  if (msg === null || msg.ok === false) {
    pool.release(chunk);
    return null;
  }
  return { chunk, len: n, msg };
}
