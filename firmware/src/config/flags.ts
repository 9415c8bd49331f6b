// The daemon's command line: `sipbox [--data DIR] [--sip-port N] [--http-port N] [--bind ADDR]
// [--log-level L]`. Parsing is total: a bad flag becomes a FlagError naming it (exit code 2).
import { isIP } from 'node:net';
import { LOG_LEVELS, type LogLevel } from '../log/logger';

export interface Flags {
  dataDir: string;
  sipPort: number; // 0 = any free port (UDP and TCP share it)
  httpPort: number;
  bind: string;
  logLevel: LogLevel;
  /** Module settings file (JSON), or null for the embedded defaults. */
  configFile: string | null;
  /** A user's compiled route module, or null for the appliance's default routes. */
  routesFile: string | null;
}

export const DEFAULT_FLAGS: Readonly<Flags> = Object.freeze({
  dataDir: './data',
  sipPort: 5060,
  httpPort: 8080,
  bind: '0.0.0.0',
  logLevel: 'info',
  configFile: null,
  routesFile: null,
});

export type FlagsResult = { ok: true; flags: Flags; help: boolean; version: boolean } | { ok: false; error: string };

export const USAGE = `usage: sipbox [options]
  --data DIR        data folder (default ${DEFAULT_FLAGS.dataDir})
  --sip-port N      SIP port for UDP and TCP, 0 = any free port (default ${DEFAULT_FLAGS.sipPort})
  --http-port N     web UI and API port (default ${DEFAULT_FLAGS.httpPort})
  --bind ADDR       address to listen on, IPv4 or IPv6 (default ${DEFAULT_FLAGS.bind}; :: for both families)
  --log-level L     ${LOG_LEVELS.join(' | ')} (default ${DEFAULT_FLAGS.logLevel})
  --routes FILE     your own routes: a JS module exporting routes or createRoutes(base) (docs/routing.md)
  --config FILE     module settings, JSON (default: embedded defaults; see docs/configuration.md)
  --help            this text
commands:
  sipbox ext add|list|del|passwd ...   manage extensions (sipbox ext --help)
  sipbox ctl METHOD [PARAMS-JSON]      call the running daemon's JSON-RPC (ul.dump, core.memory ...)
  --version         print the version`;

function port(flag: string, v: string): number | string {
  if (!/^\d{1,5}$/.test(v)) return `${flag} needs a port number 0-65535, got '${v}'`;
  const n = Number(v);
  return n <= 65535 ? n : `${flag} needs a port number 0-65535, got '${v}'`;
}

export function parseFlags(argv: readonly string[]): FlagsResult {
  const flags: Flags = { ...DEFAULT_FLAGS };
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--help' || name === '-h') { help = true; continue; }
    if (name === '--version') { version = true; continue; }
    const known = name === '--data' || name === '--sip-port' || name === '--http-port' || name === '--bind' || name === '--log-level' || name === '--config' || name === '--routes';
    if (!known) return { ok: false, error: `unknown option '${arg}'` };
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') return { ok: false, error: `${name} needs a value` };
    switch (name) {
      case '--data':
        flags.dataDir = value;
        break;
      case '--config':
        flags.configFile = value;
        break;
      case '--routes':
        flags.routesFile = value;
        break;
      case '--sip-port':
      case '--http-port': {
        const p = port(name, value);
        if (typeof p === 'string') return { ok: false, error: p };
        if (name === '--sip-port') flags.sipPort = p;
        else flags.httpPort = p;
        break;
      }
      case '--bind':
        if (isIP(value) === 0) return { ok: false, error: `--bind needs an IPv4 or IPv6 address, got '${value}'` };
        flags.bind = value;
        break;
      case '--log-level':
        if (!(LOG_LEVELS as readonly string[]).includes(value)) {
          return { ok: false, error: `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'` };
        }
        flags.logLevel = value as LogLevel;
        break;
    }
  }
  return { ok: true, flags, help, version };
}
