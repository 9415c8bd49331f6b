// The registrar module (RFC 3261 §10.3; Kamailio's registrar save()): applies authenticated
// REGISTER requests to the location table and builds their responses; counts what it accepted.
import { int } from '../../config/schema';
import type { SipMessage } from '../../engine/sip/message';
import type { Endpoint } from '../../engine/transport/index';
import type { ModuleInstance, SipboxModule } from '../module';
import type { RegisterOutcome } from './reply';
import { saveRegister, type RegistrarSettings } from './save';

export type { RegisterOutcome } from './reply';

export interface RegistrarApi {
  /**
   * RFC 3261 §10.3 steps 6-8 for an AUTHENTICATED REGISTER whose To user is `aor` (auth and the
   * "is this your AOR" check are the caller's): applies the Contacts to the location table and
   * returns the response to send.
   */
  save(msg: SipMessage, aor: string, src: Endpoint): RegisterOutcome;
}

declare module '../module' {
  interface ModuleApis {
    registrar: RegistrarApi;
  }
}

const REGISTRAR_CONFIG = {
  minExpiresSec: int({
    min: 1,
    max: 3600,
    default: 60,
    doc: 'Shortest registration accepted; a shorter non-zero one gets 423 Interval Too Brief with Min-Expires (RFC 3261 §10.3).',
  }),
  maxExpiresSec: int({
    min: 60,
    max: 86400,
    default: 3600,
    doc: 'Longest registration granted; a longer one is shortened to this, not refused.',
  }),
  defaultExpiresSec: int({
    min: 1,
    max: 86400,
    default: 3600,
    doc: 'Registration interval when the Contact has no expires parameter and the request no Expires header.',
  }),
  maxContactsPerAor: int({
    min: 1,
    max: 100,
    default: 5,
    doc: 'Bindings per extension; beyond it the least recently registered binding is replaced.',
  }),
};

/**
 * The settings must agree with each other (the loader checks fields one by one): a maximum
 * below the minimum is raised to it, and a default outside [min, max] is brought inside, which
 * keeps a phone that sends no expiry from a 423 it cannot avoid. Returns the settings in force
 * and the adjustments made, to be logged.
 */
export function reconcileSettings(s: RegistrarSettings): { settings: RegistrarSettings; adjusted: string[] } {
  const adjusted: string[] = [];
  let { maxExpiresSec, defaultExpiresSec } = s;
  if (maxExpiresSec < s.minExpiresSec) {
    maxExpiresSec = s.minExpiresSec;
    adjusted.push('maxExpiresSec');
  }
  if (defaultExpiresSec < s.minExpiresSec || defaultExpiresSec > maxExpiresSec) {
    defaultExpiresSec = Math.min(Math.max(defaultExpiresSec, s.minExpiresSec), maxExpiresSec);
    adjusted.push('defaultExpiresSec');
  }
  return { settings: { minExpiresSec: s.minExpiresSec, maxExpiresSec, defaultExpiresSec, maxContactsPerAor: s.maxContactsPerAor }, adjusted };
}

export interface RegistrarModuleOptions {
  /** Wall clock in ms since the epoch; Date.now unless a test injects another (share it with location's). */
  now?: () => number;
}

export function createRegistrarModule(opts: RegistrarModuleOptions = {}): SipboxModule<'registrar', typeof REGISTRAR_CONFIG> {
  const now = opts.now ?? Date.now;
  return {
    name: 'registrar',
    needs: ['location'],
    config: REGISTRAR_CONFIG,
    init(ctx): ModuleInstance<RegistrarApi> {
      const { settings, adjusted } = reconcileSettings(ctx.config);
      for (const field of adjusted) {
        ctx.log.warn('setting_adjusted', { field: `registrar.${field}`, value: settings[field as keyof RegistrarSettings] });
      }
      const deps = { location: ctx.modules.location, settings, now, log: ctx.log };
      let accepted = 0;
      let rejected = 0;
      return {
        api: {
          save(msg, aor, src) {
            const outcome = saveRegister(msg, aor, src, deps);
            if (outcome.status === 200) accepted++;
            else rejected++;
            return outcome;
          },
        },
        metrics: () => ({ sipbox_registrar_accepted_total: accepted, sipbox_registrar_rejected_total: rejected }),
      };
    },
  };
}

export const registrarModule = createRegistrarModule();
