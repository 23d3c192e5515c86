/**
 * `x-gateway.backendCookies` on a scheme that is not a cookie API key (closing15 "noticed, left"):
 * it says what the backend reads beside a cookie key (Traefik removes the whole Cookie header for a
 * hidden one), and no target reads it anywhere else, so it was accepted and silently dropped: a
 * statement the user believes holds. Refused at its line in the model (every target; lint and
 * validate report it at the same line).
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';

const ok = '{ "200": { description: ok } }';
const spec = (def: string) => `openapi: 3.1.0
info: { title: backend cookies, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: bc
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
paths:
  /r: { get: { operationId: r, security: [{ k: [] }], responses: ${ok} } }
components:
  securitySchemes:
    k: ${def}
`;
const POINTER = '/components/securitySchemes/k/x-gateway/backendCookies';
const FA = "forwardAuth: { url: 'http://auth.internal/check' }";

describe('backendCookies on a scheme that is not a cookie API key', () => {
  it.each([
    ['a header API key', `{ type: apiKey, in: header, name: X-Api-Key, x-gateway: { backendCookies: none, ${FA} } }`, true],
    ['a query API key', `{ type: apiKey, in: query, name: api_key, x-gateway: { backendCookies: none, hideCredentials: false, ${FA} } }`, true],
    ['basic', '{ type: http, scheme: basic, x-gateway: { backendCookies: none } }', true],
    ['a forward-verified bearer', `{ type: http, scheme: bearer, x-gateway: { backendCookies: none, ${FA} } }`, true],
    ['a JWT verified here', '{ type: http, scheme: bearer, x-gateway: { backendCookies: none, issuer: "https://id.test/", audiences: [shop], jwksUri: "https://id.test/jwks" } }', true],
    ['control: a cookie API key', `{ type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, ${FA} } }`, false],
  ])('%s: refused at the backendCookies line (%s)', async (_what, def, refused) => {
    const loaded = await gatewayOf(spec(def));
    const at = loaded.diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === POINTER);
    expect(at.length > 0).toBe(refused);
    if (refused) expect(at[0]!.message).toContain('remove backendCookies');
  });

  it('lint reports it at the same line on every target', async () => {
    const file = writeSpec(spec(`{ type: apiKey, in: header, name: X-Api-Key, x-gateway: { backendCookies: none, ${FA} } }`));
    for (const target of ['nginx', 'traefik', 'kong', 'aws']) {
      const linted = (await lint(file, { target })).diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === POINTER);
      expect(linted.length, target).toBeGreaterThan(0);
    }
  });
});
