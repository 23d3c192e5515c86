/**
 * What a router's middlewares keep from its backend, or from its forward-auth service, besides
 * auth (Facts.guards): gwc's `redirectRegex` that drops query names (routes.ts: `_method` in every
 * spelling, a credential's name in the query), and a forwardAuth's `trustForwardHeader: false`
 * (https://doc.traefik.io/traefik/middlewares/http/forwardauth/#trustforwardheader): Traefik then
 * writes the X-Forwarded-* it sends the auth service itself; `true` sends the client's own, so a
 * client names the method, host and path the service decides on. And gwc's `%2F` decoding (paths.ts
 * ENCODED_SLASH), read as a method guard: the backend would otherwise run another operation.
 */
import type { Guards } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';
import { ENCODED_SLASH } from './paths.js';

/** A redirectRegex that removes `_method` is a method guard; one that removes other names, a credential guard. */
function redirectKind(regex: string): 'method' | 'credential' {
  try {
    return new RegExp(regex).test('/x?_method=DELETE') ? 'method' : 'credential';
  } catch {
    return 'credential';
  }
}

/** Adds the guards of one middleware to `guards`. */
export function middlewareGuards(name: string, m: JsonObject, guards: Guards): void {
  if (isObject(m.redirectRegex) && typeof m.redirectRegex.regex === 'string') {
    const kind = redirectKind(m.redirectRegex.regex);
    (guards[kind] ??= []).push(`query names dropped by redirect: ${m.redirectRegex.regex} -> ${String(m.redirectRegex.replacement ?? '')}`);
  }
  // paths.ts ENCODED_SLASH: without it a raw-path backend runs another operation than the one the
  // router matched and authorised (`/items/x%2Fy`: the keyed /items/{id}), as a method override does.
  if (isObject(m.replacePathRegex) && m.replacePathRegex.regex === ENCODED_SLASH.regex && m.replacePathRegex.replacement === ENCODED_SLASH.replacement) {
    (guards.method ??= []).push('%2F sent as / (the backend runs the operation the router matched)');
  }
  if (isObject(m.forwardAuth) && m.forwardAuth.trustForwardHeader !== true) {
    (guards.header ??= []).push(`${name}: X-Forwarded-* to the auth service set by Traefik`);
  }
}
