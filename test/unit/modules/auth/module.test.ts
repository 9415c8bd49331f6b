// The auth module object: its settings, init through a ModuleContext, and its metrics.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../firmware/src/config/schema';
import { seededIds } from '../../../../firmware/src/engine/ids';
import { TimerWheel } from '../../../../firmware/src/engine/timer/wheel';
import { createLogger } from '../../../../firmware/src/log/logger';
import { authConfig, authModule } from '../../../../firmware/src/modules/auth/index';
import type { ModuleApis, ModuleContext } from '../../../../firmware/src/modules/module';
import { memoryStore } from '../../../../firmware/src/store/memory';
import { FakeClock } from '../../../helpers/fake-clock';
import { REALM, challengeParam, clientCredentials, request } from './helpers';

function context(input: Record<string, unknown> = {}): ModuleContext<typeof authConfig> {
  const v = validateConfig('auth', authConfig, input);
  if (!v.ok) throw new Error(`${v.field}: ${v.error}`);
  const clock = new FakeClock();
  return {
    config: v.config,
    log: createLogger('auth', 'error', []),
    clock,
    wheel: new TimerWheel(clock),
    ids: seededIds(7),
    store: memoryStore({ secret: 'module-test-secret' }),
    dataDir: '/nonexistent',
    modules: {} as Readonly<ModuleApis>,
  };
}

describe('authModule', () => {
  it('is named auth and needs no other module', () => {
    expect(authModule.name).toBe('auth');
    expect(authModule.needs).toEqual([]);
  });

  it('defaults to MD5 only, a 300 s nonce lifetime, 10000 nonce-count entries, qop required, tolerant digest uri', () => {
    const v = validateConfig('auth', authConfig, {});
    expect(v.ok && v.config).toEqual({ algorithms: 'md5', nonceLifetimeSec: 300, maxNonceCountEntries: 10_000, acceptNoQop: false, strictUri: false });
  });

  it('refuses an unknown algorithm and a lifetime out of range', () => {
    expect(validateConfig('auth', authConfig, { algorithms: 'sha1' })).toMatchObject({ ok: false, field: 'auth.algorithms' });
    expect(validateConfig('auth', authConfig, { nonceLifetimeSec: 29 })).toMatchObject({ ok: false, field: 'auth.nonceLifetimeSec' });
    expect(validateConfig('auth', authConfig, { nonceLifetimeSec: 3601 })).toMatchObject({ ok: false, field: 'auth.nonceLifetimeSec' });
  });

  it('challenges with both algorithms, MD5 first, when algorithms is md5,sha256', async () => {
    const inst = await authModule.init(context({ algorithms: 'md5,sha256' }));
    const lines = inst.api.challenge('www', REALM).split('\r\n');
    expect(lines.map((l) => l.slice(l.lastIndexOf('algorithm=')))).toEqual(['algorithm=MD5', 'algorithm=SHA-256', '']);
  });

  it('signs nonces with the store secret and reports its counters as metrics', async () => {
    const inst = await authModule.init(context());
    const nonce = challengeParam(inst.api.challenge('www', REALM), 'nonce');
    const msg = request('REGISTER', 'sip:sipbox.test', [`Authorization: ${clientCredentials({ nonce, method: 'REGISTER', uri: 'sip:sipbox.test' })}`]);
    expect(inst.api.verify(msg, 'www', REALM, (u) => (u === '2001' ? 'pw-2001' : null))).toMatchObject({ ok: true, user: '2001' });
    expect(inst.metrics?.()).toEqual({
      sipbox_auth_challenges_total: 1,
      sipbox_auth_ok_total: 1,
      sipbox_auth_failed_total: 0,
      sipbox_auth_stale_total: 0,
      sipbox_auth_replay_total: 0,
      sipbox_auth_nonce_count_entries: 1,
    });
  });
});
