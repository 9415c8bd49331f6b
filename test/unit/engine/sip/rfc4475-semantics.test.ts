// RFC 4475 §3.3-3.4: messages a parser must not break on; whether to answer 400/416/420 is the
// caller's decision, so the parser accepts them (or refuses them with a reason) and shows the oddity.
import { describe, expect, it } from 'vitest';
import { H } from '../../../../firmware/src/engine/sip/header-names';
import { parseMessage, type ParseFailure, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import * as F from '../../../fixtures/sip/rfc4475-semantics';

function refused(buf: Buffer): ParseFailure {
  const m = parseMessage(buf, 0, buf.length);
  if (m.ok) throw new Error('expected a ParseFailure');
  return m;
}

function parsed(buf: Buffer): SipMessage {
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(`expected a message, got ${m.status} ${m.reason}`);
  return m;
}

describe('RFC 4475 §3.3-3.4 application-level oddities', () => {
  it('insuf: missing From is 400 Missing From; the partial message still routes the 400 (3.3.1)', () => {
    const f = refused(F.insuf);
    expect([f.status, f.reason]).toEqual([400, 'Missing From']);
    expect(f.message?.topVia.host).toBe('192.0.2.95');
    expect(f.message?.from().valid).toBe(false);
    expect(f.message?.cseq()).toEqual({ seq: 193942, method: 'INVITE' });
  });

  it('unkscm: an unknown Request-URI scheme parses as scheme other, for the caller to answer 416 (3.3.2)', () => {
    const r = parsed(F.unkscm).ruri();
    expect(r.scheme).toBe('other');
    expect(r.schemeName).toBe('nobodyknowsthisscheme');
    expect(r.host).toBe('');
    expect(r.text()).toBe('nobodyKnowsThisScheme:totallyopaquecontent');
  });

  it('novelsc: a scheme with a dot parses as other (3.3.3)', () => {
    const r = parsed(F.novelsc).ruri();
    expect([r.scheme, r.schemeName]).toEqual(['other', 'soap.beep']);
  });

  it('unksm2: unknown schemes in To, From and Contact parse (3.3.4)', () => {
    const m = parsed(F.unksm2);
    expect([m.to().uri().scheme, m.to().uri().schemeName]).toEqual(['other', 'isbn']);
    expect(m.from().uri().schemeName).toBe('http');
    expect(m.from().tag()).toBe('3234233');
    expect(m.contacts()[0].uri().schemeName).toBe('name');
  });

  it('bext01: Require and Proxy-Require values are listed for the caller to answer 420 (3.3.5)', () => {
    const m = parsed(F.bext01);
    expect(m.headerValues(H.Require)).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(m.headerValues('proxy-require')).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
    expect(m.topVia.transport).toBe('TLS');
  });

  it('regaut01: an unknown authorization scheme parses (3.3.7)', () => {
    const a = parsed(F.regaut01).authValues(H.Authorization);
    expect(a).toHaveLength(1);
    expect(a[0].scheme).toBe('NoOneKnowsThisScheme');
    expect(a[0].param('opaque-data')).toBe('here');
  });

  it('multi01: a second From in one request is 400 Multiple From (3.3.8)', () => {
    const f = refused(F.multi01);
    expect([f.status, f.reason]).toEqual([400, 'Multiple From']);
  });

  it('mcl01: conflicting Content-Length fields are 400 Multiple Content-Length (3.3.9)', () => {
    const f = refused(F.mcl01);
    expect([f.status, f.reason]).toEqual([400, 'Multiple Content-Length']);
  });

  it('bcast: a 200 OK with a broadcast second Via parses; the Via is there to see (3.3.10)', () => {
    const m = parsed(F.bcast);
    expect(m.vias()[1].host).toBe('255.255.255.255');
    expect(m.viaCount()).toBe(2);
  });

  it('zeromf: Max-Forwards 0 reads as 0, not absent (3.3.11)', () => {
    expect(parsed(F.zeromf).maxForwards()).toBe(0);
  });

  it('cparam01: after an addr-spec, ;unknownparam belongs to the Contact header (3.3.12)', () => {
    const c = parsed(F.cparam01).contacts()[0];
    expect(c.param('unknownparam')).toBeNull();
    expect(c.uri().param('unknownparam')).toBeUndefined();
    expect(c.uri().user).toBe('+19725552222');
  });

  it('cparam02: inside <>, ;unknownparam belongs to the URI (3.3.13)', () => {
    const c = parsed(F.cparam02).contacts()[0];
    expect(c.param('unknownparam')).toBeUndefined();
    expect(c.uri().param('unknownparam')).toBeNull();
  });

  it('regescrt: a Contact URI with an escaped Route header exposes it as URI headers (3.3.14)', () => {
    const c = parsed(F.regescrt).contacts()[0];
    expect(c.uri().headers).toBe('Route=%3Csip:sip.example.com%3E');
    expect(c.uri().host).toBe('example.com');
  });

  it('inv2543: RFC 2543 syntax (no branch, no From tag) parses (3.4.1)', () => {
    const m = parsed(F.inv2543);
    expect(m.topVia.branch).toBeNull();
    expect(m.from().tag()).toBeNull();
    expect(m.from().uri().param('user')).toBe('phone');
    expect(m.to().uri().param('user')).toBeUndefined();
    expect(m.to().param('user')).toBe('phone');
    expect(m.maxForwards()).toBe(-1);
    expect(m.recordRoutes()[0].uri().maddr()).toBe('ss1.example.com');
  });
});
