// Authorization / Proxy-Authorization credentials and WWW-/Proxy-Authenticate challenges
// (RFC 3261 §20.7, §20.28, §20.44, §25.1; RFC 2617 §3.2): scheme, then comma-separated
// auth-params `name = token / quoted-string`. One header field carries one value (§7.3.1).
import { COMMA, DQUOTE, EQUAL, equalsLower, skipLws, skipQuoted, skipToken, unquote } from '../chars';

export interface AuthValue {
  /** The auth scheme as written ('Digest', 'Basic', ...). */
  readonly scheme: string;
  /** Bytes of the whole value. */
  readonly start: number;
  readonly end: number;
  /** Whether every auth-param after the scheme parsed (a Digest value needs this). */
  readonly paramsValid: boolean;
  /** An auth-param: undefined absent, else its value with quotes removed. */
  param(name: string): string | undefined;
}

class ParsedAuth implements AuthValue {
  constructor(
    private readonly buf: Buffer,
    readonly scheme: string,
    readonly start: number,
    readonly end: number,
    /** Offsets found by parseAuth's one walk: [nameStart, nameEnd, valueStart, valueEnd] each. */
    private readonly spans: readonly number[],
    readonly paramsValid: boolean,
  ) {}

  param(name: string): string | undefined {
    const lower = name.toLowerCase();
    const sp = this.spans;
    for (let i = 0; i < sp.length; i += 4) {
      if (equalsLower(this.buf, sp[i], sp[i + 1], lower)) {
        const vs = sp[i + 2];
        const ve = sp[i + 3];
        return this.buf[vs] === DQUOTE ? unquote(this.buf, vs, ve) : this.buf.toString('utf8', vs, ve);
      }
    }
    return undefined;
  }
}

function valueEnd(buf: Buffer, vs: number, e: number): number {
  if (vs >= e) return -1;
  if (buf[vs] === DQUOTE) return skipQuoted(buf, vs, e);
  // token, plus the '/' '=' ':' seen in unquoted values (RFC 7616 token68 style, uri=...).
  let p = vs;
  while (p < e && buf[p] !== COMMA && buf[p] > 32) p++;
  return p === vs ? -1 : p;
}

/** Parses an auth value at buf[s, e) (trimmed); null when there is no scheme token. */
export function parseAuth(buf: Buffer, s: number, e: number): AuthValue | null {
  const se = skipToken(buf, s, e);
  if (se === s) return null;
  const ps = skipLws(buf, se, e);
  if (ps < e && ps === se) return null; // LWS must follow the scheme
  let valid = true;
  let p = ps;
  // One walk records every param's offsets: param() then looks names up without rescanning
  // (a Digest value has about ten, each asked for once or twice).
  const spans: number[] = [];
  while (p < e) {
    const ns = skipLws(buf, p, e);
    const ne = skipToken(buf, ns, e);
    const eq = skipLws(buf, ne, e);
    if (ne === ns || eq >= e || buf[eq] !== EQUAL) {
      valid = false;
      break;
    }
    const vs = skipLws(buf, eq + 1, e);
    const ve = valueEnd(buf, vs, e);
    if (ve < 0) {
      valid = false;
      break;
    }
    spans.push(ns, ne, vs, ve);
    p = skipLws(buf, ve, e);
    if (p < e && buf[p] !== COMMA) {
      valid = false;
      break;
    }
    p++;
  }
  return new ParsedAuth(buf, buf.toString('latin1', s, se), s, e, spans, valid);
}
