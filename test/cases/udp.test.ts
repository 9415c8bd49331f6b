// UDP transport (RFC 3261 §18.1.1, §18.2.1): the shared conformance suite, then what only UDP does.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createUdpTransport } from '../../firmware/src/engine/transport/udp';
import type { UdpTransport } from '../../firmware/src/engine/transport/udp';
import type { Endpoint } from '../../firmware/src/engine/transport/index';
import { Inbox, eventually, runTransportConformance, sendAndWait, sipMessage } from './transport.case';

runTransportConformance<UdpTransport>('udp', {
  proto: 'udp',
  create: (opts) => createUdpTransport(opts),
  largeMessageBytes: 8 * 1024,
});

describe('udp transport specifics', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const open = async (address: string, inbox = new Inbox(), errors: Endpoint[] = []): Promise<UdpTransport> => {
    const t = await createUdpTransport({ address, port: 0, onMessage: inbox.onMessage, onSendError: (d) => errors.push(d) });
    cleanups.push(() => t.close());
    return t;
  };
  const rawSocket = async (): Promise<dgram.Socket> => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => sock.close(() => resolve())));
    return sock;
  };

  it('picks the socket family from the address', async () => {
    expect((await open('127.0.0.1')).family).toBe(4);
    expect((await open('::1')).family).toBe(6);
    expect((await open('::')).family).toBe(6);
  }, 10_000);

  it('drops and counts empty and CRLF-only datagrams (NAT keep-alives UAs send over UDP)', async () => {
    const inbox = new Inbox();
    const t = await open('127.0.0.1', inbox);
    const raw = await rawSocket();
    const msg = sipMessage('after-keepalives');
    for (const payload of ['', '\r\n', '\r\n\r\n']) {
      await new Promise((resolve) => raw.send(Buffer.from(payload), t.localPort, '127.0.0.1', resolve));
    }
    await new Promise((resolve) => raw.send(msg, t.localPort, '127.0.0.1', resolve));
    const [got] = await inbox.waitFor(1, 'the message');
    expect(got.bytes.equals(msg)).toBe(true);
    expect(inbox.items.length).toBe(1);
    expect(t.counters.keepAlives).toBe(3);
    expect(t.counters.datagrams).toBe(1);
  }, 10_000);

  it('hands over the datagram buffer itself, whole (zero copy)', async () => {
    const seen: Array<[number, number, number]> = [];
    const t = await createUdpTransport({
      address: '127.0.0.1', port: 0, onMessage: (buf, start, end) => seen.push([start, end, buf.length]),
    });
    cleanups.push(() => t.close());
    const raw = await rawSocket();
    await new Promise((resolve) => raw.send(sipMessage('zc'), t.localPort, '127.0.0.1', resolve));
    await eventually(() => seen.length === 1, 'the datagram');
    const len = sipMessage('zc').length;
    expect(seen).toEqual([[0, len, len]]);
  }, 10_000);

  it('reports a datagram too big to send (EMSGSIZE) through done and onSendError', async () => {
    const errors: Endpoint[] = [];
    const a = await open('127.0.0.1', new Inbox(), errors);
    const b = await open('127.0.0.1');
    const dest: Endpoint = { proto: 'udp', address: '127.0.0.1', port: b.localPort, connId: 0 };
    const err = await sendAndWait(a, Buffer.alloc(70_000, 0x41), dest);
    expect((err as NodeJS.ErrnoException).code).toBe('EMSGSIZE');
    expect(errors).toEqual([dest]);
  }, 10_000);

  it('refuses an IPv6 destination on an IPv4 socket and a port out of range', async () => {
    const a = await open('127.0.0.1');
    expect(await sendAndWait(a, sipMessage('x'), { proto: 'udp', address: '::1', port: 5060, connId: 0 })).toBeInstanceOf(Error);
    expect(await sendAndWait(a, sipMessage('x'), { proto: 'udp', address: '127.0.0.1', port: 0, connId: 0 })).toBeInstanceOf(Error);
    expect(await sendAndWait(a, sipMessage('x'), { proto: 'udp', address: '127.0.0.1', port: 70000, connId: 0 })).toBeInstanceOf(Error);
  }, 10_000);

  it('sends from the slice of a larger buffer given by offset and length', async () => {
    const inbox = new Inbox();
    const a = await open('127.0.0.1');
    const b = await open('127.0.0.1', inbox);
    const msg = sipMessage('slice');
    const framed = Buffer.concat([Buffer.from('JUNK'), msg, Buffer.from('JUNK')]);
    a.send(framed, 4, msg.length, { proto: 'udp', address: '127.0.0.1', port: b.localPort, connId: 0 });
    const [got] = await inbox.waitFor(1, 'the slice');
    expect(got.bytes.equals(msg)).toBe(true);
  }, 10_000);
});
