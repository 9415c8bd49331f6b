// Extensions (phone lines): the field rules as pure functions (the web API reuses them), and the
// JSON-RPC methods ext.add / ext.list / ext.del / ext.passwd over any Store, which the daemon
// serves on its control socket and `sipbox ext` runs directly on the file when no daemon runs.
import { randomInt } from 'node:crypto';
import type { Store } from './index';
import type { Extension } from './schema';

export const NUMBER_MIN_DIGITS = 2;
export const NUMBER_MAX_DIGITS = 15; // E.164's longest number
export const NAME_MAX_CHARS = 64;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 128;
/** 20 characters of 62 = 119 bits. */
export const GENERATED_PASSWORD_CHARS = 20;
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** JSON-RPC codes (mgmt/rpc.ts reads `rpcCode`; store/ may not import mgmt/). */
export const RPC_INVALID_PARAMS = -32602;
export const RPC_EXTENSION_NOT_FOUND = -32001;

export type Check<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const bad = (field: string, message: string): { ok: false; field: string; message: string } => ({ ok: false, field, message });

/** number: 2-15 digits, nothing else (it is the SIP user part and the digest username). */
export function checkNumber(v: unknown): Check<string> {
  if (typeof v !== 'string') return bad('number', 'number is required (2-15 digits)');
  if (v.length < NUMBER_MIN_DIGITS || v.length > NUMBER_MAX_DIGITS) {
    return bad('number', `number must have ${NUMBER_MIN_DIGITS}-${NUMBER_MAX_DIGITS} digits, got ${v.length} characters`);
  }
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return bad('number', `number must be digits only, got '${v[i]}' at position ${i + 1}`);
  }
  return { ok: true, value: v };
}

