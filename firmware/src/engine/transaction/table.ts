// The transaction table: creates the four RFC 3261 §17 machines, matches responses (17.1.3) and
// requests (17.2.3, with the RFC 2543 fallback) to them, finds the INVITE a CANCEL targets (9.2).
import type { BufferPool, Chunk } from '../alloc/pool';
import type { IdSource } from '../ids';
import type { SipMessage } from '../sip/message';
import type { TimerWheel } from '../timer/wheel';
import type { Endpoint, Transport } from '../transport/index';
import { responseTarget } from '../transport/response-target';
import { ChainedMap } from './chained-map';
import { InviteClientTransaction } from './invite-client';
import { InviteServerTransaction } from './invite-server';
import { ServerKey, isRfc3261Branch } from './key';
import { NonInviteClientTransaction } from './non-invite-client';
import { NonInviteServerTransaction } from './non-invite-server';
import type { TimerConfig } from './timers';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type Transaction = ClientTransaction | ServerTransaction;

/** Why a transaction ended: 'completed' covers Timers D, I, J, K, L, M and reliable shortcuts. */
export type TxEndReason = 'completed' | 'timeout' | 'transport-error' | 'closed';

/** The TU of a client transaction (17.1). */
export interface ClientUser {
  /** Every response the machine passes up: provisionals, the final, and 2xx in Accepted. */
  onResponse(tx: ClientTransaction, res: SipMessage): void;
  /** Timer B (17.1.1.2) or F (17.1.2.2): no final response. The transaction is Terminated. */
  onTimeout(tx: ClientTransaction): void;
  /** 17.1.4: a send failed. The transaction is Terminated. */
  onTransportError(tx: ClientTransaction, err: Error): void;
}

/** The TU of a server transaction (17.2). */
export interface ServerUser {
  /** 17.2.1 Timer H: the ACK for a non-2xx final never came. */
  onAckTimeout?(tx: InviteServerTransaction): void;
  /** 17.2.4: a response could not be sent. */
  onTransportError?(tx: ServerTransaction, err: Error): void;
  /** Called once, after the transaction released everything and left the table. */
  onTerminated?(tx: ServerTransaction): void;
}

/** What a transaction gets from its table. */
export interface TxContext {
  readonly wheel: TimerWheel;
  readonly timers: TimerConfig;
  readonly pool: BufferPool;
  readonly ids: IdSource;
  /** Called once by a transaction entering Terminated: the table unlinks and counts it. */
  terminated(tx: Transaction): void;
}

export interface TransactionTableDeps {
  wheel: TimerWheel;
  timers: TimerConfig;
  pool: BufferPool;
  ids: IdSource;
  onTerminated?: (tx: Transaction) => void;
}

/** Counters for stats; `created` and the per-kind counts only grow. */
export interface TransactionCounters {
  created: number;
  createdInviteClient: number;
  createdNonInviteClient: number;
  createdInviteServer: number;
  createdNonInviteServer: number;
  terminated: number;
  timeouts: number;
  transportErrors: number;
}

/**
 * Keys are strings the parser already made (the branch, or the Call-ID for 2543 requests), so a
 * lookup builds no string: one Map.get plus field compares along a chain that normally holds one
 * transaction (two when a CANCEL shares its INVITE's branch, 9.1). Each transaction adds one Map
 * entry while it lives.
 */
