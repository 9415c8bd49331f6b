// Splits a byte stream into SIP messages (RFC 3261 §18.3: Content-Length delimits each message on
// a stream; §7.5: CRLFs before a message are ignored) and spots RFC 5626 §3.5.1/§4.4.1 CRLF keep-alives.
//
// Linear time: each byte is looked at once by the header-end search (which resumes where the last
// push stopped) and header lines once more, at their first bytes, by the Content-Length scan.
// No regex and no string is made of the header block.
import { COLON, CR, HT, LF, SP } from '../sip/chars';

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const TO_LOWER = 0x20;

/** "content-length" in lower case; its compact form is "l" (RFC 3261 §7.3.3, §20.14). */
const CONTENT_LENGTH = [0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x6c, 0x65, 0x6e, 0x67, 0x74, 0x68];
const COMPACT_L = [0x6c];

// Where the framer is between pushes.
const BETWEEN = 0; // outside a message: skipping CRLFs, counting them for keep-alives
const HEADER = 1; // inside the start line and headers, looking for the empty line
const BODY = 2; // waiting for Content-Length body bytes
const FAILED = 3; // onError was called: everything after is ignored (the transport closes)

// Header-end search state, kept across pushes so a "\r\n\r\n" split between reads is found.
const IN_LINE = 0;
const AT_LINE_START = 1; // just after an LF
const AT_LINE_START_CR = 2; // after an LF, then a CR

/** A tail buffer bigger than this is dropped once its message is out, so idle connections stay small. */
const TAIL_KEEP_BYTES = 16 * 1024;
const TAIL_INITIAL_BYTES = 2 * 1024;

export interface StreamFramerOptions {
  /** Largest message (headers + body) accepted; more buffered without a complete message is an error. */
  maxMessageBytes: number;
  /**
   * One complete message is `buf[start, end)`. The bytes are only valid during the call: `buf` is
   * either the pushed chunk or the framer's reused tail buffer, so keep a copy if you need them later.
   */
  onMessage: (buf: Buffer, start: number, end: number) => void;
  /** RFC 5626 §4.4.1: 'ping' is a double CRLF (answer with one CRLF), 'pong' a lone CRLF. */
  onKeepAlive: (kind: 'ping' | 'pong') => void;
  /** The stream cannot be framed any more (bad or oversized Content-Length, header too long). */
  onError: (reason: string) => void;
}

export class StreamFramer {
  private readonly maxMessageBytes: number;
  private readonly onMessage: StreamFramerOptions['onMessage'];
  private readonly onKeepAlive: StreamFramerOptions['onKeepAlive'];
  private readonly onError: StreamFramerOptions['onError'];

  private phase = BETWEEN;
  /** LFs seen in the current run of CRLFs between messages (CRs are skipped). */
  private crlfCount = 0;
  /** A lone CRLF at the end of a push was already reported as a pong. */
  private pongReported = false;
  private lineState = IN_LINE;
  private bodyRemaining = 0;
  /** Bytes of a message that began in an earlier push; `tailLen === 0` means none. */
  private tail: Buffer | null = null;
  private tailLen = 0;

  constructor(opts: StreamFramerOptions) {
    this.maxMessageBytes = opts.maxMessageBytes;
    this.onMessage = opts.onMessage;
    this.onKeepAlive = opts.onKeepAlive;
    this.onError = opts.onError;
  }

  /** Bytes held for a message not yet complete (for tests and metrics). */
  get bufferedBytes(): number {
    return this.tailLen;
  }

