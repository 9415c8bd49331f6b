// Test helpers for the auth module: hand-written SIP requests, a fixed IdSource and wall clock,
// and a digest client written here from the RFC 7616 §3.4.1 formulas (not the module's code).
import { createHash } from 'node:crypto';
import type { IdSource } from '../../../../firmware/src/engine/ids';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { createLogger } from '../../../../firmware/src/log/logger';
import { RingSink } from '../../../../firmware/src/log/sinks';
import type { DigestAlgorithm } from '../../../../firmware/src/modules/auth/api';
import { createAuth, type Auth, type AuthOptions } from '../../../../firmware/src/modules/auth/verify';
import { sip } from '../../../fixtures/sip/text';

export const SECRET = 'test-secret-0123456789';
export const REALM = 'sipbox.test';
/** 2023-11-14T22:13:20Z: 1700000000 s = 0x6553F100. */
export const T0_MS = 1_700_000_000_000;
export const INSTANCE = 'a1b2c3d4';

/** token(4) is the process instance id, token(16) the dummy password; the rest is unused here. */
export function fixedIds(instanceHex = INSTANCE): IdSource {
  const token = (bytes: number): string => (bytes === 4 ? instanceHex : '5a'.repeat(bytes));
  return { branch: () => 'z9hG4bKfixed', tag: () => 'fixedtag', callId: () => 'fixed-call-id', token };
}

export class WallClock {
  constructor(public ms = T0_MS) {}
  readonly now = (): number => this.ms;
  advanceSec(sec: number): void {
    this.ms += sec * 1000;
  }
}

export interface TestAuth {
  auth: Auth;
  clock: WallClock;
  logs: RingSink;
}

export function makeAuth(over: Partial<AuthOptions> = {}): TestAuth {
  const clock = new WallClock();
  const logs = new RingSink(100);
  const auth = createAuth({
    algorithms: ['MD5'],
    nonceLifetimeSec: 300,
    maxNonceCountEntries: 10_000,
    acceptNoQop: false,
    strictUri: false,
    secret: SECRET,
    ids: fixedIds(),
    log: createLogger('auth', 'debug', [logs]),
    now: clock.now,
    ...over,
  });
  return { auth, clock, logs };
}

/** A request from extension 2001 with the given extra header lines (credentials). */
export function request(method: string, ruri: string, extra: readonly string[] = []): SipMessage {
  const buf = sip([
    `${method} ${ruri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-auth-1;rport',
    'Max-Forwards: 70',
    'From: <sip:2001@sipbox.test>;tag=a1',
    method === 'REGISTER' ? 'To: <sip:2001@sipbox.test>' : 'To: <sip:2002@sipbox.test>',
    'Call-ID: auth-test-1@192.0.2.10',
    `CSeq: 2 ${method}`,
    ...extra,
    'Content-Length: 0',
  ]);
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(`test message did not parse: ${m.status} ${m.reason}`);
  return m;
}

/** The value of `name="..."` in a challenge line (test-side reading, by hand). */
export function challengeParam(line: string, name: string): string {
  const at = line.indexOf(`${name}="`);
  if (at < 0) throw new Error(`no ${name} in ${line}`);
  const start = at + name.length + 2;
  return line.slice(start, line.indexOf('"', start));
}

export interface ClientInput {
  algorithm?: DigestAlgorithm;
  /** Write algorithm= in the credentials (default: yes). */
  writeAlgorithm?: boolean;
  user?: string;
  password?: string;
  realm?: string;
  nonce: string;
  method: string;
  uri: string;
  nc?: number;
  cnonce?: string;
  /** null: RFC 2069 credentials without qop. */
  qop?: 'auth' | null;
}

function h(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
}

/** What a client computes (RFC 7616 §3.4.1, RFC 2069 without qop). */
export function clientResponse(c: ClientInput): string {
  const algorithm = c.algorithm ?? 'MD5';
  const ha1 = h(algorithm, `${c.user ?? '2001'}:${c.realm ?? REALM}:${c.password ?? 'pw-2001'}`);
  const ha2 = h(algorithm, `${c.method}:${c.uri}`);
  if (c.qop === null) return h(algorithm, `${ha1}:${c.nonce}:${ha2}`);
  const nc = (c.nc ?? 1).toString(16).padStart(8, '0');
  return h(algorithm, `${ha1}:${c.nonce}:${nc}:${c.cnonce ?? 'c0ffee01'}:auth:${ha2}`);
}

/** A Digest credentials value as a phone writes it, response computed by clientResponse. */
export function clientCredentials(c: ClientInput): string {
  const algorithm = c.algorithm ?? 'MD5';
  let v = `Digest username="${c.user ?? '2001'}", realm="${c.realm ?? REALM}", nonce="${c.nonce}", uri="${c.uri}"`;
  v += `, response="${clientResponse(c)}"`;
  if (c.writeAlgorithm !== false) v += `, algorithm=${algorithm}`;
  if (c.qop !== null) v += `, cnonce="${c.cnonce ?? 'c0ffee01'}", qop=auth, nc=${(c.nc ?? 1).toString(16).padStart(8, '0')}`;
  return v;
}
