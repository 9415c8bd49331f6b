// consumeCredentials (RFC 3261 §22.3, Kamailio consume_credentials): our Proxy-Authorization is
// removed before relaying, other realms' credentials and Authorization stay.
import { describe, expect, it } from 'vitest';
import { EditList } from '../../../../firmware/src/engine/sip/edits';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { sip } from '../../../fixtures/sip/text';
import { REALM, makeAuth } from './helpers';

const HEAD = [
  'INVITE sip:2002@sipbox.test SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-c1',
  'Max-Forwards: 70',
  'From: <sip:2001@sipbox.test>;tag=a1',
  'To: <sip:2002@sipbox.test>',
  'Call-ID: consume-1@192.0.2.10',
  'CSeq: 1 INVITE',
];
const OURS = 'Proxy-Authorization: Digest username="2001", realm="sipbox.test", nonce="n1", uri="sip:2002@sipbox.test", response="00"';
const OURS_FOLDED = 'Proxy-Authorization: Digest username="2001",\r\n realm="sipbox.test", nonce="n2", uri="sip:2002@sipbox.test", response="00"';
const THEIRS = 'Proxy-Authorization: Digest username="trunk", realm="carrier.example", nonce="x", uri="sip:2002@sipbox.test", response="11"';
const UA = 'Authorization: Digest username="2001", realm="sipbox.test", nonce="n3", uri="sip:2002@sipbox.test", response="22"';

function parsed(lines: readonly string[]): SipMessage {
  const buf = sip(lines);
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(`${m.status} ${m.reason}`);
  return m;
}

function consumed(msg: SipMessage, realm: string): string {
  const { auth } = makeAuth();
  const edits = new EditList();
  edits.reset(msg);
  auth.api.consumeCredentials(edits, msg, realm);
  const out = Buffer.alloc(edits.resultLength());
  edits.apply(out, 0);
  return out.toString('utf8');
}

describe('consumeCredentials', () => {
  it('deletes the Proxy-Authorization line for our realm, keeps another realm\'s and Authorization', () => {
    const msg = parsed([...HEAD, THEIRS, OURS, UA, 'Content-Length: 0']);
    expect(consumed(msg, REALM)).toBe([...HEAD, THEIRS, UA, 'Content-Length: 0'].join('\r\n') + '\r\n\r\n');
  });

  it('deletes a folded line whole and every value for our realm', () => {
    const msg = parsed([...HEAD, OURS_FOLDED, THEIRS, OURS, 'Content-Length: 0']);
    expect(consumed(msg, REALM)).toBe([...HEAD, THEIRS, 'Content-Length: 0'].join('\r\n') + '\r\n\r\n');
  });

  it('changes nothing when no credentials are for our realm', () => {
    const msg = parsed([...HEAD, THEIRS, 'Content-Length: 0']);
    expect(consumed(msg, REALM)).toBe(msg.text());
    expect(consumed(msg, 'SIPBOX.TEST')).toBe(msg.text());
  });
});
