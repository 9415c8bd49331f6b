// One request relayed statefully (RFC 3261 §16): its server transaction upstream and one client
// transaction per branch downstream. Parallel forking with the best final response chosen per
// §16.7, 2xx passed on at once, 6xx or a 2xx ending the other branches (§16.7 step 10), CANCEL
// propagated (§16.10), a ring timeout that cancels what still rings, and a failure hook that may
// try other targets (serial forking, the next trunk).
import type { SipMessage } from '../sip/message';
import { TimerEntry } from '../timer/wheel';
import type { ClientTransaction, ClientUser, ServerTransaction } from '../transaction/table';
import type { Endpoint } from '../transport/index';
import { bestResponseIndex, upstreamStatus } from './best-response';
import type { ProxyCore } from './core';

/** Where one branch goes. */
export interface Target {
  /** New Request-URI, or null to keep the request's. */
  ruri: string | null;
  /** Next hop override (e.g. where the binding registered from); else from the Route / R-URI. */
  dest: Endpoint | null;
  /** Route values to push (RFC 3327 Path). */
  pushRoutes: readonly string[];
}

/** What the failure hook decides when every branch ended without a 2xx. */
export type FailureDecision =
  | { kind: 'forward' } // send the best response upstream
  | { kind: 'reply'; status: number; reason?: string; headers?: string }
  | { kind: 'relay'; targets: readonly Target[] };

export interface RelayHooks {
  /** Extra header lines (CRLF-terminated) for one branch, or '' (Kamailio's branch_route). */
  branch?(target: Target, index: number): string;
  /** Every response from downstream before it is passed on (Kamailio's onreply_route). */
  reply?(res: SipMessage): void;
  /** All branches ended negatively (Kamailio's failure_route). `timedOut`: our ring timeout. */
  failure?(best: { status: number; res: SipMessage | null }, timedOut: boolean): FailureDecision;
}

export interface RelayOptions {
  recordRoute: boolean;
  /** INVITE only: cancel every branch still ringing after this long (0 = never, timer C only). */
  ringTimeoutMs: number;
  hooks: RelayHooks;
}

class Branch {
  tx: ClientTransaction | null = null;
  status = 0; // last status seen, 0 none
  final: SipMessage | null = null;
  cancelWanted = false;
  cancelSent = false;
  constructor(readonly target: Target) {}
  get done(): boolean { return this.status >= 200; }
}

export class ProxyCall implements ClientUser {
  readonly #core: ProxyCore;
  readonly #tx: ServerTransaction;
  readonly #req: SipMessage;
  readonly #src: Endpoint;
  readonly #opts: RelayOptions;
  readonly #branches: Branch[] = [];
  #finalSent = false; // a final response went upstream
  #cancelled = false; // CANCEL from upstream, or our ring timeout
  #timedOut = false;
  readonly #ringTimer = new TimerEntry(() => this.#onRingTimeout());

  constructor(core: ProxyCore, tx: ServerTransaction, req: SipMessage, src: Endpoint, opts: RelayOptions) {
    this.#core = core;
    this.#tx = tx;
    this.#req = req;
    this.#src = src;
    this.#opts = opts;
  }

