// REGISTER processing (RFC 3261 §10.3 steps 6-8, RFC 3327 Path, RFC 5626 instance/reg-id) on hand-
// written requests, through the registrar and location modules wired as the daemon wires them.
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../../../firmware/src/engine/sip/message';
import type { Endpoint } from '../../../../firmware/src/engine/transport/index';
import { createLocationModule, type LocationApi } from '../../../../firmware/src/modules/location/index';
import type { ModuleInstance } from '../../../../firmware/src/modules/module';
import { createRegistrarModule, type RegistrarApi } from '../../../../firmware/src/modules/registrar/index';
import { DATE_AT_BASE, PHONE, WALL_BASE_MS, makeHarness, register, type Harness } from '../location/harness';

interface Box {
  h: Harness;
  location: LocationApi;
  registrar: ModuleInstance<RegistrarApi>;
  save(msg: SipMessage, src?: Endpoint): ReturnType<RegistrarApi['save']>;
  contacts(aor?: string): string[];
}

async function box(settings: Record<string, unknown> = {}): Promise<Box> {
  const h = makeHarness();
  const locMod = createLocationModule({ now: h.now });
  const location = (await locMod.init(h.context(locMod.config, {}, {}))).api;
  const regMod = createRegistrarModule({ now: h.now });
  expect([regMod.name, regMod.needs]).toEqual(['registrar', ['location']]);
  const registrar = await regMod.init(h.context(regMod.config, settings, { location }));
  return {
    h,
    location,
    registrar,
    save: (msg, src = PHONE) => registrar.api.save(msg, '2001', src),
    contacts: (aor = '2001') => location.lookup(aor).map((b) => b.contact),
  };
}

const DATE = `Date: ${DATE_AT_BASE}\r\n`;

