// Header parameters (RFC 3261 §25.1: *( SEMI generic-param ), with SWS around ';' and '=') and
// comma-separated header values (§7.3.1: a comma inside a quoted string or <...> does not split).
import {
  COLON, COMMA, DQUOTE, EQUAL, LAQUOT, LBRACKET, RAQUOT, RBRACKET, SEMI,
  equalsLower, findByte, isToken, skipLws, skipQuoted, skipToken, trimLwsEnd, unquote,
} from '../chars';

/** Bounds of one parameter: start is its ';', valueStart is -1 for a flag (no '='). */
export class ParamSpan {
  start = 0;
  nameStart = 0;
  nameEnd = 0;
  valueStart = -1;
  valueEnd = -1;
  end = 0;
}

export type ParamStep = 'param' | 'done' | 'bad';

/**
 * Reads the parameter at pos (LWS allowed before its ';'). 'param' fills out; 'done' means the
 * next non-LWS byte is not ';' (out.end is that offset); 'bad' is a malformed parameter.
 */
export function readHeaderParam(buf: Buffer, pos: number, end: number, out: ParamSpan): ParamStep {
  const semi = skipLws(buf, pos, end);
  if (semi >= end || buf[semi] !== SEMI) {
    out.end = semi;
    return 'done';
  }
  out.start = semi;
  const ns = skipLws(buf, semi + 1, end);
  const ne = skipToken(buf, ns, end);
  if (ne === ns) return 'bad';
  out.nameStart = ns;
  out.nameEnd = ne;
  const eq = skipLws(buf, ne, end);
  if (eq >= end || buf[eq] !== EQUAL) {
    out.valueStart = out.valueEnd = -1;
    out.end = ne;
    return 'param';
  }
  const vs = skipLws(buf, eq + 1, end);
  const ve = skipParamValue(buf, vs, end);
  if (ve <= vs) return 'bad';
  out.valueStart = vs;
  out.valueEnd = ve;
  out.end = ve;
  return 'param';
}

/** gen-value = token / host / quoted-string; returns the end of the value, or -1 if malformed. */
export function skipParamValue(buf: Buffer, pos: number, end: number): number {
  if (pos >= end) return -1;
  if (buf[pos] === DQUOTE) return skipQuoted(buf, pos, end);
  if (buf[pos] === LBRACKET) {
    const rb = findByte(buf, RBRACKET, pos + 1, end);
    return rb < 0 ? -1 : rb + 1;
  }
  let p = pos;
  // ':' so that an unbracketed IPv6 received= value (RFC 3261 §20.42 grammar) is one value.
  while (p < end && (isToken(buf[p]) || buf[p] === COLON)) p++;
  return p;
}

/** The value of a parameter span as text: quoted strings unquoted, null for a flag. */
export function paramValue(buf: Buffer, p: ParamSpan): string | null {
  if (p.valueStart < 0) return null;
  if (buf[p.valueStart] === DQUOTE) return unquote(buf, p.valueStart, p.valueEnd);
  return buf.toString('utf8', p.valueStart, p.valueEnd);
}

const SCRATCH = new ParamSpan();

/**
 * Finds parameter `lower` (ASCII lower case) among the header parameters in buf[s, e); fills out
 * and returns true. Stops at the first malformed parameter.
 */
export function findHeaderParam(buf: Buffer, s: number, e: number, lower: string, out: ParamSpan): boolean {
  let pos = s;
  while (readHeaderParam(buf, pos, e, out) === 'param') {
    if (equalsLower(buf, out.nameStart, out.nameEnd, lower)) return true;
    pos = out.end;
  }
  return false;
}

/** undefined when absent, null for a flag, else the (unquoted) value. */
export function headerParam(buf: Buffer, s: number, e: number, lower: string): string | null | undefined {
  if (!findHeaderParam(buf, s, e, lower, SCRATCH)) return undefined;
  return paramValue(buf, SCRATCH);
}

/** Checks that buf[s, e) is only well-formed header parameters; returns their end or -1. */
export function checkHeaderParams(buf: Buffer, s: number, e: number): number {
  let pos = s;
  for (;;) {
    const step = readHeaderParam(buf, pos, e, SCRATCH);
    if (step === 'bad') return -1;
    if (step === 'done') return SCRATCH.end;
    pos = SCRATCH.end;
  }
}

/** Bounds of one comma-separated value (trimmed). */
export class ValueSpan {
  start = 0;
  end = 0;
}

/**
 * The next non-empty comma-separated value in buf[pos, end), trimmed, into out. Returns where to
 * continue (past its comma, or end), or -1 when no value is left. An unterminated quote or '<'
 * runs to end: the function is total and linear.
 */
export function nextListValue(buf: Buffer, pos: number, end: number, out: ValueSpan): number {
  for (;;) {
    pos = skipLws(buf, pos, end);
    if (pos >= end) return -1;
    if (buf[pos] !== COMMA) break;
    pos++;
  }
  const s = pos;
  while (pos < end) {
    const b = buf[pos];
    if (b === COMMA) break;
    if (b === DQUOTE) {
      const after = skipQuoted(buf, pos, end);
      pos = after < 0 ? end : after;
    } else if (b === LAQUOT) {
      const gt = findByte(buf, RAQUOT, pos + 1, end);
      pos = gt < 0 ? end : gt + 1;
    } else {
      pos++;
    }
  }
  out.start = s;
  out.end = trimLwsEnd(buf, s, pos);
  return pos < end ? pos + 1 : end;
}

/** Where a value sits on its header line and what to delete to remove just that value. */
export interface ListPlace {
  readonly lineStart: number;
  readonly lineEnd: number;
  /** The value is alone on its header line: removing it removes [lineStart, lineEnd). */
  readonly onlyValueOnLine: boolean;
  /** The bytes to delete to remove this value with one of its commas, leaving the line valid. */
  readonly removeStart: number;
  readonly removeEnd: number;
}

export type ListVisitor = (start: number, end: number, place: ListPlace) => boolean;

/**
 * Calls visit for each comma-separated value of one header line (value bounds vs..ve), with
 * the bytes that remove it: the whole line when it is the only value, else the value and the
 * comma after it, or for the last value the comma before it. Stops when visit returns false.
 */
export function forEachListValue(buf: Buffer, vs: number, ve: number, lineStart: number, lineEnd: number, visit: ListVisitor): void {
  let cur = new ValueSpan();
  let next = new ValueSpan();
  let pos = nextListValue(buf, vs, ve, cur);
  let prevEnd = -1;
  while (pos >= 0) {
    const nextPos = nextListValue(buf, pos, ve, next);
    const hasNext = nextPos >= 0;
    const only = prevEnd < 0 && !hasNext;
    const place: ListPlace = {
      lineStart,
      lineEnd,
      onlyValueOnLine: only,
      removeStart: only ? lineStart : hasNext ? cur.start : prevEnd,
      removeEnd: only ? lineEnd : hasNext ? next.start : cur.end,
    };
    if (!visit(cur.start, cur.end, place)) return;
    prevEnd = cur.end;
    const t = cur;
    cur = next;
    next = t;
    pos = nextPos;
  }
}
