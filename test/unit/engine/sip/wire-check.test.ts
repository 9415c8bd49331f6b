import { describe, expect, it } from 'vitest';
import { headerSectionClean } from '../../../../firmware/src/engine/sip/wire-check';

const b = (s: string) => Buffer.from(s, 'latin1');
const clean = (s: string) => headerSectionClean(b(s), 0, b(s).length);

describe('strict when sending: the header section is clean (RFC 3261 7.3)', () => {
  it('accepts CRLF lines and anything in the body', () => {
    expect(clean('SIP/2.0 200 OK\r\nVia: x\r\nContent-Length: 5\r\n\r\na\0b\nc')).toBe(true);
  });

  it('refuses a bare CR inside a header (it would be a line break to the next hop)', () => {
    expect(clean('INVITE sip:a@b SIP/2.0\r\nSubject: hi\rX-Injected: yes\r\n\r\n')).toBe(false);
  });

  it('refuses a bare LF and a NUL in the header section', () => {
    expect(clean('INVITE sip:a@b SIP/2.0\r\nSubject: hi\nX-Injected: yes\r\n\r\n')).toBe(false);
    expect(clean('SIP/2.0 400 Bad\r\nTo: <sip:a\0@b>\r\n\r\n')).toBe(false);
  });

  it('refuses a header section that never ends (no empty line)', () => {
    expect(clean('INVITE sip:a@b SIP/2.0\r\nVia: x\r\nContent-Length: 0\r\n')).toBe(false);
  });

  it('refuses a CR at the very end without its LF', () => {
    expect(clean('SIP/2.0 200 OK\r\nVia: x\r')).toBe(false);
  });
});
