// Shared set-up for the transaction tests: a table on a FakeClock, a debug BufferPool (use after
// release throws, leaks are listed), a RecordingTransport, and hand-written SIP messages.
import { BufferPool } from '../../../../firmware/src/engine/alloc/pool';
import type { Chunk } from '../../../../firmware/src/engine/alloc/pool';
import { seededIds } from '../../../../firmware/src/engine/ids';
import { parseMessage } from '../../../../firmware/src/engine/sip/message';
import type { SipMessage } from '../../../../firmware/src/engine/sip/message';
import { TimerWheel } from '../../../../firmware/src/engine/timer/wheel';
import type { Endpoint, Proto } from '../../../../firmware/src/engine/transport/index';
import { TransactionTable } from '../../../../firmware/src/engine/transaction/table';
import type {
  ClientTransaction, ClientUser, ServerTransaction, ServerUser, Transaction,
} from '../../../../firmware/src/engine/transaction/table';
import { DEFAULT_TIMER_CONFIG } from '../../../../firmware/src/engine/transaction/timers';
import { FakeClock } from '../../../helpers/fake-clock';
import { RecordingTransport } from '../../../helpers/recording-transport';

export const TICK_MS = 10;

export function setup(opts: { proto?: Proto; deferDone?: boolean } = {}) {
  const clock = new FakeClock();
  const wheel = new TimerWheel(clock, { tickMs: TICK_MS });
  const pool = new BufferPool({ debug: true, budgetBytes: 64 * 1024, classSizes: [512, 1024, 2048, 4096] });
  const terminated: Transaction[] = [];
  const table = new TransactionTable({
    wheel,
    timers: DEFAULT_TIMER_CONFIG,
    pool,
    ids: seededIds(7),
    onTerminated: (tx) => terminated.push(tx),
  });
  const transport = new RecordingTransport({ proto: opts.proto ?? 'udp', deferDone: opts.deferDone });
  const env = {
    clock,
    wheel,
    pool,
    table,
    transport,
    terminated,
    advance: (ms: number) => clock.advance(ms, wheel),
    /** Advances `ms` tick by tick; returns the clock times at which something was sent. */
    sendTimes(ms: number): number[] {
      const times: number[] = [];
      for (let left = ms; left > 0; left -= TICK_MS) {
        const before = transport.sent.length;
        clock.advance(Math.min(TICK_MS, left), wheel);
        if (transport.sent.length > before) times.push(clock.nowMs());
      }
      return times;
    },
    /** The bytes of `text` in a pool chunk, with a parsed view over the chunk (what is sent). */
    outgoing(text: string): { chunk: Chunk; len: number; msg: SipMessage } {
      const bytes = Buffer.from(text, 'latin1');
      const chunk = pool.acquire(bytes.length, 'test');
      bytes.copy(chunk.buf, 0);
      return { chunk, len: bytes.length, msg: parsed(chunk.buf, 0, bytes.length) };
    },
    /** Sends a request in a client transaction. */
    send(text: string, user: ClientUser, dest: Endpoint = BOB): ClientTransaction {
      const o = env.outgoing(text);
      return table.sendRequest(o.chunk, o.len, o.msg, dest, transport, user);
    },
    /** Responds on a server transaction with hand-written text. */
    respond(tx: ServerTransaction, text: string): void {
      const o = env.outgoing(text);
      tx.respond(o.msg.status, o.chunk, o.len);
    },
  };
  return env;
}

/** The UAC we receive from and the next hop we send to. */
export const ALICE: Endpoint = { proto: 'udp', address: '198.51.100.7', port: 5060, connId: 0 };
export const BOB: Endpoint = { proto: 'udp', address: '203.0.113.9', port: 5062, connId: 0 };

/** Parses hand-written text as a received message (its own Buffer, as a transport delivers it). */
export function msg(text: string): SipMessage {
  const buf = Buffer.from(text, 'latin1');
  return parsed(buf, 0, buf.length);
}

function parsed(buf: Buffer, start: number, end: number): SipMessage {
  const m = parseMessage(buf, start, end);
  if (!m.ok) throw new Error(`test message does not parse: ${JSON.stringify(m)}`);
  return m;
}

/** Joins header lines with CRLF and ends the header section (no body). */
export function sip(...lines: string[]): string {
  return lines.join('\r\n') + '\r\n\r\n';
}

/** A ClientUser that records what it is told, as text. */
export function clientUser(): ClientUser & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onResponse: (_tx, res) => events.push(`response ${res.status}`),
    onTimeout: () => events.push('timeout'),
    onTransportError: (_tx, err) => events.push(`transport-error ${err.message}`),
  };
}

/** A ServerUser that records what it is told, as text. */
export function serverUser(): ServerUser & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onAckTimeout: () => events.push('ack-timeout'),
    onTransportError: (_tx, err) => events.push(`transport-error ${err.message}`),
    onTerminated: () => events.push('terminated'),
  };
}

/** A request arriving from `src`: matched by the table and handed to its transaction, if any. */
export function deliver(
  env: ReturnType<typeof setup>,
  text: string,
  src: Endpoint = ALICE,
): ServerTransaction | undefined {
  const m = msg(text);
  const tx = env.table.matchServer(m, src);
  tx?.receive(m);
  return tx;
}
