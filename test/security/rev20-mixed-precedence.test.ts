/**
 * REV20 on 94389f70 / 3d542eef (route-ambiguous-unprotected, param-variant-reaches-protected): of a
 * public `/files/{a}-{b}` and a keyed `/files/{id}` on ONE backend, gwc ranks the partly literal
 * segment first (paths.ts compareSegments) and `ambiguous()` calls the pair ordered, so neither
 * check refuses it. OpenAPI gives no order between two templated segments, and backends disagree
 * with gwc: Spring (PathPattern.SPECIFICITY_COMPARATOR: fewer captured variables first, score 1 <
 * 2; AntPatternComparator likewise) runs the `/files/{id}` handler for `/files/3f2a-9c1b`. So any
 * id holding a `-` (every UUID) is served by the keyed handler through the public route, no key:
 * the ambiguity class 94389f70 refuses for two bare templates, through a mixed one.
 * Suggested fix: treat mixed vs bare parameter at a segment as no precedence in
 * route-ambiguous-unprotected (a URL both match, the first-tried admitting more or limiting less),
 * unless pathMatching: exact / the backend is declared to rank as gwc does.
 * Oracle: the model's matchRoute (what every target compiles) and a clean nginx build.
 */
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/model/paths.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';

const SPEC = `openapi: 3.1.0
info: { title: rev20 mixed, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rev20m
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /files/{id}: { get: { operationId: file, security: [{ key: [] }], parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { "200": { description: the file } } } }
  /files/{name}-{rev}: { get: { operationId: revision, security: [], x-gateway: { public: true }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }, { name: rev, in: path, required: true, schema: { type: string } }], responses: { "200": { description: a public revision } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`;

describe('REV20: a public mixed template beside a keyed bare one on one backend', async () => {
  const loaded = await gatewayOf(SPEC);
  // Both keyed: nothing to refuse, gwc's order shows.
  const both = await gatewayOf(SPEC.replace('security: [], x-gateway: { public: true }', 'security: [{ key: [] }]'));

  it('control: gwc sends a UUID-like id to the mixed route, a plain id to the bare one (both keyed: builds)', () => {
    const gateway = both.gateway!;
    const hit = matchRoute(gateway, 'GET', '/v1/files/3f2a-9c1b');
    expect('route' in hit && hit.route.id).toMatch(/revision/);
    const plain = matchRoute(gateway, 'GET', '/v1/files/42');
    expect('route' in plain && plain.route.id).toMatch(/file/);
    expect(both.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('BREAK (closed): the pair is refused, route-ambiguous-unprotected at the keyed path, as a backend ranking by captured variables runs the keyed handler', () => {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['route-ambiguous-unprotected']);
    expect(errors[0]!.loc?.pointer).toBe('/paths/~1files~1{id}');
  });

  it('BREAK (closed, lint parity): lint reports the error at the same place', async () => {
    const l = await lint(writeSpec(SPEC), { target: 'nginx' });
    const errors = l.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.loc?.pointer])).toContainEqual(['route-ambiguous-unprotected', '/paths/~1files~1{id}']);
  });

  it('PV21: a mixed template capturing no more than the bare one is refused too (Spring agrees with gwc, Express and Rails take declaration order: /files/:id declared first runs for /files/3f2a-latest); same security builds', async () => {
    const one = SPEC.replace('/files/{name}-{rev}', '/files/{name}-latest').replace(", { name: rev, in: path, required: true, schema: { type: string } }", '');
    const refused = await gatewayOf(one);
    expect(refused.diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected').map((d) => [d.loc?.pointer, d.params.by])).toEqual([['/paths/~1files~1{id}', 'callers']]);
    const same = await gatewayOf(one.replace('security: [], x-gateway: { public: true }', 'security: [{ key: [] }]'));
    expect(same.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
