// A user's own routes (`--routes FILE`): a compiled JavaScript module, loaded once at start-up and
// checked, then fixed like the built-in ones. It exports either `routes` (a Routes object) or
// `createRoutes(base)`, which gets the appliance's default routes to wrap or fall back to.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Routes } from './api';

export type RoutesResult = { ok: true; routes: Routes } | { ok: false; error: string };

const HOOKS = ['request', 'branch', 'reply', 'failure'] as const;

/** Checks the shape of a routes object; the error names the file and the hook. */
export function checkRoutes(file: string, r: unknown): RoutesResult {
  if (r === null || typeof r !== 'object') return { ok: false, error: `${file}: routes must be an object with a request(ctx) function` };
  const obj = r as Record<string, unknown>;
  if (typeof obj.request !== 'function') return { ok: false, error: `${file}: routes.request must be a function (ctx) => verdict` };
  for (const h of HOOKS) {
    if (obj[h] !== undefined && typeof obj[h] !== 'function') return { ok: false, error: `${file}: routes.${h} must be a function` };
  }
  for (const k of Object.keys(obj)) {
    if (!(HOOKS as readonly string[]).includes(k)) return { ok: false, error: `${file}: unknown hook '${k}' (hooks: ${HOOKS.join(', ')})` };
  }
  return { ok: true, routes: Object.freeze({ ...(obj as unknown as Routes) }) };
}

export async function loadRoutes(file: string, base: Routes): Promise<RoutesResult> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, error: `${file}: cannot load: ${(err as Error).message}` };
  }
  // A CommonJS file arrives as { default: module.exports }.
  const m = mod.routes === undefined && mod.createRoutes === undefined && mod.default !== null && typeof mod.default === 'object'
    ? (mod.default as Record<string, unknown>)
    : mod;
  if (typeof m.createRoutes === 'function') {
    let made: unknown;
    try {
      made = (m.createRoutes as (b: Routes) => unknown)(base);
    } catch (err) {
      return { ok: false, error: `${file}: createRoutes threw: ${(err as Error).message}` };
    }
    return checkRoutes(file, made);
  }
  if (m.routes !== undefined) return checkRoutes(file, m.routes);
  return { ok: false, error: `${file}: exports neither routes nor createRoutes(base)` };
}
