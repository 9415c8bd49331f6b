// The Transport conformance suite (RFC 3261 §18): every implementation runs it over real sockets on
// 127.0.0.1 and ::1. Stream transports also run the byte-level part (§18.3 framing, RFC 5626
// §4.4.1 keep-alives, §18.2.2 connection reuse, limits). Call runTransportConformance from a test.
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, OnMessage, OnSendError, Proto, Transport } from '../../firmware/src/engine/transport/index';

export interface ConformanceOptions {
  address: string;
  port: number;
  onMessage: OnMessage;
  onSendError?: OnSendError;
  /** Stream transports only. */
  idleTimeoutMs?: number;
  maxMessageBytes?: number;
}

export interface TransportFactory<T extends Transport> {
  proto: Proto;
  create(opts: ConformanceOptions): Promise<T>;
  /** Size of one message the transport must carry intact (e.g. 8 KiB over UDP, 60 KiB over TCP). */
  largeMessageBytes: number;
  /** Stream transports: a raw client socket for byte-level tests, and the live connection count. */
  stream?: { connect(address: string, port: number): Promise<net.Socket>; connectionCount(t: T): number };
}

const TEST_TIMEOUT_MS = 15_000;
const WAIT_MS = 5_000;

export interface Received {
  /** A view of the delivered bytes, not a copy: the OnMessage contract says they stay valid. */
  bytes: Buffer;
  src: Endpoint;
  via: Transport;
}

/** Collects received messages and lets a test wait for the n-th one. */
export class Inbox {
  readonly items: Received[] = [];
  readonly onMessage: OnMessage = (buf, start, end, src, via) => {
    this.items.push({ bytes: buf.subarray(start, end), src: { ...src }, via });
  };

  async waitFor(count: number, what: string, timeoutMs = WAIT_MS): Promise<Received[]> {
    await eventually(() => this.items.length >= count, () => `${what}: got ${this.items.length} of ${count}`, timeoutMs);
    return this.items.slice(0, count);
  }
}

