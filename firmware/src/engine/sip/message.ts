// A received SIP message as a lazy view over its bytes (RFC 3261 §7, SER/Kamailio style): only the
// start line, the topmost Via and what validation needs are parsed up front; everything else on
// first use, then cached. Values are offsets into `buf`; strings are made only by the getters.
import { collapsedText, parseDecimal } from './chars';
import { H, headerIdFromString, isListHeader, type HeaderId } from './header-names';
import { parseAuth, type AuthValue } from './headers/auth';
import { parseContact, type Contact } from './headers/contact';
import { internMethod, parseCSeq, type CSeq } from './headers/cseq';
import { parseNameAddr, type NameAddr } from './headers/name-addr';
import { ValueSpan, forEachListValue, nextListValue, type ListPlace } from './headers/params';
import { containsLwsOrCtl, mandatoryHeaderProblem, parseTopVia, wholeLinePlace } from './message-checks';
import { UriSpan, emptyUri, parseUri, scanUri, type SipUri } from './headers/uri';
import { parseVia, type Via } from './headers/via';
import { ScanState, scanMessage, type HeaderIndex, type HeaderRef } from './scan';

/** What parseMessage found besides the scan (reused scratch, copied by the constructor). */
interface MessageParts {
  method: string;
  from: NameAddr | null;
  to: NameAddr | null;
  cseq: CSeq | null;
  callIdStart: number;
  callIdEnd: number;
  bodyEnd: number;
}

const NO_CSEQ: CSeq = { seq: 0, method: '' };
const SPAN = new ValueSpan();

export class SipMessage {
  readonly ok = true as const;
  readonly buf: Buffer;
  /** The message's own bytes: leading CRLFs skipped, bytes past Content-Length excluded. */
  readonly start: number;
  readonly end: number;
  readonly isRequest: boolean;
  /** Request method (shared string for known methods); for a response, the CSeq method. */
  readonly method: string;
  /** Status code of a response; 0 for requests. */
  readonly status: number;
  readonly ruriStart: number;
  readonly ruriEnd: number;
  /** Offset of the first header line (where a new top Via is inserted). */
  readonly headersStart: number;
  /** Offset of the empty line that ends the headers (its CRLF). */
  readonly headersEnd: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly topVia: Via;
  /** Every header field by offsets, in order. */
  readonly headers: HeaderIndex;

  private readonly reasonStart: number;
  private readonly reasonEnd: number;
  private readonly fromValue: NameAddr | null;
  private readonly toValue: NameAddr | null;
  private readonly cseqValue: CSeq;
  private readonly callIdStart: number;
  private readonly callIdEnd: number;
  private cachedRuri: SipUri | null = null;
  private cachedCallId: string | null = null;
  private cachedViaCount = -1;
  private cachedVias: readonly Via[] | null = null;
  private cachedContacts: readonly Contact[] | null = null;
  private cachedRoutes: readonly NameAddr[] | null = null;
  private cachedRecordRoutes: readonly NameAddr[] | null = null;
  private cachedMaxForwards = -2;
  private cachedExpires = -2;

  constructor(buf: Buffer, st: ScanState, index: HeaderIndex, topVia: Via, parts: MessageParts) {
    this.buf = buf;
    this.start = st.lineStart;
    this.end = parts.bodyEnd;
    this.isRequest = st.isRequest;
    this.method = parts.method;
    this.status = st.status;
    this.ruriStart = st.isRequest ? st.uriStart : st.lineStart;
    this.ruriEnd = st.isRequest ? st.uriEnd : st.lineStart;
    this.headersStart = st.headersStart;
    this.headersEnd = st.headersEnd;
    this.bodyStart = st.bodyStart;
    this.bodyEnd = parts.bodyEnd;
    this.topVia = topVia;
    this.headers = index;
    this.reasonStart = st.reasonStart;
    this.reasonEnd = st.reasonEnd;
    this.fromValue = parts.from;
    this.toValue = parts.to;
    this.cseqValue = parts.cseq ?? NO_CSEQ;
    this.callIdStart = parts.callIdStart;
    this.callIdEnd = parts.callIdEnd;
  }

  /** Reason phrase of a response (UTF-8, RFC 3261 §7.2); '' for requests. */
  reason(): string {
    return this.buf.toString('utf8', this.reasonStart, this.reasonEnd);
  }

