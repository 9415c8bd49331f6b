// The digest authentication contract the routes and the proxy call (RFC 3261 §22, RFC 7616,
// RFC 8760): verify credentials, write challenges, consume Proxy-Authorization before relaying.
import type { EditList } from '../../engine/sip/edits';
import type { SipMessage } from '../../engine/sip/message';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** 'www': 401 + WWW-Authenticate / Authorization (REGISTER); 'proxy': 407 + Proxy-* (others). */
export type AuthKind = 'www' | 'proxy';

export type AuthFailure =
  | 'no-credentials'
  | 'stale'
  | 'bad-response'
  | 'unknown-user'
  | 'bad-realm'
  | 'bad-uri'
  | 'replay'
  | 'malformed'
  | 'bad-nonce'
  | 'algorithm';

export type AuthResult =
  | { ok: true; user: string; realm: string; algorithm: DigestAlgorithm }
  | { ok: false; why: AuthFailure; user?: string };

export interface AuthApi {
  /** Checks the request's Authorization (kind 'www') or Proxy-Authorization ('proxy') credentials
   *  for `realm`, looking the secret up with `secretOf(user)` (null = unknown user). Picks the
   *  credentials whose realm matches. */
  verify(msg: SipMessage, kind: AuthKind, realm: string, secretOf: (user: string) => string | null): AuthResult;
  /** Header line(s) (each ending CRLF) for a 401/407: `WWW-Authenticate: Digest realm="...",
   *  nonce="...", qop="auth", algorithm=MD5` (+ `, stale=true`); one challenge per configured
   *  algorithm; MD5 FIRST. */
  challenge(kind: AuthKind, realm: string, opts?: { stale?: boolean }): string;
  /** RFC 3261 22.4 / Kamailio consume_credentials: the edit that removes the credentials this
   *  element used before relaying (Proxy-Authorization for our realm). */
  consumeCredentials(edits: EditList, msg: SipMessage, realm: string): void;
}
