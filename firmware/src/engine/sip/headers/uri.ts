// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966) over received bytes; any other
// absoluteURI scheme is kept opaque so that the caller can answer 416 (RFC 3261 §8.2.2.1).
import {
  AT, COLON, DASH, DOT, DQUOTE, EQUAL, LAQUOT, PLUS, LBRACKET, PERCENT, QMARK, RAQUOT, RBRACKET, SEMI,
  equalsLower, isAlpha, isDigit, isHostChar, isIPv6Char, lowerByte, parseDecimal,
} from '../chars';

export type UriScheme = 'sip' | 'sips' | 'tel' | 'other';

export interface SipUri {
  /** 'other' for any scheme but sip/sips/tel; schemeName then says which. */
  readonly scheme: UriScheme;
  /** The scheme as written, lower-cased ('' when the URI has no scheme at all). */
  readonly schemeName: string;
  /** Raw user part, %-escapes kept (unescapeUri() decodes); for tel: the telephone number. */
  readonly user: string | null;
  readonly password: string | null;
  /** Host as written; IPv6 without brackets; '' for tel and other schemes. */
  readonly host: string;
  /** 0 when absent. */
  readonly port: number;
  readonly hostIsIPv6: boolean;
  /** Raw text after '?' (URI headers), or null. */
  readonly headers: string | null;
  /** Offsets of the URI in the message buffer. */
  readonly start: number;
  readonly end: number;
  /** undefined = absent, null = present without value (a flag), else the raw value. */
  param(name: string): string | null | undefined;
  transport(): string | null;
  lr(): boolean;
  maddr(): string | null;
  /** The URI as written. */
  text(): string;
}

/** Offsets found by scanUri; one instance per caller, reused. -1 marks an absent part. */
export class UriSpan {
  scheme: UriScheme = 'other';
  schemeEnd = 0;
  userStart = -1;
  userEnd = -1;
  passStart = -1;
  passEnd = -1;
  hostStart = 0;
  hostEnd = 0;
  ipv6 = false;
  port = 0;
  paramsStart = -1;
  paramsEnd = -1;
  headersStart = -1;
}

/**
 * Scans the URI at buf[s, e) into span. False when malformed: no scheme, a byte that can never be
 * in a URI (CTL, SP, '<', '>', '"'), or for sip/sips/tel a structure that does not parse.
 * The user part is delimited by the first '@': user and password may hold ';', '?', '/' and ','
 * (user-unreserved, RFC 3261 §25.1), which is why params are looked for only after the host.
 */
export function scanUri(buf: Buffer, s: number, e: number, span: UriSpan): boolean {
  if (s >= e || !isAlpha(buf[s])) return false;
  let p = s + 1;
  while (p < e && (isAlpha(buf[p]) || isDigit(buf[p]) || buf[p] === PLUS || buf[p] === DASH || buf[p] === DOT)) p++;
  if (p >= e || buf[p] !== COLON) return false;
  for (let i = p + 1; i < e; i++) {
    const b = buf[i];
    if (b <= 32 || b === 127 || b === LAQUOT || b === RAQUOT || b === DQUOTE) return false;
  }
  span.schemeEnd = p;
  span.userStart = span.userEnd = span.passStart = span.passEnd = -1;
  span.paramsStart = span.paramsEnd = span.headersStart = -1;
  span.hostStart = span.hostEnd = e;
  span.ipv6 = false;
  span.port = 0;
  if (equalsLower(buf, s, p, 'sip')) span.scheme = 'sip';
  else if (equalsLower(buf, s, p, 'sips')) span.scheme = 'sips';
  else if (equalsLower(buf, s, p, 'tel')) span.scheme = 'tel';
  else {
    span.scheme = 'other';
    return p + 1 < e;
  }
  p++;
  if (span.scheme === 'tel') {
    // telephone-subscriber, then ;params (RFC 3966 §3)
    const ps = findFrom(buf, SEMI, p, e);
    if (ps === p) return false;
    span.userStart = p;
    span.userEnd = ps;
    if (ps < e) {
      span.paramsStart = ps;
      span.paramsEnd = e;
    }
    return true;
  }
  const at = findFrom(buf, AT, p, e);
  if (at < e) {
    const colon = findFrom(buf, COLON, p, at);
    if (colon === p) return false;
    span.userStart = p;
    span.userEnd = colon;
    if (colon < at) {
      span.passStart = colon + 1;
      span.passEnd = at;
    }
    p = at + 1;
  }
  if (p < e && buf[p] === LBRACKET) {
    const hs = p + 1;
    p = hs;
    while (p < e && isIPv6Char(buf[p])) p++;
    if (p >= e || buf[p] !== RBRACKET || p === hs) return false;
    span.hostStart = hs;
    span.hostEnd = p;
    span.ipv6 = true;
    p++;
  } else {
    const hs = p;
    while (p < e && isHostChar(buf[p])) p++;
    if (p === hs) return false;
    span.hostStart = hs;
    span.hostEnd = p;
  }
  if (p < e && buf[p] === COLON) {
    const ds = p + 1;
    p = ds;
    while (p < e && isDigit(buf[p])) p++;
    const port = parseDecimal(buf, ds, p, 65535);
    if (port <= 0) return false;
    span.port = port;
  }
  if (p < e && buf[p] === SEMI) {
    span.paramsStart = p;
    p = findFrom(buf, QMARK, p, e);
    span.paramsEnd = p;
  }
  if (p < e && buf[p] === QMARK) {
    span.headersStart = p + 1;
    p = e;
  }
  return p === e;
}

