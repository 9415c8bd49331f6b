// Strict when sending (RFC 3261 §7.3, §25.1): before bytes leave the box, the header section
// must have no NUL, every CR followed by LF and every LF preceded by CR. We copy header bytes
// from what we received (tolerantly parsed), so a bare CR or LF inside a value would otherwise
// reach the next hop as a line break our parser never saw: header injection. One linear pass
// over the header section; the body is not looked at.
import { CR, LF } from './chars';

const NUL = 0;

/**
 * Whether buf[start, end) has a clean header section that ends with its empty line: without it,
 * whatever follows on a stream would be read as more headers of this message.
 */
export function headerSectionClean(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === NUL) return false;
    if (b === CR) {
      if (i + 1 >= end || buf[i + 1] !== LF) return false;
      // CRLF CRLF: the header section ends here.
      if (i + 3 < end && buf[i + 2] === CR && buf[i + 3] === LF) return true;
      i++;
    } else if (b === LF) {
      return false; // an LF not preceded by CR (a CRLF's LF is skipped above)
    }
  }
  return false; // no empty line: the header section never ended
}
