// INVITE server transaction: RFC 3261 17.2.1 (Figure 7), transport errors of 17.2.4, and RFC 6026
// 7.1 (the "Accepted" state after a 2xx, absorbing INVITE retransmissions until Timer L).
import type { Chunk } from '../alloc/pool';
import { parseMessage } from '../sip/message';
import type { SipMessage } from '../sip/message';
import { TimerEntry } from '../timer/wheel';
import type { Endpoint, Transport } from '../transport/index';
import { HeldChunk } from './held-chunk';
import type { ServerKey } from './key';
import type { ServerTransaction, ServerUser, TxContext, TxEndReason } from './table';
import { nextTimerG, timerG, timerH, timerI, timerL } from './timers';

export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

export class InviteServerTransaction {
  readonly kind = 'ist';
  /** The INVITE, a view over the received bytes (kept, not copied). */
  readonly request: SipMessage;
  readonly key: ServerKey;
  /** Where the request came from, and where responses go (18.2.2, RFC 3581). */
  readonly source: Endpoint;
  readonly target: Endpoint;
  readonly transport: Transport;
  readonly user: ServerUser;
  /** @internal the table's chain link */
  chainNext: ServerTransaction | null = null;

  readonly #ctx: TxContext;
  #state: InviteServerState = 'Proceeding';
  #endReason: TxEndReason | null = null;
  #lastStatus = 0;
  #localTag: string | null = null;
  /** RFC 2543 ACK matching: the To tag of the non-2xx final this transaction sent. */
  #finalToTag: string | null = null;
  /** The last provisional (Proceeding) or the non-2xx final (Completed), re-sent on demand. */
  #response: HeldChunk | null = null;
  #timerGMs = 0;
  readonly #timerG = new TimerEntry(() => this.#onTimerG());
  readonly #timerH = new TimerEntry(() => this.#onTimerH());
  /** Timer I in Confirmed (17.2.1), Timer L in Accepted (RFC 6026 7.1): both end the transaction. */
  readonly #timerIL = new TimerEntry(() => this.#end('completed', null));
  readonly #onSendError = (err: Error): void => this.#end('transport-error', err);

  /** Made by the table for a received INVITE; starts in Proceeding (17.2.1). */
  constructor(
    ctx: TxContext,
    req: SipMessage,
    key: ServerKey,
    source: Endpoint,
    target: Endpoint,
    transport: Transport,
    user: ServerUser,
  ) {
    this.#ctx = ctx;
    this.request = req;
    this.key = key;
    this.source = source;
    this.target = target;
    this.transport = transport;
    this.user = user;
  }

  get state(): InviteServerState {
    return this.#state;
  }

  get endReason(): TxEndReason | null {
    return this.#endReason;
  }

