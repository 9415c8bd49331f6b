// The appliance's own routing, written on the same API a user's routes use (not a special case):
// the Kamailio-style request route of a small office PBX. Sanity checks (RFC 3261 §8.2, §16.3),
// in-dialog requests loose-routed (§16.4), REGISTER authenticated and saved (§10.3), calls from
// local users authenticated and forked to every registered contact of the callee (§16.6).
// Unauthenticated requests are challenged before anything is looked up: whether an extension
// exists or is online never shows to a stranger.
import { H } from '../engine/sip/header-names';
import type { Target } from '../engine/proxy/proxy-call';
import { reply, replyStateless, relay, type FailureCtx, type FailureDecision, type RequestCtx, type Routes, type Verdict } from './api';

/** Methods this box knows (RFC 3261 and the common extensions); others get 501. */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);
/** What the box handles, advertised in Allow (RFC 3261 §20.5). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, INFO, REFER, MESSAGE, UPDATE';
const SUPPORTED_SCHEMES = new Set(['sip', 'sips', 'tel']);

export interface DefaultRouteOptions {
  /** Digest realm: the box's SIP domain. */
  realm: string;
  /** Cancel a call that rings this long unanswered (ms). */
  ringTimeoutMs: number;
  /** What the caller gets when the ring timeout ends the call: 480 or 408. */
  ringTimeoutStatus: 408 | 480;
}

export function defaultRoutes(o: DefaultRouteOptions): Routes {
  return {
    request: (ctx) => requestRoute(ctx, o),
    failure: (ctx) => failureRoute(ctx, o),
  };
}

function requestRoute(ctx: RequestCtx, o: DefaultRouteOptions): Verdict {
  const msg = ctx.msg;
  const method = ctx.method;
  // 8.2.2.1 / 16.3 step 1: a Request-URI scheme we do not understand.
  if (!SUPPORTED_SCHEMES.has(msg.ruri().scheme)) return reply(416);
  // 16.3 step 3: no hops left (an OPTIONS for the box itself may still be answered, 11).
  const forMe = ctx.isForMe();
  if (msg.maxForwards() === 0 && !(forMe && method === 'OPTIONS')) return reply(483);
  // 16.3 step 5: Proxy-Require names extensions this proxy does not support (all of them, today).
  const proxyRequire = msg.headerValues(H.ProxyRequire);
  if (proxyRequire.length > 0) return reply(420, undefined, `Unsupported: ${proxyRequire.join(', ')}\r\n`);
  if (!KNOWN_METHODS.has(method)) return reply(501, undefined, `Allow: ${ALLOW}\r\n`);
  // 16.3 step 4: our own Via below the top one means the request came back to us. The box never
  // spirals on purpose (it routes straight to contacts), so this is a loop, e.g. a phone that
  // registered the box's own address as its contact.
  if (method !== 'ACK' && method !== 'CANCEL' && hasOurVia(ctx)) return reply(482);

  // In-dialog (12.2.2): follow the Route set this box record-routed; anything else is unknown.
  if (msg.hasToTag()) {
    if (ctx.isLooseRouted()) return relay();
    return reply(481);
  }
  if (method === 'ACK') return reply(481); // an ACK outside any dialog or transaction: ignored
  if (forMe && method === 'OPTIONS') {
    // 11.2: capabilities of the box itself, the answer to keep-alive pings: stateless, as
    // Kamailio answers them, since every phone sends one every few seconds.
    return replyStateless(200, undefined, `Allow: ${ALLOW}\r\nAccept: application/sdp\r\nAccept-Language: en\r\n`);
  }
  if (method === 'REGISTER') return registerRoute(ctx, o);
  return callRoute(ctx, o);
}

/** §10.3: the registrar for this box's domain; the authenticated user may only register itself. */
function registerRoute(ctx: RequestCtx, o: DefaultRouteOptions): Verdict {
  const { auth, extensions, registrar } = ctx.modules;
  if (!ctx.isForMyDomain()) return reply(403, 'Not Registrar For This Domain');
  const r = auth.verify(ctx.msg, 'www', o.realm, extensions.secretOf);
  if (!r.ok) return reply(401, undefined, auth.challenge('www', o.realm, { stale: r.why === 'stale' }));
  if (ctx.msg.to().uri().user !== r.user) return reply(403, 'Not Your Number');
  const out = registrar.save(ctx.msg, r.user, ctx.src);
  return reply(out.status, out.reason, out.headers);
}

/** Requests from local users to local users: authenticate, then fork to the callee's contacts. */
function callRoute(ctx: RequestCtx, o: DefaultRouteOptions): Verdict {
  const { auth, extensions, location } = ctx.modules;
  const msg = ctx.msg;
  // Challenge first, look up after (no enumeration): every request for a user needs credentials.
  const r = auth.verify(msg, 'proxy', o.realm, extensions.secretOf);
  if (!r.ok) return reply(407, undefined, auth.challenge('proxy', o.realm, { stale: r.why === 'stale' }));
  if (msg.from().uri().user !== r.user) return reply(403, 'Not Your Identity');
  if (!ctx.isForMyDomain()) return reply(404, 'Not Found');
  const callee = msg.ruri().user;
  if (callee === null || extensions.get(callee) === undefined) return reply(404);
  const bindings = location.lookup(callee);
  if (bindings.length === 0) return reply(480);
  const targets: Target[] = bindings.map((b) => ({ ruri: b.contact, dest: b.path.length === 0 ? b.source : null, pushRoutes: b.path }));
  return relay(targets, { recordRoute: true, ringTimeoutMs: msg.method === 'INVITE' ? o.ringTimeoutMs : 0 });
}

function hasOurVia(ctx: RequestCtx): boolean {
  for (const v of ctx.msg.vias()) if (ctx.me.isMyself(v.host, v.port) && v.port !== 0) return true;
  return false;
}

function failureRoute(ctx: FailureCtx, o: DefaultRouteOptions): FailureDecision {
  if (ctx.timedOut) return { kind: 'reply', status: o.ringTimeoutStatus };
  return { kind: 'forward' };
}

