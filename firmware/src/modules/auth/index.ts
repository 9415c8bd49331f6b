// The digest authentication module (RFC 3261 §22, RFC 7616, RFC 8760; Kamailio's auth module):
// stateless signed nonces, MD5 and SHA-256 with qop=auth, nonce-count replay protection.
import { bool, int, oneOf } from '../../config/schema';
import type { SipboxModule } from '../module';
import type { AuthApi, DigestAlgorithm } from './api';
import { createAuth } from './verify';

export type { AuthApi, AuthFailure, AuthKind, AuthResult, DigestAlgorithm } from './api';

declare module '../module' {
  interface ModuleApis {
    auth: AuthApi;
  }
}

export const authConfig = {
  algorithms: oneOf({
    values: ['md5', 'sha256', 'md5,sha256'] as const,
    default: 'md5',
    doc:
      'Digest algorithms to challenge with and accept. md5 alone by default: some clients (baresip 1.0, ' +
      'older phone firmware) give up when any challenge names another algorithm. sha256 is RFC 8760.',
  }),
  nonceLifetimeSec: int({
    min: 30,
    max: 3600,
    default: 300,
    doc: 'Seconds a nonce is good for; after that a right answer gets a new challenge with stale=true.',
  }),
  maxNonceCountEntries: int({
    min: 100,
    max: 1_000_000,
    default: 10_000,
    doc:
      'Nonces whose last nonce-count is remembered (replay protection). When full, the least recently ' +
      'used go, and their nonces are stale from then on (one more challenge round, never a replay).',
  }),
  strictUri: bool({
    default: false,
    doc: 'Refuse credentials whose digest uri is not exactly the Request-URI (off: any sip: URI, as Kamailio does; some clients write the server address there).',
  }),
  acceptNoQop: bool({
    default: false,
    doc: 'Accept RFC 2069 credentials without qop (old clients). Each such nonce then serves one request.',
  }),
};

const ALGORITHMS: Readonly<Record<(typeof authConfig.algorithms.values)[number], readonly DigestAlgorithm[]>> = {
  md5: ['MD5'],
  sha256: ['SHA-256'],
  'md5,sha256': ['MD5', 'SHA-256'],
};

export const authModule: SipboxModule<'auth', typeof authConfig> = {
  name: 'auth',
  needs: [],
  config: authConfig,
  init(ctx) {
    const auth = createAuth({
      algorithms: ALGORITHMS[ctx.config.algorithms],
      nonceLifetimeSec: ctx.config.nonceLifetimeSec,
      maxNonceCountEntries: ctx.config.maxNonceCountEntries,
      acceptNoQop: ctx.config.acceptNoQop,
      strictUri: ctx.config.strictUri,
      secret: ctx.store.data.secret,
      ids: ctx.ids,
      log: ctx.log,
    });
    const c = auth.counters;
    return {
      api: auth.api,
      metrics: () => ({
        sipbox_auth_challenges_total: c.challenges,
        sipbox_auth_ok_total: c.ok,
        sipbox_auth_failed_total: c.failed,
        sipbox_auth_stale_total: c.stale,
        sipbox_auth_replay_total: c.replay,
        sipbox_auth_nonce_count_entries: auth.nonceCountEntries(),
      }),
    };
  },
};
