/**
 * Red team 19, class: a `$ref` drops what is written beside it (src/model/normalise/node.ts
 * Walker.child replaces any object holding a string `$ref` by its target; every sibling key is
 * lost, with no diagnostic from build, lint or validate).
 *
 * Attack 1 (critical, every target): an operation written as
 *     get: { $ref: "#/x-ops/report", security: [{ key: [] }] }
 * is a `$ref` OpenAPI does not define for operations, yet gwc accepts it silently (no
 * openapi-unexpected-key, unlike `<<` merge keys), follows it and drops the `security` beside it.
 * When the shared operation is public (a code-first generator's output, a template reused for a
 * health check), the route the reviewer reads as keyed compiles OPEN on nginx, Kong, Traefik and
 * AWS: `GET /v1/reports` with no key reaches the backend. (OpenAPI 3.1 Reference Objects let
 * `summary`/`description` beside a `$ref` override the target, and JSON Schema 2020-12 applies
 * sibling keywords with `$ref`: an author has every reason to believe a sibling counts.)
 *
 * Attack 2 (high, every target): a path item `$ref` is OpenAPI (3.0 and 3.1: "In case a Path Item
 * Object field appears both in the defined object and the referenced object, the behavior is
 * undefined" - so fields only beside it are the path item's). gwc drops them all: the path-item
 * `x-gateway: { policies: [office] }` (an IP allow-list: 10.0.0.0/8), its `servers` (internal host
 * scoping), and a `delete` operation written beside the `$ref`. The office-only route answers the
 * internet (nginx: 200 from 127.0.0.1, where the same policy on a plain path item gives 403).
 *
 * Suggested fix (class, in the walker, not per caller): refuse any key other than summary/description
 * beside the `$ref` of a path item, an operation or a security scheme, at the sibling's line
 * (lint relays it); or merge path-item siblings as OpenAPI allows.
 *
 * Fixed (refused, fail closed): Walker.refSibling / refuseRefSibling (src/model/normalise/node.ts),
 * called for each path item and operation (routes.ts) and each security scheme (security.ts):
 * `ref-sibling-ignored`, error, at the first key beside the $ref; summary and description (which
 * OpenAPI 3.1 lets a Reference Object carry) still build. A model error, so every target's build,
 * lint (with or without --target) and validate report it at the same pointer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt19-0123456789';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt19 ref siblings, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt19ref
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
x-ops:
  report: { operationId: report, security: [], x-gateway: { public: true }, responses: ${ok} }
paths:
  /reports:
    get:
      $ref: "#/x-ops/report"
      security: [{ key: [] }]
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} } }
  /board:
    $ref: "#/components/pathItems/board"
    x-gateway: { policies: [office] }
    delete: { operationId: clearBoard, security: [{ key: [] }], responses: ${ok} }
  /office:
    x-gateway: { policies: [office] }
    get: { operationId: office, security: [{ key: [] }], responses: ${ok} }
components:
  pathItems:
    board:
      get: { operationId: board, security: [{ key: [] }], responses: ${ok} }
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;

const WHERE = ['/paths/~1reports/get/security', '/paths/~1board/x-gateway', '/components/securitySchemes/legacy/x-gateway', '/x-ops/via/security', '/paths/~1reqs/get/security/0/key'];
/**
 * SPEC and the variants of the class: a security scheme with x-gateway beside its $ref; a chain
 * (the operation's $ref alone, the object it points at holding security beside its own $ref); a
 * security requirement `{ $ref: <an empty requirement>, key: [] }` (read as {}: anonymous).
 */
const WITH_SCHEME = SPEC.replace('  securitySchemes:\n', '  securitySchemes:\n    legacy: { $ref: "#/components/securitySchemes/key", x-gateway: { hideCredentials: false } }\n')
  .replace('x-ops:\n', `x-reqs:\n  none: {}\nx-ops:\n  via: { $ref: "#/x-ops/status", security: [{ key: [] }] }\n  status: { operationId: status, x-gateway: { public: true }, responses: ${ok} }\n`)
  .replace('paths:\n', `paths:\n  /chain:\n    get: { $ref: "#/x-ops/via" }\n  /reqs:\n    get: { operationId: reqs, security: [{ $ref: "#/x-reqs/none", key: [] }], responses: ${ok} }\n`);
