// An in-memory Transport that records what is sent (RFC 3261 §18 seam): transaction tests see the
// bytes on the wire and decide when each send completes. The socket transports are tested for real
// in the transport conformance suite; this one only stands in for the network.
import type { Endpoint, Proto, Transport } from '../../firmware/src/engine/transport/index';

export interface SentMessage {
  /** The bytes as they were when send() was called, as latin1 text. */
  readonly text: string;
  readonly dest: Endpoint;
}

export interface RecordingTransportOptions {
  proto?: Proto;
  /** Defaults to proto !== 'udp'. */
  reliable?: boolean;
  /** Hold every done callback until complete() (default: done runs at once with null). */
  deferDone?: boolean;
}

export class RecordingTransport implements Transport {
  readonly proto: Proto;
  readonly reliable: boolean;
  readonly localAddress = '192.0.2.1';
  readonly localPort = 5060;
  readonly sent: SentMessage[] = [];
  #deferDone: boolean;
  #pending: ((err: Error | null) => void)[] = [];
  #failNext: Error | null = null;

  constructor(opts: RecordingTransportOptions = {}) {
    this.proto = opts.proto ?? 'udp';
    this.reliable = opts.reliable ?? this.proto !== 'udp';
    this.#deferDone = opts.deferDone ?? false;
  }

  send(buf: Buffer, off: number, len: number, dest: Endpoint, done?: (err: Error | null) => void): void {
    const err = this.#failNext;
    this.#failNext = null;
    if (err === null) this.sent.push({ text: buf.toString('latin1', off, off + len), dest: { ...dest } });
    if (done === undefined) return;
    if (err !== null) done(err);
    else if (this.#deferDone) this.#pending.push(done);
    else done(null);
  }

  /** The next send fails at once with `err` (as a closed socket would) and is not recorded. */
  failNext(err: Error): void {
    this.#failNext = err;
  }

  /** Sends whose done callback has not run yet (deferDone mode). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Runs the held done callbacks, in send order, with `err` (null: sent). */
  complete(err: Error | null = null): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const done of pending) done(err);
  }

  /** The first line of each message sent, e.g. 'SIP/2.0 486 Busy Here' or 'ACK sip:b@x SIP/2.0'. */
  firstLines(): string[] {
    return this.sent.map((m) => m.text.slice(0, m.text.indexOf('\r\n')));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
