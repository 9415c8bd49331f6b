// Mutators over SIP message text (RFC 3261 §7 framing, §20 headers, §25 grammar), each aimed at a
// place a parser can go wrong: byte flips, truncation, repeated and huge headers, Content-Length
// (§20.14) lies, NULs, unbalanced quotes and brackets, Via floods, line ending changes, folding
// (§7.3.1), compact forms (§7.3.3), number overflows. Text is latin1: one char per byte.
import type { Rng } from './prng';

export type Mutator = (rng: Rng, text: string) => string;

/** UDP payloads stay under this (65,507 is the IPv4 maximum; leave room for nothing else). */
export const MAX_UDP_BYTES = 65_000;

interface Parts { lines: string[]; body: string; hasBody: boolean }

function split(text: string): Parts {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { lines: text.split('\r\n'), body: '', hasBody: false };
  return { lines: text.slice(0, end).split('\r\n'), body: text.slice(end + 4), hasBody: true };
}

function join(p: Parts): string {
  return p.lines.join('\r\n') + (p.hasBody ? '\r\n\r\n' + p.body : '');
}

/** Index of a random header line (never the start line), or -1 when there is none. */
function headerIndex(rng: Rng, p: Parts): number {
  return p.lines.length < 2 ? -1 : rng.int(1, p.lines.length - 1);
}

/** `count` copies of `unit`, never longer than `maxChars` in total. */
function repeat(unit: string, count: number, maxChars: number): string {
  return unit.repeat(Math.max(0, Math.min(count, Math.floor(maxChars / Math.max(1, unit.length)))));
}

const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;

export function printable(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(rng.int(PRINTABLE_FIRST, PRINTABLE_LAST));
  return s;
}

function token(rng: Rng, min: number, max: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~';
  let s = '';
  const n = rng.int(min, max);
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

function insertAt(text: string, at: number, what: string): string {
  return text.slice(0, at) + what + text.slice(at);
}

const byteFlip: Mutator = (rng, text) => {
  const chars = text.split('');
  const flips = rng.int(1, 8);
  for (let i = 0; i < flips && chars.length > 0; i++) {
    const at = rng.int(0, chars.length - 1);
    chars[at] = rng.chance(0.5)
      ? String.fromCharCode(chars[at].charCodeAt(0) ^ (1 << rng.int(0, 7)))
      : String.fromCharCode(rng.int(0, 255));
  }
  return chars.join('');
};

const truncate: Mutator = (rng, text) => text.slice(0, rng.int(0, Math.max(0, text.length - 1)));

const duplicateHeader: Mutator = (rng, text) => {
  const p = split(text);
  const i = headerIndex(rng, p);
  if (i < 0) return text;
  const copies = rng.chance(0.8) ? rng.int(1, 8) : rng.int(100, 2000);
  const line = p.lines[i];
  p.lines.splice(i, 0, ...new Array<string>(Math.min(copies, Math.floor(50_000 / (line.length + 2)))).fill(line));
  return join(p);
};

const hugeHeader: Mutator = (rng, text) => {
  const p = split(text);
  const name = rng.pick(['Subject', 'X-Huge', 'Call-ID', 'User-Agent', 'Contact', 'Via', 'From', 'To', 'Route', 'Authorization', 'Allow', 'Supported']);
  const budget = Math.max(0, MAX_UDP_BYTES - text.length - 100);
  const value = rng.pick(['a', 'x;', ' ', ',', '%41', '\\"', 'sip:a@127.0.0.1,']);
  p.lines.splice(Math.max(1, headerIndex(rng, p)), 0, `${name}: ${repeat(value, rng.int(1000, 60_000), budget)}`);
  return join(p);
};

const manyHeaders: Mutator = (rng, text) => {
  const p = split(text);
  const count = rng.int(50, 4000);
  const extra: string[] = [];
  let size = 0;
  for (let i = 0; i < count && size < 50_000; i++) {
    const line = `${token(rng, 1, 12)}: ${token(rng, 0, 12)}`;
    extra.push(line);
    size += line.length + 2;
  }
  p.lines.splice(Math.max(1, headerIndex(rng, p)), 0, ...extra);
  return join(p);
};

const CONTENT_LENGTH_LIES = [
  '-1', '-0', '-99999999999', '4294967296', '4294967295', '2147483648', '99999999999999999999999999',
  'abc', '', ' ', '0x10', '1e3', '12 34', '+5', '00000000000000000000000000010', '1.5', '\t7', '65536', '65535',
  '18446744073709551616', 'NaN', 'Infinity',
];

const badContentLength: Mutator = (rng, text) => {
  const p = split(text);
  const lines = p.lines.filter((l) => !/^(content-length|l)\s*:/i.test(l));
  const bodyLen = p.body.length;
  const value = rng.chance(0.6) ? rng.pick(CONTENT_LENGTH_LIES) : String(Math.max(0, bodyLen + rng.int(-bodyLen - 5, 200)));
  const name = rng.pick(['Content-Length', 'l', 'content-length', 'CONTENT-LENGTH', 'Content-Length ']);
  lines.push(`${name}: ${value}`);
  if (rng.chance(0.3)) lines.push(`Content-Length: ${rng.pick(CONTENT_LENGTH_LIES.concat(['0', '5', String(bodyLen)]))}`);
  p.lines = lines;
  return join(p);
};

const nulBytes: Mutator = (rng, text) => {
  let out = text;
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) out = insertAt(out, rng.int(0, out.length), rng.chance(0.8) ? '\0' : '\0'.repeat(rng.int(2, 300)));
  return out;
};

