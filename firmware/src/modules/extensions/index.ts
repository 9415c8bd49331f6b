// The extensions (phone lines) as the SIP side sees them: a number -> extension index over the
// store, rebuilt whenever the data changes, so a new extension can register at once and a deleted
// one loses its bindings at once (no restart). Editing goes through store/extensions.ts.
import type { Extension } from '../../store/schema';
import type { SipboxModule } from '../module';

export interface ExtensionsApi {
  get(number: string): Extension | undefined;
  /** The digest secret of a user (auth's secretOf), null when no such extension. */
  secretOf(number: string): string | null;
  count(): number;
}

declare module '../module' {
  interface ModuleApis {
    extensions: ExtensionsApi;
  }
}

export const extensionsModule: SipboxModule<'extensions', {}> = {
  name: 'extensions',
  needs: ['location'],
  config: {},
  init(ctx) {
    let index = new Map<string, Extension>();
    const rebuild = (list: readonly Extension[]): void => {
      const next = new Map<string, Extension>();
      for (const e of list) next.set(e.number, e);
      // Deleting an extension drops its registrations (they could not authenticate again anyway).
      for (const number of index.keys()) {
        if (!next.has(number)) {
          const n = ctx.modules.location.remove(number);
          if (n > 0) ctx.log.info('bindings-dropped', { aor: number, count: n, why: 'extension deleted' });
        }
      }
      index = next;
    };
    rebuild(ctx.store.data.extensions);
    let last = ctx.store.data.extensions;
    const off = ctx.store.onChange((d) => {
      if (d.extensions !== last) { last = d.extensions; rebuild(d.extensions); }
    });
    const api: ExtensionsApi = {
      get: (n) => index.get(n),
      secretOf: (n) => index.get(n)?.password ?? null,
      count: () => index.size,
    };
    return { api, close: off, metrics: () => ({ sipbox_extensions: index.size }) };
  },
};
