// What every message the box sends must look like, whatever it was fed (RFC 3261 §7, §7.3, §20.14,
// §25.1): a status line or request line, header lines `name: value` with no NUL, no bare CR or LF,
// the empty line, and a Content-Length that counts the body. A box that copies a malformed header
// into its answer (header injection, response splitting) shows here. Checked by hand, not with
// the box's own parser.

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** RFC 3261 §25.1 token characters (alphanum and -.!%*_+`'~). */
function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || '-.!%*_+`\'~'.includes(String.fromCharCode(c));
}

/** Why `msg` is not a well-formed SIP message, or null when it is. */
export function malformation(msg: Buffer): string | null {
  const end = msg.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) return 'no empty line after the headers';
  // Lines of the head, split on CRLF only: a CR or LF left inside a line stands alone.
  const lines: Array<[number, number]> = [];
  for (let from = 0; from <= end;) {
    const eol = msg.indexOf('\r\n', from, 'latin1');
    const to = eol < 0 || eol > end ? end : eol;
    lines.push([from, to]);
    from = to + 2;
  }
  const first = msg.toString('latin1', lines[0][0], lines[0][1]);
  if (!/^SIP\/2\.0 [1-6]\d\d [^\r\n\0]*$/.test(first) && !/^[A-Za-z0-9\-.!%*_+`'~]+ \S+ SIP\/2\.0$/.test(first)) {
    return `bad start line ${JSON.stringify(first.slice(0, 80))}`;
  }
  let contentLength: number | null = null;
  for (let k = 1; k < lines.length; k++) {
    const [from, to] = lines[k];
    for (let i = from; i < to; i++) {
      const c = msg[i];
      if (c === NUL) return `NUL in header line ${k}`;
      if (c === CR || c === LF) return `bare ${c === CR ? 'CR' : 'LF'} in header line ${k}: ${JSON.stringify(msg.toString('latin1', from, Math.min(to, from + 80)))}`;
    }
    const c0 = msg[from];
    if (c0 === SP || c0 === HTAB) continue; // a folded continuation (§7.3.1), read with its header below
    let i = from;
    while (i < to && isTokenChar(msg[i])) i++;
    const nameEnd = i;
    while (i < to && (msg[i] === SP || msg[i] === HTAB)) i++;
    if (nameEnd === from || msg[i] !== COLON) return `header line ${k} is not "name: value": ${JSON.stringify(msg.toString('latin1', from, Math.min(to, from + 80)))}`;
    const name = msg.toString('latin1', from, nameEnd).toLowerCase();
    if (name === 'content-length' || name === 'l') {
      // The value with its folded continuation lines, if any (LWS, §25.1).
      let value = msg.toString('latin1', i + 1, to);
      for (let j = k + 1; j < lines.length && (msg[lines[j][0]] === SP || msg[lines[j][0]] === HTAB); j++) value += ' ' + msg.toString('latin1', lines[j][0], lines[j][1]);
      value = value.trim();
      // §20.14: 1*DIGIT; leading zeros are allowed, a value past 2^32 is not a length.
      const digits = value.replace(/^0+(?=\d)/, '');
      if (!/^\d{1,10}$/.test(digits)) return `Content-Length ${JSON.stringify(value.slice(0, 40))}`;
      if (contentLength !== null && contentLength !== Number(digits)) return 'two different Content-Length headers';
      contentLength = Number(digits);
    }
  }
  const bodyLength = msg.length - (end + 4);
  if (contentLength !== null && contentLength !== bodyLength) return `Content-Length ${contentLength} but a body of ${bodyLength} bytes`;
  return null;
}

/**
 * Whole messages at the start of a TCP byte stream (RFC 3261 §18.3: the empty line, then
 * Content-Length bytes of body; CRLF keep-alives between messages skipped); what is left over
 * (an unfinished message) is returned apart.
 */
export function splitStream(stream: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let at = 0;
  for (;;) {
    while (at < stream.length && (stream[at] === CR || stream[at] === LF)) at++;
    const end = stream.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const head = stream.toString('latin1', at, end);
    const m = /\r\n(?:content-length|l)[ \t]*:[ \t]*(\d{1,10})/i.exec(head);
    const total = end + 4 + (m === null ? 0 : Number(m[1]));
    if (total > stream.length) break;
    messages.push(stream.subarray(at, total));
    at = total;
  }
  return { messages, rest: stream.subarray(at) };
}
