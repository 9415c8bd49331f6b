// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16): the number fits 32 bits (§8.1.1.5, RFC 4475
// §3.1.2.4); the method is case-sensitive and kept as written.
import { equalsExact, isDigit, parseDecimal, skipLws, skipToken } from '../chars';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** The largest CSeq number: 2**32 - 1 (§8.1.1.5). */
export const CSEQ_MAX = 0xffffffff;

const KNOWN_METHODS = [
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
] as const;

/** The method at buf[s, e): the shared string constant for known methods, else a new string. */
export function internMethod(buf: Buffer, s: number, e: number): string {
  for (const m of KNOWN_METHODS) if (equalsExact(buf, s, e, m)) return m;
  return buf.toString('latin1', s, e);
}

/** Parses the CSeq value at buf[s, e) (already trimmed); null when malformed. */
export function parseCSeq(buf: Buffer, s: number, e: number): CSeq | null {
  let p = s;
  while (p < e && isDigit(buf[p])) p++;
  const seq = parseDecimal(buf, s, p, CSEQ_MAX);
  if (seq < 0) return null;
  const ms = skipLws(buf, p, e);
  if (ms === p) return null; // LWS is required between number and method
  const me = skipToken(buf, ms, e);
  if (me === ms || me !== e) return null;
  return { seq, method: internMethod(buf, ms, me) };
}
