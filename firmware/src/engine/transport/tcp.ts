// SIP over TCP (RFC 3261 §18): connection reuse for requests and responses (§18.1.1, §18.2.2),
// Content-Length framing (§18.3, stream-framing.ts), RFC 5626 §4.4.1 CRLF keep-alive answers.
import net from 'node:net';
import type { Endpoint, OnMessage, OnSendError, Transport } from './index';
import { normalizeAddress } from './address';
import { StreamFramer } from './stream-framing';

export interface TcpTransportOptions {
  /** Local address; '::' listens dual-stack (IPv4 peers are reported as plain IPv4). */
  address: string;
  /** 0 = ephemeral; `localPort` then tells the real one. */
  port: number;
  onMessage: OnMessage;
  onSendError?: OnSendError;
  /** A connection with no traffic either way for this long is closed; 0 = never. */
  idleTimeoutMs?: number;
  /** Largest message; more bytes buffered without a complete message closes the connection. */
  maxMessageBytes?: number;
  /** Open connections, inbound and outbound together; more inbound ones are refused at once. */
  maxConnections?: number;
  /** Inbound connections from one peer address (a flood from one host cannot take all slots). */
  maxConnectionsPerSource?: number;
  /** An outbound connect that takes longer fails its queued sends. */
  connectTimeoutMs?: number;
}

export interface TcpCounters {
  accepted: number;
  refused: number;
  connected: number;
  framingErrors: number;
  pings: number;
  pongs: number;
  sendErrors: number;
  acceptErrors: number;
}

export type TcpTransport = Transport & { connectionCount(): number; readonly counters: TcpCounters };

/**
 * 10 min: RFC 5626 §4.4.1 clients ping every ~120 s, so only dead or silent flows reach it, while a
 * phone without keep-alives that re-registers every few minutes keeps its connection (and so stays
 * reachable behind NAT). Kamailio's 120 s default relies on registrar-driven lifetimes we lack.
 */
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** The largest message a UDP datagram could carry; enough for any SIP message we relay. */
const DEFAULT_MAX_MESSAGE_BYTES = 65535;
/** Sized for a small router: each connection may buffer up to maxMessageBytes. */
const DEFAULT_MAX_CONNECTIONS = 1024;
const DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 64;
/** Well under Timer B/F (64 * T1 = 32 s), so the transaction can still try the next RFC 3263 target. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10 * 1000;
/** One read buffer for every outbound connection of the transport; a TCP read is at most this big. */
const READ_BUFFER_BYTES = 64 * 1024;
const MAX_PORT = 65535;
/** RFC 5626 §4.4.1: a ping (double CRLF) is answered with one CRLF. */
const PONG = Buffer.from('\r\n', 'latin1');
/**
 * Bytes Node may hold for one connection whose peer does not read (socket.writableLength). Past
 * it the peer is cut off: otherwise a client that sends pings or requests and never reads the
 * answers grows the daemon until it dies (a fuzz crasher, tcp-keepalive-flood-unread.bin).
 */
const MAX_WRITE_BACKLOG_BYTES = 1024 * 1024;
/**
 * RFC 5626 §4.4.1 clients ping every 95-120 s (phones, every 30 s at most); a connection sending
 * more than this many pings a second is a flood, and is cut off before it can stall the event
 * loop (a fuzz crasher: 16 MiB of CRLFs is four million pings).
 */
const MAX_PINGS_PER_SEC = 20;

type Done = (err: Error | null) => void;

class Connection {
  /** Sends in flight, in write order (Node completes the writes of one stream in order). */
  readonly pendingDone: Array<Done | null> = [];
  /** The Endpoint each of those sends was addressed to, for OnSendError. */
  readonly pendingDest: Endpoint[] = [];
  error: Error | null = null;
  closed = false;
  /** Keep-alive pings seen in the current one-second window (see MAX_PINGS_PER_SEC). */
  pingWindowSec = 0;
  pingsInWindow = 0;
  /** The 'data' chunk being framed: Node allocated it for this read alone, so it need not be copied. */
  ownedChunk: Buffer | null = null;
  /** One write callback per connection, not one per send. */
  readonly onWritten: (err?: Error | null) => void;

  constructor(
    readonly socket: net.Socket,
    readonly key: string,
    /** Shared by every message of the connection: receivers must treat it as read-only. */
    readonly endpoint: Endpoint,
    readonly inbound: boolean,
    readonly framer: StreamFramer,
    onWritten: (conn: Connection, err: Error | null) => void,
  ) {
    this.onWritten = (err) => onWritten(this, err ?? null);
  }

  get usable(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }
}

