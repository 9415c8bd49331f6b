// Typical messages for the engine benchmarks: what a phone sends in a call set-up and a
// registration (sizes as seen from real phones: 400-1,100 bytes).
const crlf = (lines: string[]): string => lines.join('\r\n');

const sdp = crlf([
  'v=0', 'o=- 3912881431 3912881431 IN IP4 192.168.1.20', 's=call', 'c=IN IP4 192.168.1.20', 't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv', '',
]);

export const INVITE = crlf([
  'INVITE sip:1002@192.168.1.1 SIP/2.0',
  'Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-524287-1---4f1a2b3c4d5e6f70;rport',
  'Max-Forwards: 70',
  'Contact: <sip:1001@192.168.1.20:5060;transport=UDP>',
  'To: <sip:1002@192.168.1.1>',
  'From: "Alice" <sip:1001@192.168.1.1>;tag=8d2a6c11',
  'Call-ID: 6f0d1d0c9a1b4e2f8c3d5e7a9b1c3d5e@192.168.1.20',
  'CSeq: 2 INVITE',
  'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE',
  'Content-Type: application/sdp',
  'Proxy-Authorization: Digest username="1001",realm="sipbox",nonce="5f1e2d3c4b5a69788796a5b4c3d2e1f0",uri="sip:1002@192.168.1.1",response="0123456789abcdef0123456789abcdef",algorithm=MD5,cnonce="a1b2c3d4",qop=auth,nc=00000001',
  'Supported: replaces, norefersub, timer',
  'User-Agent: Yealink SIP-T46S 66.86.0.15',
  'Allow-Events: talk, hold, conference, refer, check-sync',
  `Content-Length: ${Buffer.byteLength(sdp)}`,
  '',
  sdp,
]);

export const REGISTER = crlf([
  'REGISTER sip:192.168.1.1 SIP/2.0',
  'Via: SIP/2.0/UDP 192.168.1.21:5060;branch=z9hG4bK1849473929;rport',
  'From: "Bob" <sip:1002@192.168.1.1>;tag=1593392853',
  'To: "Bob" <sip:1002@192.168.1.1>',
  'Call-ID: 0_2958741651@192.168.1.21',
  'CSeq: 3 REGISTER',
  'Contact: <sip:1002@192.168.1.21:5060>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-001565abcdef>"',
  'Authorization: Digest username="1002", realm="sipbox", nonce="5f1e2d3c4b5a69788796a5b4c3d2e1f0", uri="sip:192.168.1.1", response="fedcba9876543210fedcba9876543210", algorithm=MD5',
  'Max-Forwards: 70',
  'User-Agent: Grandstream GXP2170 1.0.11.23',
  'Expires: 3600',
  'Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, REFER, UPDATE',
  'Content-Length: 0',
  '', '',
]);

export const OK_200 = crlf([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bKsb.0a1b2c3d4e5f60718293',
  'Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-524287-1---4f1a2b3c4d5e6f70;rport=5060;received=192.168.1.20',
  'Record-Route: <sip:192.168.1.1;lr>',
  'Contact: <sip:1002@192.168.1.21:5060>',
  'To: <sip:1002@192.168.1.1>;tag=1787368474',
  'From: "Alice" <sip:1001@192.168.1.1>;tag=8d2a6c11',
  'Call-ID: 6f0d1d0c9a1b4e2f8c3d5e7a9b1c3d5e@192.168.1.20',
  'CSeq: 2 INVITE',
  'Supported: replaces, timer',
  'Content-Type: application/sdp',
  'Server: Grandstream GXP2170 1.0.11.23',
  `Content-Length: ${Buffer.byteLength(sdp)}`,
  '',
  sdp,
]);

export const ALL = { INVITE, REGISTER, OK_200 };
