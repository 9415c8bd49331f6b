// The routing API: what a route (the SER/Kamailio "script", in TypeScript) sees and returns.
// Hooks get typed contexts and return Verdicts, never integer codes (ARCHITECTURE.md): `request`
// for every new request, `branch` for each forked branch, `reply` for each response from
// downstream, `failure` when every branch of a relayed request ended without a 2xx.
import type { FailureDecision, Target } from '../engine/proxy/proxy-call';
import type { LocalIdentity } from '../engine/proxy/myself';
import type { SipMessage } from '../engine/sip/message';
import type { Endpoint } from '../engine/transport/index';
import type { ModuleApis } from '../modules/module';

export type { FailureDecision, Target };

export type Verdict =
  | { readonly kind: 'reply'; readonly status: number; readonly reason?: string; readonly headers?: string; readonly stateless?: boolean }
  | { readonly kind: 'drop' }
  | { readonly kind: 'relay'; readonly targets: readonly Target[]; readonly recordRoute: boolean; readonly ringTimeoutMs: number };

/** Answer the request statefully (through its server transaction). `headers`: whole CRLF lines. */
export function reply(status: number, reason?: string, headers?: string): Verdict {
  return { kind: 'reply', status, reason, headers };
}

/**
 * Answer and forget (Kamailio's sl_send_reply, RFC 3261 §8.2.7 stateless UAS): the transaction
 * ends at once, so a retransmission is answered again instead of being absorbed. For cheap,
 * idempotent answers sent in bulk (keep-alive OPTIONS), whose transactions would otherwise each
 * be held for 64*T1.
 */
export function replyStateless(status: number, reason?: string, headers?: string): Verdict {
  return { kind: 'reply', status, reason, headers, stateless: true };
}

/** Say nothing: the transaction is ended without a response (e.g. a blocked source). */
export const drop: Verdict = Object.freeze({ kind: 'drop' });

/**
 * Relay statefully (Kamailio's t_relay): to `targets` in parallel, or, with none, to where the
 * Route set / Request-URI point (in-dialog requests, loose routing). An ACK is relayed statelessly.
 */
export function relay(targets: readonly Target[] = [], opts: { recordRoute?: boolean; ringTimeoutMs?: number } = {}): Verdict {
  return { kind: 'relay', targets, recordRoute: opts.recordRoute ?? false, ringTimeoutMs: opts.ringTimeoutMs ?? 0 };
}

/** A new request outside any transaction, as the request route sees it. */
export interface RequestCtx {
  readonly msg: SipMessage;
  readonly method: string;
  readonly src: Endpoint;
  /** The modules' APIs (auth, registrar, location, ...), as main.ts initialised them. */
  readonly modules: Readonly<ModuleApis>;
  readonly me: LocalIdentity;
  /** The Request-URI names the box itself with no user part (OPTIONS pings). */
  isForMe(): boolean;
  /** The Request-URI's host is this box or its SIP domain (a request for a local user). */
  isForMyDomain(): boolean;
  /** §16.4: the request carries a Route set whose top entry is this box (loose routing applies). */
  isLooseRouted(): boolean;
}

/** One branch about to be sent; the hook returns header lines to add (or ''). */
export interface BranchCtx {
  readonly request: SipMessage;
  readonly target: Target;
  readonly index: number;
}

export interface ReplyCtx {
  readonly request: SipMessage;
  readonly response: SipMessage;
}

export interface FailureCtx {
  readonly request: SipMessage;
  readonly src: Endpoint;
  /** The best final response per RFC 3261 §16.7 (null when none arrived: timeouts, errors). */
  readonly status: number;
  readonly response: SipMessage | null;
  /** Our ring timeout ended the branches (not the callee, not the caller). */
  readonly timedOut: boolean;
  readonly modules: Readonly<ModuleApis>;
}

/** The script: fixed at start-up (main.ts), then sealed. */
export interface Routes {
  request(ctx: RequestCtx): Verdict;
  branch?(ctx: BranchCtx): string;
  reply?(ctx: ReplyCtx): void;
  failure?(ctx: FailureCtx): FailureDecision;
}