/** The spec without what a $ref drops: the controls run on it. */
const PLAIN = SPEC.replace(/^ {2}\/reports:\n(?: {4}.*\n)+/m, '').replace(/^ {2}\/board:\n(?: {4}.*\n)+/m, '');
const refusedAt = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
  ds.filter((d) => d.severity === 'error' && (d.code === 'ref-sibling-ignored' || (d.code === 'target-compile' && (d.params as { code?: string }).code === 'ref-sibling-ignored'))).map((d) => d.loc?.pointer).sort();

describe('red team 19: a $ref with keys beside it', () => {
  // Was: built on every target without a word, the keyed operation public and the path item's
  // IP allow-list, servers and delete dropped (model: Walker.child reads the target alone).
  it('build refuses it on every target, at each key beside a $ref', async () => {
    const loaded = await gatewayOf(WITH_SCHEME);
    expect(refusedAt(loaded.diagnostics)).toEqual([...WHERE].sort());
    expect(loaded.gateway).toBeUndefined();
  });

  it('lint (with and without --target) reports it at the same pointers', async () => {
    const file = writeSpec(WITH_SCHEME);
    expect(refusedAt((await lint(file, { target: 'nginx' })).diagnostics)).toEqual([...WHERE].sort());
    expect(refusedAt((await lint(file, {})).diagnostics)).toEqual([...WHERE].sort());
  });

  it('control: summary and description beside a $ref (OpenAPI 3.1 Reference Object) still build', async () => {
    const spec = PLAIN.replace('paths:\n', 'paths:\n  /notes:\n    $ref: "#/components/pathItems/notes"\n    summary: notes\n    description: the notes\n').replace('  pathItems:\n', `  pathItems:\n    notes:\n      get: { operationId: notes, security: [{ key: [] }], responses: ${ok} }\n`);
    const loaded = await gatewayOf(spec);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.gateway!.routes.find((r) => r.id === 'notes')?.security).toEqual([[{ scheme: 'key', scopes: [] }]]);
  });
});

describe('red team 19, oracles: without the $ref siblings, the keyed route stays keyed on Kong, Traefik and AWS', async () => {
  const g = (await gatewayOf(PLAIN)).gateway!;
  const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const traefik = parse(compileGateway(g, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
  const aws = new AwsOracle(JSON.parse(compileGateway(g, 'aws', { publicHosts: 'echo.internal' }).files.find((f) => f.path.endsWith('.json'))!.contents));

  it('control: the keyed route refuses a caller without a key on each', () => {
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/keyed' }, { DECK_ALICE_KEY: KEY }).upstream).toBeUndefined();
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/keyed', tls: true }, { auth: () => ({ status: 401 }) }).backend).toBeUndefined();
    expect(aws.request({ method: 'GET', path: '/keyed', headers: {} }).upstream).toBeUndefined();
  });
});

describe.skipIf(!NGINX)('red team 19, nginx (real requests): the spec without the $ref siblings', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(PLAIN, { env: { ALICE_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  // Was (with the siblings): GET /v1/reports without a key reached the backend (200), and GET
  // /v1/board from 127.0.0.1 passed the dropped office policy; that spec now builds nothing.
  it('control: the keyed route is 401 without a key; the office policy is 403 from 127.0.0.1', async () => {
    const k = await lab.call('GET', '/v1/keyed');
    expect(k.r.status).toBe(401);
    expect(k.hits).toEqual([]);
    expect((await lab.call('GET', '/v1/keyed', { 'x-api-key': KEY })).r.status).toBe(200);
    const o = await lab.call('GET', '/v1/office', { 'x-api-key': KEY });
    expect(o.r.status).toBe(403);
    expect(o.hits).toEqual([]);
  });
});
