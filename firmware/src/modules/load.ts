// Initialises modules in dependency order (OpenSIPS's module deps): each gets its validated,
// frozen config and the APIs of the modules before it; a missing dependency or a cycle refuses
// start-up naming it. After loading, the set is sealed.
import { validateConfig } from '../config/schema';
import type { ModuleApis, ModuleContext, ModuleInstance, ModuleName, RpcMethod, SipboxModule } from './module';

export interface LoadedModules {
  apis: Readonly<ModuleApis>;
  rpc: Readonly<Record<string, RpcMethod>>;
  metrics(): Record<string, number>;
  close(): Promise<void>;
}

export type LoadResult = { ok: true; loaded: LoadedModules } | { ok: false; error: string; field?: string };

type Base = Omit<ModuleContext<{}>, 'config' | 'modules'>;

/** Orders modules so that each comes after everything it needs. */
export function orderModules(mods: readonly SipboxModule<ModuleName, any>[]): { ok: true; order: SipboxModule<ModuleName, any>[] } | { ok: false; error: string } {
  const byName = new Map(mods.map((m) => [m.name as string, m]));
  const order: SipboxModule<ModuleName, any>[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: SipboxModule<ModuleName, any>, path: string[]): string | null => {
    const s = state.get(m.name);
    if (s === 'done') return null;
    if (s === 'visiting') return `module dependency cycle: ${[...path, m.name].join(' -> ')}`;
    state.set(m.name, 'visiting');
    for (const need of m.needs) {
      const dep = byName.get(need);
      if (dep === undefined) return `module '${m.name}' needs '${need}', which is not loaded`;
      const err = visit(dep, [...path, m.name]);
      if (err !== null) return err;
    }
    state.set(m.name, 'done');
    order.push(m);
    return null;
  };
  for (const m of mods) {
    const err = visit(m, []);
    if (err !== null) return { ok: false, error: err };
  }
  return { ok: true, order };
}

export async function loadModules(mods: readonly SipboxModule<ModuleName, any>[], base: Base, settings: Record<string, Record<string, unknown>> = {}): Promise<LoadResult> {
  const ordered = orderModules(mods);
  if (!ordered.ok) return ordered;
  for (const name of Object.keys(settings)) {
    if (!mods.some((m) => m.name === name)) return { ok: false, field: name, error: `no module named '${name}' (modules: ${mods.map((m) => m.name).join(', ')})` };
  }
  const apis: Record<string, unknown> = {};
  const rpc: Record<string, RpcMethod> = {};
  const instances: ModuleInstance<unknown>[] = [];
  for (const m of ordered.order) {
    const cfg = validateConfig(m.name, m.config, settings[m.name]);
    if (!cfg.ok) return { ok: false, field: cfg.field, error: cfg.error };
    const inst = await m.init({ ...base, config: cfg.config, log: base.log.child(m.name), modules: apis as unknown as ModuleApis });
    apis[m.name] = inst.api;
    instances.push(inst);
    for (const [name, fn] of Object.entries(inst.rpc ?? {})) {
      if (name in rpc) return { ok: false, error: `RPC method '${name}' is defined twice (module '${m.name}')` };
      rpc[name] = fn;
    }
  }
  Object.freeze(apis);
  return {
    ok: true,
    loaded: {
      apis: apis as unknown as ModuleApis,
      rpc: Object.freeze(rpc),
      metrics: () => Object.assign({}, ...instances.map((i) => i.metrics?.() ?? {})),
      async close() {
        for (const i of instances.reverse()) await i.close?.();
      },
    },
  };
}