export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` until true; for state that settles a loop turn after the event the test saw. */
export async function eventually(cond: () => boolean, what: string | (() => string), timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await delay(5);
  }
}

/** A SIP MESSAGE whose body is `bodyBytes` bytes of a pattern that shows any reordering. */
export function sipMessage(tag: string, bodyBytes = 0): Buffer {
  const head = Buffer.from(
    `MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TEST h.example.com;branch=z9hG4bK${tag}\r\n` +
      `Call-ID: ${tag}\r\nCSeq: 1 MESSAGE\r\nContent-Length: ${bodyBytes}\r\n\r\n`,
    'latin1',
  );
  const body = Buffer.alloc(bodyBytes);
  for (let i = 0; i < bodyBytes; i++) body[i] = 0x21 + (i % 89);
  return Buffer.concat([head, body]);
}

export const callIdOf = (msg: Buffer): string => {
  const text = msg.toString('latin1');
  const at = text.indexOf('Call-ID: ') + 'Call-ID: '.length;
  return text.slice(at, text.indexOf('\r\n', at));
};

/** Sends and resolves with what `done` reported (first call). */
export function sendAndWait(t: Transport, buf: Buffer, dest: Endpoint): Promise<Error | null> {
  return within(new Promise((resolve) => t.send(buf, 0, buf.length, dest, resolve)), WAIT_MS, 'send done');
}

/** Fails with a clear message when the host has no IPv6 loopback (nothing is skipped silently). */
async function requireIpv6Loopback(): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '::1', () => resolve());
    });
  } catch (err) {
    throw new Error(`IPv6 loopback ::1 is not available on this host (${String(err)}); enable IPv6 on lo to run this suite`);
  } finally {
    server.close();
  }
}

export function runTransportConformance<T extends Transport>(name: string, factory: TransportFactory<T>): void {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = async (opts: Omit<ConformanceOptions, 'port'> & { port?: number }): Promise<T> => {
    const t = await factory.create({ port: 0, ...opts });
    cleanups.push(() => t.close());
    return t;
  };
  const endpoint = (address: string, port: number, connId = 0): Endpoint => ({ proto: factory.proto, address, port, connId });

  for (const host of ['127.0.0.1', '::1']) {
    describe(`${name} transport conformance on ${host}`, () => {
      if (host === '::1') beforeAll(requireIpv6Loopback);

      it('binds an ephemeral port and says what it is', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage });
        expect(t.proto).toBe(factory.proto);
        expect(t.reliable).toBe(factory.proto !== 'udp');
        expect(t.localAddress).toBe(host);
        expect(t.localPort).toBeGreaterThan(0);
      }, TEST_TIMEOUT_MS);

      it('carries a request one way and the reply back to its source Endpoint (RFC 3261 §18.2.2)', async () => {
        const inboxA = new Inbox();
        const inboxB = new Inbox();
        const a = await open({ address: host, onMessage: inboxA.onMessage });
        const b = await open({ address: host, onMessage: inboxB.onMessage });
        const request = sipMessage('req1');
        expect(await sendAndWait(a, request, endpoint(host, b.localPort))).toBeNull();
        const [got] = await inboxB.waitFor(1, 'the request');
        expect(got.bytes.equals(request)).toBe(true);
        expect(got.via).toBe(b);
        expect(got.src.proto).toBe(factory.proto);
        expect(got.src.address).toBe(host);
        if (factory.stream) expect(got.src.connId).toBeGreaterThan(0);
        else expect(got.src).toEqual(endpoint(host, a.localPort));
        const reply = sipMessage('reply1');
        expect(await sendAndWait(got.via, reply, got.src)).toBeNull();
        const [back] = await inboxA.waitFor(1, 'the reply');
        expect(back.bytes.equals(reply)).toBe(true);
        expect(back.src.address).toBe(host);
        expect(back.src.port).toBe(b.localPort);
      }, TEST_TIMEOUT_MS);

      it(`carries a message of ${factory.largeMessageBytes} bytes intact, both ways`, async () => {
        const inboxA = new Inbox();
        const inboxB = new Inbox();
        const a = await open({ address: host, onMessage: inboxA.onMessage });
        const b = await open({ address: host, onMessage: inboxB.onMessage });
        let bodyBytes = factory.largeMessageBytes - sipMessage('big').length;
        while (sipMessage('big', bodyBytes).length > factory.largeMessageBytes) bodyBytes--;
        const big = sipMessage('big', bodyBytes);
        expect(big.length).toBe(factory.largeMessageBytes);
        expect(await sendAndWait(a, big, endpoint(host, b.localPort))).toBeNull();
        const [got] = await inboxB.waitFor(1, 'the large message');
        expect(got.bytes.equals(big)).toBe(true);
        expect(await sendAndWait(b, big, got.src)).toBeNull();
        const [back] = await inboxA.waitFor(1, 'the large message back');
        expect(back.bytes.equals(big)).toBe(true);
      }, TEST_TIMEOUT_MS);

      it(`delivers 200 messages sent back to back${factory.stream ? ', in order' : ''}, each way`, async () => {
        const inboxA = new Inbox();
        const inboxB = new Inbox();
        const a = await open({ address: host, onMessage: inboxA.onMessage });
        // B echoes each message to its source: the burst goes back through the other read path.
        const b = await open({
          address: host,
          onMessage: (buf, start, end, src, via) => {
            inboxB.onMessage(buf, start, end, src, via);
            via.send(buf, start, end - start, src);
          },
        });
        const sent: string[] = [];
        const dones: Array<Promise<Error | null>> = [];
        for (let i = 0; i < 200; i++) {
          const msg = sipMessage(`burst-${i}`, i % 7);
          sent.push(msg.toString('latin1'));
          dones.push(new Promise((resolve) => a.send(msg, 0, msg.length, endpoint(host, b.localPort), resolve)));
        }
        expect(await within(Promise.all(dones), WAIT_MS, '200 send dones')).toEqual(new Array(200).fill(null));
        for (const inbox of [inboxB, inboxA]) {
          // Compared only once all arrived: a reused read buffer would have overwritten early ones.
          const got = (await inbox.waitFor(200, '200 messages')).map((r) => r.bytes.toString('latin1'));
          if (factory.stream) expect(got).toEqual(sent);
          else expect([...got].sort()).toEqual([...sent].sort());
        }
      }, TEST_TIMEOUT_MS);

      it('reports a send to a closed port through done, without throwing', async () => {
        const errors: Endpoint[] = [];
        const a = await open({ address: host, onMessage: () => undefined, onSendError: (dest) => errors.push(dest) });
        const gone = await factory.create({ address: host, port: 0, onMessage: () => undefined });
        const closedPort = gone.localPort;
        await gone.close();
        const dest = endpoint(host, closedPort);
        const err = await sendAndWait(a, sipMessage('nobody'), dest);
        // UDP: the ICMP unreachable may or may not come back; a stream connect must fail.
        if (factory.stream) {
          expect(err).toBeInstanceOf(Error);
          expect(errors).toEqual([dest]);
        }
      }, TEST_TIMEOUT_MS);

      it('refuses a destination that is not an IP address through done and onSendError', async () => {
        const errors: Endpoint[] = [];
        const a = await open({ address: host, onMessage: () => undefined, onSendError: (dest) => errors.push(dest) });
        const dest = endpoint('sip.example.com', 5060);
        expect(await sendAndWait(a, sipMessage('dns'), dest)).toBeInstanceOf(Error);
        expect(errors).toEqual([dest]);
      }, TEST_TIMEOUT_MS);

      it('closes everything: close() resolves, repeats harmlessly, frees the port, and later sends fail', async () => {
        const a = await open({ address: host, onMessage: () => undefined });
        const peer = factory.stream ? await factory.stream.connect(host, a.localPort) : null;
        const peerClosed = peer ? new Promise((resolve) => peer.once('close', resolve)) : null;
        if (peer) cleanups.push(() => peer.destroy());
        await within(a.close(), WAIT_MS, 'close()');
        await within(a.close(), WAIT_MS, 'a second close()');
        if (peerClosed) await within(peerClosed, WAIT_MS, 'the peer connection to close');
        if (factory.stream) expect(factory.stream.connectionCount(a)).toBe(0);
        const again = await open({ address: host, port: a.localPort, onMessage: () => undefined });
        expect(again.localPort).toBe(a.localPort);
        expect(await sendAndWait(a, sipMessage('late'), endpoint(host, again.localPort))).toBeInstanceOf(Error);
      }, TEST_TIMEOUT_MS);
    });
  }

  describe(`${name} transport conformance on dual-stack ::`, () => {
    beforeAll(requireIpv6Loopback);

    it('reports IPv4 peers of a "::" socket as plain IPv4 (not ::ffff:) and answers them', async () => {
      const inboxA = new Inbox();
      const inboxB = new Inbox();
      const a = await open({ address: '127.0.0.1', onMessage: inboxA.onMessage });
      const b = await open({ address: '::', onMessage: inboxB.onMessage });
      expect(await sendAndWait(a, sipMessage('v4'), endpoint('127.0.0.1', b.localPort))).toBeNull();
      const [got] = await inboxB.waitFor(1, 'the request');
      expect(got.src.address).toBe('127.0.0.1');
      if (!factory.stream) expect(got.src.port).toBe(a.localPort);
      expect(await sendAndWait(b, sipMessage('v4-reply'), got.src)).toBeNull();
      await inboxA.waitFor(1, 'the reply');
    }, TEST_TIMEOUT_MS);
  });

  if (factory.stream) runStreamConformance(name, factory, factory.stream, open, cleanups);
}

type Opener<T> = (opts: Omit<ConformanceOptions, 'port'> & { port?: number }) => Promise<T>;

function runStreamConformance<T extends Transport>(
  name: string,
  factory: TransportFactory<T>,
  stream: NonNullable<TransportFactory<T>['stream']>,
  open: Opener<T>,
  cleanups: Array<() => unknown>,
): void {
  const connect = async (host: string, port: number): Promise<net.Socket> => {
    const sock = await stream.connect(host, port);
    // The transport may reset a raw peer (limits, our own reset); tests assert on 'close' instead.
    sock.on('error', () => undefined);
    cleanups.push(() => sock.destroy());
    return sock;
  };
  const closed = (sock: net.Socket): Promise<unknown> =>
    sock.destroyed ? Promise.resolve() : new Promise((resolve) => sock.once('close', resolve));
  const readBytes = (sock: net.Socket, count: number): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1');
        if (text.length >= count) {
          sock.off('data', onData);
          resolve(text);
        }
      };
      sock.on('data', onData);
    });

  for (const host of ['127.0.0.1', '::1']) {
    describe(`${name} stream conformance on ${host}`, () => {
      if (host === '::1') beforeAll(requireIpv6Loopback);

      it('frames messages packed into one write and a message split over several (RFC 3261 §18.3)', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage });
        const sock = await connect(host, t.localPort);
        sock.setNoDelay(true);
        const [m1, m2, m3] = [sipMessage('p1', 5), sipMessage('p2'), sipMessage('split', 300)];
        sock.write(Buffer.concat([m1, m2]));
        await inbox.waitFor(2, 'the packed messages');
        // Cut inside the header, inside the empty line and inside the body.
        const cuts = [0, 40, m3.length - 303, m3.length - 150, m3.length];
        for (let i = 1; i < cuts.length; i++) {
          sock.write(m3.subarray(cuts[i - 1], cuts[i]));
          await delay(30);
        }
        const got = await inbox.waitFor(3, 'the split message');
        expect(got.map((r) => r.bytes.toString('latin1'))).toEqual([m1, m2, m3].map((m) => m.toString('latin1')));
        expect(inbox.items.length).toBe(3);
      }, TEST_TIMEOUT_MS);

      it('answers a CRLF keep-alive ping with a CRLF pong (RFC 5626 §4.4.1)', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage });
        const sock = await connect(host, t.localPort);
        const pong = readBytes(sock, 2);
        sock.write('\r\n\r\n');
        expect(await within(pong, WAIT_MS, 'the pong')).toBe('\r\n');
        sock.write(sipMessage('after-ping'));
        await inbox.waitFor(1, 'a message after the ping');
      }, TEST_TIMEOUT_MS);

      it('sends a reply over the connection the request came in on, and reuses it by address (RFC 3261 §18.2.2, §18.1.1)', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage });
        const sock = await connect(host, t.localPort);
        sock.write(sipMessage('reuse'));
        const [req] = await inbox.waitFor(1, 'the request');
        const reply = sipMessage('reuse-reply');
        const byConn = readBytes(sock, reply.length);
        expect(await sendAndWait(t, reply, req.src)).toBeNull();
        expect(await within(byConn, WAIT_MS, 'the reply on the same connection')).toBe(reply.toString('latin1'));
        // No connId: the live connection to that address and port is found and reused.
        const byAddress = readBytes(sock, reply.length);
        expect(await sendAndWait(t, reply, { ...req.src, connId: 0 })).toBeNull();
        expect(await within(byAddress, WAIT_MS, 'the reply by address')).toBe(reply.toString('latin1'));
        expect(stream.connectionCount(t)).toBe(1);
      }, TEST_TIMEOUT_MS);

      it('opens one outbound connection and reuses it for later requests to the same address and port', async () => {
        const inboxB = new Inbox();
        const a = await open({ address: host, onMessage: () => undefined });
        const b = await open({ address: host, onMessage: inboxB.onMessage });
        for (const tag of ['out1', 'out2', 'out3']) {
          expect(await sendAndWait(a, sipMessage(tag), { proto: factory.proto, address: host, port: b.localPort, connId: 0 })).toBeNull();
        }
        const got = await inboxB.waitFor(3, 'three requests');
        expect(new Set(got.map((r) => r.src.connId)).size).toBe(1);
        expect(stream.connectionCount(a)).toBe(1);
        expect(stream.connectionCount(b)).toBe(1);
      }, TEST_TIMEOUT_MS);

      it('closes a connection idle for idleTimeoutMs', async () => {
        const t = await open({ address: host, onMessage: () => undefined, idleTimeoutMs: 200 });
        const sock = await connect(host, t.localPort);
        await within(closed(sock), WAIT_MS, 'the idle connection to close');
        await eventually(() => stream.connectionCount(t) === 0, 'the transport to drop the connection');
      }, TEST_TIMEOUT_MS);

      it('closes a connection that sends more than maxMessageBytes without completing a message', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage, maxMessageBytes: 1024 });
        const sock = await connect(host, t.localPort);
        sock.write(`INFO sip:a SIP/2.0\r\nX-Endless: ${'x'.repeat(2000)}`);
        await within(closed(sock), WAIT_MS, 'the connection to close');
        expect(inbox.items).toEqual([]);
      }, TEST_TIMEOUT_MS);

      it('settles every send with done, without throwing, when the peer resets the connection', async () => {
        const inbox = new Inbox();
        const t = await open({ address: host, onMessage: inbox.onMessage, onSendError: () => undefined });
        const sock = await connect(host, t.localPort);
        sock.write(sipMessage('reset-me'));
        const [req] = await inbox.waitFor(1, 'the request');
        sock.resetAndDestroy();
        const calls = new Array<number>(20).fill(0);
        const results: Array<Error | null> = [];
        const big = sipMessage('flood', 60 * 1024);
        await within(
          Promise.all(
            calls.map(
              (_, i) =>
                new Promise<void>((resolve) =>
                  t.send(big, 0, big.length, req.src, (err) => {
                    calls[i]++;
                    results.push(err);
                    resolve();
                  }),
                ),
            ),
          ),
          WAIT_MS,
          'every done',
        );
        await delay(100);
        expect(calls).toEqual(new Array(20).fill(1));
        expect(results.some((err) => err instanceof Error)).toBe(true);
      }, TEST_TIMEOUT_MS);
    });
  }
}