describe('registrar: adding, refreshing and removing bindings (RFC 3261 §10.3 step 7)', () => {
  it('adds a binding and answers 200 listing it with its expires and a Date (step 8)', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:2001@192.0.2.10:5060>', 'Expires: 600'] }));
    expect(out).toEqual({ status: 200, headers: `Contact: <sip:2001@192.0.2.10:5060>;expires=600\r\n${DATE}` });
    const [bd] = b.location.lookup('2001');
    expect(bd).toEqual({
      aor: '2001',
      contact: 'sip:2001@192.0.2.10:5060',
      expiresAtMs: WALL_BASE_MS + 600_000,
      q: -1,
      callId: 'reg-1@192.0.2.10',
      cseq: 1,
      path: [],
      source: PHONE,
      userAgent: 'TestPhone/1.0',
      instance: null,
      regId: -1,
      registeredAtMs: WALL_BASE_MS,
    });
  });

  it('stores the Contact URI exactly as registered, parameters included', async () => {
    const b = await box();
    b.save(register({ lines: ['Contact: "Desk" <sip:2001-0x55d1c0@192.0.2.10:5060;transport=udp;line=abc>;expires=300'] }));
    expect(b.contacts()).toEqual(['sip:2001-0x55d1c0@192.0.2.10:5060;transport=udp;line=abc']);
  });

  it('takes the expires parameter over the Expires header, the header over the default (§10.2.1.1)', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;expires=120, <sip:b@192.0.2.10>', 'Expires: 900'] }));
    expect(out.headers).toContain('Contact: <sip:a@192.0.2.10>;expires=120\r\n');
    expect(out.headers).toContain('Contact: <sip:b@192.0.2.10>;expires=900\r\n');
    const d = b.save(register({ callId: 'reg-2', lines: ['Contact: <sip:c@192.0.2.10>'] }));
    expect(d.headers).toContain('Contact: <sip:c@192.0.2.10>;expires=3600\r\n'); // defaultExpiresSec
  });

  it('uses the configured default interval', async () => {
    const b = await box({ defaultExpiresSec: 1800 });
    const out = b.save(register({ lines: ['Contact: <sip:2001@192.0.2.10>'] }));
    expect(out.headers).toBe(`Contact: <sip:2001@192.0.2.10>;expires=1800\r\n${DATE}`);
  });

  it('refreshes a binding with the same Call-ID and a higher CSeq', async () => {
    const b = await box();
    b.save(register({ cseq: 1, lines: ['Contact: <sip:2001@192.0.2.10>', 'Expires: 300'] }));
    b.h.advance(200_000);
    const out = b.save(register({ cseq: 2, lines: ['Contact: <sip:2001@192.0.2.10>', 'Expires: 300'] }));
    expect(out.status).toBe(200);
    expect(b.location.lookup('2001').map((x) => [x.cseq, x.expiresAtMs])).toEqual([[2, WALL_BASE_MS + 500_000]]);
    b.h.advance(299_000);
    expect(b.contacts()).toEqual(['sip:2001@192.0.2.10']); // alive past its first expiry
  });

  it('removes only the Contact with expires=0, and answers with the rest', async () => {
    const b = await box();
    b.save(register({ cseq: 1, lines: ['Contact: <sip:a@192.0.2.10>, <sip:b@192.0.2.10>', 'Expires: 600'] }));
    const out = b.save(register({ cseq: 2, lines: ['Contact: <sip:a@192.0.2.10>;expires=0'] }));
    expect(out).toEqual({ status: 200, headers: `Contact: <sip:b@192.0.2.10>;expires=600\r\n${DATE}` });
    expect(b.contacts()).toEqual(['sip:b@192.0.2.10']);
  });

  it('removes with Expires: 0 and answers 200 with no Contact when nothing is left', async () => {
    const b = await box();
    b.save(register({ cseq: 1, lines: ['Contact: <sip:a@192.0.2.10>'] }));
    const out = b.save(register({ cseq: 2, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 0'] }));
    expect(out).toEqual({ status: 200, headers: DATE });
    expect(b.location.aorCount()).toBe(0);
  });

  it('accepts removing a Contact that is not registered', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:ghost@192.0.2.10>;expires=0'] }));
    expect(out).toEqual({ status: 200, headers: DATE });
  });

  it('answers a REGISTER without Contact as a query, changing nothing (step 6)', async () => {
    const b = await box();
    b.save(register({ cseq: 1, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 600'] }));
    b.h.advance(10_000);
    const out = b.save(register({ cseq: 2 }));
    expect(out).toEqual({ status: 200, headers: `Contact: <sip:a@192.0.2.10>;expires=590\r\nDate: Mon, 01 Jan 2024 00:00:10 GMT\r\n` });
    expect(b.location.lookup('2001')[0].cseq).toBe(1);
  });

  it('lists every binding of the AOR in the 200 with the seconds each has left, in lookup order', async () => {
    const b = await box();
    b.save(register({ callId: 'desk', lines: ['Contact: <sip:desk@192.0.2.10>', 'Expires: 600'] }));
    b.h.advance(100_000);
    const out = b.save(register({ callId: 'soft', lines: ['Contact: <sip:soft@192.0.2.11>;q=0.5', 'Expires: 300'] }));
    b.h.advance(1);
    const again = b.save(register({ callId: 'cell', lines: ['Contact: <sip:cell@192.0.2.12>', 'Expires: 60'] }));
    expect(out.headers).toBe(
      'Contact: <sip:desk@192.0.2.10>;expires=500\r\n' + 'Contact: <sip:soft@192.0.2.11>;expires=300;q=0.5\r\n' + 'Date: Mon, 01 Jan 2024 00:01:40 GMT\r\n',
    );
    // Equal q (none given ranks as 1.0): the most recent first; seconds left are rounded up.
    expect(again.headers).toBe(
      'Contact: <sip:cell@192.0.2.12>;expires=60\r\n' +
        'Contact: <sip:desk@192.0.2.10>;expires=500\r\n' +
        'Contact: <sip:soft@192.0.2.11>;expires=300;q=0.5\r\n' +
        'Date: Mon, 01 Jan 2024 00:01:40 GMT\r\n',
    );
  });

  it('keeps q values and looks up highest q first', async () => {
    const b = await box();
    b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;q=0.1, <sip:b@192.0.2.10>;q=0.9, <sip:c@192.0.2.10>;q=0.5'] }));
    expect(b.location.lookup('2001').map((x) => [x.contact, x.q])).toEqual([
      ['sip:b@192.0.2.10', 900],
      ['sip:c@192.0.2.10', 500],
      ['sip:a@192.0.2.10', 100],
    ]);
  });
});

describe('registrar: Contact: * (§10.3 step 6)', () => {
  it('removes every binding with Contact: * and Expires: 0', async () => {
    const b = await box();
    b.save(register({ callId: 'one', lines: ['Contact: <sip:a@192.0.2.10>'] }));
    b.save(register({ callId: 'two', lines: ['Contact: <sip:b@192.0.2.10>'] }));
    const out = b.save(register({ callId: 'three', lines: ['Contact: *', 'Expires: 0'] }));
    expect(out).toEqual({ status: 200, headers: DATE });
    expect(b.location.count()).toBe(0);
  });

  it('refuses * with another Contact, with a non-zero Expires, or without Expires (400)', async () => {
    const b = await box();
    b.save(register({ callId: 'one', lines: ['Contact: <sip:a@192.0.2.10>'] }));
    for (const lines of [
      ['Contact: *, <sip:b@192.0.2.10>', 'Expires: 0'],
      ['Contact: *', 'Contact: <sip:b@192.0.2.10>', 'Expires: 0'],
      ['Contact: *', 'Expires: 60'],
      ['Contact: *'],
    ]) {
      expect(b.save(register({ callId: 'two', lines })).status).toBe(400);
    }
    expect(b.contacts()).toEqual(['sip:a@192.0.2.10']);
  });

  it('refuses * from the same Call-ID with a CSeq not above the stored one (500)', async () => {
    const b = await box();
    b.save(register({ cseq: 5, lines: ['Contact: <sip:a@192.0.2.10>'] }));
    expect(b.save(register({ cseq: 5, lines: ['Contact: *', 'Expires: 0'] })).status).toBe(500);
    expect(b.contacts()).toEqual(['sip:a@192.0.2.10']);
    expect(b.save(register({ cseq: 6, lines: ['Contact: *', 'Expires: 0'] })).status).toBe(200);
    expect(b.contacts()).toEqual([]);
  });
});

describe('registrar: expiration limits', () => {
  it('answers 423 with Min-Expires to an interval below minExpiresSec, storing nothing', async () => {
    const b = await box();
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 59'] }))).toEqual({ status: 423, headers: 'Min-Expires: 60\r\n' });
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;expires=1'] }))).toEqual({ status: 423, headers: 'Min-Expires: 60\r\n' });
    expect(b.location.count()).toBe(0);
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 60'] })).status).toBe(200);
  });

  it('uses the configured minimum', async () => {
    const b = await box({ minExpiresSec: 300 });
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 299'] }))).toEqual({ status: 423, headers: 'Min-Expires: 300\r\n' });
  });

  it('lowers an interval above maxExpiresSec to it rather than refusing', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 7200'] }));
    expect(out).toEqual({ status: 200, headers: `Contact: <sip:a@192.0.2.10>;expires=3600\r\n${DATE}` });
    const c = await box({ maxExpiresSec: 900, defaultExpiresSec: 900 });
    expect(c.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;expires=4000'] })).headers).toContain(';expires=900\r\n');
  });

  it('applies all Contacts or none: a 423 on the second leaves the first unregistered', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;expires=600, <sip:b@192.0.2.10>;expires=10'] }));
    expect(out.status).toBe(423);
    expect(b.location.count()).toBe(0);
  });

  it('brings a default outside [min, max] inside, with a warning', async () => {
    const b = await box({ maxExpiresSec: 600 }); // default 3600 is above it
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>'] })).headers).toContain(';expires=600\r\n');
    expect(b.h.logLines.snapshot()).toContain('warn test setting_adjusted field=registrar.defaultExpiresSec value=600');
  });
});

describe('registrar: Call-ID and CSeq ordering (§10.3 step 7)', () => {
  it('refuses the same Call-ID with an equal or lower CSeq with 500 and keeps the binding', async () => {
    const b = await box();
    b.save(register({ cseq: 10, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 600'] }));
    for (const cseq of [10, 9]) {
      const out = b.save(register({ cseq, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 0'] }));
      expect([out.status, out.headers]).toEqual([500, '']);
    }
    expect(b.location.lookup('2001').map((x) => x.cseq)).toEqual([10]);
  });

  it('lets a new Call-ID replace the binding whatever its CSeq (a rebooted phone)', async () => {
    const b = await box();
    b.save(register({ callId: 'before-reboot', cseq: 500, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 600'] }));
    const out = b.save(register({ callId: 'after-reboot', cseq: 1, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 900'] }));
    expect(out.status).toBe(200);
    expect(b.location.lookup('2001').map((x) => [x.callId, x.cseq, x.expiresAtMs])).toEqual([['after-reboot', 1, WALL_BASE_MS + 900_000]]);
  });

  it('does not take a Contact listed twice in one REGISTER for an out-of-order copy', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>;expires=600', 'Contact: <sip:a@192.0.2.10>;expires=300'] }));
    expect(out.headers).toBe(`Contact: <sip:a@192.0.2.10>;expires=300\r\n${DATE}`);
  });

  it('fails the whole request when one Contact is out of order (all or nothing)', async () => {
    const b = await box();
    b.save(register({ cseq: 4, lines: ['Contact: <sip:a@192.0.2.10>'] }));
    const out = b.save(register({ cseq: 3, lines: ['Contact: <sip:new@192.0.2.10>, <sip:a@192.0.2.10>'] }));
    expect(out.status).toBe(500);
    expect(b.contacts()).toEqual(['sip:a@192.0.2.10']);
  });
});

describe('registrar: maxContactsPerAor', () => {
  it('replaces the least recently registered binding when a new one would exceed the limit', async () => {
    const b = await box({ maxContactsPerAor: 2 });
    b.save(register({ callId: 'boot-1', lines: ['Contact: <sip:2001@192.0.2.10:5060>'] }));
    b.h.advance(1000);
    b.save(register({ callId: 'boot-2', lines: ['Contact: <sip:2001@192.0.2.10:5062>'] }));
    b.h.advance(1000);
    b.save(register({ callId: 'boot-1', cseq: 2, lines: ['Contact: <sip:2001@192.0.2.10:5060>'] })); // a refresh: now the newest
    b.h.advance(1000);
    const out = b.save(register({ callId: 'boot-3', lines: ['Contact: <sip:2001@192.0.2.10:5064>'] }));
    expect(out.status).toBe(200);
    expect(b.contacts()).toEqual(['sip:2001@192.0.2.10:5064', 'sip:2001@192.0.2.10:5060']);
    expect(b.h.logLines.snapshot()).toContain('info test binding_removed aor=2001 contact=sip:2001@192.0.2.10:5062');
  });

  it('refuses with 403 a REGISTER that alone brings more Contacts than allowed, changing nothing', async () => {
    const b = await box({ maxContactsPerAor: 2 });
    b.save(register({ callId: 'x', lines: ['Contact: <sip:old@192.0.2.10>'] }));
    const out = b.save(register({ callId: 'y', lines: ['Contact: <sip:a@192.0.2.10>, <sip:b@192.0.2.10>, <sip:c@192.0.2.10>'] }));
    expect([out.status, out.reason]).toEqual([403, 'Too Many Contacts']);
    expect(b.contacts()).toEqual(['sip:old@192.0.2.10']);
  });

  it('defaults to five bindings', async () => {
    const b = await box();
    for (let i = 0; i < 7; i++) {
      b.save(register({ callId: `c${i}`, lines: [`Contact: <sip:2001@192.0.2.10:${5060 + i}>`] }));
      b.h.advance(1);
    }
    expect(b.location.count()).toBe(5);
  });
});

describe('registrar: RFC 5626 instance and reg-id', () => {
  const instance = '+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"';

  it('replaces the binding with the same +sip.instance and reg-id, though the URI changed', async () => {
    const b = await box();
    b.save(register({ callId: 'a', lines: [`Contact: <sip:2001@192.0.2.10:5060;ob>;${instance};reg-id=1`] }));
    const out = b.save(register({ callId: 'b', lines: [`Contact: <sip:2001@198.51.100.7:40000;ob>;${instance};reg-id=1`] }));
    expect(b.contacts()).toEqual(['sip:2001@198.51.100.7:40000;ob']);
    expect(b.location.lookup('2001')[0]).toMatchObject({ instance: '<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>', regId: 1 });
    expect(out.headers).toBe(`Contact: <sip:2001@198.51.100.7:40000;ob>;expires=3600;${instance};reg-id=1\r\n${DATE}`);
  });

  it('keeps two flows of one instance (different reg-id) as two bindings', async () => {
    const b = await box();
    b.save(register({ lines: [`Contact: <sip:2001@192.0.2.10:5060;ob>;${instance};reg-id=1`] }));
    b.save(register({ cseq: 2, lines: [`Contact: <sip:2001@192.0.2.10:5070;ob>;${instance};reg-id=2`] }));
    expect(b.location.count()).toBe(2);
  });

  it('matches by URI when there is no +sip.instance (reg-id alone is ignored)', async () => {
    const b = await box();
    b.save(register({ callId: 'a', lines: ['Contact: <sip:2001@192.0.2.10:5060>;reg-id=1'] }));
    b.h.advance(1);
    b.save(register({ callId: 'b', lines: ['Contact: <sip:2001@192.0.2.10:5062>;reg-id=1'] }));
    expect(b.location.lookup('2001').map((x) => [x.contact, x.regId])).toEqual([
      ['sip:2001@192.0.2.10:5062', -1],
      ['sip:2001@192.0.2.10:5060', -1],
    ]);
  });
});

describe('registrar: Path (RFC 3327 §5.3)', () => {
  it('stores the Path values in order and echoes them when the UA supports path', async () => {
    const b = await box();
    const out = b.save(
      register({ lines: ['Path: <sip:p1.example.net;lr>', 'Path: <sip:p2.example.net;lr>', 'Supported: replaces, path', 'Contact: <sip:2001@10.0.0.5:5060>'] }),
    );
    expect(out.headers).toBe(
      'Contact: <sip:2001@10.0.0.5:5060>;expires=3600\r\n' + 'Path: <sip:p1.example.net;lr>\r\n' + 'Path: <sip:p2.example.net;lr>\r\n' + DATE,
    );
    expect(b.location.lookup('2001')[0].path).toEqual(['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>']);
  });

  it('stores the Path but does not echo it when the UA did not say Supported: path', async () => {
    const b = await box();
    const out = b.save(register({ lines: ['Path: <sip:p1.example.net;lr>, <sip:p2.example.net;lr>', 'Contact: <sip:2001@10.0.0.5:5060>'] }));
    expect(out.headers).toBe(`Contact: <sip:2001@10.0.0.5:5060>;expires=3600\r\n${DATE}`);
    expect(b.location.lookup('2001')[0].path).toEqual(['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>']);
  });
});

describe('registrar: refusals and counters', () => {
  it('refuses a malformed Contact and a non-SIP Contact URI with 400', async () => {
    const b = await box();
    expect(b.save(register({ lines: ['Contact: <sip:a@192.0.2.10'] })).status).toBe(400);
    expect(b.save(register({ lines: ['Contact: <mailto:2001@example.com>'] }))).toMatchObject({ status: 400, reason: 'Unsupported Contact URI Scheme' });
    expect(b.location.count()).toBe(0);
  });

  it('refuses an over-long Contact URI', async () => {
    const b = await box();
    const out = b.save(register({ lines: [`Contact: <sip:${'a'.repeat(1100)}@192.0.2.10>`] }));
    expect([out.status, out.reason]).toEqual([400, 'Contact URI Too Long']);
  });

  it('counts accepted and rejected REGISTERs', async () => {
    const b = await box();
    b.save(register({ lines: ['Contact: <sip:a@192.0.2.10>'] }));
    b.save(register({ cseq: 2 }));
    b.save(register({ cseq: 3, lines: ['Contact: <sip:a@192.0.2.10>', 'Expires: 5'] }));
    expect(b.registrar.metrics?.()).toEqual({ sipbox_registrar_accepted_total: 2, sipbox_registrar_rejected_total: 1 });
  });

  it('remembers where the REGISTER came from, connection included', async () => {
    const b = await box();
    const tcp: Endpoint = { proto: 'tcp', address: '198.51.100.7', port: 40312, connId: 42 };
    b.save(register({ lines: ['Contact: <sip:2001@10.0.0.5:5060;transport=tcp>'] }), tcp);
    expect(b.location.lookup('2001')[0].source).toEqual(tcp);
  });
});
