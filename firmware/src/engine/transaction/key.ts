// Transaction matching keys: RFC 3261 17.1.3 (client: branch + CSeq method), 17.2.3 (server:
// branch + sent-by + method, with the RFC 2543 fallback on Request-URI, tags, Call-ID, CSeq, Via).
import { MAGIC_COOKIE } from '../ids';
import type { SipMessage } from '../sip/message';

type TopVia = SipMessage['topVia'];

/** 8.1.1.7: a branch that starts with the magic cookie was made unique by an RFC 3261 element. */
export function isRfc3261Branch(branch: string | null): branch is string {
  return branch !== null && branch.startsWith(MAGIC_COOKIE);
}

/** Hosts compare case-insensitively (19.1.4); the lowercase copies are made only on a near miss. */
export function sameHost(a: string, b: string): boolean {
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}

/**
 * What a server transaction is matched on, read once from the request that created it. The
 * 3261 fields are plain strings the parser already made; the 2543 fields (Call-ID, tags, CSeq
 * number, Request-URI offsets) are read only for a request without a magic-cookie branch.
 *
 * Cost per received request: a 3261 lookup is one Map.get on the branch string the parser gives
 * plus field compares along a chain (normally of length 1: INVITE and CANCEL share a branch), so
 * no string is built. A 2543 lookup does one Map.get on the Call-ID plus the header reads.
 */
export class ServerKey {
  /** The creating request's method ('INVITE' for the ACK and CANCEL that refer to it). */
  readonly method: string;
  /** The branch when it has the cookie; null means the 2543 fallback applies. */
  readonly branch: string | null;
  /** The top Via's sent-by and transport, copied: the key must not keep the request's bytes alive. */
  readonly viaHost: string;
  readonly viaPort: number;
  readonly viaTransport: string;
  readonly viaBranch: string | null;
  /** 2543 fallback only (empty / 0 otherwise): the index key and the compared fields. */
  readonly callId: string;
  readonly fromTag: string | null;
  readonly toTag: string | null;
  readonly cseqSeq: number;
  readonly #ruriBuf: Buffer | null;
  readonly #ruriStart: number;
  readonly #ruriEnd: number;

  constructor(req: SipMessage) {
    this.method = req.method;
    this.viaHost = req.topVia.host;
    this.viaPort = req.topVia.port;
    this.viaTransport = req.topVia.transport;
    this.viaBranch = req.topVia.branch;
    const branch = req.topVia.branch;
    if (isRfc3261Branch(branch)) {
      this.branch = branch;
      this.callId = '';
      this.fromTag = null;
      this.toTag = null;
      this.cseqSeq = 0;
      this.#ruriBuf = null;
      this.#ruriStart = 0;
      this.#ruriEnd = 0;
    } else {
      this.branch = null;
      this.callId = req.callId();
      this.fromTag = req.from().tag();
      this.toTag = req.to().tag();
      this.cseqSeq = req.cseq().seq;
      this.#ruriBuf = req.buf;
      this.#ruriStart = req.ruriStart;
      this.#ruriEnd = req.ruriEnd;
    }
  }

  /** The string the table indexes the transaction by: the branch, or the Call-ID (2543). */
  get indexKey(): string {
    return this.branch ?? this.callId;
  }

  /** 17.2.3: same branch (the caller looked it up), same sent-by, and the method to compare. */
  matches3261(req: SipMessage, method: string): boolean {
    return method === this.method && this.#sameSentBy(req.topVia);
  }

  /**
   * 17.2.3, RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and top Via as in the
   * creating request, `method` as its method. The To tag is compared by the caller: for an ACK it
   * is the one of the response the transaction sent, for anything else the request's.
   * The Request-URI is compared byte for byte, which holds for retransmissions (identical bytes)
   * but is stricter than 19.1.4 URI equality: a legacy peer re-encoding its URI is not matched.
   */
  #sameSentBy(v: TopVia): boolean {
    return v.port === this.viaPort && sameHost(this.viaHost, v.host);
  }

  matches2543(req: SipMessage, method: string): boolean {
    if (method !== this.method || this.#ruriBuf === null) return false;
    if (req.cseq().seq !== this.cseqSeq || req.callId() !== this.callId) return false;
    if (req.from().tag() !== this.fromTag) return false;
    const v = req.topVia;
    if (v.branch !== this.viaBranch || !this.#sameSentBy(v)) return false;
    if (v.transport !== this.viaTransport) return false; // the parser upper-cases it
    const len = this.#ruriEnd - this.#ruriStart;
    if (req.ruriEnd - req.ruriStart !== len) return false;
    return req.buf.compare(this.#ruriBuf, this.#ruriStart, this.#ruriEnd, req.ruriStart, req.ruriEnd) === 0;
  }
}


