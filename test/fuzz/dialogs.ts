// The dialog fuzzer's caller, 1002: authenticated requests (RFC 3261 §22.3, so they pass the
// challenge and reach the proxy, §16) to the phone registered as 1001, mutated everywhere except
// what the digest covers and the identity the route checks (start line, From, the credentials).
// INVITEs that get a 2xx are ACKed and ended with BYE along the recorded route (§12.2, §16.12);
// some are CANCELled while ringing (§9.1). Each call is one seeded stream.
import { createSocket, type Socket } from 'node:dgram';
import { defuseForeignAddresses } from './loopback-guard';
import { mutate } from './mutate';
import { PHONE_USER } from './phone';
import { rngFor, type Rng } from './prng';
import { DigestUser, Inbox, headerLines, headerValue, message, statusCode } from './sip-text';
import { LOOPBACK } from './wire';

export const CALLER_USER = '1002';
export const CALLER_PASSWORD = 'fuzz-bob-secret-22';
const CALLER_STREAM = 0xd1a1;
/** How long a clean request waits for its final answer (the phone answers at once, or never). */
const FINAL_WAIT_MS = 100;

const SDP_OFFER = 'v=0\r\no=1002 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n';

/** The sent bytes and what they were, for the campaign's record of inputs. */
export type Record = (bytes: Buffer, label: string) => void;

export class Caller {
  /** 401 (REGISTER) and 407 (everything else) challenges are answered with their own nonces. */
  readonly #www = new DigestUser(CALLER_USER, CALLER_PASSWORD);
  readonly #proxy = new DigestUser(CALLER_USER, CALLER_PASSWORD);
  #challenged = 0;
  /** Final answers seen, as 'METHOD status' => count (what the calls reached, for the report). */
  readonly outcomes = new Map<string, number>();

  private constructor(private readonly sock: Socket, private readonly inbox: Inbox, private readonly sipPort: number, private readonly seed: number, private readonly record: Record) {}

