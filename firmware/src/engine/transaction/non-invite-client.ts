// Non-INVITE client transaction: RFC 3261 17.1.2 (Figure 6), Timers E, F and K, and the transport
// errors of 17.1.4.
import type { Chunk } from '../alloc/pool';
import type { SipMessage } from '../sip/message';
import { TimerEntry } from '../timer/wheel';
import type { Endpoint, Transport } from '../transport/index';
import { HeldChunk } from './held-chunk';
import type { ClientTransaction, ClientUser, TxContext, TxEndReason } from './table';
import { nextTimerE, timerE, timerF, timerK } from './timers';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteClientTransaction {
  readonly kind = 'nict';
  readonly method: string;
  /** The branch of the request's top Via: with the method, the transaction's key (17.1.3). */
  readonly branch: string;
  readonly dest: Endpoint;
  readonly transport: Transport;
  readonly user: ClientUser;
  /** @internal the table's chain link */
  chainNext: ClientTransaction | null = null;

  readonly #ctx: TxContext;
  #state: NonInviteClientState = 'Trying';
  #endReason: TxEndReason | null = null;
  #lastStatus = 0;
  /** The request as sent; dropped on the final response (nothing is retransmitted after it). */
  #request: HeldChunk | null;
  #requestMsg: SipMessage | null;
  #timerEMs = 0;
  readonly #timerE = new TimerEntry(() => this.#onTimerE());
  readonly #timerF = new TimerEntry(() => this.#onTimerF());
  readonly #timerK = new TimerEntry(() => this.#end('completed', null));
  readonly #onSendError = (err: Error): void => this.#end('transport-error', err);

  /** Takes ownership of `chunk` (the request in `[0, len)`, parsed as `msg`). Made by the table. */
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
    this.method = msg.method;
    this.branch = msg.topVia.branch ?? '';
    this.dest = dest;
    this.transport = transport;
    this.user = user;
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  get endReason(): TxEndReason | null {
    return this.#endReason;
  }

  /** Status of the last response received, 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** The request as sent, while held (Trying and Proceeding), else null. */
  get request(): SipMessage | null {
    return this.#requestMsg;
  }

  /** Called by the table once the transaction is indexed: sends the request. */
  start(): void {
    const t = this.#ctx.timers;
    // 17.1.2.2: Timer E only over unreliable transports; Timer F for any transport.
    if (!this.transport.reliable) {
      this.#timerEMs = timerE(t);
      this.#ctx.wheel.arm(this.#timerE, this.#timerEMs);
    }
    this.#ctx.wheel.arm(this.#timerF, timerF(t));
    this.#request?.send(this.transport, this.dest);
  }

  /** A response matched to this transaction by the table (17.1.3). */
  receive(res: SipMessage): void {
    const status = res.status;
    switch (this.#state) {
      case 'Trying':
      case 'Proceeding':
        this.#lastStatus = status;
        if (status < 200) {
          // 17.1.2.2: a provisional moves Trying to Proceeding and goes to the TU; Timer E keeps
          // running (its next interval becomes T2).
          this.#state = 'Proceeding';
          this.user.onResponse(this, res);
        } else {
          this.#onFinal(res);
        }
        return;
      case 'Completed':
        // 17.1.2.2: retransmitted finals are absorbed while Timer K runs.
      case 'Terminated':
        return;
    }
  }

  /** Ends the transaction without telling the TU (table shutdown). */
  close(): void {
    this.#end('closed', null);
  }

  /** 17.1.2.2: a final response moves to Completed (Timer K) and goes to the TU. */
  #onFinal(res: SipMessage): void {
    this.#state = 'Completed';
    const wheel = this.#ctx.wheel;
    wheel.disarm(this.#timerE);
    wheel.disarm(this.#timerF);
    const timerKMs = timerK(this.#ctx.timers, this.transport.reliable);
    if (timerKMs > 0) wheel.arm(this.#timerK, timerKMs); // before the TU runs, in case it throws
    try {
      this.user.onResponse(this, res);
    } finally {
      this.#dropRequest();
      // 17.1.2.2: Timer K is 0 over reliable transports: Terminated at once.
      if (timerKMs === 0) this.#end('completed', null);
    }
  }

  /** 17.1.2.2: Timer E retransmits; in Trying it doubles up to T2, in Proceeding it is T2. */
  #onTimerE(): void {
    if ((this.#state !== 'Trying' && this.#state !== 'Proceeding') || this.#request === null) return;
    this.#timerEMs = nextTimerE(this.#ctx.timers, this.#timerEMs, this.#state === 'Proceeding');
    this.#ctx.wheel.arm(this.#timerE, this.#timerEMs);
    this.#request.send(this.transport, this.dest);
  }

  /** 17.1.2.2: Timer F in Trying or Proceeding: the TU hears of the timeout. */
  #onTimerF(): void {
    if (this.#state === 'Trying' || this.#state === 'Proceeding') this.#end('timeout', null);
  }

  #dropRequest(): void {
    this.#request?.drop();
    this.#request = null;
    this.#requestMsg = null;
  }

  /** Terminated (17.1.2.2, 17.1.4): the TU is told first, then every chunk and timer goes. */
  #end(reason: TxEndReason, err: Error | null): void {
    if (this.#state === 'Terminated') return;
    this.#state = 'Terminated';
    this.#endReason = reason;
    const wheel = this.#ctx.wheel;
    wheel.disarm(this.#timerE);
    wheel.disarm(this.#timerF);
    wheel.disarm(this.#timerK);
    try {
      if (reason === 'timeout') this.user.onTimeout(this);
      else if (reason === 'transport-error' && err !== null) this.user.onTransportError(this, err);
    } finally {
      this.#dropRequest();
      this.#ctx.terminated(this);
    }
  }
}
