// Keeps fuzz inputs on loopback: the box sends answers and relays to addresses written inside the
// message (Via received/maddr, RFC 3261 §18.2.2; Route and Request-URI, §16.6; the next Via of a
// stray response, §16.7), so a mutation that turns 127.0.0.1 into 107.0.0.1 would make it send
// there. Every IP literal that is not loopback is defused in place (same length, no longer an IP).
import net from 'node:net';

const DOT = 0x2e;
const COLON = 0x3a;
const DASH = 0x2d;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexOrColonOrDot = (c: number): boolean =>
  isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === COLON || c === DOT;

/** The longest IPv6 text net.isIPv6 accepts without a zone (8 groups, or an embedded IPv4). */
const MAX_IPV6_CHARS = 45;

/** 127.0.0.0/8 and ::1 only; anything else that parses as an IP is "elsewhere". */
function isLoopbackText(ip: string): boolean {
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  return ip === '::1';
}

/**
 * Defuses, in place, every IPv4 literal (four dot-separated digit groups) and every IPv6 literal
 * (with or without brackets or a zone) that is not loopback, by turning its separators into '-'.
 * Conservative: a token the box would not even read as a host may be defused too. Returns how many
 * literals were defused. Linear in the input for IPv4; IPv6 looks only at runs holding 2+ colons.
 */
export function defuseForeignAddresses(buf: Buffer): number {
  let defused = 0;
  let i = 0;
  const n = buf.length;
  while (i < n) {
    if (!isHexOrColonOrDot(buf[i])) { i++; continue; }
    let end = i;
    let colons = 0;
    while (end < n && isHexOrColonOrDot(buf[end])) { if (buf[end] === COLON) colons++; end++; }
    defused += defuseIPv4InRun(buf, i, end);
    if (colons >= 2) defused += defuseIPv6InRun(buf, i, end);
    i = end;
  }
  return defused;
}

/** Within [start, end): every window of four digit groups joined by single dots. */
function defuseIPv4InRun(buf: Buffer, start: number, end: number): number {
  let defused = 0;
  // Group starts: positions where a digit follows a non-digit (or the run start).
  const groups: Array<[number, number]> = [];
  let p = start;
  while (p < end) {
    if (!isDigit(buf[p])) { p++; continue; }
    const g = p;
    while (p < end && isDigit(buf[p])) p++;
    groups.push([g, p]);
  }
  for (let k = 0; k + 3 < groups.length; k++) {
    let joined = true;
    for (let j = k; j < k + 3; j++) {
      // Consecutive groups must be separated by exactly one dot.
      if (groups[j + 1][0] !== groups[j][1] + 1 || buf[groups[j][1]] !== DOT) { joined = false; break; }
    }
    if (!joined) continue;
    const from = groups[k][0];
    const to = groups[k + 3][1];
    const text = buf.toString('latin1', from, to);
    if (net.isIPv4(text) && !isLoopbackText(text)) {
      for (let q = from; q < to; q++) if (buf[q] === DOT) buf[q] = DASH;
      defused++;
    }
  }
  return defused;
}

/** Within [start, end): any substring net.isIPv6 accepts (a zone after it changes nothing). */
function defuseIPv6InRun(buf: Buffer, start: number, end: number): number {
  let defused = 0;
  for (let from = start; from < end; from++) {
    const stop = Math.min(end, from + MAX_IPV6_CHARS);
    for (let to = stop; to > from + 1; to--) {
      const text = buf.toString('latin1', from, to);
      if (!net.isIPv6(text)) continue;
      // Only the longest literal from here counts: "::" inside a loopback "::1" is not a host.
      if (!isLoopbackText(text)) {
        for (let q = from; q < to; q++) if (buf[q] === COLON) buf[q] = DASH;
        defused++;
      }
      break;
    }
  }
  return defused;
}
