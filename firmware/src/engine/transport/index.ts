// The Transport interface (RFC 3261 §18): every part of the engine sends and receives through it,
// whatever the socket kind. Implementations are sibling files (udp.ts, tcp.ts, later tls.ts) and all
// pass the one conformance suite in test/cases/transport.case.ts.

export type Proto = 'udp' | 'tcp' | 'tls';

/** Where a message came from, or where it goes. `connId` pins a stream connection (0 = any). */
export interface Endpoint {
  proto: Proto;
  address: string; // IPv4 dotted or IPv6 without brackets
  port: number;
  connId: number;
}

/**
 * A received message: `buf[start, end)` holds exactly one SIP message. The bytes stay valid for as
 * long as the receiver keeps the Buffer (for stream transports the framing copies each message
 * out of the shared read buffer into a buffer of its own, see stream-framing.ts).
 */
export type OnMessage = (buf: Buffer, start: number, end: number, src: Endpoint, via: Transport) => void;

/** Called when a send could not be done (connection refused/reset, no route, closed socket). */
export type OnSendError = (dest: Endpoint, err: Error) => void;

export interface Transport {
  readonly proto: Proto;
  /** Whether the transport is reliable (RFC 3261 §17: no retransmission timers over TCP/TLS). */
  readonly reliable: boolean;
  readonly localAddress: string;
  readonly localPort: number;
  /**
   * Sends `buf[off, off + len)` to `dest`. The caller keeps ownership of `buf` and must not change
   * those bytes until `done` is called (done is called exactly once, with an error or null).
   * Never throws: failures are reported through `done` and the transport's OnSendError.
   */
  send(buf: Buffer, off: number, len: number, dest: Endpoint, done?: (err: Error | null) => void): void;
  /** Stops receiving, closes every socket/connection; resolves when all are closed. */
  close(): Promise<void>;
}
