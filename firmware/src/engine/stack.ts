// The SIP stack's receive pipeline (RFC 3261 §18.2.1, §17): bytes from a transport are parsed once,
// matched to a transaction, and handed to the transaction user (the route layer); the stack also
// sends the responses the TU decides, built into pooled buffers. It is the only place in the engine
// that knows both transports and transactions.
import type { BufferPool, Chunk } from './alloc/pool';
import type { EngineHooks } from './hooks';
import { buildResponse, type ResponseOptions } from './sip/build';
import { headerSectionClean } from './sip/wire-check';
import { parseMessage, type SipMessage } from './sip/message';
import { reasonPhrase } from './sip/status';
import type { InviteServerTransaction } from './transaction/invite-server';
import type { ServerTransaction, ServerUser, TransactionTable } from './transaction/table';
import type { Endpoint, Transport } from './transport/index';
import { responseTarget } from './transport/response-target';

/** The transaction user: the route layer above the engine. */
export interface StackUser extends ServerUser {
  /** A new request in its new server transaction. The TU must answer it, relay it, or drop it. */
  onRequest(req: SipMessage, tx: ServerTransaction, src: Endpoint): void;
  /** An ACK that matched no transaction: the ACK for a 2xx, routed end to end (13.2.2.4, 16.10). */
  onAck(ack: SipMessage, src: Endpoint, transport: Transport): void;
  /** A CANCEL matched to its INVITE (9.2); the stack has already answered the CANCEL with 200. */
  onCancel(cancel: SipMessage, invite: InviteServerTransaction, src: Endpoint): void;
  /** A response that matched no client transaction (16.7 says a proxy forwards it statelessly). */
  onStrayResponse(res: SipMessage, src: Endpoint, transport: Transport): void;
}

/** Counters of the receive path; they only grow. */
export interface StackCounters {
  received: number;
  requests: number;
  responses: number;
  retransmissionsAbsorbed: number;
  badMessages: number; // failed to parse
  badRepliedTo: number; // of those, answered with 4xx/505 statelessly
  dropped: number; // dropped without an answer (unparseable, unroutable, stray)
  repliesSent: number;
  replyTooLarge: number;
  handlerErrors: number;
  overloaded: number; // new requests refused with 503 because the transaction table was full
  unsafeDropped: number; // answers not sent: copied header bytes held a NUL or a bare CR/LF
}

export interface StackDeps {
  pool: BufferPool;
  table: TransactionTable;
  hooks: EngineHooks;
  /** Headers added to every response the box makes itself (e.g. `Server: sipbox/1.0\r\n`). */
  responseHeaders: string;
  /** Server transactions alive at once; past it new requests are refused with 503 (overload). */
  maxTransactions: number;
}

/** RFC 3261 §21.5.4: how long an overloaded box asks clients to wait. */
const OVERLOAD_RETRY_AFTER_SEC = 5;

/** Biggest response we build; larger ones (huge Via lists) are a sign of abuse and are not sent. */
const MAX_RESPONSE_BYTES = 65536;
const SCRATCH = Buffer.allocUnsafe(MAX_RESPONSE_BYTES);

export class SipStack {
  readonly counters: StackCounters = {
    received: 0, requests: 0, responses: 0, retransmissionsAbsorbed: 0, badMessages: 0,
    badRepliedTo: 0, dropped: 0, repliesSent: 0, replyTooLarge: 0, handlerErrors: 0, overloaded: 0, unsafeDropped: 0,
  };
  readonly #deps: StackDeps;
  #user: StackUser | null = null;

  constructor(deps: StackDeps) {
    this.#deps = deps;
  }

