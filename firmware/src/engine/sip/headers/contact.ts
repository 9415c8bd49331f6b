// Contact values (RFC 3261 §20.10, §10.2.1): '*' or name-addr/addr-spec with the expires and q
// parameters the registrar reads; out-of-range values count as absent (RFC 4475 §3.1.2.4).
import { DOT, STAR, parseDecimalText } from '../chars';
import { NameAddrValue, scanNameAddr, NameAddrSpan, type NameAddr } from './name-addr';
import type { ListPlace } from './params';

export interface Contact extends NameAddr {
  /** The value is '*' (REGISTER removing all bindings, §10.2.2). */
  readonly star: boolean;
  /** The expires parameter in seconds, -1 when absent or out of range (> 2**32-1). */
  readonly expires: number;
  /** The q parameter in thousandths (0..1000), -1 when absent or malformed. */
  readonly q: number;
}

class ContactValue extends NameAddrValue implements Contact {
  readonly expires: number;
  readonly q: number;

  constructor(
    buf: Buffer,
    s: number,
    e: number,
    valid: boolean,
    readonly star: boolean,
    span: NameAddrSpan,
    place: ListPlace,
  ) {
    const named = valid && !star;
    super(
      buf, s, e, valid,
      named ? span.displayStart : -1,
      named ? span.displayEnd : -1,
      named ? span.uriStart : s,
      named ? span.uriEnd : s,
      named ? span.paramsStart : e,
      place.lineStart, place.lineEnd, place.onlyValueOnLine, place.removeStart, place.removeEnd,
    );
    const exp = named ? this.param('expires') : undefined;
    this.expires = typeof exp === 'string' ? parseDecimalText(exp, 0xffffffff) : -1;
    const q = named ? this.param('q') : undefined;
    this.q = typeof q === 'string' ? parseQValue(q) : -1;
  }
}

const SPAN = new NameAddrSpan();

/** Parses one Contact value at buf[s, e) (trimmed); malformed values have valid false. */
export function parseContact(buf: Buffer, s: number, e: number, place: ListPlace): Contact {
  if (e - s === 1 && buf[s] === STAR) return new ContactValue(buf, s, e, true, true, SPAN, place);
  const ok = scanNameAddr(buf, s, e, SPAN);
  return new ContactValue(buf, s, e, ok, false, SPAN, place);
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (§25.1), in thousandths; -1 if bad. */
export function parseQValue(text: string): number {
  const n = text.length;
  if (n === 0 || n > 5) return -1;
  const whole = text.charCodeAt(0) - 48;
  if (whole !== 0 && whole !== 1) return -1;
  if (n === 1) return whole * 1000;
  if (text.charCodeAt(1) !== DOT) return -1;
  let frac = 0;
  let scale = 100;
  for (let i = 2; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    frac += d * scale;
    scale /= 10;
  }
  if (whole === 1 && frac !== 0) return -1;
  return whole * 1000 + frac;
}
