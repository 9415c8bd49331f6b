// Byte classes and small scanners of the RFC 3261 §25.1 grammar, as lookup tables: the receive path
// runs no regex. Every scanner is bounded by an explicit end offset and moves forward only.

export const HT = 9;
export const LF = 10;
export const CR = 13;
export const SP = 32;
export const DQUOTE = 34;
export const PERCENT = 37;
export const STAR = 42;
export const PLUS = 43;
export const COMMA = 44;
export const DASH = 45;
export const DOT = 46;
export const SLASH = 47;
export const COLON = 58;
export const SEMI = 59;
export const LAQUOT = 60;
export const EQUAL = 61;
export const RAQUOT = 62;
export const QMARK = 63;
export const AT = 64;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;

const F_TOKEN = 1;
const F_DIGIT = 2;
const F_ALPHA = 4;
const F_HOST = 8; // hostname / IPv4 characters (plus '_', seen in the wild)
const F_LWS = 16; // SP HT CR LF: inside an indexed header value CR/LF only occur as folding
const F_IPV6 = 32; // inside [ ]: hex digits, ':' and '.' (IPv4-mapped tail)

const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let f = 0;
  const alpha = (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
  const digit = b >= 48 && b <= 57;
  if (alpha) f |= F_ALPHA;
  if (digit) f |= F_DIGIT;
  // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
  if (alpha || digit || '-.!%*_+`\'~'.includes(String.fromCharCode(b))) f |= F_TOKEN;
  if (alpha || digit || b === DASH || b === DOT || b === 95) f |= F_HOST;
  if (b === SP || b === HT || b === CR || b === LF) f |= F_LWS;
  if (digit || (b >= 65 && b <= 70) || (b >= 97 && b <= 102) || b === COLON || b === DOT) f |= F_IPV6;
  CLASS[b] = f;
}

export function isToken(b: number): boolean {
  return (CLASS[b] & F_TOKEN) !== 0;
}
export function isDigit(b: number): boolean {
  return (CLASS[b] & F_DIGIT) !== 0;
}
export function isAlpha(b: number): boolean {
  return (CLASS[b] & F_ALPHA) !== 0;
}
export function isHostChar(b: number): boolean {
  return (CLASS[b] & F_HOST) !== 0;
}
export function isIPv6Char(b: number): boolean {
  return (CLASS[b] & F_IPV6) !== 0;
}
export function isLws(b: number): boolean {
  return (CLASS[b] & F_LWS) !== 0;
}

export function lowerByte(b: number): number {
  return b >= 65 && b <= 90 ? b | 0x20 : b;
}

/** Skips SP/HT/CR/LF from pos; returns the first other offset, or end. */
export function skipLws(buf: Buffer, pos: number, end: number): number {
  while (pos < end && (CLASS[buf[pos]] & F_LWS) !== 0) pos++;
  return pos;
}

/** Moves end back over SP/HT/CR/LF, not before start. */
export function trimLwsEnd(buf: Buffer, start: number, end: number): number {
  while (end > start && (CLASS[buf[end - 1]] & F_LWS) !== 0) end--;
  return end;
}

/** Skips token characters from pos; returns the first non-token offset, or end. */
export function skipToken(buf: Buffer, pos: number, end: number): number {
  while (pos < end && (CLASS[buf[pos]] & F_TOKEN) !== 0) pos++;
  return pos;
}

/**
 * pos is at a DQUOTE; returns the offset after the closing DQUOTE, or -1 when the string is not
 * terminated before end. A backslash escapes the next byte (quoted-pair, RFC 3261 §25.1).
 */
export function skipQuoted(buf: Buffer, pos: number, end: number): number {
  pos++;
  while (pos < end) {
    const b = buf[pos];
    if (b === DQUOTE) return pos + 1;
    pos += b === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** The text of a quoted string buf[s, e) (with its quotes), quoted-pairs resolved. */
export function unquote(buf: Buffer, s: number, e: number): string {
  s++;
  if (e > s && buf[e - 1] === DQUOTE) e--;
  let has = false;
  for (let i = s; i < e; i++) {
    if (buf[i] === BACKSLASH) {
      has = true;
      break;
    }
  }
  if (!has) return buf.toString('utf8', s, e);
  const parts: number[] = [];
  for (let i = s; i < e; i++) {
    if (buf[i] === BACKSLASH && i + 1 < e) i++;
    parts.push(buf[i]);
  }
  return Buffer.from(parts).toString('utf8');
}

/** Whether buf[s, e) equals `lower` (ASCII, given in lower case), ignoring case. */
export function equalsLower(buf: Buffer, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if (lowerByte(buf[s + i]) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether buf[s, e) equals `text` exactly (ASCII). */
export function equalsExact(buf: Buffer, s: number, e: number, text: string): boolean {
  if (e - s !== text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (buf[s + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * buf[s, e) as an unsigned decimal (leading zeros allowed); -1 when empty, not all digits, or
 * above max. Stops as soon as the value passes max, so a 10,000-digit number costs nothing.
 */
export function parseDecimal(buf: Buffer, s: number, e: number, max: number): number {
  if (s >= e) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (b < 48 || b > 57) return -1;
    v = v * 10 + (b - 48);
    if (v > max) return -1;
  }
  return v;
}

/** Same as parseDecimal over a string (for values the caller already holds as text). */
export function parseDecimalText(text: string, max: number): number {
  if (text.length === 0) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text.charCodeAt(i);
    if (b < 48 || b > 57) return -1;
    v = v * 10 + (b - 48);
    if (v > max) return -1;
  }
  return v;
}

/** Index of the first `byte` in buf[pos, end), or -1 (bounded, unlike Buffer#indexOf). */
export function findByte(buf: Buffer, byte: number, pos: number, end: number): number {
  for (let i = pos; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

/** buf[s, e) as text with each folding run (CRLF or LF followed by SP/HT) collapsed to one SP. */
export function collapsedText(buf: Buffer, s: number, e: number): string {
  const lf = findByte(buf, LF, s, e);
  if (lf < 0) return buf.toString('utf8', s, e);
  let out = '';
  let from = s;
  let i = lf;
  while (i >= 0) {
    let cut = i;
    if (cut > from && buf[cut - 1] === CR) cut--;
    while (cut > from && (buf[cut - 1] === SP || buf[cut - 1] === HT)) cut--;
    out += buf.toString('utf8', from, cut) + ' ';
    let next = i + 1;
    while (next < e && (buf[next] === SP || buf[next] === HT)) next++;
    from = next;
    i = findByte(buf, LF, from, e);
  }
  return out + buf.toString('utf8', from, e);
}
