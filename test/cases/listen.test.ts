// listen(): one SIP address served over UDP and TCP on the same port (RFC 3261 §18).
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../firmware/src/engine/transport/listen';
import type { Listener } from '../../firmware/src/engine/transport/listen';
import { createUdpTransport } from '../../firmware/src/engine/transport/udp';
import { createTcpTransport } from '../../firmware/src/engine/transport/tcp';
import { Inbox, sendAndWait, sipMessage } from './transport.case';

describe('listen', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('opens UDP and TCP on one ephemeral port and receives on both', async () => {
    const inbox = new Inbox();
    const listener: Listener = await listen({ address: '127.0.0.1', port: 0, onMessage: inbox.onMessage });
    cleanups.push(() => listener.close());
    expect(listener.udp.localPort).toBeGreaterThan(0);
    expect(listener.tcp.localPort).toBe(listener.udp.localPort);
    const udp = await createUdpTransport({ address: '127.0.0.1', port: 0, onMessage: () => undefined });
    const tcp = await createTcpTransport({ address: '127.0.0.1', port: 0, onMessage: () => undefined });
    cleanups.push(() => udp.close(), () => tcp.close());
    const port = listener.udp.localPort;
    expect(await sendAndWait(udp, sipMessage('u'), { proto: 'udp', address: '127.0.0.1', port, connId: 0 })).toBeNull();
    expect(await sendAndWait(tcp, sipMessage('t'), { proto: 'tcp', address: '127.0.0.1', port, connId: 0 })).toBeNull();
    const got = await inbox.waitFor(2, 'one message per transport');
    expect(got.map((r) => r.via.proto).sort()).toEqual(['tcp', 'udp']);
  }, 10_000);

  it('rejects when TCP cannot have the port and closes the UDP socket it had opened', async () => {
    const tcpOnly = await createTcpTransport({ address: '127.0.0.1', port: 0, onMessage: () => undefined });
    cleanups.push(() => tcpOnly.close());
    const port = tcpOnly.localPort;
    await expect(listen({ address: '127.0.0.1', port, onMessage: () => undefined })).rejects.toThrow(/EADDRINUSE/);
    // The UDP half bound the port before TCP failed: it must be free again.
    const udp = await createUdpTransport({ address: '127.0.0.1', port, onMessage: () => undefined });
    cleanups.push(() => udp.close());
    expect(udp.localPort).toBe(port);
  }, 10_000);
});
