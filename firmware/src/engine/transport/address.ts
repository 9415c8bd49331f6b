// Peer addresses as the transports report them (RFC 3261 §18.2.1 "received" compares them as text):
// an IPv4 peer seen through a dual-stack IPv6 socket is reported as plain IPv4.
import net from 'node:net';

const MAPPED_PREFIX = '::ffff:';

/** '::ffff:1.2.3.4' => '1.2.3.4' (RFC 4291 §2.5.5.2); any other address is returned unchanged. */
export function normalizeAddress(address: string): string {
  if (address.length > MAPPED_PREFIX.length && address.charCodeAt(0) === 0x3a && address.charCodeAt(1) === 0x3a) {
    const prefix = address.slice(0, MAPPED_PREFIX.length).toLowerCase();
    const v4 = address.slice(MAPPED_PREFIX.length);
    if (prefix === MAPPED_PREFIX && net.isIPv4(v4)) return v4;
  }
  return address;
}

/** Families of recently seen address strings: net.isIP runs two regular expressions per call,
 *  and every send asks (twice, with dgram's lookup). Bounded; cleared when full. */
const familyCache = new Map<string, 0 | 4 | 6>();
const FAMILY_CACHE_MAX = 4096;

/** 4, 6, or 0 when `address` is no IP literal (net.isIP, cached). */
export function ipFamily(address: string): 0 | 4 | 6 {
  let f = familyCache.get(address);
  if (f === undefined) {
    f = net.isIP(address) as 0 | 4 | 6;
    if (familyCache.size >= FAMILY_CACHE_MAX) familyCache.clear();
    familyCache.set(address, f);
  }
  return f;
}
