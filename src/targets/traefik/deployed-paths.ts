/**
 * The path a Traefik router's backend is sent (Facts.upstreamPath): every path-rewriting middleware
 * of the router, in the order Traefik runs them (the router's list, a chain in its own order), one
 * step each. `stripPrefix` / `stripPrefixRegex` cut the front of the path, `addPrefix` adds one,
 * `replacePath` / `replacePathRegex` replace it
 * (https://doc.traefik.io/traefik/middlewares/http/stripprefix/, .../addprefix/, .../replacepath/):
 * any of them hand-added changes what a backend route receives (`/v1/pub` -> `/admin/pub`), as a
 * changed gwc rewrite does (red team 16), so each is part of the one comparable text.
 */
import type { Json } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';
import { ENCODED_SLASH } from './paths.js';
import { stable } from './deployed-unread.js';

/** The middleware types that rewrite the path, in Traefik's words. */
const PREFIX_STEPS = ['stripPrefix', 'stripPrefixRegex', 'addPrefix'] as const;

/**
 * The rewrite step of middleware `m`, or undefined for none. gwc's `%2F` decoding (paths.ts
 * ENCODED_SLASH) maps no path: it is read as a method guard (deployed-guards.ts), not a step.
 * replacePath(Regex) keep the texts the reader always gave them (a lone gwc rewrite reads as before).
 */
export function pathStep(m: JsonObject): string | undefined {
  if (isObject(m.replacePath) && typeof m.replacePath.path === 'string') return m.replacePath.path;
  if (isObject(m.replacePathRegex) && !(m.replacePathRegex.regex === ENCODED_SLASH.regex && m.replacePathRegex.replacement === ENCODED_SLASH.replacement)) {
    return `${String(m.replacePathRegex.regex)} -> ${String(m.replacePathRegex.replacement)}`;
  }
  const type = PREFIX_STEPS.find((t) => m[t] !== undefined);
  return type === undefined ? undefined : `${type} ${stable(m[type] as Json)}`;
}

/** The router's steps as one upstream path, or undefined when none rewrites it. */
export const upstreamPathOf = (steps: readonly string[]): string | undefined => (steps.length === 0 ? undefined : steps.join(' then '));
