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
import { compileGateway } from '../../src/api.js';
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
  const { gateway } = loaded;

  it('control: a UUID-like id is sent to the public route by gwc; a plain id to the keyed one', () => {
    const hit = matchRoute(gateway!, 'GET', '/v1/files/3f2a-9c1b');
    expect('route' in hit && hit.route.id).toMatch(/revision/);
    const plain = matchRoute(gateway!, 'GET', '/v1/files/42');
    expect('route' in plain && plain.route.id).toMatch(/file/);
  });

  it.fails('BREAK: the pair is refused (route-ambiguous-unprotected or param-variant-reaches-protected), as a backend ranking by captured variables runs the keyed handler', () => {
    const r = compileGateway(gateway!, 'nginx', {});
    expect(r.files.length).toBeGreaterThan(0);
    const codes = [...loaded.diagnostics, ...r.diagnostics].filter((d) => d.severity === 'error').map((d) => d.code);
    expect(codes.some((c) => c === 'route-ambiguous-unprotected' || c === 'param-variant-reaches-protected')).toBe(true);
  });

  it.fails('BREAK (lint parity): lint reports no error for the pair either', async () => {
    const l = await lint(writeSpec(SPEC), { target: 'nginx' });
    expect(l.diagnostics.filter((d) => d.severity === 'error')).not.toEqual([]);
  });
});