  /** Feeds `chunk[start, end)`; the chunk may be reused by the caller as soon as push returns. */
  push(chunk: Buffer, start: number, end: number): void {
    if (this.phase === FAILED) return;
    let pos = start;
    // Start of the current message inside `chunk`, or -1 when it began in an earlier push (tail).
    let msgStart = this.phase === HEADER || this.phase === BODY ? -1 : start;
    while (pos < end) {
      if (this.phase === BETWEEN) {
        pos = this.skipCrlf(chunk, pos, end);
        if (pos === end) break;
        this.phase = HEADER;
        this.lineState = IN_LINE;
        msgStart = pos;
      }
      if (this.phase === HEADER) {
        const headerEnd = this.findHeaderEnd(chunk, pos, end);
        const scanned = (headerEnd < 0 ? end : headerEnd) - (msgStart < 0 ? pos : msgStart);
        if (this.tailLen + scanned > this.maxMessageBytes) {
          return this.fail('header exceeds maxMessageBytes');
        }
        if (headerEnd < 0) {
          if (msgStart < 0) this.appendTail(chunk, pos, end);
          break;
        }
        let block: Buffer = chunk;
        let blockStart = msgStart;
        if (msgStart < 0) {
          this.appendTail(chunk, pos, headerEnd);
          block = this.tail as Buffer;
          blockStart = 0;
        }
        const blockEnd = msgStart < 0 ? this.tailLen : headerEnd;
        const contentLength = scanContentLength(block, blockStart, blockEnd, this.maxMessageBytes);
        if (typeof contentLength === 'string') return this.fail(contentLength);
        if (blockEnd - blockStart + contentLength > this.maxMessageBytes) {
          return this.fail('message exceeds maxMessageBytes');
        }
        pos = headerEnd;
        this.bodyRemaining = contentLength;
        this.phase = BODY;
      }
      if (this.phase === BODY) {
        const take = Math.min(this.bodyRemaining, end - pos);
        if (msgStart < 0) this.appendTail(chunk, pos, pos + take);
        pos += take;
        this.bodyRemaining -= take;
        if (this.bodyRemaining > 0) break;
        this.deliver(chunk, msgStart, pos);
        msgStart = pos;
      }
    }
    if (this.phase === BETWEEN) {
      // A lone CRLF ending the push is a pong now; waiting for the next byte could take forever.
      if (this.crlfCount === 1 && !this.pongReported) {
        this.pongReported = true;
        this.onKeepAlive('pong');
      }
    } else if (msgStart >= 0) {
      // The message goes on in the next push: keep its bytes, the caller reuses the chunk.
      this.appendTail(chunk, msgStart, end);
    }
  }

  /** Skips CR/LF between messages; every second LF is a ping, a single one before a message a pong. */
  private skipCrlf(chunk: Buffer, pos: number, end: number): number {
    for (; pos < end; pos++) {
      const b = chunk[pos];
      if (b === LF) {
        if (++this.crlfCount === 2) {
          this.crlfCount = 0;
          this.pongReported = false;
          this.onKeepAlive('ping');
        }
      } else if (b !== CR) {
        if (this.crlfCount === 1 && !this.pongReported) this.onKeepAlive('pong');
        this.crlfCount = 0;
        this.pongReported = false;
        return pos;
      }
    }
    return pos;
  }

  /** Resumes the search for the empty line; returns the index just after it, or -1. */
  private findHeaderEnd(chunk: Buffer, pos: number, end: number): number {
    let state = this.lineState;
    for (; pos < end; pos++) {
      const b = chunk[pos];
      if (b === LF) {
        // A bare LF is tolerated as a line end, as most stacks do.
        if (state !== IN_LINE) {
          this.lineState = IN_LINE;
          return pos + 1;
        }
        state = AT_LINE_START;
      } else if (b === CR && state === AT_LINE_START) {
        state = AT_LINE_START_CR;
      } else if (b !== CR) {
        state = IN_LINE;
      }
    }
    this.lineState = state;
    return -1;
  }

  private deliver(chunk: Buffer, msgStart: number, end: number): void {
    this.phase = BETWEEN;
    if (msgStart >= 0) {
      this.onMessage(chunk, msgStart, end);
      return;
    }
    // Reset before the callback so the framer is consistent whatever the callback does.
    const tail = this.tail as Buffer;
    const len = this.tailLen;
    this.tailLen = 0;
    if (tail.length > TAIL_KEEP_BYTES) this.tail = null;
    this.onMessage(tail, 0, len);
  }

