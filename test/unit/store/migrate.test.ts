// Migration of the data document (store/migrate.ts): the step table runs from the file's version up
// to the current one, and every refusal names the field.
import { describe, expect, it } from 'vitest';
import { migrate, migrateWith, type MigrationStep } from '../../../firmware/src/store/migrate';
import { ext } from '../../cases/store.case';

const binding = {
  aor: '201', contact: 'sip:201@192.0.2.10:5060', expiresAt: 1_700_000_000_000, q: -1, callId: 'c1', cseq: 3,
  path: [], source: { proto: 'udp', address: '192.0.2.10', port: 5060 }, userAgent: 'phone', instance: null, regId: -1,
  registeredAt: 1_699_999_000_000,
};
const v1 = (over: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ version: 1, extensions: [ext('201')], bindings: [binding], secret: 's3cret', ...over });

describe('migrate (current version 1)', () => {
  it('accepts a valid version 1 document as it is, keeping unknown top-level keys', () => {
    const doc = v1({ futureThing: { a: 1 } });
    const r = migrate(doc);
    expect(r).toEqual({ ok: true, data: doc, fromVersion: 1 });
  });

  it.each([
    [null, 'the document: expected an object, got null'],
    [[1], 'the document: expected an object, got an array'],
    [{ extensions: [] }, 'version: expected a schema version (an integer >= 1), got nothing'],
    [v1({ version: '1' }), 'version: expected a schema version (an integer >= 1), got "1"'],
    [v1({ version: 1.5 }), 'version: expected a schema version (an integer >= 1), got 1.5'],
    [v1({ version: 0 }), 'version: expected a schema version (an integer >= 1), got 0'],
    [v1({ version: 7 }), 'version: the file has schema version 7, newer than this sipbox understands (1); upgrade sipbox'],
    [v1({ extensions: {} }), 'extensions: expected an array, got object'],
    [v1({ extensions: [ext('201'), 'x'] }), 'extensions[1]: expected an object, got string'],
    [v1({ extensions: [{ ...ext('201'), password: null }] }), 'extensions[0].password: expected a string, got null'],
    [v1({ bindings: [{ ...binding, q: 'high' }] }), 'bindings[0].q: expected a number, got string'],
    [v1({ bindings: [{ ...binding, expiresAt: Number.NaN }] }), 'bindings[0].expiresAt: expected a number, got NaN'],
    [v1({ bindings: [{ ...binding, path: ['<sip:a>', 3] }] }), 'bindings[0].path[1]: expected a string, got number'],
    [v1({ bindings: [{ ...binding, instance: 5 }] }), 'bindings[0].instance: expected a string or null, got number'],
    [v1({ bindings: [{ ...binding, source: { ...binding.source, proto: 'sctp' } }] }), "bindings[0].source.proto: expected 'udp', 'tcp' or 'tls', got string"],
    [v1({ bindings: [{ ...binding, source: { ...binding.source, port: '5060' } }] }), 'bindings[0].source.port: expected a number, got string'],
    [v1({ secret: '' }), 'secret: expected a non-empty string, got string'],
    [v1({ secret: undefined }), 'secret: expected a non-empty string, got undefined'],
  ])('refuses %j: %s', (doc, error) => {
    expect(migrate(doc)).toEqual({ ok: false, error });
  });
});

describe('migrateWith (the step mechanism, on a made-up table up to version 3)', () => {
  // Version 1 -> 2 renames `phones` to `extensions`; 2 -> 3 adds `bindings`.
  const steps: Record<number, MigrationStep> = {
    1: (doc) => {
      if (!Array.isArray(doc.phones)) throw new Error('phones: expected an array');
      const { phones, ...rest } = doc;
      return { ...rest, version: 2, extensions: phones };
    },
    2: (doc) => ({ ...doc, version: 3, bindings: [] }),
  };

  it('runs every step from the file\'s version, in order, and reports where it started', () => {
    const r = migrateWith(steps, 3, { version: 1, phones: [ext('201')], secret: 's' });
    expect(r).toEqual({ ok: true, fromVersion: 1, data: { version: 3, extensions: [ext('201')], bindings: [], secret: 's' } });
    const r2 = migrateWith(steps, 3, { version: 2, extensions: [], secret: 's' });
    expect(r2).toEqual({ ok: true, fromVersion: 2, data: { version: 3, extensions: [], bindings: [], secret: 's' } });
  });

  it('names the step and the field when a step cannot read the document', () => {
    expect(migrateWith(steps, 3, { version: 1, phones: 'x', secret: 's' })).toEqual({ ok: false, error: 'migrating from version 1: phones: expected an array' });
  });

  it('checks the migrated document like a current one', () => {
    expect(migrateWith(steps, 3, { version: 1, phones: [{ number: 201 }], secret: 's' })).toEqual({
      ok: false, error: 'extensions[0].number: expected a string, got number',
    });
  });

  it('refuses a version the table has no step for', () => {
    expect(migrateWith({ 2: steps[2] }, 3, { version: 1, phones: [], secret: 's' })).toEqual({ ok: false, error: 'version: no migration from schema version 1 to 2' });
  });

  it('refuses a step that forgets to set the version (a bug in the step)', () => {
    const forgetful: Record<number, MigrationStep> = { 1: (doc) => ({ ...doc }) };
    expect(migrateWith(forgetful, 2, { version: 1, extensions: [], bindings: [], secret: 's' })).toEqual({
      ok: false, error: 'version: migration step 1 -> 2 left version 1 (bug)',
    });
  });
});
