// The fuzzer's seeds: valid SIP messages written by hand (RFC 3261 §7, §20; RFC 3262 PRACK,
// RFC 3265 SUBSCRIBE/NOTIFY, RFC 3428 MESSAGE, RFC 3515 REFER). Every address is 127.0.0.1 and
// every explicit port is 9 (discard), so whatever the box answers or relays stays on loopback and
// reaches no other SIP service on this machine; top Vias carry rport, so answers come back to us.

export interface Seed {
  name: string;
  bytes: Buffer;
}

/** Start line and headers joined with CRLF, the empty line, the body; Content-Length counted. */
function msg(lines: readonly string[], body = ''): Buffer {
  const head = [...lines, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');
}

const SDP_OFFER =
  'v=0\r\n' +
  'o=1002 2890844526 2890844526 IN IP4 127.0.0.1\r\n' +
  's=-\r\n' +
  'c=IN IP4 127.0.0.1\r\n' +
  't=0 0\r\n' +
  'm=audio 9 RTP/AVP 0 8 101\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n' +
  'a=rtpmap:8 PCMA/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\n' +
  'a=fmtp:101 0-16\r\n' +
  'a=sendrecv\r\n';

const SDP_ANSWER =
  'v=0\r\n' +
  'o=1001 53655765 53655765 IN IP4 127.0.0.1\r\n' +
  's=-\r\n' +
  'c=IN IP4 127.0.0.1\r\n' +
  't=0 0\r\n' +
  'm=audio 9 RTP/AVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n';

const DIALOG = [
  'From: "Bob" <sip:1002@127.0.0.1>;tag=9fxced76sl',
  'To: "Alice" <sip:1001@127.0.0.1>;tag=314159',
  'Call-ID: 3848276298220188511@127.0.0.1',
];

export const CORPUS: readonly Seed[] = [
  {
    name: 'INVITE with SDP',
    bytes: msg([
      'INVITE sip:1001@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK74bf9;rport',
      'Max-Forwards: 70',
      'From: "Bob" <sip:1002@127.0.0.1>;tag=9fxced76sl',
      'To: "Alice" <sip:1001@127.0.0.1>',
      'Call-ID: 3848276298220188511@127.0.0.1',
      'CSeq: 1 INVITE',
      'Contact: <sip:1002@127.0.0.1:9;transport=udp>',
      'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE',
      'Supported: replaces, timer, 100rel',
      'User-Agent: fuzz-seed/1.0',
      'Content-Type: application/sdp',
    ], SDP_OFFER),
  },
  {
    name: 'REGISTER with Authorization',
    bytes: msg([
      'REGISTER sip:127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnashds7;rport',
      'Max-Forwards: 70',
      'From: <sip:1001@127.0.0.1>;tag=a73kszlfl',
      'To: <sip:1001@127.0.0.1>',
      'Call-ID: 1j9FpLxk3uxtm8tn@127.0.0.1',
      'CSeq: 2 REGISTER',
      'Contact: <sip:1001@127.0.0.1:9;transport=udp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
      'Authorization: Digest username="1001", realm="sipbox", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:127.0.0.1", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001',
      'Expires: 3600',
    ]),
  },
  {
    name: 'OPTIONS to the box',
    bytes: msg([
      'OPTIONS sip:127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKhjhs8ass877;rport',
      'Max-Forwards: 70',
      'From: <sip:carol@127.0.0.1>;tag=1928301774',
      'To: <sip:127.0.0.1>',
      'Call-ID: a84b4c76e66710@127.0.0.1',
      'CSeq: 63104 OPTIONS',
      'Accept: application/sdp',
    ]),
  },
  {
    name: 'BYE with Route',
    bytes: msg([
      'BYE sip:1001@127.0.0.1:9;transport=udp SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnashds10;rport',
      'Max-Forwards: 70',
      'Route: <sip:127.0.0.1;lr>, <sip:127.0.0.1;transport=tcp;lr>',
      ...DIALOG,
      'CSeq: 2 BYE',
    ]),
  },
  {
    name: 'CANCEL',
    bytes: msg([
      'CANCEL sip:1001@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK74bf9;rport',
      'Max-Forwards: 70',
      'From: "Bob" <sip:1002@127.0.0.1>;tag=9fxced76sl',
      'To: "Alice" <sip:1001@127.0.0.1>',
      'Call-ID: 3848276298220188511@127.0.0.1',
      'CSeq: 1 CANCEL',
    ]),
  },
  {
    name: 'ACK',
    bytes: msg([
      'ACK sip:1001@127.0.0.1:9 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK74bfa;rport',
      'Max-Forwards: 70',
      'Route: <sip:127.0.0.1;lr>',
      ...DIALOG,
      'CSeq: 1 ACK',
    ]),
  },
  {
    name: '200 OK to INVITE',
    bytes: msg([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbox1;rport=9;received=127.0.0.1',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK74bf9;rport=9',
      'Record-Route: <sip:127.0.0.1;transport=tcp;lr>, <sip:127.0.0.1;lr>',
      ...DIALOG,
      'CSeq: 1 INVITE',
      'Contact: <sip:1001@127.0.0.1:9>',
      'Content-Type: application/sdp',
    ], SDP_ANSWER),
  },
  {
    name: '180 Ringing',
    bytes: msg([
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK74bf9;rport=9',
      ...DIALOG,
      'CSeq: 1 INVITE',
      'Contact: <sip:1001@127.0.0.1:9>',
    ]),
  },
  {
    name: '486 Busy Here',
    bytes: msg([
      'SIP/2.0 486 Busy Here',
      'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbox2',
      'Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK74bf9',
      ...DIALOG,
      'CSeq: 1 INVITE',
      'Retry-After: 60',
    ]),
  },
  {
    name: 'MESSAGE',
    bytes: msg([
      'MESSAGE sip:1001@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK776sgdkse;rport',
      'Max-Forwards: 70',
      'From: sip:1002@127.0.0.1;tag=49583',
      'To: sip:1001@127.0.0.1',
      'Call-ID: asd88asd77a@127.0.0.1',
      'CSeq: 1 MESSAGE',
      'Content-Type: text/plain;charset=utf-8',
    ], 'Watson, come here.'),
  },
  {
    name: 'SUBSCRIBE with Event and Expires',
    bytes: msg([
      'SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0',
      'v: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKsub1;rport',
      'Max-Forwards: 70',
      'f: <sip:1002@127.0.0.1>;tag=sub-1',
      't: <sip:1001@127.0.0.1>',
      'i: sub-1@127.0.0.1',
      'CSeq: 7 SUBSCRIBE',
      'o: presence',
      'Accept: application/pidf+xml, application/xpidf+xml',
      'Expires: 600',
      'm: <sip:1002@127.0.0.1:9>',
    ]),
  },
  {
    name: 'PRACK with RAck',
    bytes: msg([
      'PRACK sip:1001@127.0.0.1:9 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKprack1;rport',
      'Max-Forwards: 70',
      ...DIALOG,
      'CSeq: 2 PRACK',
      'RAck: 776656 1 INVITE',
      'Route: <sip:127.0.0.1;lr>',
    ]),
  },
  {
    name: 'REFER with Refer-To',
    bytes: msg([
      'REFER sip:1001@127.0.0.1:9 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKrefer1;rport',
      'Max-Forwards: 70',
      ...DIALOG,
      'CSeq: 3 REFER',
      'Refer-To: <sip:1003@127.0.0.1?Replaces=12345%40127.0.0.1%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>',
      'Referred-By: <sip:1002@127.0.0.1>',
      'Contact: <sip:1002@127.0.0.1:9>',
    ]),
  },
  {
    name: '100 Trying to nothing',
    bytes: msg([
      'SIP/2.0 100 Trying',
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnothing;rport=9',
      'From: <sip:1002@127.0.0.1>;tag=x1',
      'To: <sip:1001@127.0.0.1>',
      'Call-ID: nothing@127.0.0.1',
      'CSeq: 1 INVITE',
    ]),
  },
];