  static async open(sipPort: number, seed: number, record: Record): Promise<Caller> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, LOOPBACK, r));
    return new Caller(sock, new Inbox(sock), sipPort, seed, record);
  }

  get port(): number { return this.sock.address().port; }

  /** Sees every datagram the box sends here. */
  set onReceive(f: (m: Buffer) => void) { this.inbox.onAny = f; }

  close(): void { this.sock.close(); }

  /** Requests answered with a challenge and sent again with fresh credentials (the first, stale nonces). */
  get challenged(): number { return this.#challenged; }

  #send(text: string, label: string): void {
    const bytes = Buffer.from(text, 'latin1');
    defuseForeignAddresses(bytes);
    this.record(bytes, label);
    this.sock.send(bytes, this.sipPort, LOOPBACK);
  }

  /**
   * `text` mutated around its kept lines: the start line and the header lines starting with one of
   * `keep` survive as they are, everything else may be changed.
   */
  #mutateAround(rng: Rng, text: string, keep: readonly string[]): { text: string; applied: string[] } {
    const firstEnd = text.indexOf('\r\n');
    const start = text.slice(0, firstEnd);
    const rest = text.slice(firstEnd + 2).split('\r\n');
    const headEnd = rest.indexOf('');
    const kept = rest.slice(0, headEnd).filter((l) => keep.some((k) => l.startsWith(k)));
    const others = rest.filter((l, i) => i >= headEnd || !kept.includes(l)).join('\r\n');
    const m = mutate(rng, `${start}\r\n${others}`);
    const mutatedRest = m.text.indexOf('\r\n') >= 0 ? m.text.slice(m.text.indexOf('\r\n') + 2) : m.text;
    return { text: [start, ...kept, mutatedRest].join('\r\n'), applied: m.applied };
  }

  #note(method: string, final: string | null): void {
    const key = `${method} ${final === null ? 'none' : statusCode(final)}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  /** One call or request: a seeded choice of method, mutation and follow-up. */
  async call(k: number): Promise<void> {
    const rng = rngFor(this.seed ^ CALLER_STREAM, k);
    const method = rng.pick(['INVITE', 'INVITE', 'INVITE', 'MESSAGE', 'OPTIONS', 'SUBSCRIBE', 'INFO', 'REGISTER']);
    const register = method === 'REGISTER';
    const user = register ? CALLER_USER : PHONE_USER;
    const ruri = register ? `sip:${LOOPBACK}` : `sip:${user}@${LOOPBACK}`;
    const callId = `call-${this.seed}-${k}@fuzz`;
    const clean = rng.chance(0.4);
    const digest = register ? this.#www : this.#proxy;
    const build = (cseq: number): string => message([
      `${method} ${ruri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${LOOPBACK}:${this.port};branch=z9hG4bKc${k}x${cseq};rport`,
      'Max-Forwards: 70',
      `From: <sip:${CALLER_USER}@${LOOPBACK}>;tag=caller${k}`,
      `To: <sip:${user}@${LOOPBACK}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:${CALLER_USER}@${LOOPBACK}:${this.port}>${register ? ';expires=60' : ''}`,
      ...(method === 'SUBSCRIBE' ? ['Event: presence', 'Expires: 60'] : []),
      digest.credentials(method, ruri) || 'X-No-Credentials: yet',
      ...(method === 'INVITE' ? ['Content-Type: application/sdp'] : method === 'MESSAGE' ? ['Content-Type: text/plain'] : []),
    ], method === 'INVITE' ? SDP_OFFER : method === 'MESSAGE' ? 'hello from the fuzzer' : '');

    let text = build(1);
    let label = `caller ${method}`;
    if (!clean) {
      const keep = ['From:', 'Proxy-Authorization:', 'Authorization:', ...(register ? ['To:'] : [])];
      const m = this.#mutateAround(rng, text, keep);
      text = m.text;
      label += ` + ${m.applied.join(' + ')}`;
    }
    const cancelWhileRinging = method === 'INVITE' && rng.chance(0.3);
    let ringing = false;
    const finalP = this.inbox.final(callId, method, clean ? FINAL_WAIT_MS : FINAL_WAIT_MS / 3, (r) => {
      if (statusCode(r) === 180 || statusCode(r) === 183) ringing = true;
    });
    this.#send(text, label);
    let final = await finalP;
    if (final !== null && (statusCode(final) === 401 || statusCode(final) === 407) && digest.learn(final)) {
      // A first or stale challenge: answer it once, clean, so the next calls get through.
      this.#challenged++;
      const retryP = this.inbox.final(callId, method, FINAL_WAIT_MS);
      this.#send(build(2), `caller ${method} with fresh credentials`);
      final = await retryP;
    }
    if (method !== 'INVITE') { this.#note(method, final); return; }
    if (final === null && cancelWhileRinging && ringing) {
      this.#send(this.#inDialog(rng, text, 'CANCEL', []), 'caller CANCEL');
      final = await this.inbox.final(callId, 'INVITE', FINAL_WAIT_MS);
    }
    this.#note(method, final);
    if (final === null || statusCode(final) < 200 || statusCode(final) >= 300) return;
    // §12.1.2: the caller's route set is the 2xx's Record-Route in reverse order; ACK (§13.2.2.4) and BYE follow it.
    const routes = headerLines(final, 'Record-Route')
      .flatMap((l) => l.slice(l.indexOf(':') + 1).split(',').map((v) => v.trim()))
      .reverse()
      .map((v) => `Route: ${v}`);
    const target = /<([^>]*)>/.exec(headerValue(final, 'Contact', 'm'))?.[1] ?? ruri;
    const to = headerLines(final, 'To', 't')[0] ?? '';
    this.#send(this.#inDialog(rng, text, 'ACK', routes, target, to), 'caller ACK');
    if (rng.chance(0.8)) {
      const byeP = this.inbox.final(callId, 'BYE', FINAL_WAIT_MS);
      this.#send(this.#inDialog(rng, text, 'BYE', routes, target, to), 'caller BYE');
      this.#note('BYE', await byeP);
    }
  }

  /** ACK, BYE or CANCEL of the INVITE `invite` (§9.1, §13.2.2.4, §15.1.1), sometimes mutated around its Route. */
  #inDialog(rng: Rng, invite: string, method: string, routes: string[], target?: string, to?: string): string {
    const cancel = method === 'CANCEL';
    const cseq = method === 'BYE' ? 2 : 1;
    const via = headerLines(invite, 'Via', 'v')[0] ?? '';
    const lines = [
      `${method} ${cancel ? invite.slice(invite.indexOf(' ') + 1, invite.indexOf(' SIP/2.0')) : target} SIP/2.0`,
      // CANCEL and the ACK of a non-2xx reuse the INVITE's branch; ACK of a 2xx and BYE are new (§17.1.1.3).
      method === 'CANCEL' ? via : via.replace(/branch=([^;,]*)/, `branch=$1${method}`),
      'Max-Forwards: 70',
      ...headerLines(invite, 'From', 'f'),
      to !== undefined && to !== '' ? to : (headerLines(invite, 'To', 't')[0] ?? ''),
      ...headerLines(invite, 'Call-ID', 'i'),
      `CSeq: ${cseq} ${method}`,
      ...routes,
    ];
    const text = message(lines);
    if (cancel || !rng.chance(0.3)) return text;
    return this.#mutateAround(rng, text, ['Route:']).text;
  }
}
