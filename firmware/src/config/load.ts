// The optional settings file (`--config FILE`, JSON): `{ "<module>": { "<setting>": value } }`.
// Read once at start-up; a file that does not parse is refused naming the line and column, a bad
// setting naming the module and field (validated by modules/load.ts against each module's spec).
import { readFileSync } from 'node:fs';
import { findJsonError, lineColumn } from './json-error';

export type Settings = Record<string, Record<string, unknown>>;
export type SettingsResult = { ok: true; settings: Settings } | { ok: false; error: string };

/** "line N, column M" of a character offset. */
function where(text: string, offset: number): string {
  const p = lineColumn(text, offset);
  return `line ${p.line}, column ${p.column}`;
}

export function parseSettings(text: string, file: string): SettingsResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const at = findJsonError(text);
    return { ok: false, error: `${file}: not valid JSON at ${at ? `line ${at.line}, column ${at.column}: ${at.reason}` : (err as Error).message}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: `${file}: must be a JSON object of module settings` };
  for (const [mod, value] of Object.entries(doc)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: `${file}: "${mod}" (${where(text, text.indexOf(`"${mod}"`))}) must be an object of settings` };
    }
  }
  return { ok: true, settings: doc as Settings };
}

export function loadSettings(file: string | null): SettingsResult {
  if (file === null) return { ok: true, settings: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, error: `${file}: ${(err as Error).message}` };
  }
  return parseSettings(text, file);
}

/** Where a setting stands in the file, for error messages: "line N" or ''. */
export function settingLine(text: string, mod: string, field: string): string {
  const m = text.indexOf(`"${mod}"`);
  if (m < 0) return '';
  const f = text.indexOf(`"${field}"`, m);
  return f < 0 ? where(text, m) : where(text, f);
}
