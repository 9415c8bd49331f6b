// Whole fuzz inputs made from nothing (no seed message): printable and binary garbage, CRLF-only
// and LF-only streams (RFC 5626 §4.4.1 keep-alives and their near misses), valid-looking requests
// with random methods and URIs (RFC 3261 §25.1 grammar), responses to nothing (§16.7 strays).
import { printable } from './mutate';
import type { Rng } from './prng';

export type Generator = (rng: Rng) => string;

const METHODS = [
  'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER',
  'MESSAGE', 'UPDATE', 'invite', 'Invite', 'FOO', 'X', 'INVITEX', 'GET', 'POST', 'SIP/2.0', '!%*_+`\'~', 'ÄÖ',
];

function randomToken(rng: Rng, max: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`\'~';
  let s = '';
  for (let i = rng.int(1, max); i > 0; i--) s += chars[rng.int(0, chars.length - 1)];
  return s;
}

function randomUser(rng: Rng): string {
  return rng.pick(['1001', '1002', '1003', '', 'alice', '+15551234567', '%31%30%30%31', randomToken(rng, 20), '1001;phone-context=x']);
}

function randomRuri(rng: Rng): string {
  const user = randomUser(rng);
  const host = rng.pick(['127.0.0.1', '127.0.0.1:9', '127.0.0.1:0', 'localhost', '[::1]', '[::1]:9', 'sipbox', '127.1', '127.0.0.1.']);
  const params = rng.pick(['', ';transport=tcp', ';transport=udp', ';lr', ';maddr=127.0.0.1', ';user=phone', ';method=INVITE', ';ob']);
  return rng.pick([`sip:${user}@${host}${params}`, `sips:${user}@${host}`, `tel:${user}`, `sip:${host}`, `${randomToken(rng, 5)}:${user}`]);
}

/** A request that looks right (all mandatory headers, §8.1.1) with a random method and URI. */
export const randomRequest: Generator = (rng) => {
  const method = rng.chance(0.7) ? rng.pick(METHODS) : randomToken(rng, 30);
  const branch = `z9hG4bK${randomToken(rng, 16)}`;
  const callId = `${randomToken(rng, 20)}@127.0.0.1`;
  const cseqMethod = rng.chance(0.9) ? method : rng.pick(METHODS);
  const toTag = rng.chance(0.3) ? `;tag=${randomToken(rng, 10)}` : '';
  const lines = [
    `${method} ${randomRuri(rng)} SIP/2.0`,
    `Via: SIP/2.0/${rng.pick(['UDP', 'TCP', 'udp', 'TLS'])} 127.0.0.1:9;branch=${rng.chance(0.9) ? branch : randomToken(rng, 8)};rport`,
    `Max-Forwards: ${rng.pick(['70', '1', '0', '255'])}`,
    `From: <sip:${randomUser(rng)}@127.0.0.1>;tag=${randomToken(rng, 10)}`,
    `To: <${randomRuri(rng)}>${toTag}`,
    `Call-ID: ${callId}`,
    `CSeq: ${rng.int(0, 2 ** 31)} ${cseqMethod}`,
  ];
  if (rng.chance(0.4)) lines.push(`Contact: <sip:${randomUser(rng)}@127.0.0.1:9>${rng.chance(0.3) ? ';expires=0' : ''}`);
  if (rng.chance(0.3)) lines.push('Route: <sip:127.0.0.1;lr>' + (rng.chance(0.5) ? ', <sip:127.0.0.1:9;lr>' : ''));
  if (rng.chance(0.2)) lines.push(rng.pick(['Expires: 0', 'Expires: 3600', 'Require: 100rel', 'Proxy-Require: foo', 'Event: presence', 'Supported: path, outbound']));
  if (rng.chance(0.15)) {
    lines.push(`Proxy-Authorization: Digest username="${randomUser(rng)}", realm="sipbox", nonce="${randomToken(rng, 40)}", uri="sip:127.0.0.1", response="${randomToken(rng, 32)}", qop=auth, nc=${rng.pick(['00000001', 'ffffffff', '0', 'zz'])}, cnonce="${randomToken(rng, 8)}"`);
  }
  const body = rng.chance(0.3) ? printable(rng, rng.int(0, 400)) : '';
  lines.push(`Content-Length: ${body.length}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
};

/** A response that answers no request the box sent: random status, sometimes our Via on top. */
export const strayResponse: Generator = (rng) => {
  const status = rng.chance(0.8) ? rng.pick([100, 180, 183, 200, 202, 301, 302, 401, 407, 408, 481, 486, 487, 500, 503, 603]) : rng.int(0, 1000);
  const vias = [];
  // Our own sent-by on top (port absent means ours, myself.ts) makes the box forward it (§16.7).
  if (rng.chance(0.5)) vias.push(`Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK${randomToken(rng, 12)}`);
  for (let i = rng.int(0, 3); i > 0; i--) {
    vias.push(`Via: SIP/2.0/${rng.pick(['UDP', 'TCP', 'SCTP'])} 127.0.0.1:${rng.pick(['9', '0', '65536', ''])};branch=z9hG4bK${randomToken(rng, 12)}${rng.pick(['', ';rport=9', ';rport', ';received=127.0.0.1', ';received=::1'])}`);
  }
  const method = rng.pick(['INVITE', 'BYE', 'OPTIONS', 'CANCEL', 'REGISTER', 'ACK', 'FOO']);
  const lines = [
    `SIP/2.0 ${status} ${rng.pick(['OK', 'Ringing', '', 'Whatever Reason', 'Ä'])}`,
    ...vias,
    `From: <sip:1002@127.0.0.1>;tag=${randomToken(rng, 8)}`,
    `To: <sip:1001@127.0.0.1>${rng.chance(0.7) ? ';tag=' + randomToken(rng, 8) : ''}`,
    `Call-ID: ${randomToken(rng, 16)}@127.0.0.1`,
    `CSeq: ${rng.int(1, 100)} ${method}`,
  ];
  if (rng.chance(0.4)) lines.push('Record-Route: <sip:127.0.0.1;lr>', 'Contact: <sip:1001@127.0.0.1:9>');
  if (status === 401 || status === 407) lines.push(`${status === 401 ? 'WWW' : 'Proxy'}-Authenticate: Digest realm="x", nonce="${randomToken(rng, 20)}"`);
  lines.push('Content-Length: 0');
  return `${lines.join('\r\n')}\r\n\r\n`;
};

const garbage: Generator = (rng) => printable(rng, rng.chance(0.9) ? rng.int(0, 2000) : rng.int(2000, 60_000));

const binary: Generator = (rng) => {
  let s = '';
  for (let i = rng.int(0, 1500); i > 0; i--) s += String.fromCharCode(rng.int(0, 255));
  return s;
};

const crlfOnly: Generator = (rng) => rng.pick(['\r\n', '\r\n\r\n', '\r\n\r\n\r\n', '\n\n', '\r\r', '\r\n\r\n'.repeat(rng.int(1, 15_000)), ' \r\n\r\n', '\0\r\n\r\n']);

/** A request with LF line ends only (RFC 3261 §7 wants CRLF; some parsers accept LF). */
const lfOnly: Generator = (rng) => randomRequest(rng).replaceAll('\r\n', '\n');

export const GENERATORS: ReadonlyArray<readonly [string, Generator]> = [
  ['random-request', randomRequest], ['stray-response', strayResponse], ['garbage', garbage], ['binary', binary],
  ['crlf-only', crlfOnly], ['lf-only', lfOnly],
];
