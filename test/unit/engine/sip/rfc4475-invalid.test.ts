// RFC 4475 §3.1.2: invalid torture messages are refused with a status and a reason naming the
// problem, or, where the RFC allows being liberal, accepted with the oddity visible to the caller.
import { describe, expect, it } from 'vitest';
import { H } from '../../../../firmware/src/engine/sip/header-names';
import { parseMessage, type ParseFailure, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import * as F from '../../../fixtures/sip/rfc4475-invalid';

function refused(buf: Buffer, stream = false): ParseFailure {
  const m = parseMessage(buf, 0, buf.length, { stream });
  if (m.ok) throw new Error('expected a ParseFailure');
  return m;
}

function parsed(buf: Buffer): SipMessage {
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(`expected a message, got ${m.status} ${m.reason}`);
  return m;
}

describe('RFC 4475 §3.1.2 invalid messages', () => {
  it('badinv01: empty Via parameters make the Via unusable: 400 Bad Via, no response routable (3.1.2.1)', () => {
    const f = refused(F.badinv01);
    expect([f.status, f.reason]).toEqual([400, 'Bad Via']);
    expect(f.message).toBeNull();
  });

  it('clerr: Content-Length larger than the datagram is 400 Content-Length Mismatch (3.1.2.2, RFC 3261 18.3)', () => {
    const f = refused(F.clerr);
    expect([f.status, f.reason]).toEqual([400, 'Content-Length Mismatch']);
    expect(f.message?.callId()).toBe('clerr.0ha0isndaksdjweiafasdk3');
    expect(refused(F.clerr, true).reason).toBe('Content-Length Mismatch');
  });

  it('ncl: a negative Content-Length is 400 Bad Content-Length (3.1.2.3)', () => {
    expect([refused(F.ncl).status, refused(F.ncl).reason]).toEqual([400, 'Bad Content-Length']);
  });

  it('scalar02: CSeq above 2**32-1 is 400 Bad CSeq; out-of-range Max-Forwards/Expires read as absent (3.1.2.4)', () => {
    const f = refused(F.scalar02);
    expect([f.status, f.reason]).toEqual([400, 'Bad CSeq']);
    const m = f.message;
    expect(m).not.toBeNull();
    expect(m?.maxForwards()).toBe(-1);
    expect(m?.expires()).toBe(-1);
    expect(m?.contacts()[0].expires).toBe(-1);
    expect(m?.cseq()).toEqual({ seq: 0, method: '' });
  });

  it('scalarlg: a response with CSeq out of range is refused, and not answerable (3.1.2.5)', () => {
    const f = refused(F.scalarlg);
    expect([f.status, f.reason]).toEqual([400, 'Bad CSeq']);
    expect(f.message).toBeNull();
  });

  it('quotbal: an unterminated quote in To is 400 Bad To (3.1.2.6)', () => {
    const f = refused(F.quotbal);
    expect([f.status, f.reason]).toEqual([400, 'Bad To']);
    expect(f.message?.to().valid).toBe(false);
    expect(f.message?.from().valid).toBe(true);
  });

  it('ltgtruri: <> around the Request-URI is 400 Bad Request-URI (3.1.2.7)', () => {
    const f = refused(F.ltgtruri);
    expect([f.status, f.reason]).toEqual([400, 'Bad Request-URI']);
    expect(f.message?.ruri().scheme).toBe('other');
    expect(f.message?.ruri().host).toBe('');
  });

  it('lwsruri, lwsstart, trws: extra SP in the Request-Line is 400 Bad Request Line, still answerable (3.1.2.8-10)', () => {
    for (const buf of [F.lwsruri, F.lwsstart, F.trws]) {
      const f = refused(buf);
      expect([f.status, f.reason]).toEqual([400, 'Bad Request Line']);
      expect(f.message?.topVia.branch).toBe('z9hG4bKline');
    }
  });

  it('escruri: escaped headers in the Request-URI are accepted and exposed, never applied (3.1.2.11, liberal)', () => {
    const m = parsed(F.escruri);
    expect(m.ruri().headers).toBe('Route=%3Csip:example.com%3E');
    expect(m.ruri().host).toBe('example.com');
    expect(m.routes()).toHaveLength(0);
  });

  it('baddate: a non-GMT Date is kept as text and not split at its comma (3.1.2.12, liberal)', () => {
    const m = parsed(F.baddate);
    expect(m.header(H.Date)).toBe('Fri, 01 Jan 2010 16:00:00 EST');
    expect(m.headerValues('date')).toEqual(['Fri, 01 Jan 2010 16:00:00 EST']);
  });

  it('regbadct: an addr-spec Contact with an escaped header is read unambiguously (3.1.2.13, liberal)', () => {
    const m = parsed(F.regbadct);
    const c = m.contacts();
    expect(c).toHaveLength(1);
    expect(c[0].valid).toBe(true);
    expect(c[0].uri().host).toBe('example.com');
    expect(c[0].uri().headers).toBe('Route=%3Csip:sip.example.com%3E');
  });

  it('badaspec: spaces inside <> around the URI is 400 Bad To (3.1.2.14)', () => {
    const f = refused(F.badaspec);
    expect([f.status, f.reason]).toEqual([400, 'Bad To']);
    expect(f.message?.from().display()).toBe('Bell, Alexander');
  });

  it('baddn: unquoted display names with a comma are 400 Bad From (3.1.2.15)', () => {
    const f = refused(F.baddn);
    expect([f.status, f.reason]).toEqual([400, 'Bad From']);
  });

  it('badvers: SIP/7.0 is 505 Version Not Supported with a message to answer (3.1.2.16)', () => {
    const f = refused(F.badvers);
    expect([f.status, f.reason]).toEqual([505, 'Version Not Supported']);
    expect(f.message?.callId()).toBe('badvers.31417@c.example.com');
  });

  it('mismatch01: CSeq method differing from the request method is 400 CSeq Method Mismatch (3.1.2.17)', () => {
    const f = refused(F.mismatch01);
    expect([f.status, f.reason]).toEqual([400, 'CSeq Method Mismatch']);
    expect(f.message?.method).toBe('OPTIONS');
  });

  it('mismatch02: an unknown method with a mismatched CSeq is 400 too (3.1.2.18, 400 is allowed)', () => {
    const f = refused(F.mismatch02);
    expect([f.status, f.reason]).toEqual([400, 'CSeq Method Mismatch']);
    expect(f.message?.method).toBe('NEWMETHOD');
  });

  it('bigcode: a status code above 699 is refused without a message (3.1.2.19)', () => {
    const f = refused(F.bigcode);
    expect([f.status, f.reason]).toEqual([400, 'Bad Status Line']);
    expect(f.message).toBeNull();
  });
});
