// Opens the UDP and TCP transports of one listening address on one port: RFC 3261 §18 requires
// servers to take requests over both, and a Via sent-by port must mean the same on either.
import type { OnMessage, OnSendError } from './index';
import { createTcpTransport } from './tcp';
import type { TcpTransport, TcpTransportOptions } from './tcp';
import { createUdpTransport } from './udp';
import type { UdpTransport, UdpTransportOptions } from './udp';

type Shared = 'address' | 'port' | 'onMessage' | 'onSendError';

export interface ListenOptions {
  address: string;
  /** 0 = an ephemeral port free for both UDP and TCP. */
  port: number;
  onMessage: OnMessage;
  onSendError?: OnSendError;
  udp?: Omit<UdpTransportOptions, Shared>;
  tcp?: Omit<TcpTransportOptions, Shared>;
}

export interface Listener {
  readonly udp: UdpTransport;
  readonly tcp: TcpTransport;
  /** Closes both transports. */
  close(): Promise<void>;
}

/** The UDP port the kernel picked may be taken for TCP; try a few before giving up. */
const EPHEMERAL_ATTEMPTS = 8;

export async function listen(opts: ListenOptions): Promise<Listener> {
  const attempts = opts.port === 0 ? EPHEMERAL_ATTEMPTS : 1;
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const shared = { address: opts.address, onMessage: opts.onMessage, onSendError: opts.onSendError };
    const udp = await createUdpTransport({ ...opts.udp, ...shared, port: opts.port });
    try {
      const tcp = await createTcpTransport({ ...opts.tcp, ...shared, port: udp.localPort });
      return { udp, tcp, close: () => Promise.all([udp.close(), tcp.close()]).then(() => undefined) };
    } catch (err) {
      await udp.close();
      lastError = err instanceof Error ? err : new Error(String(err));
      if ((lastError as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw lastError ?? new Error(`cannot listen on ${opts.address}:${opts.port}`);
}
