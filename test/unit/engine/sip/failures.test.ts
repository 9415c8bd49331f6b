// Every reason parseMessage refuses a message for, with its status, and when a partial message
// comes with it (RFC 3261 §8.1.1 mandatory headers, §8.2.2 version, §18.3 framing).
import { describe, expect, it } from 'vitest';
import { MAX_HEADERS } from '../../../../firmware/src/engine/sip/scan';
import { parseMessage, type ParseFailure } from '../../../../firmware/src/engine/sip/message';
import { sip } from '../../../fixtures/sip/text';

const LINE = 'INVITE sip:bob@example.com SIP/2.0';
const VIA = 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKf';
const FROM = 'From: <sip:alice@example.com>;tag=a';
const TO = 'To: <sip:bob@example.com>';
const CALLID = 'Call-ID: fail@192.0.2.1';
const CSEQ = 'CSeq: 1 INVITE';
const CL = 'Content-Length: 0';

function failure(buf: Buffer, stream = false): ParseFailure {
  const m = parseMessage(buf, 0, buf.length, { stream });
  if (m.ok) throw new Error('expected a ParseFailure');
  return m;
}

function reasonOf(lines: string[], body = '', stream = false): [number, string, boolean] {
  const f = failure(sip(lines, body), stream);
  return [f.status, f.reason, f.message !== null];
}

