// The auth API behind the module (RFC 3261 §22.2-§22.4, RFC 7616 §3.4-§3.5, §5): checks digest
// credentials in a fixed order that leaks neither which users exist nor how close a guess was,
// issues challenges, and counts outcomes for the metrics.
import type { IdSource } from '../../engine/ids';
import type { Logger } from '../../log/logger';
import type { AuthApi, AuthFailure, AuthResult, DigestAlgorithm } from './api';
import { challengeLine } from './challenge';
import { consumeCredentials, pickCredentials, type DigestCredentials } from './credentials';
import { digestHa1, digestResponse, responseMatches } from './digest';
import { NonceCountTracker } from './nc-tracker';
import { INSTANCE_BYTES, NonceSigner, OpenedNonce, nonceExpired } from './nonce';

export interface AuthOptions {
  /** Algorithms to challenge with and accept (challenges come MD5 first whatever the order here). */
  algorithms: readonly DigestAlgorithm[];
  nonceLifetimeSec: number;
  maxNonceCountEntries: number;
  /** Accept RFC 2069 credentials without qop; each such nonce is then good for one request. */
  acceptNoQop: boolean;
  /** Require the digest uri to equal the Request-URI as written (RFC 7616 §3.4.6 SHOULD). */
  strictUri: boolean;
  /** The server secret that signs nonces (store data.secret). */
  secret: string;
  /** Randomness for the process instance id and the unknown-user dummy password. */
  ids: IdSource;
  log: Logger;
  /** Wall-clock milliseconds since the epoch (nonce timestamps); Date.now by default. */
  now?: () => number;
}

export interface AuthCounters {
  challenges: number;
  ok: number;
  /** Rejected credentials: everything but ok, stale, replay and no-credentials. */
  failed: number;
  stale: number;
  replay: number;
}

export interface Auth {
  readonly api: AuthApi;
  readonly counters: Readonly<AuthCounters>;
  /** Entries in the nonce-count table (for tests and the metrics). */
  nonceCountEntries(): number;
}

/** Challenge order: MD5 first (the AuthApi contract). RFC 8760 clients take the order as our
 *  preference, so with both offered they answer MD5; see README, Config. */
const ALGORITHM_ORDER: readonly DigestAlgorithm[] = ['MD5', 'SHA-256'];
/** Bytes of the dummy password an unknown user is checked against (its length does not matter). */
const DUMMY_SECRET_BYTES = 16;
const MS_PER_SEC = 1000;

export function createAuth(o: AuthOptions): Auth {
  const algorithms = ALGORITHM_ORDER.filter((a) => o.algorithms.includes(a));
  if (algorithms.length === 0) throw new RangeError('auth: no digest algorithm configured');
  const now = o.now ?? Date.now;
  const nowSec = (): number => Math.floor(now() / MS_PER_SEC);
  // A new instance id per start: nonces of an earlier run (whose nonce-counts are lost) are stale.
  const signer = new NonceSigner(o.secret, o.ids.token(INSTANCE_BYTES));
  const tracker = new NonceCountTracker(o.maxNonceCountEntries, o.nonceLifetimeSec);
  const dummySecret = o.ids.token(DUMMY_SECRET_BYTES);
  const opened = new OpenedNonce();
  const rules = { algorithms, acceptNoQop: o.acceptNoQop };
  const counters: AuthCounters = { challenges: 0, ok: 0, failed: 0, stale: 0, replay: 0 };

  const fail = (why: AuthFailure, user: string | undefined, method: string): AuthResult => {
    if (why === 'stale') counters.stale++;
    else if (why === 'replay') counters.replay++;
    else if (why !== 'no-credentials') counters.failed++;
    // A wrong password for a real user is what an administrator looks for; the rest is noise.
    if (why === 'bad-response') o.log.info('auth-failed', { why, user, method });
    else if (why !== 'no-credentials' && o.log.enabled('debug')) o.log.debug('auth-failed', { why, user, method });
    return user === undefined ? { ok: false, why } : { ok: false, why, user };
  };

  const checkResponse = (c: DigestCredentials, method: string, realm: string, password: string): boolean => {
    const ha1 = digestHa1(c.algorithm, c.user, realm, password);
    const expected = digestResponse(c.algorithm, ha1, { method, uri: c.uri, nonce: c.nonce, qop: c.qop, nc: c.nc, cnonce: c.cnonce });
    return responseMatches(expected, c.response);
  };

  const api: AuthApi = {
    verify(msg, kind, realm, secretOf) {
      if (!msg.isRequest) return fail('no-credentials', undefined, msg.method);
      const picked = pickCredentials(msg, kind, realm, rules);
      if (!picked.ok) return fail(picked.why, picked.user, msg.method);
      const c = picked.credentials;
      // RFC 7616 §3.4.6: the digest uri should be the Request-URI as sent. Clients differ (SIPp
      // puts the server's address there, a phone behind an outbound proxy the URI before
      // rewriting), and the uri is covered by the response hash and replay protection anyway, so
      // by default it only has to be a SIP URI (Kamailio's behaviour); strictUri compares it.
      if (o.strictUri ? c.uri !== msg.buf.toString('utf8', msg.ruriStart, msg.ruriEnd) : !/^sips?:/i.test(c.uri)) return fail('bad-uri', c.user, msg.method);
      if (!signer.open(c.nonce, realm, opened)) return fail('bad-nonce', c.user, msg.method);
      // Unknown users cost the same hashing and comparison as known ones (no user enumeration).
      const secret = secretOf(c.user);
      const matches = checkResponse(c, msg.method, realm, secret ?? dummySecret);
      if (secret === null) return fail('unknown-user', c.user, msg.method);
      if (!matches) return fail('bad-response', c.user, msg.method);
      // Only a right answer learns that its nonce is stale (RFC 7616 §3.3: stale means the
      // credentials were good), so a client re-tries without asking its user for a password.
      const t = nowSec();
      if (!opened.sameInstance || nonceExpired(opened.issuedSec, t, o.nonceLifetimeSec)) return fail('stale', c.user, msg.method);
      // Without qop there is no count: the nonce is good once (count 1), so it cannot be replayed.
      const verdict = tracker.accept(opened.seq, c.qop === null ? 1 : c.ncValue, t);
      if (verdict !== 'ok') return fail(verdict, c.user, msg.method);
      counters.ok++;
      return { ok: true, user: c.user, realm, algorithm: c.algorithm };
    },

    challenge(kind, realm, opts) {
      const stale = opts?.stale === true;
      const t = nowSec();
      let out = '';
      for (const algorithm of algorithms) out += challengeLine(kind, realm, signer.issue(realm, t), algorithm, stale);
      counters.challenges++;
      return out;
    },

    consumeCredentials,
  };

  return { api, counters, nonceCountEntries: () => tracker.size };
}