  /** The Request-URI; never fails (an unknown scheme comes back as scheme 'other', host ''). */
  ruri(): SipUri {
    if (this.cachedRuri === null) {
      this.cachedRuri = this.isRequest
        ? parseUri(this.buf, this.ruriStart, this.ruriEnd)
        : emptyUri(this.buf, this.start);
    }
    return this.cachedRuri;
  }

  /** Number of Via values over all Via header fields (comma-separated values count). */
  viaCount(): number {
    if (this.cachedViaCount < 0) {
      let n = 0;
      const h = this.headers;
      for (let i = h.find(H.Via); i >= 0; i = h.find(H.Via, i + 1)) {
        let pos = h.valueStart(i);
        const ve = h.valueEnd(i);
        while ((pos = nextListValue(this.buf, pos, ve, SPAN)) >= 0) n++;
      }
      this.cachedViaCount = n;
    }
    return this.cachedViaCount;
  }

  /** Every Via value, parsed, in order; stops before the first malformed one. */
  vias(): readonly Via[] {
    if (this.cachedVias === null) {
      const out: Via[] = [];
      let ok = true;
      const h = this.headers;
      for (let i = h.find(H.Via); i >= 0 && ok; i = h.find(H.Via, i + 1)) {
        forEachListValue(this.buf, h.valueStart(i), h.valueEnd(i), h.lineStart(i), h.lineEnd(i), (s, e, place) => {
          const v = parseVia(this.buf, s, e, place);
          if (v === null) ok = false;
          else out.push(v);
          return ok;
        });
      }
      this.cachedVias = out;
    }
    return this.cachedVias;
  }

  callId(): string {
    if (this.cachedCallId === null) this.cachedCallId = this.buf.toString('latin1', this.callIdStart, this.callIdEnd);
    return this.cachedCallId;
  }

  cseq(): CSeq {
    return this.cseqValue;
  }

  /** From; on a partial message (ParseFailure) it may be missing: then valid is false. */
  from(): NameAddr {
    return this.fromValue ?? this.absent();
  }

  to(): NameAddr {
    return this.toValue ?? this.absent();
  }

  hasToTag(): boolean {
    return this.to().tag() !== null;
  }

  /** Max-Forwards (0..255); -1 when absent or out of range (treated as absent, RFC 4475 §3.1.2.4). */
  maxForwards(): number {
    if (this.cachedMaxForwards === -2) this.cachedMaxForwards = this.headerNumber(H.MaxForwards, 255);
    return this.cachedMaxForwards;
  }

  /** Expires in seconds; -1 when absent or out of range (> 2**32-1, RFC 4475 §3.1.2.4). */
  expires(): number {
    if (this.cachedExpires === -2) this.cachedExpires = this.headerNumber(H.Expires, 0xffffffff);
    return this.cachedExpires;
  }

  /** Every Contact value of every Contact field, in order (malformed ones have valid false). */
  contacts(): readonly Contact[] {
    if (this.cachedContacts === null) {
      const out: Contact[] = [];
      this.eachValue(H.Contact, (s, e, place) => out.push(parseContact(this.buf, s, e, place)));
      this.cachedContacts = out;
    }
    return this.cachedContacts;
  }

  /** Every Route value, in order, with the offsets to remove one (RFC 3261 §16.4, §16.12). */
  routes(): readonly NameAddr[] {
    if (this.cachedRoutes === null) this.cachedRoutes = this.nameAddrs(H.Route);
    return this.cachedRoutes;
  }

  recordRoutes(): readonly NameAddr[] {
    if (this.cachedRecordRoutes === null) this.cachedRecordRoutes = this.nameAddrs(H.RecordRoute);
    return this.cachedRecordRoutes;
  }

  /** Credentials or challenges of one of the four authentication header fields, in order. */
  authValues(id: HeaderId): AuthValue[] {
    const out: AuthValue[] = [];
    const h = this.headers;
    for (let i = h.find(id); i >= 0; i = h.find(id, i + 1)) {
      const v = parseAuth(this.buf, h.valueStart(i), h.valueEnd(i));
      if (v !== null) out.push(v);
    }
    return out;
  }

