// The appliance's own routing, written on the same API a user's routes use (not a special case).
// For now the box is a SIP endpoint with no users: it answers keep-alive OPTIONS and refuses the
// rest with the status RFC 3261 asks for (§8.2, §16.3); registrar and proxy routes come next.
import { H } from '../engine/sip/header-names';
import { reply, type RequestCtx, type Routes, type Verdict } from './api';

/** Methods this box knows (RFC 3261 and the common extensions); others get 501. */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);
/** What the box itself implements as a UAS, advertised in Allow (RFC 3261 §20.5). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';
const SUPPORTED_SCHEMES = new Set(['sip', 'sips', 'tel']);

export const defaultRoutes: Routes = {
  request(ctx: RequestCtx): Verdict {
    const msg = ctx.msg;
    // 8.2.2.1 / 16.3 step 1: a Request-URI scheme we do not understand.
    if (!SUPPORTED_SCHEMES.has(msg.ruri().scheme)) return reply(416);
    // 16.3 step 3: no hops left (an OPTIONS for the box itself may still be answered, 11).
    const forMe = ctx.isForMe();
    if (msg.maxForwards() === 0 && !(forMe && ctx.method === 'OPTIONS')) return reply(483);
    // 16.3 step 5: Proxy-Require names extensions this proxy does not support (all of them, today).
    const proxyRequire = msg.headerValues(H.ProxyRequire);
    if (proxyRequire.length > 0) return reply(420, undefined, `Unsupported: ${proxyRequire.join(', ')}\r\n`);
    if (!KNOWN_METHODS.has(ctx.method)) return reply(501, undefined, `Allow: ${ALLOW}\r\n`);
    if (forMe && ctx.method === 'OPTIONS') {
      // 11.2: capabilities of the box itself, the answer to keep-alive pings.
      return reply(200, undefined, `Allow: ${ALLOW}\r\nAccept: application/sdp\r\nAccept-Language: en\r\n`);
    }
    // 12.2.2: an in-dialog request for a dialog the box does not know.
    if (msg.hasToTag()) return reply(481);
    return reply(404);
  },
};
