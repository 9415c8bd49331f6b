// The first pass: start line, header index offsets, folding and line-end tolerance (RFC 3261 §7).
import { describe, expect, it } from 'vitest';
import { H, headerIdFromString, headerIdOf, headerName, isListHeader } from '../../../../firmware/src/engine/sip/header-names';
import { MAX_HEADERS, ScanState, scanMessage } from '../../../../firmware/src/engine/sip/scan';

function scan(text: string): ScanState {
  const st = new ScanState();
  const buf = Buffer.from(text, 'latin1');
  scanMessage(buf, 0, buf.length, st);
  return st;
}

describe('scanMessage', () => {
  it('splits a Request-Line into method, Request-URI and version (RFC 3261 7.1)', () => {
    const st = scan('OPTIONS sip:a@b.example SIP/2.0\r\nVia: x\r\n\r\n');
    expect(st.error).toBeNull();
    expect(st.isRequest).toBe(true);
    expect([st.methodStart, st.methodEnd]).toEqual([0, 7]);
    expect([st.uriStart, st.uriEnd]).toEqual([8, 23]);
    expect(st.versionUnsupported).toBe(false);
    expect(st.headersStart).toBe(33);
  });

  it('reads a Status-Line, with or without reason phrase (RFC 3261 7.2, RFC 4475 3.1.1.13)', () => {
    const st = scan('SIP/2.0 486 Busy Here\r\n\r\n');
    expect([st.isRequest, st.status, st.reasonStart, st.reasonEnd]).toEqual([false, 486, 12, 21]);
    const bare = scan('SIP/2.0 180\r\n\r\n');
    expect([bare.error, bare.status, bare.reasonStart, bare.reasonEnd]).toEqual([null, 180, 11, 11]);
  });

  it('treats the SIP-Version case-insensitively and flags other versions (RFC 3261 7.1)', () => {
    expect(scan('INVITE sip:a@b sip/2.0\r\n\r\n').versionUnsupported).toBe(false);
    expect(scan('INVITE sip:a@b SIP/2.1\r\n\r\n').versionUnsupported).toBe(true);
    expect(scan('SIP/3.0 200 OK\r\n\r\n').versionUnsupported).toBe(true);
    expect(scan('INVITE sip:a@b SIP/2\r\n\r\n').lineError).toBe('Bad Request Line');
    expect(scan('INVITE sip:a@b HTTP/1.1\r\n\r\n').lineError).toBe('Bad Request Line');
  });

  it('refuses status codes outside 100..699 and a fourth digit (RFC 4475 3.1.2.19)', () => {
    expect(scan('SIP/2.0 099 Low\r\n\r\n').error).toBe('Bad Status Line');
    expect(scan('SIP/2.0 700 High\r\n\r\n').error).toBe('Bad Status Line');
    expect(scan('SIP/2.0 2000 OK\r\n\r\n').error).toBe('Bad Status Line');
    expect(scan('SIP/2.0 2x0 OK\r\n\r\n').error).toBe('Bad Status Line');
  });

  it('skips CRLFs before the start line (RFC 3261 7.5)', () => {
    const st = scan('\r\n\r\n\nBYE sip:a@b SIP/2.0\r\n\r\n');
    expect([st.error, st.lineStart, st.methodStart]).toEqual([null, 5, 5]);
  });

  it('indexes headers by offsets: name, trimmed value, line bounds', () => {
    const text = 'BYE sip:a@b SIP/2.0\r\nCall-ID  :   abc@host  \r\nl:0\r\n\r\nbody';
    const st = scan(text);
    const ix = st.index();
    expect(ix.count).toBe(2);
    expect(ix.id(0)).toBe(H.CallId);
    expect(text.slice(ix.lineStart(0), ix.nameEnd(0))).toBe('Call-ID');
    expect(text.slice(ix.valueStart(0), ix.valueEnd(0))).toBe('abc@host');
    expect(text.slice(ix.lineStart(0), ix.lineEnd(0))).toBe('Call-ID  :   abc@host  \r\n');
    expect(ix.id(1)).toBe(H.ContentLength);
    expect(st.headersEnd).toBe(text.indexOf('\r\n\r\n') + 2);
    expect(st.bodyStart).toBe(text.indexOf('body'));
  });

  it('keeps a folded value as one header, value spanning the fold (RFC 3261 7.3.1)', () => {
    const text = 'BYE sip:a@b SIP/2.0\r\nSubject: one\r\n  two\r\n\tthree\r\nTo: x\r\n\r\n';
    const ix = scan(text).index();
    expect(ix.count).toBe(2);
    expect(text.slice(ix.valueStart(0), ix.valueEnd(0))).toBe('one\r\n  two\r\n\tthree');
    expect(ix.lineEnd(0)).toBe(text.indexOf('To:'));
  });

  it('tolerates LF-only line ends', () => {
    const text = 'BYE sip:a@b SIP/2.0\nCall-ID: x\nSubject: a\n b\n\nhello';
    const st = scan(text);
    expect(st.error).toBeNull();
    expect(st.count).toBe(2);
    expect(text.slice(st.bodyStart)).toBe('hello');
  });

  it('accepts a message that ends without the empty line: no body', () => {
    const text = 'BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\n';
    const st = scan(text);
    expect([st.error, st.count, st.headersEnd, st.bodyStart]).toEqual([null, 1, text.length, text.length]);
    const cut = scan('BYE sip:a@b SIP/2.0\r\nCall-ID: x');
    expect([cut.error, cut.count]).toEqual([null, 1]);
  });

  it('refuses header lines without a colon, with an empty name, or a fold before any header', () => {
    expect(scan('BYE sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n').error).toBe('Bad Header Line');
    expect(scan('BYE sip:a@b SIP/2.0\r\n: value\r\n\r\n').error).toBe('Bad Header Line');
    expect(scan('BYE sip:a@b SIP/2.0\r\n folded: x\r\n\r\n').error).toBe('Bad Header Line');
    expect(scan('BYE sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n').error).toBe('Bad Header Line');
  });

  it(`refuses more than ${MAX_HEADERS} header fields`, () => {
    const ok = 'BYE sip:a@b SIP/2.0\r\n' + 'X-A: 1\r\n'.repeat(MAX_HEADERS) + '\r\n';
    expect(scan(ok).error).toBeNull();
    const over = 'BYE sip:a@b SIP/2.0\r\n' + 'X-A: 1\r\n'.repeat(MAX_HEADERS + 1) + '\r\n';
    expect(scan(over).error).toBe('Too Many Headers');
  });

  it('refuses an empty message', () => {
    expect(scan('\r\n\r\n').error).toBe('Empty Message');
  });

  it('finds headers by id and unknown ones by name (case-insensitive)', () => {
    const text = 'BYE sip:a@b SIP/2.0\r\nX-Foo: 1\r\nv: a\r\nx-FOO: 2\r\nVIA: b\r\n\r\n';
    const buf = Buffer.from(text);
    const st = new ScanState();
    scanMessage(buf, 0, buf.length, st);
    const ix = st.index();
    expect(ix.find(H.Via)).toBe(1);
    expect(ix.find(H.Via, 2)).toBe(3);
    expect(ix.find(H.Route)).toBe(-1);
    expect(ix.findName(buf, 'x-foo')).toBe(0);
    expect(ix.findName(buf, 'x-foo', 1)).toBe(2);
    expect(ix.ref(2)).toEqual({ id: H.Other, lineStart: 37, nameEnd: 42, valueStart: 44, valueEnd: 45, lineEnd: 47 });
  });
});