describe('parse failures', () => {
  it('the baseline message parses', () => {
    const buf = sip([LINE, VIA, FROM, TO, CALLID, CSEQ, CL]);
    expect(parseMessage(buf, 0, buf.length).ok).toBe(true);
  });

  it('Empty Message: nothing but CRLFs, or an empty range', () => {
    expect(failure(Buffer.from('\r\n\r\n')).reason).toBe('Empty Message');
    expect(parseMessage(Buffer.from('abc'), 2, 2)).toMatchObject({ ok: false, reason: 'Empty Message' });
    expect(parseMessage(Buffer.from('abc'), 0, 10)).toMatchObject({ ok: false, reason: 'Empty Message' });
  });

  it('Bad Header Line and Too Many Headers: no partial message', () => {
    expect(reasonOf([LINE, VIA, 'Garbage line', FROM])).toEqual([400, 'Bad Header Line', false]);
    const many = Array.from({ length: MAX_HEADERS }, (_, i) => `X-H${i}: v`);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, CL, ...many])).toEqual([400, 'Too Many Headers', false]);
  });

  it('Bad Request Line: a partial message when the Via parses, else none', () => {
    expect(reasonOf(['INVITE sip:bob@example.com SIP/2.0 extra', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request Line', true]);
    expect(reasonOf(['INVITE', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request Line', true]);
    expect(reasonOf(['\x00\xff garbage', 'x: y'])).toEqual([400, 'Bad Request Line', false]);
  });

  it('Bad Status Line: responses never come with a message', () => {
    expect(reasonOf(['SIP/2.0 20 OK', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Status Line', false]);
    expect(reasonOf(['SIP/2.x 200 OK', VIA])).toEqual([400, 'Bad Status Line', false]);
  });

  it('Missing Via and Bad Via: no partial message (no way to route a response, RFC 3261 18.2.2)', () => {
    expect(reasonOf([LINE, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Missing Via', false]);
    expect(reasonOf([LINE, 'Via: SIP/2.0/UDP', FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Via', false]);
    expect(reasonOf([LINE, 'Via: SIP/2.0/UDP host:99999', FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Via', false]);
    expect(reasonOf([LINE, 'Via: SIP/2.0/UDP host;rport=x', FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Via', false]);
    expect(reasonOf([LINE, 'Via: SIP/2.0/UDP host;branch', FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Via', false]);
    expect(reasonOf([LINE, 'Via: ,', FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Via', false]);
  });

  it('Version Not Supported: 505 (RFC 3261 21.5.6)', () => {
    expect(reasonOf(['INVITE sip:bob@example.com SIP/3.0', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([505, 'Version Not Supported', true]);
  });

  it('Bad Request-URI: a sip URI that does not scan, or no scheme', () => {
    expect(reasonOf(['INVITE sip:@example.com SIP/2.0', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request-URI', true]);
    expect(reasonOf(['INVITE sip:bob@host:0 SIP/2.0', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request-URI', true]);
    expect(reasonOf(['INVITE bob@example.com SIP/2.0', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request-URI', true]);
    expect(reasonOf(['INVITE sip:[2001:db8::1 SIP/2.0', VIA, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad Request-URI', true]);
  });

  it('Missing, Multiple and Bad From / To', () => {
    expect(reasonOf([LINE, VIA, TO, CALLID, CSEQ, CL])).toEqual([400, 'Missing From', true]);
    expect(reasonOf([LINE, VIA, FROM, FROM, TO, CALLID, CSEQ, CL])).toEqual([400, 'Multiple From', true]);
    expect(reasonOf([LINE, VIA, 'From: <sip:alice@example.com', TO, CALLID, CSEQ, CL])).toEqual([400, 'Bad From', true]);
    expect(reasonOf([LINE, VIA, FROM, CALLID, CSEQ, CL])).toEqual([400, 'Missing To', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, 't: <sip:x@y>', CALLID, CSEQ, CL])).toEqual([400, 'Multiple To', true]);
    expect(reasonOf([LINE, VIA, FROM, 'To: sip:bob@example.com;=x', CALLID, CSEQ, CL])).toEqual([400, 'Bad To', true]);
    expect(reasonOf([LINE, VIA, FROM, 'To: <sip:bob@example.com> garbage', CALLID, CSEQ, CL])).toEqual([400, 'Bad To', true]);
  });

  it('Missing, Multiple and Bad Call-ID', () => {
    expect(reasonOf([LINE, VIA, FROM, TO, CSEQ, CL])).toEqual([400, 'Missing Call-ID', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'i: other', CSEQ, CL])).toEqual([400, 'Multiple Call-ID', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, 'Call-ID:', CSEQ, CL])).toEqual([400, 'Bad Call-ID', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, 'Call-ID: two words', CSEQ, CL])).toEqual([400, 'Bad Call-ID', true]);
  });

  it('Missing, Multiple and Bad CSeq; CSeq Method Mismatch (RFC 3261 8.1.1.5)', () => {
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CL])).toEqual([400, 'Missing CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, CSEQ, CL])).toEqual([400, 'Multiple CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: INVITE', CL])).toEqual([400, 'Bad CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: 1INVITE', CL])).toEqual([400, 'Bad CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: 4294967296 INVITE', CL])).toEqual([400, 'Bad CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: 1 INVITE x', CL])).toEqual([400, 'Bad CSeq', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: 1 invite', CL])).toEqual([400, 'CSeq Method Mismatch', true]);
  });

  it('Content-Length: Multiple, Bad, Mismatch (UDP) and Missing (stream)', () => {
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, CL, 'l: 0'])).toEqual([400, 'Multiple Content-Length', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, 'Content-Length: 1x'])).toEqual([400, 'Bad Content-Length', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, 'Content-Length: 99999999999999'])).toEqual([400, 'Bad Content-Length', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ, 'Content-Length: 6'], 'short')).toEqual([400, 'Content-Length Mismatch', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, CSEQ], '', true)).toEqual([400, 'Missing Content-Length', true]);
  });

  it('the first problem in order Via, version, Request-URI, From, To, Call-ID, CSeq, Content-Length is the one named', () => {
    expect(reasonOf(['INVITE sip:@x SIP/2.0', VIA])).toEqual([400, 'Bad Request-URI', true]);
    expect(reasonOf([LINE, VIA])).toEqual([400, 'Missing From', true]);
    expect(reasonOf([LINE, VIA, FROM, TO, CALLID, 'CSeq: 1 BYE', 'Content-Length: 9'])).toEqual([400, 'CSeq Method Mismatch', true]);
  });

  it('the partial message of a failure keeps what did parse', () => {
    const f = failure(sip([LINE, VIA, FROM, TO, CALLID, 'CSeq: 1 BYE', CL]));
    const m = f.message;
    expect(m?.from().tag()).toBe('a');
    expect(m?.callId()).toBe('fail@192.0.2.1');
    expect(m?.cseq()).toEqual({ seq: 1, method: 'BYE' });
    expect(m?.method).toBe('INVITE');
  });
});
