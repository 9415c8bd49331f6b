// A bounded writer into a caller's Buffer for building messages: it never writes past its limit;
// once something does not fit it stops and reports overflow (the builder then returns -1).
import { CR, HT, LF, SP } from './chars';

export class OutWriter {
  private out: Buffer = Buffer.alloc(0);
  pos = 0;
  private limit = 0;
  overflow = false;

  reset(out: Buffer, off: number): this {
    this.out = out;
    this.pos = off;
    this.limit = out.length;
    this.overflow = off < 0 || off > out.length;
    return this;
  }

  /** Text of any characters, as UTF-8. */
  str(s: string): void {
    if (this.overflow || s.length === 0) return;
    const n = Buffer.byteLength(s, 'utf8');
    if (this.pos + n > this.limit) {
      this.overflow = true;
      return;
    }
    this.pos += this.out.write(s, this.pos, n, 'utf8');
  }

  /** Bytes src[s, e) as they are. */
  bytes(src: Buffer, s: number, e: number): void {
    if (this.overflow || e <= s) return;
    if (this.pos + (e - s) > this.limit) {
      this.overflow = true;
      return;
    }
    this.pos += src.copy(this.out, this.pos, s, e);
  }

  /** Bytes src[s, e) with each folding run (WS* CRLF WS+) written as one SP (strict sending). */
  collapsed(src: Buffer, s: number, e: number): void {
    let from = s;
    for (let i = s; i < e; i++) {
      if (src[i] !== LF) continue;
      let cut = i;
      if (cut > from && src[cut - 1] === CR) cut--;
      while (cut > from && (src[cut - 1] === SP || src[cut - 1] === HT)) cut--;
      this.bytes(src, from, cut);
      this.byte(SP);
      let next = i + 1;
      while (next < e && (src[next] === SP || src[next] === HT)) next++;
      from = next;
      i = next - 1;
    }
    this.bytes(src, from, e);
  }

  byte(b: number): void {
    if (this.overflow) return;
    if (this.pos >= this.limit) {
      this.overflow = true;
      return;
    }
    this.out[this.pos++] = b;
  }

  /** A non-negative integer in decimal, without making a string. */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.str(String(n));
      return;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    if (this.overflow) return;
    if (this.pos + digits > this.limit) {
      this.overflow = true;
      return;
    }
    let v = n;
    for (let i = this.pos + digits - 1; i >= this.pos; i--) {
      this.out[i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.pos += digits;
  }

  crlf(): void {
    this.byte(CR);
    this.byte(LF);
  }
}