  /** The first field's value (trimmed, folding collapsed), or undefined when absent. */
  header(name: string | HeaderId): string | undefined {
    const i = this.findHeader(name, 0);
    return i < 0 ? undefined : collapsedText(this.buf, this.headers.valueStart(i), this.headers.valueEnd(i));
  }

  /**
   * All values of all fields with this name. List fields (Via, Route, Contact, Allow, ...) are
   * split at commas outside quotes and <>; other fields (and unknown ones) give one value each.
   */
  headerValues(name: string | HeaderId): string[] {
    const out: string[] = [];
    const h = this.headers;
    for (let i = this.findHeader(name, 0); i >= 0; i = this.findHeader(name, i + 1)) {
      const vs = h.valueStart(i);
      const ve = h.valueEnd(i);
      if (!isListHeader(h.id(i))) {
        out.push(collapsedText(this.buf, vs, ve));
        continue;
      }
      let pos = vs;
      while ((pos = nextListValue(this.buf, pos, ve, SPAN)) >= 0) out.push(collapsedText(this.buf, SPAN.start, SPAN.end));
    }
    return out;
  }

  /** Offsets of every occurrence of a header field, in order. */
  headerRefs(name: string | HeaderId): HeaderRef[] {
    const out: HeaderRef[] = [];
    for (let i = this.findHeader(name, 0); i >= 0; i = this.findHeader(name, i + 1)) out.push(this.headers.ref(i));
    return out;
  }

  /** Index (in `headers`) of the next field with this name at or after `from`, or -1. */
  findHeader(name: string | HeaderId, from: number): number {
    if (typeof name === 'number') return this.headers.find(name, from);
    const id = headerIdFromString(name);
    return id === H.Other ? this.headers.findName(this.buf, name.toLowerCase(), from) : this.headers.find(id, from);
  }

  /** The body as a view of the receive buffer (no copy). */
  body(): Buffer {
    return this.buf.subarray(this.bodyStart, this.bodyEnd);
  }

  /** The whole message as text (for logs and the ladder capture). */
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }

  private headerNumber(id: HeaderId, max: number): number {
    const i = this.headers.find(id);
    return i < 0 ? -1 : parseDecimal(this.buf, this.headers.valueStart(i), this.headers.valueEnd(i), max);
  }

  private eachValue(id: HeaderId, visit: (s: number, e: number, place: ListPlace) => void): void {
    const h = this.headers;
    for (let i = h.find(id); i >= 0; i = h.find(id, i + 1)) {
      forEachListValue(this.buf, h.valueStart(i), h.valueEnd(i), h.lineStart(i), h.lineEnd(i), (s, e, place) => {
        visit(s, e, place);
        return true;
      });
    }
  }

  private nameAddrs(id: HeaderId): readonly NameAddr[] {
    const out: NameAddr[] = [];
    this.eachValue(id, (s, e, place) => out.push(parseNameAddr(this.buf, s, e, place)));
    return out;
  }

  private absent(): NameAddr {
    const at = this.headersEnd;
    return parseNameAddr(this.buf, at, at, { lineStart: at, lineEnd: at, onlyValueOnLine: true, removeStart: at, removeEnd: at });
  }
}

/** Why a message was refused, with the status to answer a request with (RFC 3261 §8.2, §18.3). */
export interface ParseFailure {
  readonly ok: false;
  readonly status: 400 | 505 | 413 | 416;
  /** Reason phrase naming the problem, e.g. 'Missing Call-ID', 'Bad CSeq'. */
  readonly reason: string;
  /**
   * A partial view of a request whose top Via parsed, to build the error response from (its
   * from()/to() may have valid false, cseq() may be {0, ''}); null when no response can be
   * routed: no usable Via, or the message is a response.
   */
  readonly message: SipMessage | null;
}

export interface ParseOptions {
  /** Received over a stream (TCP/TLS): Content-Length is required (RFC 3261 §18.3). */
  stream?: boolean;
}

const ST = new ScanState();
const URI = new UriSpan();
const PARTS: MessageParts = { method: '', from: null, to: null, cseq: null, callIdStart: 0, callIdEnd: 0, bodyEnd: 0 };

