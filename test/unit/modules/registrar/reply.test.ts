// The registrar's 200: qvalues written back (RFC 3261 §25.1) and instance ids re-quoted.
import { describe, expect, it } from 'vitest';
import { bindingsReply, formatQ } from '../../../../firmware/src/modules/registrar/reply';
import { PHONE, WALL_BASE_MS } from '../location/harness';

describe('formatQ', () => {
  it('writes thousandths as the shortest qvalue (RFC 3261 §25.1)', () => {
    expect([1000, 0, 500, 250, 25, 1, 999].map(formatQ)).toEqual(['1', '0', '0.5', '0.25', '0.025', '0.001', '0.999']);
  });
});

describe('bindingsReply', () => {
  it('quotes +sip.instance again, escaping quotes and backslashes, and rounds seconds left up', () => {
    const out = bindingsReply(
      [
        {
          aor: '2001',
          contact: 'sip:2001@192.0.2.10',
          expiresAtMs: WALL_BASE_MS + 1500,
          q: 1000,
          callId: 'c',
          cseq: 1,
          path: [],
          source: PHONE,
          userAgent: '',
          instance: '<urn:x:"odd"\\>',
          regId: -1,
          registeredAtMs: WALL_BASE_MS,
        },
      ],
      WALL_BASE_MS,
      [],
    );
    expect(out.headers).toBe('Contact: <sip:2001@192.0.2.10>;expires=2;q=1;+sip.instance="<urn:x:\\"odd\\"\\\\>"\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n');
  });
});
