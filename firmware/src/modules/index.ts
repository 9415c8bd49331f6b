// The built-in modules, in one static list (Kamailio's loadmodule lines): a one-file bundle loads
// nothing at run time. load.ts orders them by `needs` and refuses a missing one or a cycle.
import { authModule } from './auth/index';
import { extensionsModule } from './extensions/index';
import { locationModule } from './location/index';
import type { ModuleName, SipboxModule } from './module';
import { registrarModule } from './registrar/index';

export const BUILTIN_MODULES: readonly SipboxModule<ModuleName, any>[] = [
  locationModule,
  registrarModule,
  authModule,
  extensionsModule,
];
