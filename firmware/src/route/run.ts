// Runs the routes as the engine's transaction user: builds each hook's context, calls the hook,
// and carries out its Verdict through the stack (replies) and the proxy core (relays). The one
// boundary where a bug in a route becomes a 500 and one log line instead of a dead daemon.
import type { LocalIdentity } from '../engine/proxy/myself';
import type { ProxyCore } from '../engine/proxy/core';
import type { FailureDecision, RelayHooks, Target } from '../engine/proxy/proxy-call';
import type { SipMessage } from '../engine/sip/message';
import type { SipStack, StackUser } from '../engine/stack';
import type { InviteServerTransaction } from '../engine/transaction/invite-server';
import type { ServerTransaction } from '../engine/transaction/table';
import type { Endpoint } from '../engine/transport/index';
import type { Logger } from '../log/logger';
import type { ModuleApis } from '../modules/module';
import type { RequestCtx, Routes, Verdict } from './api';

const TO_REQUEST_URI: readonly Target[] = [Object.freeze({ ruri: null, dest: null, pushRoutes: [] })];

class Ctx implements RequestCtx {
  constructor(readonly msg: SipMessage, readonly src: Endpoint, readonly modules: Readonly<ModuleApis>, readonly me: LocalIdentity) {}
  get method(): string { return this.msg.method; }
  isForMe(): boolean { return this.msg.ruri().user === null && this.isForMyDomain(); }
  isForMyDomain(): boolean { return this.me.isMyselfUri(this.msg.ruri()); }
  isLooseRouted(): boolean {
    const routes = this.msg.routes();
    return routes.length > 0 && this.me.isMyselfUri(routes[0].uri());
  }
}

/** A user's route may return anything: only the three verdict shapes are carried out. */
function isVerdict(v: unknown): v is Verdict {
  if (v === null || typeof v !== 'object') return false;
  const k = (v as { kind?: unknown }).kind;
  if (k === 'drop') return true;
  if (k === 'reply') return Number.isInteger((v as { status?: unknown }).status) && (v as { status: number }).status >= 100 && (v as { status: number }).status <= 699;
  return k === 'relay' && Array.isArray((v as { targets?: unknown }).targets);
}

export interface RouteRunnerDeps {
  stack: SipStack;
  proxy: ProxyCore;
  routes: Routes;
  modules: Readonly<ModuleApis>;
  log: Logger;
}

export function createRouteRunner(d: RouteRunnerDeps): StackUser {
  const { stack, proxy, routes, modules, log } = d;
  const me = proxy.me;
  const run = (req: SipMessage, src: Endpoint): Verdict => {
    try {
      const v = routes.request(new Ctx(req, src, modules, me));
      if (isVerdict(v)) return v;
      log.error('route-error', { hook: 'request', method: req.method, error: `not a verdict: ${JSON.stringify(v)?.slice(0, 80)}` });
      return { kind: 'reply', status: 500, reason: 'Server Internal Error' };
    } catch (err) {
      log.error('route-error', { hook: 'request', method: req.method, callId: req.callId(), error: (err as Error).message });
      return { kind: 'reply', status: 500, reason: 'Server Internal Error' };
    }
  };
  const hooksFor = (req: SipMessage, src: Endpoint): RelayHooks => ({
    branch: routes.branch ? (target, index) => guard('branch', '', () => routes.branch!({ request: req, target, index })) : undefined,
    reply: routes.reply ? (response) => guard('reply', undefined, () => routes.reply!({ request: req, response })) : undefined,
    failure: routes.failure
      ? (best, timedOut) => guard<FailureDecision>('failure', { kind: 'forward' }, () => routes.failure!({ request: req, src, status: best.status, response: best.res, timedOut, modules }))
      : undefined,
  });
  function guard<T>(hook: string, fallback: T, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      log.error('route-error', { hook, error: (err as Error).message });
      return fallback;
    }
  }
  const describe = (v: Verdict): string | number => (v.kind === 'reply' ? v.status : v.kind);

  return {
    onRequest(req: SipMessage, tx: ServerTransaction, src: Endpoint): void {
      const v = run(req, src);
      if (log.enabled('debug')) log.debug('request', { method: req.method, from: `${src.address}:${src.port}`, proto: src.proto, verdict: describe(v) });
      if (v.kind === 'reply') {
        stack.respond(tx, v.status, v.reason, v.headers ? { extraHeaders: v.headers } : undefined);
        if (v.stateless === true) tx.close();
      } else if (v.kind === 'drop') tx.close();
      else {
        const targets = v.targets.length > 0 ? v.targets : TO_REQUEST_URI;
        proxy.relay(tx, req, src, targets, { recordRoute: v.recordRoute, ringTimeoutMs: v.ringTimeoutMs, hooks: hooksFor(req, src) });
      }
    },
    onAck(ack: SipMessage, src: Endpoint): void {
      // The ACK for a 2xx (§13.2.2.4) has no transaction: the route decides, the proxy forwards it statelessly.
      const v = run(ack, src);
      const sent = v.kind === 'relay' && proxy.forwardStateless(ack, src);
      if (log.enabled('debug')) log.debug('ack', { callId: ack.callId(), from: `${src.address}:${src.port}`, forwarded: sent });
    },
    onCancel(_cancel: SipMessage, invite: InviteServerTransaction): void {
      // §16.10 when we relay that INVITE; §9.2 (a UAS that has not answered ends it with 487) otherwise.
      if (!proxy.cancel(invite) && invite.state === 'Proceeding') stack.respond(invite, 487);
    },
    onStrayResponse(res: SipMessage): void {
      const sent = proxy.forwardStray(res);
      if (log.enabled('debug')) log.debug('response-stray', { status: res.status, callId: res.callId(), forwarded: sent });
    },
    onAckTimeout(tx: InviteServerTransaction): void {
      log.info('ack-timeout', { callId: tx.request.callId(), status: tx.lastStatus });
    },
    onTransportError(tx: ServerTransaction, err: Error): void {
      log.warn('send-failed', { to: `${tx.target.address}:${tx.target.port}`, proto: tx.target.proto, error: err.message });
    },
    onTerminated(tx: ServerTransaction): void {
      proxy.forget(tx);
    },
  };
}
