// The routing API: what a route (the SER/Kamailio "script", in TypeScript) sees and returns.
// A hook gets a typed context and returns a Verdict, never an integer code (ARCHITECTURE.md).
import type { SipMessage } from '../engine/sip/message';
import type { Endpoint } from '../engine/transport/index';

export type Verdict =
  | { readonly kind: 'reply'; readonly status: number; readonly reason?: string; readonly headers?: string }
  | { readonly kind: 'drop' };

/** Answer the request statefully (through its server transaction). `headers`: whole CRLF lines. */
export function reply(status: number, reason?: string, headers?: string): Verdict {
  return { kind: 'reply', status, reason, headers };
}

/** Say nothing: the transaction is ended without a response (e.g. a blocked source). */
export const drop: Verdict = Object.freeze({ kind: 'drop' });

/** A new request outside any transaction, as the request route sees it. */
export interface RequestCtx {
  readonly msg: SipMessage;
  readonly method: string;
  readonly src: Endpoint;
  /** The Request-URI names the box itself (no user part): OPTIONS pings, REGISTER to the domain. */
  isForMe(): boolean;
}

/** The script: fixed at start-up (main.ts), then sealed. */
export interface Routes {
  request(ctx: RequestCtx): Verdict;
}