export class TransactionTable {
  readonly #ctx: TxContext;
  readonly #onTerminated: ((tx: Transaction) => void) | undefined;
  /** Client transactions by branch (ours, always with the cookie). */
  readonly #clients = new ChainedMap<ClientTransaction>();
  /** Server transactions by RFC 3261 branch. */
  readonly #servers = new ChainedMap<ServerTransaction>();
  /** RFC 2543 server transactions (no cookie) by Call-ID. */
  readonly #legacyServers = new ChainedMap<ServerTransaction>();
  readonly #counters: TransactionCounters = {
    created: 0,
    createdInviteClient: 0,
    createdNonInviteClient: 0,
    createdInviteServer: 0,
    createdNonInviteServer: 0,
    terminated: 0,
    timeouts: 0,
    transportErrors: 0,
  };

  constructor(deps: TransactionTableDeps) {
    this.#onTerminated = deps.onTerminated;
    this.#ctx = {
      wheel: deps.wheel,
      timers: deps.timers,
      pool: deps.pool,
      ids: deps.ids,
      terminated: (tx) => this.#unlink(tx),
    };
  }

  get counters(): Readonly<TransactionCounters> {
    return this.#counters;
  }

  /** Transactions alive now. */
  get size(): number {
    return this.#clients.size + this.#servers.size + this.#legacyServers.size;
  }

  /**
   * 17.2.3: the server transaction `req` belongs to, if any. With a cookie branch: same branch,
   * same sent-by, same method (an ACK matches the INVITE; a CANCEL does not, it has its own).
   * Without: the RFC 2543 rules (see ServerKey.matches2543). `_src` plays no part in matching (the
   * RFC matches on message content only); it is taken so callers need not change if that does.
   * An ACK for an INVITE in Accepted is not matched: that is the 2xx's ACK, which RFC 6026 7.1
   * passes up to the TU (a proxy forwards it).
   */
  matchServer(req: SipMessage, _src: Endpoint): ServerTransaction | undefined {
    const isAck = req.method === 'ACK';
    const method = isAck ? 'INVITE' : req.method;
    const branch = req.topVia.branch;
    let found: ServerTransaction | undefined;
    if (isRfc3261Branch(branch)) {
      found = this.#find3261(req, branch, method);
    } else {
      found = this.#find2543(req, method, isAck ? 'ack' : 'request');
    }
    if (found !== undefined && isAck && found.kind === 'ist' && found.state === 'Accepted') return undefined;
    return found;
  }

  /**
   * 9.2: the INVITE server transaction a CANCEL refers to: the 17.2.3 match of the CANCEL with the
   * method taken as INVITE. A 2543 CANCEL matches on Request-URI, tags, Call-ID, CSeq number and Via.
   */
  findInviteForCancel(cancel: SipMessage): InviteServerTransaction | undefined {
    const branch = cancel.topVia.branch;
    const tx = isRfc3261Branch(branch)
      ? this.#find3261(cancel, branch, 'INVITE')
      : this.#find2543(cancel, 'INVITE', 'request');
    return tx !== undefined && tx.kind === 'ist' ? tx : undefined;
  }

  /**
   * A server transaction for a new request (17.2): INVITE server for an INVITE, non-INVITE server
   * otherwise. An ACK never makes a transaction (17): passing one is a bug and throws.
   */
  createServer(req: SipMessage, src: Endpoint, transport: Transport, user: ServerUser): ServerTransaction {
    if (req.method === 'ACK') throw new Error('createServer: an ACK does not create a transaction (17)');
    const key = new ServerKey(req);
    const target = responseTarget(req.topVia, src);
    const c = this.#counters;
    let tx: ServerTransaction;
    if (req.method === 'INVITE') {
      tx = new InviteServerTransaction(this.#ctx, req, key, src, target, transport, user);
      c.createdInviteServer++;
    } else {
      tx = new NonInviteServerTransaction(this.#ctx, req, key, src, target, transport, user);
      c.createdNonInviteServer++;
    }
    c.created++;
    (key.branch !== null ? this.#servers : this.#legacyServers).add(key.indexKey, tx);
    return tx;
  }

  /**
   * Sends a request in a new client transaction (17.1) and takes ownership of `chunk` (the bytes
   * `[0, len)`, parsed as `msg`). The top Via must carry a branch with the cookie (8.1.1.7):
   * without one no response could be matched, so that is a bug and throws (after releasing).
   * An ACK is not sent through a transaction (17.1.1.3 builds the non-2xx one; 13.2.2.4 the TU's).
   */
  sendRequest(
    chunk: Chunk,
    len: number,
    msg: SipMessage,
    dest: Endpoint,
    transport: Transport,
    user: ClientUser,
  ): ClientTransaction {
    if (!isRfc3261Branch(msg.topVia.branch) || msg.method === 'ACK') {
      this.#ctx.pool.release(chunk);
      throw new Error(`sendRequest: ${msg.method} needs a z9hG4bK branch and must not be an ACK`);
    }
    const c = this.#counters;
    let tx: ClientTransaction;
    if (msg.method === 'INVITE') {
      tx = new InviteClientTransaction(this.#ctx, chunk, len, msg, dest, transport, user);
      c.createdInviteClient++;
    } else {
      tx = new NonInviteClientTransaction(this.#ctx, chunk, len, msg, dest, transport, user);
      c.createdNonInviteClient++;
    }
    c.created++;
    this.#clients.add(tx.branch, tx);
    tx.start(); // after indexing: a response or a send error may arrive at once
    return tx;
  }

  /** 17.1.3: the client transaction of a response: same top Via branch and same CSeq method. */
  matchClient(res: SipMessage): ClientTransaction | undefined {
    const branch = res.topVia.branch;
    if (branch === null) return undefined;
    const method = res.method;
    for (let tx = this.#clients.first(branch) ?? null; tx !== null; tx = tx.chainNext) {
      if (tx.method === method) return tx;
    }
    return undefined;
  }

  /** Ends every transaction without TU callbacks other than onTerminated (shutdown, tests). */
  close(): void {
    for (const tx of this.#clients.values()) tx.close();
    for (const tx of this.#servers.values()) tx.close();
    for (const tx of this.#legacyServers.values()) tx.close();
  }

  #find3261(req: SipMessage, branch: string, method: string): ServerTransaction | undefined {
    for (let tx = this.#servers.first(branch) ?? null; tx !== null; tx = tx.chainNext) {
      if (tx.key.matches3261(req, method)) return tx;
    }
    return undefined;
  }

  /**
   * 17.2.3, last paragraphs. For an ACK, the To tag must be the one of the non-2xx final the
   * transaction sent; for any other request, the To tag of the creating request.
   */
  #find2543(req: SipMessage, method: string, kind: 'ack' | 'request'): ServerTransaction | undefined {
    const first = this.#legacyServers.first(req.callId());
    if (first === undefined) return undefined;
    const toTag = req.to().tag();
    for (let tx: ServerTransaction | null = first; tx !== null; tx = tx.chainNext) {
      if (!tx.key.matches2543(req, method)) continue;
      if (kind === 'ack') {
        // Only once a non-2xx final went out (Completed, Confirmed); a tagless legacy final
        // matches a tagless ACK.
        if (tx.kind !== 'ist' || (tx.state !== 'Completed' && tx.state !== 'Confirmed')) continue;
        if (tx.finalToTag === toTag) return tx;
      } else if (tx.key.toTag === toTag) {
        return tx;
      }
    }
    return undefined;
  }

  #unlink(tx: Transaction): void {
    let removed: boolean;
    if (tx.kind === 'ict' || tx.kind === 'nict') removed = this.#clients.remove(tx.branch, tx);
    else if (tx.key.branch !== null) removed = this.#servers.remove(tx.key.indexKey, tx);
    else removed = this.#legacyServers.remove(tx.key.indexKey, tx);
    if (!removed) return;
    const c = this.#counters;
    c.terminated++;
    if (tx.endReason === 'timeout') c.timeouts++;
    else if (tx.endReason === 'transport-error') c.transportErrors++;
    this.#onTerminated?.(tx);
  }
}
