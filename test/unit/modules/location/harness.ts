// Test set-up for the location and registrar modules: a FakeClock driving a TimerWheel, a wall
// clock tied to it, a memory store that counts its updates, and hand-written REGISTER requests.
import { expect } from 'vitest';
import { validateConfig, type ConfigSpec } from '../../../../firmware/src/config/schema';
import { seededIds } from '../../../../firmware/src/engine/ids';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { TimerWheel } from '../../../../firmware/src/engine/timer/wheel';
import type { Endpoint } from '../../../../firmware/src/engine/transport/index';
import { createLogger, type Logger } from '../../../../firmware/src/log/logger';
import { RingSink } from '../../../../firmware/src/log/sinks';
import type { ModuleApis, ModuleContext } from '../../../../firmware/src/modules/module';
import type { Durability, Store } from '../../../../firmware/src/store/index';
import { memoryStore } from '../../../../firmware/src/store/memory';
import type { Data } from '../../../../firmware/src/store/schema';
import { FakeClock } from '../../../helpers/fake-clock';

/** 2024-01-01T00:00:00Z, a Monday: the wall clock when the fake clock reads 0. */
export const WALL_BASE_MS = Date.UTC(2024, 0, 1);
export const DATE_AT_BASE = 'Mon, 01 Jan 2024 00:00:00 GMT';

export const PHONE: Endpoint = { proto: 'udp', address: '192.0.2.10', port: 5060, connId: 0 };

/** A Store that records every update() call (with its durability) over a memory store. */
export class CountingStore implements Store {
  readonly updates: Durability[] = [];
  constructor(readonly inner: Store) {}
  get data(): Readonly<Data> {
    return this.inner.data;
  }
  update(fn: (d: Data) => void, durability: Durability = 'now'): Promise<void> {
    this.updates.push(durability);
    return this.inner.update(fn, durability);
  }
  onChange(listener: (d: Readonly<Data>) => void): () => void {
    return this.inner.onChange(listener);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface Harness {
  clock: FakeClock;
  wheel: TimerWheel;
  now: () => number;
  log: Logger;
  logLines: RingSink;
  store: CountingStore;
  /** Moves both clocks forward, firing the wheel's timers on the way. */
  advance(ms: number): void;
  /** A module context with `settings` validated against `spec` (defaults filled in). */
  context<S extends ConfigSpec>(spec: S, settings: Record<string, unknown>, modules: Partial<ModuleApis>): ModuleContext<S>;
}

export function makeHarness(initial?: Partial<Data>): Harness {
  const clock = new FakeClock();
  const wheel = new TimerWheel(clock);
  const logLines = new RingSink(1000);
  const log = createLogger('test', 'debug', [logLines]);
  const store = new CountingStore(memoryStore(initial));
  return {
    clock,
    wheel,
    now: () => WALL_BASE_MS + clock.nowMs(),
    log,
    logLines,
    store,
    advance: (ms) => clock.advance(ms, wheel),
    context: (spec, settings, modules) => {
      const r = validateConfig('test', spec, settings);
      if (!r.ok) throw new Error(`${r.field}: ${r.error}`);
      return { config: r.config, log, clock, wheel, ids: seededIds(1), store, dataDir: '/nonexistent', modules: modules as ModuleApis };
    },
  };
}

export interface RegisterOptions {
  callId?: string;
  cseq?: number;
  /** Extra header lines, as written on the wire (Contact, Expires, Path, Supported...). */
  lines?: string[];
  user?: string;
}

/** A REGISTER from extension `user` (default 2001) with the given header lines, parsed. */
export function register(opts: RegisterOptions = {}): SipMessage {
  const user = opts.user ?? '2001';
  const text = [
    'REGISTER sip:box.example SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-reg;rport',
    'Max-Forwards: 70',
    `From: <sip:${user}@box.example>;tag=f1`,
    `To: <sip:${user}@box.example>`,
    `Call-ID: ${opts.callId ?? 'reg-1@192.0.2.10'}`,
    `CSeq: ${opts.cseq ?? 1} REGISTER`,
    'User-Agent: TestPhone/1.0',
    ...(opts.lines ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const buf = Buffer.from(text);
  const msg = parseMessage(buf, 0, buf.length);
  if (!msg.ok) throw new Error(`test REGISTER did not parse: ${msg.reason}`);
  expect(msg.method).toBe('REGISTER');
  return msg;
}
