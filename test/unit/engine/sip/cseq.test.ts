// CSeq (RFC 3261 §20.16, §8.1.1.5) and method interning.
import { describe, expect, it } from 'vitest';
import { internMethod, parseCSeq } from '../../../../firmware/src/engine/sip/headers/cseq';

function cseq(text: string) {
  const b = Buffer.from(text, 'latin1');
  return parseCSeq(b, 0, b.length);
}

describe('parseCSeq', () => {
  it('reads number and method, leading zeros and folding allowed (RFC 4475 3.1.1.1)', () => {
    expect(cseq('4711 INVITE')).toEqual({ seq: 4711, method: 'INVITE' });
    expect(cseq('0009\r\n  INVITE')).toEqual({ seq: 9, method: 'INVITE' });
    expect(cseq('0 ACK')).toEqual({ seq: 0, method: 'ACK' });
  });

  it('accepts up to 2**32-1 and refuses more (RFC 4475 3.1.2.4)', () => {
    expect(cseq('4294967295 BYE')?.seq).toBe(4294967295);
    expect(cseq('4294967296 BYE')).toBeNull();
    expect(cseq(`${'9'.repeat(5000)} BYE`)).toBeNull();
  });

  it('keeps the method case as written (methods are case-sensitive, RFC 3261 7.1)', () => {
    expect(cseq('1 invite')?.method).toBe('invite');
  });

  it('refuses a missing number, a missing method, no LWS between, or trailing text', () => {
    for (const t of ['INVITE', '1', '1 ', '1INVITE', '-1 INVITE', '1 INVITE extra', '1 INV@TE', '']) expect(cseq(t), t).toBeNull();
  });
});

describe('internMethod', () => {
  it('returns the shared constant for known methods and a copy for others', () => {
    const b = Buffer.from('xREGISTERxNEWMETHOD');
    expect(internMethod(b, 1, 9)).toBe('REGISTER');
    expect(internMethod(b, 10, 19)).toBe('NEWMETHOD');
    expect(internMethod(Buffer.from('register'), 0, 8)).toBe('register');
  });
});
