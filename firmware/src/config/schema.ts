// Typed, ranged, documented settings (Kamailio's cfg vars): each module declares its own, the
// loader validates them once at start-up and freezes them. A bad value is refused naming the
// module, the field and what was expected.

export interface IntField { kind: 'int'; min: number; max: number; default: number; doc: string }
export interface BoolField { kind: 'bool'; default: boolean; doc: string }
export interface StrField { kind: 'str'; default: string; doc: string; pattern?: RegExp; maxLength?: number }
export interface EnumField<T extends string = string> { kind: 'enum'; values: readonly T[]; default: T; doc: string }
export type Field = IntField | BoolField | StrField | EnumField;
export type ConfigSpec = Record<string, Field>;

type ValueOf<F> = F extends IntField ? number : F extends BoolField ? boolean : F extends EnumField<infer T> ? T : string;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: ValueOf<S[K]> };

export const int = (o: Omit<IntField, 'kind'>): IntField => ({ kind: 'int', ...o });
export const bool = (o: Omit<BoolField, 'kind'>): BoolField => ({ kind: 'bool', ...o });
export const str = (o: Omit<StrField, 'kind'>): StrField => ({ kind: 'str', ...o });
export const oneOf = <T extends string>(o: Omit<EnumField<T>, 'kind'>): EnumField<T> => ({ kind: 'enum', ...o });

export type ConfigResult<S extends ConfigSpec> = { ok: true; config: ConfigOf<S> } | { ok: false; field: string; error: string };

/** Validates `input` (unknown JSON) against `spec`; missing fields take their defaults. */
export function validateConfig<S extends ConfigSpec>(scope: string, spec: S, input: Record<string, unknown> = {}): ConfigResult<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!(key in spec)) return { ok: false, field: `${scope}.${key}`, error: `unknown setting (known: ${Object.keys(spec).join(', ')})` };
  }
  for (const [key, f] of Object.entries(spec)) {
    const v = input[key];
    const name = `${scope}.${key}`;
    if (v === undefined) { out[key] = f.default; continue; }
    switch (f.kind) {
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < f.min || v > f.max) {
          return { ok: false, field: name, error: `must be a whole number from ${f.min} to ${f.max}, got ${JSON.stringify(v)}` };
        }
        break;
      case 'bool':
        if (typeof v !== 'boolean') return { ok: false, field: name, error: `must be true or false, got ${JSON.stringify(v)}` };
        break;
      case 'str':
        if (typeof v !== 'string' || (f.maxLength !== undefined && v.length > f.maxLength) || (f.pattern && !f.pattern.test(v))) {
          return { ok: false, field: name, error: `must be a string${f.pattern ? ` matching ${f.pattern}` : ''}, got ${JSON.stringify(v)}` };
        }
        break;
      case 'enum':
        if (typeof v !== 'string' || !f.values.includes(v)) return { ok: false, field: name, error: `must be one of ${f.values.join(', ')}, got ${JSON.stringify(v)}` };
        break;
    }
    out[key] = v;
  }
  return { ok: true, config: Object.freeze(out) as ConfigOf<S> };
}
