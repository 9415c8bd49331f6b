// StreamFramer: RFC 3261 §18.3 Content-Length framing on streams, §7.5 leading CRLFs, RFC 5626
// §4.4.1 CRLF keep-alives. Every expected message below is written out by hand.
import { describe, expect, it } from 'vitest';
import { StreamFramer } from '../../../../firmware/src/engine/transport/stream-framing';

const OPTIONS = 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n';
const MESSAGE =
  'MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\nContent-Type: text/plain\r\n' +
  'Content-Length: 11\r\n\r\nhello\r\n\r\nyo';

interface Harness {
  framer: StreamFramer;
  events: string[];
  push(text: string): void;
}

function harness(maxMessageBytes = 65535): Harness {
  const events: string[] = [];
  const framer = new StreamFramer({
    maxMessageBytes,
    // The bytes are valid only during the call: take a copy (here, as text).
    onMessage: (buf, start, end) => events.push(`msg:${buf.toString('latin1', start, end)}`),
    onKeepAlive: (kind) => events.push(kind),
    onError: (reason) => events.push(`error:${reason}`),
  });
  // Pushes through one reused buffer, then scribbles over it, as the shared read buffer would be.
  const shared = Buffer.alloc(4096);
  const push = (text: string): void => {
    const n = shared.write(text, 32, 'latin1');
    framer.push(shared, 32, 32 + n);
    shared.fill(0x58);
  };
  return { framer, events, push };
}

describe('StreamFramer message boundaries (RFC 3261 §18.3)', () => {
  it('delivers a message whose body is delimited by Content-Length, CRLFs in the body included', () => {
    const h = harness();
    h.push(MESSAGE);
    expect(h.events).toEqual([`msg:${MESSAGE}`]);
    expect(h.framer.bufferedBytes).toBe(0);
  });

  it('splits several messages packed into one read', () => {
    const h = harness();
    h.push(OPTIONS + MESSAGE + OPTIONS);
    expect(h.events).toEqual([`msg:${OPTIONS}`, `msg:${MESSAGE}`, `msg:${OPTIONS}`]);
  });

  it('reassembles the same two messages whatever two places the stream is cut at', () => {
    const stream = MESSAGE + OPTIONS;
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j += 7) {
        const h = harness();
        h.push(stream.slice(0, i));
        h.push(stream.slice(i, j));
        h.push(stream.slice(j));
        expect(h.events, `cuts at ${i} and ${j}`).toEqual([`msg:${MESSAGE}`, `msg:${OPTIONS}`]);
      }
    }
  });

  it('reassembles a message fed one byte at a time', () => {
    const h = harness();
    for (const ch of MESSAGE + OPTIONS) h.push(ch);
    expect(h.events).toEqual([`msg:${MESSAGE}`, `msg:${OPTIONS}`]);
  });

  it('hands over a message that ends exactly at the end of a read and keeps nothing', () => {
    const h = harness();
    h.push(MESSAGE.slice(0, 50));
    expect(h.framer.bufferedBytes).toBe(50);
    h.push(MESSAGE.slice(50));
    expect(h.events).toEqual([`msg:${MESSAGE}`]);
    expect(h.framer.bufferedBytes).toBe(0);
  });

  it('accepts bare LF line ends, as tolerant stacks do', () => {
    const h = harness();
    h.push('OPTIONS sip:x SIP/2.0\nl: 2\n\nabOPTIONS sip:y SIP/2.0\n\n');
    expect(h.events).toEqual(['msg:OPTIONS sip:x SIP/2.0\nl: 2\n\nab', 'msg:OPTIONS sip:y SIP/2.0\n\n']);
  });
});

describe('StreamFramer Content-Length (RFC 3261 §7.3.1, §7.3.3, §20.14)', () => {
  const cases: Array<[string, string]> = [
    ['compact form l', 'l: 3'],
    ['upper case name', 'CONTENT-LENGTH: 3'],
    ['mixed case compact form', 'L:3'],
    ['whitespace before the colon', 'Content-Length \t : 3'],
    ['value folded onto the next line', 'Content-Length:\r\n   3'],
    ['trailing whitespace', 'Content-Length: 3  '],
    ['leading zeros', 'Content-Length: 0003'],
  ];
  for (const [name, header] of cases) {
    it(`reads a body length written with ${name}`, () => {
      const h = harness();
      const msg = `INFO sip:a SIP/2.0\r\n${header}\r\nX: y\r\n\r\nabc`;
      h.push(`${msg}${OPTIONS}`);
      expect(h.events).toEqual([`msg:${msg}`, `msg:${OPTIONS}`]);
    });
  }

  it('does not take look-alike header names or the start line for Content-Length', () => {
    const h = harness();
    const msg = 'INFO sip:l:9@a SIP/2.0\r\nl-x: 9\r\nLx: 9\r\nContent-Lengthy: 9\r\nSubject:\r\n l: 9\r\nl: 1\r\n\r\nZ';
    h.push(msg + OPTIONS);
    expect(h.events).toEqual([`msg:${msg}`, `msg:${OPTIONS}`]);
  });

  it('treats a missing Content-Length as an empty body (tolerated although §20.14 requires it)', () => {
    const h = harness();
    h.push('OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n' + OPTIONS);
    expect(h.events).toEqual(['msg:OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n', `msg:${OPTIONS}`]);
  });

  it('accepts the same Content-Length given twice', () => {
    const h = harness();
    const msg = 'INFO sip:a SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n\r\nZ';
    h.push(msg);
    expect(h.events).toEqual([`msg:${msg}`]);
  });

  const bad: Array<[string, string, string]> = [
    ['a non-numeric value', 'Content-Length: abc', 'Content-Length is not a number'],
    ['digits followed by junk', 'Content-Length: 12abc', 'Content-Length is not a number'],
    ['an empty value', 'Content-Length:  ', 'Content-Length is not a number'],
    ['a negative value', 'l: -1', 'Content-Length is not a number'],
    ['a value too big for any number', 'l: 99999999999999999999999999999999', 'Content-Length exceeds maxMessageBytes'],
    ['a value above maxMessageBytes', 'l: 65536', 'Content-Length exceeds maxMessageBytes'],
    ['two different values', 'l: 1\r\nContent-Length: 2', 'conflicting Content-Length headers'],
  ];
  for (const [name, header, reason] of bad) {
    it(`reports ${name} as an error and ignores everything after`, () => {
      const h = harness();
      h.push(`INFO sip:a SIP/2.0\r\n${header}\r\n\r\nab`);
      h.push(OPTIONS);
      expect(h.events).toEqual([`error:${reason}`]);
    });
  }
});

