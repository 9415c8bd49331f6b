// Messages the engine writes itself, straight into a caller's (pooled) Buffer: responses (RFC 3261
// §8.2.6, §18.2.2, RFC 3581 §4), the ACK for a non-2xx final response (§17.1.1.3), CANCEL (§9.1)
// and requests the box originates (§8.1.1). Strict output: canonical names, CRLF, Content-Length.
import { SP } from './chars';
import { H, type HeaderId } from './header-names';
import type { SipMessage } from './message';
import { planViaReceived, type ViaReceivedPlan } from './message-edits';
import { OutWriter } from './writer';

/** Max-Forwards of requests the box originates (RFC 3261 §8.1.1.6). */
export const MAX_FORWARDS_DEFAULT = 70;

export interface ResponseOptions {
  /** Added to To when it has no tag and the status is above 100 (§8.2.6.2). */
  toTag?: string;
  /** Whole header lines, each ending in CRLF. */
  extraHeaders?: string;
  body?: string | Buffer;
  contentType?: string;
  /** Writes the top Via with received/rport filled from the request's source (§18.2.1, RFC 3581 §4). */
  viaReceived?: { address: string; port: number };
}

const W = new OutWriter();
const PLAN: ViaReceivedPlan = { received: false, rport: false };

/**
 * Writes a response to req into out at off; returns the bytes written, or -1 when it does not fit
 * (nothing past out.length is written). Copies every Via value in order, From, To (plus the tag),
 * Call-ID, CSeq, and Timestamp in a 100 (§8.2.6.1). Works on the partial message of a
 * ParseFailure: a header that is missing there is left out.
 */
export function buildResponse(req: SipMessage, status: number, reason: string, out: Buffer, off: number, opts?: ResponseOptions): number {
  const w = W.reset(out, off);
  const h = req.headers;
  const buf = req.buf;
  w.str('SIP/2.0 ');
  w.uint(status);
  w.byte(SP);
  w.str(reason);
  w.crlf();
  const top = req.topVia;
  for (let i = h.find(H.Via); i >= 0; i = h.find(H.Via, i + 1)) {
    w.str('Via: ');
    const received = opts?.viaReceived;
    if (received !== undefined && h.lineStart(i) === top.lineStart) {
      w.collapsed(buf, h.valueStart(i), top.valueStart);
      writeViaWithReceived(w, req, received.address, received.port);
      w.collapsed(buf, top.valueEnd, h.valueEnd(i));
    } else {
      w.collapsed(buf, h.valueStart(i), h.valueEnd(i));
    }
    w.crlf();
  }
  copyFirst(w, req, H.From, 'From: ');
  const to = h.find(H.To);
  if (to >= 0) {
    w.str('To: ');
    w.collapsed(buf, h.valueStart(to), h.valueEnd(to));
    const tag = opts?.toTag;
    if (tag !== undefined && tag.length > 0 && status > 100 && req.to().valid && req.to().tag() === null) {
      w.str(';tag=');
      w.str(tag);
    }
    w.crlf();
  }
  copyFirst(w, req, H.CallId, 'Call-ID: ');
  copyFirst(w, req, H.CSeq, 'CSeq: ');
  if (status === 100) copyFirst(w, req, H.Timestamp, 'Timestamp: ');
  if (opts?.extraHeaders !== undefined) w.str(opts.extraHeaders);
  writeBody(w, opts?.body, opts?.contentType);
  return w.overflow ? -1 : w.pos - off;
}

/** The top Via value with ;rport=<port> filled and ;received=<address> added as RFC 3581 §4 says. */
function writeViaWithReceived(w: OutWriter, req: SipMessage, address: string, port: number): void {
  const via = req.topVia;
  const buf = req.buf;
  const plan = planViaReceived(via, address, port, PLAN);
  const dropReceived = plan.received && via.receivedStart >= 0;
  // Up to two spans to rewrite inside the value, taken in byte order.
  const rportFirst = !dropReceived || (plan.rport && via.rportStart < via.receivedStart);
  let cursor = via.valueStart;
  for (let k = 0; k < 2; k++) {
    const doRport = (k === 0) === rportFirst;
    if (doRport && plan.rport) {
      w.collapsed(buf, cursor, via.rportStart);
      w.str(';rport=');
      w.uint(port);
      cursor = via.rportEnd;
    } else if (!doRport && dropReceived) {
      w.collapsed(buf, cursor, via.receivedStart);
      cursor = via.receivedEnd;
    }
  }
  w.collapsed(buf, cursor, via.valueEnd);
  if (plan.received) {
    w.str(';received=');
    w.str(address);
  }
}

/**
 * The ACK for a non-2xx final response (§17.1.1.3): Request-URI and top Via of the INVITE as it
 * was sent, its Route headers, its From, Call-ID and CSeq number; To of the response.
 */