describe('header names', () => {
  it('maps the compact forms of RFC 3261 7.3.3 and IANA to the full-name ids', () => {
    const pairs: Array<[string, number]> = [
      ['i', H.CallId], ['m', H.Contact], ['e', H.ContentEncoding], ['l', H.ContentLength],
      ['c', H.ContentType], ['f', H.From], ['s', H.Subject], ['k', H.Supported], ['t', H.To],
      ['v', H.Via], ['o', H.Event], ['u', H.AllowEvents], ['r', H.ReferTo], ['b', H.ReferredBy],
      ['x', H.SessionExpires], ['y', H.Identity], ['a', H.AcceptContact], ['j', H.RejectContact],
      ['d', H.RequestDisposition],
    ];
    for (const [c, id] of pairs) {
      expect(headerIdFromString(c)).toBe(id);
      expect(headerIdFromString(c.toUpperCase())).toBe(id);
      expect(headerIdOf(Buffer.from(c.toUpperCase()), 0, 1)).toBe(id);
    }
    expect(headerIdFromString('g')).toBe(H.Other);
  });

  it('matches full names case-insensitively, from bytes and from strings', () => {
    const b = Buffer.from('xxRECORD-route');
    expect(headerIdOf(b, 2, b.length)).toBe(H.RecordRoute);
    expect(headerIdFromString('www-AUTHENTICATE')).toBe(H.WwwAuthenticate);
    expect(headerIdFromString('P-Asserted-Identity')).toBe(H.PAssertedIdentity);
    expect(headerIdFromString('Record-Routes')).toBe(H.Other);
    expect(headerIdFromString('Rout')).toBe(H.Other);
  });

  it('gives canonical names for sending (RFC 3261 7.3.1)', () => {
    expect(headerName(H.CallId)).toBe('Call-ID');
    expect(headerName(H.CSeq)).toBe('CSeq');
    expect(headerName(H.WwwAuthenticate)).toBe('WWW-Authenticate');
    expect(headerName(H.Other)).toBe('');
  });

  it('knows which fields are comma-separated lists', () => {
    expect(isListHeader(H.Via)).toBe(true);
    expect(isListHeader(H.Route)).toBe(true);
    expect(isListHeader(H.Date)).toBe(false);
    expect(isListHeader(H.Authorization)).toBe(false);
    expect(isListHeader(H.Other)).toBe(false);
  });
});
