// name-addr / addr-spec values of From, To, Contact, Route, Record-Route (RFC 3261 §20.10, §25.1):
// display name (quoted or tokens), the URI, then header parameters. In addr-spec form the URI ends
// at the first ';' or LWS, so ';tag=...' belongs to the header, not the URI (§20.10).
import { COLON, DQUOTE, LAQUOT, RAQUOT, SEMI, collapsedText, findByte, isLws, isToken, skipLws, skipQuoted, trimLwsEnd, unquote } from '../chars';
import { checkHeaderParams, headerParam, type ListPlace } from './params';
import { UriSpan, emptyUri, parseUri, scanUri, type SipUri } from './uri';

export interface NameAddr extends ListPlace {
  /** Bytes of the whole header value (display name, URI, parameters). */
  readonly start: number;
  readonly end: number;
  /** Same as start/end, named as on Via so that every list entry reads alike. */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Bytes of the URI (inside <> in name-addr form). */
  readonly uriStart: number;
  readonly uriEnd: number;
  /** Where ';tag=...' is inserted when there is none: the end of the value. */
  readonly tagEnd: number;
  /** False when the value did not parse: display() null, uri() empty, no parameters. */
  readonly valid: boolean;
  display(): string | null;
  uri(): SipUri;
  tag(): string | null;
  /** Header parameter: undefined absent, null flag, else the (unquoted) value. */
  param(name: string): string | null | undefined;
}

export class NameAddrValue implements NameAddr {
  private cachedUri: SipUri | null = null;
  private cachedTag: string | null | undefined = undefined;

  constructor(
    protected readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    readonly valid: boolean,
    private readonly displayStart: number,
    private readonly displayEnd: number,
    readonly uriStart: number,
    readonly uriEnd: number,
    protected readonly paramsStart: number,
    readonly lineStart: number,
    readonly lineEnd: number,
    readonly onlyValueOnLine: boolean,
    readonly removeStart: number,
    readonly removeEnd: number,
  ) {}

  get valueStart(): number {
    return this.start;
  }
  get valueEnd(): number {
    return this.end;
  }
  get tagEnd(): number {
    return this.end;
  }

  display(): string | null {
    if (this.displayStart < 0 || this.displayEnd <= this.displayStart) return null;
    if (this.buf[this.displayStart] === DQUOTE) return unquote(this.buf, this.displayStart, this.displayEnd);
    return collapsedText(this.buf, this.displayStart, this.displayEnd);
  }

  uri(): SipUri {
    if (this.cachedUri === null) {
      this.cachedUri = this.valid ? parseUri(this.buf, this.uriStart, this.uriEnd) : emptyUri(this.buf, this.start);
    }
    return this.cachedUri;
  }

  tag(): string | null {
    if (this.cachedTag === undefined) {
      const t = this.param('tag');
      this.cachedTag = typeof t === 'string' && t.length > 0 ? t : null;
    }
    return this.cachedTag;
  }

  param(name: string): string | null | undefined {
    if (!this.valid) return undefined;
    return headerParam(this.buf, this.paramsStart, this.end, name.toLowerCase());
  }
}

/** Offsets of a name-addr/addr-spec, filled by scanNameAddr (reused scratch). */
export class NameAddrSpan {
  displayStart = -1;
  displayEnd = -1;
  uriStart = 0;
  uriEnd = 0;
  paramsStart = 0;
}

const URI = new UriSpan();

/**
 * Scans buf[s, e) (one trimmed header value) as name-addr or addr-spec followed by header
 * parameters; false when malformed (RFC 4475: unterminated quote §3.1.2.6, non-token display name
 * §3.1.2.15, LWS inside the URI §3.1.2.14; a bad URI or parameter).
 */
export function scanNameAddr(buf: Buffer, s: number, e: number, out: NameAddrSpan): boolean {
  out.displayStart = out.displayEnd = -1;
  if (s >= e) return false;
  let p = s;
  if (buf[p] === DQUOTE) {
    const q = skipQuoted(buf, p, e);
    if (q < 0) return false;
    out.displayStart = p;
    out.displayEnd = q;
    p = skipLws(buf, q, e);
    if (p >= e || buf[p] !== LAQUOT) return false;
  } else if (buf[p] !== LAQUOT) {
    // Tokens (plus UTF-8 bytes, seen unquoted in the wild) then '<', or a bare URI.
    let q = p;
    let sawLws = false;
    while (q < e) {
      const b = buf[q];
      if (isToken(b) || b >= 0x80) q++;
      else if (isLws(b)) {
        sawLws = true;
        q++;
      } else break;
    }
    if (q < e && buf[q] === LAQUOT) {
      out.displayStart = p;
      out.displayEnd = trimLwsEnd(buf, p, q);
      p = q;
    } else if (q < e && buf[q] === COLON && !sawLws) {
      let ue = s;
      while (ue < e && buf[ue] !== SEMI && !isLws(buf[ue])) ue++;
      if (!scanUri(buf, s, ue, URI)) return false;
      out.uriStart = s;
      out.uriEnd = ue;
      out.paramsStart = ue;
      return checkHeaderParams(buf, ue, e) === e;
    } else {
      return false;
    }
  }
  // p is at '<'
  const gt = findByte(buf, RAQUOT, p + 1, e);
  if (gt < 0 || !scanUri(buf, p + 1, gt, URI)) return false;
  out.uriStart = p + 1;
  out.uriEnd = gt;
  out.paramsStart = gt + 1;
  return checkHeaderParams(buf, gt + 1, e) === e;
}

const SPAN = new NameAddrSpan();

/** Parses one header value into a NameAddr; a malformed value gives one with valid false. */
export function parseNameAddr(buf: Buffer, s: number, e: number, place: ListPlace): NameAddrValue {
  const ok = scanNameAddr(buf, s, e, SPAN);
  return new NameAddrValue(
    buf,
    s,
    e,
    ok,
    ok ? SPAN.displayStart : -1,
    ok ? SPAN.displayEnd : -1,
    ok ? SPAN.uriStart : s,
    ok ? SPAN.uriEnd : s,
    ok ? SPAN.paramsStart : e,
    place.lineStart,
    place.lineEnd,
    place.onlyValueOnLine,
    place.removeStart,
    place.removeEnd,
  );
}
