/**
 * Red team 4 (redB), Kong-compatible input read for Traefik (class: optional auth; "a route that
 * should need a key compiles open").
 *
 * An openapi2kong document puts `x-kong-plugin-key-auth` (or basic-auth) at the document level:
 * without `anonymous`, Kong runs it on every route and refuses a request without a valid key,
 * whatever OpenAPI `security` says (openapi2kong maps plugins, not `security`). src/input/kong/
 * plugins.ts requireAuth maps the plugin to "the operation must present the credential" and
 * returns early when "its OpenAPI security already requires a scheme of that kind in every
 * alternative". But the model has already taken `{}` out of the alternatives into
 * `route.optionalAuth` (model/normalise/security.ts): `security: [{}, {hk: []}]` reads as "every
 * alternative needs an API key", the plugin is dropped as satisfied, and the route stays OPTIONAL.
 * On Traefik (optional auth on a header key is supported) that is an anonymous router with no auth
 * middleware at all: a request with no key reaches the backend, where Kong itself answered 401.
 * README (Kong input): "`anonymous` would make it optional: refused"; a `{}` alternative makes it
 * optional the same way, silently. Fix: in requireAuth, treat `r.optionalAuth` like a missing
 * alternative (clear it, or refuse with kong-extension-unmapped as for `anonymous`).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const spec = (security: string, plugin = 'x-kong-plugin-key-auth:\n  config: { key_names: [x-api-key], hide_credentials: true }\n') => `openapi: 3.0.3
info: { title: rt4ki, version: "1" }
servers: [{ url: "https://api.test/v1" }]
${plugin}x-gateway:
  name: rt4ki
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: "\${env:A}" } }
paths:
  /orders:
    get:
      operationId: orders
      security: ${security}
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/k" } } }
`;
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'key-a' ? { status: 200 } : { status: 401 });

describe('red team 4: a document-level x-kong-plugin-key-auth beside an optional ({}) security alternative', async () => {
  const go = (config: TraefikConfig, headers: Record<string, string> = {}) =>
    send(config, { method: 'GET', host: 'api.test', target: '/v1/orders', headers, tls: true }, { auth });

  it('control: security [{hk: []}] with the plugin: no key, no backend (Traefik oracle)', async () => {
    const { built } = await compileCase(writeSpec(spec('[{ hk: [] }]')));
    const config = built!.config as TraefikConfig;
    expect(go(config).status).toBe(401);
    expect(go(config, { 'X-Api-Key': 'key-a' }).status).toBe(200);
  });

  it('control: without the Kong plugin, [{}, {hk: []}] is optional as the spec says (anonymous passes)', async () => {
    const { built } = await compileCase(writeSpec(spec('[{}, { hk: [] }]', '')));
    expect(go(built!.config as TraefikConfig).status).toBe(200);
  });

  // Hole: requireAuth sees only the non-empty alternatives (route.optionalAuth holds the {}), finds
  // an API key in each, drops the plugin as satisfied; the anonymous router has no auth middleware.
  it.fails('with the plugin (Kong: key required), a request with NO key never reaches the backend', async () => {
    const { built } = await compileCase(writeSpec(spec('[{}, { hk: [] }]')));
    if (!built) return; // refused: secure
    const o = go(built.config as TraefikConfig);
    expect(o.backend).toBeUndefined();
    expect(o.status).toBe(401);
  });
});
