// The first pass over a received message (RFC 3261 §7): start line, then every header field
// indexed by offsets (name id, name, value, line bounds), folding (§7.3.1) and LF-only line ends
// tolerated. No strings are made here; the scratch state is reused from one message to the next.
import { CR, DOT, HT, LF, SP, COLON, equalsLower, findByte, isDigit, isToken, skipLws, skipToken, trimLwsEnd } from './chars';
import { headerIdOf, type HeaderId } from './header-names';

/** At most this many header fields per message: beyond, the message is refused (400). */
export const MAX_HEADERS = 256;

const FIELDS = 6;
const F_ID = 0;
const F_LINE_START = 1;
const F_NAME_END = 2;
const F_VALUE_START = 3;
const F_VALUE_END = 4;
const F_LINE_END = 5;

/** Offsets of one header field occurrence. lineEnd is past the line's CRLF (the next line). */
export interface HeaderRef {
  readonly id: HeaderId;
  readonly lineStart: number;
  readonly nameEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly lineEnd: number;
}

/** The header fields of one message by offsets (6 integers per field), owned by that message. */
export class HeaderIndex {
  constructor(
    private readonly table: readonly number[],
    readonly count: number,
  ) {}

  id(i: number): HeaderId {
    return this.table[i * FIELDS + F_ID] as HeaderId;
  }
  lineStart(i: number): number {
    return this.table[i * FIELDS + F_LINE_START];
  }
  nameEnd(i: number): number {
    return this.table[i * FIELDS + F_NAME_END];
  }
  valueStart(i: number): number {
    return this.table[i * FIELDS + F_VALUE_START];
  }
  valueEnd(i: number): number {
    return this.table[i * FIELDS + F_VALUE_END];
  }
  lineEnd(i: number): number {
    return this.table[i * FIELDS + F_LINE_END];
  }

  /** Index of the first field with this id at or after `from`, or -1. */
  find(id: HeaderId, from = 0): number {
    for (let i = from; i < this.count; i++) if (this.table[i * FIELDS + F_ID] === id) return i;
    return -1;
  }

  /** Index of the first unknown-id field named `lower` (ASCII lower case) at or after `from`. */
  findName(buf: Buffer, lower: string, from = 0): number {
    for (let i = from; i < this.count; i++) {
      const o = i * FIELDS;
      if (equalsLower(buf, this.table[o + F_LINE_START], this.table[o + F_NAME_END], lower)) return i;
    }
    return -1;
  }

  ref(i: number): HeaderRef {
    const o = i * FIELDS;
    const t = this.table;
    return {
      id: t[o + F_ID] as HeaderId,
      lineStart: t[o + F_LINE_START],
      nameEnd: t[o + F_NAME_END],
      valueStart: t[o + F_VALUE_START],
      valueEnd: t[o + F_VALUE_END],
      lineEnd: t[o + F_LINE_END],
    };
  }
}

/** Result of scanMessage; one instance is reused for every message (single-threaded). */
export class ScanState {
  error: string | null = null;
  /** A malformed Request-Line: the headers are still indexed so that a 400 can be sent back. */
  lineError: string | null = null;
  /** Offsets of the start line (lineEnd excludes the CRLF). */
  lineStart = 0;
  lineEnd = 0;
  isRequest = false;
  /** Requests: method and Request-URI bounds. Responses: status code, reason bounds. */
  methodStart = 0;
  methodEnd = 0;
  uriStart = 0;
  uriEnd = 0;
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;
  /** The SIP-Version is well-formed but not 2.0 (answered 505, RFC 3261 §21.5.6). */
  versionUnsupported = false;
  headersStart = 0;
  headersEnd = 0;
  bodyStart = 0;
  count = 0;
  readonly table = new Int32Array(MAX_HEADERS * FIELDS);

  /** A right-sized copy of the header table, for the message to keep. */
  index(): HeaderIndex {
    // A plain array of small integers: cheaper to allocate than a new ArrayBuffer per message,
    // and it pins nothing else in memory while a transaction keeps the message.
    const n = this.count * FIELDS;
    const copy = new Array<number>(n);
    for (let i = 0; i < n; i++) copy[i] = this.table[i];
    return new HeaderIndex(copy, this.count);
  }
}

