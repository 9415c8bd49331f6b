// INVITE client transaction: RFC 3261 17.1.1 (Figure 5), the ACK for non-2xx of 17.1.1.3, transport
// errors of 17.1.4, and RFC 6026 7.2 (the "Accepted" state absorbing 2xx retransmissions, Timer M).
import type { Chunk } from '../alloc/pool';
import { buildAckForNon2xx } from '../sip/build';
import type { SipMessage } from '../sip/message';
import { TimerEntry } from '../timer/wheel';
import type { Endpoint, Transport } from '../transport/index';
import { HeldChunk } from './held-chunk';
import type { ClientTransaction, ClientUser, TxContext, TxEndReason } from './table';
import { nextTimerA, timerA, timerB, timerD, timerM } from './timers';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

export class InviteClientTransaction {
  readonly kind = 'ict';
  readonly method = 'INVITE';
  /** The branch of the request's top Via: with the method, the transaction's key (17.1.3). */
  readonly branch: string;
  readonly dest: Endpoint;
  readonly transport: Transport;
  readonly user: ClientUser;
  /** @internal the table's chain link */
  chainNext: ClientTransaction | null = null;

  readonly #ctx: TxContext;
  #state: InviteClientState = 'Calling';
  #endReason: TxEndReason | null = null;
  #lastStatus = 0;
  /** The INVITE as sent; dropped once no retransmission or ACK needs it. */
  #request: HeldChunk | null;
  #requestMsg: SipMessage | null;
  /** The ACK for a non-2xx final, re-sent for each retransmitted final (17.1.1.2). */
  #ack: HeldChunk | null = null;
  #timerAMs = 0;
  readonly #timerA = new TimerEntry(() => this.#onTimerA());
  readonly #timerB = new TimerEntry(() => this.#onTimerB());
  /** Timer D in Completed (17.1.1.2), Timer M in Accepted (RFC 6026 7.2): both end the transaction. */
  readonly #timerDM = new TimerEntry(() => this.#end('completed', null));
  readonly #onSendError = (err: Error): void => this.#end('transport-error', err);

  /** Takes ownership of `chunk` (the INVITE in `[0, len)`, parsed as `msg`). Made by the table. */
  constructor(
    ctx: TxContext,
    chunk: Chunk,
    len: number,
    msg: SipMessage,
    dest: Endpoint,
    transport: Transport,
    user: ClientUser,
  ) {
    this.#ctx = ctx;
    this.#request = new HeldChunk(ctx.pool, chunk, len, this.#onSendError);
    this.#requestMsg = msg;
    this.branch = msg.topVia.branch ?? '';
    this.dest = dest;
    this.transport = transport;
    this.user = user;
  }

  get state(): InviteClientState {
    return this.#state;
  }

  get endReason(): TxEndReason | null {
    return this.#endReason;
  }

  /** Status of the last response received, 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** The INVITE as sent, while the transaction still holds it (Calling and Proceeding), else null. */
  get request(): SipMessage | null {
    return this.#requestMsg;
  }

  /** Called by the table once the transaction is indexed: sends the INVITE. */
  start(): void {
    const t = this.#ctx.timers;
    // 17.1.1.2: Timer A only over unreliable transports; Timer B for any transport.
    if (!this.transport.reliable) {
      this.#timerAMs = timerA(t);
      this.#ctx.wheel.arm(this.#timerA, this.#timerAMs);
    }
    this.#ctx.wheel.arm(this.#timerB, timerB(t));
    this.#request?.send(this.transport, this.dest);
  }

  /** A response matched to this transaction by the table (17.1.3). */
  receive(res: SipMessage): void {
    const status = res.status;
    switch (this.#state) {
      case 'Calling':
      case 'Proceeding':
        this.#lastStatus = status;
        if (status < 200) {
          // 17.1.1.2: a provisional moves Calling to Proceeding; retransmissions stop, and Timer B
          // (which only guards Calling) with them. Every provisional goes to the TU.
          if (this.#state === 'Calling') {
            this.#state = 'Proceeding';
            this.#ctx.wheel.disarm(this.#timerA);
            this.#ctx.wheel.disarm(this.#timerB);
          }
          this.user.onResponse(this, res);
        } else if (status < 300) {
          this.#onFirst2xx(res);
        } else {
          this.#onFirstNon2xx(res);
        }
        return;
      case 'Completed':
        // 17.1.1.2: a retransmitted final is absorbed and answered with the same ACK.
        if (status >= 300 && this.#ack !== null) this.#ack.send(this.transport, this.dest);
        return;
      case 'Accepted':
        // RFC 6026 7.2: further 2xx (retransmissions or other forks) go to the TU; the rest is dropped.
        if (status >= 200 && status < 300) this.user.onResponse(this, res);
        return;
      case 'Terminated':
        return;
    }
  }

  /** Ends the transaction without telling the TU (table shutdown). */
  close(): void {
    this.#end('closed', null);
  }

  /** RFC 6026 7.2: a 2xx moves to Accepted (not Terminated) for 64*T1; the TU ACKs it (13.2.2.4). */
  #onFirst2xx(res: SipMessage): void {
    this.#state = 'Accepted';
    this.#ctx.wheel.disarm(this.#timerA);
    this.#ctx.wheel.disarm(this.#timerB);
    this.#ctx.wheel.arm(this.#timerDM, timerM(this.#ctx.timers));
    try {
      this.user.onResponse(this, res);
    } finally {
      this.#dropRequest(); // no retransmission of the INVITE from here on
    }
  }

