// The daemon's entry point: flags -> log -> store -> engine (pool, timer wheel, transactions,
// stack) -> modules in dependency order -> routes -> sockets -> control socket -> signals.
// Wiring only; nothing else lives here (ARCHITECTURE.md).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCtlCommand } from './cli/ctl';
import { runExtCommand } from './cli/ext';
import { parseFlags, USAGE } from './config/flags';
import { engineSettings } from './config/engine-settings';
import { loadSettings, settingLine } from './config/load';
import { validateConfig } from './config/schema';
import { BufferPool } from './engine/alloc/pool';
import { formatPoolStats } from './engine/alloc/stats';
import type { EngineHooks } from './engine/hooks';
import { cryptoIds } from './engine/ids';
import { ProxyCore } from './engine/proxy/core';
import { localIdentity } from './engine/proxy/myself';
import { SipStack } from './engine/stack';
import { systemClock } from './engine/timer/clock';
import { TimerWheel } from './engine/timer/wheel';
import { TransactionTable } from './engine/transaction/table';
import { makeTimerConfig } from './engine/transaction/timers';
import { listen, type Listener } from './engine/transport/listen';
import { createLogger, type Logger } from './log/logger';
import { stderrSink } from './log/sinks';
import { coreRpc } from './mgmt/core-rpc';
import { startCtlServer } from './mgmt/ctl';
import { BUILTIN_MODULES } from './modules/index';
import { loadModules } from './modules/load';
import { defaultRoutes } from './route/default';
import { loadRoutes } from './route/load';
import { createRouteRunner } from './route/run';
import { routeSettings } from './route/settings';
import { extensionRpc } from './store/extensions';
import { openLowdbStore } from './store/lowdb';
import { USER_AGENT, VERSION } from './version';


