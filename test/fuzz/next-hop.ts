// The next hops a replayed input can name (test/fuzz/crashers/README.md): a UDP socket and a TCP
// listener on 127.0.0.1 whose ports replace {{HOP}} and {{TCPHOP}} in the input, so whatever the
// box relays there (loose routing, RFC 3261 §16.4, §16.6) is checked like its answers. Over TCP the
// stream must split into whole messages (§18.3): bytes left over at the end mean the box broke the
// framing of a connection other messages share.
import { createSocket, type Socket } from 'node:dgram';
import net from 'node:net';
import { splitStream } from './oracle';
import { LOOPBACK } from './wire';

export const HOP_PLACEHOLDER = '{{HOP}}';
export const TCP_HOP_PLACEHOLDER = '{{TCPHOP}}';

export class NextHops {
  readonly #streams = new Map<net.Socket, Buffer>();

  private constructor(private readonly udp: Socket, private readonly tcp: net.Server, onMessage: (m: Buffer) => void) {
    udp.on('message', onMessage);
    tcp.on('connection', (s) => {
      this.#streams.set(s, Buffer.alloc(0));
      s.on('data', (chunk: Buffer) => {
        const { messages, rest } = splitStream(Buffer.concat([this.#streams.get(s) ?? Buffer.alloc(0), chunk]));
        this.#streams.set(s, Buffer.from(rest));
        for (const m of messages) onMessage(m);
      });
      s.on('error', () => undefined); // the box may reset it; what it sent before is what counts
    });
  }

  static async open(onMessage: (m: Buffer) => void): Promise<NextHops> {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, LOOPBACK, r));
    const tcp = net.createServer();
    await new Promise<void>((r) => tcp.listen(0, LOOPBACK, r));
    return new NextHops(udp, tcp, onMessage);
  }

  /** The input with the placeholders replaced by the hops' ports. */
  substitute(bytes: Buffer): Buffer {
    const text = bytes.toString('latin1');
    if (!text.includes(HOP_PLACEHOLDER) && !text.includes(TCP_HOP_PLACEHOLDER)) return bytes;
    const tcpPort = (this.tcp.address() as net.AddressInfo).port;
    return Buffer.from(text.replaceAll(HOP_PLACEHOLDER, String(this.udp.address().port)).replaceAll(TCP_HOP_PLACEHOLDER, String(tcpPort)), 'latin1');
  }

  /** What the box left unfinished on a TCP connection to the hop (keep-alive CRLFs aside). */
  leftovers(): string[] {
    return [...this.#streams.values()].filter((b) => b.length > 0).map((b) => b.toString('latin1', 0, 200));
  }

  close(): void {
    this.udp.close();
    for (const s of this.#streams.keys()) s.destroy();
    this.tcp.close();
  }
}