function findFrom(buf: Buffer, byte: number, pos: number, end: number): number {
  while (pos < end && buf[pos] !== byte) pos++;
  return pos;
}

class ParsedUri implements SipUri {
  constructor(
    private readonly buf: Buffer,
    readonly scheme: UriScheme,
    readonly schemeName: string,
    readonly user: string | null,
    readonly password: string | null,
    readonly host: string,
    readonly port: number,
    readonly hostIsIPv6: boolean,
    readonly headers: string | null,
    readonly start: number,
    readonly end: number,
    private readonly paramsStart: number,
    private readonly paramsEnd: number,
  ) {}

  param(name: string): string | null | undefined {
    return uriParam(this.buf, this.paramsStart, this.paramsEnd, name.toLowerCase());
  }
  transport(): string | null {
    const t = this.param('transport');
    return t === undefined || t === null ? null : t.toLowerCase();
  }
  lr(): boolean {
    return this.param('lr') !== undefined;
  }
  maddr(): string | null {
    return this.param('maddr') ?? null;
  }
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }
}

const SPAN = new UriSpan();

/**
 * The URI at buf[s, e) as a SipUri. Never fails: a malformed URI comes back with scheme
 * 'other', its scheme name if one could be read, and host ''.
 */
export function parseUri(buf: Buffer, s: number, e: number): SipUri {
  if (!scanUri(buf, s, e, SPAN)) {
    let p = s;
    while (p < e && buf[p] !== COLON && p - s < 32) p++;
    const name = p < e && buf[p] === COLON ? buf.toString('latin1', s, p).toLowerCase() : '';
    return new ParsedUri(buf, 'other', name, null, null, '', 0, false, null, s, e, -1, -1);
  }
  const sp = SPAN;
  const schemeName = sp.scheme === 'other' ? buf.toString('latin1', s, sp.schemeEnd).toLowerCase() : sp.scheme;
  return new ParsedUri(
    buf,
    sp.scheme,
    schemeName,
    sp.userStart >= 0 ? buf.toString('utf8', sp.userStart, sp.userEnd) : null,
    sp.passStart >= 0 ? buf.toString('utf8', sp.passStart, sp.passEnd) : null,
    buf.toString('latin1', sp.hostStart, sp.hostEnd),
    sp.port,
    sp.ipv6,
    sp.headersStart >= 0 ? buf.toString('utf8', sp.headersStart, e) : null,
    s,
    e,
    sp.paramsStart,
    sp.paramsEnd,
  );
}

/** A URI that is not there (an absent or unparseable header): scheme 'other', host ''. */
export function emptyUri(buf: Buffer, at: number): SipUri {
  return new ParsedUri(buf, 'other', '', null, null, '', 0, false, null, at, at, -1, -1);
}

/** uri-parameters in buf[s, e) (';'-separated, no LWS, RFC 3261 §19.1.1); lower is lower case. */
function uriParam(buf: Buffer, s: number, e: number, lower: string): string | null | undefined {
  if (s < 0) return undefined;
  let p = s;
  while (p < e) {
    const ns = p + 1; // past ';'
    let q = ns;
    while (q < e && buf[q] !== SEMI && buf[q] !== EQUAL) q++;
    const nameEnd = q;
    let vs = -1;
    if (q < e && buf[q] === EQUAL) {
      vs = q + 1;
      while (q < e && buf[q] !== SEMI) q++;
    }
    if (nameEqualsLower(buf, ns, nameEnd, lower)) return vs < 0 ? null : buf.toString('utf8', vs, q);
    p = q;
  }
  return undefined;
}

function nameEqualsLower(buf: Buffer, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if (lowerByte(buf[s + i]) !== lower.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes %HH escapes (RFC 3261 §19.1.2, RFC 3986 §2.1) as UTF-8; a '%' not followed by two hex
 * digits stays as it is (RFC 4475 §3.1.1.5).
 */
export function unescapeUri(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const hi = c === PERCENT && i + 2 < text.length ? hexValue(text.charCodeAt(i + 1)) : -1;
    const lo = hi >= 0 ? hexValue(text.charCodeAt(i + 2)) : -1;
    if (lo >= 0) {
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      const cp = text.codePointAt(i) ?? c;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
