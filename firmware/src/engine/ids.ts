// Random identifiers for SIP: Via branch (RFC 3261 8.1.1.7, magic cookie z9hG4bK), tags (19.3) and
// Call-ID (8.1.1.4). Injected (house rule 7): cryptoIds() in the daemon, seededIds() in tests.
import { randomFillSync } from 'node:crypto';

export interface IdSource {
  /** MAGIC_COOKIE + 80 random bits in hex: unique over space and time (8.1.1.7; we use >= 64 bits). */
  branch(): string;
  /** 64 random bits in hex (19.3 asks for at least 32). */
  tag(): string;
  /** 128 random bits in hex, a `word` (8.1.1.4, 25.1). */
  callId(): string;
  /** `bytes` random bytes in lowercase hex (2 * bytes characters, all RFC 3261 token chars). */
  token(bytes: number): string;
}

/** RFC 3261 8.1.1.7: a branch starting with this cookie was made by an RFC 3261 element. */
export const MAGIC_COOKIE = 'z9hG4bK';

const BRANCH_BYTES = 10;
const TAG_BYTES = 8;
const CALL_ID_BYTES = 16;
/** One randomFillSync per 4 KiB of ids (about 400 branches): the syscall cost is amortised. */
const BLOCK_BYTES = 4096;

/** Hands out fresh random bytes from a block refilled by `fill` once used up. */
class BlockIds implements IdSource {
  readonly #fill: (buf: Buffer) => void;
  readonly #block = Buffer.alloc(BLOCK_BYTES);
  #pos = BLOCK_BYTES; // empty: the first id fills it

  constructor(fill: (buf: Buffer) => void) {
    this.#fill = fill;
  }

  branch(): string {
    return MAGIC_COOKIE + this.token(BRANCH_BYTES);
  }

  tag(): string {
    return this.token(TAG_BYTES);
  }

  callId(): string {
    return this.token(CALL_ID_BYTES);
  }

  token(bytes: number): string {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new RangeError(`token: bytes must be a positive integer, got ${bytes}`);
    }
    if (bytes > BLOCK_BYTES) {
      // Never on the hot path: a one-off buffer for an oversized request.
      const big = Buffer.allocUnsafe(bytes);
      this.#fill(big);
      return big.toString('hex');
    }
    if (this.#pos + bytes > BLOCK_BYTES) {
      this.#fill(this.#block);
      this.#pos = 0;
    }
    const start = this.#pos;
    this.#pos = start + bytes;
    // Each byte is used once; toString with offsets makes the id string and nothing else.
    return this.#block.toString('hex', start, start + bytes);
  }
}

/** Ids from the operating system's CSPRNG: the daemon's source (branches and tags must not be guessable). */
export function cryptoIds(): IdSource {
  return new BlockIds((buf) => {
    randomFillSync(buf);
  });
}

/**
 * Deterministic ids for tests: the same seed gives the same sequence. The generator is
 * splitmix32 (not cryptographic); never use it in the daemon.
 */
export function seededIds(seed: number): IdSource {
  let state = seed >>> 0;
  return new BlockIds((buf) => {
    for (let i = 0; i < buf.length; i += 4) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      for (let j = 0; j < 4 && i + j < buf.length; j++) buf[i + j] = (z >>> (8 * j)) & 0xff;
    }
  });
}
