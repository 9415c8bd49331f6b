// Extension field rules and the ext.* JSON-RPC methods, over the in-memory Store.
import { describe, expect, it } from 'vitest';
import {
  checkName, checkNewExtension, checkNumber, checkPassword, extensionRpc, ExtensionError, generatePassword,
} from '../../../firmware/src/store/extensions';
import { memoryStore } from '../../../firmware/src/store/memory';
import { ext } from '../../cases/store.case';

describe('extension field rules', () => {
  it.each(['20', '201', '123456789012345'])('accepts the number %j', (n) => {
    expect(checkNumber(n)).toEqual({ ok: true, value: n });
  });

  it.each([
    ['2', 'number must have 2-15 digits, got 1 characters'],
    ['1234567890123456', 'number must have 2-15 digits, got 16 characters'],
    ['+4930', "number must be digits only, got '+' at position 1"],
    ['20a', "number must be digits only, got 'a' at position 3"],
    ['2 1', "number must be digits only, got ' ' at position 2"],
    ['２０', "number must be digits only, got '２' at position 1"],
    [201, 'number is required (2-15 digits)'],
    [undefined, 'number is required (2-15 digits)'],
  ])('refuses the number %j, naming the field', (n, message) => {
    expect(checkNumber(n)).toEqual({ ok: false, field: 'number', message });
  });

  it('accepts names up to 64 characters (counted as characters, not UTF-16 units), and none', () => {
    expect(checkName(undefined)).toEqual({ ok: true, value: '' });
    expect(checkName('Zoë at the front desk')).toEqual({ ok: true, value: 'Zoë at the front desk' });
    expect(checkName('😀'.repeat(64)).ok).toBe(true);
  });

  it.each([
    ['x'.repeat(65), 'name must be at most 64 characters, got 65'],
    ['Alice\nBob', 'name must not contain control characters (found U+000A)'],
    ['tab\there', 'name must not contain control characters (found U+0009)'],
    ['del\u007f', 'name must not contain control characters (found U+007F)'],
    ['c1\u0085', 'name must not contain control characters (found U+0085)'],
    [42, 'name must be a string'],
  ])('refuses the name %j', (n, message) => {
    expect(checkName(n)).toEqual({ ok: false, field: 'name', message });
  });

  it.each(['abcdefgh', 'x'.repeat(128), 'P@ss-w0rd!#$%&()*+,./:;<=>?[\\]^_`{|}~'])('accepts the password %j', (p) => {
    expect(checkPassword(p)).toEqual({ ok: true, value: p });
  });

  it.each([
    ['short12', 'password must be 8-128 characters, got 7'],
    ['x'.repeat(129), 'password must be 8-128 characters, got 129'],
    ['has space1', 'password must be printable ASCII without spaces (position 4)'],
    ['tab\tinside', 'password must be printable ASCII without spaces (position 4)'],
    ['pässwort1', 'password must be printable ASCII without spaces (position 2)'],
    ['quote"inside', 'password must not contain quotes (position 6)'],
    ["it'sapassword", 'password must not contain quotes (position 3)'],
    [12345678, 'password must be a string'],
  ])('refuses the password %j', (p, message) => {
    expect(checkPassword(p)).toEqual({ ok: false, field: 'password', message });
  });

  it('generates passwords of 20 letters and digits that pass the rules and differ', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(checkPassword(a).ok).toBe(true);
    expect(a).not.toBe(b);
  });

  it('refuses a new extension whose number is taken, or with an unknown field', () => {
    expect(checkNewExtension({ number: '201' }, [ext('201')])).toEqual({ ok: false, field: 'number', message: 'extension 201 already exists' });
    expect(checkNewExtension({ number: '202', pasword: 'abcdefgh' }, [])).toEqual({
      ok: false, field: 'pasword', message: "unknown field 'pasword' (expected number, name, password)",
    });
    expect(checkNewExtension(['202'], [])).toEqual({ ok: false, field: 'params', message: 'params must be an object' });
    expect(checkNewExtension({ number: '202' }, [])).toEqual({ ok: true, value: { number: '202', name: '', password: null } });
  });
});

