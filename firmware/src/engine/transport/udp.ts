// SIP over UDP (RFC 3261 §18.1.1, §18.2.1): one datagram is one message. Empty and CRLF-only
// datagrams are the NAT keep-alives many UAs send (RFC 5626 itself uses STUN on UDP): dropped, counted.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Endpoint, OnMessage, OnSendError, Transport } from './index';
import { ipFamily, normalizeAddress } from './address';

export interface UdpTransportOptions {
  /** Local address: IPv4 dotted or IPv6. '::' binds dual-stack (see familyOf). */
  address: string;
  /** 0 = ephemeral; `localPort` then tells the real one. */
  port: number;
  onMessage: OnMessage;
  onSendError?: OnSendError;
  /** SO_RCVBUF; bursts of REGISTERs after a router reboot overflow the small defaults. */
  recvBufferBytes?: number;
  sendBufferBytes?: number;
}

/** Counters for metrics; plain numbers, updated in place. */
export interface UdpCounters {
  datagrams: number;
  keepAlives: number;
  sendErrors: number;
  socketErrors: number;
}

export type UdpTransport = Transport & { readonly family: 4 | 6; readonly counters: UdpCounters };

const CR = 0x0d;
const LF = 0x0a;
const MAX_PORT = 65535;

/**
 * One in-flight send. Node may complete a later send before an earlier one (a send that goes out
 * at once completes on a nextTick, one queued behind a full socket buffer completes from libuv, and
 * a send made from inside a completion callback slips in between), so a FIFO of `done` functions
 * could hand a completion to the wrong caller. Each slot owns one callback, made once and reused
 * through a free list: exact, and nothing allocated per send in steady state.
 */
class SendSlot {
  done: ((err: Error | null) => void) | null = null;
  dest: Endpoint | null = null;
  readonly onSent: (err: Error | null) => void;

  constructor(complete: (slot: SendSlot, err: Error | null) => void) {
    this.onSent = (err) => complete(this, err);
  }
}

/**
 * '::' => udp6 with ipv6Only false: one socket serves IPv6 and IPv4 peers (the latter appear as
 * ::ffff:a.b.c.d and are normalised to a.b.c.d). Bind '0.0.0.0' and a specific IPv6 address to
 * keep the families on separate sockets; '::' and '0.0.0.0' on one port conflict (EADDRINUSE).
 */
function familyOf(address: string): 4 | 6 {
  return net.isIPv6(address) ? 6 : 4;
}

export function createUdpTransport(opts: UdpTransportOptions): Promise<UdpTransport> {
  const family = familyOf(opts.address);
  const dualStack = family === 6 && opts.address === '::';
  const socket = dgram.createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    ipv6Only: false,
    recvBufferSize: opts.recvBufferBytes,
    sendBufferSize: opts.sendBufferBytes,
    // Destinations are always IP literals (RFC 3263 resolution happens above the transport), so
    // the "lookup" only checks the literal and answers at once: no dns.lookup, no tick per send.
    lookup: (address, _family, cb) => {
      const f = ipFamily(address);
      if (f === 0) cb(new Error(`not an IP address: ${address}`), '', 0);
      else cb(null, address, f);
    },
  });
  const counters: UdpCounters = { datagrams: 0, keepAlives: 0, sendErrors: 0, socketErrors: 0 };
  const freeSlots: SendSlot[] = [];
  const busySlots = new Set<SendSlot>();
  let closed = false;
  let closing: Promise<void> | null = null;

  const reportError = (dest: Endpoint, err: Error): void => {
    counters.sendErrors++;
    if (opts.onSendError) opts.onSendError(dest, err);
  };

  const complete = (slot: SendSlot, err: Error | null): void => {
    const done = slot.done;
    const dest = slot.dest;
    // Already settled by close(): a late callback from Node must not call done twice.
    if (!busySlots.delete(slot)) return;
    slot.done = null;
    slot.dest = null;
    freeSlots.push(slot);
    if (err && dest) reportError(dest, err);
    if (done) done(err);
  };

  /** Reports a refused send on the next tick, like Node's own failures, so done is never re-entrant. */
  const refuse = (dest: Endpoint, err: Error, done: ((err: Error | null) => void) | undefined): void => {
    process.nextTick(() => {
      reportError(dest, err);
      if (done) done(err);
    });
  };

  const bound = new Promise<number>((resolve, reject) => {
    const onBindError = (err: Error): void => {
      closed = true;
      socket.close();
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind({ address: opts.address, port: opts.port, exclusive: true }, () => {
      socket.off('error', onBindError);
      // After bind a dgram socket reports nothing we could act on (ICMP errors are not surfaced
      // on unconnected sockets); count it so metrics show it rather than crash the daemon.
      socket.on('error', () => {
        counters.socketErrors++;
      });
      resolve(socket.address().port);
    });
  });

  return bound.then((localPort) => {
    const transport: UdpTransport = {
      proto: 'udp',
      reliable: false,
      family,
      counters,
      localAddress: opts.address,
      localPort,
      send(buf, off, len, dest, done) {
        if (closed) return refuse(dest, new Error('udp transport is closed'), done);
        let address = dest.address;
        const destFamily = ipFamily(address);
        if (destFamily === 0) return refuse(dest, new Error(`not an IP address: ${address}`), done);
        if (!Number.isInteger(dest.port) || dest.port < 1 || dest.port > MAX_PORT) {
          return refuse(dest, new Error(`bad port: ${dest.port}`), done);
        }
        if (destFamily !== family) {
          if (!dualStack || destFamily !== 4) {
            const reason = `cannot send to IPv${destFamily} from IPv${family} socket ${opts.address}`;
            return refuse(dest, new Error(reason), done);
          }
          address = `::ffff:${address}`;
        }
        const slot = freeSlots.pop() ?? new SendSlot(complete);
        slot.done = done ?? null;
        slot.dest = dest;
        busySlots.add(slot);
        try {
          // The short form avoids the view Node slices when off/len cover the whole buffer.
          if (off === 0 && len === buf.length) socket.send(buf, dest.port, address, slot.onSent);
          else socket.send(buf, off, len, dest.port, address, slot.onSent);
        } catch (err) {
          // Node throws synchronously only on arguments it dislikes: a failed send like any other.
          busySlots.delete(slot);
          freeSlots.push(slot);
          refuse(dest, err instanceof Error ? err : new Error(String(err)), done);
        }
      },
      close() {
        if (closing) return closing;
        closed = true;
        closing = new Promise<void>((resolve) => {
          socket.close(() => {
            // Sends still queued in libuv when the handle closed are settled here, exactly once.
            for (const slot of [...busySlots]) complete(slot, new Error('udp transport closed'));
            resolve();
          });
        });
        return closing;
      },
    };

    // Zero copy: `msg` is the Buffer Node allocated for this datagram and the only one there is;
    // it is handed on as is and belongs to the receiver. Attached in the microtask after the bind,
    // before the event loop can read any datagram.
    socket.on('message', (msg, rinfo) => {
      if (isKeepAlive(msg)) {
        counters.keepAlives++;
        return;
      }
      counters.datagrams++;
      const src: Endpoint = { proto: 'udp', address: normalizeAddress(rinfo.address), port: rinfo.port, connId: 0 };
      opts.onMessage(msg, 0, msg.length, src, transport);
    });
    return transport;
  });
}

/** Empty datagrams and CR/LF-only ones carry no message (keep-alives). */
function isKeepAlive(msg: Buffer): boolean {
  for (let i = 0; i < msg.length; i++) {
    const b = msg[i];
    if (b !== CR && b !== LF) return false;
  }
  return true;
}