  get isInvite(): boolean { return this.#req.method === 'INVITE'; }

  /** Starts a round of parallel branches. */
  start(targets: readonly Target[]): void {
    if (this.isInvite && this.#branches.length === 0) {
      // §16.2: the proxy answers 100 at once so the UAC stops retransmitting.
      this.#core.stack.respond(this.#tx, 100);
      if (this.#opts.ringTimeoutMs > 0) this.#core.wheel.arm(this.#ringTimer, this.#opts.ringTimeoutMs);
    }
    let started = 0;
    let firstError: { status: number; reason: string } | null = null;
    for (const t of targets) {
      const b = new Branch(t);
      this.#branches.push(b);
      const extra = this.#opts.hooks.branch?.(t, this.#branches.length - 1) ?? '';
      const r = this.#core.sendBranch(this.#req, this.#src, t, this.#opts.recordRoute, extra, this);
      if (r.ok) { b.tx = r.tx; started++; }
      else { b.status = r.status; firstError ??= r; }
    }
    if (started === 0) this.#allDone(firstError ?? { status: 480, reason: 'Temporarily Unavailable' });
  }

  /** §16.10: the upstream CANCEL matched our INVITE; cancel every branch still pending. */
  cancel(): void {
    if (this.#finalSent) return;
    this.#cancelled = true;
    for (const b of this.#branches) this.#cancelBranch(b);
    this.#maybeAllDone();
  }

  // ClientUser: responses of our branches (17.1 passes them up).
  onResponse(tx: ClientTransaction, res: SipMessage): void {
    const b = this.#branchOf(tx);
    if (b === null) return;
    this.#opts.hooks.reply?.(res);
    const status = res.status;
    if (status < 200) {
      if (status > b.status) b.status = status;
      // §9.1: a CANCEL waits for a provisional.
      if (b.cancelWanted && !b.cancelSent) this.#sendCancel(b);
      if (status > 100 && !this.#finalSent && !this.#cancelled) this.#core.forwardResponse(this.#tx, res);
      return;
    }
    if (status < 300) {
      b.status = status;
      // §16.7 step 5: every 2xx of an INVITE goes upstream (forks may answer twice).
      this.#core.forwardResponse(this.#tx, res);
      if (!this.#finalSent) {
        this.#finalSent = true;
        this.#core.wheel.disarm(this.#ringTimer);
        if (this.isInvite) for (const other of this.#branches) if (other !== b) this.#cancelBranch(other); // §16.7 step 10
      }
      return;
    }
    if (b.done) return; // a retransmitted final (the transaction normally absorbs these)
    b.status = status;
    b.final = res;
    if (status >= 600 && this.isInvite) for (const other of this.#branches) if (other !== b) this.#cancelBranch(other);
    this.#maybeAllDone();
  }

  onTimeout(tx: ClientTransaction): void {
    this.#branchEnded(tx, 408); // §16.8: a timeout counts as a 408
  }

  onTransportError(tx: ClientTransaction): void {
    this.#branchEnded(tx, 503); // §16.9: a transport error counts as a 503
  }

  #branchEnded(tx: ClientTransaction, status: number): void {
    const b = this.#branchOf(tx);
    if (b === null || b.done) return;
    b.status = status;
    this.#maybeAllDone();
  }

  #branchOf(tx: ClientTransaction): Branch | null {
    for (const b of this.#branches) if (b.tx === tx) return b;
    return null;
  }

  #cancelBranch(b: Branch): void {
    if (b.done || b.tx === null || b.cancelWanted) return;
    b.cancelWanted = true;
    if (b.status > 0) { this.#sendCancel(b); return; }
    // §9.1 forbids a CANCEL before a provisional. Waiting would keep retransmitting to a phone
    // that never answered (a stale binding, a dead port) until timer B; instead the branch stops
    // now and counts as a 487 (Kamailio's default cancel_b_method). A late answer finds no
    // transaction and is forwarded or dropped as a stray.
    b.tx.close();
    b.status = 487;
  }

  #sendCancel(b: Branch): void {
    b.cancelSent = true;
    if (b.tx !== null && b.tx.kind === 'ict') this.#core.sendCancel(b.tx);
  }

  #onRingTimeout(): void {
    if (this.#finalSent) return;
    this.#timedOut = true;
    this.cancel();
  }

  #maybeAllDone(): void {
    if (this.#finalSent) return;
    for (const b of this.#branches) if (!b.done) return;
    const finals = this.#branches.map((b) => b.status);
    const i = bestResponseIndex(finals);
    this.#allDone({ status: i >= 0 ? finals[i] : 500, reason: '', res: i >= 0 ? this.#branches[i].final : null });
  }

  #allDone(best: { status: number; reason: string; res?: SipMessage | null }): void {
    if (this.#finalSent) return;
    const res = best.res ?? null;
    let decision: FailureDecision = { kind: 'forward' };
    if (!this.#cancelled || this.#timedOut) {
      decision = this.#opts.hooks.failure?.({ status: best.status, res }, this.#timedOut) ?? decision;
    }
    if (decision.kind === 'relay' && decision.targets.length > 0 && !this.#cancelled) {
      this.start(decision.targets);
      return;
    }
    this.#finalSent = true;
    this.#core.wheel.disarm(this.#ringTimer);
    if (decision.kind === 'reply') {
      this.#core.stack.respond(this.#tx, decision.status, decision.reason, decision.headers ? { extraHeaders: decision.headers } : undefined);
    } else if (res !== null && upstreamStatus(res.status) === res.status) {
      this.#core.forwardResponse(this.#tx, res);
    } else {
      // No response to pass on (timeouts, errors), or a 503 that must become 500 (§16.7 step 6).
      const status = upstreamStatus(best.status);
      this.#core.stack.respond(this.#tx, status, status === best.status && best.reason ? best.reason : undefined);
    }
  }

  /** For the table of calls: the INVITE server transaction this call serves. */
  get serverTx(): ServerTransaction { return this.#tx; }
}

