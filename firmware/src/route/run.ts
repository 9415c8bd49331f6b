// Runs the routes as the engine's transaction user: builds each hook's context, calls the hook,
// and carries out its Verdict. The one boundary where a bug in a route becomes a 500 and one log
// line instead of a dead daemon (house rule 5).
import type { SipMessage } from '../engine/sip/message';
import type { SipStack, StackUser } from '../engine/stack';
import type { InviteServerTransaction } from '../engine/transaction/invite-server';
import type { ServerTransaction } from '../engine/transaction/table';
import type { Endpoint, Transport } from '../engine/transport/index';
import type { Logger } from '../log/logger';
import type { RequestCtx, Routes, Verdict } from './api';

class Ctx implements RequestCtx {
  constructor(readonly msg: SipMessage, readonly src: Endpoint) {}
  get method(): string { return this.msg.method; }
  isForMe(): boolean { return this.msg.ruri().user === null; }
}

export function createRouteRunner(stack: SipStack, routes: Routes, log: Logger): StackUser {
  const apply = (tx: ServerTransaction, v: Verdict): void => {
    if (v.kind === 'reply') stack.respond(tx, v.status, v.reason, v.headers ? { extraHeaders: v.headers } : undefined);
    else tx.close();
  };
  return {
    onRequest(req: SipMessage, tx: ServerTransaction, src: Endpoint): void {
      let v: Verdict;
      try {
        v = routes.request(new Ctx(req, src));
      } catch (err) {
        log.error('route-error', { method: req.method, callId: req.callId(), error: (err as Error).message });
        v = { kind: 'reply', status: 500, reason: 'Server Internal Error' };
      }
      if (log.enabled('debug')) log.debug('request', { method: req.method, from: `${src.address}:${src.port}`, proto: src.proto, verdict: v.kind === 'reply' ? v.status : v.kind });
      apply(tx, v);
    },
    onAck(ack: SipMessage, src: Endpoint, _transport: Transport): void {
      // No dialogs are routed yet: an ACK that matches no transaction ends here (17.2.3).
      if (log.enabled('debug')) log.debug('ack-unmatched', { callId: ack.callId(), from: `${src.address}:${src.port}` });
    },
    onCancel(_cancel: SipMessage, invite: InviteServerTransaction): void {
      // 9.2: a UAS that has not answered the INVITE finally ends it with 487.
      if (invite.state === 'Proceeding') stack.respond(invite, 487);
    },
    onStrayResponse(res: SipMessage, src: Endpoint): void {
      if (log.enabled('debug')) log.debug('response-stray', { status: res.status, from: `${src.address}:${src.port}` });
    },
    onAckTimeout(tx: InviteServerTransaction): void {
      log.info('ack-timeout', { callId: tx.request.callId(), status: tx.lastStatus });
    },
    onTransportError(tx: ServerTransaction, err: Error): void {
      log.warn('send-failed', { to: `${tx.target.address}:${tx.target.port}`, proto: tx.target.proto, error: err.message });
    },
  };
}
