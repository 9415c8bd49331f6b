// Reading and writing SIP text on the fuzzer's side (RFC 3261 §7, §8.2.6 responses, §22 digest),
// written here independently of the daemon's parser: line-based, for well-formed messages we made
// or that the box sent us.
import type { Socket } from 'node:dgram';
import { challenges, credentials } from '../helpers/digest';

/** Header lines whose name (long or compact form, RFC 3261 §7.3.3) is one of `names`, in order. */
export function headerLines(text: string, ...names: string[]): string[] {
  const head = text.slice(0, Math.max(0, text.indexOf('\r\n\r\n')));
  const wanted = names.map((n) => n.toLowerCase());
  return head.split('\r\n').slice(1).filter((l) => {
    const colon = l.indexOf(':');
    return colon > 0 && wanted.includes(l.slice(0, colon).trim().toLowerCase());
  });
}

/** The value of the first header named one of `names`, or ''. */
export function headerValue(text: string, ...names: string[]): string {
  const l = headerLines(text, ...names)[0];
  return l === undefined ? '' : l.slice(l.indexOf(':') + 1).trim();
}

export const startLine = (text: string): string => text.slice(0, Math.max(0, text.indexOf('\r\n')));
export const statusCode = (text: string): number => (text.startsWith('SIP/2.0 ') ? Number(text.slice(8, 11)) : 0);
export const callIdOf = (text: string): string => headerValue(text, 'Call-ID', 'i');
export const cseqMethodOf = (text: string): string => headerValue(text, 'CSeq').split(/\s+/)[1] ?? '';

/** Lines joined with CRLF, the empty line, the body, Content-Length counted. */
export function message(lines: readonly string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`].join('\r\n') + '\r\n\r\n' + body;
}

/**
 * A response to `request` (RFC 3261 §8.2.6.2): its Vias, From, Call-ID and CSeq copied, To with
 * `toTag` added unless it has one (a 100 gets none), and Record-Route copied into a 1xx or 2xx
 * that could make a dialog (§12.1.1).
 */
export function responseTo(request: string, status: number, reason: string, toTag: string, extra: readonly string[] = [], body = ''): string {
  let to = headerLines(request, 'To', 't')[0] ?? 'To: <sip:unknown@127.0.0.1>';
  if (status > 100 && !/;\s*tag=/i.test(to)) to += `;tag=${toTag}`;
  return message([
    `SIP/2.0 ${status} ${reason}`,
    ...headerLines(request, 'Via', 'v'),
    ...headerLines(request, 'From', 'f'),
    to,
    ...headerLines(request, 'Call-ID', 'i'),
    ...headerLines(request, 'CSeq'),
    ...(status > 100 && status < 300 ? headerLines(request, 'Record-Route') : []),
    ...extra,
  ], body);
}

/** Digest state for one user: the latest challenge and the nonce count (RFC 7616 §3.4). */
export class DigestUser {
  #challenge: ReturnType<typeof challenges>[number] | null = null;
  #nc = 0;
  constructor(readonly user: string, private readonly password: string) {}

  /** Takes the first challenge of a 401/407 as the one to answer from now on. */
  learn(response: string): boolean {
    const c = challenges(response)[0];
    if (c === undefined) return false;
    this.#challenge = c;
    this.#nc = 0;
    return true;
  }

  get ready(): boolean { return this.#challenge !== null; }

  /** The Authorization / Proxy-Authorization line for the next request, or '' before a challenge. */
  credentials(method: string, uri: string): string {
    const c = this.#challenge;
    if (c === null) return '';
    return credentials({ c, user: this.user, password: this.password, method, uri, nc: ++this.#nc, cnonce: `fuzz${this.#nc}` });
  }
}

/** A UDP socket's datagrams by Call-ID: a request/answer exchange waits for its own answers only. */
export class Inbox {
  readonly #waiters = new Map<string, (text: string) => void>();
  onOther: (text: string) => void = () => undefined;
  /** Sees every datagram first, e.g. to check it is well-formed. */
  onAny: (m: Buffer) => void = () => undefined;

  constructor(sock: Socket) {
    sock.on('message', (m) => {
      this.onAny(m);
      const text = m.toString('latin1');
      const w = this.#waiters.get(callIdOf(text));
      if (w !== undefined) w(text);
      else this.onOther(text);
    });
  }

  /**
   * Resolves with the first final (>= 200) response for `callId` and CSeq `method`, or null after
   * timeoutMs; `onEach` sees every datagram of the Call-ID meanwhile.
   */
  final(callId: string, method: string, timeoutMs: number, onEach: (text: string) => void = () => undefined): Promise<string | null> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#waiters.delete(callId); resolve(null); }, timeoutMs);
      this.#waiters.set(callId, (text) => {
        onEach(text);
        if (statusCode(text) >= 200 && cseqMethodOf(text) === method) { clearTimeout(t); this.#waiters.delete(callId); resolve(text); }
      });
    });
  }
}
