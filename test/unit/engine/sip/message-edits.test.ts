// Proxy edits on a received message (RFC 3261 §16.6, §16.7, §18.2.1; RFC 3581 §4), checked
// against hand-written expected messages.
import { describe, expect, it } from 'vitest';
import { EditList } from '../../../../firmware/src/engine/sip/edits';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import {
  addTopVia, addViaReceived, insertHeader, removeFirstRoute, removeTopVia, replaceBody, sameAddress, setMaxForwards, setRequestUri,
} from '../../../../firmware/src/engine/sip/message-edits';

function msg(text: string): SipMessage {
  const b = Buffer.from(text);
  const m = parseMessage(b, 0, b.length);
  if (!m.ok) throw new Error(m.reason);
  return m;
}

function edit(text: string, f: (e: EditList, m: SipMessage) => void): string {
  const m = msg(text);
  const e = new EditList();
  e.reset(m);
  f(e, m);
  const out = Buffer.alloc(4096);
  return out.toString('utf8', 0, e.apply(out, 0));
}

const REST = 'From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n';

const INVITE =
  'INVITE sip:b@example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKa;rport\r\n' +
  'Max-Forwards: 70\r\n' +
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n' +
  REST +
  'Content-Length: 0\r\n\r\n';

describe('message edits', () => {
  it('addTopVia inserts a Via line first (16.6 step 8)', () => {
    expect(edit(INVITE, (e, m) => addTopVia(e, m, 'SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKnew'))).toBe(
      'INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKnew\r\n' + INVITE.slice(34),
    );
  });

  it('removeTopVia deletes the line when the Via is alone on it', () => {
    const text = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\n' + REST + 'l: 0\r\n\r\n';
    expect(edit(text, (e, m) => removeTopVia(e, m))).toBe(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\n' + REST + 'l: 0\r\n\r\n',
    );
  });

  it('removeTopVia deletes only the first value of a multi-value line, folded or not (16.7 step 3)', () => {
    const text = 'SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1 ,\r\n SIP/2.0/UDP b;branch=z9hG4bK2\r\n' + REST + 'l: 0\r\n\r\n';
    expect(edit(text, (e, m) => removeTopVia(e, m))).toBe(
      'SIP/2.0 200 OK\r\nv: SIP/2.0/UDP b;branch=z9hG4bK2\r\n' + REST + 'l: 0\r\n\r\n',
    );
  });

  it('addViaReceived fills rport and adds received even when the host matches (RFC 3581 4)', () => {
    const text = INVITE.replace('10.0.0.2:5060', '203.0.113.5:5060');
    expect(edit(text, (e, m) => addViaReceived(e, m, '203.0.113.5', 40000))).toBe(
      text.replace(';rport\r\n', ';rport=40000;received=203.0.113.5\r\n'),
    );
  });

  it('addViaReceived adds received when the sent-by host differs (18.2.1), rport left alone when absent', () => {
    const text = INVITE.replace(';rport', ';ttl=1');
    expect(edit(text, (e, m) => addViaReceived(e, m, '198.51.100.7', 5060))).toBe(
      text.replace(';ttl=1\r\n', ';ttl=1;received=198.51.100.7\r\n'),
    );
  });

  it('addViaReceived changes nothing when the host matches and there is no rport', () => {
    const text = INVITE.replace(';rport', '');
    let changed = true;
    expect(edit(text, (e, m) => { changed = addViaReceived(e, m, '10.0.0.2', 5060); })).toBe(text);
    expect(changed).toBe(false);
  });

  it('addViaReceived replaces a stale received and a wrong rport value wherever they sit', () => {
    const text = INVITE.replace(';branch=z9hG4bKa;rport', ';received=1.1.1.1;rport=1;branch=z9hG4bKa');
    expect(edit(text, (e, m) => addViaReceived(e, m, '198.51.100.7', 5070))).toBe(
      text.replace(';received=1.1.1.1;rport=1;branch=z9hG4bKa', ';rport=5070;branch=z9hG4bKa;received=198.51.100.7'),
    );
  });

  it('sameAddress: case-insensitive, and IPv4-mapped IPv6 equals its IPv4', () => {
    expect(sameAddress('2001:DB8::1', '2001:db8::1')).toBe(true);
    expect(sameAddress('192.0.2.1', '::ffff:192.0.2.1')).toBe(true);
    expect(sameAddress('192.0.2.1', '192.0.2.10')).toBe(false);
    expect(sameAddress('host.example.com', '192.0.2.1')).toBe(false);
  });

  it('setRequestUri replaces the Request-URI (16.6 step 2)', () => {
    expect(edit(INVITE, (e, m) => setRequestUri(e, m, 'sip:b@192.0.2.44:5062'))).toBe(
      INVITE.replace('INVITE sip:b@example.com SIP/2.0', 'INVITE sip:b@192.0.2.44:5062 SIP/2.0'),
    );
  });

  it('setMaxForwards replaces the value, or inserts the header when absent (16.6 step 3)', () => {
    expect(edit(INVITE, (e, m) => setMaxForwards(e, m, 69))).toBe(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 69'));
    const without = INVITE.replace('Max-Forwards: 70\r\n', '');
    expect(edit(without, (e, m) => setMaxForwards(e, m, 70))).toBe(
      without.replace('SIP/2.0\r\n', 'SIP/2.0\r\nMax-Forwards: 70\r\n'),
    );
  });

  it('removeFirstRoute removes the first value of a multi-value line, then a whole line (16.4)', () => {
    expect(edit(INVITE, (e, m) => removeFirstRoute(e, m))).toBe(
      INVITE.replace('Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Route: <sip:p2.example.com;lr>'),
    );
    const single = INVITE.replace(', <sip:p2.example.com;lr>', '');
    expect(edit(single, (e, m) => removeFirstRoute(e, m))).toBe(single.replace('Route: <sip:p1.example.com;lr>\r\n', ''));
    const none = INVITE.replace(/Route: [^\r]*\r\n/, '');
    let removed = true;
    expect(edit(none, (e, m) => { removed = removeFirstRoute(e, m); })).toBe(none);
    expect(removed).toBe(false);
  });

  it('insertHeader adds a line at the top or after the last Via line', () => {
    expect(edit(INVITE, (e, m) => insertHeader(e, m, 'Record-Route: <sip:192.0.2.9;lr>'))).toBe(
      INVITE.replace('SIP/2.0\r\n', 'SIP/2.0\r\nRecord-Route: <sip:192.0.2.9;lr>\r\n'),
    );
    expect(edit(INVITE, (e, m) => insertHeader(e, m, 'X-After: 1', 'afterVias'))).toBe(
      INVITE.replace('rport\r\n', 'rport\r\nX-After: 1\r\n'),
    );
  });

  it('a proxy forward: new Via, Max-Forwards down, first Route removed, all at once', () => {
    expect(
      edit(INVITE, (e, m) => {
        addTopVia(e, m, 'SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKp');
        setMaxForwards(e, m, 69);
        removeFirstRoute(e, m);
        addViaReceived(e, m, '10.0.0.2', 5060);
      }),
    ).toBe(
      'INVITE sip:b@example.com SIP/2.0\r\n' +
        'Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKp\r\n' +
        'Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKa;rport=5060;received=10.0.0.2\r\n' +
        'Max-Forwards: 69\r\n' +
        'Route: <sip:p2.example.com;lr>\r\n' +
        REST +
        'Content-Length: 0\r\n\r\n',
    );
  });

  it('replaceBody swaps the body and fixes Content-Length and Content-Type', () => {
    const text = INVITE.replace('Content-Length: 0\r\n\r\n', 'Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc');
    expect(edit(text, (e, m) => replaceBody(e, m, 'v=0\r\n', 'application/sdp'))).toBe(
      text.replace('text/plain', 'application/sdp').replace('Content-Length: 3\r\n\r\nabc', 'Content-Length: 5\r\n\r\nv=0\r\n'),
    );
  });

  it('replaceBody adds Content-Length and Content-Type lines when absent', () => {
    const text = INVITE.replace('Content-Length: 0\r\n', '');
    expect(edit(text, (e, m) => replaceBody(e, m, Buffer.from('é!'), 'text/plain'))).toBe(
      text.replace('CSeq: 1 INVITE\r\n\r\n', 'CSeq: 1 INVITE\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\né!'),
    );
  });
});