  /** Binds the TU once; the stack is sealed after that (house rule: fixed at start-up). */
  attach(user: StackUser): void {
    if (this.#user !== null) throw new Error('SipStack.attach: the transaction user is already attached');
    this.#user = user;
  }

  /**
   * The one receive entry point, given to every transport as its OnMessage. Never throws: a bug in
   * a handler is caught here, counted and reported once through the hooks (house rule 5).
   */
  readonly receive = (buf: Buffer, start: number, end: number, src: Endpoint, transport: Transport): void => {
    this.counters.received++;
    try {
      this.#receive(buf, start, end, src, transport);
    } catch (err) {
      this.counters.handlerErrors++;
      this.#deps.hooks.onError('receive', err as Error);
    }
  };

  #receive(buf: Buffer, start: number, end: number, src: Endpoint, transport: Transport): void {
    const user = this.#user;
    if (user === null) { this.counters.dropped++; return; }
    const parsed = parseMessage(buf, start, end, { stream: transport.reliable });
    if (parsed.ok === false) {
      this.counters.badMessages++;
      const partial = parsed.message;
      // 18.3 / 16.3: a request that can be answered gets the error; anything else is dropped.
      if (partial !== null && partial.isRequest && partial.method !== 'ACK') {
        this.counters.badRepliedTo++;
        this.replyStateless(partial, src, transport, parsed.status, parsed.reason);
      } else {
        this.counters.dropped++;
      }
      this.#deps.hooks.onBadMessage(src, parsed.status, parsed.reason);
      return;
    }
    const msg = parsed;
    this.#deps.hooks.onReceive(msg, src);
    if (!msg.isRequest) {
      this.counters.responses++;
      const ctx = this.#deps.table.matchClient(msg);
      if (ctx !== undefined) ctx.receive(msg);
      else user.onStrayResponse(msg, src, transport);
      return;
    }
    this.counters.requests++;
    const tx = this.#deps.table.matchServer(msg, src);
    if (tx !== undefined) {
      // 17.2.1 / 17.2.2: a retransmission (or the ACK of a non-2xx) belongs to the transaction.
      this.counters.retransmissionsAbsorbed++;
      tx.receive(msg);
      return;
    }
    if (msg.method === 'ACK') { user.onAck(msg, src, transport); return; }
    if (this.#deps.table.size >= this.#deps.maxTransactions) {
      // §21.5.4: refuse statelessly rather than grow without bound under a flood.
      this.counters.overloaded++;
      this.replyStateless(msg, src, transport, 503, 'Service Unavailable', `Retry-After: ${OVERLOAD_RETRY_AFTER_SEC}\r\n`);
      return;
    }
    const ntx = this.#deps.table.createServer(msg, src, transport, user);
    if (msg.method === 'CANCEL') {
      // 9.2: answer the CANCEL itself at once; the TU then ends the INVITE (487) or its branches.
      const invite = this.#deps.table.findInviteForCancel(msg);
      if (invite === undefined) { this.respond(ntx, 481); return; }
      this.respond(ntx, 200);
      user.onCancel(msg, invite, src);
      return;
    }
    user.onRequest(msg, ntx, src);
  }

  /**
   * Builds a response to the transaction's request and sends it through the transaction (which
   * keeps it for retransmission). The To tag is the transaction's own (8.2.6.2).
   */
  respond(tx: ServerTransaction, status: number, reason?: string, opts?: ResponseOptions): void {
    const req = tx.request;
    if (req === null) return; // a final was sent already: nothing more goes out (17.2.2)
    const o: ResponseOptions = { ...opts, toTag: status > 100 ? tx.localTag : undefined };
    o.extraHeaders = this.#deps.responseHeaders + (opts?.extraHeaders ?? '');
    const chunk = this.#build(req, status, reason ?? reasonPhrase(status), o, tx.source);
    if (chunk === null) return;
    this.counters.repliesSent++;
    tx.respond(status, chunk.c, chunk.len);
  }

  /** A response sent without a transaction (18.2.2), for requests that could not be parsed whole. */
  replyStateless(req: SipMessage, src: Endpoint, transport: Transport, status: number, reason: string, extraHeaders = ''): void {
    const built = this.#build(req, status, reason, { extraHeaders: this.#deps.responseHeaders + extraHeaders }, src);
    if (built === null) return;
    const pool = this.#deps.pool;
    const { c, len } = built;
    this.counters.repliesSent++;
    transport.send(c.buf, 0, len, responseTarget(req.topVia, src), () => pool.release(c));
  }

  #build(req: SipMessage, status: number, reason: string, opts: ResponseOptions, src: Endpoint): { c: Chunk; len: number } | null {
    opts.viaReceived = { address: src.address, port: src.port };
    // Built in one reused scratch buffer, then copied into the smallest slot that holds it: a
    // transaction keeps its final for 64*T1, so slot size is what thousands of them cost.
    const len = buildResponse(req, status, reason, SCRATCH, 0, opts);
    if (len < 0) {
      this.counters.replyTooLarge++;
      return null;
    }
    if (!headerSectionClean(SCRATCH, 0, len)) {
      this.counters.unsafeDropped++;
      return null;
    }
    const c = this.#deps.pool.acquire(len);
    SCRATCH.copy(c.buf, 0, 0, len);
    return { c, len };
  }
}