const brokenQuoting: Mutator = (rng, text) => {
  const p = split(text);
  const candidates = p.lines.map((l, i) => (/^(from|to|contact|f|t|m|route|record-route|refer-to|authorization|p-asserted-identity)\s*:/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const i = candidates.length > 0 ? rng.pick(candidates) : headerIndex(rng, p);
  if (i < 0) return text;
  const line = p.lines[i];
  const colon = line.indexOf(':') + 1;
  const damage = rng.pick([
    (v: string) => v.replace('>', ''),
    (v: string) => v.replace('<', ''),
    (v: string) => `"${v}`,
    (v: string) => ` "unterminated \\${v}`,
    (v: string) => ` "${v}\\`,
    (v: string) => v.replaceAll('"', ''),
    (v: string) => ` <${v}`,
    (v: string) => `${v}>>>`,
    (v: string) => ` "a\\"b\\\\"c" ${v}`,
    (v: string) => ` ${'"'.repeat(rng.int(1, 500))}${v}`,
    (v: string) => ` ${'<'.repeat(rng.int(1, 2000))}sip:a@127.0.0.1${'>'.repeat(rng.int(0, 2000))}`,
    (v: string) => v.replace(/;/g, '"'),
    (v: string) => `${v};tag="${'\\'.repeat(rng.int(1, 300))}`,
  ]);
  p.lines[i] = line.slice(0, colon) + damage(line.slice(colon));
  return join(p);
};

const BAD_URIS = [
  'sip:', 'sip:@', 'sip:@127.0.0.1', 'sip:a@', 'sip:a@:5060', 'sip:a@127.0.0.1:99999', 'sip:a@127.0.0.1:-1',
  'sip:a@127.0.0.1:0', 'sip:a@127.0.0.1:65536', 'sip:a@[::1', 'sip:a@[::1]:', 'sip:a@[]', 'sip:a@[', 'sip:[::1]]',
  'sip:a@127.0.0.1;;;=;', 'sip:a@127.0.0.1;lr=;=x', 'sip:%zz@127.0.0.1', 'sip:%@127.0.0.1', 'sip:a%00b@127.0.0.1',
  'tel:+', 'tel:', 'sips:', 'sip:a:b:c:d@127.0.0.1', 'sip:a@b@c', 'sip:a@127.0.0.1?', 'sip:a@127.0.0.1?&&=&',
  'sip:a@127.0.0.1;maddr=', 'sip:a@127.0.0.1;transport=', 'sip:a@127.0.0.1;transport=sctp', 'sip:a@127.0.0.1;transport=tls',
  '<sip:a@127.0.0.1>', 'sip:a@127.0.0.1 extra', 'SIP:A@127.0.0.1', '*', 'sip:*', 'urn:service:sos', 'mailto:a@b', ':',
  'sip:a@127.0.0.1:5060:5060', 'sip:a@127.0.0.1.', 'sip:a@.127.0.0.1', 'sip:a@127..0.1', 'sip:a@host-name-not-an-ip',
];

function randomUri(rng: Rng): string {
  if (rng.chance(0.5)) return rng.pick(BAD_URIS);
  const scheme = rng.pick(['sip', 'sips', 'tel', 'SIP', 'x-' + token(rng, 1, 6)]);
  const user = rng.chance(0.7) ? token(rng, 0, rng.chance(0.9) ? 12 : 3000) + '@' : '';
  const port = rng.chance(0.5) ? `:${rng.pick(['9', '0', '65535', '99999999999', 'abc', ''])}` : '';
  let params = '';
  const n = rng.chance(0.9) ? rng.int(0, 4) : rng.int(100, 3000);
  for (let i = 0; i < n; i++) params += `;${token(rng, 0, 8)}${rng.chance(0.5) ? '=' + token(rng, 0, 8) : ''}`;
  return `${scheme}:${user}127.0.0.1${port}${params}`;
}

const brokenUri: Mutator = (rng, text) => {
  const p = split(text);
  if (p.lines.length === 0) return text;
  const start = p.lines[0].split(' ');
  if (start.length >= 3 && !start[0].startsWith('SIP/')) {
    start[1] = randomUri(rng);
    p.lines[0] = start.join(' ');
  } else {
    const i = headerIndex(rng, p);
    if (i < 0) return text;
    const colon = p.lines[i].indexOf(':');
    p.lines[i] = `${p.lines[i].slice(0, colon + 1)} <${randomUri(rng)}>`;
  }
  return join(p);
};

const manyVias: Mutator = (rng, text) => {
  const p = split(text);
  const budget = Math.max(0, MAX_UDP_BYTES - text.length - 100);
  const style = rng.int(0, 2);
  let added: string[];
  if (style === 0) {
    added = new Array<string>(Math.min(rng.int(10, 5000), Math.floor(budget / 17))).fill('v:SIP/2.0/UDP a');
  } else if (style === 1) {
    added = [`Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1${repeat(',SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK2', rng.int(10, 3000), budget)}`];
  } else {
    added = [];
    let size = 0;
    for (let i = 0; size < budget && i < rng.int(10, 3000); i++) {
      const line = `Via: SIP/2.0/${rng.pick(['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'X'])} 127.0.0.${rng.int(0, 255)}:${rng.int(0, 70000)};branch=z9hG4bK${i};rport${rng.chance(0.2) ? ';received=127.0.0.1' : ''}`;
      added.push(line);
      size += line.length + 2;
    }
  }
  p.lines.splice(rng.chance(0.5) ? 1 : Math.max(1, headerIndex(rng, p)), 0, ...added);
  return join(p);
};

const lineEndings: Mutator = (rng, text) => {
  switch (rng.int(0, 4)) {
    case 0: return text.replaceAll('\r\n', '\n');
    case 1: return text.replaceAll('\r\n', '\r');
    case 2: return text.replaceAll('\r\n', () => (rng.chance(0.5) ? '\n' : '\r\n'));
    case 3: return text.replaceAll('\r\n', '\n\r');
    default: return insertAt(text, 0, '\r\n'.repeat(rng.int(1, 200)));
  }
};

const foldHeaders: Mutator = (rng, text) => {
  const p = split(text);
  const i = headerIndex(rng, p);
  if (i < 0) return text;
  const line = p.lines[i];
  const at = rng.int(0, line.length);
  const fold = rng.pick(['\r\n ', '\r\n\t', '\r\n', ' \r\n  \r\n ', '\r\n \r\n \r\n ']);
  p.lines[i] = line.slice(0, at) + (rng.chance(0.9) ? fold : fold.repeat(rng.int(100, 3000))) + line.slice(at);
  return join(p);
};

const COMPACT: Record<string, string> = {
  'call-id': 'i', contact: 'm', 'content-encoding': 'e', 'content-length': 'l', 'content-type': 'c',
  from: 'f', subject: 's', supported: 'k', to: 't', via: 'v', event: 'o', 'refer-to': 'r',
};

const compactAndCase: Mutator = (rng, text) => {
  const p = split(text);
  for (let i = 1; i < p.lines.length; i++) {
    const colon = p.lines[i].indexOf(':');
    if (colon <= 0 || !rng.chance(0.5)) continue;
    const name = p.lines[i].slice(0, colon).trim().toLowerCase();
    const compact = COMPACT[name];
    const spaced = rng.pick(['', ' ', '\t', '   ']);
    const renamed = compact !== undefined && rng.chance(0.5) ? compact : name.split('').map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join('');
    p.lines[i] = renamed + spaced + p.lines[i].slice(colon);
  }
  return join(p);
};

const deleteHeader: Mutator = (rng, text) => {
  const p = split(text);
  const n = rng.int(1, 3);
  for (let k = 0; k < n; k++) {
    const i = headerIndex(rng, p);
    if (i >= 0) p.lines.splice(i, 1);
  }
  return join(p);
};

const whitespace: Mutator = (rng, text) => {
  let out = text;
  const n = rng.int(1, 6);
  for (let i = 0; i < n; i++) {
    const ws = rng.chance(0.9) ? rng.pick([' ', '\t', '  \t ']) : ' '.repeat(rng.int(1000, 30_000));
    const anchors = [':', ';', '=', ',', '<', '>', '@', '/', ' '];
    const at = out.indexOf(rng.pick(anchors), rng.int(0, out.length));
    out = insertAt(out, at < 0 ? rng.int(0, out.length) : at + rng.int(0, 1), ws);
  }
  return out;
};

const paramBomb: Mutator = (rng, text) => {
  const p = split(text);
  const i = headerIndex(rng, p);
  if (i < 0) return text;
  const budget = Math.max(0, MAX_UDP_BYTES - text.length - 100);
  const unit = rng.pick([';a', ';a=b', ';=', ';', ';branch=z9hG4bK', ';tag=', ';lr', ',', ';x="\\""', ';rport;rport', ';received=127.0.0.1']);
  p.lines[i] += repeat(unit, rng.int(10, 20_000), budget);
  return join(p);
};

const deepNesting: Mutator = (rng, text) => {
  const p = split(text);
  const i = headerIndex(rng, p);
  if (i < 0) return text;
  const depth = rng.int(10, 20_000);
  const budget = Math.max(0, (MAX_UDP_BYTES - text.length - 100) / 2);
  const [open, close] = rng.pick([['<', '>'], ['"', '"'], ['(', ')'], ['[', ']'], ['\\"', '"'], ['<"', '">']]);
  const colon = p.lines[i].indexOf(':');
  p.lines[i] = `${p.lines[i].slice(0, colon + 1)} ${repeat(open, depth, budget)}sip:a@127.0.0.1${rng.chance(0.5) ? repeat(close, depth, budget) : ''}`;
  return join(p);
};

const BIG_NUMBERS = ['4294967296', '4294967295', '-1', '99999999999999999999', '2147483648', '0', '00000000000001', '1e9', '0x7fffffff', '9007199254740993', ''];

const numberOverflow: Mutator = (rng, text) => {
  const p = split(text);
  const n = BIG_NUMBERS;
  const edits: Array<[RegExp, () => string]> = [
    [/^(CSeq)\s*:.*$/i, () => `CSeq: ${rng.pick(n)} ${rng.pick(['INVITE', 'OPTIONS', 'ACK', 'BYE', ''])}`],
    [/^(Max-Forwards)\s*:.*$/i, () => `Max-Forwards: ${rng.pick(n)}`],
    [/^(Expires)\s*:.*$/i, () => `Expires: ${rng.pick(n)}`],
    [/^(RAck)\s*:.*$/i, () => `RAck: ${rng.pick(n)} ${rng.pick(n)} INVITE`],
  ];
  const [re, make] = rng.pick(edits);
  const i = p.lines.findIndex((l) => re.test(l));
  if (i >= 0) p.lines[i] = make();
  else p.lines.splice(Math.min(1, p.lines.length), 0, make());
  if (rng.chance(0.3) && p.lines.length > 0) p.lines[0] = p.lines[0].replace(/SIP\/2\.0/, `SIP/${rng.pick(n)}.${rng.pick(n)}`);
  if (rng.chance(0.3)) p.lines = p.lines.map((l) => l.replace(/;rport(=\d*)?/, `;rport=${rng.pick(n)}`).replace(/:9\b/, `:${rng.pick(n)}`));
  return join(p);
};

const highBytes: Mutator = (rng, text) => {
  let out = text;
  const n = rng.int(1, 20);
  for (let i = 0; i < n; i++) {
    let junk = '';
    for (let k = rng.int(1, 8); k > 0; k--) junk += String.fromCharCode(rng.int(0x80, 0xff));
    out = insertAt(out, rng.int(0, out.length), junk);
  }
  return out;
};

const startLine: Mutator = (rng, text) => {
  const p = split(text);
  if (p.lines.length === 0) return text;
  p.lines[0] = rng.pick([
    'SIP/2.0 200 OK', 'SIP/2.0 99 Low', 'SIP/2.0 700 High', 'SIP/2.0 abc', 'SIP/2.0', 'SIP/2.0 200', 'INVITE', 'INVITE  SIP/2.0',
    ' INVITE sip:1001@127.0.0.1 SIP/2.0', 'INVITE sip:1001@127.0.0.1 SIP/2.0 extra', 'INVITE sip:1001@127.0.0.1 sip/2.0',
    'INVITE sip:1001@127.0.0.1  SIP/2.0', 'INVITE\tsip:1001@127.0.0.1\tSIP/2.0', '', 'SIP/1.0 200 OK', 'HTTP/1.1 200 OK',
    'GET / HTTP/1.1', 'INVITE sip:1001@127.0.0.1 SIP/2.0\r', `${token(rng, 1, 40)} ${randomUri(rng)} SIP/2.0`,
  ]);
  return join(p);
};

export const MUTATORS: ReadonlyArray<readonly [string, Mutator]> = [
  ['byte-flip', byteFlip], ['truncate', truncate], ['duplicate-header', duplicateHeader], ['huge-header', hugeHeader],
  ['many-headers', manyHeaders], ['bad-content-length', badContentLength], ['nul-bytes', nulBytes],
  ['broken-quoting', brokenQuoting], ['broken-uri', brokenUri], ['many-vias', manyVias], ['line-endings', lineEndings],
  ['fold-headers', foldHeaders], ['compact-and-case', compactAndCase], ['delete-header', deleteHeader],
  ['whitespace', whitespace], ['param-bomb', paramBomb], ['deep-nesting', deepNesting], ['number-overflow', numberOverflow],
  ['high-bytes', highBytes], ['start-line', startLine],
];

/** 1 to 3 stacked mutations of `text`; the names applied, in order, describe the input. */
export function mutate(rng: Rng, text: string): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  const n = rng.chance(0.6) ? 1 : rng.int(2, 3);
  for (let i = 0; i < n; i++) {
    const [name, m] = rng.pick(MUTATORS);
    out = m(rng, out);
    applied.push(name);
  }
  return { text: out, applied };
}
