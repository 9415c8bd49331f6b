// Bytes a transaction keeps for (re)transmission (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2): a
// pool Chunk with one reference for the holder and one more for each send in flight.
import type { BufferPool, Chunk } from '../alloc/pool';
import type { Endpoint, Transport } from '../transport/index';

/**
 * Owns one reference to `chunk`, whose bytes are `[0, len)`. Each send retains the chunk until the
 * transport's done callback, so dropping the holder while a datagram is queued is safe. The done
 * callback is made once per holder: retransmissions allocate nothing.
 */
export class HeldChunk {
  readonly len: number;
  readonly #pool: BufferPool;
  readonly #chunk: Chunk;
  readonly #onError: (err: Error) => void;
  readonly #done: (err: Error | null) => void;
  #held = true;

  /** Takes over the caller's reference to `chunk`. `onError` hears about failed sends. */
  constructor(pool: BufferPool, chunk: Chunk, len: number, onError: (err: Error) => void) {
    if (!Number.isSafeInteger(len) || len <= 0 || len > chunk.size) {
      pool.release(chunk);
      throw new RangeError(`HeldChunk: len ${len} outside the chunk (size ${chunk.size})`);
    }
    this.len = len;
    this.#pool = pool;
    this.#chunk = chunk;
    this.#onError = onError;
    this.#done = (err) => {
      pool.release(chunk);
      if (err !== null) this.#onError(err);
    };
  }

  get held(): boolean {
    return this.#held;
  }

  /** The bytes; valid only while held. */
  get buf(): Buffer {
    return this.#chunk.buf;
  }

  /** Passes the bytes to the transport; `done` may run synchronously (and report an error). */
  send(transport: Transport, dest: Endpoint): void {
    if (!this.#held) throw new Error('HeldChunk: send after drop');
    this.#pool.retain(this.#chunk);
    transport.send(this.#chunk.buf, 0, this.len, dest, this.#done);
  }

  /** Gives up the holder's reference; a send in flight keeps the bytes until its done. Idempotent. */
  drop(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#pool.release(this.#chunk);
  }
}
