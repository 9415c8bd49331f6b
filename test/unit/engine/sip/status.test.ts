// Default reason phrases (RFC 3261 §21 and registered extensions).
import { describe, expect, it } from 'vitest';
import { reasonPhrase } from '../../../../firmware/src/engine/sip/status';

describe('reasonPhrase', () => {
  it('gives the RFC 3261 section 21 phrases', () => {
    const table: Array<[number, string]> = [
      [100, 'Trying'], [180, 'Ringing'], [181, 'Call Is Being Forwarded'], [182, 'Queued'], [183, 'Session Progress'],
      [200, 'OK'], [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'], [305, 'Use Proxy'],
      [380, 'Alternative Service'], [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'],
      [404, 'Not Found'], [405, 'Method Not Allowed'], [406, 'Not Acceptable'], [407, 'Proxy Authentication Required'],
      [408, 'Request Timeout'], [410, 'Gone'], [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'],
      [415, 'Unsupported Media Type'], [416, 'Unsupported URI Scheme'], [420, 'Bad Extension'], [421, 'Extension Required'],
      [423, 'Interval Too Brief'], [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'],
      [482, 'Loop Detected'], [483, 'Too Many Hops'], [484, 'Address Incomplete'], [485, 'Ambiguous'], [486, 'Busy Here'],
      [487, 'Request Terminated'], [488, 'Not Acceptable Here'], [491, 'Request Pending'], [493, 'Undecipherable'],
      [500, 'Server Internal Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'], [503, 'Service Unavailable'],
      [504, 'Server Time-out'], [505, 'Version Not Supported'], [513, 'Message Too Large'], [600, 'Busy Everywhere'],
      [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
    ];
    for (const [code, phrase] of table) expect(reasonPhrase(code), String(code)).toBe(phrase);
  });

  it('gives common extension phrases', () => {
    expect(reasonPhrase(202)).toBe('Accepted');
    expect(reasonPhrase(422)).toBe('Session Interval Too Small');
    expect(reasonPhrase(489)).toBe('Bad Event');
    expect(reasonPhrase(494)).toBe('Security Agreement Required');
    expect(reasonPhrase(430)).toBe('Flow Failed');
    expect(reasonPhrase(439)).toBe('First Hop Lacks Outbound Support');
    expect(reasonPhrase(580)).toBe('Precondition Failure');
    expect(reasonPhrase(199)).toBe('Early Dialog Terminated');
  });

  it('falls back to the x00 phrase of the class for unknown codes (RFC 3261 8.1.3.2), else ""', () => {
    expect(reasonPhrase(299)).toBe('OK');
    expect(reasonPhrase(499)).toBe('Bad Request');
    expect(reasonPhrase(699)).toBe('Busy Everywhere');
    expect(reasonPhrase(99)).toBe('');
    expect(reasonPhrase(700)).toBe('');
    expect(reasonPhrase(4.5)).toBe('');
  });
});