  private appendTail(src: Buffer, start: number, end: number): void {
    const need = this.tailLen + (end - start);
    let tail = this.tail;
    if (tail === null || tail.length < need) {
      let size = tail === null ? TAIL_INITIAL_BYTES : tail.length * 2;
      while (size < need) size *= 2;
      const grown = Buffer.allocUnsafe(Math.min(size, Math.max(need, this.maxMessageBytes)));
      if (tail !== null) tail.copy(grown, 0, 0, this.tailLen);
      this.tail = tail = grown;
    }
    src.copy(tail, this.tailLen, start, end);
    this.tailLen = need;
  }

  private fail(reason: string): void {
    this.phase = FAILED;
    this.tail = null;
    this.tailLen = 0;
    this.onError(reason);
  }
}

/**
 * Finds Content-Length (or compact "l", any case, RFC 3261 §7.3.1 folding allowed) in the header
 * block `buf[start, end)` (start line first). Returns the length, 0 when the header is missing
 * (tolerated, although §20.14 makes it mandatory on streams), or the reason it is unusable.
 */
export function scanContentLength(buf: Buffer, start: number, end: number, maxBytes: number): number | string {
  let found = -1;
  let lineStart = start;
  let first = true;
  while (lineStart < end) {
    let lineEnd = lineStart;
    while (lineEnd < end && buf[lineEnd] !== LF) lineEnd++;
    const b = buf[lineStart];
    // Skip the start line and continuation lines (they start with whitespace).
    if (!first && b !== SP && b !== HT) {
      const valueStart = matchName(buf, lineStart, lineEnd, CONTENT_LENGTH) ?? matchName(buf, lineStart, lineEnd, COMPACT_L);
      if (valueStart !== null) {
        const value = parseValue(buf, valueStart, end, maxBytes);
        if (typeof value === 'string') return value;
        if (found >= 0 && found !== value) return 'conflicting Content-Length headers';
        found = value;
      }
    }
    first = false;
    lineStart = lineEnd + 1;
  }
  return found < 0 ? 0 : found;
}

/** If the line names `name` (case-insensitive, then optional whitespace, then ':'), the index after ':'. */
function matchName(buf: Buffer, pos: number, lineEnd: number, name: readonly number[]): number | null {
  if (lineEnd - pos <= name.length) return null;
  for (let i = 0; i < name.length; i++) {
    let b = buf[pos + i];
    if (b >= UPPER_A && b <= UPPER_Z) b += TO_LOWER;
    if (b !== name[i]) return null;
  }
  pos += name.length;
  while (pos < lineEnd && (buf[pos] === SP || buf[pos] === HT)) pos++;
  return pos < lineEnd && buf[pos] === COLON ? pos + 1 : null;
}

/** Parses `LWS digits LWS` up to the end of the (possibly folded) header value. */
function parseValue(buf: Buffer, pos: number, end: number, maxBytes: number): number | string {
  pos = skipLinearWhitespace(buf, pos, end);
  let value = 0;
  let digits = 0;
  for (; pos < end; pos++) {
    const b = buf[pos];
    if (b < DIGIT_0 || b > DIGIT_9) break;
    value = value * 10 + (b - DIGIT_0);
    digits++;
    // Stop early: the number can never overflow and a huge value is refused as soon as it is seen.
    if (value > maxBytes) return 'Content-Length exceeds maxMessageBytes';
  }
  if (digits === 0) return 'Content-Length is not a number';
  pos = skipLinearWhitespace(buf, pos, end);
  const b = buf[pos];
  if (pos < end && b !== CR && b !== LF) return 'Content-Length is not a number';
  return value;
}

/** Skips SP/HT and line folds (CRLF or LF followed by SP/HT, RFC 3261 §7.3.1). */
function skipLinearWhitespace(buf: Buffer, pos: number, end: number): number {
  while (pos < end) {
    const b = buf[pos];
    if (b === SP || b === HT) {
      pos++;
      continue;
    }
    let next = pos;
    if (b === CR) next++;
    if (next < end && buf[next] === LF) {
      const after = buf[next + 1];
      if (next + 1 < end && (after === SP || after === HT)) {
        pos = next + 2;
        continue;
      }
    }
    return pos;
  }
  return pos;
}