export function buildAckForNon2xx(invite: SipMessage, res: SipMessage, out: Buffer, off: number): number {
  return buildHopByHop('ACK', invite, res, out, off);
}

/**
 * CANCEL for an INVITE the box sent (§9.1): same Request-URI, Call-ID, To, From and CSeq number,
 * a single Via equal to the INVITE's top Via, and the INVITE's Route headers.
 */
export function buildCancel(invite: SipMessage, out: Buffer, off: number): number {
  return buildHopByHop('CANCEL', invite, invite, out, off);
}

/** The two hop-by-hop requests built from an INVITE: they differ only in method and whose To. */
function buildHopByHop(method: 'ACK' | 'CANCEL', invite: SipMessage, toFrom: SipMessage, out: Buffer, off: number): number {
  const w = W.reset(out, off);
  writeRequestLine(w, method, invite);
  writeTopViaAndRoutes(w, invite);
  copyFirst(w, invite, H.From, 'From: ');
  copyFirst(w, toFrom, H.To, 'To: ');
  copyFirst(w, invite, H.CallId, 'Call-ID: ');
  writeCSeq(w, invite.cseq().seq, method);
  writeBody(w, undefined, undefined);
  return w.overflow ? -1 : w.pos - off;
}

/** A request originated by the box (e.g. an OPTIONS keep-alive); values are header values as text. */
export interface RequestSpec {
  method: string;
  ruri: string;
  /** The Via value, e.g. 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK...;rport'. */
  via: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  maxForwards?: number;
  /** Route values in order, one Route line each. */
  routes?: readonly string[];
  contact?: string;
  /** Whole header lines, each ending in CRLF. */
  extraHeaders?: string;
  body?: string | Buffer;
  contentType?: string;
}

/** Writes a request (§8.1.1); returns bytes written or -1 when it does not fit. */
export function buildRequest(spec: RequestSpec, out: Buffer, off: number): number {
  const w = W.reset(out, off);
  w.str(spec.method);
  w.byte(SP);
  w.str(spec.ruri);
  w.str(' SIP/2.0\r\n');
  line(w, 'Via: ', spec.via);
  w.str('Max-Forwards: ');
  w.uint(spec.maxForwards ?? MAX_FORWARDS_DEFAULT);
  w.crlf();
  if (spec.routes !== undefined) for (const r of spec.routes) line(w, 'Route: ', r);
  line(w, 'From: ', spec.from);
  line(w, 'To: ', spec.to);
  line(w, 'Call-ID: ', spec.callId);
  writeCSeq(w, spec.cseq, spec.method);
  if (spec.contact !== undefined) line(w, 'Contact: ', spec.contact);
  if (spec.extraHeaders !== undefined) w.str(spec.extraHeaders);
  writeBody(w, spec.body, spec.contentType);
  return w.overflow ? -1 : w.pos - off;
}

function line(w: OutWriter, name: string, value: string): void {
  w.str(name);
  w.str(value);
  w.crlf();
}

function writeRequestLine(w: OutWriter, method: string, invite: SipMessage): void {
  w.str(method);
  w.byte(SP);
  w.bytes(invite.buf, invite.ruriStart, invite.ruriEnd);
  w.str(' SIP/2.0\r\n');
}

function writeTopViaAndRoutes(w: OutWriter, invite: SipMessage): void {
  w.str('Via: ');
  w.collapsed(invite.buf, invite.topVia.valueStart, invite.topVia.valueEnd);
  w.crlf();
  w.str('Max-Forwards: ');
  w.uint(MAX_FORWARDS_DEFAULT);
  w.crlf();
  const h = invite.headers;
  for (let i = h.find(H.Route); i >= 0; i = h.find(H.Route, i + 1)) {
    w.str('Route: ');
    w.collapsed(invite.buf, h.valueStart(i), h.valueEnd(i));
    w.crlf();
  }
}

function writeCSeq(w: OutWriter, seq: number, method: string): void {
  w.str('CSeq: ');
  w.uint(seq);
  w.byte(SP);
  w.str(method);
  w.crlf();
}

/** Copies the first field with this id under its canonical name; nothing when absent. */
function copyFirst(w: OutWriter, msg: SipMessage, id: HeaderId, name: string): void {
  const i = msg.headers.find(id);
  if (i < 0) return;
  w.str(name);
  w.collapsed(msg.buf, msg.headers.valueStart(i), msg.headers.valueEnd(i));
  w.crlf();
}

function writeBody(w: OutWriter, body: string | Buffer | undefined, contentType: string | undefined): void {
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (contentType !== undefined && length > 0) line(w, 'Content-Type: ', contentType);
  w.str('Content-Length: ');
  w.uint(length);
  w.str('\r\n\r\n');
  if (body === undefined || length === 0) return;
  if (typeof body === 'string') w.str(body);
  else w.bytes(body, 0, body.length);
}
