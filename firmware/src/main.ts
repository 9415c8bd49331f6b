// The daemon's entry point: flags -> log -> engine (pool, timer wheel, transactions, stack) ->
// routes -> sockets -> signals. Wiring only; nothing else lives here (ARCHITECTURE.md).
import { mkdirSync } from 'node:fs';
import { BufferPool } from './engine/alloc/pool';
import { formatPoolStats } from './engine/alloc/stats';
import type { EngineHooks } from './engine/hooks';
import { cryptoIds } from './engine/ids';
import { SipStack } from './engine/stack';
import { systemClock } from './engine/timer/clock';
import { TimerWheel } from './engine/timer/wheel';
import { TransactionTable } from './engine/transaction/table';
import { DEFAULT_TIMER_CONFIG } from './engine/transaction/timers';
import { listen } from './engine/transport/listen';
import { parseFlags, USAGE } from './config/flags';
import { createLogger } from './log/logger';
import { stderrSink } from './log/sinks';
import { defaultRoutes } from './route/default';
import { createRouteRunner } from './route/run';
import { USER_AGENT, VERSION } from './version';

async function main(argv: string[]): Promise<void> {
  const parsed = parseFlags(argv);
  if (!parsed.ok) {
    process.stderr.write(`sipbox: ${parsed.error}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) { process.stdout.write(USAGE + '\n'); return; }
  if (parsed.version) { process.stdout.write(`${USER_AGENT}\n`); return; }
  const flags = parsed.flags;
  const log = createLogger('core', flags.logLevel, [stderrSink()]);
  const engineLog = log.child('engine');

  mkdirSync(flags.dataDir, { recursive: true });
  const pool = new BufferPool();
  const wheel = new TimerWheel(systemClock, { onError: (err) => engineLog.error('timer-error', { error: String(err) }) });
  wheel.start();
  const table = new TransactionTable({ wheel, timers: DEFAULT_TIMER_CONFIG, pool, ids: cryptoIds() });
  const hooks: EngineHooks = {
    onReceive: () => undefined,
    onBadMessage: (src, status, reason) => {
      if (engineLog.enabled('debug')) engineLog.debug('bad-message', { from: `${src.address}:${src.port}`, proto: src.proto, status, reason });
    },
    onError: (where, err) => engineLog.error('bug', { where, error: err.message, stack: err.stack?.split('\n')[1]?.trim() }),
  };
  const stack = new SipStack({ pool, table, hooks, responseHeaders: `Server: ${USER_AGENT}\r\n` });
  stack.attach(createRouteRunner(stack, defaultRoutes, log.child('route')));

  let listener;
  try {
    listener = await listen({
      address: flags.bind,
      port: flags.sipPort,
      onMessage: stack.receive,
      onSendError: (dest, err) => engineLog.debug('send-error', { to: `${dest.address}:${dest.port}`, proto: dest.proto, error: err.message }),
    });
  } catch (err) {
    log.error('listen-failed', { bind: flags.bind, port: flags.sipPort, error: (err as Error).message });
    process.exit(1);
  }
  const sipPort = listener.udp.localPort;
  log.info('ready', { version: VERSION, bind: flags.bind, sipPort, transports: 'udp,tcp', pid: process.pid });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await listener.close();
    table.close();
    wheel.stop();
    log.info('stopped', { received: stack.counters.received, pool: formatPoolStats(pool.stats()) });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main(process.argv.slice(2));
