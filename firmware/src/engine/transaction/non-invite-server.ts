// Non-INVITE server transaction: RFC 3261 17.2.2 (Figure 8), Timer J, and the transport errors of
// 17.2.4.
import type { Chunk } from '../alloc/pool';
import type { SipMessage } from '../sip/message';
import { TimerEntry } from '../timer/wheel';
import type { Endpoint, Transport } from '../transport/index';
import { HeldChunk } from './held-chunk';
import type { ServerKey } from './key';
import type { ServerTransaction, ServerUser, TxContext, TxEndReason } from './table';
import { timerJ } from './timers';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteServerTransaction {
  readonly kind = 'nist';
  #request: SipMessage | null;
  readonly key: ServerKey;
  /** Where the request came from, and where responses go (18.2.2, RFC 3581). */
  readonly source: Endpoint;
  readonly target: Endpoint;
  readonly transport: Transport;
  readonly user: ServerUser;
  /** @internal the table's chain link */
  chainNext: ServerTransaction | null = null;

  readonly #ctx: TxContext;
  #state: NonInviteServerState = 'Trying';
  #endReason: TxEndReason | null = null;
  #lastStatus = 0;
  #localTag: string | null = null;
  /** The last provisional (Proceeding) or the final (Completed), re-sent on retransmissions. */
  #response: HeldChunk | null = null;
  readonly #timerJ = new TimerEntry(() => this.#end('completed', null));
  readonly #onSendError = (err: Error): void => this.#end('transport-error', err);

  /** Made by the table for a received non-INVITE request (never an ACK); starts in Trying. */
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
    this.#request = req;
    this.key = key;
    this.source = source;
    this.target = target;
    this.transport = transport;
    this.user = user;
  }

  /**
   * The request, a view over the received bytes (kept, not copied) until the final response:
   * Completed needs only that response, and 64*T1 of held datagrams adds up under load.
   */
  get request(): SipMessage | null {
    return this.#request;
  }

  get state(): NonInviteServerState {
    return this.#state;
  }

  get endReason(): TxEndReason | null {
    return this.#endReason;
  }

  /** Status of the last response sent, 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** A To tag for responses this element makes itself, the same for all of them (8.2.6.2). */
  get localTag(): string {
    if (this.#localTag === null) this.#localTag = this.#ctx.ids.tag();
    return this.#localTag;
  }

  /**
   * Sends a response from the TU; takes ownership of `chunk` (the response in `[0, len)`) in every
   * state: kept for retransmission while it may be needed, dropped unsent after a final.
   */
  respond(status: number, chunk: Chunk, len: number): void {
    const held = new HeldChunk(this.#ctx.pool, chunk, len, this.#onSendError);
    if (!Number.isInteger(status) || status < 100 || status > 699) {
      held.drop();
      throw new RangeError(`NIST respond: status ${status} is not 100-699`);
    }
    if (this.#state !== 'Trying' && this.#state !== 'Proceeding') {
      // 17.2.2: in Completed, further responses from the TU are discarded.
      held.drop();
      return;
    }
    this.#lastStatus = status;
    this.#response?.drop();
    this.#response = held;
    if (status < 200) {
      // 17.2.2: a provisional moves Trying to Proceeding; later ones are sent too.
      this.#state = 'Proceeding';
      held.send(this.transport, this.target);
      return;
    }
    // 17.2.2: a final moves to Completed; Timer J (64*T1 unreliable, 0 reliable) absorbs
    // retransmitted requests, each answered with this final.
    this.#state = 'Completed';
    this.#request = null;
    const timerJMs = timerJ(this.#ctx.timers, this.transport.reliable);
    if (timerJMs > 0) this.#ctx.wheel.arm(this.#timerJ, timerJMs);
    held.send(this.transport, this.target);
    if (timerJMs === 0) this.#end('completed', null);
  }

  /** A retransmission of the request, matched to this transaction by the table (17.2.3). */
  receive(_req: SipMessage): void {
    switch (this.#state) {
      case 'Trying':
        // 17.2.2: retransmissions in Trying are discarded (the TU has not answered yet).
        return;
      case 'Proceeding':
      case 'Completed':
        // 17.2.2: answered with the most recent provisional (Proceeding) or the final (Completed).
        this.#response?.send(this.transport, this.target);
        return;
      case 'Terminated':
        return;
    }
  }

  /** Ends the transaction without telling the TU (table shutdown). */
  close(): void {
    this.#end('closed', null);
  }

  /** Terminated (17.2.2, 17.2.4): the TU is told first, then the chunk and timer go. */
  #end(reason: TxEndReason, err: Error | null): void {
    if (this.#state === 'Terminated') return;
    this.#state = 'Terminated';
    this.#endReason = reason;
    this.#ctx.wheel.disarm(this.#timerJ);
    try {
      if (reason === 'transport-error' && err !== null) this.user.onTransportError?.(this, err);
    } finally {
      this.#response?.drop();
      this.#response = null;
      this.#ctx.terminated(this);
      this.user.onTerminated?.(this);
    }
  }
}
