// The nastiest single inputs, written by hand: each aims at a loop that could go quadratic or
// block the event loop (header index, Via list, quoted strings, URI parameters, folding §7.3.1,
// Content-Length §20.14, TCP framing §18.3 and keep-alives RFC 5626 §4.4.1). Each is sent alone and
// the box must answer an OPTIONS within a bound right after (fuzz.test.ts).
import type { FuzzInput, TcpMode } from './inputs';
import { defuseForeignAddresses } from './loopback-guard';

export interface Nasty {
  name: string;
  input: FuzzInput;
}

/** Fills a UDP datagram almost to the IPv4 maximum (65,507), leaving room for the rest of the message. */
const UDP_FILL = 63_000;

function request(method: string, ruri: string, extra: readonly string[], body = '', proto = 'UDP'): string {
  return [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/${proto} 127.0.0.1:9;branch=z9hG4bKnasty;rport`,
    'Max-Forwards: 70',
    'From: <sip:1002@127.0.0.1>;tag=nasty',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: nasty@127.0.0.1',
    `CSeq: 1 ${method}`,
    ...extra,
    `Content-Length: ${body.length}`,
  ].join('\r\n') + '\r\n\r\n' + body;
}

/** `unit` repeated to about `chars` characters. */
const fill = (unit: string, chars: number): string => unit.repeat(Math.floor(chars / unit.length));

function udp(name: string, text: string): Nasty {
  return nasty(name, 'udp', 'whole', text, []);
}

function tcp(name: string, text: string, mode: TcpMode = 'whole', cuts: number[] = []): Nasty {
  return nasty(name, 'tcp', mode, text, cuts);
}

function nasty(name: string, proto: 'udp' | 'tcp', mode: TcpMode, text: string, cuts: number[]): Nasty {
  const bytes = Buffer.from(text, 'latin1');
  defuseForeignAddresses(bytes);
  return { name, input: { index: -1, proto, bytes, cuts, mode, close: 'end', label: name } };
}

/** Evenly spaced write boundaries: `n` writes over `length` bytes. */
const evenCuts = (length: number, n: number): number[] => Array.from({ length: n - 1 }, (_, i) => Math.floor(((i + 1) * length) / n));

const tinyVias = (n: number): string[] => new Array<string>(n).fill('v:SIP/2.0/UDP a');

const options = (extra: readonly string[], body = '', proto = 'UDP'): string => request('OPTIONS', 'sip:127.0.0.1', extra, body, proto);
const invite = (extra: readonly string[], body = ''): string => request('INVITE', 'sip:1001@127.0.0.1', extra, body);

export function nastiest(): Nasty[] {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n' + fill('a=rtpmap:0 PCMU/8000\r\n', UDP_FILL - 200);
  const smallOptions = (n: number): string => [
    'OPTIONS sip:127.0.0.1 SIP/2.0', `Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKpack${n}`, 'Max-Forwards: 70',
    `From: <sip:p@127.0.0.1>;tag=p${n}`, 'To: <sip:127.0.0.1>', `Call-ID: pack${n}@127.0.0.1`, `CSeq: ${n} OPTIONS`, 'Content-Length: 0',
  ].join('\r\n') + '\r\n\r\n';
  const packed = Array.from({ length: 500 }, (_, n) => smallOptions(n)).join('');
  const slowBody = request('MESSAGE', 'sip:1001@127.0.0.1', ['Content-Type: text/plain'], fill('b', 60_000), 'TCP');
  const bytewise = invite(['Contact: <sip:1002@127.0.0.1:9>', 'Content-Type: application/sdp'], 'v=0\r\n');
  return [
    udp('64 KiB header value', options([`Subject: ${fill('a', UDP_FILL)}`])),
    tcp('10,000 tiny Vias over TCP', invite(tinyVias(10_000))),
    tcp('3,700 tiny Vias over TCP, under 64 KiB', invite(tinyVias(3_700))),
    udp('3,700 tiny Vias over UDP', invite(tinyVias(3_700))),
    udp('one Via header of 1,600 comma-separated values', invite([`Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK0${fill(',SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx', UDP_FILL)}`])),
    udp('display name of 30,000 escaped quotes', invite([`Contact: "${fill('\\"', 60_000)}" <sip:1002@127.0.0.1:9>`])),
    udp('30,000 nested angle brackets', invite([`Contact: ${fill('<', 30_000)}sip:1002@127.0.0.1${fill('>', 30_000)}`])),
    udp('Request-URI with 30,000 parameters', request('MESSAGE', `sip:1001@127.0.0.1${fill(';x', 60_000)}`, [])),
    udp('12,000 tiny headers', options(new Array<string>(12_000).fill('a:1'))),
    udp('5,000 conflicting Content-Length headers', options(Array.from({ length: 5_000 }, (_, i) => `l: ${i % 7}`))),
    udp('one header folded 15,000 times', options([`Subject: a${fill('\r\n a', 60_000)}`])),
    udp('INVITE with a 63 KB SDP body', invite(['Content-Type: application/sdp'], sdp)),
    udp('64 KiB of CRLF', fill('\r\n', 65_000)),
    tcp('256 KiB of CRLF keep-alive pings over TCP', fill('\r\n\r\n', 256 * 1024)),
    udp('Proxy-Authorization with 5,000 parameters', invite([`Proxy-Authorization: Digest username="1002", realm="sipbox", nonce="n", uri="sip:1001@127.0.0.1", response="00"${fill(', x="y"', 55_000)}`])),
    udp('in-dialog BYE with 2,000 Route headers', request('BYE', 'sip:1001@127.0.0.1:9', ['To: <sip:1001@127.0.0.1>;tag=r', ...new Array<string>(2_000).fill('Route: <sip:127.0.0.1;lr>')])),
    udp('REGISTER with 2,000 Contacts', request('REGISTER', 'sip:127.0.0.1', [`Contact: <sip:1002@127.0.0.1:9>${fill(', <sip:1002@127.0.0.1:9>', 55_000)}`])),
    tcp('1 MiB line without CRLF over TCP', fill('A', 1024 * 1024), 'split', evenCuts(1024 * 1024, 16)),
    tcp('INVITE one byte per write over TCP', bytewise, 'bytewise', Array.from({ length: bytewise.length - 1 }, (_, i) => i + 1)),
    udp('Request-URI user of 20,000 percent escapes', request('MESSAGE', `sip:${fill('%41', 60_000)}@127.0.0.1`, [])),
    udp('IPv6 reference of 30,000 colons', invite([`Contact: <sip:1002@[${fill(':', 30_000)}]>`])),
    udp('60,000 blanks between header name and value', options([`Subject:${fill(' \t', 60_000)}x`])),
    udp('method token of 30,000 characters (start line and CSeq)', request(fill('X', 30_000), 'sip:127.0.0.1', [])),
    udp('Via with 10,000 rport parameters', invite([`Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKr${fill(';rport', 60_000)}`])),
    tcp('500 OPTIONS packed in one write', packed),
    tcp('60 KB body dribbled over 200 writes', slowBody, 'split', evenCuts(slowBody.length, 200)),
  ];
}
