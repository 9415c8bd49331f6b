// The fuzzer's sockets, loopback only: a liveness probe (an OPTIONS to the box itself, which it
// answers 200 statelessly, RFC 3261 §11.2) over UDP and over a fresh TCP connection, a UDP sender
// for fuzz datagrams, and TCP delivery of one input by its plan (split, packed, endless, flood, ...).
import { createSocket, type Socket } from 'node:dgram';
import net from 'node:net';
import type { FuzzInput } from './inputs';
import { splitStream } from './oracle';

export const LOOPBACK = '127.0.0.1';

export interface ProbeResult {
  ok: boolean;
  /** Status line received, or '(no answer)'. */
  status: string;
  ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

function optionsText(sipPort: number, proto: 'UDP' | 'TCP', localPort: number, n: number): string {
  return [
    `OPTIONS sip:${LOOPBACK}:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/${proto} ${LOOPBACK}:${localPort};branch=z9hG4bKprobe${proto}${n};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${LOOPBACK}>;tag=probe${n}`,
    `To: <sip:${LOOPBACK}:${sipPort}>`,
    `Call-ID: probe-${proto}-${n}@fuzz`,
    `CSeq: ${n + 1} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const statusOf = (text: string): string => text.slice(0, Math.max(0, text.indexOf('\r\n')));

/** UDP probe socket: each probe waits for the answer carrying its own Call-ID. */
export class UdpProber {
  #n = 0;
  #waiting: { callId: string; resolve: (text: string) => void } | null = null;
  private constructor(private readonly sock: Socket, private readonly sipPort: number) {
    sock.on('message', (m) => {
      const text = m.toString('latin1');
      const w = this.#waiting;
      if (w !== null && text.includes(`\r\nCall-ID: ${w.callId}\r\n`)) { this.#waiting = null; w.resolve(text); }
    });
  }

  static async open(sipPort: number): Promise<UdpProber> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, LOOPBACK, r));
    return new UdpProber(sock, sipPort);
  }

  probe(timeoutMs: number): Promise<ProbeResult> {
    const n = this.#n++;
    const started = performance.now();
    const callId = `probe-UDP-${n}@fuzz`;
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#waiting = null; resolve({ ok: false, status: '(no answer)', ms: performance.now() - started }); }, timeoutMs);
      this.#waiting = {
        callId,
        resolve: (text) => {
          clearTimeout(t);
          const status = statusOf(text);
          resolve({ ok: status === 'SIP/2.0 200 OK', status, ms: performance.now() - started });
        },
      };
      this.sock.send(Buffer.from(optionsText(this.sipPort, 'UDP', this.sock.address().port, n), 'latin1'), this.sipPort, LOOPBACK);
    });
  }

  close(): void { this.sock.close(); }
}

let tcpProbes = 0;

/** An OPTIONS on a fresh TCP connection: proves the box still accepts connections and frames them. */
export function tcpProbe(sipPort: number, timeoutMs: number): Promise<ProbeResult> {
  const n = tcpProbes++;
  const started = performance.now();
  return new Promise((resolve) => {
    let got = '';
    let settled = false;
    const sock = net.connect({ host: LOOPBACK, port: sipPort });
    const finish = (ok: boolean, status: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(t);
      sock.destroy();
      resolve({ ok, status, ms: performance.now() - started });
    };
    const t = setTimeout(() => finish(false, got === '' ? '(no answer)' : `(incomplete: ${JSON.stringify(got.slice(0, 80))})`), timeoutMs);
    sock.on('connect', () => sock.write(optionsText(sipPort, 'TCP', sock.localPort ?? 0, n)));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n') && got.includes(`\r\nCall-ID: probe-TCP-${n}@fuzz\r\n`)) finish(statusOf(got) === 'SIP/2.0 200 OK', statusOf(got));
    });
    sock.on('error', (err) => finish(false, `(socket error: ${err.message})`));
    sock.on('close', () => finish(false, got === '' ? '(closed without answer)' : statusOf(got)));
  });
}

/** The UDP socket fuzz datagrams leave from; whatever the box answers is counted and dropped. */
export class UdpSender {
  answers = 0;
  /** Sees every answer, e.g. to check it is well-formed. */
  onAnswer: (m: Buffer) => void = () => undefined;
  private constructor(private readonly sock: Socket, private readonly sipPort: number) {
    sock.on('message', (m) => { this.answers++; this.onAnswer(m); });
  }

  static async open(sipPort: number): Promise<UdpSender> {
    const sock = createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
    await new Promise<void>((r) => sock.bind(0, LOOPBACK, r));
    return new UdpSender(sock, sipPort);
  }

  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => this.sock.send(bytes, this.sipPort, LOOPBACK, () => resolve()));
  }

  close(): void { this.sock.close(); }
}

/** Connections left half-sent on purpose (mode 'linger'); closed at the next checkpoint. */
export class Lingering {
  readonly sockets = new Set<net.Socket>();
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

/** How long a TCP delivery waits for the box to close its side after ours. */
const CLOSE_WAIT_MS = 250;
/** A peer that never reads never sees the box close: give the box this long to read, then drop. */
const UNREAD_LINGER_MS = 20;

/** Writes, waiting for 'drain' when the socket asks to; false once the connection is gone. */
async function writeAll(sock: net.Socket, bytes: Buffer): Promise<boolean> {
  if (sock.destroyed) return false;
  if (sock.write(bytes)) return true;
  await new Promise<void>((r) => { sock.once('drain', r); sock.once('close', r); });
  return !sock.destroyed;
}

/** Answers kept per connection for onAnswer; past it they are read and dropped unchecked. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Delivers one TCP input by its plan; resolves once the connection is closed (or left lingering).
 * Each whole answer the box sends back goes to `onAnswer` (the first MiB of them).
 */
export function deliverTcp(sipPort: number, input: FuzzInput, lingering: Lingering, onAnswer: (m: Buffer) => void = () => undefined): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: LOOPBACK, port: sipPort });
    const reads = input.readAnswers ?? true;
    let done = false;
    const finish = (): void => { if (!done) { done = true; resolve(); } };
    // Answers are read (and checked), so the box never blocks on us; or never read at all, so its
    // writes back up in the kernel and then in its own memory.
    let pending: Buffer = Buffer.alloc(0);
    let seen = 0;
    if (reads) {
      sock.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_ANSWER_BYTES) return;
        const { messages, rest } = splitStream(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const m of messages) onAnswer(m);
      });
    } else {
      sock.pause();
    }
    sock.on('error', finish);
    sock.on('close', finish);
    sock.on('connect', () => {
      void (async () => {
        if (input.mode === 'flood') {
          const total = input.repeatToBytes ?? input.bytes.length;
          for (let sent = 0; sent < total; sent += input.bytes.length) if (!(await writeAll(sock, input.bytes))) return finish();
        } else {
          let from = 0;
          for (const cut of [...input.cuts, input.bytes.length]) {
            // A write the box refuses (it closed on a framing error) only ends this delivery early.
            if (!(await writeAll(sock, input.bytes.subarray(from, cut)))) return finish();
            from = cut;
            if (cut < input.bytes.length) await nextTick();
          }
        }
        if (input.mode === 'linger') { lingering.sockets.add(sock); return finish(); }
        await nextTick();
        if (input.close === 'reset') sock.resetAndDestroy();
        else if (input.close === 'destroy') sock.destroy();
        else sock.end();
        const t = setTimeout(() => { sock.destroy(); finish(); }, reads ? CLOSE_WAIT_MS : UNREAD_LINGER_MS);
        sock.once('close', () => clearTimeout(t));
      })();
    });
  });
}

/**
 * `count` connections open at once, each sends the start of an input, then all are dropped
 * together (half reset, half closed): the accept path and the per-source limit under churn.
 */
export async function connectionStorm(sipPort: number, count: number, starts: readonly Buffer[]): Promise<{ opened: number; refused: number }> {
  const socks: net.Socket[] = [];
  let opened = 0;
  let refused = 0;
  await Promise.all(Array.from({ length: count }, (_, i) => new Promise<void>((resolve) => {
    const sock = net.connect({ host: LOOPBACK, port: sipPort });
    socks.push(sock);
    sock.on('data', () => undefined);
    sock.on('error', () => { refused++; resolve(); });
    sock.on('close', () => resolve());
    sock.on('connect', () => {
      opened++;
      sock.write(starts[i % starts.length], () => resolve());
    });
  })));
  await sleep(20);
  socks.forEach((s, i) => (i % 2 === 0 ? s.resetAndDestroy() : s.destroy()));
  return { opened, refused };
}