describe('StreamFramer bounds', () => {
  it('errors when more than maxMessageBytes of header arrive without the empty line', () => {
    const h = harness(100);
    h.push('INFO sip:a SIP/2.0\r\n');
    h.push('X: '.padEnd(80, 'a')); // 20 + 80 = 100 bytes: still allowed
    expect(h.events).toEqual([]);
    h.push('a');
    expect(h.events).toEqual(['error:header exceeds maxMessageBytes']);
    expect(h.framer.bufferedBytes).toBe(0);
  });

  it('errors when header plus Content-Length exceed maxMessageBytes', () => {
    const h = harness(100);
    h.push('INFO sip:a SIP/2.0\r\nl: 72\r\n\r\n'); // 29 + 72 > 100
    expect(h.events).toEqual(['error:message exceeds maxMessageBytes']);
  });

  it('takes a message of exactly maxMessageBytes', () => {
    const h = harness(100);
    const msg = 'INFO sip:a SIP/2.0\r\nl: 71\r\n\r\n'.padEnd(100, 'b'); // 29 + 71
    h.push(msg.slice(0, 10));
    h.push(msg.slice(10));
    expect(h.events).toEqual([`msg:${msg}`]);
  });

  it('stays linear: a 512 KiB header fed a byte at a time is framed without rescanning', () => {
    const lengths: number[] = [];
    const framer = new StreamFramer({
      maxMessageBytes: 1024 * 1024,
      onMessage: (_buf, start, end) => lengths.push(end - start),
      onKeepAlive: () => lengths.push(-1),
      onError: () => lengths.push(-2),
    });
    const line = Buffer.from(`X-Padding: ${'a'.repeat(51)}\r\n`, 'latin1'); // 64 bytes
    const oneByte = Buffer.alloc(1);
    const feed = (bytes: Buffer): void => {
      for (let i = 0; i < bytes.length; i++) {
        oneByte[0] = bytes[i];
        framer.push(oneByte, 0, 1);
      }
    };
    feed(Buffer.from('INFO sip:a SIP/2.0\r\n'));
    for (let i = 0; i < 8192; i++) feed(line);
    feed(Buffer.from('\r\n'));
    expect(lengths).toEqual([20 + 8192 * 64 + 2]);
  }, 20_000);
});

describe('StreamFramer keep-alives (RFC 5626 §4.4.1) and leading CRLFs (RFC 3261 §7.5)', () => {
  it('reports a double CRLF as a ping', () => {
    const h = harness();
    h.push('\r\n\r\n');
    expect(h.events).toEqual(['ping']);
  });

  it('reports a lone CRLF as a pong at the end of the read', () => {
    const h = harness();
    h.push('\r\n');
    expect(h.events).toEqual(['pong']);
  });

  it('reports two pings for four CRLFs and a ping then a pong for three', () => {
    const h = harness();
    h.push('\r\n\r\n\r\n\r\n');
    h.push(OPTIONS);
    h.push('\r\n\r\n\r\n');
    expect(h.events).toEqual(['ping', 'ping', `msg:${OPTIONS}`, 'ping', 'pong']);
  });

  it('still sees a ping whose two CRLFs arrive in separate reads (the first half counts as a pong)', () => {
    const h = harness();
    h.push('\r\n');
    h.push('\r\n');
    expect(h.events).toEqual(['pong', 'ping']);
  });

  it('sees a ping cut inside a CRLF', () => {
    const h = harness();
    h.push('\r');
    h.push('\n\r');
    h.push('\n');
    expect(h.events).toEqual(['pong', 'ping']);
  });

  it('skips CRLFs before a message and between messages', () => {
    const h = harness();
    h.push(`\r\n\r\n${OPTIONS}\r\n${MESSAGE}`);
    expect(h.events).toEqual(['ping', `msg:${OPTIONS}`, 'pong', `msg:${MESSAGE}`]);
  });

  it('reports a pong only once when the next read starts the message', () => {
    const h = harness();
    h.push('\r\n');
    h.push(OPTIONS);
    expect(h.events).toEqual(['pong', `msg:${OPTIONS}`]);
  });
});
