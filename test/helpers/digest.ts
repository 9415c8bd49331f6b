// The client side of HTTP digest as a phone computes it (RFC 7616 §3.4, RFC 8760 for SHA-256),
// written here independently of the daemon's auth module, so that tests check one against the other.
import { createHash, randomBytes } from 'node:crypto';

export interface Challenge { realm: string; nonce: string; algorithm: string; qop: string | null; stale: boolean; header: string }

/** Every Digest challenge in a 401/407 response text, in order. */
export function challenges(response: string): Challenge[] {
  const out: Challenge[] = [];
  for (const line of response.split('\r\n')) {
    const m = /^(WWW-Authenticate|Proxy-Authenticate):\s*Digest\s+(.*)$/i.exec(line);
    if (!m) continue;
    const p = (k: string) => new RegExp(`(?:^|,)\\s*${k}=(?:"([^"]*)"|([^,\\s]+))`, 'i').exec(m[2]);
    const v = (k: string) => { const r = p(k); return r ? (r[1] ?? r[2]) : null; };
    out.push({ realm: v('realm') ?? '', nonce: v('nonce') ?? '', algorithm: v('algorithm') ?? 'MD5', qop: v('qop'), stale: (v('stale') ?? '').toLowerCase() === 'true', header: m[1] });
  }
  return out;
}

const H = (alg: string, s: string) => createHash(alg.toUpperCase() === 'SHA-256' ? 'sha256' : 'md5').update(s).digest('hex');

/** The Authorization / Proxy-Authorization header line for one request. */
export function credentials(o: { c: Challenge; user: string; password: string; method: string; uri: string; nc: number; cnonce?: string }): string {
  const cnonce = o.cnonce ?? randomBytes(8).toString('hex');
  const nc = o.nc.toString(16).padStart(8, '0');
  const ha1 = H(o.c.algorithm, `${o.user}:${o.c.realm}:${o.password}`);
  const ha2 = H(o.c.algorithm, `${o.method}:${o.uri}`);
  const response = H(o.c.algorithm, `${ha1}:${o.c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const name = o.c.header.toLowerCase() === 'proxy-authenticate' ? 'Proxy-Authorization' : 'Authorization';
  return `${name}: Digest username="${o.user}", realm="${o.c.realm}", nonce="${o.c.nonce}", uri="${o.uri}", response="${response}", algorithm=${o.c.algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}`;
}
