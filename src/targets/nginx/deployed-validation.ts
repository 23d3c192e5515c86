/**
 * The request-validation module gwc writes beside the runtime for validated routes (validate.ts,
 * njs/validate.js), as `gwc diff` reads it: a route's public location dispatches to its validate
 * location (`js_content NAME.validateRequest`, `/_gwc_internal/c/N`), which checks the request and
 * hands it on, in njs, to the route's next location (the module CFG's `next`). Facts.validation is
 * one text per parameter and body check of the module's CFG for route N, and the validators' code
 * (everything but the CFG) by its SHA-256: another check, or other code, is `validation-weakened`
 * (the diff cannot rank two validators). A route whose dispatch does not pass its validate
 * location validates nothing (`[]`).
 */
import { createHash } from 'node:crypto';
import { cfgObject } from './deployed-njs.js';
import type { Directive } from './deployed-parse.js';

interface ValidateRoute {
  next?: string;
  params?: Array<Record<string, unknown>>;
  body?: Record<string, unknown> | null;
}

/** One validation module: its routes' checks and the hash of its code (the validators). */
export interface ValidationModule {
  routes: Record<string, ValidateRoute>;
  code: string;
}

/** The module's CFG routes and code hash; undefined when its CFG cannot be read (its routes then read as unvalidated). */
export function validationModule(text: string): ValidationModule | undefined {
  const cfg = cfgObject(text);
  const v = cfg?.value as { routes?: Record<string, ValidateRoute> } | undefined;
  if (!cfg || !v || typeof v.routes !== 'object' || v.routes === null) return undefined;
  const code = createHash('sha256').update(text.slice(0, cfg.start)).update(text.slice(cfg.end)).digest('hex');
  return { routes: v.routes, code };
}

/** The module and route id a validate location runs (`js_content NAME.validateRequest`, `set $VAR N`). */
export function validateTarget(block: readonly Directive[] | undefined): { module: string; id?: string } | undefined {
  const handler = block?.find((d) => d.name === 'js_content')?.args[0];
  const m = handler ? /^([^.]+)\.validateRequest$/.exec(handler) : null;
  if (!m) return undefined;
  const id = block?.find((d) => d.name === 'set' && /^\d+$/.test(d.args[1] ?? ''))?.args[1];
  return { module: m[1]!, ...(id !== undefined ? { id } : {}) };
}

/** The checks route `id` of `module` makes, as Facts.validation texts. */
export function validationTexts(module: ValidationModule, id: string | undefined): string[] {
  const route = id !== undefined && Object.hasOwn(module.routes, id) ? module.routes[id] : undefined;
  if (!route) return [];
  const text = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
  const out = (Array.isArray(route.params) ? route.params : []).map((p) => `${String(p.in)} ${String(p.name)}${p.required === true ? ' required' : ''}: ${text(p)}`);
  if (route.body && typeof route.body === 'object') out.push(`body: ${text(route.body)}`);
  out.push(`validators ${module.code}`);
  return out.sort();
}

/**
 * Where a validate location hands the request on: its route's `next` in the module's CFG when that
 * location exists, else the route's verify or route location by number (validate.ts: the verify
 * location when there is one).
 */
export function validateNext(modules: ReadonlyMap<string, ValidationModule>, byPath: ReadonlyMap<string, unknown>, at: string): string {
  const t = validateTarget((byPath.get(at) as Directive | undefined)?.block);
  const next = t?.id !== undefined ? modules.get(t.module)?.routes[t.id]?.next : undefined;
  if (typeof next === 'string' && byPath.has(next)) return next;
  const n = /\/(\d+)$/.exec(at)?.[1];
  return byPath.has(`/_gwc_internal/v/${n}`) ? `/_gwc_internal/v/${n}` : `/_gwc_internal/r/${n}`;
}

/**
 * A route's checks: `[]` when its dispatch passes no validate location, undefined when the module
 * that location runs was not read (both sides then lack the njs modules: deployed-part-missing).
 */
export function routeValidation(modules: ReadonlyMap<string, ValidationModule>, location: Directive | undefined): string[] | undefined {
  const t = location ? validateTarget(location.block) : undefined;
  if (!t) return [];
  const m = modules.get(t.module);
  return m ? validationTexts(m, t.id) : undefined;
}