/** Scans start line and headers of buf[start, end) into st; false with st.error on failure. */
export function scanMessage(buf: Buffer, start: number, end: number, st: ScanState): boolean {
  st.error = null;
  st.lineError = null;
  st.count = 0;
  st.versionUnsupported = false;
  let pos = start;
  // RFC 3261 §7.5: CRLFs before the start line are ignored (also keep-alives on streams).
  while (pos < end && (buf[pos] === CR || buf[pos] === LF)) pos++;
  if (pos >= end) return fail(st, 'Empty Message');
  st.lineStart = pos;
  let lf = findByte(buf, LF, pos, end);
  const lineStop = lf < 0 ? end : lf;
  st.lineEnd = lineStop > pos && buf[lineStop - 1] === CR ? lineStop - 1 : lineStop;
  if (!scanStartLine(buf, st.lineStart, st.lineEnd, st)) {
    if (!st.isRequest) return false;
    st.lineError = st.error;
    st.error = null;
  }
  pos = lf < 0 ? end : lf + 1;
  st.headersStart = pos;

  for (;;) {
    if (pos >= end) {
      // No empty line: tolerated (UDP messages cut right after the last header have no body).
      st.headersEnd = end;
      st.bodyStart = end;
      return true;
    }
    const b = buf[pos];
    if (b === LF || (b === CR && (pos + 1 >= end || buf[pos + 1] === LF))) {
      st.headersEnd = pos;
      st.bodyStart = b === LF ? pos + 1 : Math.min(pos + 2, end);
      return true;
    }
    const lineStart = pos;
    pos = skipToken(buf, pos, end);
    const nameEnd = pos;
    if (nameEnd === lineStart) return fail(st, 'Bad Header Line');
    while (pos < end && (buf[pos] === SP || buf[pos] === HT)) pos++;
    if (pos >= end || buf[pos] !== COLON) return fail(st, 'Bad Header Line');
    const valueFrom = pos + 1;
    // The logical line ends at the first LF not followed by SP/HT (§7.3.1 folding). indexOf is
    // native; a hit past `end` counts as none (only an unterminated last line reads past it).
    let valueTo = end;
    let lineEnd = end;
    pos = valueFrom;
    for (;;) {
      lf = buf.indexOf(LF, pos);
      if (lf < 0 || lf >= end) break;
      const next = lf + 1;
      if (next < end && (buf[next] === SP || buf[next] === HT)) {
        pos = next;
        continue;
      }
      valueTo = lf;
      lineEnd = next;
      break;
    }
    if (st.count === MAX_HEADERS) return fail(st, 'Too Many Headers');
    const valueStart = skipLws(buf, valueFrom, valueTo);
    const valueEnd = trimLwsEnd(buf, valueStart, valueTo);
    const o = st.count * FIELDS;
    const t = st.table;
    t[o + F_ID] = headerIdOf(buf, lineStart, nameEnd);
    t[o + F_LINE_START] = lineStart;
    t[o + F_NAME_END] = nameEnd;
    t[o + F_VALUE_START] = valueStart;
    t[o + F_VALUE_END] = valueEnd;
    t[o + F_LINE_END] = lineEnd;
    st.count++;
    pos = lineEnd;
  }
}

function fail(st: ScanState, reason: string): false {
  st.error = reason;
  return false;
}

/**
 * Request-Line = Method SP Request-URI SP SIP-Version (§7.1), exactly one SP between elements:
 * extra or trailing whitespace is refused (RFC 4475 §3.1.2.8-10) so that a request forwarded
 * with its start line untouched never carries it on.
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2); the SP before an empty
 * reason may be missing (RFC 4475 §3.1.1.13 is liberal the other way round).
 */
function scanStartLine(buf: Buffer, s: number, e: number, st: ScanState): boolean {
  if (e - s >= 4 && equalsLower(buf, s, s + 4, 'sip/')) {
    st.isRequest = false;
    let p = s;
    while (p < e && buf[p] !== SP) p++;
    const version = checkVersion(buf, s, p);
    if (version === 'bad') return fail(st, 'Bad Status Line');
    st.versionUnsupported = version === 'other';
    if (p + 4 > e || !isDigit(buf[p + 1]) || !isDigit(buf[p + 2]) || !isDigit(buf[p + 3])) {
      return fail(st, 'Bad Status Line');
    }
    const status = (buf[p + 1] - 48) * 100 + (buf[p + 2] - 48) * 10 + (buf[p + 3] - 48);
    if (status < 100 || status > 699) return fail(st, 'Bad Status Line');
    p += 4;
    if (p < e && buf[p] !== SP) return fail(st, 'Bad Status Line'); // a 4th digit: RFC 4475 §3.1.2.19
    st.status = status;
    st.reasonStart = p < e ? p + 1 : e;
    st.reasonEnd = e;
    return true;
  }
  st.isRequest = true;
  st.status = 0;
  st.reasonStart = st.reasonEnd = e;
  st.methodStart = st.methodEnd = st.uriStart = st.uriEnd = s;
  let p = s;
  while (p < e && isToken(buf[p])) p++;
  if (p === s || p >= e || buf[p] !== SP) return fail(st, 'Bad Request Line');
  st.methodStart = s;
  st.methodEnd = p;
  const uriStart = p + 1;
  p = uriStart;
  while (p < e && buf[p] !== SP && buf[p] !== HT) p++;
  if (p === uriStart || p >= e || buf[p] !== SP) return fail(st, 'Bad Request Line');
  st.uriStart = uriStart;
  st.uriEnd = p;
  const version = checkVersion(buf, p + 1, e);
  if (version === 'bad') return fail(st, 'Bad Request Line');
  st.versionUnsupported = version === 'other';
  return true;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive (§7.1). */
function checkVersion(buf: Buffer, s: number, e: number): 'ok' | 'other' | 'bad' {
  if (e - s < 7 || !equalsLower(buf, s, s + 4, 'sip/')) return 'bad';
  let p = s + 4;
  const major = p;
  while (p < e && isDigit(buf[p])) p++;
  if (p === major || p >= e || buf[p] !== DOT) return 'bad';
  const minor = ++p;
  while (p < e && isDigit(buf[p])) p++;
  if (p === minor || p !== e) return 'bad';
  return equalsLower(buf, s, e, 'sip/2.0') ? 'ok' : 'other';
}