/** name: optional (''), at most 64 characters, no control characters (C0, DEL, C1). */
export function checkName(v: unknown): Check<string> {
  if (v === undefined) return { ok: true, value: '' };
  if (typeof v !== 'string') return bad('name', 'name must be a string');
  let chars = 0;
  for (const ch of v) {
    chars++;
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return bad('name', `name must not contain control characters (found U+${c.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  if (chars > NAME_MAX_CHARS) return bad('name', `name must be at most ${NAME_MAX_CHARS} characters, got ${chars}`);
  return { ok: true, value: v };
}

/** password: 8-128 printable ASCII characters, no space and no quote (' or "): phones' config
 *  formats and web forms mangle those. */
export function checkPassword(v: unknown): Check<string> {
  if (typeof v !== 'string') return bad('password', 'password must be a string');
  if (v.length < PASSWORD_MIN_CHARS || v.length > PASSWORD_MAX_CHARS) {
    return bad('password', `password must be ${PASSWORD_MIN_CHARS}-${PASSWORD_MAX_CHARS} characters, got ${v.length}`);
  }
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return bad('password', `password must be printable ASCII without spaces (position ${i + 1})`);
    if (c === 0x22 || c === 0x27) return bad('password', `password must not contain quotes (position ${i + 1})`);
  }
  return { ok: true, value: v };
}

/** A strong password from the system's CSPRNG, letters and digits only (easy to type on a phone). */
export function generatePassword(): string {
  let s = '';
  for (let i = 0; i < GENERATED_PASSWORD_CHARS; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return s;
}

export interface NewExtension {
  number: string;
  name: string;
  /** null: generate one. */
  password: string | null;
}

/** Checks an ext.add body: the three fields, no unknown field, and a number not taken yet. */
export function checkNewExtension(input: unknown, existing: readonly Extension[]): Check<NewExtension> {
  const o = paramsObject(input, ['number', 'name', 'password']);
  if (!o.ok) return o;
  const number = checkNumber(o.value.number);
  if (!number.ok) return number;
  if (existing.some((e) => e.number === number.value)) return bad('number', `extension ${number.value} already exists`);
  const name = checkName(o.value.name);
  if (!name.ok) return name;
  if (o.value.password === undefined) return { ok: true, value: { number: number.value, name: name.value, password: null } };
  const password = checkPassword(o.value.password);
  if (!password.ok) return password;
  return { ok: true, value: { number: number.value, name: name.value, password: password.value } };
}

/** RPC params as an object with only the `allowed` keys (a misspelt key is an error, not ignored). */
export function paramsObject(v: unknown, allowed: readonly string[]): Check<Record<string, unknown>> {
  if (v === undefined) return { ok: true, value: {} };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('params', 'params must be an object');
  for (const k of Object.keys(v)) if (!allowed.includes(k)) return bad(k, `unknown field '${k}' (expected ${allowed.join(', ')})`);
  return { ok: true, value: v as Record<string, unknown> };
}

/** What the ext.* methods throw: JSON-RPC invalid params naming the field, or "not found". */
export class ExtensionError extends Error {
  readonly rpcCode: number;
  readonly rpcData: { field: string };
  constructor(kind: 'invalid' | 'not-found', readonly field: string, message: string) {
    super(message);
    this.name = 'ExtensionError';
    this.rpcCode = kind === 'invalid' ? RPC_INVALID_PARAMS : RPC_EXTENSION_NOT_FOUND;
    this.rpcData = { field };
  }
}

function valueOf<T>(c: Check<T>): T {
  if (!c.ok) throw new ExtensionError('invalid', c.field, c.message);
  return c.value;
}

/** One extension as ext.list shows it; the password only when asked. */
export interface ExtensionView {
  number: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  password?: string;
}

/** Shortest first, so that 20 comes before 100. */
const byNumber = (a: Extension, b: Extension): number =>
  a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);

/** ext.* methods return JSON-serialisable results; the type matches modules/module.ts's RpcMethod. */
export type ExtensionRpcMethod = (params: unknown) => Promise<unknown>;

export interface ExtensionRpcOptions {
  /** Wall-clock time for createdAt/updatedAt (injected for tests). */
  now?: () => Date;
}

/**
 * The JSON-RPC methods over `store`:
 *   ext.add {number, name?, password?} -> {number, name, generatedPassword?}
 *   ext.list {showPasswords?} -> ExtensionView[] (by number)
 *   ext.del {number} -> {number}
 *   ext.passwd {number, password?} -> {number, generatedPassword?}
 * Changes are written with 'now' durability: they are on disk when the call answers.
 */
export function extensionRpc(store: Store, opts: ExtensionRpcOptions = {}): Record<string, ExtensionRpcMethod> {
  const now = opts.now ?? (() => new Date());
  const find = (number: string): Extension => {
    const e = store.data.extensions.find((x) => x.number === number);
    if (!e) throw new ExtensionError('not-found', 'number', `extension ${number} does not exist`);
    return e;
  };
  return {
    'ext.add': async (params) => {
      const add = valueOf(checkNewExtension(params, store.data.extensions));
      const password = add.password ?? generatePassword();
      const at = now().toISOString();
      await store.update((d) => {
        // Checked again inside the update: the one place where the document changes.
        if (d.extensions.some((e) => e.number === add.number)) throw new ExtensionError('invalid', 'number', `extension ${add.number} already exists`);
        d.extensions = [...d.extensions, { number: add.number, name: add.name, password, createdAt: at, updatedAt: at }];
      }, 'now');
      return add.password === null ? { number: add.number, name: add.name, generatedPassword: password } : { number: add.number, name: add.name };
    },
    'ext.list': async (params) => {
      const o = valueOf(paramsObject(params, ['showPasswords']));
      if (o.showPasswords !== undefined && typeof o.showPasswords !== 'boolean') throw new ExtensionError('invalid', 'showPasswords', 'showPasswords must be true or false');
      const show = o.showPasswords === true;
      return [...store.data.extensions].sort(byNumber).map((e): ExtensionView => {
        const v: ExtensionView = { number: e.number, name: e.name, createdAt: e.createdAt, updatedAt: e.updatedAt };
        if (show) v.password = e.password;
        return v;
      });
    },
    'ext.del': async (params) => {
      const number = valueOf(checkNumber(valueOf(paramsObject(params, ['number'])).number));
      find(number);
      await store.update((d) => {
        const i = d.extensions.findIndex((e) => e.number === number);
        if (i === -1) throw new ExtensionError('not-found', 'number', `extension ${number} does not exist`);
        d.extensions = d.extensions.filter((_, j) => j !== i);
      }, 'now');
      return { number };
    },
    'ext.passwd': async (params) => {
      const o = valueOf(paramsObject(params, ['number', 'password']));
      const number = valueOf(checkNumber(o.number));
      const given = o.password === undefined ? null : valueOf(checkPassword(o.password));
      find(number);
      const password = given ?? generatePassword();
      const at = now().toISOString();
      await store.update((d) => {
        const e = d.extensions.find((x) => x.number === number);
        if (!e) throw new ExtensionError('not-found', 'number', `extension ${number} does not exist`);
        d.extensions = d.extensions.map((x) => (x === e ? { ...x, password, updatedAt: at } : x));
      }, 'now');
      return given === null ? { number, generatedPassword: password } : { number };
    },
  };
}
