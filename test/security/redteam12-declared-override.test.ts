/**
 * Red team 12, every target: a method override an operation DECLARES (a header parameter
 * `X-HTTP-Method-Override`, or `_method` in the query) on a public operation whose path has a
 * keyed operation of another method on the same backend (class: an exemption keyed on the very
 * fact that makes the attack work; DESIGN.md 7.5).
 *
 * model/overrides.ts: targets strip or refuse the override inputs "unless the operation declares
 * the input itself"; body-override.ts leaves a POST declaring `_method` alone ("says its backend
 * reads it on purpose"), and no check looks at a declared header override at all. But the
 * declaration says exactly that the backend HONOURS the override on that operation (Rack's
 * MethodOverride, Express method-override, Laravel, ASP.NET's HttpMethodOverride all dispatch to
 * the overriding method's handler of the same path): `GET /things` with
 * `X-HTTP-Method-Override: DELETE`, admitted as the public GET, runs the keyed `DELETE /things`
 * handler with no key. test/security/redteam-method-override.test.ts ('the declaring GET passes
 * it') shows nginx passing the header through on real traffic; Kong, Traefik and API Gateway pass a
 * declared header alike. The build gives no diagnostic.
 * Fix (open, a design call for the lead): refuse a declared override on an operation whose backend
 * path serves another method protected more (body-override.ts protectedMore, sameBackendPath), as
 * head-widens-get does for HEAD; the declaration would then only be allowed where every method it
 * can name admits the same callers.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';

const ok = 'responses: { "200": { description: ok } }';
const spec = (param: string) => `openapi: 3.1.0
info: { title: red team 12 declared override, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt12o
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    ops: { credentials: { hkey: "\${env:OPS_KEY}" } }
paths:
  /things:
    get:
      operationId: listThings
      x-gateway: { public: true }
      parameters: [${param}]
      ${ok}
    delete: { operationId: wipeThings, security: [{ hkey: [] }], ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://keys.internal:9000/check" } } }
`;
const HEADER = '{ name: X-HTTP-Method-Override, in: header, schema: { type: string } }';
const QUERY = '{ name: _method, in: query, schema: { type: string } }';

describe('red team 12: a declared method override beside a more protected method of the same backend path', () => {
  for (const [what, param] of [['header X-HTTP-Method-Override', HEADER], ['query _method', QUERY]] as const) {
    it(`${what} on the public GET beside the keyed DELETE: refused on every target`, async () => {
      const loaded = await gatewayOf(spec(param));
      const model = loaded.diagnostics.filter((d) => d.severity === 'error');
      const refused: Record<string, boolean> = {};
      for (const target of ['nginx', 'traefik', 'kong', 'aws']) {
        const r = loaded.gateway ? compileGateway(unsecuredPublic(loaded.gateway), target) : undefined;
        refused[target] = model.length > 0 || (r?.diagnostics ?? []).some((d) => d.severity === 'error' && /override/i.test(`${d.code} ${d.message}`));
      }
      expect(refused).toEqual({ nginx: true, traefik: true, kong: true, aws: true });
    });
  }

  it('refused at the declaring parameter (method-override-widens), naming the keyed DELETE', async () => {
    const loaded = await gatewayOf(spec(HEADER));
    const r = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx');
    const found = r.diagnostics.filter((d) => d.code === 'method-override-widens');
    expect(found.map((d) => [d.loc?.pointer, (d.params as { other: string }).other])).toEqual([['/paths/~1things/get/parameters/0', 'wipeThings']]);
  });

  const ENUM = '{ name: X-HTTP-Method-Override, in: header, schema: { type: string, enum: [GET, HEAD] } }';
  it('an enum without the DELETE narrows the override only where the route validates its parameters', async () => {
    const plain = await gatewayOf(spec(ENUM));
    expect(compileGateway(unsecuredPublic(plain.gateway!), 'nginx').diagnostics.map((d) => d.code)).toContain('method-override-widens');
    const validated = await gatewayOf(spec(ENUM).replace('x-gateway: { public: true }', 'x-gateway: { public: true, validate: { parameters: true } }'));
    expect(compileGateway(unsecuredPublic(validated.gateway!), 'nginx').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const withDelete = await gatewayOf(spec(ENUM.replace('[GET, HEAD]', '[GET, delete]')).replace('x-gateway: { public: true }', 'x-gateway: { public: true, validate: { parameters: true } }'));
    expect(compileGateway(unsecuredPublic(withDelete.gateway!), 'nginx').diagnostics.map((d) => d.code)).toContain('method-override-widens');
  });

  it('control: the same spec without the declaration builds on nginx (the override is stripped there)', async () => {
    const loaded = await gatewayOf(spec('').replace('      parameters: []\n', ''));
    const r = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
