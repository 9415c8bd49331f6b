// The challenge header field of a 401 / 407 (RFC 3261 §22.2, §22.3, §20.27, §20.44; RFC 7616
// §3.3; RFC 8760 §2.4): one `Digest` value per algorithm, each with its own nonce and qop="auth".
import type { AuthKind, DigestAlgorithm } from './api';

const HEADER_NAME: Readonly<Record<AuthKind, string>> = {
  www: 'WWW-Authenticate',
  proxy: 'Proxy-Authenticate',
};

/**
 * One challenge line, ending CRLF. realm, nonce and qop are quoted strings, algorithm and stale
 * tokens: RFC 7616 §3.3 allows only that syntax in a challenge.
 */
export function challengeLine(kind: AuthKind, realm: string, nonce: string, algorithm: DigestAlgorithm, stale: boolean): string {
  return (
    `${HEADER_NAME[kind]}: Digest realm=${quotedString(realm)}, nonce="${nonce}", qop="auth", algorithm=${algorithm}` +
    (stale ? ', stale=true\r\n' : '\r\n')
  );
}

/**
 * `text` as a quoted-string (RFC 3261 §25.1): '"' and '\' escaped as quoted-pairs. Control
 * characters cannot appear in a quoted-string at all and are dropped, so a realm can never break
 * the header line; a realm with them never matches credentials, which is the safe way to fail.
 */
export function quotedString(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = c >= 0x20 && c !== 0x7f && c !== 0x22 && c !== 0x5c;
  }
  if (plain) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) continue;
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += text[i];
  }
  return out + '"';
}