  /** Status of the last response sent, 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /**
   * A To tag for responses this element makes itself, the same for all of them (8.2.6.2); made on
   * first use. A proxy relaying a downstream response keeps that response's tag instead.
   */
  get localTag(): string {
    if (this.#localTag === null) this.#localTag = this.#ctx.ids.tag();
    return this.#localTag;
  }

  /** @internal 17.2.3 (2543): the To tag of the non-2xx final sent (null: none, or no tag in it). */
  get finalToTag(): string | null {
    return this.#finalToTag;
  }

  /**
   * Sends a response from the TU; takes ownership of `chunk` (the response in `[0, len)`) in every
   * state: it is kept for retransmission, or given up once sent, or (after a final) dropped unsent.
   * Status 100 is the TU's to send (17.2.1 asks for it within 200 ms; a proxy sends it at once).
   */
  respond(status: number, chunk: Chunk, len: number): void {
    const held = new HeldChunk(this.#ctx.pool, chunk, len, this.#onSendError);
    if (!Number.isInteger(status) || status < 100 || status > 699) {
      held.drop();
      throw new RangeError(`IST respond: status ${status} is not 100-699`);
    }
    switch (this.#state) {
      case 'Proceeding':
        this.#lastStatus = status;
        if (status < 200) {
          // 17.2.1: a provisional is sent and kept to answer INVITE retransmissions.
          this.#replaceResponse(held).send(this.transport, this.target);
        } else if (status < 300) {
          this.#onTu2xx(held);
        } else {
          this.#onTuNon2xx(held);
        }
        return;
      case 'Accepted':
        // RFC 6026 7.1: 2xx from the TU (its own retransmissions, or more forks) go out as they come.
        if (status >= 200 && status < 300) {
          this.#lastStatus = status;
          held.send(this.transport, this.target);
        }
        held.drop();
        return;
      case 'Completed':
      case 'Confirmed':
      case 'Terminated':
        // 17.2.1: nothing follows a non-2xx final.
        held.drop();
        return;
    }
  }

  /** A request matched to this transaction by the table: a retransmitted INVITE or the ACK. */
  receive(req: SipMessage): void {
    if (req.method === 'ACK') {
      // 17.2.1: the ACK for the non-2xx final moves Completed to Confirmed; G and H stop, Timer I
      // absorbs ACK retransmissions. ACKs in Confirmed are absorbed.
      if (this.#state !== 'Completed') return;
      this.#state = 'Confirmed';
      const wheel = this.#ctx.wheel;
      wheel.disarm(this.#timerG);
      wheel.disarm(this.#timerH);
      this.#dropResponse();
      const timerIMs = timerI(this.#ctx.timers, this.transport.reliable);
      if (timerIMs === 0) this.#end('completed', null); // 0 over reliable transports
      else wheel.arm(this.#timerIL, timerIMs);
      return;
    }
    switch (this.#state) {
      case 'Proceeding':
      case 'Completed':
        // 17.2.1: a retransmitted INVITE is answered with the most recent provisional (Proceeding)
        // or the final (Completed), if any was sent.
        this.#response?.send(this.transport, this.target);
        return;
      case 'Accepted': // RFC 6026 7.1: absorbed; the TU retransmits the 2xx (13.3.1.4)
      case 'Confirmed': // 17.2.1: absorbed
      case 'Terminated':
        return;
    }
  }

  /** Ends the transaction without telling the TU (table shutdown). */
  close(): void {
    this.#end('closed', null);
  }

  /** RFC 6026 7.1: a 2xx is sent, not kept (the TU retransmits it), and Accepted lasts Timer L. */
  #onTu2xx(held: HeldChunk): void {
    this.#state = 'Accepted';
    this.#dropResponse();
    this.#ctx.wheel.arm(this.#timerIL, timerL(this.#ctx.timers));
    held.send(this.transport, this.target);
    held.drop();
  }

  /** 17.2.1: a 300-699 is kept; Timer G retransmits it (unreliable only) until the ACK or Timer H. */
  #onTuNon2xx(held: HeldChunk): void {
    this.#state = 'Completed';
    this.#replaceResponse(held);
    if (this.key.branch === null) this.#finalToTag = toTagOf(held);
    const t = this.#ctx.timers;
    const wheel = this.#ctx.wheel;
    if (!this.transport.reliable) {
      this.#timerGMs = timerG(t);
      wheel.arm(this.#timerG, this.#timerGMs);
    }
    wheel.arm(this.#timerH, timerH(t));
    held.send(this.transport, this.target);
  }

  /** 17.2.1: Timer G re-sends the final and doubles, capped at T2. */
  #onTimerG(): void {
    if (this.#state !== 'Completed' || this.#response === null) return;
    this.#timerGMs = nextTimerG(this.#ctx.timers, this.#timerGMs);
    this.#ctx.wheel.arm(this.#timerG, this.#timerGMs);
    this.#response.send(this.transport, this.target);
  }

  /** 17.2.1: Timer H in Completed: the ACK never came; the TU hears of the failure. */
  #onTimerH(): void {
    if (this.#state === 'Completed') this.#end('timeout', null);
  }

  #replaceResponse(held: HeldChunk): HeldChunk {
    this.#response?.drop();
    this.#response = held;
    return held;
  }

  #dropResponse(): void {
    this.#response?.drop();
    this.#response = null;
  }

  /** Terminated (17.2.1, 17.2.4): the TU is told first, then every chunk and timer goes. */
  #end(reason: TxEndReason, err: Error | null): void {
    if (this.#state === 'Terminated') return;
    this.#state = 'Terminated';
    this.#endReason = reason;
    const wheel = this.#ctx.wheel;
    wheel.disarm(this.#timerG);
    wheel.disarm(this.#timerH);
    wheel.disarm(this.#timerIL);
    try {
      if (reason === 'timeout') this.user.onAckTimeout?.(this);
      else if (reason === 'transport-error' && err !== null) this.user.onTransportError?.(this, err);
    } finally {
      this.#dropResponse();
      this.#ctx.terminated(this);
      this.user.onTerminated?.(this);
    }
  }
}

/** The To tag of a response we send; parsed only for RFC 2543 transactions (rare, legacy). */
function toTagOf(held: HeldChunk): string | null {
  const res = parseMessage(held.buf, 0, held.len);
  return res.ok ? res.to().tag() : null;
}
