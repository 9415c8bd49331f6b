// RFC 4475 §3.1.1: every valid torture message parses, and the getters read it as the RFC means.
import { describe, expect, it } from 'vitest';
import { H } from '../../../../firmware/src/engine/sip/header-names';
import { unescapeUri } from '../../../../firmware/src/engine/sip/headers/uri';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import * as F from '../../../fixtures/sip/rfc4475-valid';
import { SDP_136, SDP_155 } from '../../../fixtures/sip/text';

function parsed(buf: Buffer): SipMessage {
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(`expected a message, got ${m.status} ${m.reason}`);
  return m;
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('fixture bodies have the lengths counted by hand', () => {
    expect(Buffer.byteLength(SDP_155)).toBe(155);
    expect(Buffer.byteLength(SDP_136)).toBe(136);
    expect(F.MPART01_BODY.length).toBe(F.MPART01_BODY_LENGTH);
  });

  it('wsinv: whitespace, folding and compact forms are read through (3.1.1.1)', () => {
    const m = parsed(F.wsinv);
    expect(m.method).toBe('INVITE');
    expect(m.ruri().host).toBe('chair-dnrc.example.com');
    expect(m.ruri().param('unknownparam')).toBeNull();
    expect(m.to().tag()).toBe('1918181833n');
    expect(m.to().uri().user).toBe('vivekg');
    expect(m.from().display()).toBe('J Rosenberg \\"');
    expect(m.from().tag()).toBe('98asjd8');
    expect(m.maxForwards()).toBe(68);
    expect(m.cseq()).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.topVia.transport).toBe('UDP');
    expect(m.topVia.host).toBe('192.0.2.2');
    expect(m.topVia.branch).toBe('390skdjuw');
    expect(m.viaCount()).toBe(3);
    expect(m.vias().map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.header('Subject')).toBe('');
    expect(m.header('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.header('unknownheaderwithunusualvalue')).toBe(';;,,;;,;');
    expect(m.routes()).toHaveLength(1);
    expect(m.routes()[0].uri().host).toBe('services.example.com');
    expect(m.routes()[0].uri().lr()).toBe(true);
    expect(m.routes()[0].uri().param('unknown-no-value')).toBeNull();
    const c = m.contacts();
    expect(c).toHaveLength(1);
    expect(c[0].display()).toBe('Quoted string ""');
    expect(c[0].param('newparam')).toBe('newvalue');
    expect(c[0].param('secondparam')).toBeNull();
    expect(c[0].q).toBe(330);
    expect(m.header(H.ContentType)).toBe('application/sdp');
    expect(m.body().toString()).toBe(SDP_155);
  });

  it('intmeth: all token characters in the method; CSeq repeats it as is (3.1.1.2)', () => {
    const m = parsed(F.intmeth);
    expect(m.method).toBe(F.INTMETH_METHOD);
    expect(m.cseq().method).toBe(F.INTMETH_METHOD);
    const r = m.ruri();
    expect(r.user).toBe("1_weird.URI~(yes!)&isn't+it$/odd?,/;;*");
    expect(r.password).toBe('&pass+word=1,x!*p$w~d.(right)');
    expect(r.host).toBe('example.com');
    expect(r.headers).toBeNull();
    expect(m.topVia.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to().display()).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.to().uri().user).toBe("1_weird.URI~(yes!)&isn't+it$/odd?,/;;*");
    expect(m.from().display()).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from().param("fromParam''~+*_!.-%")).toBe('работающий');
    expect(m.from().tag()).toBe("_token~1'+`*%!-.");
    expect(m.callId()).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(m.header("extensionHeader-!.%*+_`'~")).toBe('大停電');
    expect(m.maxForwards()).toBe(255);
  });

  it('esc01: escapes stay raw in the URI and decode with unescapeUri (3.1.1.3)', () => {
    const m = parsed(F.esc01);
    expect(m.ruri().user).toBe('sips%3Auser%40example.com');
    expect(unescapeUri(m.ruri().user ?? '')).toBe('sips:user@example.com');
    expect(m.ruri().host).toBe('example.net');
    expect(m.ruri().scheme).toBe('sip');
    expect(unescapeUri(m.to().uri().user ?? '')).toBe('user');
    expect(unescapeUri(m.from().uri().user ?? '')).toBe('I have spaces');
    expect(m.callId()).toBe('esc01.239409asdfakjkn23onasd0-3234');
    const contact = m.contacts()[0].uri();
    expect(contact.host).toBe('host5.example.net');
    expect(unescapeUri(contact.user ?? '')).toBe('caller');
    expect(contact.param('n%61me')).toBe('v%61lue%25%34%31');
    expect(unescapeUri(contact.param('n%61me') ?? '')).toBe('value%41');
    expect(m.body().length).toBe(136);
  });

  it('escnull: %00 decodes to NUL but stays escaped in the raw user (3.1.1.4)', () => {
    const m = parsed(F.escnull);
    expect(m.to().uri().user).toBe('null-%00-null');
    expect(unescapeUri(m.to().uri().user ?? '')).toBe('null-\x00-null');
    expect(m.from().tag()).toBe('839923423');
    expect(m.contacts().map((c) => c.uri().user)).toEqual(['%00', '%00%00']);
  });

  it('esc02: RE%47IST%45R is an extension method, not REGISTER; "%Z%45" is a plain display name (3.1.1.5)', () => {
    const m = parsed(F.esc02);
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.method).not.toBe('REGISTER');
    expect(m.to().display()).toBe('%Z%45');
    expect(m.contacts().map((c) => c.uri().host)).toEqual(['host1.example.com', 'host2.example.com', 'host3.example.com']);
    expect(m.topVia.rport).toBe(0);
    expect(m.topVia.transport).toBe('TCP');
  });

  it('lwsdisp: a display name glued to < (3.1.1.6)', () => {
    const m = parsed(F.lwsdisp);
    expect(m.from().display()).toBe('caller');
    expect(m.from().uri().user).toBe('caller');
    expect(m.from().tag()).toBe('323');
  });

  it('longreq: long names, values and 34 Via values (3.1.1.7)', () => {
    const m = parsed(F.longreq);
    expect(m.viaCount()).toBe(F.LONGREQ_VIAS);
    expect(m.topVia.host).toBe('sip33.example.com');
    expect(m.vias()[F.LONGREQ_VIAS - 1].branch).toBe(`z9hG4bK${'longbranch'.repeat(10)}`);
    expect(m.from().tag()).toBe(F.LONG_TAG);
    expect(m.to().uri().port).toBe(6000);
    expect(m.to().display()).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    expect(m.header(F.LONG_HEADER_NAME)).toMatch(/^unknown-(long){20}-value; /);
    expect(m.body().toString()).toBe(SDP_155);
  });

  it('dblreq: bytes after Content-Length in a datagram are not part of the message (3.1.1.8)', () => {
    const m = parsed(F.dblreq);
    expect(m.method).toBe('REGISTER');
    expect(m.body().length).toBe(0);
    expect(m.end).toBe(F.dblreq.length - Buffer.byteLength(F.DBLREQ_SECOND));
    expect(m.contacts()[0].uri().host).toBe('host.example.com');
  });

  it('semiuri: ";" in the user part is user, not a URI parameter (3.1.1.9)', () => {
    const m = parsed(F.semiuri);
    const r = m.ruri();
    expect(r.user).toBe('user;par=u%40example.net');
    expect(r.host).toBe('example.com');
    expect(r.param('par')).toBeUndefined();
    expect(m.headerValues('Accept')).toEqual([
      'application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag',
    ]);
  });

  it('transports: UDP, SCTP, TLS, an unknown one and TCP in Via (3.1.1.10)', () => {
    const m = parsed(F.transports);
    expect(m.vias().map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(m.callId()).toBe('transports.kijh4akdnaqjkwendsasfdj');
  });

  it('mpart01: a binary multipart body comes out byte for byte (3.1.1.11)', () => {
    const m = parsed(F.mpart01);
    expect(m.method).toBe('MESSAGE');
    expect(Buffer.compare(m.body(), F.MPART01_BODY)).toBe(0);
    expect(m.header(H.ContentType)).toBe('multipart/mixed;boundary=boundary42');
    expect(m.topVia.port).toBe(5070);
  });

  it('unreason: a UTF-8 reason phrase (3.1.1.12)', () => {
    const m = parsed(F.unreason);
    expect(m.isRequest).toBe(false);
    expect(m.status).toBe(200);
    expect(m.reason()).toBe(F.UNREASON_PHRASE);
    expect(m.method).toBe('INVITE');
    expect(m.to().tag()).toBe('2229');
  });

  it('noreason: an empty reason phrase (3.1.1.13)', () => {
    const m = parsed(F.noreason);
    expect(m.status).toBe(100);
    expect(m.reason()).toBe('');
  });
});
