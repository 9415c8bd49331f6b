// Debug-mode chunk (BufferPool `debug: true`, used by tests): `buf` is a getter that refuses a
// released chunk, and released bytes are poisoned. Production uses PlainChunk and pays nothing.
import { PoolMisuseError, POISON_BYTE, SlotChunk, describeChunk } from './chunk';

export class DebugChunk extends SlotChunk {
  readonly #bytes: Buffer;

  constructor(pool: object, buf: Buffer, classIndex: number, slotIndex: number) {
    super(pool, buf.length, classIndex, slotIndex);
    this.#bytes = buf;
  }

  /** Use-after-release is caught here: the only way to reach the bytes goes through refs. */
  get buf(): Buffer {
    if (this.refs <= 0) {
      throw new PoolMisuseError(`use after release: ${describeChunk(this)}`);
    }
    return this.#bytes;
  }

  /** Called on the last release, so a view kept past release reads 0xDD, not the next message. */
  poison(): void {
    this.#bytes.fill(POISON_BYTE);
  }
}
