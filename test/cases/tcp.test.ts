// TCP transport (RFC 3261 §18, §18.3; RFC 5626 §4.4.1): the shared conformance suite, then limits
// and behaviour only this implementation has.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpTransport } from '../../firmware/src/engine/transport/tcp';
import type { TcpTransport, TcpTransportOptions } from '../../firmware/src/engine/transport/tcp';
import type { Endpoint } from '../../firmware/src/engine/transport/index';
import { Inbox, delay, eventually, runTransportConformance, sendAndWait, sipMessage } from './transport.case';

const connectRaw = (host: string, port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });

runTransportConformance<TcpTransport>('tcp', {
  proto: 'tcp',
  create: (opts) => createTcpTransport(opts),
  largeMessageBytes: 60 * 1024,
  stream: { connect: connectRaw, connectionCount: (t) => t.connectionCount() },
});

describe('tcp transport specifics', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const open = async (opts: Partial<TcpTransportOptions> = {}): Promise<TcpTransport> => {
    const t = await createTcpTransport({ address: '127.0.0.1', port: 0, onMessage: () => undefined, ...opts });
    cleanups.push(() => t.close());
    return t;
  };
  const connect = async (port: number): Promise<net.Socket> => {
    const sock = await connectRaw('127.0.0.1', port);
    sock.on('error', () => undefined); // a refused connection may be reset; the test checks 'close'
    cleanups.push(() => sock.destroy());
    return sock;
  };
  const closedWithin = (sock: net.Socket, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      sock.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  it('refuses inbound connections over maxConnectionsPerSource at once, keeping the others', async () => {
    const inbox = new Inbox();
    const t = await open({ maxConnectionsPerSource: 2, onMessage: inbox.onMessage });
    const first = await connect(t.localPort);
    const second = await connect(t.localPort);
    await delay(50);
    const third = await connect(t.localPort);
    expect(await closedWithin(third, 2000)).toBe(true);
    expect(t.counters.refused).toBe(1);
    first.write(sipMessage('one'));
    second.write(sipMessage('two'));
    await inbox.waitFor(2, 'messages on the admitted connections');
    expect(t.connectionCount()).toBe(2);
  }, 10_000);

  it('refuses inbound connections over maxConnections', async () => {
    const t = await open({ maxConnections: 1 });
    await connect(t.localPort);
    await delay(50);
    const extra = await connect(t.localPort);
    expect(await closedWithin(extra, 2000)).toBe(true);
    expect(t.connectionCount()).toBe(1);
  }, 10_000);

  it('refuses an outbound send over maxConnections through done', async () => {
    const b = await open();
    const c = await open();
    const a = await open({ maxConnections: 1 });
    expect(await sendAndWait(a, sipMessage('1'), { proto: 'tcp', address: '127.0.0.1', port: b.localPort, connId: 0 })).toBeNull();
    const err = await sendAndWait(a, sipMessage('2'), { proto: 'tcp', address: '127.0.0.1', port: c.localPort, connId: 0 });
    expect(err?.message).toMatch(/connection limit/);
  }, 10_000);

  it('queues sends made while connecting and writes them in order on one connection (RFC 3261 §18.1.1)', async () => {
    const inbox = new Inbox();
    const b = await open({ onMessage: inbox.onMessage });
    const a = await open();
    const dest: Endpoint = { proto: 'tcp', address: '127.0.0.1', port: b.localPort, connId: 0 };
    const tags = ['q1', 'q2', 'q3', 'q4', 'q5'];
    const dones = tags.map((tag) => sendAndWait(a, sipMessage(tag), dest));
    expect(await Promise.all(dones)).toEqual([null, null, null, null, null]);
    const got = await inbox.waitFor(5, 'the queued messages');
    expect(got.map((r) => r.bytes.toString('latin1'))).toEqual(tags.map((tag) => sipMessage(tag).toString('latin1')));
    expect(a.connectionCount()).toBe(1);
  }, 10_000);

  it('fails queued sends with the connect error when the connection is refused', async () => {
    const gone = await createTcpTransport({ address: '127.0.0.1', port: 0, onMessage: () => undefined });
    const port = gone.localPort;
    await gone.close();
    const a = await open();
    const dest: Endpoint = { proto: 'tcp', address: '127.0.0.1', port, connId: 0 };
    const errs = await Promise.all([1, 2, 3].map((i) => sendAndWait(a, sipMessage(`r${i}`), dest)));
    expect(errs.map((e) => (e as NodeJS.ErrnoException | null)?.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    expect(a.connectionCount()).toBe(0);
  }, 10_000);

  it('closes the connection on a Content-Length that is not a number', async () => {
    const inbox = new Inbox();
    const t = await open({ onMessage: inbox.onMessage });
    const sock = await connect(t.localPort);
    sock.write('INFO sip:a SIP/2.0\r\nContent-Length: ten\r\n\r\n');
    expect(await closedWithin(sock, 2000)).toBe(true);
    expect(t.counters.framingErrors).toBe(1);
    expect(inbox.items).toEqual([]);
  }, 10_000);

  it('counts a pong (lone CRLF) without answering it', async () => {
    const t = await open();
    const sock = await connect(t.localPort);
    let answered = '';
    sock.on('data', (chunk: Buffer) => (answered += chunk.toString('latin1')));
    sock.write('\r\n');
    await eventually(() => t.counters.pongs === 1, 'the pong to be counted');
    await delay(50);
    expect(answered).toBe('');
  }, 10_000);

  it('falls back to the address when the connId names a closed connection', async () => {
    const inbox = new Inbox();
    const b = await open({ onMessage: inbox.onMessage });
    const a = await open();
    const dest: Endpoint = { proto: 'tcp', address: '127.0.0.1', port: b.localPort, connId: 9999 };
    expect(await sendAndWait(a, sipMessage('fallback'), dest)).toBeNull();
    await inbox.waitFor(1, 'the message');
  }, 10_000);
});
