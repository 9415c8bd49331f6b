// The location module (Kamailio's usrloc; RFC 3261 §10 "location service"): the bindings of each
// extension, persisted write-behind in the data file, with the ul.* RPC methods and a gauge.
import type { ConfigSpec } from '../../config/schema';
import type { ModuleInstance, RpcMethod, SipboxModule } from '../module';
import type { Binding } from './binding';
import { LocationTable } from './location-table';
import { BindingPersister } from './persistence';

export type { Binding } from './binding';

export interface LocationApi {
  /** Current bindings of an AOR, highest q first (equal q: most recent first). */
  lookup(aor: string): readonly Binding[];
  all(): IterableIterator<Binding>;
  /** Bindings over all AORs. */
  count(): number;
  aorCount(): number;
  /** Removes an AOR's bindings (or the one with this Contact URI); returns how many (ul.rm). */
  remove(aor: string, contact?: string): number;
  /**
   * Replaces all bindings of an AOR at once (an empty list removes it): the registrar's commit,
   * visible to lookups only as a whole (RFC 3261 §10.3 step 7). Bindings are stored as given.
   */
  commit(aor: string, bindings: readonly Binding[]): void;
  /** Called with the AOR after each change of its bindings; returns the unsubscribe. */
  onChange(listener: (aor: string) => void): () => void;
}

declare module '../module' {
  interface ModuleApis {
    location: LocationApi;
  }
}

const LOCATION_CONFIG = {} satisfies ConfigSpec;

export interface LocationModuleOptions {
  /** Wall clock in ms since the epoch; Date.now unless a test injects another. */
  now?: () => number;
}

/** The module with an injectable wall clock (tests); the daemon uses `locationModule`. */
export function createLocationModule(opts: LocationModuleOptions = {}): SipboxModule<'location', typeof LOCATION_CONFIG> {
  const now = opts.now ?? Date.now;
  return {
    name: 'location',
    needs: [],
    config: LOCATION_CONFIG,
    init(ctx): ModuleInstance<LocationApi> {
      const table = new LocationTable({ wheel: ctx.wheel, now, log: ctx.log });
      const persister = new BindingPersister(table, ctx.store, ctx.wheel, ctx.log);
      persister.load();
      const api: LocationApi = {
        lookup: (aor) => table.lookup(aor),
        all: () => table.all(),
        count: () => table.count(),
        aorCount: () => table.aorCount(),
        remove: (aor, contact) => table.remove(aor, contact),
        commit: (aor, bindings) => table.commit(aor, bindings),
        onChange: (listener) => table.onChange(listener),
      };
      return {
        api,
        rpc: locationRpc(table, now),
        metrics: () => ({ sipbox_location_bindings: table.count(), sipbox_location_aors: table.aorCount() }),
        close: () => {
          persister.close();
          table.close();
        },
      };
    },
  };
}

export const locationModule = createLocationModule();

/** A binding as the ul.* methods show it: remaining seconds, times in ISO 8601, q as a number. */
export interface BindingJson {
  contact: string;
  expiresSec: number;
  expiresAt: string;
  q: number | null;
  callId: string;
  cseq: number;
  path: readonly string[];
  source: string;
  userAgent: string;
  instance: string | null;
  regId: number | null;
  registeredAt: string;
}

export function bindingJson(b: Binding, nowMs: number): BindingJson {
  return {
    contact: b.contact,
    expiresSec: Math.max(0, Math.ceil((b.expiresAtMs - nowMs) / 1000)),
    expiresAt: new Date(b.expiresAtMs).toISOString(),
    q: b.q < 0 ? null : b.q / 1000,
    callId: b.callId,
    cseq: b.cseq,
    path: b.path,
    source: `${b.source.proto}:${b.source.address.includes(':') ? `[${b.source.address}]` : b.source.address}:${b.source.port}`,
    userAgent: b.userAgent,
    instance: b.instance,
    regId: b.regId < 0 ? null : b.regId,
    registeredAt: new Date(b.registeredAtMs).toISOString(),
  };
}

/** Bad parameters are an answer, not an exception (house rule 5). */
export interface RpcParamError {
  error: string;
}

function stringParam(params: unknown, name: string, required: boolean): string | undefined | RpcParamError {
  const v = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[name] : undefined;
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0) return { error: `params.${name} must be a non-empty string` };
  return v;
}

function locationRpc(table: LocationTable, now: () => number): Record<string, RpcMethod> {
  return {
    /** Every AOR with its bindings. */
    'ul.dump': () => {
      const nowMs = now();
      const aors: { aor: string; bindings: BindingJson[] }[] = [];
      for (const aor of table.aors()) aors.push({ aor, bindings: table.lookup(aor).map((b) => bindingJson(b, nowMs)) });
      return { aorCount: table.aorCount(), bindingCount: table.count(), aors };
    },
    /** params {aor}: that AOR's bindings in lookup order (an empty list when none). */
    'ul.lookup': (params) => {
      const aor = stringParam(params, 'aor', true);
      if (typeof aor !== 'string') return aor;
      const nowMs = now();
      return { aor, bindings: table.lookup(aor).map((b) => bindingJson(b, nowMs)) };
    },
    /** params {aor, contact?}: removes the AOR's bindings, or the one with that Contact URI. */
    'ul.rm': (params) => {
      const aor = stringParam(params, 'aor', true);
      if (typeof aor !== 'string') return aor;
      const contact = stringParam(params, 'contact', false);
      if (typeof contact === 'object') return contact;
      return { removed: table.remove(aor, contact) };
    },
  };
}
