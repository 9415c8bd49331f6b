// Changes to a received message collected as edits at byte offsets and applied once, when the
// message is sent (SER/Kamailio "lumps"): untouched ranges are copied byte for byte, inserted
// text is written straight into the output buffer. One EditList is reused across messages.
import type { SipMessage } from './message';

/**
 * Edits over one message's bytes [msg.start, msg.end). Insertions at the same offset come out in
 * the order they were added, before a replacement starting there. Overlapping replace/delete
 * ranges (or an insertion strictly inside one) are a programmer error: apply() and
 * resultLength() throw a RangeError, as do ranges outside the message.
 */
export class EditList {
  private buf: Buffer = Buffer.alloc(0);
  private msgStart = 0;
  private msgEnd = 0;
  private count = 0;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly texts: Array<string | Buffer> = [];
  private readonly order: number[] = [];
  private sorted = true;
  private readonly byOffset = (a: number, b: number): number => {
    const d = this.starts[a] - this.starts[b];
    if (d !== 0) return d;
    // At one offset: insertions (empty range) first, then by insertion order.
    const ka = this.ends[a] === this.starts[a] ? 0 : 1;
    const kb = this.ends[b] === this.starts[b] ? 0 : 1;
    return ka !== kb ? ka - kb : a - b;
  };

  /** Starts a new edit list over msg (keeps the arrays). */
  reset(msg: SipMessage): void {
    this.buf = msg.buf;
    this.msgStart = msg.start;
    this.msgEnd = msg.end;
    // Drop references to the previous message's texts so they can be collected.
    for (let i = 0; i < this.count; i++) this.texts[i] = '';
    this.count = 0;
    this.sorted = true;
  }

  /** Number of edits collected. */
  get size(): number {
    return this.count;
  }

  insert(at: number, text: string | Buffer): void {
    this.add(at, at, text);
  }

  replace(start: number, end: number, text: string | Buffer): void {
    this.add(start, end, text);
  }

  delete(start: number, end: number): void {
    this.add(start, end, '');
  }

  /** Bytes apply() will write. */
  resultLength(): number {
    this.sort();
    let n = this.msgEnd - this.msgStart;
    for (let k = 0; k < this.count; k++) {
      const i = this.order[k];
      const t = this.texts[i];
      n += (typeof t === 'string' ? Buffer.byteLength(t, 'utf8') : t.length) - (this.ends[i] - this.starts[i]);
    }
    return n;
  }

  /**
   * Writes the edited message into out at outOff; returns the bytes written, or -1 (writing
   * nothing) when they would not fit in out.
   */
  apply(out: Buffer, outOff: number): number {
    const total = this.resultLength();
    if (outOff < 0 || outOff + total > out.length) return -1;
    let w = outOff;
    let cursor = this.msgStart;
    for (let k = 0; k < this.count; k++) {
      const i = this.order[k];
      const s = this.starts[i];
      if (s > cursor) w += this.buf.copy(out, w, cursor, s);
      const t = this.texts[i];
      if (typeof t === 'string') {
        if (t.length > 0) w += out.write(t, w, 'utf8');
      } else {
        w += t.copy(out, w);
      }
      if (this.ends[i] > cursor) cursor = this.ends[i];
    }
    if (this.msgEnd > cursor) w += this.buf.copy(out, w, cursor, this.msgEnd);
    return w - outOff;
  }

  private add(start: number, end: number, text: string | Buffer): void {
    if (!(start >= this.msgStart && end >= start && end <= this.msgEnd)) {
      throw new RangeError(`edit [${start}, ${end}) outside the message [${this.msgStart}, ${this.msgEnd})`);
    }
    const i = this.count++;
    this.starts[i] = start;
    this.ends[i] = end;
    this.texts[i] = text;
    this.order[i] = i;
    this.sorted = false;
  }

  private sort(): void {
    if (this.sorted) return;
    this.order.length = this.count;
    for (let i = 0; i < this.count; i++) this.order[i] = i;
    this.order.sort(this.byOffset);
    // Each edit must start at or after the end of the previous one.
    let reach = this.msgStart;
    for (let k = 0; k < this.count; k++) {
      const i = this.order[k];
      if (this.starts[i] < reach) {
        throw new RangeError(`overlapping edits at [${this.starts[i]}, ${this.ends[i]})`);
      }
      if (this.ends[i] > reach) reach = this.ends[i];
    }
    this.sorted = true;
  }
}
