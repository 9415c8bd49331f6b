// Brings a data document read from disk up to the current schema version (schema.ts), one step per
// version, then checks every field; a refusal names the field (`extensions[2].number: ...`).
import { SCHEMA_VERSION, type Data } from './schema';

type Doc = Record<string, unknown>;

/** Turns a document of version N into one of version N + 1 (and sets `version` itself); throws an
 *  Error naming the field it cannot read. */
export type MigrationStep = (doc: Doc) => Doc;

/** Steps by the version they start from: MIGRATIONS[1] would take version 1 to 2. Version 1 is the
 *  first released schema, so there is nothing to migrate yet. */
export const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {};

export type MigrateResult = { ok: true; data: Data; fromVersion: number } | { ok: false; error: string };

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v;

class FieldError extends Error {}

function need(cond: boolean, field: string, expected: string, got: unknown): void {
  if (!cond) throw new FieldError(`${field}: expected ${expected}, got ${typeName(got)}`);
}

function str(o: Doc, key: string, at: string): void {
  need(typeof o[key] === 'string', `${at}.${key}`, 'a string', o[key]);
}

function num(o: Doc, key: string, at: string): void {
  need(typeof o[key] === 'number' && Number.isFinite(o[key]), `${at}.${key}`, 'a number', o[key]);
}

function list(o: Doc, key: string, at: string, item: (v: unknown, at: string) => void): void {
  const v = o[key];
  const field = at === '' ? key : `${at}.${key}`;
  need(Array.isArray(v), field, 'an array', v);
  (v as unknown[]).forEach((x, i) => item(x, `${field}[${i}]`));
}

function checkExtension(v: unknown, at: string): void {
  need(isObject(v), at, 'an object', v);
  const e = v as Doc;
  for (const k of ['number', 'name', 'password', 'createdAt', 'updatedAt']) str(e, k, at);
}

function checkBinding(v: unknown, at: string): void {
  need(isObject(v), at, 'an object', v);
  const b = v as Doc;
  for (const k of ['aor', 'contact', 'callId', 'userAgent']) str(b, k, at);
  for (const k of ['expiresAt', 'q', 'cseq', 'regId', 'registeredAt']) num(b, k, at);
  list(b, 'path', at, (p, pat) => need(typeof p === 'string', pat, 'a string', p));
  need(b.instance === null || typeof b.instance === 'string', `${at}.instance`, 'a string or null', b.instance);
  const src = b.source;
  need(isObject(src), `${at}.source`, 'an object', src);
  const s = src as Doc;
  need(s.proto === 'udp' || s.proto === 'tcp' || s.proto === 'tls', `${at}.source.proto`, "'udp', 'tcp' or 'tls'", s.proto);
  str(s, 'address', `${at}.source`);
  num(s, 'port', `${at}.source`);
}

/** Throws FieldError unless `doc` is a valid document of the current version. */
function checkCurrent(doc: Doc): Data {
  list(doc, 'extensions', '', checkExtension);
  list(doc, 'bindings', '', checkBinding);
  need(typeof doc.secret === 'string' && doc.secret.length > 0, 'secret', 'a non-empty string', doc.secret);
  // Unknown top-level keys are kept as they are: they are someone's data.
  return doc as unknown as Data;
}

/** The mechanism, with the step table and the current version as parameters (tests use their own). */
export function migrateWith(steps: Readonly<Record<number, MigrationStep>>, currentVersion: number, input: unknown): MigrateResult {
  if (!isObject(input)) return { ok: false, error: `the document: expected an object, got ${typeName(input)}` };
  const v = input.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return { ok: false, error: `version: expected a schema version (an integer >= 1), got ${v === undefined ? 'nothing' : JSON.stringify(v)}` };
  }
  if (v > currentVersion) {
    return { ok: false, error: `version: the file has schema version ${v}, newer than this sipbox understands (${currentVersion}); upgrade sipbox` };
  }
  let doc: Doc = input;
  for (let from = v; from < currentVersion; from++) {
    const step = Object.prototype.hasOwnProperty.call(steps, from) ? steps[from] : undefined;
    if (!step) return { ok: false, error: `version: no migration from schema version ${from} to ${from + 1}` };
    try {
      doc = step(doc);
    } catch (err) {
      // A step fails on a document it cannot read: that is the file's problem, told as a value.
      return { ok: false, error: `migrating from version ${from}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (doc.version !== from + 1) return { ok: false, error: `version: migration step ${from} -> ${from + 1} left version ${String(doc.version)} (bug)` };
  }
  try {
    return { ok: true, data: checkCurrent(doc), fromVersion: v };
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    return { ok: false, error: err.message };
  }
}

export function migrate(doc: unknown): MigrateResult {
  return migrateWith(MIGRATIONS, SCHEMA_VERSION, doc);
}
