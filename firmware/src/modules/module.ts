// The contract of a sipbox module (Kamailio's loadmodule + bind_<mod>): a folder whose index.ts
// exports one SipboxModule. `needs` orders initialisation; a module reaches another only through
// ctx.modules.<name>, the API that module's init returned. Each module adds its API type to
// ModuleApis by declaration merging in its own index.ts (the way Preact addons extend options):
//   declare module '../module' { interface ModuleApis { location: LocationApi } }
import type { IdSource } from '../engine/ids';
import type { Clock } from '../engine/timer/clock';
import type { TimerWheel } from '../engine/timer/wheel';
import type { ConfigOf, ConfigSpec } from '../config/schema';
import type { Logger } from '../log/logger';
import type { Store } from '../store/index';

// Augmented by each module's index.ts.
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ModuleApis {}
export type ModuleName = keyof ModuleApis;

/** What init() gets. `modules` holds the APIs of the modules named in `needs` (and earlier ones). */
export interface ModuleContext<S extends ConfigSpec> {
  readonly config: ConfigOf<S>;
  readonly log: Logger;
  readonly clock: Clock;
  readonly wheel: TimerWheel;
  readonly ids: IdSource;
  readonly store: Store;
  readonly dataDir: string;
  readonly modules: Readonly<ModuleApis>;
}

/** A JSON-RPC method (mgmt/rpc.ts): params in, a JSON-serialisable result out. */
export type RpcMethod = (params: unknown) => unknown | Promise<unknown>;

export interface ModuleInstance<A> {
  api: A;
  /** JSON-RPC methods named like Kamailio's (e.g. 'ul.dump'). */
  rpc?: Record<string, RpcMethod>;
  /** Prometheus samples: `sipbox_<module>_<thing>_total` => value. */
  metrics?: () => Record<string, number>;
  close?: () => void | Promise<void>;
}

export interface SipboxModule<K extends ModuleName, S extends ConfigSpec = ConfigSpec> {
  readonly name: K;
  readonly needs: readonly ModuleName[];
  readonly config: S;
  init(ctx: ModuleContext<S>): ModuleInstance<ModuleApis[K]> | Promise<ModuleInstance<ModuleApis[K]>>;
}
