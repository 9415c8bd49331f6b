// A bare UDP SIP client for tests: sends hand-written message text to the daemon and collects
// whatever comes back. It parses nothing with the code under test: expectations read the text.
import { createSocket, type Socket } from 'node:dgram';

export interface UdpClient {
  port: number;
  send(text: string | Buffer): void;
  /** The next datagram as text, or null after timeoutMs. */
  next(timeoutMs?: number): Promise<string | null>;
  /** Every datagram received in the next windowMs. */
  collect(windowMs: number): Promise<string[]>;
  close(): void;
}

export async function udpClient(target: number, host = '127.0.0.1'): Promise<UdpClient> {
  const sock: Socket = createSocket('udp4');
  const inbox: string[] = [];
  let wake: (() => void) | null = null;
  sock.on('message', (m) => { inbox.push(m.toString('latin1')); wake?.(); });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = sock.address().port;
  return {
    port,
    send: (text) => sock.send(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, target, host),
    next(timeoutMs = 2000) {
      if (inbox.length) return Promise.resolve(inbox.shift()!);
      return new Promise((resolve) => {
        const t = setTimeout(() => { wake = null; resolve(null); }, timeoutMs);
        wake = () => { clearTimeout(t); wake = null; resolve(inbox.shift()!); };
      });
    },
    async collect(windowMs) {
      await new Promise((r) => setTimeout(r, windowMs));
      return inbox.splice(0);
    },
    close: () => sock.close(),
  };
}

/** Lines joined with CRLF plus the empty line; `PORT` in the text is replaced by the client port. */
export function sipText(lines: string[], port: number, body = ''): string {
  return lines.map((l) => l.replaceAll('PORT', String(port))).join('\r\n') + '\r\n\r\n' + body;
}

/** The status line of a response text. */
export function statusLine(text: string | null): string {
  return text === null ? '(no response)' : text.slice(0, text.indexOf('\r\n'));
}
