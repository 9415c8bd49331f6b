// Observation points of the engine (onReceive, onBadMessage, onError ...): how accounting, pike,
// metrics and the ladder capture watch traffic without the engine knowing them. Observers must not
// change messages; they run synchronously on the receive path, so they must be cheap.
import type { SipMessage } from './sip/message';
import type { Endpoint } from './transport/index';

export interface EngineHooks {
  /** Every message that parsed, before transaction matching. */
  onReceive(msg: SipMessage, src: Endpoint): void;
  /** A message that did not parse: the status/reason it was (or would have been) answered with. */
  onBadMessage(src: Endpoint, status: number, reason: string): void;
  /** A bug caught at a loop boundary (house rule 5): logged once, the daemon goes on. */
  onError(where: string, err: Error): void;
}

export const NO_HOOKS: EngineHooks = {
  onReceive: () => undefined,
  onBadMessage: () => undefined,
  onError: () => undefined,
};
