// The callee of the dialog fuzzer: a UDP phone registered as 1001 (RFC 3261 §10, digest §22) that
// answers whatever the box relays to it by a seeded policy: 180 then 200 with SDP, a busy 486, no
// final at all (the box's ring timeout or the caller's CANCEL ends it, §9.2 with 487), mutated
// provisional and final responses, and retransmitted finals (§17.2.1). Everything it sends the
// box is reported to `record`, so a failure can name the exact bytes.
import { createSocket, type Socket } from 'node:dgram';
import { defuseForeignAddresses } from './loopback-guard';
import { mutate } from './mutate';
import { rngFor } from './prng';
import { DigestUser, Inbox, callIdOf, cseqMethodOf, message, responseTo, startLine, statusCode } from './sip-text';
import { LOOPBACK } from './wire';

export const PHONE_USER = '1001';
export const PHONE_PASSWORD = 'fuzz-alice-secret-1';
/** Mixed into the seed so the phone's choices are a stream of their own. */
const PHONE_STREAM = 0x9403;

const SDP_ANSWER = 'v=0\r\no=1001 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

export class Phone {
  #answered = 0;
  /** INVITEs left without a final, by Call-ID: a CANCEL for one gets its 487. */
  readonly #ringing = new Map<string, string>();

  private constructor(
    private readonly sock: Socket,
    private readonly inbox: Inbox,
    private readonly sipPort: number,
    private readonly seed: number,
    private readonly record: (bytes: Buffer, label: string) => void,
  ) {
    inbox.onOther = (text) => { if (statusCode(text) === 0) this.#answer(text); };
  }

  static async open(sipPort: number, seed: number, record: (bytes: Buffer, label: string) => void): Promise<Phone> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, LOOPBACK, r));
    return new Phone(sock, new Inbox(sock), sipPort, seed, record);
  }

  get port(): number { return this.sock.address().port; }

  /** Sees every datagram the box sends here. */
  set onReceive(f: (m: Buffer) => void) { this.inbox.onAny = f; }

  /** REGISTER, answer the 401, expect 200 (§10.2, §22.2). */
  async register(): Promise<void> {
    const digest = new DigestUser(PHONE_USER, PHONE_PASSWORD);
    const uri = `sip:${LOOPBACK}`;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const callId = `phone-reg@fuzz`;
      this.#send(message([
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${LOOPBACK}:${this.port};branch=z9hG4bKphonereg${attempt};rport`,
        'Max-Forwards: 70',
        `From: <sip:${PHONE_USER}@${LOOPBACK}>;tag=phone-reg`,
        `To: <sip:${PHONE_USER}@${LOOPBACK}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${attempt} REGISTER`,
        `Contact: <sip:${PHONE_USER}@${LOOPBACK}:${this.port}>`,
        'Expires: 3600',
        ...(digest.ready ? [digest.credentials('REGISTER', uri)] : []),
      ]), 'phone REGISTER', false);
      const r = await this.inbox.final(callId, 'REGISTER', 2000);
      if (r !== null && statusCode(r) === 200) return;
      if (r === null || statusCode(r) !== 401 || !digest.learn(r)) break;
    }
    throw new Error('the fuzz phone (1001) could not register');
  }

  close(): void { this.sock.close(); }

  #send(text: string, label: string, fuzzed = true): void {
    const bytes = Buffer.from(text, 'latin1');
    defuseForeignAddresses(bytes);
    if (fuzzed) this.record(bytes, label);
    this.sock.send(bytes, this.sipPort, LOOPBACK);
  }

  /** The policy: one seeded stream per request the box relays to the phone. */
  #answer(request: string): void {
    const rng = rngFor(this.seed ^ PHONE_STREAM, this.#answered++);
    const method = startLine(request).split(' ')[0];
    const tag = `ph${this.#answered}`;
    const maybeMutated = (text: string, what: string): [string, string] => {
      if (!rng.chance(0.15)) return [text, what];
      const m = mutate(rng, text);
      return [m.text, `${what} + ${m.applied.join(' + ')}`];
    };
    const reply = (status: number, reason: string, extra: readonly string[] = [], body = ''): void => {
      const [text, label] = maybeMutated(responseTo(request, status, reason, tag, extra, body), `phone ${status} to ${method}`);
      this.#send(text, label);
      if (status >= 200 && rng.chance(0.2)) this.#send(text, `${label} (retransmitted)`);
    };
    if (method === 'ACK') return;
    if (method === 'CANCEL') {
      reply(200, 'OK');
      const invite = this.#ringing.get(callIdOf(request));
      if (invite !== undefined) {
        this.#ringing.delete(callIdOf(request));
        this.#send(responseTo(invite, 487, 'Request Terminated', tag), 'phone 487 to INVITE');
      }
      return;
    }
    if (method !== 'INVITE') {
      reply(rng.chance(0.85) ? 200 : rng.pick([404, 486, 500, 603]), 'Whatever');
      return;
    }
    const contact = `Contact: <sip:${PHONE_USER}@${LOOPBACK}:${this.port}>`;
    if (rng.chance(0.3)) reply(100, 'Trying');
    if (rng.chance(0.7)) reply(180, 'Ringing', [contact]);
    const roll = rng.next();
    if (roll < 0.6) reply(200, 'OK', [contact, 'Content-Type: application/sdp'], SDP_ANSWER);
    else if (roll < 0.8) reply(rng.pick([486, 603, 480, 404, 302]), 'Not Now', rng.chance(0.5) ? [contact] : []);
    else if (cseqMethodOf(request) === 'INVITE') this.#ringing.set(callIdOf(request), request);
  }
}