describe('ext.* RPC methods over a Store', () => {
  const at = new Date('2024-05-06T07:08:09.000Z');
  const setup = (initial = [ext('201', 'Alice')]) => {
    const store = memoryStore({ extensions: initial });
    return { store, rpc: extensionRpc(store, { now: () => at }) };
  };

  it('ext.add stores the extension with the given password and timestamps', async () => {
    const { store, rpc } = setup();
    expect(await rpc['ext.add']({ number: '202', name: 'Bob', password: 'bobs-password' })).toEqual({ number: '202', name: 'Bob' });
    expect(store.data.extensions[1]).toEqual({
      number: '202', name: 'Bob', password: 'bobs-password', createdAt: '2024-05-06T07:08:09.000Z', updatedAt: '2024-05-06T07:08:09.000Z',
    });
  });

  it('ext.add without a password generates one, stores it and returns it once', async () => {
    const { store, rpc } = setup();
    const r = (await rpc['ext.add']({ number: '202' })) as { generatedPassword: string };
    expect(r.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(store.data.extensions[1].password).toBe(r.generatedPassword);
    expect(store.data.extensions[1].name).toBe('');
  });

  it('ext.add refuses a bad field or a taken number with invalid params (-32602) naming the field, changing nothing', async () => {
    const { store, rpc } = setup();
    const taken = await rpc['ext.add']({ number: '201' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ExtensionError);
    expect(taken).toMatchObject({ rpcCode: -32602, rpcData: { field: 'number' }, message: 'extension 201 already exists' });
    await expect(rpc['ext.add']({ number: '202', password: 'short' })).rejects.toMatchObject({ rpcCode: -32602, rpcData: { field: 'password' } });
    expect(store.data.extensions).toEqual([ext('201', 'Alice')]);
  });

  it('ext.list lists by number (20 before 100), without passwords unless asked', async () => {
    const { rpc } = setup([ext('100', 'Hall'), ext('201', 'Alice'), ext('20', 'Desk')]);
    expect(await rpc['ext.list'](undefined)).toEqual([
      { number: '20', name: 'Desk', createdAt: ext('20').createdAt, updatedAt: ext('20').updatedAt },
      { number: '100', name: 'Hall', createdAt: ext('100').createdAt, updatedAt: ext('100').updatedAt },
      { number: '201', name: 'Alice', createdAt: ext('201').createdAt, updatedAt: ext('201').updatedAt },
    ]);
    const withPw = (await rpc['ext.list']({ showPasswords: true })) as { password: string }[];
    expect(withPw.map((e) => e.password)).toEqual(['secret-pw-20', 'secret-pw-100', 'secret-pw-201']);
    await expect(rpc['ext.list']({ showPasswords: 'yes' })).rejects.toMatchObject({ rpcCode: -32602, rpcData: { field: 'showPasswords' } });
  });

  it('ext.del removes the extension; an unknown one is "not found" (-32001)', async () => {
    const { store, rpc } = setup([ext('201'), ext('202')]);
    expect(await rpc['ext.del']({ number: '201' })).toEqual({ number: '201' });
    expect(store.data.extensions.map((e) => e.number)).toEqual(['202']);
    await expect(rpc['ext.del']({ number: '201' })).rejects.toMatchObject({ rpcCode: -32001, rpcData: { field: 'number' }, message: 'extension 201 does not exist' });
    await expect(rpc['ext.del']({ number: 'x1' })).rejects.toMatchObject({ rpcCode: -32602 });
  });

  it('ext.passwd sets the given or a generated password and updatedAt, keeping createdAt', async () => {
    const { store, rpc } = setup();
    expect(await rpc['ext.passwd']({ number: '201', password: 'new-password' })).toEqual({ number: '201' });
    expect(store.data.extensions[0]).toMatchObject({ password: 'new-password', createdAt: ext('201').createdAt, updatedAt: '2024-05-06T07:08:09.000Z' });
    const r = (await rpc['ext.passwd']({ number: '201' })) as { generatedPassword: string };
    expect(store.data.extensions[0].password).toBe(r.generatedPassword);
    await expect(rpc['ext.passwd']({ number: '299' })).rejects.toMatchObject({ rpcCode: -32001 });
    await expect(rpc['ext.passwd']({ number: '201', password: 'a b c d e' })).rejects.toMatchObject({ rpcCode: -32602, rpcData: { field: 'password' } });
  });
});
