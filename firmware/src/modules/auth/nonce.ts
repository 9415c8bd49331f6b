// Stateless digest nonces (RFC 7616 §3.3 and §5.4, RFC 3261 §22.4): the issue time, this
// process's instance id and a sequence number, signed with the server secret, so a challenge
// stores nothing and an attacker cannot fill a table by asking for challenges.
import { createHmac, timingSafeEqual } from 'node:crypto';

// Layout: issue time (uint32 seconds, good until 2106) | instance (4 bytes) | sequence (uint48) | MAC.
const TS_AT = 0;
const INSTANCE_AT = 4;
export const INSTANCE_BYTES = 4;
const SEQ_AT = 8;
const SEQ_BYTES = 6;
const SIGNED_BYTES = SEQ_AT + SEQ_BYTES;
/** HMAC-SHA256 truncated to 128 bits: forging needs 2^128 guesses (RFC 2104 §5 allows truncation). */
const MAC_BYTES = 16;
const NONCE_BYTES = SIGNED_BYTES + MAC_BYTES;
/** base64url of 30 bytes: 40 characters, no padding, and each string decodes to one byte string. */
export const NONCE_CHARS = (NONCE_BYTES / 3) * 4;
const UINT32_MAX = 0xffffffff;
/** Keeps nonce keys apart from any other use of the store secret. */
const KEY_LABEL = 'sipbox auth nonce v1';

/** What open() read from an authentic nonce; reused by the caller. */
export class OpenedNonce {
  issuedSec = 0;
  /** Sequence number, unique within the issuing process. */
  seq = 0;
  /** Issued by this process (false: by an earlier run with the same secret). */
  sameInstance = false;
}

export class NonceSigner {
  readonly #key: Buffer;
  readonly #scratch = Buffer.alloc(NONCE_BYTES);
  readonly #signed = this.#scratch.subarray(0, SIGNED_BYTES);
  readonly #mac = this.#scratch.subarray(SIGNED_BYTES);
  readonly #instance = Buffer.alloc(INSTANCE_BYTES);
  #seq = 0;

  /** `instanceHex`: INSTANCE_BYTES random bytes in hex, new for every start of the daemon. */
  constructor(secret: string, instanceHex: string) {
    if (secret.length === 0) throw new RangeError('nonce secret is empty');
    if (instanceHex.length !== 2 * INSTANCE_BYTES || this.#instance.write(instanceHex, 'hex') !== INSTANCE_BYTES) {
      throw new RangeError(`instance must be ${INSTANCE_BYTES} bytes in hex`);
    }
    this.#key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  }

  /** Sequence number of the last nonce issued (0: none yet). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** A fresh nonce for `realm`, stamped with `nowSec` (wall-clock seconds). */
  issue(realm: string, nowSec: number): string {
    const b = this.#scratch;
    b.writeUInt32BE(Math.min(Math.max(Math.floor(nowSec), 0), UINT32_MAX), TS_AT);
    this.#instance.copy(b, INSTANCE_AT);
    b.writeUIntBE(++this.#seq, SEQ_AT, SEQ_BYTES);
    this.sign(realm).copy(b, SIGNED_BYTES, 0, MAC_BYTES);
    return b.toString('base64url');
  }

  /**
   * Reads a nonce received back for `realm` into out; false when it is not one of ours: wrong
   * length or alphabet, or its MAC fails (another realm, another secret, or altered).
   */
  open(nonce: string, realm: string, out: OpenedNonce): boolean {
    if (nonce.length !== NONCE_CHARS || !isBase64Url(nonce)) return false;
    const b = this.#scratch;
    if (b.write(nonce, 0, 'base64url') !== NONCE_BYTES) return false;
    // Constant time: how much of a forged MAC was right must not show in the timing.
    if (!timingSafeEqual(this.sign(realm).subarray(0, MAC_BYTES), this.#mac)) return false;
    out.issuedSec = b.readUInt32BE(TS_AT);
    out.seq = b.readUIntBE(SEQ_AT, SEQ_BYTES);
    out.sameInstance = b.compare(this.#instance, 0, INSTANCE_BYTES, INSTANCE_AT, INSTANCE_AT + INSTANCE_BYTES) === 0;
    return true;
  }

  private sign(realm: string): Buffer {
    return createHmac('sha256', this.#key).update(this.#signed).update(realm, 'utf8').digest();
  }
}

/**
 * Whether a nonce issued at issuedSec is past its lifetime at nowSec. A nonce from the future
 * (the wall clock stepped back, e.g. an NTP correction) counts as stale once it is further
 * ahead than the lifetime, so a clock jump costs one stale round trip and never locks clients out.
 */
export function nonceExpired(issuedSec: number, nowSec: number, lifetimeSec: number): boolean {
  const ageSec = nowSec - issuedSec;
  return ageSec > lifetimeSec || ageSec < -lifetimeSec;
}

function isBase64Url(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return true;
}
