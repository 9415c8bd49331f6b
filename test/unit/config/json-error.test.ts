// The JSON error locator (RFC 8259 grammar): it agrees with JSON.parse on what is valid, and names
// the line:column of the first error, as a person reading the file counts them.
import { describe, expect, it } from 'vitest';
import { findJsonError, lineColumn } from '../../../firmware/src/config/json-error';

describe('findJsonError', () => {
  it.each([
    '{}', '[]', ' {"a": [1, -2.5e+3, 0, 0.5, 1E9, true, false, null, "x\\n\\u00e9\\"", {}]} \n',
    '"just a string"', '42', '-0', '[[[[[]]]]]', '{"a":{"b":{"c":[]}}}', '{ }',
  ])('finds no error in valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonError(text)).toBeNull();
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, "expected a property name in double quotes"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name"],
    ['{"a": 1 "b": 2}', 1, 9, "expected ',' or '}'"],
    ['[1, 2\n  3]', 2, 3, "expected ',' or ']'"],
    ['[01]', 1, 3, "expected ',' or ']'"],
    ['{"a": tru}', 1, 10, 'unexpected character (did you mean true?)'],
    ['{"a": "x\ty"}', 1, 9, 'control character inside a string (escape it)'],
    ['{"a": "\\x"}', 1, 9, 'bad escape in string'],
    ['{"a": "\\u12G4"}', 1, 12, 'bad \\u escape: needs 4 hex digits'],
    ['{"a": 1.}', 1, 9, 'expected a digit in fraction'],
    ['{"a": 1e}', 1, 9, 'expected a digit in exponent'],
    ['{} {}', 1, 4, 'unexpected text after the end of the document'],
    ['{"a": [1, 2', 1, 12, "unexpected end of file (expected ',' or ']')"],
    ['{"a": "abc', 1, 11, 'unexpected end of file (unterminated string)'],
    ['', 1, 1, 'unexpected end of file (expected a value)'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes'],
  ])('locates the error in %j at %i:%i', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const e = findJsonError(text);
    expect(e && { line: e.line, column: e.column, reason: e.reason }).toEqual({ line, column, reason });
  });

  it('scans deep nesting without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(99_999);
    expect(findJsonError(text)?.reason).toBe("unexpected end of file (expected ',' or ']')");
  });
});

describe('lineColumn', () => {
  it('counts lines from 1 and columns from 1 after the last newline', () => {
    expect(lineColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });
});
