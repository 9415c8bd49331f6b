// The digest computation (RFC 7616 §3.4.1-§3.4.3, RFC 2617 §3.2.2, RFC 8760 for SHA-256 in SIP):
// response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2) with qop, H(HA1 ":" nonce ":" HA2)
// without (RFC 2069), HA1 = H(username ":" realm ":" password), HA2 = H(method ":" digest-uri).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DigestAlgorithm } from './api';

const HASH_NAME: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };
const DIGEST_BYTES: Readonly<Record<DigestAlgorithm, number>> = { MD5: 16, 'SHA-256': 32 };

/** The request side of the computation: what the credentials and the request line say. */
export interface DigestRequest {
  method: string;
  /** The digest-uri parameter as received. */
  uri: string;
  nonce: string;
  /** 'auth', or null for RFC 2069 credentials without qop (then nc and cnonce are unused). */
  qop: 'auth' | null;
  /** The nc parameter exactly as received (8 hex digits): it is hashed as written. */
  nc: string;
  cnonce: string;
}

/** Lowercase hex of H(text), UTF-8 (RFC 7616 §3.4.4 with charset=UTF-8; ASCII is the same). */
function hashHex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(HASH_NAME[algorithm]).update(text, 'utf8').digest('hex');
}

/** HA1 (RFC 7616 §3.4.2, non-session algorithms). */
export function digestHa1(algorithm: DigestAlgorithm, user: string, realm: string, password: string): string {
  return hashHex(algorithm, `${user}:${realm}:${password}`);
}

/** The expected response as raw bytes (the hex the client sends, decoded). */
export function digestResponse(algorithm: DigestAlgorithm, ha1: string, r: DigestRequest): Buffer {
  const ha2 = hashHex(algorithm, `${r.method}:${r.uri}`);
  const text = r.qop === null ? `${ha1}:${r.nonce}:${ha2}` : `${ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${ha2}`;
  return createHash(HASH_NAME[algorithm]).update(text, 'utf8').digest();
}

const RECEIVED = Buffer.alloc(DIGEST_BYTES['SHA-256']);
const RECEIVED_VIEW: Readonly<Record<number, Buffer>> = {
  [DIGEST_BYTES.MD5]: RECEIVED.subarray(0, DIGEST_BYTES.MD5),
  [DIGEST_BYTES['SHA-256']]: RECEIVED,
};

/**
 * Whether the response parameter (hex; RFC 7616 writes it in lowercase, upper case is taken too,
 * as Kamailio does) equals `expected`. The bytes are compared in constant time; only the length,
 * which the sender chose, decides early.
 */
export function responseMatches(expected: Buffer, receivedHex: string): boolean {
  const view = RECEIVED_VIEW[expected.length];
  if (view === undefined || receivedHex.length !== 2 * expected.length || !isHex(receivedHex)) return false;
  if (RECEIVED.write(receivedHex, 0, 'hex') !== expected.length) return false;
  return timingSafeEqual(expected, view);
}

export function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}
