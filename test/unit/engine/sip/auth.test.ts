// Credentials and challenges (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 2617 §3.2).
import { describe, expect, it } from 'vitest';
import { parseAuth } from '../../../../firmware/src/engine/sip/headers/auth';

function auth(text: string) {
  const b = Buffer.from(text);
  return parseAuth(b, 0, b.length);
}

describe('parseAuth', () => {
  it('reads Digest credentials; quoted values unquoted, commas inside quotes kept', () => {
    const a = auth(
      'Digest username="bob", realm="biloxi.example.com",\r\n nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.example.com",' +
        ' qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc,069c403ebaf9f0171e9517f40e41"',
    );
    expect(a?.scheme).toBe('Digest');
    expect(a?.paramsValid).toBe(true);
    expect(a?.param('username')).toBe('bob');
    expect(a?.param('REALM')).toBe('biloxi.example.com');
    expect(a?.param('uri')).toBe('sip:bob@biloxi.example.com');
    expect(a?.param('qop')).toBe('auth');
    expect(a?.param('nc')).toBe('00000001');
    expect(a?.param('opaque')).toBe('5ccc,069c403ebaf9f0171e9517f40e41');
    expect(a?.param('algorithm')).toBeUndefined();
  });

  it('reads a challenge with unquoted values', () => {
    const a = auth('Digest realm="atlanta.example.com", algorithm=MD5, stale=FALSE, nonce="ea9c8e88df84f1cec4341ae6cbe5a359"');
    expect([a?.param('algorithm'), a?.param('stale'), a?.param('nonce')]).toEqual(['MD5', 'FALSE', 'ea9c8e88df84f1cec4341ae6cbe5a359']);
  });

  it('flags malformed parameters but still gives the scheme', () => {
    const a = auth('Digest username="bob" realm="x"');
    expect(a?.scheme).toBe('Digest');
    expect(a?.paramsValid).toBe(false);
    expect(auth('Digest username="unterminated')?.paramsValid).toBe(false);
    expect(auth('Digest')?.paramsValid).toBe(true);
  });

  it('has no value without a scheme token', () => {
    expect(auth('')).toBeNull();
    expect(auth('"quoted"')).toBeNull();
    expect(auth('Digest,x=1')).toBeNull();
  });
});
