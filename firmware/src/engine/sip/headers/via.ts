// Via (RFC 3261 §20.42, §25.1 via-parm; RFC 3581 rport): sent-protocol, sent-by and the params
// the transaction and transport layers use (branch §17.2.3, received §18.2.1, rport).
import { COLON, LBRACKET, RBRACKET, SLASH, equalsLower, isDigit, isHostChar, isIPv6Char, parseDecimal, skipLws, skipToken } from '../chars';
import { ParamSpan, headerParam, readHeaderParam, type ListPlace } from './params';

export interface Via extends ListPlace {
  /** 'UDP' 'TCP' 'TLS' 'SCTP' 'WS' 'WSS' ..., upper-cased. */
  readonly transport: string;
  /** sent-by host as written; IPv6 without brackets. */
  readonly host: string;
  readonly hostIsIPv6: boolean;
  /** 0 when absent. */
  readonly port: number;
  readonly branch: string | null;
  readonly received: string | null;
  /** -1 absent, 0 present without a value, else its value (RFC 3581 §4). */
  readonly rport: number;
  /** Bytes of this Via value (one via-parm). */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Where ';received=...' is inserted: the end of the last parameter. */
  readonly paramsEnd: number;
  /** Offsets of the ';rport' or ';rport=N' parameter (from its ';'), -1 when absent. */
  readonly rportStart: number;
  readonly rportEnd: number;
  /** Offsets of the ';received=...' parameter (from its ';'), -1 when absent. */
  readonly receivedStart: number;
  readonly receivedEnd: number;
  /** Any parameter: undefined absent, null flag, else the (unquoted) value. */
  param(name: string): string | null | undefined;
}

class ViaValue implements Via {
  constructor(
    private readonly buf: Buffer,
    readonly transport: string,
    readonly host: string,
    readonly hostIsIPv6: boolean,
    readonly port: number,
    readonly branch: string | null,
    readonly received: string | null,
    readonly rport: number,
    readonly valueStart: number,
    readonly valueEnd: number,
    private readonly paramsStart: number,
    readonly rportStart: number,
    readonly rportEnd: number,
    readonly receivedStart: number,
    readonly receivedEnd: number,
    readonly lineStart: number,
    readonly lineEnd: number,
    readonly onlyValueOnLine: boolean,
    readonly removeStart: number,
    readonly removeEnd: number,
  ) {}

  get paramsEnd(): number {
    return this.valueEnd;
  }

  param(name: string): string | null | undefined {
    return headerParam(this.buf, this.paramsStart, this.valueEnd, name.toLowerCase());
  }
}

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS'] as const;

function transportName(buf: Buffer, s: number, e: number): string {
  for (const t of TRANSPORTS) if (equalsLower(buf, s, e, t.toLowerCase())) return t;
  return buf.toString('latin1', s, e).toUpperCase();
}

const P = new ParamSpan();

/**
 * Parses one via-parm at buf[s, e) (trimmed bounds of a single comma-separated value); null when
 * malformed (RFC 4475 §3.1.2.1: empty parameters are). SWS is allowed around '/', ':', ';' and
 * '=' (RFC 4475 §3.1.1.1).
 */
export function parseVia(buf: Buffer, s: number, e: number, place: ListPlace): Via | null {
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport
  let p = skipToken(buf, s, e);
  if (p === s) return null;
  p = skipLws(buf, p, e);
  if (p >= e || buf[p] !== SLASH) return null;
  const vs = skipLws(buf, p + 1, e);
  p = skipToken(buf, vs, e);
  if (p === vs) return null;
  p = skipLws(buf, p, e);
  if (p >= e || buf[p] !== SLASH) return null;
  const ts = skipLws(buf, p + 1, e);
  const te = skipToken(buf, ts, e);
  if (te === ts) return null;
  const hs0 = skipLws(buf, te, e);
  if (hs0 === te) return null; // LWS before sent-by
  // sent-by = host [ COLON port ]
  let hs = hs0;
  let he: number;
  let ipv6 = false;
  if (hs < e && buf[hs] === LBRACKET) {
    p = hs + 1;
    while (p < e && isIPv6Char(buf[p])) p++;
    if (p >= e || buf[p] !== RBRACKET || p === hs + 1) return null;
    hs++;
    he = p;
    p++;
    ipv6 = true;
  } else {
    p = hs;
    while (p < e && isHostChar(buf[p])) p++;
    if (p === hs) return null;
    he = p;
  }
  let port = 0;
  const afterHost = skipLws(buf, p, e);
  if (afterHost < e && buf[afterHost] === COLON) {
    const ds = skipLws(buf, afterHost + 1, e);
    p = ds;
    while (p < e && isDigit(buf[p])) p++;
    port = parseDecimal(buf, ds, p, 65535);
    if (port <= 0) return null;
  }
  const paramsStart = p;
  let branch: string | null = null;
  let received: string | null = null;
  let rport = -1;
  let rportStart = -1;
  let rportEnd = -1;
  let receivedStart = -1;
  let receivedEnd = -1;
  for (;;) {
    const step = readHeaderParam(buf, p, e, P);
    if (step === 'bad') return null;
    if (step === 'done') {
      if (P.end !== e) return null;
      break;
    }
    if (equalsLower(buf, P.nameStart, P.nameEnd, 'branch')) {
      if (P.valueStart < 0) return null;
      branch = buf.toString('latin1', P.valueStart, P.valueEnd);
    } else if (equalsLower(buf, P.nameStart, P.nameEnd, 'received')) {
      if (P.valueStart < 0) return null;
      received = buf.toString('latin1', P.valueStart, P.valueEnd);
      receivedStart = P.start;
      receivedEnd = P.end;
    } else if (equalsLower(buf, P.nameStart, P.nameEnd, 'rport')) {
      rport = 0;
      if (P.valueStart >= 0) {
        rport = parseDecimal(buf, P.valueStart, P.valueEnd, 65535);
        if (rport < 0) return null;
      }
      rportStart = P.start;
      rportEnd = P.end;
    }
    p = P.end;
  }
  return new ViaValue(
    buf,
    transportName(buf, ts, te),
    buf.toString('latin1', hs, he),
    ipv6,
    port,
    branch,
    received,
    rport,
    s,
    e,
    paramsStart,
    rportStart,
    rportEnd,
    receivedStart,
    receivedEnd,
    place.lineStart,
    place.lineEnd,
    place.onlyValueOnLine,
    place.removeStart,
    place.removeEnd,
  );
}
