// Finds where a JSON text (RFC 8259) goes wrong, as line:column, for the refusal message of a
// damaged data file. Node 20's JSON.parse no longer reports a position, so this linear scanner
// does; it runs only after JSON.parse has failed (cold path), iteratively (no recursion limit).

export interface JsonErrorPosition {
  offset: number;
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
  reason: string;
}

const ARRAY = 0;
const OBJECT = 1;

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

class JsonSyntaxError {
  constructor(readonly offset: number, readonly reason: string) {}
}

class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  code(): number {
    return this.i < this.text.length ? this.text.charCodeAt(this.i) : -1;
  }

  fail(reason: string): never {
    throw new JsonSyntaxError(this.i, this.i >= this.text.length ? `unexpected end of file (${reason})` : reason);
  }

  skipWs(): void {
    while (this.i < this.text.length && isWs(this.text.charCodeAt(this.i))) this.i++;
  }

  string(): void {
    this.i++; // opening quote
    for (;;) {
      const c = this.code();
      if (c === -1) this.fail('unterminated string');
      if (c === 0x22) { this.i++; return; }
      if (c < 0x20) this.fail('control character inside a string (escape it)');
      if (c === 0x5c) {
        this.i++;
        const e = this.code();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!isHex(this.code())) this.fail('bad \\u escape: needs 4 hex digits');
          }
        } else if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
          this.fail('bad escape in string');
        }
      }
      this.i++;
    }
  }

  digits(what: string): void {
    if (!isDigit(this.code())) this.fail(`expected a digit in ${what}`);
    while (isDigit(this.code())) this.i++;
  }

  number(): void {
    if (this.code() === 0x2d) this.i++;
    if (this.code() === 0x30) this.i++;
    else this.digits('number');
    if (this.code() === 0x2e) { this.i++; this.digits('fraction'); }
    if (this.code() === 0x65 || this.code() === 0x45) {
      this.i++;
      if (this.code() === 0x2b || this.code() === 0x2d) this.i++;
      this.digits('exponent');
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.code() !== word.charCodeAt(k)) this.fail(`unexpected character (did you mean ${word}?)`);
    }
  }

  /** After '{' or ',' in an object: a key, then ':'. */
  key(): void {
    this.skipWs();
    if (this.code() !== 0x22) this.fail('expected a property name in double quotes');
    this.string();
    this.skipWs();
    if (this.code() !== 0x3a) this.fail("expected ':' after the property name");
    this.i++;
  }

  document(): void {
    const stack: number[] = [];
    for (;;) {
      // A value.
      this.skipWs();
      const c = this.code();
      if (c === 0x7b) {
        this.i++;
        this.skipWs();
        if (this.code() === 0x7d) this.i++;
        else { stack.push(OBJECT); this.key(); continue; }
      } else if (c === 0x5b) {
        this.i++;
        this.skipWs();
        if (this.code() === 0x5d) this.i++;
        else { stack.push(ARRAY); continue; }
      } else if (c === 0x22) this.string();
      else if (c === 0x2d || isDigit(c)) this.number();
      else if (c === 0x74) this.literal('true');
      else if (c === 0x66) this.literal('false');
      else if (c === 0x6e) this.literal('null');
      else this.fail('expected a value');
      // After a value: close containers, or a comma and the next value.
      for (;;) {
        this.skipWs();
        if (stack.length === 0) {
          if (this.i < this.text.length) this.fail('unexpected text after the end of the document');
          return;
        }
        const top = stack[stack.length - 1];
        const d = this.code();
        if (d === 0x2c) {
          this.i++;
          if (top === OBJECT) this.key();
          break;
        }
        if ((top === OBJECT && d === 0x7d) || (top === ARRAY && d === 0x5d)) { stack.pop(); this.i++; continue; }
        this.fail(top === OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }
}

/** Line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax error of `text`, or null when it is valid JSON. */
export function findJsonError(text: string): JsonErrorPosition | null {
  const s = new Scanner(text);
  try {
    s.document();
    return null;
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { offset: err.offset, ...lineColumn(text, err.offset), reason: err.reason };
  }
}
