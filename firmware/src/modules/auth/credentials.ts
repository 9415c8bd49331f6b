// Digest credentials in Authorization / Proxy-Authorization (RFC 3261 §22.4 and §25.1
// digest-response, RFC 7616 §3.4, RFC 2617 §3.2.2): picking the value for our realm, reading and
// checking its fields, and removing the value a proxy consumed before relaying (RFC 3261 §22.3).
import type { EditList } from '../../engine/sip/edits';
import { H } from '../../engine/sip/header-names';
import { parseAuth, type AuthValue } from '../../engine/sip/headers/auth';
import type { SipMessage } from '../../engine/sip/message';
import type { AuthKind, DigestAlgorithm } from './api';
import { isHex } from './digest';

/** The fields of one Digest credentials value, checked for presence and form. */
export interface DigestCredentials {
  user: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  /** null: RFC 2069 credentials without qop (only when the configuration accepts them). */
  qop: 'auth' | null;
  /** nc as written (8 hex digits) and its value (>= 1); '' and 0 without qop. */
  nc: string;
  ncValue: number;
  cnonce: string;
}

export type PickFailure = 'no-credentials' | 'bad-realm' | 'malformed' | 'algorithm';

export type PickResult =
  | { ok: true; credentials: DigestCredentials }
  | { ok: false; why: PickFailure; user?: string };

export interface PickRules {
  /** Algorithms we challenge with; credentials naming another one fail with 'algorithm'. */
  algorithms: readonly DigestAlgorithm[];
  /** Accept credentials without qop (RFC 2069 clients). */
  acceptNoQop: boolean;
}

/** RFC 7616 §3.4: nc-value = 8LHEX. */
const NC_DIGITS = 8;

function headerOf(kind: AuthKind): typeof H.Authorization | typeof H.ProxyAuthorization {
  return kind === 'www' ? H.Authorization : H.ProxyAuthorization;
}

function isDigest(v: AuthValue): boolean {
  return v.scheme.length === 6 && v.scheme.toLowerCase() === 'digest';
}

/**
 * The Digest credentials for `realm` (compared exactly: the realm value is case-sensitive,
 * RFC 2617 §1.2). Values for other realms are left alone: they belong to other proxies
 * on the path (RFC 3261 §22.3). With several values for our realm, the first usable one wins.
 */
export function pickCredentials(msg: SipMessage, kind: AuthKind, realm: string, rules: PickRules): PickResult {
  let sawDigest = false;
  let firstProblem: PickResult | null = null;
  for (const v of msg.authValues(headerOf(kind))) {
    if (!isDigest(v)) continue;
    sawDigest = true;
    const valueRealm = v.param('realm');
    // Broken before its realm: it may be ours, so it is malformed rather than someone else's.
    if (valueRealm === undefined && !v.paramsValid) firstProblem ??= malformed(v);
    if (valueRealm !== realm) continue;
    const r = readCredentials(v, realm, rules);
    if (r.ok) return r;
    firstProblem ??= r;
  }
  if (firstProblem !== null) return firstProblem;
  return { ok: false, why: sawDigest ? 'bad-realm' : 'no-credentials' };
}

function malformed(v: AuthValue): PickResult {
  const user = v.param('username');
  return user === undefined ? { ok: false, why: 'malformed' } : { ok: false, why: 'malformed', user };
}

function readCredentials(v: AuthValue, realm: string, rules: PickRules): PickResult {
  const user = v.param('username');
  const fail = (why: PickFailure): PickResult => (user === undefined ? { ok: false, why } : { ok: false, why, user });
  if (!v.paramsValid) return fail('malformed');
  const nonce = v.param('nonce');
  const uri = v.param('uri');
  const response = v.param('response');
  // userhash (RFC 7616 §3.4.4) is never offered, so a hashed username cannot be looked up.
  if (user === undefined || user.length === 0 || nonce === undefined || uri === undefined || response === undefined) return fail('malformed');
  if (v.param('userhash')?.toLowerCase() === 'true') return fail('malformed');

  const algorithm = algorithmOf(v.param('algorithm'));
  if (algorithm === null || !rules.algorithms.includes(algorithm)) return fail('algorithm');

  const qopText = v.param('qop');
  if (qopText === undefined) {
    if (!rules.acceptNoQop) return fail('malformed');
    return { ok: true, credentials: { user, realm, nonce, uri, response, algorithm, qop: null, nc: '', ncValue: 0, cnonce: '' } };
  }
  // Only "auth" is offered; auth-int would need the body hashed and no client here asks for it.
  if (qopText.toLowerCase() !== 'auth') return fail('malformed');
  const nc = v.param('nc');
  const cnonce = v.param('cnonce');
  if (nc === undefined || nc.length !== NC_DIGITS || !isHex(nc) || cnonce === undefined || cnonce.length === 0) return fail('malformed');
  const ncValue = parseInt(nc, 16);
  // The first request with a nonce counts 1 (RFC 7616 §3.4): 0 is never a count a client sends.
  if (ncValue === 0) return fail('malformed');
  return { ok: true, credentials: { user, realm, nonce, uri, response, algorithm, qop: 'auth', nc, ncValue, cnonce } };
}

/** RFC 7616 §3.3: absent means MD5; names compare without case. The -sess variants are not offered. */
function algorithmOf(text: string | undefined): DigestAlgorithm | null {
  if (text === undefined) return 'MD5';
  const lower = text.toLowerCase();
  if (lower === 'md5') return 'MD5';
  if (lower === 'sha-256') return 'SHA-256';
  return null;
}

/**
 * Deletes every Proxy-Authorization line carrying Digest credentials for `realm`: this proxy used
 * them, the next hop has no use for them (Kamailio consume_credentials). Other realms' stay.
 */
export function consumeCredentials(edits: EditList, msg: SipMessage, realm: string): void {
  const h = msg.headers;
  for (let i = h.find(H.ProxyAuthorization); i >= 0; i = h.find(H.ProxyAuthorization, i + 1)) {
    const v = parseAuth(msg.buf, h.valueStart(i), h.valueEnd(i));
    if (v !== null && isDigest(v) && v.param('realm') === realm) edits.delete(h.lineStart(i), h.lineEnd(i));
  }
}
