// EditList: edits at offsets of the received bytes, applied once in offset order.
import { describe, expect, it } from 'vitest';
import { EditList } from '../../../../firmware/src/engine/sip/edits';
import { parseMessage, type SipMessage } from '../../../../firmware/src/engine/sip/message';
import { sip } from '../../../fixtures/sip/text';

const BASE = sip([
  'BYE sip:bob@192.0.2.4 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKe',
  'From: <sip:alice@example.com>;tag=1',
  'To: <sip:bob@example.com>;tag=2',
  'Call-ID: edits@192.0.2.1',
  'CSeq: 2 BYE',
  'Content-Length: 0',
]);

function message(buf = BASE): SipMessage {
  const m = parseMessage(buf, 0, buf.length);
  if (!m.ok) throw new Error(m.reason);
  return m;
}

function applied(e: EditList, size = 2048): string {
  const out = Buffer.alloc(size);
  const n = e.apply(out, 0);
  if (n < 0) throw new Error('did not fit');
  return out.toString('utf8', 0, n);
}

const TEXT = BASE.toString('latin1');

describe('EditList', () => {
  it('copies the message verbatim when there are no edits', () => {
    const e = new EditList();
    e.reset(message());
    expect(e.resultLength()).toBe(BASE.length);
    expect(applied(e)).toBe(TEXT);
  });

  it('inserts, replaces and deletes, whatever order they were added in', () => {
    const m = message();
    const e = new EditList();
    e.reset(m);
    const cseq = TEXT.indexOf('2 BYE');
    const callId = TEXT.indexOf('Call-ID:');
    e.replace(cseq, cseq + 1, '3');
    e.delete(callId, TEXT.indexOf('CSeq:'));
    e.insert(0, 'X');
    e.insert(m.headersStart, 'Max-Forwards: 70\r\n');
    const expected = 'X' + TEXT.slice(0, m.headersStart) + 'Max-Forwards: 70\r\n' + TEXT.slice(m.headersStart, callId) + TEXT.slice(TEXT.indexOf('CSeq:'), cseq) + '3' + TEXT.slice(cseq + 1);
    expect(applied(e)).toBe(expected);
    expect(e.resultLength()).toBe(Buffer.byteLength(expected));
  });

  it('keeps insertion order for several inserts at one offset, before a replace starting there', () => {
    const e = new EditList();
    e.reset(message());
    e.replace(0, 3, 'ACK');
    e.insert(0, 'b');
    e.insert(0, 'a');
    expect(applied(e).slice(0, 6)).toBe('baACK ');
  });

  it('accepts adjacent ranges and an insert at the end of a deleted range', () => {
    const e = new EditList();
    e.reset(message());
    e.delete(0, 3);
    e.replace(3, 4, '_');
    e.insert(3, '+');
    e.insert(BASE.length, 'tail');
    expect(applied(e)).toBe('+_' + TEXT.slice(4) + 'tail');
  });

  it('writes UTF-8 strings and Buffers as bytes', () => {
    const e = new EditList();
    e.reset(message());
    e.insert(0, 'é');
    e.insert(0, Buffer.from([0xff]));
    const out = Buffer.alloc(4096);
    const n = e.apply(out, 10);
    expect(n).toBe(BASE.length + 3);
    expect([...out.subarray(10, 13)]).toEqual([0xc3, 0xa9, 0xff]);
    expect(out.subarray(13, 10 + n).toString('latin1')).toBe(TEXT);
  });

  it('throws on overlapping ranges and on an insert strictly inside a replaced range (programmer errors)', () => {
    const e = new EditList();
    e.reset(message());
    e.delete(0, 10);
    e.delete(5, 12);
    expect(() => e.apply(Buffer.alloc(4096), 0)).toThrow(RangeError);
    e.reset(message());
    e.replace(0, 10, 'x');
    e.insert(4, 'y');
    expect(() => e.resultLength()).toThrow(RangeError);
    e.reset(message());
    e.delete(2, 4);
    e.delete(2, 4);
    expect(() => e.apply(Buffer.alloc(4096), 0)).toThrow(RangeError);
  });

  it('throws on ranges outside the message or reversed', () => {
    const e = new EditList();
    e.reset(message());
    expect(() => e.insert(BASE.length + 1, 'x')).toThrow(RangeError);
    expect(() => e.delete(5, 4)).toThrow(RangeError);
    expect(() => e.replace(-1, 2, 'x')).toThrow(RangeError);
  });

  it('returns -1 and writes nothing when the result does not fit', () => {
    const e = new EditList();
    e.reset(message());
    e.insert(0, 'more');
    const out = Buffer.alloc(BASE.length + 3, 0x2e);
    expect(e.apply(out, 0)).toBe(-1);
    expect(out.every((b) => b === 0x2e)).toBe(true);
    expect(e.apply(Buffer.alloc(BASE.length + 4), 0)).toBe(BASE.length + 4);
  });

  it('is reused across messages: reset forgets previous edits', () => {
    const e = new EditList();
    e.reset(message());
    e.insert(0, 'junk');
    e.reset(message());
    expect(e.size).toBe(0);
    expect(applied(e)).toBe(TEXT);
  });

  it('covers only the message bytes: leading CRLFs and bytes past Content-Length are not copied', () => {
    const buf = Buffer.concat([Buffer.from('\r\n\r\n'), BASE, Buffer.from('trailing junk')]);
    const e = new EditList();
    e.reset(message(buf));
    expect(applied(e)).toBe(TEXT);
  });
});
