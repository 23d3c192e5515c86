/**
 * Red team, Kong (DESIGN.md 7.5): a route's path parameter passed into a backend path that a more
 * protected route of the same server and method is served at. Kong's request-transformer writes
 * `$(uri_captures.id)` into `replace.uri`, so `GET /v1/p/me` on a public `/p/{id}` with
 * `upstreamPath: /users/{id}` reached the backend as `/users/me`, the keyed route, with no key
 * (shown through the Kong request oracle on what still builds). Refused at build
 * (upstream-param-reaches-protected); what builds passes deck validate and the decK schema.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const env = { DECK_ADMIN_KEY: 'admin-key-1' };
const HOST = 'api.test';

// pathMatching: exact: these cases are the exact values upstream-reach finds; the case and suffix
// variants a folding backend reads are redteam-param-variants.test.ts's.
const head = (backends = '{ echo: { url: "http://echo.internal:8080", pathMatching: exact } }') => `openapi: 3.1.0
info: { title: upstream lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: up
  backends: ${backends}
  defaults: { backend: echo }
  consumers:
    admin: { credentials: { hkey: "\${env:ADMIN_KEY}" } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
paths:
`;

async function build(spec: string): Promise<{ diagnostics: Diagnostic[]; yaml?: string }> {
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) return { diagnostics: loaded.diagnostics };
  const r = compileGateway(loaded.gateway, 'kong', {});
  return { diagnostics: r.diagnostics, yaml: r.files.find((f) => f.path === 'kong.yaml')?.contents };
}

describe('kong: a parameter that chooses a more protected route\'s backend path is refused at build', () => {
  it.each([
    ['an upstreamPath alias onto a keyed literal', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`, '/paths/~1p~1{id}/get/x-gateway/upstreamPath', 'id=me'],
    ['an alias onto a keyed mixed segment', `${head()}  /files/{name}.json: { get: { operationId: keyed, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/files/{id}" }, responses: ${ok} } }
`, '/paths/~1p~1{id}/get/x-gateway/upstreamPath', 'id=x.json'],
    ['a keyed alias onto a route that also needs a role', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [admin] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, security: [{ hkey: [] }], x-gateway: { upstreamPath: "/users/{id}" }, responses: ${ok} } }
`, '/paths/~1p~1{id}/get/x-gateway/upstreamPath', 'id=me'],
    ['a route on every host onto a keyed one on a single host of one server', `${head()}  /users/me:
    servers: [{ url: "https://admin.test/v1" }]
    get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} }
  /users/{id}: { get: { operationId: getUser, x-gateway: { public: true }, responses: ${ok} } }
`, '/paths/~1users~1{id}/get', 'id=me'],
  ])('%s', async (_name, spec, pointer, values) => {
    const { diagnostics } = await build(spec);
    const found = diagnostics.filter((d) => d.code === 'upstream-param-reaches-protected');
    expect(found, JSON.stringify(diagnostics.map((d) => d.code))).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', loc: { pointer }, params: { target: 'kong', values } });
  });

  it('a public HEAD alias onto a keyed GET is refused before compile (head-widens-get)', async () => {
    const { diagnostics, yaml } = await build(`${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { head: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('head-widens-get');
    expect(yaml).toBeUndefined();
  });

  it('what still builds routes by the spec: the keyed literal needs its key, a prefixed alias never reaches it', async () => {
    const { diagnostics, yaml } = await build(`${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}: { get: { operationId: getUser, x-gateway: { public: true }, responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/u-{id}" }, responses: ${ok} } }
`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml!)?.ok ?? true).toBe(true);
    expect(schemaValidate(yaml!)?.ok ?? true).toBe(true);
    const doc = parse(yaml!) as DeckDoc;
    const send = (path: string, headers: Record<string, string> = {}) => evaluate(doc, { method: 'GET', host: HOST, path, headers }, env);
    expect(send('/v1/users/me').status).toBe(401);
    expect(send('/v1/users/me', { 'x-api-key': 'admin-key-1' }).upstream?.path).toBe('/users/me');
    for (const path of ['/v1/p/me', '/v1/users/me%3B', '/v1/users/me;', '/v1/users/x/../me', '/v1/users/%2E%2E', '/v1/p/..%2Fme']) {
      const o = send(path);
      if (o.upstream) expect(o.upstream.path, path).not.toBe('/users/me');
    }
  });
});