/**
 * Parses the message in buf[start, end). Never throws, linear in the input. Checks: start line,
 * header syntax, Via/From/To/Call-ID/CSeq present once and well-formed, CSeq method equal to the
 * request method (§8.1.1.5), a Request-URI that scans, SIP/2.0 (else 505), and Content-Length
 * (§18.3: over UDP absent = rest of the datagram, larger than what arrived = 400, smaller =
 * body cut to it; over a stream it is required).
 */
export function parseMessage(buf: Buffer, start: number, end: number, opts?: ParseOptions): SipMessage | ParseFailure {
  const st = ST;
  if (start < 0 || end > buf.length || start >= end) return failure(400, 'Empty Message', null);
  if (!scanMessage(buf, start, end, st)) return failure(400, st.lineError ?? st.error ?? 'Bad Message', null);
  const index = st.index();
  let via = -1, from = -1, to = -1, callId = -1, cseq = -1, cl = -1;
  let nFrom = 0, nTo = 0, nCallId = 0, nCSeq = 0, nCl = 0;
  for (let i = 0; i < index.count; i++) {
    switch (index.id(i)) {
      case H.Via: if (via < 0) via = i; break;
      case H.From: if (nFrom++ === 0) from = i; break;
      case H.To: if (nTo++ === 0) to = i; break;
      case H.CallId: if (nCallId++ === 0) callId = i; break;
      case H.CSeq: if (nCSeq++ === 0) cseq = i; break;
      case H.ContentLength: if (nCl++ === 0) cl = i; break;
    }
  }
  if (via < 0) return failure(400, st.lineError ?? 'Missing Via', null);
  const topVia = parseTopVia(buf, index, via);
  if (topVia === null) return failure(400, st.lineError ?? 'Bad Via', null);

  const parts = PARTS;
  let reason: string | null = st.lineError ?? (st.versionUnsupported ? 'Version Not Supported' : null);
  const status = reason !== null && st.lineError === null ? 505 : 400;
  if (st.isRequest && !scanUri(buf, st.uriStart, st.uriEnd, URI)) reason ??= 'Bad Request-URI';
  parts.from = from < 0 ? null : parseNameAddr(buf, index.valueStart(from), index.valueEnd(from), wholeLinePlace(index, from));
  reason ??= mandatoryHeaderProblem('From', nFrom, parts.from === null || parts.from.valid);
  parts.to = to < 0 ? null : parseNameAddr(buf, index.valueStart(to), index.valueEnd(to), wholeLinePlace(index, to));
  reason ??= mandatoryHeaderProblem('To', nTo, parts.to === null || parts.to.valid);
  parts.callIdStart = callId < 0 ? 0 : index.valueStart(callId);
  parts.callIdEnd = callId < 0 ? 0 : index.valueEnd(callId);
  reason ??= mandatoryHeaderProblem('Call-ID', nCallId, parts.callIdEnd > parts.callIdStart && !containsLwsOrCtl(buf, parts.callIdStart, parts.callIdEnd));
  parts.cseq = cseq < 0 ? null : parseCSeq(buf, index.valueStart(cseq), index.valueEnd(cseq));
  reason ??= mandatoryHeaderProblem('CSeq', nCSeq, cseq < 0 || parts.cseq !== null);
  parts.method = st.isRequest ? internMethod(buf, st.methodStart, st.methodEnd) : parts.cseq?.method ?? '';
  if (st.isRequest && parts.cseq !== null && parts.cseq.method !== parts.method) reason ??= 'CSeq Method Mismatch';

  parts.bodyEnd = end;
  if (nCl > 1) {
    reason ??= 'Multiple Content-Length'; // RFC 4475 §3.3.9: conflicting framing
  } else if (cl >= 0) {
    const length = parseDecimal(buf, index.valueStart(cl), index.valueEnd(cl), 0x7fffffff);
    if (length < 0) reason ??= 'Bad Content-Length';
    else if (length > end - st.bodyStart) reason ??= 'Content-Length Mismatch';
    else parts.bodyEnd = st.bodyStart + length;
  } else if (opts?.stream === true) {
    reason ??= 'Missing Content-Length';
  }
  const msg = new SipMessage(buf, st, index, topVia, parts);
  if (reason !== null) return failure(status, reason, st.isRequest ? msg : null);
  return msg;
}

function failure(status: 400 | 505, reason: string, message: SipMessage | null): ParseFailure {
  return { ok: false, status, reason, message };
}