/** `sipbox ext ...` / `sipbox ctl ...` [--data DIR]: through the running daemon when there is one. */
async function subcommand(name: 'ext' | 'ctl', argv: string[]): Promise<never> {
  let dataDir = './data';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data' && i + 1 < argv.length) dataDir = argv[++i];
    else if (argv[i].startsWith('--data=')) dataDir = argv[i].slice('--data='.length);
    else rest.push(argv[i]);
  }
  const io = { dataDir, out: (s: string) => process.stdout.write(s + '\n'), err: (s: string) => process.stderr.write(s + '\n') };
  const code = name === 'ext' ? await runExtCommand(rest, io) : await runCtlCommand(rest, io);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'ext' || argv[0] === 'ctl') return subcommand(argv[0], argv.slice(1));
  const parsed = parseFlags(argv);
  if (!parsed.ok) {
    process.stderr.write(`sipbox: ${parsed.error}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) { process.stdout.write(USAGE + '\n'); return; }
  if (parsed.version) { process.stdout.write(`${USER_AGENT}\n`); return; }
  const flags = parsed.flags;
  const log = createLogger('core', flags.logLevel, [stderrSink()]);
  const fail = (event: string, fields: Record<string, string | number>): never => {
    log.error(event, fields);
    process.exit(1);
  };

  const loadedSettings = loadSettings(flags.configFile);
  if (!loadedSettings.ok) return fail('config-refused', { error: loadedSettings.error });
  const settings = loadedSettings.settings;
  const refuse = (field: string, error: string): never => {
    const [mod, name] = field.split('.');
    const at = flags.configFile ? settingLine(readFileSync(flags.configFile, 'utf8'), mod, name) : '';
    return fail('config-refused', { file: flags.configFile ?? '-', at, field, error });
  };
  const routeCfg = validateConfig('route', routeSettings, settings.route);
  if (!routeCfg.ok) return refuse(routeCfg.field, routeCfg.error);
  const engineCfg = validateConfig('engine', engineSettings, settings.engine);
  if (!engineCfg.ok) return refuse(engineCfg.field, engineCfg.error);
  const ec = engineCfg.config;
  const timers = makeTimerConfig({ t1Ms: ec.t1Ms, t2Ms: ec.t2Ms, t4Ms: ec.t4Ms });
  if (!timers.ok) return refuse(`engine.${timers.field}`, timers.reason);
  const { route: _route, engine: _engine, ...moduleSettings } = settings;

  mkdirSync(flags.dataDir, { recursive: true });
  const store = await openLowdbStore({ dataDir: flags.dataDir, secret: () => randomBytes(32).toString('hex'), log: log.child('store') })
    .catch((err: Error) => fail('store-failed', { dataDir: flags.dataDir, error: err.message }));

  const engineLog = log.child('engine');
  const pool = new BufferPool({ budgetBytes: ec.poolBudgetKiB * 1024 });
  const wheel = new TimerWheel(systemClock, { onError: (err) => engineLog.error('timer-error', { error: String(err) }) });
  wheel.start();
  const ids = cryptoIds();
  const table = new TransactionTable({ wheel, timers: timers.config, pool, ids });
  const stack = new SipStack({ pool, table, hooks: engineHooks(engineLog), responseHeaders: `Server: ${USER_AGENT}\r\n`, maxTransactions: ec.maxTransactions });

  const loaded = await loadModules(BUILTIN_MODULES, { log, clock: systemClock, wheel, ids, store, dataDir: flags.dataDir }, moduleSettings);
  if (!loaded.ok) return loaded.field ? refuse(loaded.field, loaded.error) : fail('modules-failed', { error: loaded.error });
  const modules = loaded.loaded;

  const rc = routeCfg.config;
  const base = defaultRoutes({ realm: rc.realm, ringTimeoutMs: rc.ringTimeoutSec * 1000, ringTimeoutStatus: rc.ringTimeoutStatus === '408' ? 408 : 480 });
  let routes = base;
  if (flags.routesFile !== null) {
    const user = await loadRoutes(flags.routesFile, base);
    if (!user.ok) return fail('routes-refused', { error: user.error });
    routes = user.routes;
    log.info('routes-loaded', { file: flags.routesFile });
  }

  // Signals are taken before the sockets open, so a stop asked for at any point is a clean one.
  let listener: Listener | null = null;
  let ctl: { close(): Promise<void> } | null = null;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await ctl?.close();
    await listener?.close();
    table.close();
    wheel.stop();
    await modules.close();
    await store.close();
    log.info('stopped', { received: stack.counters.received, pool: formatPoolStats(pool.stats()) });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  listener = await listen({
    address: flags.bind,
    port: flags.sipPort,
    onMessage: stack.receive,
    onSendError: (dest, err) => engineLog.debug('send-error', { to: `${dest.address}:${dest.port}`, proto: dest.proto, error: err.message }),
  }).catch((err: Error) => fail('listen-failed', { bind: flags.bind, port: flags.sipPort, error: err.message }));
  if (stopping) return;
  const sipPort = listener.udp.localPort;
  const me = localIdentity({ bind: flags.bind, port: sipPort });
  const proxy = new ProxyCore({ stack, table, pool, wheel, ids, me, transports: { udp: listener.udp, tcp: listener.tcp } });
  stack.attach(createRouteRunner({ stack, proxy, routes, modules: modules.apis, log: log.child('route') }));

  const core = coreRpc({ version: VERSION, startedAtMs: Date.now(), pool, stack, table, proxy: () => proxy, metrics: modules.metrics });
  ctl = await startCtlServer({ path: join(flags.dataDir, 'sipbox.ctl'), methods: { ...core, ...modules.rpc, ...extensionRpc(store) }, log: log.child('ctl') })
    .catch((err: Error) => fail('ctl-failed', { error: err.message }));
  log.info('ready', { version: VERSION, bind: flags.bind, sipPort, advertised: me.sentBy, transports: 'udp,tcp', pid: process.pid });
}

/** At most this many bad-message lines a second: a flood of junk must not become a flood of log. */
const BAD_MESSAGE_LOG_PER_SEC = 20;

function engineHooks(log: Logger): EngineHooks {
  let windowSec = 0;
  let inWindow = 0;
  return {
    onReceive: () => undefined,
    onBadMessage: (src, status, reason) => {
      if (!log.enabled('debug')) return;
      const sec = Math.floor(Date.now() / 1000);
      if (sec !== windowSec) {
        if (inWindow > BAD_MESSAGE_LOG_PER_SEC) log.debug('bad-message-suppressed', { count: inWindow - BAD_MESSAGE_LOG_PER_SEC });
        windowSec = sec;
        inWindow = 0;
      }
      if (++inWindow <= BAD_MESSAGE_LOG_PER_SEC) log.debug('bad-message', { from: `${src.address}:${src.port}`, proto: src.proto, status, reason });
    },
    onError: (where, err) => log.error('bug', { where, error: err.message, stack: err.stack?.split('\n')[1]?.trim() }),
  };
}

void main(process.argv.slice(2));
