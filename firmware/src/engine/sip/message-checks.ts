// Checks parseMessage runs on the indexed headers (RFC 3261 §8.1.1 mandatory fields, §18.2.2
// the top Via a response is routed by); kept apart so that message.ts stays a view.
import { nextListValue, ValueSpan, type ListPlace } from './headers/params';
import { parseVia, type Via } from './headers/via';
import type { HeaderIndex } from './scan';

const TOP = new ValueSpan();
const NEXT = new ValueSpan();
const PLACE = { lineStart: 0, lineEnd: 0, onlyValueOnLine: true, removeStart: 0, removeEnd: 0 };

/** The reason a mandatory single-valued header is refused, or null (§8.1.1: exactly one). */
export function mandatoryHeaderProblem(name: string, count: number, valid: boolean): string | null {
  if (count === 0) return `Missing ${name}`;
  if (count > 1) return `Multiple ${name}`;
  return valid ? null : `Bad ${name}`;
}

/** Whether buf[s, e) holds a byte <= SP (LWS or a control character). */
export function containsLwsOrCtl(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] <= 32) return true;
  return false;
}

/** The place of a value alone on header line i (From, To: single-valued fields). */
export function wholeLinePlace(index: HeaderIndex, i: number): ListPlace {
  PLACE.lineStart = PLACE.removeStart = index.lineStart(i);
  PLACE.lineEnd = PLACE.removeEnd = index.lineEnd(i);
  PLACE.onlyValueOnLine = true;
  return PLACE;
}

/** The first value of the first Via field, with the bytes that remove it (§16.7, §18.2.2). */
export function parseTopVia(buf: Buffer, index: HeaderIndex, i: number): Via | null {
  const ve = index.valueEnd(i);
  const next = nextListValue(buf, index.valueStart(i), ve, TOP);
  if (next < 0) return null;
  const only = nextListValue(buf, next, ve, NEXT) < 0;
  PLACE.lineStart = index.lineStart(i);
  PLACE.lineEnd = index.lineEnd(i);
  PLACE.onlyValueOnLine = only;
  PLACE.removeStart = only ? PLACE.lineStart : TOP.start;
  PLACE.removeEnd = only ? PLACE.lineEnd : NEXT.start;
  return parseVia(buf, TOP.start, TOP.end, PLACE);
}