  /** 17.1.1.2: 300-699 moves to Completed; the response goes to the TU, an ACK goes out, Timer D. */
  #onFirstNon2xx(res: SipMessage): void {
    this.#state = 'Completed';
    const wheel = this.#ctx.wheel;
    wheel.disarm(this.#timerA);
    wheel.disarm(this.#timerB);
    const built = this.#buildAck(res);
    this.#dropRequest();
    const timerDMs = timerD(this.#ctx.timers, this.transport.reliable);
    // Armed before the TU runs, so the transaction ends even if the TU throws.
    if (timerDMs > 0) wheel.arm(this.#timerDM, timerDMs);
    if (built !== null) this.#ack = built;
    try {
      this.user.onResponse(this, res);
    } finally {
      if (built === null) {
        this.#end('transport-error', new Error('ICT: the ACK does not fit in INVITE + response bytes'));
      } else if (this.#state === 'Completed') {
        // 17.1.1.3: the ACK goes to the same address, port and transport as the INVITE.
        built.send(this.transport, this.dest);
        // 17.1.1.2: Timer D is 0 over reliable transports: Terminated at once.
        if (timerDMs === 0) this.#end('completed', null);
      }
    }
  }

  /**
   * The ACK of 17.1.1.3 in a chunk of its own. It is usually shorter than its INVITE (no body);
   * INVITE plus response bytes is a hard upper bound (the To header comes from the response).
   */
  #buildAck(res: SipMessage): HeldChunk | null {
    const invite = this.#requestMsg;
    const request = this.#request;
    if (invite === null || request === null) return null;
    return (
      this.#tryBuildAck(invite, res, request.len) ??
      this.#tryBuildAck(invite, res, request.len + (res.end - res.start))
    );
  }

  #tryBuildAck(invite: SipMessage, res: SipMessage, size: number): HeldChunk | null {
    const pool = this.#ctx.pool;
    const chunk = pool.acquire(size, 'ict-ack');
    const len = buildAckForNon2xx(invite, res, chunk.buf, 0);
    if (len > 0) return new HeldChunk(pool, chunk, len, this.#onSendError);
    pool.release(chunk);
    return null;
  }

  /** 17.1.1.2: Timer A retransmits the INVITE in Calling and doubles. */
  #onTimerA(): void {
    if (this.#state !== 'Calling' || this.#request === null) return;
    this.#timerAMs = nextTimerA(this.#timerAMs);
    this.#ctx.wheel.arm(this.#timerA, this.#timerAMs);
    this.#request.send(this.transport, this.dest);
  }

  /** 17.1.1.2: Timer B in Calling: no response at all; the TU hears of the timeout. */
  #onTimerB(): void {
    if (this.#state === 'Calling') this.#end('timeout', null);
  }

  #dropRequest(): void {
    this.#request?.drop();
    this.#request = null;
    this.#requestMsg = null;
  }

  /** Terminated (17.1.1.2, 17.1.4): the TU is told first, then every chunk and timer goes. */
  #end(reason: TxEndReason, err: Error | null): void {
    if (this.#state === 'Terminated') return;
    this.#state = 'Terminated';
    this.#endReason = reason;
    const wheel = this.#ctx.wheel;
    wheel.disarm(this.#timerA);
    wheel.disarm(this.#timerB);
    wheel.disarm(this.#timerDM);
    try {
      if (reason === 'timeout') this.user.onTimeout(this);
      else if (reason === 'transport-error' && err !== null) this.user.onTransportError(this, err);
    } finally {
      this.#dropRequest();
      this.#ack?.drop();
      this.#ack = null;
      this.#ctx.terminated(this);
    }
  }
}