export async function createTcpTransport(opts: TcpTransportOptions): Promise<TcpTransport> {
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const maxPerSource = opts.maxConnectionsPerSource ?? DEFAULT_MAX_CONNECTIONS_PER_SOURCE;
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const counters: TcpCounters = {
    accepted: 0, refused: 0, connected: 0, framingErrors: 0, pings: 0, pongs: 0, sendErrors: 0, acceptErrors: 0,
  };
  const conns = new Map<number, Connection>();
  /** "address|port" of the peer => its newest connection (RFC 3261 §18.1.1 / §18.2.2 reuse). */
  const byKey = new Map<string, Connection>();
  const perSource = new Map<string, number>();
  // Allocated once: a read into it allocates nothing, the framer copies out what it keeps.
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  let nextConnId = 1;
  let closed = false;
  let closing: Promise<void> | null = null;
  let serverClosed = false;
  let resolveClosed: (() => void) | null = null;

  const reportError = (dest: Endpoint, err: Error): void => {
    counters.sendErrors++;
    if (opts.onSendError) opts.onSendError(dest, err);
  };

  const refuse = (dest: Endpoint, err: Error, done: Done | undefined): void => {
    // Next tick, as for failures Node reports itself: done is never called from inside send().
    process.nextTick(() => {
      reportError(dest, err);
      if (done) done(err);
    });
  };

  const onWritten = (conn: Connection, err: Error | null): void => {
    // Empty once the connection closed and settled everything: late callbacks change nothing.
    if (conn.pendingDone.length === 0) return;
    const done = conn.pendingDone.shift();
    const dest = conn.pendingDest.shift() as Endpoint;
    // After a destroy Node may report buffered writes as done although they never left: a
    // write is good only if it completed while the connection was alive.
    const failure = err || conn.socket.destroyed ? conn.error ?? err ?? new Error('tcp connection closed') : null;
    if (failure) reportError(dest, failure);
    if (done) done(failure);
  };

  const checkClosed = (): void => {
    if (resolveClosed && serverClosed && conns.size === 0) resolveClosed();
  };

  const release = (conn: Connection): void => {
    if (conn.closed) return;
    conn.closed = true;
    conns.delete(conn.endpoint.connId);
    if (byKey.get(conn.key) === conn) byKey.delete(conn.key);
    if (conn.inbound) {
      const n = (perSource.get(conn.endpoint.address) ?? 1) - 1;
      if (n === 0) perSource.delete(conn.endpoint.address);
      else perSource.set(conn.endpoint.address, n);
    }
    const err = conn.error ?? new Error('tcp connection closed');
    const dests = conn.pendingDest.splice(0);
    const dones = conn.pendingDone.splice(0);
    for (let i = 0; i < dones.length; i++) {
      reportError(dests[i], err);
      const done = dones[i];
      if (done) done(err);
    }
    checkClosed();
  };

  const deliver = (conn: Connection, buf: Buffer, start: number, end: number): void => {
    if (conn.closed || conn.socket.destroyed) return;
    if (buf === conn.ownedChunk) {
      opts.onMessage(buf, start, end, conn.endpoint, transport);
      return;
    }
    // The shared read buffer and the framer's tail are reused: the message gets bytes of its own
    // (Buffer.allocUnsafe takes small sizes from Node's pool slab).
    const own = Buffer.allocUnsafe(end - start);
    buf.copy(own, 0, start, end);
    opts.onMessage(own, 0, own.length, conn.endpoint, transport);
  };

  /** Registers a socket as a connection: error/close/timeout handling and framing. */
  const adopt = (socket: net.Socket, address: string, port: number, inbound: boolean): Connection => {
    const connId = nextConnId++;
    const endpoint: Endpoint = { proto: 'tcp', address, port, connId };
    const framer = new StreamFramer({
      maxMessageBytes,
      onMessage: (buf, start, end) => deliver(conn, buf, start, end),
      onKeepAlive: (kind) => {
        if (kind === 'pong') {
          counters.pongs++;
          return;
        }
        counters.pings++;
        // A pong is only worth sending to a peer that reads; one that does not is cut off.
        if (!conn.usable) return;
        const sec = Math.floor(Date.now() / 1000);
        if (sec !== conn.pingWindowSec) { conn.pingWindowSec = sec; conn.pingsInWindow = 0; }
        if (++conn.pingsInWindow > MAX_PINGS_PER_SEC) {
          conn.error = new Error(`tcp keep-alive flood (over ${MAX_PINGS_PER_SEC} pings a second)`);
          socket.destroy();
          return;
        }
        if (socket.writableLength > MAX_WRITE_BACKLOG_BYTES) {
          conn.error = new Error('tcp peer does not read (write backlog over 1 MiB)');
          socket.destroy();
          return;
        }
        if (socket.writableLength === 0) socket.write(PONG);
      },
      onError: (reason) => {
        counters.framingErrors++;
        conn.error = new Error(`tcp framing: ${reason}`);
        socket.destroy();
      },
    });
    // The framer's callbacks run only on reads, after `conn` exists.
    const conn: Connection = new Connection(socket, `${address}|${port}`, endpoint, inbound, framer, onWritten);
    conns.set(connId, conn);
    byKey.set(conn.key, conn);
    if (inbound) perSource.set(address, (perSource.get(address) ?? 0) + 1);
    socket.setNoDelay(true);
    // Every socket has an 'error' listener, so a reset peer never throws; 'close' always follows.
    socket.on('error', (err) => {
      if (conn.error === null) conn.error = err;
    });
    socket.on('close', () => release(conn));
    // Idle timeout by the socket's own timer: no state machine, reset by traffic either way.
    socket.on('timeout', () => {
      if (socket.connecting) conn.error = new Error(`tcp connect timeout after ${connectTimeoutMs} ms`);
      socket.destroy();
    });
    socket.setTimeout(socket.connecting ? connectTimeoutMs : idleTimeoutMs);
    return conn;
  };

  const connect = (address: string, port: number): Connection => {
    let conn: Connection | null = null;
    // net.connect accepts `onread` (Node >= 12.2): reads land in the shared buffer, nothing allocated.
    const socket = net.connect({
      host: address,
      port,
      onread: {
        buffer: readBuffer,
        callback: (nread: number): boolean => {
          if (conn) conn.framer.push(readBuffer, 0, nread);
          return true;
        },
      },
    });
    conn = adopt(socket, address, port, false);
    socket.once('connect', () => {
      counters.connected++;
      socket.setTimeout(idleTimeoutMs);
    });
    return conn;
  };

  const send = (buf: Buffer, off: number, len: number, dest: Endpoint, done?: Done): void => {
    if (closed) return refuse(dest, new Error('tcp transport is closed'), done);
    let conn = dest.connId !== 0 ? conns.get(dest.connId) : undefined;
    if (conn === undefined || !conn.usable) {
      const address = normalizeAddress(dest.address);
      if (net.isIP(address) === 0) return refuse(dest, new Error(`not an IP address: ${address}`), done);
      if (!Number.isInteger(dest.port) || dest.port < 1 || dest.port > MAX_PORT) {
        return refuse(dest, new Error(`bad port: ${dest.port}`), done);
      }
      conn = byKey.get(`${address}|${dest.port}`);
      if (conn === undefined || !conn.usable) {
        if (conns.size >= maxConnections) {
          return refuse(dest, new Error(`tcp connection limit (${maxConnections}) reached`), done);
        }
        conn = connect(address, dest.port);
      }
    }
    if (conn.socket.writableLength + len > MAX_WRITE_BACKLOG_BYTES) {
      conn.error = new Error('tcp peer does not read (write backlog over 1 MiB)');
      conn.socket.destroy();
      return refuse(dest, conn.error, done);
    }
    conn.pendingDone.push(done ?? null);
    conn.pendingDest.push(dest);
    // While connecting, the socket queues the bytes itself and writes them on 'connect'.
    conn.socket.write(off === 0 && len === buf.length ? buf : buf.subarray(off, off + len), conn.onWritten);
  };

  const server = net.createServer((socket) => {
    const remote = socket.remoteAddress;
    const port = socket.remotePort;
    if (closed || remote === undefined || port === undefined) {
      socket.destroy();
      return;
    }
    const address = normalizeAddress(remote);
    if (conns.size >= maxConnections || (perSource.get(address) ?? 0) >= maxPerSource) {
      counters.refused++;
      socket.destroy();
      return;
    }
    counters.accepted++;
    const conn = adopt(socket, address, port, true);
    // net.Server has no `onread` option and an accepted socket cannot switch to one, so inbound
    // connections read through 'data'. Each chunk is a fresh Buffer that Node will not reuse,
    // so messages lying wholly inside it are passed on without a copy.
    socket.on('data', (chunk: Buffer) => {
      conn.ownedChunk = chunk;
      conn.framer.push(chunk, 0, chunk.length);
      conn.ownedChunk = null;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.address, port: opts.port, ipv6Only: false, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Accept failures (EMFILE, ...) come as 'error' on the server: counted, the server keeps going.
  server.on('error', () => {
    counters.acceptErrors++;
  });
  const bound = server.address();
  const localPort = typeof bound === 'object' && bound !== null ? bound.port : opts.port;

  const transport: TcpTransport = {
    proto: 'tcp',
    reliable: true,
    localAddress: opts.address,
    localPort,
    counters,
    connectionCount: () => conns.size,
    send,
    close() {
      if (closing) return closing;
      closed = true;
      closing = new Promise<void>((resolve) => {
        resolveClosed = resolve;
        server.close(() => {
          serverClosed = true;
          checkClosed();
        });
        for (const conn of [...conns.values()]) conn.socket.destroy();
        checkClosed();
      });
      return closing;
    },
  };
  return transport;
}
